"""Segment 3: each factor of the chain rule, lifted out of the formula that defines it."""

from __future__ import annotations

from collections.abc import Sequence

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    BackgroundRectangle,
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
from scenes import checks, style
from scenes.base import LessonScene
from scenes.vocab.equations import lift

FINE = style.DECIMALS_FINE
PAYOFF_SIZE = 44  # the product the scene builds up to: the largest numbers on screen
ROW_SIZE = {3: style.SIZES.tex_small, 5: 30}  # derivation rows by how many factors the chain has


# --- shared by the chain scenes (segments 3-5) ----------------------------------------


def bracket(text: str) -> str:
    """A shown number as an operand of a product: negatives in brackets so no
    factor reads as a subtraction."""
    return f"({text})" if text.startswith("-") else text


def product_parts(texts: Sequence[str]) -> tuple[list[str], str]:
    """TeX parts of a product of shown numbers (joined by a dot, negatives
    after the first in brackets) and the same product as a Python expression."""
    parts: list[str] = []
    for i, t in enumerate(texts):
        if i:
            parts.append(r"\cdot")
        parts.append(rf"\left({t}\right)" if i and t.startswith("-") else t)
    return parts, " * ".join(bracket(t) if i else t for i, t in enumerate(texts))


def relation(expr: str, result: str) -> tuple[str, bool]:
    """'=' when the shown operands give the shown result at its precision,
    else '≈' (the screen then says so and the check allows the rounding)."""
    if checks.equation_problem(expr, result, False) is None:
        return "=", False
    return r"\approx", True


def tint(mob, theme) -> BackgroundRectangle:
    """A highlight behind part of a formula (a frame around it would be a line across the formula)."""
    rect = BackgroundRectangle(mob, color=theme.highlight, fill_opacity=0.22, buff=0.08)
    rect.set_z_index(-1)
    return rect


