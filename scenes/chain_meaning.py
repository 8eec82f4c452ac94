"""Segment 4: what the derivatives mean, the average over examples, the gradient vector.

The weight's derivative is the previous activation times ∂C_0/∂z^(f), a
number that belongs to the neuron the weight feeds. Holding that neuron as
it is (its weighted sum, output and target), only the previous activation
is changed, so only that factor differs between the rows compared.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    Line,
    MathTex,
    ReplacementTransform,
    SurroundingRectangle,
    Text,
    TransformFromCopy,
    ValueTracker,
    VGroup,
    Write,
)

import engine
from scenes import chain_common as cc
from scenes import style
from scenes.base import LessonScene
from scenes.chain_derivatives import product_parts, relation, tint

FINE = style.DECIMALS_FINE
ROW_FS = 36  # the comparison rows
TABLE_FS = 30  # the table of examples and the gradient's entries
MAX_ROWS = 8  # more examples than this: a sample of rows is shown (the mean is over all)
BOUNDED = {"sigmoid": 1.0, "tanh": 1.0}  # activations that cannot exceed 1 in size


@dataclass(frozen=True)
class Comparison:
    """One row of the comparison: a previous activation (exactly as shown) and the weight's derivative."""

    a: float
    a_text: str
    grad: float
    grad_text: str
    expr: str
    approx: bool


def compared_activations(a: float, activation: str) -> tuple[float, float | None]:
    """A less active and a more active value for the previous neuron (2 decimals,
    the sign of `a`), both within the activation's range; None when no larger
    value fits (an activation already near its ceiling)."""
    sign = -1.0 if a < 0 else 1.0
    m = abs(a)
    lo = round(m / 5, 2) if m < 0.5 or m > 0.75 else 0.10
    cap = BOUNDED.get(activation)
    hi = round(min(1.75 * m, 0.95), 2) if cap else round(1.75 * m, 2)
    if 0.25 <= m <= 0.75 and cap:
        hi = 0.90
    return sign * max(lo, 0.01), (sign * hi if hi >= m + 0.05 else None)


def legible_values(d, font_size: float = 30) -> None:
    """Neuron values at a readable size (the diagram's default is smaller than
    the 12 px the checks ask for); they stay centred in their neurons."""
    for l in range(d.L + 1):
        for j in d.shown(l):
            lab = d.value_label(l, j)
            if lab is not None:
                lab.font_size = font_size
                lab.move_to(d.neuron(l, j))


def mean_expr(texts: list[str]) -> str:
    """The mean of shown numbers, as the Python the equation check reads."""
    terms = " + ".join(f"({t})" if t.startswith("-") else t for t in texts)
    return f"({terms}) / {len(texts)}"


def sample_rows(n: int, limit: int = MAX_ROWS) -> list[int | None]:
    """Which example rows a table of `n` shows (None: an ellipsis row)."""
    if n <= limit:
        return list(range(n))
    head = limit - 3
    return [*range(head), None, n - 2, n - 1]


