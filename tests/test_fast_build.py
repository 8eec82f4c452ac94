"""The fast construction's shortcuts give exactly what manim's own path gives:
copies (sharing read-only svg paths and immutable values), families, subpaths
(scenes.speedups), formulas built from the shared glyph cache, the checks'
bounding boxes, and storyboard frames drawn as the video draws them."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from manim import Circle, DecimalNumber, Dot, ImageMobject, Line, MathTex, Mobject, Square, VGroup, VMobject
from manim.mobject.svg import svg_mobject

from scenes import speedups
from scenes.checks import box
from studio import svgcache
from studio.texlock import share_tex_cache


def _state(mob) -> list[tuple]:
    """Every family member's type and attributes, arrays by value (ids and svg paths aside)."""
    out = []
    for m in mob.get_family():
        attrs = []
        for k, v in sorted(vars(m).items()):
            if k in ("original_id", "path_obj"):
                continue
            if isinstance(v, np.ndarray):
                attrs.append((k, v.dtype.str, v.shape, v.tobytes()))
            elif isinstance(v, dict | list) and k in ("id_to_vgroup_dict", "submobjects"):
                attrs.append((k, len(v)))
            else:
                attrs.append((k, repr(v)))
        out.append((type(m).__name__, attrs))
    return out


@pytest.fixture(scope="module")
def tex(tex_cache):
    share_tex_cache(tex_cache)  # the session's LaTeX cache (conftest), as the scene tests use
    speedups.install()
    return r"\frac{\partial C_0}{\partial w^{(L)}} = \sigma'(z) \cdot 2(a - y)"


def test_a_copy_shares_the_svg_paths_and_equals_a_deep_copy(tex) -> None:
    formula = MathTex(tex, font_size=40).shift(np.pi * np.array([1, 0.5, 0]))
    glyph = formula[0][0]
    assert glyph.path_obj is not None
    shared = formula.copy()
    assert shared[0][0].path_obj is glyph.path_obj
    from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

    own = VMobjectFromSVGPath.__dict__["__deepcopy__"]
    del VMobjectFromSVGPath.__deepcopy__  # manim's own deep copy, for comparison
    try:
        deep = copy.deepcopy(formula)
    finally:
        VMobjectFromSVGPath.__deepcopy__ = own
    assert deep[0][0].path_obj is not glyph.path_obj
    assert _state(shared) == _state(deep) == _state(formula)
    shared[0][0].shift(np.array([1.0, 0, 0]))  # the copy's points are its own
    assert not np.array_equal(shared[0][0].points, glyph.points)


def test_a_formula_from_the_glyph_cache_equals_a_fresh_one(tex, monkeypatch) -> None:
    svg_mobject.SVG_HASH_TO_MOB_MAP.clear()
    fresh_dir = svgcache._state["dir"]
    stored_before = set(fresh_dir.glob("*.pickle")) if fresh_dir.exists() else set()
    first = MathTex(tex, r"+ b", font_size=30, color="#FC6255")  # builds and stores the glyphs
    assert set(fresh_dir.glob("*.pickle")) - stored_before, "the glyphs were stored"
    monkeypatch.setattr(svgcache, "_state", {})  # manim's own path, no cache
    svg_mobject.SVG_HASH_TO_MOB_MAP.clear()
    plain = MathTex(tex, r"+ b", font_size=30, color="#FC6255")
    monkeypatch.undo()
    svg_mobject.SVG_HASH_TO_MOB_MAP.clear()
    loaded = MathTex(tex, r"+ b", font_size=30, color="#FC6255")  # from the stored glyphs
    assert _state(loaded) == _state(plain) == _state(first)
    assert [len(g) for g in loaded.id_to_vgroup_dict.values()] == [len(g) for g in plain.id_to_vgroup_dict.values()]
    for a, b in zip(loaded[0].get_family(), plain[0].get_family(), strict=True):
        assert np.array_equal(a.points, b.points)


@pytest.mark.parametrize("mob", [
    Square(), VGroup(), Mobject(), Dot().shift(np.array([0.3, np.pi, 0])),
    VGroup(Circle(), Line(np.array([-3, 0, 0]), np.array([0, 2, 0]))),
    ImageMobject(np.zeros((4, 4, 3), dtype=np.uint8)), DecimalNumber(1.2345),
], ids=lambda m: type(m).__name__)
def test_a_box_is_the_four_edges_manim_gives(mob) -> None:
    edges = (mob.get_left()[0], mob.get_bottom()[1], mob.get_right()[0], mob.get_top()[1])
    assert box(mob) == edges
    assert [type(x) for x in box(mob)] == [type(x) for x in edges]



def test_boxes_are_computed_once_per_still_picture() -> None:
    from scenes.checks import still_picture

    square = Square()
    with still_picture():
        first = box(square)
        square.shift(np.array([1.0, 0, 0]))
        assert box(square) == first  # the picture is taken as still: the box is not recomputed
    assert box(square) == (square.get_left()[0], square.get_bottom()[1], square.get_right()[0], square.get_top()[1])
    assert box(square) != first


