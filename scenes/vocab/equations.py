"""Formulas that grow out of earlier symbols, carry real values, and say
"these superscripts are layer numbers".

The lesson's symbols are written relative to the last layer (``a^{(L-1)}``)
and coloured by role (z green, the cost red, y yellow, biases pink,
activations ink, weights blue or red by the sign of their value). A formula
is a MathTex built from *parts* (each part a separate argument, so
TransformMatchingTex can move equal parts from one formula to the next);
every symbol inside is isolated so it can be coloured, boxed, or have its
value written under it.

    nt = Notation(L=3, theme=theme, activation_tex=r"\\sigma", weights={3: 2.1})
    cost = nt.tex(nt.C, "=", "(", nt.a(3), "-", "y", ")^2")
    boxes = exponent_boxes(cost, nt)                # around the (L) superscripts
    grow(cost, nt.tex(...))                         # matching parts move
    values_under(cost, [(nt.a(3), number_mob)])     # real values under symbols

No numbers are formatted here: values arrive as mobjects or strings made
by the scene's ``number``/``record`` (so the manifest sees them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from manim import (
    DOWN,
    MathTex,
    Mobject,
    SurroundingRectangle,
    TransformFromCopy,
    TransformMatchingTex,
    VGroup,
)

from scenes import style

# A lesson symbol: one letter, optional subscript, optional layer superscript.
_SYMBOL = re.compile(r"(?:\\partial\s*)?([awzby]|C)(?:_\{?[0-9jk ]+\}?)?(?:\^\{\((L(?:-\d+)?)\)\})?")


@dataclass
class Notation:
    """Symbols of the one-neuron-per-layer chain, relative to its last layer L."""

    L: int
    theme: style.Theme
    activation_tex: str = r"\sigma"
    weights: dict[int, float] = field(default_factory=dict)  # layer -> value (for the sign colour)
    cost_index: int = 0

    # --- symbol text ----------------------------------------------------------
    def layer(self, l: int) -> str:
        d = self.L - l
        return "L" if d == 0 else f"L-{d}"

    def sup(self, l: int) -> str:
        return "^{(" + self.layer(l) + ")}"

    def a(self, l: int) -> str:
        return "a" + self.sup(l)

    def z(self, l: int) -> str:
        return "z" + self.sup(l)

    def w(self, l: int) -> str:
        return "w" + self.sup(l)

    def b(self, l: int) -> str:
        return "b" + self.sup(l)

    @property
    def C(self) -> str:
        return f"C_{{{self.cost_index}}}"

    y = "y"

    @staticmethod
    def d(top: str, bottom: str) -> str:
        """The partial derivative ∂top/∂bottom as a fraction."""
        return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"

    def sigma(self, arg: str) -> str:
        return rf"{self.activation_tex}\left({arg}\right)"

    def sigma_prime(self, arg: str) -> str:
        return rf"{self.activation_tex}'\left({arg}\right)"

    # --- colours --------------------------------------------------------------
    def color_of(self, symbol: str) -> str:
        """The lesson colour of a symbol (by its letter; weights by sign)."""
        m = _SYMBOL.fullmatch(symbol.strip())
        letter = m.group(1) if m else symbol.replace(r"\partial", "").strip()[:1]
        t = self.theme
        if letter == "z":
            return t.z
        if letter == "C":
            return t.cost
        if letter == "y":
            return t.target
        if letter == "b":
            return t.bias
        if letter == "w":
            l = self._layer_of(symbol)
            value = self.weights.get(l, 1.0) if l is not None else 1.0
            return t.weight_pos if value >= 0 else t.weight_neg
        return t.ink

    def _layer_of(self, symbol: str) -> int | None:
        m = re.search(r"\(L(?:-(\d+))?\)", symbol)
        if not m:
            return None
        return self.L - int(m.group(1) or 0)

    def symbols(self) -> list[str]:
        """Every symbol string of this chain, longest first (for isolation)."""
        out = [self.C, "C_{k}", "C", self.y]
        for l in range(self.L, 0, -1):
            out += [self.a(l), self.z(l), self.w(l), self.b(l)]
        out.append(self.a(0))
        return sorted(set(out), key=lambda s: (-len(s), s))  # ties by text: the same order in every process

    # --- formulas -------------------------------------------------------------
    def tex(self, *parts: str, font_size: float = style.SIZES.tex, color_symbols: bool = True,
            **kwargs) -> MathTex:
        """A MathTex of `parts` with every lesson symbol isolated and coloured."""
        mob = MathTex(*parts, substrings_to_isolate=self.symbols(), font_size=font_size, **kwargs)
        if color_symbols:
            for sym in self.symbols():
                for part in symbol_parts(mob, sym):
                    part.set_color(self.color_of(sym))
        return mob


def symbol_parts(mob: MathTex, symbol: str) -> list[VGroup]:
    """Every occurrence of an isolated symbol in a formula, left to right."""
    found = [
        mob.id_to_vgroup_dict[ident]
        for tex, ident in mob.matched_strings_and_ids
        if tex == symbol and ident in mob.id_to_vgroup_dict and ident.endswith("substring")
    ]
    if not found:  # a whole part equal to the symbol (not isolated inside it)
        found = [p for p in mob.submobjects if getattr(p, "tex_string", None) == symbol]
    return sorted((g for g in found if len(g.submobjects) > 0), key=lambda g: g.get_x())


def part(mob: MathTex, tex: str, occurrence: int = 0) -> Mobject:
    """The `occurrence`-th argument of a formula whose text is `tex`."""
    hits = [p for p in mob.submobjects if getattr(p, "tex_string", None) == tex]
    if not hits:
        raise KeyError(f"no part {tex!r} in {getattr(mob, 'tex_string', mob)!r}")
    return hits[occurrence]


def superscript_of(symbol_group: VGroup) -> VGroup | None:
    """The glyphs of a symbol's layer superscript "(L-1)" (all but the letter)."""
    glyphs = symbol_group.submobjects
    if len(glyphs) < 4:  # a letter and at least "(", "L", ")"
        return None
    return VGroup(*glyphs[1:])


