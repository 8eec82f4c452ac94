"""What a viewer would notice, checked on a scene's state at the end of a step.

- anything leaving the 16:9 frame;
- two labels overlapping, or a label lying on a line or an edge;
- text too small to read at the default 480p (MIN_TEXT_PX: the height of a
  digit in the text's base size; TeX sets super- and subscripts at about 70 %);
- text too faint against what is behind it (MIN_CONTRAST, WCAG's ratio);
- a calculation whose shown result does not follow from its shown operands
  (see `equation_problem`).

All of it works on mobject geometry and colours, with no rendering, so it
runs at every step of every scene in the fast mode.
"""

from __future__ import annotations

import ast
import itertools
import math
import operator
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np
from manim import (
    AnimationGroup,
    DecimalNumber,
    Integer,
    MarkupText,
    MathTex,
    Mobject,
    SingleStringMathTex,
    Tex,
    Text,
    ValueTracker,
    VMobject,
    config,
)
from manim.utils.color import ManimColor

TEXT_TYPES = (Text, MarkupText, MathTex, Tex, SingleStringMathTex, DecimalNumber, Integer)
TEX_TYPES = (MathTex, Tex, SingleStringMathTex)

REFERENCE_PIXEL_HEIGHT = 480  # the default quality; text is judged as it looks there
MIN_TEXT_PX = 12.0
MIN_CONTRAST = 3.0
# Height of the digit 0 per point of font size, in scene units (measured, and checked by a test).
DIGIT_HEIGHT_PER_PT = {"tex": 0.3427148 / 48, "text": 0.50390625 / 48}
TEXT_ON_LINE_TOLERANCE = 0.03  # a line may graze the edge of a label's box by this much


def px_per_unit() -> float:
    return REFERENCE_PIXEL_HEIGHT / config.frame_height


# --- what is drawn ----------------------------------------------------------------


def visible(mob: Mobject) -> bool:
    for m in mob.get_family():
        if isinstance(m, ValueTracker) or not m.has_points():
            continue  # a tracker holds a number, it draws nothing
        if not isinstance(m, VMobject):
            return True  # an image: drawn as it is
        if m.get_fill_opacity() > 0.01 or m.get_stroke_opacity() > 0.01:
            return True
    return False


def outer_texts(mob: Mobject, skip: Iterable[int] = frozenset()) -> list[Mobject]:
    """Text-like mobjects not nested inside another text-like mobject."""
    if id(mob) in skip:
        return []
    if isinstance(mob, TEXT_TYPES):
        return [mob] if visible(mob) else []
    out: list[Mobject] = []
    for sub in mob.submobjects:
        out.extend(outer_texts(sub, skip))
    return out


def non_text_leaves(mob: Mobject) -> Iterator[VMobject]:
    """Drawn VMobjects that are not part of a label, in drawing order."""
    if isinstance(mob, TEXT_TYPES):
        return
    if isinstance(mob, VMobject) and mob.has_points():
        yield mob
    for sub in mob.submobjects:
        yield from non_text_leaves(sub)


_boxes: dict[int, tuple[Mobject, tuple]] | None = None  # set while one still picture is checked


@contextmanager
def still_picture() -> Iterator[None]:
    """Meanwhile nothing moves: each mobject's box is computed once (one step's checks ask for
    a label's box once per other label)."""
    global _boxes
    outer, _boxes = _boxes, {}
    try:
        yield
    finally:
        _boxes = outer


def _boundary_points(mob: Mobject) -> np.ndarray:
    """The points of mob.get_points_defining_boundary(), as an array: for a VMobject, every
    curve's start and end anchor in its family (sliced, not zipped point by point)."""
    if not isinstance(mob, VMobject):
        return np.asarray(mob.get_points_defining_boundary()).reshape(-1, 3)
    chunks = []
    for m in mob.get_family():
        points = m.points
        if len(points) == 1:
            chunks.append(points)
        elif len(points):
            n = m.n_points_per_cubic_curve
            chunks += [points[::n], points[n - 1 :: n]]
    return np.concatenate(chunks) if chunks else np.zeros((0, 3))