def _families():
    shared = Dot()
    formula = VGroup(VGroup(Square(), shared), VGroup(Circle(), VGroup(shared, Line())), DecimalNumber(3.25))
    return [Square(), VGroup(), formula, VGroup(formula[1], formula), DecimalNumber(-0.5)]


@pytest.mark.parametrize("mob", _families(), ids=lambda m: f"{type(m).__name__}-{len(m.submobjects)}")
def test_a_family_is_the_one_manim_lists(mob) -> None:
    speedups.install()
    original = Mobject.get_family
    Mobject.get_family = speedups.manim_get_family  # manim's own, all the way down
    try:
        want = mob.get_family()
    finally:
        Mobject.get_family = original
    got = mob.get_family()
    assert [id(m) for m in got] == [id(m) for m in want]


def test_a_copy_has_the_attributes_manims_deep_copy_gives(tex) -> None:
    shared = np.array([[0.0, 1.0, 0.0]])
    dot = Dot(color="#58C4DD")
    dot.extra_a = dot.extra_b = shared  # an array held twice stays one array in the copy
    group = VGroup(MathTex(tex, font_size=30), DecimalNumber(0.0421, num_decimal_places=4), dot, Line())
    group.set_opacity(0.5)
    ours = group.copy()
    original = Mobject.__deepcopy__
    Mobject.__deepcopy__ = speedups.manim_deepcopy
    try:
        theirs = copy.deepcopy(group)
    finally:
        Mobject.__deepcopy__ = original
    assert _state(ours) == _state(theirs) == _state(group)
    copied_dot = ours[2]
    assert copied_dot.extra_a is copied_dot.extra_b and copied_dot.extra_a is not shared
    copied_dot.points[0, 0] += 1.0  # the copy's arrays are its own
    assert not np.array_equal(copied_dot.points, dot.points)


def _held_still_frame(renderer_class) -> np.ndarray:
    """A translucent square faded in and held (as a step's end), then drawn as a storyboard frame is."""
    from manim import FadeIn, Scene, tempconfig

    from scenes.vocab.camera import FastEdgeCamera

    class Held(Scene):
        def construct(self):
            self.add(Circle(fill_opacity=0.3, fill_color="#FFFFFF", stroke_width=0).shift(np.array([-2.0, 0, 0])))
            self.play(FadeIn(Square(fill_opacity=0.4, fill_color="#FC6255", stroke_width=0)))
            self.wait(1)

    with tempconfig({"dry_run": True, "pixel_height": 90, "pixel_width": 160, "disable_caching": True,
                     "verbosity": "ERROR", "progress_bar": "none"}):
        scene = Held(renderer=renderer_class(camera_class=FastEdgeCamera, skip_animations=True))
        scene.render()
        scene.renderer.update_frame(scene, ignore_skipping=True)
        drawn = scene.renderer.get_frame()
        fresh = FastEdgeCamera()
        fresh.capture_mobjects(scene.mobjects)  # each mobject drawn once: what the video shows
        return drawn, fresh.pixel_array.copy()


def test_a_storyboard_frame_draws_each_mobject_once() -> None:
    """Manim's skipped wait keeps the still it drew as the frame's background, so the storyboard
    frame drew every mobject a second time on it: translucent fills came out brighter than in the
    video (a 30 % fill looked like 51 %). Skipped plays now draw nothing."""
    from manim.renderer.cairo_renderer import CairoRenderer

    from scenes.renderer import LessonRenderer

    drawn, once = _held_still_frame(LessonRenderer)
    assert np.array_equal(drawn, once)
    drawn, once = _held_still_frame(CairoRenderer)
    assert drawn[..., :3].astype(int).sum() > once[..., :3].astype(int).sum()  # manim's: drawn twice


def _subpath_cases(tex_string: str) -> list:
    broken = VMobject()
    broken.set_points(np.array([[0, 0, 0], [1, 0, 0], [2, 0, 0], [3, 0, 0],  # a curve,
                                [3, 1e-9, 0], [4, 1, 0], [5, 1, 0], [6, 1, 0],  # one that meets it (within tolerance),
                                [7, 5, 0], [8, 5, 0], [9, 5, 0], [10, 5, 0]], dtype=float))  # one that does not
    return [Circle(), Square(), broken, *MathTex(tex_string).family_members_with_points()]


def test_subpaths_are_the_ones_manim_finds(tex) -> None:
    for mob in _subpath_cases(tex):
        got = speedups.get_subpaths_from_points(mob, mob.points)
        want = speedups.manim_get_subpaths_from_points(mob, mob.points)
        assert [p.tolist() for p in got] == [p.tolist() for p in want]
    assert len(speedups.get_subpaths_from_points(_subpath_cases(tex)[2], _subpath_cases(tex)[2].points)) == 2
