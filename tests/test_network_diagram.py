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


# --- EdgeBundle, FastEdgeCamera, the split of moving edges ----------------------

DRY = {"dry_run": True, "disable_caching": True, "verbosity": "ERROR", "progress_bar": "none"}


def _random_edges(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    s = np.column_stack([rng.uniform(-6, -1, n), rng.uniform(-3, 3, n), np.zeros(n)])
    e = np.column_stack([rng.uniform(1, 6, n), rng.uniform(-3, 3, n), np.zeros(n)])
    rgba = np.column_stack([rng.uniform(0, 1, (n, 3)), rng.uniform(0.3, 1, n)])
    return s, e, rgba, rng.uniform(0.5, 6, n)


def test_fast_camera_draws_a_bundle_like_the_default_camera_draws_lines() -> None:
    from manim import Camera, Circle, tempconfig

    from scenes.vocab.camera import FastEdgeCamera
    from scenes.vocab.edges import EdgeBundle

    s, e, rgba, w = _random_edges(30)
    with tempconfig({"pixel_width": 256, "pixel_height": 144}):
        for fade in (1.0, 0.4):
            bundle = EdgeBundle(s, e, colors=rgba, widths=w).set_opacity(fade)
            lines = [
                Line(s[i], e[i], stroke_width=w[i]).set_stroke(
                    color=ManimColor(rgba[i, :3].tolist()), opacity=rgba[i, 3] * fade
                )
                for i in range(len(s))
            ]
            ring = Circle(radius=1.5, stroke_width=8, color="#FFCC00")  # drawn over the edges by both
            fast, slow = FastEdgeCamera(), Camera()
            fast.capture_mobjects([bundle, ring])
            slow.capture_mobjects([*lines, ring])
            diff = np.abs(fast.pixel_array.astype(int) - slow.pixel_array.astype(int))
            assert diff.max() <= 3, f"opacity {fade}: max difference {diff.max()}"
            assert (diff > 0).mean() < 0.01
            assert slow.pixel_array.any()  # something was drawn


def test_edge_bundle_interpolates_its_edge_arrays_and_copies_them() -> None:
    from scenes.vocab.edges import EdgeBundle

    s, e, rgba, w = _random_edges(5)
    a = EdgeBundle(s, e, colors=rgba, widths=w)
    b = a.copy().set_edge_colors("#FF0000").set_edge_widths(w * 2)
    assert b.edge_rgbas is not a.edge_rgbas and np.allclose(a.edge_rgbas, rgba)  # the copy is independent
    mid = a.copy()
    mid.interpolate(a, b, 0.5)
    assert np.allclose(mid.edge_rgbas, (rgba + b.edge_rgbas) / 2)
    assert np.allclose(mid.edge_widths, 1.5 * w)
    assert np.allclose(mid.starts, s) and np.allclose(mid.ends, e)
    mid.interpolate(a, b, 1.0)
    assert np.allclose(mid.edge_rgbas, b.edge_rgbas) and mid.edge_rgbas is not b.edge_rgbas
    c = a.copy().become(b)
    assert np.allclose(c.edge_widths, b.edge_widths)
    # subset and join keep the edges, in order
    part1, part2 = a.subset([0, 2, 4]), a.subset(np.array([False, True, False, True, False]))
    joined = EdgeBundle.join(part1, part2)
    order = [0, 2, 4, 1, 3]
    assert np.allclose(joined.starts, s[order]) and np.allclose(joined.edge_rgbas, rgba[order])
    # opacity multiplies, set_stroke colours every edge
    faded = a.copy().set_opacity(0.5)
    assert faded.get_stroke_opacity() == pytest.approx(0.5) and np.allclose(faded.edge_rgbas, rgba)
    red = a.copy().set_stroke("#FF0000", width=3)
    assert np.allclose(red.edge_rgbas[:, :3], [1, 0, 0]) and np.allclose(red.edge_widths, 3)


def test_edge_bundle_animates_edge_by_edge_in_a_scene() -> None:
    from manim import Create, Scene, Transform, tempconfig

    from scenes.vocab.edges import EdgeBundle

    s, e, rgba, w = _random_edges(6)

    class S(Scene):
        def construct(self):
            self.b = EdgeBundle(s, e, colors=rgba, widths=w)
            self.play(Create(self.b), run_time=0.2)
            self.play(self.b.animate.set_edge_widths(np.arange(6.0)), run_time=0.2)
            self.play(Transform(self.b, self.b.copy().set_edge_colors("#00FF00")), run_time=0.2)

    with tempconfig(DRY):
        sc = S()
        sc.render()
    assert np.allclose(sc.b.edge_widths, np.arange(6.0))
    assert np.allclose(sc.b.edge_rgbas[:, :3], [0, 1, 0])
    assert np.allclose(sc.b.starts, s) and np.allclose(sc.b.ends, e)


def _dense():
    net = engine.Network.random((784, 16, 16, 10), seed=0)
    return net, NetworkDiagram(net, None, style.DARK)


def test_a_recolour_moves_only_the_changing_edges_and_merges_them_back() -> None:
    from manim import Scene, tempconfig

    from scenes.vocab.network import edge_levels, edge_styles

    net, d = _dense()
    layer = d.edges(3)
    total = layer.u.size
    new = net.W(3).copy()
    new[:5, :] *= -1  # 5 rows x 16 columns change
    anim = d.animate_weights(engine.Network([*net.weights[:2], new], net.biases))
    assert layer.bundle.n_edges + layer.moving.n_edges == total
    assert layer.moving.n_edges == 5 * 16 and layer.moving in d.moving_group
    assert d.edges(1).moving.n_edges == 0 and d.edges(1).moving not in d.moving_group
    # every edge still drawn once: static + moving hold all the geometry
    starts, _ = layer.geometry()
    both = np.concatenate([layer.bundle.starts, layer.moving.starts])
    assert sorted(map(tuple, both.round(6))) == sorted(map(tuple, starts.reshape(-1, 3).round(6)))
    seen = {}

    class S(Scene):
        def construct(self):
            self.add(d)
            self.play(anim, run_time=0.3)

        def begin_animations(self):
            super().begin_animations()
            seen["moving"] = list(self.moving_mobjects)

    with tempconfig(DRY):
        S().render()
    assert layer.moving in seen["moving"]
    assert all(d.edges(l).bundle not in seen["moving"] for l in (1, 2, 3))  # the static edges are not redrawn
    # merged back, with the new colours
    assert layer.bundle.n_edges == total and len(d.moving_group.submobjects) == 0
    u = new[np.ix_(d.shown(3), d.shown(2))] / d.weight_scale
    rgba, width = edge_styles(u, style.DARK, d.edge_widths, levels=True)
    order = layer.bundle_index
    assert sorted(order) == list(range(total))
    assert np.allclose(layer.bundle.edge_rgbas, rgba[order]) and np.allclose(layer.bundle.edge_widths, width[order])
    assert list(edge_levels(u.reshape(-1)[order])) == sorted(edge_levels(u))  # strongest of each sign on top
    want, _ = edge_style(new[2, 3] / d.weight_scale, style.DARK, d.edge_widths)
    assert _hex(d.edge(3, 2, 3).get_stroke_color()) == _hex(want)


def test_dense_diagrams_copy_with_all_their_edges() -> None:
    _, d = _dense()
    c = d.copy()
    for l in (1, 2, 3):
        assert c.edges(l).bundle.n_edges == d.edges(l).bundle.n_edges
        assert c.edges(l).bundle is not d.edges(l).bundle
        assert np.allclose(c.edges(l).bundle.edge_rgbas, d.edges(l).bundle.edge_rgbas)
    c.shift([1, 0, 0])
    assert np.allclose(c.edges(1).bundle.starts, d.edges(1).bundle.starts + [1, 0, 0])


def _recolour_frames(overlay: bool):
    """Frames of a dense recolour (every edge moves, the neurons, numbers and
    braces above stay), then a recolour while one neuron above the edges
    fades, with a dot below the diagram moving by an updater."""
    from manim import RIGHT, Dot, Scene, tempconfig

    from scenes.vocab.camera import FastEdgeCamera

    class Cam(FastEdgeCamera):
        use_static_overlay = overlay

    net, d = _dense()
    rng = np.random.default_rng(7)
    new = {l: rng.standard_normal(net.weights[l - 1].shape) for l in range(1, net.L + 1)}
    back = {l: rng.standard_normal(net.weights[l - 1].shape) for l in range(1, net.L + 1)}
    frames: list[np.ndarray] = []

    class S(Scene):
        def construct(self):
            dot = Dot(color="#FFFF00").add_updater(lambda m, dt: m.shift(2 * dt * RIGHT))
            self.add(dot, d)
            self.play(d.color_edges_by(new, scale=2.0), run_time=0.4)
            self.play(d.color_edges_by(back, scale=2.0), d.neuron(1, 0).animate.set_fill(opacity=0.9), run_time=0.4)

    with tempconfig({**DRY, "pixel_width": 480, "pixel_height": 270, "frame_rate": 15}):
        sc = S(camera_class=Cam)
        render = sc.renderer.render

        def record(scene, t, moving):
            render(scene, t, moving)
            frames.append(sc.renderer.get_frame().copy())

        sc.renderer.render = record
        sc.render()
    return frames, sc.renderer.camera


def test_cached_overlay_of_the_static_mobjects_above_the_edges_looks_the_same() -> None:
    fast, cam = _recolour_frames(True)
    slow, plain = _recolour_frames(False)
    assert len(fast) == len(slow) >= 10
    assert getattr(cam, "_overlay", None) is not None and getattr(plain, "_overlay", None) is None
    moved = [np.abs(a.astype(int) - b.astype(int)).max() for a, b in zip(slow, slow[1:], strict=False)]
    assert max(moved) > 20  # the frames do change
    for a, b in zip(fast, slow, strict=True):
        # compositing the cached raster differs from drawing in place only by
        # 8-bit rounding at antialiased / translucent pixels
        diff = np.abs(a.astype(int) - b.astype(int))
        assert diff.max() <= 2 and (diff > 0).mean() < 0.01
