"""The multi-neuron scenes (scenes/multi.py) and the digit network diagram tell
the truth on screen: readable numbers, output digit labels, the lecture's
activation, calculations that check out, and words that agree with the values."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("manim")

from manim import RIGHT  # noqa: E402

import engine  # noqa: E402
from scenes import checks, style  # noqa: E402
from scenes.vocab.network import NetworkDiagram  # noqa: E402

DIGIT_NET = engine.digit_network()


def _digit_acts():
    X, labels = engine.load_digits()
    tr = engine.run(DIGIT_NET, X[0], engine.one_hot(labels[:1])[0])
    return tr, [tr.a(l) for l in range(tr.L + 1)]


class FakeScene:
    def __init__(self):
        self.recorded, self.marked = [], []

    def record(self, value, *, label, source, decimals=2):
        self.recorded.append((label, float(value), source))
        return checks.format_shown(float(value), decimals)

    def registered(self, mob):
        self.marked.append(mob)
        return mob


# --- the shared diagram -----------------------------------------------------------


def test_numbers_inside_neurons_are_readable_or_left_out() -> None:
    tr, acts = _digit_acts()
    d = NetworkDiagram(DIGIT_NET, acts, style.DARK, height=6.6, width=8.4, max_shown=16)
    written = [d.value_label(l, j) for l in range(d.L + 1) for j in d.shown(l) if d.value_label(l, j) is not None]
    assert all(checks.text_px(m) >= checks.MIN_TEXT_PX for m in written)
    # the 16-neuron columns are too tight for readable numbers: brightness only
    assert d.value_label(1, 0) is None
    small = NetworkDiagram(engine.Network.random((3, 3, 2), seed=3), None, style.DARK)
    small.set_activations([np.array([0.2, 0.5, 0.9]), np.array([0.1, 0.6, 0.3]), np.array([0.52, 0.4])])
    assert small.value_label(2, 0) is not None and checks.text_px(small.value_label(2, 0)) >= checks.MIN_TEXT_PX


def test_output_digit_labels_beside_the_outputs_off_the_edges() -> None:
    _, acts = _digit_acts()
    d = NetworkDiagram(DIGIT_NET, acts, style.DARK, height=6.6, width=8.4, output_labels=[str(i) for i in range(10)])
    for j in range(10):
        lab = d.output_label(j)
        assert lab.tex_string == str(j)
        assert lab.get_left()[0] > d.neuron(d.L, j).get_right()[0]
        assert abs(lab.get_y() - d.neuron(d.L, j).get_y()) < 1e-6
        assert checks.text_px(lab) >= checks.MIN_TEXT_PX
    assert checks.texts_on_lines(list(d.output_label_group), [d]) == []
    with pytest.raises(ValueError, match="10 labels"):
        NetworkDiagram(DIGIT_NET, acts, style.DARK, output_labels=["0", "1"])


def test_side_numbers_readable_recorded_and_beyond_the_labels() -> None:
    tr, acts = _digit_acts()
    d = NetworkDiagram(DIGIT_NET, acts, style.DARK, height=6.6, width=8.4, output_labels=[str(i) for i in range(10)])
    scene = FakeScene()
    col = d.side_numbers(d.L, tr.a(d.L), scene=scene, label="a_{{{j}}}", source="t.a({l})[{j}]", side=RIGHT)
    assert len(col) == 10 and len(scene.recorded) == 10 and len(scene.marked) == 10
    assert scene.recorded[3] == ("a_{3}", float(tr.a(d.L)[3]), f"t.a({d.L})[3]")
    labels_right = max(d.output_label(j).get_right()[0] for j in range(10))
    assert all(m.get_left()[0] > labels_right for m in col)
    assert all(checks.text_px(m) >= checks.MIN_TEXT_PX for m in col)
    assert checks.texts_on_lines(list(col), [d]) == [] and checks.overlapping_texts(list(col)) == []
