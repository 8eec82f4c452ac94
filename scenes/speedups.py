"""Manim's own operations, faster, with the same results.

A preview builds a scene with every animation skipped; what remains of its
time is manim's bookkeeping, called hundreds of thousands of times. Each
replacement below gives exactly what manim's version gives (tests compare
them with manim's own, kept here as `manim_*`), and `install()` puts them in
place for every scene (scenes.base calls it), in previews and videos alike.

- Copies. Animations copy their mobjects as they begin.
  - Every glyph of a Tex/MathTex keeps the svgelements path it was built from
    (`VMobjectFromSVGPath.path_obj`: hundreds of Point and Bezier objects per
    formula). Manim reads it once, to make the glyph's points, and never
    changes it; copies now share it, as they share any read-only object.
  - `Mobject.__deepcopy__` hands each of some thirty attributes per mobject
    to `copy.deepcopy`, most of them numbers, strings, flags and colours (a
    colour through pickling's reduce protocol). Immutable values are now
    shared, number arrays copied directly (kept in the memo, so an array held
    twice stays one array), and everything else deep-copied as before.
- Families. `Mobject.get_family` rebuilt each submobject's family and removed
  repeats at every level of the tree. It now walks the tree once, in the same
  pre-order, and removes repeats (only a mobject sitting in two places of the
  tree repeats) as manim does: the last occurrence stays. Removing them level
  by level or once at the end keeps the same occurrences in the same order. A
  subclass with its own get_family is still asked for it.
- Subpaths. Aligning two shapes for a Transform splits their curves into
  subpaths where one curve's end is not the next one's start, which manim tests
  with one `np.allclose` per curve; here one vectorised test, with allclose's
  formula, decides them all (points that are not finite go to manim's own).
"""

from __future__ import annotations

import copy
from enum import Enum
from pathlib import PurePath

import numpy as np
from manim import Mobject, VMobject
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath
from manim.utils.color import ManimColor
from manim.utils.iterables import remove_list_redundancies

__all__ = ["install"]

manim_deepcopy = Mobject.__deepcopy__
manim_get_family = Mobject.get_family
manim_get_subpaths_from_points = VMobject.get_subpaths_from_points

# --- copies -------------------------------------------------------------------------

# Values no code changes in place: a copy may share them. (ManimColor: every operation
# makes a new colour, and manim itself shares a colour's values between colours.)
_IMMUTABLE = (int, float, complex, bool, str, bytes, type(None), Enum, np.generic, PurePath, ManimColor)


def deepcopy_attributes(self: Mobject, memo: dict) -> Mobject:
    """As manim's Mobject.__deepcopy__ (same attributes, same values, set the same way)."""
    cls = self.__class__
    result = cls.__new__(cls)
    memo[id(self)] = result
    for k, v in self.__dict__.items():
        if isinstance(v, _IMMUTABLE):
            setattr(result, k, v)
        elif type(v) is np.ndarray and v.dtype != object:
            c = memo.get(id(v))
            if c is None:
                c = memo[id(v)] = v.copy(order="K")  # as ndarray.__deepcopy__
            setattr(result, k, c)
        else:
            setattr(result, k, copy.deepcopy(v, memo))
    result.original_id = str(id(self))
    return result


def deepcopy_sharing_path(self: VMobjectFromSVGPath, memo: dict) -> VMobjectFromSVGPath:
    path = self.__dict__.get("path_obj")
    if path is not None:
        memo.setdefault(id(path), path)  # deepcopy finds it "already copied": the copy shares it
    return deepcopy_attributes(self, memo)


# --- families -----------------------------------------------------------------------


def _walk(submobjects: list, out: list) -> None:
    for m in submobjects:
        if type(m).get_family is get_family:
            out.append(m)
            _walk(m.submobjects, out)
        else:
            out.extend(m.get_family())


def get_family(self: Mobject, recurse: bool = True) -> list[Mobject]:
    out = [self]
    _walk(self.submobjects, out)
    if len(out) > 1 and len({id(m) for m in out}) < len(out):
        return remove_list_redundancies(out)
    return out


# --- subpaths -----------------------------------------------------------------------


def get_subpaths_from_points(self: VMobject, points: np.ndarray) -> list[np.ndarray]:
    """As manim's: the runs of curves whose ends meet (np.allclose with the mobject's tolerance)."""
    nppcc = self.n_points_per_cubic_curve
    points = np.asarray(points)
    starts = np.arange(nppcc, len(points), nppcc)
    if (points.ndim != 2 or not np.isfinite(points).all()
            or type(self).consider_points_equals is not VMobject.consider_points_equals):
        return manim_get_subpaths_from_points(self, points)
    a, b = points[starts - 1], points[starts]
    rtol, atol = 1e-05, self.tolerance_for_point_equality  # np.allclose's defaults but atol
    close = (np.abs(a - b) <= atol + rtol * np.abs(b)).all(axis=1)
    split = [0, *starts[~close].tolist(), len(points)]
    return [points[i1:i2] for i1, i2 in zip(split[:-1], split[1:], strict=True) if i2 - i1 >= nppcc]


def install() -> None:
    """Put the faster versions in place (idempotent)."""
    Mobject.__deepcopy__ = deepcopy_attributes
    VMobjectFromSVGPath.__deepcopy__ = deepcopy_sharing_path
    Mobject.get_family = get_family
    VMobject.get_subpaths_from_points = get_subpaths_from_points
