"""The shared network diagram: neurons lit by activations, edges by weights,
big layers shown in part, the numbers it writes reported for the manifest."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("manim")

from manim import Line, ManimColor  # noqa: E402

import engine  # noqa: E402
from scenes import style  # noqa: E402
from scenes.vocab.network import NetworkDiagram, edge_style, shown_indices  # noqa: E402

NET = engine.Network.random((3, 3, 2), seed=3)
X, Y = np.array([0.2, 0.55, 0.9]), np.array([1.0, 0.0])
TRACE = engine.run(NET, X, Y)
ACTS = [TRACE.a(l) for l in range(NET.L + 1)]


def _hex(c) -> str:
    return ManimColor(c).to_hex().upper()


class FakeScene:
    def __init__(self):
        self.recorded, self.marked = [], []

    def record(self, value, *, label, source, decimals=2):
        self.recorded.append((label, float(value), source))
        return f"{value:.{decimals}f}"

    def registered(self, mob):
        self.marked.append(mob)
        return mob


def test_fill_opacity_is_the_activation_and_the_number_is_written() -> None:
    d = NetworkDiagram(NET, ACTS, style.DARK, show_values=True)
    for l in range(NET.L + 1):
        for j in range(NET.sizes[l]):
            assert d.neuron(l, j).get_fill_opacity() == pytest.approx(float(np.clip(ACTS[l][j], 0, 1)))
            assert d.value_label(l, j).get_value() == pytest.approx(ACTS[l][j])


def test_dark_text_on_bright_neurons() -> None:
    acts = [np.array([0.9, 0.1, 0.5]), np.array([0.95, 0.05, 0.7]), np.array([0.2, 0.8])]
    d = NetworkDiagram(NET, acts, style.DARK)
    assert _hex(d.value_label(1, 0).get_color()) == _hex(style.DARK.neuron_text_bright)
    assert _hex(d.value_label(1, 1).get_color()) == _hex(style.DARK.ink)


def test_edges_coloured_by_sign_and_wider_with_magnitude() -> None:
    d = NetworkDiagram(NET, None, style.DARK)
    assert not d.dense
    widths = {}
    for l in range(1, NET.L + 1):
        W = NET.W(l)
        for j in range(W.shape[0]):
            for k in range(W.shape[1]):
                e = d.edge(l, j, k)
                assert isinstance(e, Line)
                want, width = edge_style(W[j, k] / d.weight_scale, style.DARK, d.edge_widths)
                assert _hex(e.get_stroke_color()) == _hex(want)
                widths[abs(W[j, k])] = e.get_stroke_width()
    ordered = [widths[m] for m in sorted(widths)]
    assert ordered == sorted(ordered)
    # the sign decides the hue: the strongest positive edge is blue-ish, negative red-ish
    assert _hex(edge_style(1.0, style.DARK, (1, 2))[0]) == _hex(style.DARK.weight_pos)
    assert _hex(edge_style(-1.0, style.DARK, (1, 2))[0]) == _hex(style.DARK.weight_neg)


def test_big_layers_show_a_subset_an_ellipsis_and_a_brace() -> None:
    net = engine.Network.random((784, 16, 16, 10), seed=0)
    d = NetworkDiagram(net, None, style.DARK, max_shown=16)
    assert d.shown(0) == list(range(8)) + list(range(776, 784))
    assert d.ellipsis(0) is not None and d.brace(0) is not None
    assert d.size_label(0).tex_string == "784"
    assert d.ellipsis(1) is None and len(d.layer(1)) == 16
    with pytest.raises(KeyError):
        d.neuron(0, 400)
    assert d.edge(1, 0, 400) is None
    # the ellipsis sits between the top and the bottom halves
    assert d.neuron(0, 7).get_y() > d.ellipsis(0).get_y() > d.neuron(0, 776).get_y()
    assert d.dense and len(d.edges(1).submobjects) <= 16  # a few bucket mobjects, not 256 lines
    assert shown_indices(5, 16) == ([0, 1, 2, 3, 4], None)


def test_dense_edges_drawn_as_buckets_hold_every_edge() -> None:
    net = engine.Network.random((784, 16, 16, 10), seed=0)
    d = NetworkDiagram(net, None, style.DARK)
    for l in (1, 2, 3):
        n_shown = len(d.shown(l)) * len(d.shown(l - 1))
        n_paths = sum(len(b.points) // 4 for b in d.edges(l).submobjects)
        assert n_paths == n_shown
    grads = [np.full(W.shape, -1.0) for W in net.weights]
    d.set_edges_by(grads, scale=1.0)
    strongest_red = d.edges(1).submobjects[-1]
    assert len(strongest_red.points) // 4 == 16 * 16
    assert _hex(strongest_red.get_stroke_color()) != _hex(style.DARK.weight_pos)


def test_numbers_are_reported_for_the_manifest() -> None:
    scene = FakeScene()
    d = NetworkDiagram(NET, ACTS, style.DARK, scene=scene, source="multi_trace.a({l})[{j}]")
    assert len(scene.recorded) == sum(NET.sizes)
    assert ("a_{1}^{(2)}", float(ACTS[2][1]), "multi_trace.a(2)[1]") in scene.recorded
    assert {id(m) for m in scene.marked} == {id(d.value_label(l, j)) for (_, _, l, j) in d.shown_numbers()}
    scene.recorded.clear()
    d.animate_activations([a * 0.5 for a in ACTS], source="x.a({l})[{j}]")
    assert scene.recorded[0][2] == "x.a(0)[0]" and scene.recorded[0][1] == pytest.approx(ACTS[0][0] * 0.5)


def test_animations_end_on_the_new_state() -> None:
    from manim import Scene, tempconfig

    other = engine.Network.random((3, 3, 2), seed=4)

    class S(Scene):
        def construct(self):
            self.d = NetworkDiagram(NET, ACTS, style.DARK, show_values=True)
            self.add(self.d)
            self.play(self.d.animate_weights(other), run_time=0.2)
            self.play(self.d.animate_activations([1 - a for a in ACTS]), run_time=0.2)
            self.play(self.d.forward_pass(run_time=0.3))

    with tempconfig({"dry_run": True, "disable_caching": True, "verbosity": "ERROR", "progress_bar": "none"}):
        s = S()
        s.render()
    d = s.d
    want, _ = edge_style(other.W(2)[1, 0] / d.weight_scale, style.DARK, d.edge_widths)
    assert _hex(d.edge(2, 1, 0).get_stroke_color()) == _hex(want)
    assert d.neuron(2, 0).get_fill_opacity() == pytest.approx(1 - ACTS[2][0])
    assert d.value_label(2, 0).get_value() == pytest.approx(1 - ACTS[2][0])
    assert d.value_label(2, 0) in d.get_family()
