"""Segment 3: each factor of the chain rule, lifted out of the formula that defines it."""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Create,
    FadeIn,
    FadeOut,
    ReplacementTransform,
    SurroundingRectangle,
    TransformFromCopy,
    VGroup,
    Write,
)

import engine
from scenes import chain_common as cc
from scenes import style
from scenes.base import LessonScene
from scenes.vocab.equations import lift

FINE = style.DECIMALS_FINE


def factor_kinds(L: int, f: int) -> list[tuple[str, int]]:
    """What each factor of the long chain from w^(f) is, in the engine's order
    (parameter -> cost): ("dz_dw", f), then per layer m: ("dz_da", m) for m > f
    and ("sigma", m), then ("dC_da", L)."""
    kinds = [("dz_dw", f)]
    for m in range(f, L + 1):
        if m > f:
            kinds.append(("dz_da", m))
        kinds.append(("sigma", m))
    kinds.append(("dC_da", L))
    return kinds


class DerivativesScene(LessonScene):
    """Each local derivative read off its own formula, with its value."""

    lesson_order = 3

    def construct(self) -> None:
        self.setup_chain()
        self.show_chain_rule()
        for i in reversed(range(len(self.kinds))):
            self.derive_factor(i)
        self.multiply_out()

    def setup_chain(self) -> None:
        chain = self.lecture.chain
        self.L, self.f = chain.network.L, chain.follow
        self.nt = cc.notation(self)
        self.chain = cc.long_chain(self)
        self.kinds = factor_kinds(self.L, self.f)
        assert len(self.kinds) == len(self.chain.factors)

    def show_chain_rule(self) -> None:
        self.step("chain-rule", caption="Three kinds of local slope make up the chain; take them one at a time.")
        nt = self.nt
        parts = [nt.d(nt.C, nt.w(self.f)), "="]
        for i, fac in enumerate(self.chain.factors):
            if i:
                parts.append(r"\cdot")
            parts.append(fac.tex)
        formula = nt.tex(*parts, font_size=style.SIZES.tex)
        if formula.width > 12.5:
            formula.scale_to_fit_width(12.5)
        formula.to_edge(UP, buff=0.5)
        self.formula = formula
        self.rows = VGroup()
        self.marker = None
        self.play(Write(formula))
        self.wait(style.TIMINGS.pause)

    def _definition_and_result(self, kind: str, l: int) -> tuple[str, list[str], list[str], list[str]]:
        """(step name, defining formula parts, derivative result parts, symbols lifted)."""
        nt = self.nt
        z_def = [nt.z(l), "=", nt.w(l), nt.a(l - 1), "+", nt.b(l)]
        if kind == "dC_da":
            return ("cost-slope", [nt.C, "=", r"\left(", nt.a(l), "-", nt.y, r"\right)^2"],
                    [nt.d(nt.C, nt.a(l)), "=", "2", r"\left(", nt.a(l), "-", nt.y, r"\right)"],
                    [nt.a(l), nt.y])
        if kind == "sigma":
            return (f"activation-slope-{nt.layer(l)}", [nt.a(l), "=", nt.sigma(nt.z(l))],
                    [nt.d(nt.a(l), nt.z(l)), "=", nt.sigma_prime(nt.z(l))], [nt.z(l)])
        if kind == "dz_da":
            return (f"weight-as-slope-{nt.layer(l)}", z_def,
                    [nt.d(nt.z(l), nt.a(l - 1)), "=", nt.w(l)], [nt.w(l)])
        return (f"input-as-slope-{nt.layer(l)}", z_def,
                [nt.d(nt.z(l), nt.w(l)), "=", nt.a(l - 1)], [nt.a(l - 1)])

    def derive_factor(self, i: int) -> None:
        kind, l = self.kinds[i]
        name, def_parts, res_parts, lifted = self._definition_and_result(kind, l)
        captions = {
            "dC_da": "How the cost reacts to the output: twice the gap to the target.",
            "sigma": "How the activation reacts to its weighted sum: the slope of the activation function.",
            "dz_da": "How the weighted sum reacts to the previous activation: the weight itself.",
            "dz_dw": "How the weighted sum reacts to the weight: the activation it multiplies.",
        }
        self.step(name, caption=captions[kind])
        nt, fac = self.nt, self.chain.factors[i]
        fs = style.SIZES.tex_small if len(self.kinds) > 3 else style.SIZES.tex
        definition = nt.tex(*def_parts, font_size=fs)
        result = nt.tex(*res_parts, font_size=fs)
        value = self.number(fac.value, label=fac.tex, source=cc.factor_source("chain_param", i),
                            decimals=FINE, font_size=fs)
        eq = nt.tex("=", font_size=fs)
        arrow = Arrow(LEFT, RIGHT, color=self.theme.muted, buff=0, stroke_width=3,
                      max_tip_length_to_length_ratio=0.2).scale(0.5)
        row = VGroup(definition, arrow, result, eq, value)
        # fixed columns so the rows line up
        definition.move_to([-4.3, 0, 0])
        arrow.next_to(definition, RIGHT, buff=0.3).set_x(-1.2)
        result.next_to(arrow, RIGHT, buff=0.3)
        result.shift((-0.6 - result.get_left()[0]) * RIGHT)
        eq.next_to(result, RIGHT, buff=0.2)
        value.next_to(eq, RIGHT, buff=0.2)
        gap = 1.3 if len(self.kinds) <= 3 else 1.05
        top = self.formula.get_bottom()[1] - 0.8  # room for values under the formula
        row.set_y(top - 0.45 - gap * len(self.rows))
        target = self.formula[2 + 2 * i]
        marker = SurroundingRectangle(target, color=self.theme.highlight, buff=0.08)
        if self.marker is None:
            self.play(Create(marker))
        else:
            self.play(ReplacementTransform(self.marker, marker))
        self.marker = marker
        self.play(FadeIn(definition))
        self.play(Create(arrow), Write(result[0:2]))
        moves, rest = lift(definition, lifted, result, start=2)
        self.play(*moves, FadeIn(rest))
        self.play(FadeIn(eq), FadeIn(value, shift=0.2 * LEFT))
        self.rows.add(row)
        self.wait(style.TIMINGS.pause)

    def multiply_out(self) -> None:
        self.step("product", caption="Multiplied together they give the weight's derivative for this example.")
        nt = self.nt
        self.play(FadeOut(self.marker))
        values = VGroup()
        for i, fac in enumerate(self.chain.factors):
            num = self.number(fac.value, label=fac.tex, source=cc.factor_source("chain_param", i),
                              decimals=FINE, font_size=style.SIZES.small)
            num.next_to(self.formula[2 + 2 * i], DOWN, buff=0.15)
            values.add(num)
        product = self.number(self.chain.product, label=nt.d(nt.C, nt.w(self.f)),
                              source="engine.long_chain(chain_trace, chain_param).product",
                              decimals=FINE, font_size=style.SIZES.small, color=self.theme.cost)
        product.next_to(self.formula[0], DOWN, buff=0.15)
        box = SurroundingRectangle(product, color=self.theme.highlight, buff=0.06)
        self.play(*(TransformFromCopy(row[-1], v) for row, v in zip(reversed(self.rows), values, strict=True)))
        self.play(FadeIn(product), Create(box))
        self.wait(style.TIMINGS.long_pause)
        self.step("end")
        self.play(FadeOut(VGroup(self.formula, self.rows, values, product, box)))


__all__ = ["DerivativesScene", "factor_kinds", "engine"]