def box(mob: Mobject) -> tuple[float, float, float, float]:
    """(left, bottom, right, top), as mob.get_left()[0], get_bottom()[1], ... give them,
    from one pass over the boundary points instead of four."""
    if _boxes is not None and (hit := _boxes.get(id(mob))) is not None:
        return hit[1]
    points = _boundary_points(mob)
    if len(points) == 0:
        zero = np.float64(0.0)
        result = (zero, zero, zero, zero)  # get_critical_point of a mobject without points
    else:
        lo, hi = points[:, :2].min(axis=0), points[:, :2].max(axis=0)
        result = (lo[0], lo[1], hi[0], hi[1])
    if _boxes is not None:
        _boxes[id(mob)] = (mob, result)  # holding mob keeps its id from being reused meanwhile
    return result


def name(mob: Mobject) -> str:
    if isinstance(mob, DecimalNumber | Integer):
        return f"number {mob.get_value():g}"
    if hasattr(mob, "tex_string"):
        return f"{type(mob).__name__} {mob.tex_string!r}"
    if isinstance(mob, Text | MarkupText):
        return f"Text {getattr(mob, 'original_text', getattr(mob, 'text', ''))!r}"
    return type(mob).__name__


# --- frame and overlaps -------------------------------------------------------------


def off_frame(mobjects: Iterable[Mobject]) -> list[str]:
    problems = []
    half_w, half_h = config.frame_width / 2, config.frame_height / 2
    for mob in mobjects:
        if (not mob.has_points() and not mob.submobjects) or not visible(mob):
            continue
        x0, y0, x1, y1 = box(mob)
        if x0 < -half_w or x1 > half_w or y0 < -half_h or y1 > half_h:
            problems.append(f"{name(mob)} leaves the frame (box x {x0:.2f}..{x1:.2f}, y {y0:.2f}..{y1:.2f})")
    return problems


