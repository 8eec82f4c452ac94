"""Segments 7-9: the recap formula and the gradient, real gradient descent
on the digits, and a numerical check of the calculus."""

from __future__ import annotations

import math

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Create,
    FadeIn,
    FadeOut,
    ImageMobject,
    Indicate,
    MathTex,
    ReplacementTransform,
    SurroundingRectangle,
    Text,
    TransformFromCopy,
    VGroup,
    Write,
)

import engine
from scenes import style
from scenes.base import LessonScene
from scenes.checks import format_shown
from scenes.multi import Ink, fit, num, relation
from scenes.multi_data import GRAD_CHECK_H, learned_digit
from scenes.vocab.network import NetworkDiagram

FS = 30  # formulas: 12.9 px digits at 480p
TABLE_FS = 34  # the check table fills the width it has
NOTE = 22  # Text notes: 13.9 px at 480p
# Central differences with step h cannot resolve a relative gap much below this (rounding of the
# cost, ~1e-16, divided by h, plus the h² truncation): smaller measured gaps are noise.
AGREEMENT_FLOOR = 1e-8


def _note(scene: LessonScene, text: str) -> Text:
    return Text(text, font_size=NOTE, color=scene.theme.muted, line_spacing=0.8)


class Recap(LessonScene):
    """Recap: one formula for every weight, two cases for the last factor, and the gradient they fill."""

    lesson_order = 7

    def construct(self) -> None:
        self.setup_values()
        self.summary_formula()
        self.one_instance()
        self.two_cases()
        self.gradient()
        self.descent()

    def setup_values(self) -> None:
        m = self.lecture.multi
        self.net, self.ink = m.network, Ink(self, m.network)
        self.tr = engine.run(m.network, m.x, m.y)
        self.L, self.j, self.k = self.net.L, m.j, m.k

    def _general(self, l: str, up: str) -> list:
        """∂C_0/∂w_jk^(l) = a_k^(l-1) act'(z_j^(l)) ∂C_0/∂a_j^(l), for a layer named l."""
        th = self.theme
        C = ("C_0", th.cost)
        w = (rf"w_{{j,k}}^{{({l})}}", th.weight_pos)
        a_prev = (rf"a_{{k}}^{{({up})}}", th.ink)
        z = (rf"z_{{j}}^{{({l})}}", th.z)
        a = (rf"a_{{j}}^{{({l})}}", th.ink)
        act = self.ink.act.tex
        return [self.ink.d(C, w), "=", a_prev, r"\,", act + "'(", z, ")", r"\,", self.ink.d(C, a)]

    def summary_formula(self) -> None:
        self.step("formula", (
            "One pattern covers every weight in every layer: how active the neuron feeding it is, "
            "times how steep the activation is where it arrives, times how much that neuron matters to the cost."))
        f = self.ink.tex(*self._general("l", "l-1"), font_size=42)
        f.to_edge(UP, buff=0.6)
        factors = (f[2], VGroup(f[4], f[5], f[6]), f[8])
        texts = ("activity of the neuron the weight comes from",
                 "steepness of the activation at the neuron it feeds",
                 "how much that neuron matters to the cost")
        legend = VGroup()
        for factor, text in zip(factors, texts, strict=True):
            legend.add(VGroup(factor.copy().scale(0.85), _note(self, text)).arrange(RIGHT, buff=0.4))
        legend.arrange(DOWN, buff=0.3, aligned_edge=LEFT)
        for row in legend[1:]:  # the notes line up in one column
            row[1].align_to(legend[0][1], LEFT)
        legend.next_to(f, DOWN, buff=0.6)
        self.play(Write(f), run_time=1.5)
        for factor, row in zip(factors, legend, strict=True):
            self.play(TransformFromCopy(factor, row[0]), FadeIn(row[1], shift=0.2 * LEFT), run_time=1.2)
        self.formula, self.notes = f, legend

    def one_instance(self) -> None:
        L, j, k, tr, ink = self.L, self.j, self.k, self.tr, self.ink
        lay = ink.s
        values = (float(tr.a(L - 1)[k]), float(ink.act.df(tr.z(L)[j])), float(tr.dC_da(L)[j]),
                  float(tr.grad(engine.Param("w", L, j, k))))
        said = [format_shown(v, 4) for v in values]
        self.step("instance", (
            f"For the weight we followed, w {j} {k}, the three factors are {said[0]}, {said[1]} and {said[2]}. "
            f"Their product, {said[3]}, is the number backpropagation gave."))
        a_k = num(self, values[0], lay("a", L - 1, k), f"multi_trace.a({L - 1})[{k}]", decimals=4)
        slope = num(self, values[1], f"{ink.act.symbol}'({lay('z', L, j)})",
                    f"engine.get_activation(multi.network.activation).df(multi_trace.z({L})[{j}])",
                    decimals=4)
        pull = num(self, values[2], rf"\partial C_0/\partial {lay('a', L, j)}", f"multi_trace.dC_da({L})[{j}]",
                   decimals=4)
        g = num(self, values[3], rf"\partial C_0/\partial {lay('w', L, j, k)}",
                f"multi_trace.grad(engine.Param('w', {L}, {j}, {k}))", decimals=4, paren=False)
        rel = relation(self, f"{a_k} * {slope} * {pull}", g, "the recap formula for the followed weight")
        C = ("C_0", self.theme.cost)
        inst = ink.tex(ink.d(C, ink.w(L, j, k)), "=", a_k, r"\cdot", slope, r"\cdot", pull, rel, g, font_size=FS)
        self.registered(inst)
        inst.next_to(self.notes, DOWN, buff=0.7)
        fit(inst, 12.5)
        self.play(TransformFromCopy(self.formula[0], inst[0]), FadeIn(inst[1]))
        for i in (2, 4, 6):
            self.play(FadeIn(inst[i], shift=0.2 * DOWN), FadeIn(inst[i + 1]), run_time=0.8)
        self.play(Write(inst[8]))
        box = SurroundingRectangle(inst[8], color=self.theme.highlight, buff=0.08)
        self.play(Create(box))
        self.instance = VGroup(inst, box)

    def two_cases(self) -> None:
        self.step("cases", (
            "The last factor is two times the gap to the target at the output layer, and a sum over the "
            "next layer's neurons anywhere else. So the work runs backwards, reusing the layer after."))
        th, ink = self.theme, self.ink
        C = ("C_0", th.cost)
        lhs = ink.tex(ink.d(C, (r"a_{j}^{(l)}", th.ink)), "=", font_size=FS)
        out_case = ink.tex("2(", (r"a_{j}^{(L)}", th.ink), "-", (r"y_{j}", th.target), ")", font_size=FS)
        hid_case = ink.tex(r"\sum_{i}", (r"w_{i,j}^{(l+1)}", th.weight_pos), r"\,", ink.act.tex + "'(",
                           (r"z_{i}^{(l+1)}", th.z), ")", r"\,",
                           ink.d(C, (r"a_{i}^{(l+1)}", th.ink)), font_size=FS)
        out_note = _note(self, "at the output layer L")
        hid_note = _note(self, "in an earlier layer: summed over\nthe neurons i of the next layer")
        rows = VGroup(VGroup(out_case, out_note).arrange(RIGHT, buff=0.5),
                      VGroup(hid_case, hid_note).arrange(RIGHT, buff=0.5)).arrange(DOWN, buff=0.45, aligned_edge=LEFT)
        block = VGroup(lhs, rows).arrange(RIGHT, buff=0.3)
        fit(block, 12.8)
        self.play(FadeOut(self.instance), FadeOut(self.notes))
        block.next_to(self.formula, DOWN, buff=0.8)
        self.play(TransformFromCopy(self.formula[8], lhs[0]), FadeIn(lhs[1]))
        self.play(FadeIn(out_case), FadeIn(out_note))
        self.play(FadeIn(hid_case), FadeIn(hid_note))
        self.cases = block

    def gradient(self) -> None:
        grads = engine.gradient_vector(self.tr)
        n = len(grads)
        self.step("gradient", (
            f"Every weight and bias gets such a number: all {n} make the gradient of this example's cost."))
        th = self.theme
        pick = [0, 1, 2, n - 2, n - 1]
        rows = VGroup()
        for i in pick:
            p, g = grads[i]
            name = p.tex(True, self.L)
            color = th.bias if p.kind == "b" else (th.weight_pos if self.net.value(p) >= 0 else th.weight_neg)
            value = num(self, g, rf"\partial C_0/\partial {name}", f"engine.gradient_vector(multi_trace)[{i}][1]",
                        decimals=4, paren=False)
            entry = self.ink.tex(self.ink.d(("C_0", th.cost), (name, color)), "=", value, font_size=FS)
            rows.add(entry)
            self.registered(entry)
        dots = MathTex(r"\vdots", font_size=FS)
        rows.submobjects.insert(3, dots)
        rows.arrange(DOWN, buff=0.18, aligned_edge=LEFT)
        dots.set_x(rows[0][0].get_center()[0])
        lhs = MathTex(r"\nabla C_0", "=", font_size=40)
        lhs[0].set_color(th.cost)
        count = _note(self, f"{n} components:\none per weight\nand per bias")
        vec = VGroup(lhs, rows).arrange(RIGHT, buff=0.3)
        count.next_to(rows, DOWN, buff=0.3).align_to(rows, LEFT)
        VGroup(vec, count).to_edge(LEFT, buff=0.8).set_y(0)
        self.play(FadeOut(self.cases), FadeOut(self.formula))
        self.play(Write(lhs))
        self.play(FadeIn(rows, lag_ratio=0.2), run_time=2)
        self.play(FadeIn(count))
        self.vector = VGroup(lhs, rows, count)

    def descent(self) -> None:
        self.step("descent", (
            "Averaged over the training examples they give the gradient of the full cost C, "
            "and gradient descent steps against it."))
        th = self.theme
        avg = MathTex(r"\nabla C", "=", r"\frac{1}{n}\sum_{i}", r"\nabla C_i", font_size=40)
        avg[0].set_color(th.cost)
        avg[3].set_color(th.cost)
        step = MathTex(r"\text{parameters}", r"\;\leftarrow\;", r"\text{parameters}", "-", r"\eta", r"\nabla C",
                       font_size=36)
        step[5].set_color(th.cost)
        block = VGroup(avg, step).arrange(DOWN, buff=0.7, aligned_edge=LEFT)
        block.next_to(self.vector, RIGHT, buff=1.0)
        fit(block, config_width_right(block))
        self.play(TransformFromCopy(self.vector[0][0], avg[3]), FadeIn(avg[:3]))
        self.play(TransformFromCopy(avg[0], step[5]), FadeIn(step[:5]))
        self.play(Indicate(step[3:], color=th.highlight))


