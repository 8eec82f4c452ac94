"""Segment 4: what the derivatives mean, the average over examples, the gradient vector."""

from __future__ import annotations

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
    SurroundingRectangle,
    Text,
    ValueTracker,
    VGroup,
    Write,
)

import engine
from scenes import chain_common as cc
from scenes import style
from scenes.base import LessonScene

FINE = style.DECIMALS_FINE
DIM = 0.1  # the previous activation's value when dim; the bright one is found by the engine


def tail_network(net: engine.Network, f: int) -> engine.Network:
    """The layers f..L alone: its input plays a^(f-1)."""
    return engine.Network(net.weights[f - 1:], net.biases[f - 1:], net.activation)


def tail_source(f: int, s: float) -> str:
    return (f"engine.run(engine.Network(chain.network.weights[{f - 1}:], chain.network.biases[{f - 1}:], "
            f"chain.network.activation), [{s!r}], chain.y)")


class MeaningScene(LessonScene):
    """Active neurons make strong weight updates; the gradient averages over examples."""

    lesson_order = 4

    def construct(self) -> None:
        self.setup_chain()
        self.show_dependence()
        self.sweep_activation(DIM, "dim-neuron", "A dim previous neuron: the weight hardly matters to the cost.")
        self.sweep_activation(self.bright, "bright-neuron",
                              "Brighter, and the weight matters much more: neurons that fire together wire together.")
        self.average_examples()
        self.gradient_vector()

    def setup_chain(self) -> None:
        chain = self.lecture.chain
        self.net, self.f, self.L = chain.network, chain.follow, chain.network.L
        self.nt = cc.notation(self)
        self.tr = cc.trace(self)
        self.tail = tail_network(self.net, self.f)
        grid = [round(0.1 + 0.05 * i, 2) for i in range(19)]  # 0.10 .. 1.00
        grads = [abs(self._tail_trace(s).grad(engine.Param("w", 1, 0, 0))) for s in grid]
        # the brightness (up to 1) at which this weight matters most to the cost
        self.bright = grid[int(np.argmax(grads))] if grid[int(np.argmax(grads))] > DIM else 1.0
        self.gmax = max(max(grads), abs(self.tr.grad(cc.followed_weight(self.lecture))), 1e-12)

    def _tail_trace(self, s: float) -> engine.Trace:
        return engine.run(self.tail, [s], self.lecture.chain.y)

    def show_dependence(self) -> None:
        self.step("dependence", caption="The weight's derivative carries the previous activation as a factor.")
        nt, f = self.nt, self.f
        d = cc.diagram(self, width=8.0, height=1.6, neuron_radius=0.42)
        d.to_edge(UP, buff=0.8)
        self.diagram = d
        dim = VGroup(*(d.layer(l) for l in range(0, f - 1)), *(d.edges(l) for l in range(1, f)),
                     *(d.value_label(l, 0) for l in range(0, f - 1)))
        self.play(FadeIn(d))
        self.play(dim.animate.set_opacity(0.3))
        a_sym, w_sym = nt.a(f - 1), nt.w(f)
        a_lab = nt.tex(a_sym, "=")
        g_lab = nt.tex(nt.d(nt.C, w_sym), "=")
        self.a_val = self.number(self.tr.a(f - 1)[0], label=a_sym, source=f"chain_trace.a({f - 1})[0]",
                                 decimals=style.DECIMALS)
        self.g_val = self.number(self.tr.grad(cc.followed_weight(self.lecture)), label=nt.d(nt.C, w_sym),
                                 source="chain_trace.grad(chain_param)", decimals=FINE, color=self.theme.cost)
        row_a = VGroup(a_lab, self.a_val).arrange(RIGHT, buff=0.2)
        row_g = VGroup(g_lab, self.g_val).arrange(RIGHT, buff=0.2)
        panel = VGroup(row_a, row_g).arrange(DOWN, buff=0.6, aligned_edge=LEFT)
        panel.next_to(d, DOWN, buff=1.2)
        chain = engine.weight_chain(self.tr, f, 0, 0)
        self.factor_vals = [
            self.number(fac.value, label=fac.tex, decimals=FINE, font_size=style.SIZES.tex_small,
                        source=f"engine.weight_chain(chain_trace, {f}, 0, 0).factors[{i}].value")
            for i, fac in enumerate(chain.factors)
        ]
        parts = []
        for i, fac in enumerate(chain.factors):
            if i:
                parts.append(r"\cdot")
            parts.append(fac.tex)
        note = nt.tex("=", *parts, font_size=style.SIZES.tex_small)
        note.next_to(row_g, RIGHT, buff=0.3)
        for i, num in enumerate(self.factor_vals):
            num.next_to(note[1 + 2 * i], DOWN, buff=0.2)
        full = VGroup(panel, note, *self.factor_vals)
        full.set_x(0)
        self.panel = full
        self.play(FadeIn(panel), Write(note), FadeIn(VGroup(*self.factor_vals)))
        self._apply_edge(self.tr.grad(cc.followed_weight(self.lecture)))
        self.wait(style.TIMINGS.pause)

    def _apply_edge(self, g: float) -> None:
        """Edge of w^(f): colour by the weight's sign, width by |gradient|."""
        w = float(self.net.W(self.f)[0, 0])
        u = np.sign(w) * max(abs(g) / self.gmax, 0.05)
        self.diagram.edge_layers[self.f].apply(np.array([[u]]))

    def sweep_activation(self, target: float, name: str, caption: str) -> None:
        self.step(name, caption=caption)
        d, f, L = self.diagram, self.f, self.L
        start = float(self.a_val.get_value())
        s = ValueTracker(start)

        def refresh(_m=None) -> None:
            v = float(s.get_value())
            tt = self._tail_trace(v)
            d.neuron(f - 1, 0).set_fill(opacity=float(np.clip(v, 0, 1)))
            for m in range(1, L - f + 2):
                d.neuron(f - 1 + m, 0).set_fill(opacity=float(np.clip(tt.a(m)[0], 0, 1)))
                lab = d.value_label(f - 1 + m, 0)
                if lab is not None:
                    lab.set_value(tt.a(m)[0])
                    lab.set_color(self.theme.neuron_text_bright if tt.a(m)[0] > 0.5 else self.theme.ink)
            lab = d.value_label(f - 1, 0)
            if lab is not None:
                lab.set_value(v)
                lab.set_color(self.theme.neuron_text_bright if v > 0.5 else self.theme.ink)
            self.a_val.set_value(v)
            for num, fac in zip(self.factor_vals, engine.weight_chain(tt, 1, 0, 0).factors, strict=True):
                num.set_value(fac.value)
            g = tt.grad(engine.Param("w", 1, 0, 0))
            self.g_val.set_value(g)
            self._apply_edge(g)

        self.a_val.add_updater(refresh)
        self.play(s.animate.set_value(target), run_time=style.TIMINGS.nudge * 1.5)
        self.a_val.clear_updaters()
        self.remove(s)
        s.set_value(target)
        refresh()
        # record exactly what is shown now
        tt, src = self._tail_trace(target), tail_source(f, target)
        lit = repr(float(target))
        cc.set_number(self, self.a_val, target, label=self.nt.a(f - 1), source=lit)
        cc.set_number(self, self.g_val, tt.grad(engine.Param("w", 1, 0, 0)), label=self.nt.d(self.nt.C, self.nt.w(f)),
                      source=f"{src}.grad(engine.Param('w', 1, 0, 0))", decimals=FINE)
        lab = d.value_label(f - 1, 0)
        if lab is not None:
            cc.set_number(self, lab, target, label=self.nt.a(f - 1), source=lit)
        for m in range(1, L - f + 2):
            lab = d.value_label(f - 1 + m, 0)
            if lab is not None:
                cc.set_number(self, lab, tt.a(m)[0], label=self.nt.a(f - 1 + m), source=f"{src}.a({m})[0]")
        for i, (num, fac) in enumerate(zip(self.factor_vals, engine.weight_chain(tt, 1, 0, 0).factors, strict=True)):
            cc.set_number(self, num, fac.value, label=fac.tex, decimals=FINE,
                          source=f"engine.weight_chain({src}, 1, 0, 0).factors[{i}].value")
        self.wait(style.TIMINGS.pause)

    def average_examples(self) -> None:
        self.step("average", caption=(
            "That was one example. The full cost averages the derivative "
            "over every training example."))
        self.play(FadeOut(self.diagram), FadeOut(self.panel))
        nt, chain, f = self.nt, self.lecture.chain, self.f
        avg = engine.averaging(self.net, chain.average_x, chain.average_y, cc.followed_weight(self.lecture))
        n = len(avg.per_example)
        # The mean is over all n examples; the table shows a sample: the first rows, a row of
        # dots, and the last row (whose running mean is the mean over all).
        shown = list(range(n)) if n <= MAX_ROWS else [*range(MAX_ROWS - 2), None, n - 1]
        fs = style.SIZES.small if len(shown) > 6 else style.SIZES.tex_small
        heads = [
            MathTex("k", font_size=fs),
            MathTex("x_k", font_size=fs),
            MathTex("y_k", font_size=fs, color=self.theme.target),
            nt.tex(nt.d("C_{k}", nt.w(f)), font_size=fs),
            Text("running mean", font_size=fs * 0.8, color=self.theme.muted),
        ]
        heads[3].set_color(self.theme.cost)
        col_x = [-4.6, -3.2, -1.7, 0.6, 3.6]
        row_h = min(0.55, 4.6 / max(len(shown), 1))
        table = VGroup()
        for c, h in enumerate(heads):
            h.move_to([col_x[c], 0, 0])
        table.add(VGroup(*heads))
        for row, k in enumerate(shown):
            if k is None:
                dots = VGroup(*(MathTex(r"\vdots", font_size=fs).move_to([x, -(row + 1) * row_h - 0.2, 0])
                                for x in col_x))
                table.add(dots)
                continue
            cells = [
                MathTex(str(k), font_size=fs),
                self.number(chain.average_x[k][0], label=f"x_{k}", source=f"chain.average_x[{k}][0]", font_size=fs),
                self.number(chain.average_y[k][0], label=f"y_{k}", source=f"chain.average_y[{k}][0]", font_size=fs,
                            color=self.theme.target),
                self.number(avg.per_example[k], label=f"dC_{k}/dw", source=f"chain_avg.per_example[{k}]",
                            decimals=FINE, font_size=fs, color=self.theme.cost),
                self.number(avg.running_mean[k], label=f"mean of first {k + 1}",
                            source=f"chain_avg.running_mean[{k}]", decimals=FINE, font_size=fs),
            ]
            for c, cell in enumerate(cells):
                cell.move_to([col_x[c], -(row + 1) * row_h - 0.2, 0])
            table.add(VGroup(*cells))
        rule = Line([col_x[0] - 0.4, -0.45, 0], [col_x[-1] + 1.0, -0.45, 0], color=self.theme.muted, stroke_width=1.5)
        formula = nt.tex(nt.d("C", nt.w(f)), "=", r"\frac{1}{n}\sum_{k=0}^{n-1}", nt.d("C_{k}", nt.w(f)), "=")
        mean = self.number(avg.mean, label=nt.d("C", nt.w(f)), source="chain_avg.mean", decimals=FINE,
                           color=self.theme.cost, font_size=style.SIZES.tex)
        result = VGroup(formula, mean).arrange(RIGHT, buff=0.2)
        block = VGroup(VGroup(table, rule), result).arrange(DOWN, buff=0.5)
        block.move_to(ORIGIN_ish())
        self.play(FadeIn(table[0]), Create(rule))
        for row in table[1:]:
            self.play(FadeIn(row, shift=0.15 * UP), run_time=0.35)
        box = SurroundingRectangle(table[-1][-1], color=self.theme.highlight, buff=0.06)
        self.play(Create(box), Write(formula), FadeIn(mean))
        self.wait(style.TIMINGS.long_pause)
        self.avg_block = VGroup(block, box)

    def gradient_vector(self) -> None:
        self.step("gradient", caption="Each weight and bias gets such an average: together they form the gradient.")
        self.play(FadeOut(self.avg_block))
        nt = self.nt
        batch = engine.run(self.net, self.lecture.chain.average_x, self.lecture.chain.average_y)
        comps = engine.gradient_vector(batch)
        rows = VGroup()
        fs = style.SIZES.tex_small
        for i, (p, g) in enumerate(comps):
            sym = nt.w(p.layer) if p.kind == "w" else nt.b(p.layer)
            lab = nt.tex(nt.d("C", sym), font_size=fs)
            num = self.number(g, label=nt.d("C", sym), source=f"engine.gradient_vector(chain_batch_trace)[{i}][1]",
                              decimals=FINE, font_size=fs)
            rows.add(VGroup(lab, num))
        n = len(rows)
        row_h = min(0.95, 6.4 / n)
        for i, (lab, num) in enumerate(rows):
            lab.move_to([-1.8, -i * row_h, 0])
            num.move_to([1.6, -i * row_h, 0])
        col = VGroup(*(r[1] for r in rows))
        br_l = self._bracket(col, LEFT)
        br_r = self._bracket(col, RIGHT)
        nabla = MathTex(r"\nabla C", "=", font_size=style.SIZES.tex)
        nabla[0].set_color(self.theme.cost)
        nabla.next_to(br_l, LEFT, buff=0.3)
        labels = VGroup(*(r[0] for r in rows))
        labels.next_to(br_r, RIGHT, buff=0.6)
        for lab, num in rows:
            lab.match_y(num)
        group = VGroup(labels, nabla, br_l, col, br_r)
        group.move_to([0, 0, 0])
        followed = [i for i, (p, _) in enumerate(comps) if p.kind == "w" and p.layer == self.f][0]
        box = SurroundingRectangle(VGroup(rows[followed][0], rows[followed][1]), color=self.theme.highlight,
                                   buff=0.08)
        self.play(Write(nabla), Create(br_l), Create(br_r))
        self.play(FadeIn(labels, lag_ratio=0.1), FadeIn(col, lag_ratio=0.1))
        self.play(Create(box))
        self.wait(style.TIMINGS.long_pause)
        self.step("end")
        self.play(FadeOut(VGroup(group, box)))

    def _bracket(self, col: VGroup, side) -> VGroup:
        top, bot = col.get_top()[1] + 0.15, col.get_bottom()[1] - 0.15
        x = (col.get_left()[0] - 0.2) if side is LEFT else (col.get_right()[0] + 0.2)
        tick = 0.15 if side is LEFT else -0.15
        color = self.theme.ink
        return VGroup(Line([x, top, 0], [x, bot, 0], color=color), Line([x, top, 0], [x + tick, top, 0], color=color),
                      Line([x, bot, 0], [x + tick, bot, 0], color=color))


MAX_ROWS = 10  # rows of the averaging table; more examples are shown as a sample


def ORIGIN_ish():  # noqa: N802 - the average table sits a little above centre
    return np.array([0.0, 0.1, 0.0])


__all__ = ["MeaningScene", "DOWN", "RIGHT"]
