"""Segment 5: the bias, the previous activation, and the chain repeated one layer back.

The scene follows the weight the lecture follows, w^(f): the bias b^(f) and
the previous activation a^(f-1) swap the first factor of w^(f)'s chain, and
∂C_0/∂a^(f-1), once found, is reused to reach w^(f-1) one layer further back.
"""

from __future__ import annotations

from dataclasses import dataclass

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Create,
    FadeIn,
    FadeOut,
    TransformFromCopy,
    VGroup,
    Write,
)

import engine
from scenes import chain_common as cc
from scenes import style
from scenes.base import LessonScene
from scenes.chain_derivatives import product_parts, relation, spoken_activation, tint
from scenes.vocab.equations import lift

FINE = style.DECIMALS_FINE
FS = 34  # formulas of this scene


@dataclass(frozen=True)
class ShownChain:
    """A chain as the screen writes it: each factor's TeX, value text and source."""

    lhs: str
    texs: tuple[str, ...]
    values: tuple[str, ...]
    result: str
    expr: str  # the product of the shown values, as Python
    approx: bool


def swapped_factors(tr: engine.Trace, f: int, first: str) -> tuple[list[engine.Factor], list[str]]:
    """w^(f)'s chain with its first factor swapped for the bias's (1) or the
    previous activation's (w^(f)); with each factor's engine source."""
    p = f"engine.Param('w', {f}, 0, 0)"
    weight = engine.long_chain(tr, engine.Param("w", f, 0, 0))
    rest = list(weight.factors[1:])
    rest_src = [f"engine.long_chain(chain_trace, {p}).factors[{i + 1}].value" for i in range(len(rest))]
    if first == "b":
        b = engine.long_chain(tr, engine.Param("b", f, 0))
        return [b.factors[0], *rest], [f"engine.long_chain(chain_trace, engine.Param('b', {f}, 0)).factors[0].value",
                                       *rest_src]
    head = engine.activation_chain(tr, f, 0, 0).factors[0]
    return [head, *rest], [f"engine.activation_chain(chain_trace, {f}, 0, 0).factors[0].value", *rest_src]