def config_width_right(mob) -> float:
    """How wide a mobject may be from its left edge to the frame's right margin."""
    from manim import config

    return config.frame_width / 2 - 0.3 - mob.get_left()[0]


class LearningForReal(LessonScene):
    """Learning for real: gradient descent on the digits, the cost falling, one held-out digit learned."""

    lesson_order = 8

    def construct(self) -> None:
        self.set_stage()
        self.show_digit()
        self.descend()
        self.result()

    def set_stage(self) -> None:
        th = self.theme
        self.tr = tr = self._training()
        self.ld = learned_digit(self.lecture)
        sizes = tr.start.sizes
        self.step("start", (
            "Now real data. This network reads eight by eight images of digits: "
            f"{sizes[0]} inputs, layers of {sizes[1]} and {sizes[2]}, and {sizes[-1]} outputs, "
            "starting from random weights."))
        t0 = self.ld.traces[0]
        scale = max(float(np.max(np.abs(W))) for W in tr.final.weights)
        self.d = NetworkDiagram(
            tr.start, [t0.a(l) for l in range(t0.L + 1)], th, height=6.4, width=5.6, max_shown=16,
            weight_scale=scale, scene=self, source="learned_digit.traces[0].a({l})[{j}]",
            output_labels=[str(i) for i in range(sizes[-1])],
        )
        self.d.to_edge(RIGHT, buff=1.2)
        self.play(FadeIn(self.d), run_time=2)

    def _training(self):
        from scenes.multi_data import digit_training

        return digit_training(self.lecture)

    def show_digit(self) -> None:
        th, ld = self.theme, self.ld
        luck = "a wrong guess" if ld.guesses[0] != ld.label else "right, by luck"
        self.step("digit", (
            f"This held-out digit was never used in training. It shows a {ld.label}. "
            f"The random network guesses {ld.guesses[0]}: {luck}."))
        img = np.kron((np.asarray(ld.x).reshape(8, 8) * 255).astype(np.uint8), np.ones((8, 8), dtype=np.uint8))
        if th.name == "light":
            img = 255 - img
        self.digit = ImageMobject(img).scale_to_fit_height(1.6)
        self.digit.to_corner(UP + LEFT, buff=0.5).shift(0.3 * RIGHT)
        frame = SurroundingRectangle(self.digit, color=th.muted, buff=0.02, stroke_width=1)
        caption = _note(self, "held-out digit")
        caption.next_to(frame, RIGHT, buff=0.3).align_to(frame, UP)
        self.label = VGroup(
            _note(self, "shows:"),
            MathTex(self.record(ld.label, label="the digit's label", source="learned_digit.label", decimals=0),
                    font_size=FS, color=th.target),
        ).arrange(RIGHT, buff=0.15)
        self.registered(self.label[1])
        self.label.next_to(caption, DOWN, buff=0.25, aligned_edge=LEFT)
        self.guess = self._guess(0)
        self.play(FadeIn(self.digit), Create(frame), FadeIn(caption))
        self.play(FadeIn(self.label))
        self.play(FadeIn(self.guess), Indicate(self.d.output_label(ld.guesses[0]), color=th.cost))
        self.digit_group = VGroup(frame, caption, self.label)

    def _guess(self, i: int) -> VGroup:
        ld, th = self.ld, self.theme
        g = self.record(ld.guesses[i], label="guessed digit", source=f"learned_digit.guesses[{i}]", decimals=0)
        right = ld.guesses[i] == ld.label
        word = _note(self, "guess:")
        mark = Text("right" if right else "wrong", font_size=NOTE, color=th.ink if right else th.cost)
        digit = MathTex(g, font_size=FS, color=th.ink)
        self.registered(digit)
        mob = VGroup(word, digit, mark).arrange(RIGHT, buff=0.2)
        mob.next_to(self.label, DOWN, buff=0.25, aligned_edge=LEFT)
        return mob

    def _plot(self) -> VGroup:
        th, tr = self.theme, self.tr
        costs = tr.history.costs
        cmax = float(np.max(costs))
        tick = 0.5 if cmax <= 3 else 1.0
        top = tick * math.ceil(cmax / tick)
        self.axes = Axes(
            x_range=[0, tr.total_steps, tr.total_steps], y_range=[0, top, tick], x_length=5.0, y_length=3.2,
            tips=False, axis_config={"color": th.muted, "include_ticks": True, "tick_size": 0.06},
        )
        labels = VGroup()
        for v in np.arange(0, top + 1e-9, tick):
            t = self.number(float(v), label="cost axis tick", source=repr(float(v)), decimals=1, font_size=28,
                            color=th.muted)
            t.next_to(self.axes.c2p(0, v), LEFT, buff=0.12)
            labels.add(t)
        end = MathTex(self.record(tr.total_steps, label="training steps", source="digit_training.total_steps",
                                  decimals=0), font_size=28, color=th.muted)
        self.registered(end)
        end.next_to(self.axes.c2p(tr.total_steps, 0), DOWN, buff=0.15)
        xname = _note(self, "steps of gradient descent").next_to(self.axes.x_axis, DOWN, buff=0.15)
        xname.align_to(self.axes, LEFT)
        yname = MathTex("C", color=th.cost, font_size=34).next_to(labels, LEFT, buff=0.2)
        plot = VGroup(self.axes, labels, end, xname, yname)
        plot.to_corner(DOWN + LEFT, buff=0.45).shift(0.2 * RIGHT)
        return plot

    def descend(self) -> None:
        th, tr, ld = self.theme, self.tr, self.ld
        d = self.lecture.digits
        self.step("descend", (
            f"Each step averages backpropagation's gradient over {d.batch_size} training digits and moves "
            "every weight against it. The cost falls fast, then slowly."))
        self.plot = self._plot()
        self.play(Create(self.plot[0]), FadeIn(self.plot[1:]))
        costs = tr.history.costs
        steps = tr.snapshot_steps
        for i in range(1, len(steps)):
            a, b = steps[i - 1], steps[i]
            xs = np.arange(max(a, 1), b + 1)
            curve = self.axes.plot_line_graph(xs, costs[xs - 1], add_vertex_dots=False, line_color=th.cost,
                                              stroke_width=2)
            t = ld.traces[i]
            guess = self._guess(i)
            self.play(
                Create(curve),
                self.d.animate_weights(tr.history.snapshot(b)),
                self.d.animate_activations([t.a(l) for l in range(t.L + 1)],
                                           source=f"learned_digit.traces[{i}].a({{l}})[{{j}}]"),
                ReplacementTransform(self.guess, guess),
                run_time=2 * style.TIMINGS.transform,
            )
            self.guess = guess

    def result(self) -> None:
        th, tr, ld = self.theme, self.tr, self.ld
        last = ld.guesses[-1]
        verdict = "now right" if last == ld.label else f"still wrong: it says {last}"
        chance = 1 / tr.start.sizes[-1]
        luck = "about what guessing gives" if abs(tr.acc_before - chance) < 0.05 else "far from perfect"
        self.step("result", (
            f"After {tr.total_steps} steps the held-out {ld.label} is {verdict}, and held-out accuracy went from "
            f"{format_shown(100 * tr.acc_before, 1)} percent, {luck}, to {format_shown(100 * tr.acc_after, 1)}."))
        before = self.record(100 * tr.acc_before, label="held-out accuracy before (%)",
                             source="100 * digit_training.acc_before", decimals=1)
        after = self.record(100 * tr.acc_after, label="held-out accuracy after (%)",
                            source="100 * digit_training.acc_after", decimals=1)
        text = VGroup(
            _note(self, "held-out digits right:"),
            MathTex(before, r"\%", r"\;\rightarrow\;", after, r"\%", font_size=FS),
        ).arrange(RIGHT, buff=0.2)
        self.registered(text[1])
        text.next_to(self.plot, UP, buff=0.35).align_to(self.plot, LEFT)
        box = SurroundingRectangle(self.guess, color=th.highlight, buff=0.1)
        self.play(Create(box), Indicate(self.d.output_label(last), color=th.highlight))
        self.play(Write(text))


