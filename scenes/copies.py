"""Cheaper Mobject copies, with the same result.

Every glyph of a Tex/MathTex keeps the svgelements path it was built from
(`VMobjectFromSVGPath.path_obj`: hundreds of Point and Bezier objects per
formula). Manim reads it only once, to generate the glyph's points in
`__init__`, and never changes it afterwards; yet every `copy()` deep-copies it,
which made up most of the time of a preview (animations copy their mobjects as
they begin). Copies now share it, as they share any other read-only object.
"""

from __future__ import annotations

from manim import Mobject
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath


def _deepcopy_sharing_path(self: VMobjectFromSVGPath, memo: dict) -> VMobjectFromSVGPath:
    path = self.__dict__.get("path_obj")
    if path is not None:
        memo.setdefault(id(path), path)  # deepcopy finds it "already copied": the copy shares it
    return Mobject.__deepcopy__(self, memo)


def share_svg_paths() -> None:
    """Make copies of SVG glyphs share their (read-only) source path."""
    VMobjectFromSVGPath.__deepcopy__ = _deepcopy_sharing_path
