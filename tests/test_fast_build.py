"""The fast construction's shortcuts give exactly what manim's own path gives:
copies of formulas (sharing their read-only svg paths), formulas built from the
shared glyph cache, and the checks' bounding boxes."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from manim import Circle, DecimalNumber, Dot, ImageMobject, Line, MathTex, Mobject, Square, VGroup
from manim.mobject.svg import svg_mobject

from scenes.checks import box
from scenes.copies import share_svg_paths
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
    share_svg_paths()
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