def _overlap(a: Mobject, b: Mobject, tolerance: float) -> bool:
    """The two boxes share more than `tolerance` in both directions."""
    (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = box(a), box(b)
    return min(ax1, bx1) - max(ax0, bx0) > tolerance and min(ay1, by1) - max(ay0, by0) > tolerance


def overlapping_texts(texts: list[Mobject], tolerance: float = 0.03) -> list[str]:
    problems = []
    for i, j in itertools.combinations(range(len(texts)), 2):
        if _overlap(texts[i], texts[j], tolerance):
            problems.append(f"{name(texts[i])} overlaps {name(texts[j])}")
    return problems


def _leaf_animations(animations: Iterable) -> Iterator:
    for anim in animations:
        if isinstance(anim, AnimationGroup):
            yield from _leaf_animations(anim.animations)
        else:
            yield anim


def crossfades(animations: Iterable, tolerance: float = 0.03) -> list[str]:
    """Labels that fade in where other labels fade out in the same animation: while it runs
    the two are drawn over each other, a blur no viewer can read (play one, then the other)."""
    leaves = list(_leaf_animations(animations))
    going = [t for a in leaves if a.remover for t in outer_texts(a.mobject)]
    coming = [t for a in leaves if a.is_introducer() and not a.remover for t in outer_texts(a.mobject)]
    problems = []
    for old in going:
        for new in coming:
            if _overlap(old, new, tolerance):
                problems.append(f"{name(new)} appears on {name(old)} while that fades out")
    return problems


# --- size -----------------------------------------------------------------------------


def font_size(mob: Mobject) -> float | None:
    """The font size a label is drawn at now (after every scaling), or None if unknown."""
    try:
        size = float(mob.font_size)
    except (AttributeError, ZeroDivisionError, TypeError, ValueError):
        return None
    return size if math.isfinite(size) and size > 0 else None


def text_px(mob: Mobject) -> float | None:
    """Height in pixels at 480p of a digit in the label's base size."""
    size = font_size(mob)
    if size is None:
        return None
    kind = "text" if isinstance(mob, Text | MarkupText) else "tex"
    return size * DIGIT_HEIGHT_PER_PT[kind] * px_per_unit()


def small_texts(texts: list[Mobject]) -> tuple[float | None, list[str]]:
    """The smallest label size on screen (px at 480p) and the labels below MIN_TEXT_PX."""
    smallest, problems = None, []
    for t in texts:
        px = text_px(t)
        if px is None:
            continue
        smallest = px if smallest is None else min(smallest, px)
        if round(px, 1) < MIN_TEXT_PX:  # judged as reported, to a tenth of a pixel
            problems.append(f"{name(t)} is {px:.1f} px high at 480p (at least {MIN_TEXT_PX:g})")
    return smallest, problems


# --- labels on lines ------------------------------------------------------------------


def _curve_segments(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cubic Bézier curves (4 points each) as short straight pieces (2-D starts, ends)."""
    n = len(points) // 4 * 4
    if n == 0:
        return np.zeros((0, 2)), np.zeros((0, 2))
    c = points[:n, :2].reshape(-1, 4, 2)
    t = np.linspace(0.0, 1.0, 5)[None, :, None]
    s = 1 - t
    curve = s**3 * c[:, :1] + 3 * s**2 * t * c[:, 1:2] + 3 * s * t**2 * c[:, 2:3] + t**3 * c[:, 3:4]
    return curve[:, :-1].reshape(-1, 2), curve[:, 1:].reshape(-1, 2)


def line_segments(mobjects: Iterable[Mobject]) -> list[tuple[Mobject, np.ndarray, np.ndarray, tuple]]:
    """Every drawn stroke that is not a label's, as straight pieces, with the mobject it belongs
    to and the box around its pieces."""
    out = []
    for top in mobjects:
        for leaf in non_text_leaves(top):
            if leaf.get_fill_opacity() >= 0.5:
                continue  # a filled shape (brace, arrow tip, dot) is not a line a label could sit on
            if leaf.get_stroke_opacity() <= 0.05 or leaf.get_stroke_width() <= 0:
                continue
            points = leaf.points
            rgbas = getattr(leaf, "edge_rgbas", None)
            if rgbas is not None and len(rgbas) * 4 == len(points):  # an EdgeBundle: drop invisible edges
                keep = (rgbas[:, 3] > 0.05) & (np.asarray(leaf.edge_widths) > 0)
                points = points.reshape(-1, 4, 3)[keep].reshape(-1, 3)
            p0, p1 = _curve_segments(points)
            if len(p0):
                lo, hi = np.minimum(p0, p1).min(axis=0), np.maximum(p0, p1).max(axis=0)
                out.append((leaf, p0, p1, (lo[0], lo[1], hi[0], hi[1])))
    return out


def _hits_box(p0: np.ndarray, p1: np.ndarray, bx: tuple[float, float, float, float]) -> bool:
    """Does any segment p0->p1 cross the box (Liang-Barsky, vectorised)?"""
    d = p1 - p0
    t0, t1 = np.zeros(len(p0)), np.ones(len(p0))
    for axis, (lo, hi) in enumerate(((bx[0], bx[2]), (bx[1], bx[3]))):
        da, pa = d[:, axis], p0[:, axis]
        flat = np.abs(da) < 1e-12
        with np.errstate(divide="ignore", invalid="ignore"):
            ta, tb = (lo - pa) / da, (hi - pa) / da
        t0 = np.maximum(t0, np.where(flat, np.where((pa < lo) | (pa > hi), 2.0, -np.inf), np.minimum(ta, tb)))
        t1 = np.minimum(t1, np.where(flat, np.inf, np.maximum(ta, tb)))
    return bool(np.any(t0 <= t1))


def texts_on_lines(texts: list[Mobject], mobjects: Iterable[Mobject]) -> list[str]:
    segments = line_segments(mobjects)
    problems = []
    tol = TEXT_ON_LINE_TOLERANCE
    for t in texts:
        x0, y0, x1, y1 = box(t)
        inner = (x0 + tol, y0 + tol, x1 - tol, y1 - tol)
        if inner[0] >= inner[2] or inner[1] >= inner[3]:
            continue
        for leaf, p0, p1, (lx0, ly0, lx1, ly1) in segments:
            if lx1 < inner[0] or lx0 > inner[2] or ly1 < inner[1] or ly0 > inner[3]:
                continue  # no piece of it comes near the label
            if _hits_box(p0, p1, inner):
                problems.append(f"{name(t)} lies on a line ({type(leaf).__name__})")
                break
    return problems


# --- contrast -------------------------------------------------------------------------


def _luminance(rgb: np.ndarray) -> float:
    c = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2])


def contrast_ratio(a: np.ndarray, b: np.ndarray) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _rgb(color) -> np.ndarray:
    return np.array(ManimColor.parse(color).to_rgb(), dtype=float)


def _backdrop(point: np.ndarray, area: float, fills: list[tuple[tuple, np.ndarray, float]], bg: np.ndarray):
    """The colour behind a point: the background under every larger filled shape containing it."""
    out = bg.copy()
    for (x0, y0, x1, y1), rgb, alpha in fills:
        if x0 <= point[0] <= x1 and y0 <= point[1] <= y1 and (x1 - x0) * (y1 - y0) > area:
            out = alpha * rgb + (1 - alpha) * out
    return out


def low_contrast(texts: list[Mobject], mobjects: Iterable[Mobject], background) -> list[str]:
    bg = _rgb(background)
    fills = []
    for top in mobjects:
        for leaf in non_text_leaves(top):
            alpha = leaf.get_fill_opacity()
            if alpha > 0.05:
                fills.append((box(leaf), _rgb(leaf.get_fill_color()), alpha))
    problems = []
    for t in texts:
        x0, y0, x1, y1 = box(t)
        behind = _backdrop(t.get_center(), (x1 - x0) * (y1 - y0), fills, bg)
        worst = None
        for glyph in t.family_members_with_points():
            if not isinstance(glyph, VMobject):
                continue
            alpha = glyph.get_fill_opacity()
            if alpha <= 0.05:
                continue
            shown = alpha * _rgb(glyph.get_fill_color()) + (1 - alpha) * behind
            ratio = contrast_ratio(shown, behind)
            worst = ratio if worst is None else min(worst, ratio)
        if worst is not None and worst < MIN_CONTRAST:
            problems.append(f"{name(t)} has contrast {worst:.1f}:1 against what is behind it "
                            f"(at least {MIN_CONTRAST:g}:1)")
    return problems


# --- calculations -----------------------------------------------------------------------

_OPS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.Pow: operator.pow,
}


def _literals(tree: ast.AST) -> list[ast.Constant]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant)]


def _evaluate(node: ast.AST, values: dict[int, float]) -> float:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, values)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return values.get(id(node), float(node.value))
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_evaluate(node.left, values), _evaluate(node.right, values))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        v = _evaluate(node.operand, values)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "sum":
        return sum(_evaluate(a, values) for a in node.args)
    raise ValueError(f"not an arithmetic expression of shown numbers: {ast.unparse(node)}")


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _literal_texts(expr: str) -> list[str]:
    """The numbers as written in the expression, in order (their decimals are what was shown)."""
    import io
    import tokenize

    return [tok.string for tok in tokenize.generate_tokens(io.StringIO(expr).readline) if tok.type == tokenize.NUMBER]


def format_shown(value: float, decimals: int) -> str:
    """A number as the screen writes it: no '-0.00'."""
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def equation_problem(expr: str, result: str, approx: bool) -> str | None:
    """None if `result` follows from the shown operands in `expr`, else what is wrong.

    Exact ("="): the shown operands, computed exactly, round to the shown result.
    Approximate ("≈"): the shown result lies within what the operands' own rounding
    allows (each operand anywhere within half a unit of its last shown digit).
    """
    tree = ast.parse(expr, mode="eval")
    literals = _literals(tree)
    texts = _literal_texts(expr)
    if len(texts) != len(literals):
        return f"cannot read the operands of {expr!r}"
    try:
        shown = float(result)
        exact = _evaluate(tree, {})
    except (ValueError, ZeroDivisionError) as e:
        return f"{expr} = {result}: {e}"
    d = _decimals(result)
    if format_shown(exact, d) == format_shown(shown, d):
        return None
    if not approx:
        return f"{expr} gives {format_shown(exact, d)}, the screen says {result}"
    # a shown decimal stands for anything within half a unit of its last digit; whole numbers
    # (factors like 2, exponents) are exact
    halves = [0.5 * 10.0 ** -_decimals(t) if "." in t else 0.0 for t in texts]
    corners = itertools.product(*[(-h, h) if h else (0.0,) for h in halves]) if len(halves) <= 12 else []
    lo = hi = exact
    for signs in corners:
        v = _evaluate(tree, {id(n): float(n.value) + s for n, s in zip(literals, signs, strict=True)})
        lo, hi = min(lo, v), max(hi, v)
    slack = 0.5 * 10.0**-d
    if lo - slack <= shown <= hi + slack:
        return None
    return f"{expr} ≈ {result}: the shown operands allow {lo:.{d + 2}f}..{hi:.{d + 2}f}"