class BiasAndPreviousLayerScene(LessonScene):
    """Swap one factor for the bias or the previous activation; repeat the chain backwards."""

    lesson_order = 5

    def construct(self) -> None:
        self.setup_chain()
        self.bias_sensitivity()
        self.previous_activation()
        if self.f >= 2:
            self.cannot_change_directly()
            self.reuse_one_layer_back()
            self.whole_path()
        self.step("end")
        self.play(*(FadeOut(m) for m in self.mobjects))

    def setup_chain(self) -> None:
        chain = self.lecture.chain
        self.L, self.f = chain.network.L, chain.follow
        self.nt = cc.notation(self)
        self.tr = cc.trace(self)
        self.act = spoken_activation(chain.network.activation)
        self.shown_chains: dict[str, ShownChain] = {}

    # --- building blocks ----------------------------------------------------------
    def _shown(self, key: str, lhs: str, factors: list[engine.Factor], sources: list[str], result: float,
               result_source: str) -> ShownChain:
        # the bias's ∂z/∂b is exactly 1: written as 1
        values = tuple(self.record(fac.value, label=fac.tex, source=src,
                                   decimals=0 if key == "bias" and i == 0 else FINE)
                       for i, (fac, src) in enumerate(zip(factors, sources, strict=True)))
        res = self.record(result, label=lhs, source=result_source, decimals=FINE)
        _, expr = product_parts(list(values))
        _, approx = relation(expr, res)
        shown = ShownChain(lhs, tuple(f.tex for f in factors), values, res, expr, approx)
        self.shown_chains[key] = shown
        return shown

    def _lines(self, sc: ShownChain, what: str) -> VGroup:
        """The chain in symbols, and under it the same product in numbers (recorded)."""
        nt = self.nt
        parts = [sc.lhs, "="]
        for i, t in enumerate(sc.texs):
            if i:
                parts.append(r"\cdot")
            parts.append(t)
        formula = nt.tex(*parts, font_size=FS)
        num_parts, _ = product_parts(list(sc.values))
        rel = r"\approx" if sc.approx else "="
        numbers = nt.tex("=", *num_parts, rel, sc.result, font_size=FS)
        numbers[-1].set_color(self.theme.cost)
        self.registered(numbers)
        self.equation(sc.expr, sc.result, approx=sc.approx, what=what)
        for m in (formula, numbers):
            if m.width > 13.0:
                m.scale_to_fit_width(13.0)
        numbers.next_to(formula, DOWN, buff=0.3)
        numbers.align_to(formula[1], LEFT)
        if numbers.get_right()[0] > 6.8:
            numbers.shift((6.8 - numbers.get_right()[0]) * RIGHT)
        return VGroup(formula, numbers)

    def _swap_head(self, lifted: list[str], result: str) -> tuple[VGroup, list, VGroup]:
        """z^(f) = w^(f) a^(f-1) + b^(f)  ->  the swapped local derivative."""
        nt, f = self.nt, self.f
        definition = nt.tex(nt.z(f), "=", nt.w(f), nt.a(f - 1), "+", nt.b(f), font_size=FS)
        bottom = nt.b(f) if not lifted else nt.a(f - 1)
        derived = nt.tex(nt.d(nt.z(f), bottom), "=", result, font_size=FS)
        arrow = Arrow(LEFT, RIGHT, color=self.theme.muted, buff=0, stroke_width=3,
                      max_tip_length_to_length_ratio=0.2).scale(0.45)
        head = VGroup(definition, arrow, derived).arrange(RIGHT, buff=0.35)
        moves, rest = lift(definition, lifted, derived, start=2)
        return head, moves, rest

    # --- steps --------------------------------------------------------------------
    def bias_sensitivity(self) -> None:
        nt, f = self.nt, self.f
        factors, sources = swapped_factors(self.tr, f, "b")
        chain = engine.long_chain(self.tr, engine.Param("b", f, 0))
        src = f"engine.long_chain(chain_trace, engine.Param('b', {f}, 0)).product"
        sc = self._shown("bias", nt.d(nt.C, nt.b(f)), factors, sources, chain.product, src)
        self.step("bias", (
            "For the bias, only the first factor changes, to 1: the weighted sum moves one for one "
            f"with the bias, giving {sc.result}."))
        one = sc.values[0]
        head, moves, rest = self._swap_head([], one)
        self.registered(head[2])
        lines = self._lines(sc, f"the bias's chain for {nt.b(f)}")
        block = VGroup(head, lines).arrange(DOWN, buff=0.35)
        block.to_edge(UP, buff=0.3)
        lines[1].align_to(lines[0][1], LEFT)
        self.play(FadeIn(head[0]))
        self.play(Create(head[1]), Write(head[2][0:2]), FadeIn(rest))
        self.play(Write(lines[0]), run_time=1.5)
        self.play(FadeIn(lines[1][0]), *(TransformFromCopy(s, t) for s, t in zip(
            [head[2][-1]], [lines[1][1]], strict=True)), FadeIn(lines[1][2:-1]), run_time=1.2)
        box = tint(lines[1][-1], self.theme)
        self.play(Write(lines[1][-1]), Create(box))
        self.bias_block = VGroup(head, lines, box)

    def previous_activation(self) -> None:
        nt, f = self.nt, self.f
        factors, sources = swapped_factors(self.tr, f, "a")
        chain = engine.activation_chain(self.tr, f, 0, 0)
        sc = self._shown("previous", nt.d(nt.C, nt.a(f - 1)), factors, sources, chain.product,
                         f"engine.activation_chain(chain_trace, {f}, 0, 0).product")
        self.step("previous-activation", (
            f"For the previous activation, that factor is the weight, {sc.values[0]}, "
            f"giving {sc.result}. Keep this number."))
        head, moves, rest = self._swap_head([nt.w(f)], nt.w(f))
        lines = self._lines(sc, f"the previous activation's chain for {nt.a(f - 1)}")
        block = VGroup(head, lines).arrange(DOWN, buff=0.35)
        block.next_to(self.bias_block, DOWN, buff=0.45)
        lines[1].align_to(lines[0][1], LEFT)
        self.play(FadeIn(head[0]))
        self.play(Create(head[1]), Write(head[2][0:2]), *moves, FadeIn(rest))
        self.play(Write(lines[0]), run_time=1.5)
        self.play(FadeIn(lines[1][:-1]), run_time=1.2)
        box = tint(lines[1][-1], self.theme)
        self.play(Write(lines[1][-1]), Create(box))
        self.prev_head, self.prev_lines, self.prev_box = head, lines, box

    def cannot_change_directly(self) -> None:
        nt, f = self.nt, self.f
        self.step("cannot-change", (
            "But the previous activation cannot be changed directly. "
            f"It is {self.act} of its own weighted sum: only its own weight and bias move it."))
        self.play(FadeOut(self.bias_block), FadeOut(self.prev_head))
        kept = VGroup(self.prev_lines, self.prev_box)
        self.play(kept.animate.to_edge(UP, buff=0.35))
        a_def = nt.tex(nt.a(f - 1), "=", nt.sigma(nt.z(f - 1)), font_size=FS)
        z_def = nt.tex(nt.z(f - 1), "=", nt.w(f - 1), nt.a(f - 2), "+", nt.b(f - 1), font_size=FS)
        defs = VGroup(a_def, z_def).arrange(RIGHT, buff=1.2)
        defs.next_to(kept, DOWN, buff=0.6)
        src = symbol_of(self.prev_lines[0], nt.a(f - 1))
        self.play(TransformFromCopy(src, a_def[0]), FadeIn(a_def[1:]), run_time=1.2)
        self.play(FadeIn(z_def, shift=0.2 * LEFT), run_time=1.2)
        marks = VGroup(*(tint(symbol_of(z_def, s), self.theme)
                         for s in (nt.w(f - 1), nt.b(f - 1))))
        self.play(Create(marks))
        self.defs, self.def_marks = defs, marks

    def reuse_one_layer_back(self) -> None:
        nt, f = self.nt, self.f
        g = f - 1
        w_chain = engine.weight_chain(self.tr, g, 0, 0)
        sources = [f"engine.weight_chain(chain_trace, {g}, 0, 0).factors[{i}].value" for i in range(3)]
        sc = self._shown("reuse", nt.d(nt.C, nt.w(g)), list(w_chain.factors), sources, w_chain.product,
                         f"engine.weight_chain(chain_trace, {g}, 0, 0).product")
        reused = self.shown_chains["previous"].result
        assert sc.values[2] == reused, "the reused factor is the number shown above"
        self.step("reuse", (
            f"So that weight needs three factors: its input, {sc.values[0]}, "
            f"the slope of {self.act}, {sc.values[1]}, and the kept {reused}, reused, "
            f"not recomputed, giving {sc.result}."))
        self.play(FadeOut(self.def_marks))
        lines = self._lines(sc, f"the reused chain for {nt.w(g)}")
        lines.next_to(self.defs, DOWN, buff=0.55)
        lines[1].align_to(lines[0][1], LEFT)
        self.play(Write(lines[0][:-1]), run_time=1.2)
        self.play(TransformFromCopy(self.prev_lines[0][0], lines[0][-1]), run_time=1.2)
        self.play(FadeIn(lines[1][:-3]), run_time=1.0)
        self.play(TransformFromCopy(self.prev_lines[1][-1], lines[1][-3]), run_time=1.2)
        box = tint(lines[1][-1], self.theme)
        self.play(Write(lines[1][-2:]), Create(box))
        self.reuse_lines, self.reuse_box = lines, box

    def whole_path(self) -> None:
        nt, f = self.nt, self.f
        g = f - 1
        p = f"engine.Param('w', {g}, 0, 0)"
        chain = engine.long_chain(self.tr, engine.Param("w", g, 0, 0))
        sources = [f"engine.long_chain(chain_trace, {p}).factors[{i}].value" for i in range(len(chain.factors))]
        sc = self._shown("path", nt.d(nt.C, nt.w(g)), list(chain.factors), sources,
                         self.tr.grad(engine.Param("w", g, 0, 0)), f"chain_trace.grad({p})")
        n = len(chain.factors)
        self.step("whole-path", (
            f"Written out, it is a path of {n} factors with the same {sc.result}, the engine's gradient. "
            "Backpropagation never multiplies the whole path: each layer reuses the one after it."))
        self.play(FadeOut(self.prev_lines), FadeOut(self.prev_box), FadeOut(self.defs))
        kept = VGroup(self.reuse_lines, self.reuse_box)
        self.play(kept.animate.to_edge(UP, buff=0.35))
        lines = self._lines(sc, f"the whole path for {nt.w(g)}")
        lines.next_to(kept, DOWN, buff=0.8)
        lines[1].align_to(lines[0][1], LEFT)
        if lines.get_left()[0] < -6.8:
            lines.shift((-6.8 - lines.get_left()[0]) * RIGHT)
        self.play(Write(lines[0]), run_time=2.0)
        self.play(FadeIn(lines[1][:-1]), run_time=1.2)
        box = tint(lines[1][-1], self.theme)
        self.play(Write(lines[1][-1]), Create(box))
        self.wait(style.TIMINGS.long_pause)


def symbol_of(mob, symbol: str):
    from scenes.vocab.equations import symbol_parts

    return symbol_parts(mob, symbol)[0]


__all__ = ["BiasAndPreviousLayerScene", "ShownChain", "swapped_factors", "UP"]
