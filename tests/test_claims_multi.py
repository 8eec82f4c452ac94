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


def test_layer_counts_off_the_edges() -> None:
    """A hidden layer shown in part writes its size above its column, where no edge runs."""
    _, acts = _digit_acts()
    d = NetworkDiagram(DIGIT_NET, acts, style.DARK, max_shown=8, height=5.6, width=8.0)
    count = d.size_label(1)
    assert count.tex_string == "16"
    assert count.get_bottom()[1] > max(d.neuron(1, j).get_top()[1] for j in d.shown(1))
    assert checks.texts_on_lines([count], [d]) == []
    assert checks.low_contrast([count], [d], style.DARK.background) == []
    assert d.size_label(0).get_right()[0] < d.neuron(0, 0).get_left()[0]  # the input's count at its brace


# --- the scenes, built once per module ----------------------------------------------

import re  # noqa: E402
from pathlib import Path  # noqa: E402

from manim import MathTex  # noqa: E402

from engine.lecture import load_lecture  # noqa: E402
from scenes import multi_data  # noqa: E402
from scenes.vocab.network import edge_style  # noqa: E402
from studio import catalog  # noqa: E402
from studio.runner import construct  # noqa: E402
from studio.texlock import share_tex_cache  # noqa: E402

LECTURES = Path(__file__).resolve().parent.parent / "assets" / "lectures"
ENTRIES = {e.name: e for e in catalog.scenes()}


@pytest.fixture(scope="module")
def built(tmp_path_factory, tex_cache):
    """(scene, every MathTex string created while building it), once per (scene, lecture)."""
    share_tex_cache(tex_cache)
    cache: dict = {}

    def get(name: str, lecture: str):
        if (name, lecture) not in cache:
            texts: list[str] = []
            original = MathTex.__init__

            def spy(self, *parts, **kwargs):
                texts.append(" ".join(str(p) for p in parts))
                original(self, *parts, **kwargs)

            MathTex.__init__ = spy
            try:
                scene = construct(ENTRIES[name], LECTURES / f"{lecture}.toml", tmp_path_factory.mktemp("m"), check=True)
            finally:
                MathTex.__init__ = original
            cache[(name, lecture)] = (scene, texts)
        return cache[(name, lecture)]

    return get


BUILT = [("SeveralNeurons", "relu"), ("SummedPathsToCost", "relu"), ("FullBackwardPass", "default")]


@pytest.mark.parametrize("name,lecture", BUILT)
def test_clean_layout_and_every_shown_calculation_checks_out(name, lecture, built) -> None:
    scene, _ = built(name, lecture)
    assert scene.layout_problems == []
    assert scene.equations, "the scene shows calculations: each must be recorded"
    for eq in scene.equations:
        assert checks.equation_problem(eq.expr, eq.result, eq.approx) is None, eq
        if not eq.approx:  # "=" on screen: the shown operands give the shown result exactly
            assert checks.equation_problem(eq.expr, eq.result, False) is None


@pytest.mark.parametrize("name", ["SeveralNeurons", "SummedPathsToCost"])
def test_the_relu_lecture_names_relu_never_sigma(name, built) -> None:
    scene, texts = built(name, "relu")
    said = " ".join(scene.narration.values())
    labels = " ".join(s.label for s in scene.shown) + " ".join(e.what for e in scene.equations)
    assert "sigma" not in said.lower() and "ReLU" in said
    assert "σ" not in labels and "sigma" not in labels.lower()
    assert not any(r"\sigma" in t for t in texts)
    assert any(r"\mathrm{ReLU}'" in t for t in texts)
    if name == "SeveralNeurons":  # a_j = ReLU(z_j), where "a₀ = σ(z₀)" was
        assert any(r"\mathrm{ReLU}(" in t for t in texts)


@pytest.mark.parametrize("name", ["SeveralNeurons", "SummedPathsToCost"])
def test_indices_separated_and_layers_relative(name, built) -> None:
    _, texts = built(name, "relu")
    joined = " ".join(texts)
    assert not re.search(r"w_\{?[0-9jk]\s?[0-9jk]\}", joined), "w_{jk} runs its indices together"
    assert re.search(r"w_\{\d,\d\}\^\{\(L\)\}", joined)
    assert not re.search(r"\^\{\(\d\)\}", joined), "absolute layer numbers"


def test_z_sum_has_one_free_index(built) -> None:
    _, texts = built("SeveralNeurons", "relu")
    general = [t for t in texts if r"\sum_{k}" in t]
    assert general
    for t in general:
        assert "z_{j}" in t and "b_{j}" in t and "z_{0}" not in t and "b_{0}" not in t


def test_relu_z_sum_shows_what_its_operands_give(built) -> None:
    scene, _ = built("SeveralNeurons", "relu")
    (eq,) = [e for e in scene.equations if e.what.startswith("z_")]
    # the defect: 0.48 shown where the shown operands give 0.47
    assert checks.equation_problem(eq.expr, eq.result, False) is None or eq.approx