class CheckingTheCalculus(LessonScene):
    """Checking the calculus: backpropagation's gradient against a measured slope, parameter by parameter."""

    lesson_order = 9

    def construct(self) -> None:
        self.the_measurement()
        self.the_table()
        self.agreement()

    def the_measurement(self) -> None:
        exponent = round(math.log10(GRAD_CHECK_H))
        self.step("measure", (
            f"A last check, without calculus: move one parameter by h, ten to the minus {-exponent}, each way, "
            "rerun the network, and measure the slope."))
        th = self.theme
        f = MathTex(r"\frac{\partial C_0}{\partial w}", r"\approx", r"\frac{C_0(w + h) - C_0(w - h)}{2h}",
                    rf",\qquad h = 10^{{{exponent}}}", font_size=40)
        f[0].set_color(th.cost)
        f.to_edge(UP, buff=0.5)
        self.play(Write(f), run_time=2)
        self.head = f

    def the_table(self) -> None:
        rows_checks = engine_checks(self)
        self.step("table", (
            f"For {len(rows_checks)} parameters, backpropagation and the measured slope agree digit for digit."))
        th = self.theme
        L = self.lecture.multi.network.L
        header = [_note(self, s) for s in ("parameter", "backpropagation", "measured", "relative gap")]
        cells = list(header)
        self.gaps: list[tuple[float, str]] = []
        for i, c in enumerate(rows_checks):
            name = MathTex(c.param.tex(True, L), font_size=TABLE_FS)
            name.set_color(th.bias if c.param.kind == "b"
                           else (th.weight_pos if self.lecture.multi.network.value(c.param) >= 0 else th.weight_neg))
            bp = MathTex(num(self, c.backprop, f"dC_0/d{c.param.plain()}", f"grad_checks[{i}].backprop",
                             decimals=8, paren=False), font_size=TABLE_FS)
            me = MathTex(num(self, c.measured, f"measured dC_0/d{c.param.plain()}", f"grad_checks[{i}].measured",
                             decimals=8, paren=False), font_size=TABLE_FS)
            rel = MathTex(*gap_tex(self, c.log_rel, f"grad_checks[{i}].log_rel", c.param.plain()), font_size=TABLE_FS)
            for mob in (bp, me, rel):
                self.registered(mob)
            cells += [name, bp, me, rel]
        table = VGroup(*cells).arrange_in_grid(rows=len(rows_checks) + 1, cols=4, buff=(0.6, 0.28),
                                               col_alignments="lrrr")
        fit(table, 12.8)
        table.next_to(self.head, DOWN, buff=0.45)
        rows = [VGroup(*cells[4 * r: 4 * r + 4]) for r in range(len(rows_checks) + 1)]
        self.play(FadeIn(rows[0]))
        for row in rows[1:]:
            self.play(FadeIn(row, shift=0.1 * RIGHT), run_time=style.TIMINGS.write)
        self.table = table

    def agreement(self) -> None:
        th = self.theme
        gaps = [c.log_rel for c in engine_checks(self)]
        worst = max(gaps)
        floor = round(math.log10(AGREEMENT_FLOOR))
        if worst < math.log10(AGREEMENT_FLOOR):
            said = (f"Every gap is below ten to the minus {-floor}, as fine as this measurement resolves: "
                    "the chain rule was applied correctly.")
            text = MathTex(r"\text{every relative gap} < 10^{" + str(floor) + "}", font_size=FS, color=th.ink)
            self.step("agree", said)
        else:
            i = gaps.index(worst)
            self.step("agree", (f"The largest gap is ten to the {format_shown(worst, 1)}: larger than the "
                                "measurement's own noise, so look closer at that parameter."))
            w = self.record(worst, label="largest log10 relative gap", source=f"grad_checks[{i}].log_rel", decimals=1)
            text = MathTex(r"\text{largest relative gap: } 10^{" + w + "}", font_size=FS, color=th.cost)
            self.registered(text)
        text.next_to(self.table, DOWN, buff=0.45)
        box = SurroundingRectangle(text, color=th.highlight, buff=0.15)
        self.play(Write(text), Create(box))


def gap_tex(scene: LessonScene, log_rel: float, source: str, name: str) -> list[str]:
    """A relative gap as shown: 10^{x} when it is above what the measurement resolves, else < 10^{floor}."""
    floor = math.log10(AGREEMENT_FLOOR)
    if log_rel < floor:
        return ["<", "10^{" + str(round(floor)) + "}"]
    return ["10^{" + scene.record(log_rel, label=f"log10 relative gap {name}", source=source, decimals=1) + "}"]


def engine_checks(scene: LessonScene):
    from scenes.multi_data import grad_checks

    cached = scene.__dict__.get("_checks")
    if cached is None:
        cached = scene.__dict__["_checks"] = grad_checks(scene.lecture)
    return cached


__all__ = ["CheckingTheCalculus", "LearningForReal", "Recap"]