def exponent_boxes(mob: MathTex, nt: Notation, *, color: str | None = None, buff: float = 0.04,
                   filled: bool = False) -> VGroup:
    """Boxes around every layer superscript in a formula ("not exponents").

    `filled`: a translucent marker patch behind each superscript instead of an
    outline (an outline crosses the formula's glyphs; a patch leaves them readable)."""
    boxes = VGroup()
    for sym in nt.symbols():
        if "^{(" not in sym:
            continue
        for group in symbol_parts(mob, sym):
            sup = superscript_of(group)
            if sup is None:
                continue
            if filled:
                boxes.add(SurroundingRectangle(sup, color=color or nt.theme.highlight, buff=buff,
                                               stroke_width=0, fill_opacity=0.35))
            else:
                boxes.add(SurroundingRectangle(sup, color=color or nt.theme.highlight, buff=buff,
                                               stroke_width=2))
    return boxes


def fraction_parts(mob: MathTex) -> tuple[VGroup, VGroup, VGroup]:
    """(numerator, bar, denominator) glyphs of a formula that is one fraction."""
    leaves = [g for g in mob.family_members_with_points() if not g.submobjects]
    bar = max(leaves, key=lambda g: g.width - 4 * g.height)
    y = bar.get_y()
    num = VGroup(*(g for g in leaves if g is not bar and g.get_y() > y))
    den = VGroup(*(g for g in leaves if g is not bar and g.get_y() <= y))
    return num, VGroup(bar), den


def values_under(mob: MathTex, pairs: Sequence[tuple[str, Mobject]], *, buff: float = 0.2,
                 occurrence: int = 0) -> VGroup:
    """Place each value mobject under its symbol in the formula (same colour)."""
    out = VGroup()
    for sym, value in pairs:
        parts = symbol_parts(mob, sym)
        if not parts:
            raise KeyError(f"symbol {sym!r} not in {mob.tex_string!r}")
        target = parts[min(occurrence, len(parts) - 1)]
        value.next_to(target, DOWN, buff=buff)
        value.set_color(target.get_color())
        out.add(value)
    return out


def grow(source: MathTex, target: MathTex, **kwargs) -> TransformMatchingTex:
    """Turn one formula into the next: equal parts move, the rest fades."""
    return TransformMatchingTex(source, target, **kwargs)


def grow_from_copy(source: MathTex, target: MathTex, **kwargs) -> TransformMatchingTex:
    """Like `grow`, leaving the source formula in place."""
    return TransformMatchingTex(source.copy(), target, **kwargs)


def lift(source: MathTex, symbols: Iterable[str], target: MathTex, start: int = 0) -> tuple[list, VGroup]:
    """Copies of the given symbols fly from one formula into the matching
    symbols of another (the piece of a formula that becomes a derivative).

    Returns (animations, rest): `rest` holds the glyphs of target parts
    `start:` that no symbol flies into (fade or write them alongside), so
    no glyph is animated twice.
    """
    anims, moved = [], set()
    for sym in symbols:
        src, dst = symbol_parts(source, sym), symbol_parts(target, sym)
        for s, d in zip(src, dst, strict=False):
            anims.append(TransformFromCopy(s, d))
            moved.update(id(g) for g in d.submobjects)
    rest = VGroup(*(g for p in target.submobjects[start:] for g in p.submobjects if id(g) not in moved))
    return anims, rest