def test_summed_paths_numbers_agree_with_the_words(built) -> None:
    scene, _ = built("SummedPathsToCost", "relu")
    lec = load_lecture(LECTURES / "relu.toml")
    m = lec.multi
    tr = engine.run(m.network, m.x, m.y)
    sp = engine.summed_paths(tr, m.network.L, m.k)
    said = scene.narration
    assert f"along {m.network.sizes[-1]} paths" in said["all-paths"]
    for j, c in enumerate(sp.paths):
        assert f"through neuron {j}, {checks.format_shown(c.product, 4)}" in said["each-path"].lower()
    assert all(s.step == "sum" for s in scene.shown if s.label.startswith("dC_0/da_{"))
    assert all(e.step == "sum" for e in scene.equations if e.what.endswith("added"))
    total, check = checks.format_shown(sp.total, 4), checks.format_shown(float(tr.dC_da(m.network.L - 1)[m.k]), 4)
    assert total == check and f"gets {check}" in said["sum"], "'the backward pass gives the same'"
    # each path's factors are shown with enough digits that the product checks out
    paths = [e for e in scene.equations if e.what.startswith("the path through")]
    assert len(paths) == len(sp.paths)
    assert all(checks.equation_problem(e.expr, e.result, False) is None or e.approx for e in paths)


def test_the_input_the_last_formula_names_is_labelled_on_its_neuron(built) -> None:
    """One layer back, the formula starts with x_0: the viewer is shown which neuron that is."""
    scene, _ = built("SummedPathsToCost", "relu")
    d = scene.d
    labels = [m for top in scene.mobjects for m in top.get_family()
              if isinstance(m, MathTex) and m.tex_string.strip() == "x_{0}"]
    assert len(labels) == 1
    neurons = [(l, j) for l in range(d.L + 1) for j in d.shown(l)]
    nearest = min(neurons, key=lambda lj: np.linalg.norm(d.neuron(*lj).get_center() - labels[0].get_center()))
    assert nearest == (0, 0)


def test_chain_rule_number_is_the_slope_of_the_cost(built) -> None:
    scene, _ = built("SeveralNeurons", "relu")
    lec = load_lecture(LECTURES / "relu.toml")
    m = lec.multi
    p = engine.Param("w", m.network.L, m.j, m.k)
    slope = engine.numerical_gradient(m.network, m.x, m.y, p, h=1e-6)
    shown = checks.format_shown(engine.run(m.network, m.x, m.y).grad(p), 4)
    assert checks.format_shown(slope, 4) == shown and f"give {shown}" in scene.narration["chain-rule"]


def test_backward_pass_digit_is_wrong_with_a_real_error(built) -> None:
    scene, _ = built("FullBackwardPass", "default")
    i = multi_data.backward_example()
    X, labels = engine.load_digits()
    tr = multi_data.backward_trace()
    out, g = tr.a(tr.L), tr.dC_da(tr.L)
    guess, label = int(np.argmax(out)), int(labels[i])
    assert guess != label, "the digit shown is one the network gets wrong"
    assert out[guess] > out[label]
    assert sum(checks.format_shown(v, 2) not in ("0.00",) for v in g) >= 5, "most dC/da read 0.00"
    said = scene.narration
    assert f"handwritten {label} as a {guess}" in said["digit"]
    assert g[label] < 0 and "too low" in said["output-error"] and g[guess] > 0 and "too high" in said["output-error"]
    # the screen shows the digit's label, every output's digit and its target
    shown = {s.label: s.text for s in scene.shown}
    assert shown["the digit's label"] == str(label)
    assert [shown[f"y_{j}"] for j in range(10)] == [str(int(j == label)) for j in range(10)]


def test_backward_pass_colours_and_words_agree(built) -> None:
    scene, _ = built("FullBackwardPass", "default")
    th = style.DARK
    # a negative dC/dw is drawn red, and descent (w - eta dC/dw) makes that weight grow
    neg_color, _ = edge_style(-1.0, th, (1, 1))
    assert ManimColorHex(neg_color) == ManimColorHex(th.weight_neg)
    tr = multi_data.backward_trace()
    eta = 0.1
    g = tr.layer(tr.L).dC_dw[0]
    W = tr.network.W(tr.L)
    moved = W - eta * g
    assert np.all(moved[g < 0] > W[g < 0]) and np.all(moved[g > 0] < W[g > 0])
    legend = scene.narration["legend"]
    assert "red edges will grow" in legend and "blue ones shrink" in legend
    assert "Blue edges want to grow" not in " ".join(scene.narration.values())


def ManimColorHex(c) -> str:  # noqa: N802
    from manim import ManimColor

    return ManimColor(c).to_hex().upper()


def test_multi_formulas_coloured_by_quantity() -> None:
    from scenes.multi import Ink

    class S:
        theme = style.DARK

    net = load_lecture(LECTURES / "default.toml").multi.network
    ink = Ink(S(), net)
    mob = ink.tex(ink.z(2, 0), "=", ink.w(2, 0, 1), ink.a(1, 1), "+", ink.b(2, 0), ink.y(0), ink.C())
    colors = [ManimColorHex(p.get_color()) for p in mob.submobjects]
    th = style.DARK
    w = net.W(2)[0, 1]
    assert colors == [ManimColorHex(c) for c in (th.z, th.ink, th.weight_neg if w < 0 else th.weight_pos, th.ink,
                                                   th.ink, th.bias, th.target, th.cost)]