def spoken_activation(name: str) -> str:
    """How the narration names the lecture's activation."""
    return {"sigmoid": "sigma", "tanh": "tanh", "relu": "ReLU"}.get(name, name)


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
        self.tr = cc.trace(self)
        self.chain = cc.long_chain(self)
        self.kinds = factor_kinds(self.L, self.f)
        assert len(self.kinds) == len(self.chain.factors)
        self.act_name = spoken_activation(chain.network.activation)
        self.value_texts: dict[int, str] = {}  # factor index -> its value as shown

    def show_chain_rule(self) -> None:
        n = len(self.kinds)
        weight = "the last weight" if self.f == self.L else "the weight we follow"
        self.step("chain-rule", (
            f"The chain rule for {weight}: {n} factors, each a local slope read off its own formula."))
        nt = self.nt
        parts = [nt.d(nt.C, nt.w(self.f)), "="]
        for i, fac in enumerate(self.chain.factors):
            if i:
                parts.append(r"\cdot")
            parts.append(fac.tex)
        formula = nt.tex(*parts, font_size=style.SIZES.tex)
        if formula.width > 12.5:
            formula.scale_to_fit_width(12.5)
        formula.to_edge(UP, buff=0.35)
        self.formula = formula
        self.rows = VGroup()
        self.marker = None
        self.play(Write(formula), run_time=2.0)
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

    def _substitution(self, i: int, fs: float) -> tuple[VGroup, str]:
        """The factor's value, with the numbers it comes from where it is a
        calculation: a registered MathTex whose last part is the value; the
        narration's sentence for it."""
        kind, l = self.kinds[i]
        fac = self.chain.factors[i]
        src = cc.factor_source("chain_param", i)
        value = self.record(fac.value, label=fac.tex, source=src, decimals=FINE)
        self.value_texts[i] = value
        L = self.L
        if kind == "dC_da":
            a = self.record(self.tr.a(L)[0], label=self.nt.a(L), source=f"chain_trace.a({L})[0]", decimals=FINE)
            y = self.record(self.lecture.chain.y[0], label="y", source="chain.y[0]")
            expr = f"2 * ({a} - {bracket(y)})"
            rel, approx = relation(expr, value)
            y_tex = rf"\left({y}\right)" if y.startswith("-") else y
            mob = self.nt.tex("=", "2", r"\left(", a, "-", y_tex, r"\right)", rel, value, font_size=fs)
            mob[5].set_color(self.theme.target)
            self.equation(expr, value, approx=approx, what=r"\partial C_0/\partial a^{(L)} = 2(a - y)")
            said = f"here {value}."
        elif kind == "sigma":
            z = self.record(self.tr.z(l)[0], label=self.nt.z(l), source=f"chain_trace.z({l})[0]", decimals=FINE)
            mob = self.nt.tex("=", self.nt.sigma_prime(z), "=", value, font_size=fs)
            said = f"at z = {z}: {value}."
        else:
            mob = self.nt.tex("=", value, font_size=fs)
            said = f"here {value}."
        self.registered(mob)
        return mob, said

    def derive_factor(self, i: int) -> None:
        kind, l = self.kinds[i]
        name, def_parts, res_parts, lifted = self._definition_and_result(kind, l)
        nt = self.nt
        n = len(self.kinds)
        fs = ROW_SIZE.get(n, 30 if n > 3 else style.SIZES.tex_small)
        sub, said = self._substitution(i, fs)
        # the row on screen names the layer: the words need not
        intros = {
            "dC_da": "The cost is the squared gap to the target, so its slope is twice the gap:",
            "sigma": f"The output is {self.act_name} of the weighted sum, so its slope is the slope of {self.act_name}",
            "dz_da": ("The weighted sum is weight times activation plus bias, "
                      "so its slope along the activation is the weight:"),
            "dz_dw": ("The weighted sum is weight times activation plus bias, "
                      "so its slope along the weight is the activation:"),
        }
        self.step(name, intros[kind] + " " + said)
        definition = nt.tex(*def_parts, font_size=fs)
        result = nt.tex(*res_parts, font_size=fs)
        arrow = Arrow(LEFT, RIGHT, color=self.theme.muted, buff=0, stroke_width=3,
                      max_tip_length_to_length_ratio=0.2).scale(0.4)
        row = VGroup(definition, arrow, result, sub)
        definition.shift((-2.75 - definition.get_right()[0]) * RIGHT)  # definitions end where the arrows start
        arrow.next_to(definition, RIGHT, buff=0.25).set_x(-2.1)
        result.shift((-1.55 - result.get_left()[0]) * RIGHT)
        sub.next_to(result, RIGHT, buff=0.15)
        row.set_y(self._row_y(len(self.rows)))
        target = self.formula[2 + 2 * i]
        marker = tint(target, self.theme)
        if self.marker is None:
            self.play(Create(marker))
        else:
            self.play(ReplacementTransform(self.marker, marker))
        self.marker = marker
        self.play(FadeIn(definition))
        self.play(Create(arrow), Write(result[0:2]))
        moves, rest = lift(definition, lifted, result, start=2)
        self.play(*moves, FadeIn(rest), run_time=1.5)
        self.play(Write(sub), run_time=1.5)
        self.rows.add(row)
        self.wait(style.TIMINGS.pause)

    def _row_y(self, index: int) -> float:
        """Rows fill the room between the formula and the product line, evenly."""
        n = len(self.kinds)
        top = self.formula.get_bottom()[1] - 0.75
        bottom = -config_half_height() + 2.0  # room below for the product line
        gap = min(1.3, (top - bottom) / max(n - 1, 1))
        return top - gap * index

    def multiply_out(self) -> None:
        nt = self.nt
        texts = [self.value_texts[i] for i in range(len(self.kinds))]
        product = self.record(self.chain.product, label=nt.d(nt.C, nt.w(self.f)),
                              source="engine.long_chain(chain_trace, chain_param).product", decimals=FINE)
        parts, expr = product_parts(texts)
        rel, approx = relation(expr, product)
        said_factors = " times ".join(bracket(t) for t in texts)
        sign, direction = ("Negative", "raising") if self.chain.product < 0 else ("Positive", "lowering")
        self.step("product", (
            f"Multiply them: {said_factors} gives {product}, how fast this example's cost changes with the weight. "
            f"{sign}, so {direction} the weight lowers the cost."))
        self.play(FadeOut(self.marker))
        line = nt.tex(nt.d(nt.C, nt.w(self.f)), "=", *parts, rel, product, font_size=PAYOFF_SIZE)
        self.registered(line)
        line[-1].set_color(self.theme.cost)
        if line.width > 13.2:
            line.scale_to_fit_width(13.2)
        line.to_edge(DOWN, buff=0.4)
        self.equation(expr, product, approx=approx, what=f"the chain rule's product for {nt.w(self.f)}")
        self.payoff = line
        box = SurroundingRectangle(line[-1], color=self.theme.highlight, buff=0.08)
        values = [line[2 + 2 * i] for i in range(len(texts))]
        sources = [row[3][-1] for row in reversed(self.rows)]
        self.play(FadeIn(line[0:2]))
        self.play(*(TransformFromCopy(s, v) for s, v in zip(sources, values, strict=True)),
                  FadeIn(VGroup(*(line[3 + 2 * i] for i in range(len(texts) - 1)))), run_time=1.8)
        self.play(Write(line[-2:]), Create(box))
        self.wait(style.TIMINGS.long_pause)
        self.step("end")
        self.play(FadeOut(VGroup(self.formula, self.rows, line, box)))


def config_half_height() -> float:
    from manim import config

    return config.frame_height / 2


__all__ = ["DerivativesScene", "bracket", "factor_kinds", "product_parts", "relation", "tint", "engine", "UP"]