class MeaningScene(LessonScene):
    """Active neurons make strong weight updates; the gradient averages over examples."""

    lesson_order = 4

    def construct(self) -> None:
        self.setup_chain()
        self.show_dependence()
        self.compare(self.lo, "less-active")
        if self.hi is not None:
            self.compare(self.hi, "more-active")
        self.average_examples()
        self.gradient_vector()

    def setup_chain(self) -> None:
        chain = self.lecture.chain
        self.net, self.f, self.L = chain.network, chain.follow, chain.network.L
        self.nt = cc.notation(self)
        self.tr = cc.trace(self)
        self.param = cc.followed_weight(self.lecture)
        self.a0 = float(self.tr.a(self.f - 1)[0])
        self.delta = float(self.tr.layer(self.f).dC_dz[0][0])  # ∂C_0/∂z^(f): held fixed below
        self.lo, self.hi = compared_activations(self.a0, self.net.activation)
        self.rows_shown: list[Comparison] = []
        self.neuron_readings: list[tuple[str, str]] = []  # (neuron label text, row's a text) at each step's end
        self.gmax = max(abs(self.a0), abs(self.lo), abs(self.hi or 0.0)) * abs(self.delta) or 1.0

    # --- one example: the previous activation as a factor -------------------------
    def _row(self, a: float, a_text: str, a_source: str, grad: float, grad_source: str) -> tuple[MathTex, Comparison]:
        nt = self.nt
        d_text = self.record(self.delta, label=nt.d(nt.C, nt.z(self.f)),
                             source=f"chain_trace.grad(engine.Param('b', {self.f}, 0))",  # = ∂C_0/∂z
                             decimals=FINE)
        g_text = self.record(grad, label=nt.d(nt.C, nt.w(self.f)), source=grad_source, decimals=FINE)
        parts, expr = product_parts([a_text, d_text])
        rel, approx = relation(expr, g_text)
        self.equation(expr, g_text, approx=approx, what=f"{nt.a(self.f - 1)} times the held factor")
        row = nt.tex(*parts, rel, g_text, font_size=ROW_FS)
        row[-1].set_color(self.theme.ink)
        self.registered(row)
        return row, Comparison(a, a_text, grad, g_text, expr, approx)

    def show_dependence(self) -> None:
        nt, f = self.nt, self.f
        g_ours = self.tr.grad(self.param)
        self.step("dependence", (
            "The weight's derivative is the previous activation times how the cost reacts "
            "to this neuron's own weighted sum."))
        d = cc.diagram(self, width=7.0, height=1.5, neuron_radius=0.5)
        legible_values(d)
        d.to_edge(UP, buff=0.35)
        self.diagram = d
        self.play(FadeIn(d))
        earlier = VGroup(*(d.layer(l) for l in range(0, f - 1)), *(d.edges(l) for l in range(1, f)),
                         *(m for l in range(0, f - 1) if (m := d.value_label(l, 0)) is not None))
        if len(earlier):
            self.play(FadeOut(earlier))  # a^(f-1) is set by hand below: what came before no longer applies
            d.remove(*earlier)
        formula = nt.tex(nt.d(nt.C, nt.w(f)), "=", nt.d(nt.z(f), nt.w(f)), r"\cdot", nt.d(nt.C, nt.z(f)),
                         "=", nt.a(f - 1), r"\cdot", nt.d(nt.C, nt.z(f)), font_size=style.SIZES.tex)
        formula.next_to(d, DOWN, buff=0.5)
        self.play(Write(formula[:5]), run_time=1.5)
        self.play(TransformFromCopy(formula[2], formula[6]), FadeIn(formula[5]), FadeIn(formula[7]),
                  TransformFromCopy(formula[4], formula[8]), run_time=1.5)
        self.formula = formula
        # the table: one row per previous activation; ours first
        a_text = self.record(self.a0, label=nt.a(f - 1), source=f"chain_trace.a({f - 1})[0]", decimals=FINE)
        row, cmp = self._row(self.a0, a_text, f"chain_trace.a({f - 1})[0]", g_ours, "chain_trace.grad(chain_param)")
        head = nt.tex(nt.a(f - 1), r"\cdot", nt.d(nt.C, nt.z(f)), "=", nt.d(nt.C, nt.w(f)), font_size=ROW_FS)
        head.next_to(formula, DOWN, buff=0.45)
        self._align(row, head)
        row.next_to(head, DOWN, buff=0.3)
        self._align(row, head)
        self.table_head, self.rows = head, VGroup(row)
        self.rows_shown.append(cmp)
        self.play(FadeIn(head), FadeIn(row, shift=0.2 * DOWN))
        self.marker = tint(row, self.theme)
        self.play(FadeIn(self.marker))
        self._apply_edge(self.a0 * self.delta)
        self._note_reading(cmp)

    def _align(self, row: MathTex, head: MathTex) -> None:
        """The row's '=' under the header's '='."""
        row.shift((head[3].get_x() - row[-2].get_x()) * RIGHT)

    def _apply_edge(self, g: float) -> None:
        """Edge of w^(f): colour by the weight's sign, width by |∂C_0/∂w| (on one scale for every row)."""
        w = float(self.net.W(self.f)[0, 0])
        u = np.sign(w) * max(abs(g) / self.gmax, 0.05)
        self.diagram.edge_layers[self.f].apply(np.array([[u]]))

    def _set_neuron(self, v: float) -> None:
        d, f = self.diagram, self.f
        d.neuron(f - 1, 0).set_fill(opacity=float(np.clip(v, 0, 1)))
        lab = d.value_label(f - 1, 0)
        if lab is not None:
            lab.set_value(v)
            lab.set_color(self.theme.neuron_text_bright if v > 0.5 else self.theme.ink)

    def _note_reading(self, cmp: Comparison) -> None:
        lab = self.diagram.value_label(self.f - 1, 0)
        shown = f"{lab.get_value():.{style.DECIMALS}f}" if lab is not None else ""
        self.neuron_readings.append((shown, cmp.a_text))

    def compare(self, target: float, name: str) -> None:
        nt, f = self.nt, self.f
        ours = self.rows_shown[0]
        a_text = self.record(target, label=nt.a(f - 1), source=repr(float(target)), decimals=style.DECIMALS)
        grad = target * self.delta
        grad_src = f"{float(target)!r} * chain_trace.grad(engine.Param('b', {f}, 0))"  # ∂C_0/∂b = ∂C_0/∂z
        row, cmp = self._row(target, a_text, repr(float(target)), grad, grad_src)
        ratio = abs(grad / ours.grad)
        more = abs(target) > abs(self.a0)
        if more:
            said = (f"More active, at {a_text}, it grows to {cmp.grad_text}, {ratio:.1f} times ours. "
                    "A weight matters most when the neuron it comes from is active: "
                    "neurons that fire together wire together.")
        else:
            said = ("Hold that neuron as it is and change only the activation before it. "
                    f"Less active, at {a_text}, the derivative shrinks to {cmp.grad_text}, {ratio:.2f} times ours.")
        self.step(name, said)
        s = ValueTracker(self.rows_shown[-1].a)
        lab = self.diagram.value_label(f - 1, 0)

        def follow(_m) -> None:
            v = float(s.get_value())
            self._set_neuron(v)
            self._apply_edge(v * self.delta)

        anchor = lab if lab is not None else self.diagram.neuron(f - 1, 0)
        anchor.add_updater(follow)
        row.next_to(self.rows[-1], DOWN, buff=0.25)
        self._align(row, self.table_head)
        marker = tint(row, self.theme)
        self.play(s.animate.set_value(target), run_time=2.5)
        anchor.remove_updater(follow)
        self.remove(s)
        self._set_neuron(target)
        self._apply_edge(grad)
        if lab is not None:
            cc.set_number(self, lab, target, label=nt.a(f - 1), source=repr(float(target)))
        self.play(FadeIn(row, shift=0.2 * DOWN), ReplacementTransform(self.marker, marker))
        self.marker = marker
        self.rows.add(row)
        self.rows_shown.append(cmp)
        self._note_reading(cmp)

    # --- every example: the average ------------------------------------------------
    def average_examples(self) -> None:
        nt, chain, f = self.nt, self.lecture.chain, self.f
        avg = engine.averaging(self.net, chain.average_x, chain.average_y, self.param)
        n = len(avg.per_example)
        mean_text = self.record(avg.mean, label=nt.d("C", nt.w(f)), source="chain_avg.mean", decimals=FINE)
        self.step("average", (
            "That was one example's cost, C zero. "
            f"The cost C the network learns from averages all {n} examples, "
            f"so its derivative averages theirs: {mean_text}."))
        self.play(FadeOut(VGroup(self.diagram, self.formula, self.table_head, self.rows, self.marker)))
        fs = TABLE_FS
        w = nt.w(f)
        heads = [
            MathTex("k", font_size=fs),
            MathTex("x_k", font_size=fs),
            MathTex("y_k", font_size=fs, color=self.theme.target),
            nt.tex(nt.d("C_{k}", w), font_size=fs),
            Text("mean so far", font_size=22, color=self.theme.muted),
        ]
        col_x = [-6.5, -5.5, -4.4, -2.6, -0.4]
        for c, h in enumerate(heads):
            h.move_to([col_x[c], 3.3, 0])
        rows = VGroup()
        per_texts: list[str] = []
        running_approx = False
        row_h = 0.5
        y = 2.55
        for k in sample_rows(n):
            if k is None:
                dots = MathTex(r"\vdots", font_size=fs, color=self.theme.muted).move_to([col_x[3], y, 0])
                rows.add(VGroup(dots))
                y -= row_h
                continue
            # "+ 0.0" turns an exact -0.0 (ReLU'(z) = 0 times a negative) into 0.0, as the screen writes it
            g_text = self.record(avg.per_example[k] + 0.0, label=f"dC_{k + 1}/dw",
                                 source=f"chain_avg.per_example[{k}] + 0.0", decimals=FINE)
            per_texts.append(g_text)
            cells = [
                MathTex(str(k + 1), font_size=fs),
                self.number(chain.average_x[k][0], label=f"x_{k + 1}", source=f"chain.average_x[{k}][0]",
                            font_size=fs),
                self.number(chain.average_y[k][0], label=f"y_{k + 1}", source=f"chain.average_y[{k}][0]",
                            font_size=fs, color=self.theme.target),
                self.registered(MathTex(g_text, font_size=fs)),
                self.number(avg.running_mean[k] + 0.0, label=f"mean of first {k + 1}",
                            source=f"chain_avg.running_mean[{k}] + 0.0", decimals=FINE, font_size=fs),
            ]
            if n <= MAX_ROWS:  # every row shown: each running mean is a calculation on screen
                mean_k = f"{cells[4].get_value():.{FINE}f}"
                expr = mean_expr(per_texts)
                _, approx = relation(expr, mean_k)
                running_approx |= approx
                self.equation(expr, mean_k, approx=approx, what=f"the mean of the first {k + 1} examples")
            for c, cell in enumerate(cells):
                cell.move_to([col_x[c], y, 0])
            rows.add(VGroup(*cells))
            y -= row_h
        if running_approx:
            heads[4] = Text("mean so far (≈)", font_size=22, color=self.theme.muted).move_to(heads[4])
        rule = Line([col_x[0] - 0.4, 2.9, 0], [col_x[-1] + 1.2, 2.9, 0], color=self.theme.muted, stroke_width=1.5)
        cost = nt.tex("C", "=", r"\frac{1}{n}\sum_{k=1}^{n}", "C_{k}", font_size=36)
        expr = mean_expr(per_texts)
        rel, approx = relation(expr, mean_text) if n <= MAX_ROWS else (r"\approx", True)
        if n <= MAX_ROWS:
            self.equation(expr, mean_text, approx=approx, what="the average over every example")
        deriv = nt.tex(nt.d("C", w), "=", r"\frac{1}{n}\sum_{k=1}^{n}", nt.d("C_{k}", w), rel, mean_text,
                       font_size=36)
        self.registered(deriv)
        formulas = VGroup(cost, deriv).arrange(DOWN, buff=0.4, aligned_edge=LEFT)
        formulas.next_to(VGroup(VGroup(*heads), rows), RIGHT, buff=0.6)
        if formulas.get_right()[0] > 6.9:
            formulas.shift((6.9 - formulas.get_right()[0]) * RIGHT)
        self.play(FadeIn(VGroup(*heads)), Create(rule), Write(cost))
        for row in rows:
            self.play(FadeIn(row, shift=0.15 * UP), run_time=0.5)
        box = SurroundingRectangle(deriv[-1], color=self.theme.highlight, buff=0.08)
        self.play(Write(deriv[:-1]), TransformFromCopy(rows[-1][-1], deriv[-1]), run_time=1.5)
        self.play(Create(box))
        self.avg_block = VGroup(VGroup(*heads), rule, rows, formulas, box)
        self.mean_text = mean_text

    def gradient_vector(self) -> None:
        nt = self.nt
        batch = engine.run(self.net, self.lecture.chain.average_x, self.lecture.chain.average_y)
        comps = engine.gradient_vector(batch)
        followed = next(i for i, (p, _) in enumerate(comps) if p.kind == "w" and p.layer == self.f)
        texts = [self.record(g + 0.0, label=nt.d("C", nt.w(p.layer) if p.kind == "w" else nt.b(p.layer)),
                             source=f"engine.gradient_vector(chain_batch_trace)[{i}][1] + 0.0", decimals=FINE)
                 for i, (p, g) in enumerate(comps)]
        assert texts[followed] == self.mean_text
        self.step("gradient", (
            f"Every weight and bias gets such an average: the {len(comps)} together form "
            f"the gradient of C, our {texts[followed]} among them."))
        self.play(FadeOut(self.avg_block))
        fs = TABLE_FS
        nums = VGroup(*(self.registered(MathTex(t, font_size=fs)) for t in texts))
        labels = VGroup(*(nt.tex(nt.d("C", nt.w(p.layer) if p.kind == "w" else nt.b(p.layer)), font_size=fs)
                          for p, _ in comps))
        row_h = min(0.95, 6.6 / len(comps))
        for i, (num, lab) in enumerate(zip(nums, labels, strict=True)):
            num.move_to([0.0, -i * row_h, 0])
            lab.move_to([0.0, -i * row_h, 0])
        for num in nums:
            num.align_to(nums[0], RIGHT)
        br_l, br_r = self._bracket(nums, LEFT), self._bracket(nums, RIGHT)
        nabla = MathTex(r"\nabla", "C", "=", font_size=style.SIZES.tex)
        nabla[1].set_color(self.theme.cost)
        nabla.next_to(br_l, LEFT, buff=0.3)
        labels.next_to(br_r, RIGHT, buff=0.7)
        for lab, num in zip(labels, nums, strict=True):
            lab.match_y(num)
            lab.align_to(labels[0], LEFT)
        group = VGroup(nabla, br_l, nums, br_r, labels)
        group.move_to([0, 0, 0])
        mark = tint(VGroup(nums[followed], labels[followed]), self.theme)
        self.play(Write(nabla), Create(br_l), Create(br_r))
        self.play(FadeIn(labels, lag_ratio=0.1), FadeIn(nums, lag_ratio=0.1), run_time=2.0)
        self.play(FadeIn(mark))
        self.wait(style.TIMINGS.long_pause)
        self.step("end")
        self.play(FadeOut(VGroup(group, mark)))

    def _bracket(self, col: VGroup, side) -> VGroup:
        top, bot = col.get_top()[1] + 0.15, col.get_bottom()[1] - 0.15
        x = (col.get_left()[0] - 0.25) if side is LEFT else (col.get_right()[0] + 0.25)
        tick = 0.15 if side is LEFT else -0.15
        color = self.theme.ink
        return VGroup(Line([x, top, 0], [x, bot, 0], color=color), Line([x, top, 0], [x + tick, top, 0], color=color),
                      Line([x, bot, 0], [x + tick, bot, 0], color=color))


__all__ = ["MeaningScene", "Comparison", "compared_activations", "sample_rows", "DOWN"]
