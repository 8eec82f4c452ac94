"""Segment 5: the bias, the previous activation, and the long path back to w^(L-1)."""

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
    SurroundingRectangle,
    Text,
    TransformFromCopy,
    VGroup,
    Write,
)

import engine
from scenes import chain_common as cc
from scenes import style
from scenes.base import LessonScene
from scenes.vocab.equations import lift
from scenes.vocab.tree import DependencyTree

FINE = style.DECIMALS_FINE


class BiasAndPreviousLayerScene(LessonScene):
    """Swap one factor for the bias or the previous activation; repeat the chain backwards."""

    lesson_order = 5

    def construct(self) -> None:
        self.setup_chain()
        self.bias_sensitivity()
        if self.L >= 2:
            self.previous_activation()
            self.grow_tree()
            self.long_path()
        self.step("end")
        self.play(*(FadeOut(m) for m in self.mobjects))

    def setup_chain(self) -> None:
        self.L = self.lecture.chain.network.L
        self.nt = cc.notation(self)
        self.tr = cc.trace(self)

    def _swap_row(self, top_parts: list[str], lifted: list[str], result: str, chain: engine.Chain,
                  chain_expr: str, lhs: str, y: float) -> VGroup:
        """The defining formula, the swapped local derivative, the chain with values."""
        nt, L = self.nt, self.L
        definition = nt.tex(nt.z(L), "=", nt.w(L), nt.a(L - 1), "+", nt.b(L))
        derived = nt.tex(top_parts[0], "=", result)
        arrow = Arrow(LEFT, RIGHT, color=self.theme.muted, buff=0, stroke_width=3,
                      max_tip_length_to_length_ratio=0.2).scale(0.5)
        head = VGroup(definition, arrow, derived).arrange(RIGHT, buff=0.4)
        parts = [lhs, "="]
        for i, fac in enumerate(chain.factors):
            if i:
                parts.append(r"\cdot")
            parts.append(fac.tex)
        formula = nt.tex(*parts)
        values = VGroup()
        for i, fac in enumerate(chain.factors):
            num = self.number(fac.value, label=fac.tex, source=f"{chain_expr}.factors[{i}].value",
                              decimals=FINE)
            values.add(num)
        product = self.number(chain.product, label=lhs, source=f"{chain_expr}.product", decimals=FINE,
                              color=self.theme.cost)
        block = VGroup(head, formula).arrange(DOWN, buff=0.6)
        block.move_to([0, y, 0])
        for i, num in enumerate(values):
            num.next_to(formula[2 + 2 * i], DOWN, buff=0.25)
        product.next_to(formula[0], DOWN, buff=0.25)
        box = SurroundingRectangle(product, color=self.theme.highlight, buff=0.08)
        self.play(FadeIn(definition))
        moves, rest = lift(definition, lifted, derived, start=2)
        self.play(Create(arrow), Write(derived[0:2]), *moves, FadeIn(rest))
        self.play(Write(formula))
        self.play(FadeIn(values, lag_ratio=0.2))
        self.play(FadeIn(product), Create(box))
        self.wait(style.TIMINGS.pause)
        return VGroup(head, formula, values, product, box)

    def bias_sensitivity(self) -> None:
        self.step("bias", caption=(
            "For the bias only the first factor changes: the weighted "
            "sum moves one for one with it."))
        nt, L = self.nt, self.L
        chain = engine.bias_chain(self.tr, L, 0)
        one = self.record(chain.factors[0].value, label=chain.factors[0].tex,
                          source=f"engine.bias_chain(chain_trace, {L}, 0).factors[0].value", decimals=0)
        self.bias_block = self._swap_row([nt.d(nt.z(L), nt.b(L))], [], one, chain,
                                         f"engine.bias_chain(chain_trace, {L}, 0)",
                                         nt.d(nt.C, nt.b(L)), 1.8)
        self.registered(self.bias_block[0][2])

    def previous_activation(self) -> None:
        self.step("previous-activation", caption=(
            "For the previous activation the first factor is the weight "
            "between them."))
        nt, L = self.nt, self.L
        chain = engine.activation_chain(self.tr, L, 0, 0)
        self.prev_block = self._swap_row([nt.d(nt.z(L), nt.a(L - 1))], [nt.w(L)], nt.w(L), chain,
                                         f"engine.activation_chain(chain_trace, {L}, 0, 0)",
                                         nt.d(nt.C, nt.a(L - 1)), -1.8)

    def grow_tree(self) -> None:
        self.step("grow-tree", caption="That activation is itself made by the layer before: the tree grows upward.")
        nt, L = self.nt, self.L
        self.play(FadeOut(self.bias_block), FadeOut(self.prev_block))
        tree = DependencyTree(nt, lowest=L, reach=L - 1, font_size=style.SIZES.tex,
                              row_gap=0.95, col_gap=1.35)
        tree.to_edge(LEFT, buff=0.6)
        self.tree = tree
        base = VGroup(*(m for m in tree.submobjects))
        self.play(FadeIn(base, lag_ratio=0.1))
        nodes, edges = tree.grow()
        self.play(Create(edges), FadeIn(nodes, shift=0.3 * DOWN))
        path = tree.path_edges(tree.path(("w", L - 1)))
        self.path = path
        self.play(path.animate.set_color(self.theme.highlight).set_stroke(width=5))
        self.wait(style.TIMINGS.pause)

    def long_path(self) -> None:
        self.step("long-path", caption=(
            "Along the long path every step contributes one factor; "
            "their product is the gradient."))
        nt, L = self.nt, self.L
        p_expr = f"engine.Param('w', {L - 1}, 0, 0)"
        chain = engine.long_chain(self.tr, engine.Param("w", L - 1, 0, 0))
        expr = f"engine.long_chain(chain_trace, {p_expr})"
        rows = VGroup()
        for i, fac in enumerate(chain.factors):
            frac = nt.tex(fac.tex, font_size=style.SIZES.tex_small)
            eq = nt.tex("=", font_size=style.SIZES.tex_small)
            num = self.number(fac.value, label=fac.tex, source=f"{expr}.factors[{i}].value", decimals=FINE)
            rows.add(VGroup(frac, eq, num).arrange(RIGHT, buff=0.2))
        rows.arrange(DOWN, buff=0.22, aligned_edge=LEFT)
        for r in rows:  # line up the equals signs
            r.shift((rows[0][1].get_x() - r[1].get_x()) * RIGHT)
        lhs = nt.d(nt.C, nt.w(L - 1))
        total = VGroup(Text("product of the factors", font_size=style.SIZES.caption),
                       nt.tex("=", font_size=style.SIZES.tex_small)).arrange(RIGHT, buff=0.2)
        prod = self.number(chain.product, label=lhs, source=f"{expr}.product", decimals=FINE,
                           color=self.theme.cost)
        grad_tex = VGroup(Text("backpropagation:", font_size=style.SIZES.caption),
                          nt.tex(lhs, "=", font_size=style.SIZES.tex_small)).arrange(RIGHT, buff=0.2)
        grad = self.number(self.tr.grad(engine.Param("w", L - 1, 0, 0)), label=lhs,
                           source=f"chain_trace.grad({p_expr})", decimals=FINE, color=self.theme.cost)
        total_row = VGroup(total, prod).arrange(RIGHT, buff=0.2)
        grad_row = VGroup(grad_tex, grad).arrange(RIGHT, buff=0.2)
        block = VGroup(rows, total_row, grad_row).arrange(DOWN, buff=0.35, aligned_edge=LEFT)
        block.next_to(self.tree.frame, RIGHT, buff=0.8)
        if block.get_right()[0] > 6.9:
            block.shift((6.9 - block.get_right()[0]) * RIGHT)
        block.set_y(0)
        # the two results in one column, so one box holds just them
        prod.align_to(grad, LEFT)
        total.next_to(prod, LEFT, buff=0.2)
        box = SurroundingRectangle(VGroup(prod, grad), color=self.theme.highlight, buff=0.1)
        for row in rows:
            self.play(FadeIn(row, shift=0.2 * LEFT), run_time=0.6)
        self.play(TransformFromCopy(VGroup(*(r[2] for r in rows)), prod), FadeIn(total))
        self.play(FadeIn(grad_row))
        self.play(Create(box))
        self.wait(style.TIMINGS.long_pause)


__all__ = ["BiasAndPreviousLayerScene", "UP"]
