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
    Arrow,
    Axes,
    Create,
    FadeIn,
    FadeOut,
    ImageMobject,
    MathTex,
    Matrix,
    SurroundingRectangle,
    Text,
    VGroup,
    Write,
)

import engine
from scenes import style
from scenes.base import LessonScene
from scenes.multi import fit, num
from scenes.multi_data import GRAD_CHECK_H, digit_example, digit_training
from scenes.vocab.network import NetworkDiagram


class Recap(LessonScene):
    """Recap: one formula for every weight, two cases for the activation's sensitivity, and the gradient they fill."""

    lesson_order = 7

    def construct(self) -> None:
        self.summary_formula()
        self.two_cases()
        self.gradient()

    def summary_formula(self) -> None:
        self.step("formula", caption="Every weight of every layer follows one formula.")
        th = self.theme
        f = MathTex(
            r"\frac{\partial C}{\partial w_{jk}^{(l)}}",
            "=",
            r"a_k^{(l-1)}",
            r"\,",
            r"\sigma'\!\left(z_j^{(l)}\right)",
            r"\,",
            r"\frac{\partial C}{\partial a_j^{(l)}}",
            font_size=style.SIZES.tex,
        )
        f[0].set_color(th.cost)
        f[4].set_color(th.z)
        f[6].set_color(th.cost)
        f.to_edge(UP, buff=0.8)
        notes = VGroup(
            *(
                Text(t, font_size=18, color=th.muted)
                for t in (
                    "what the weight multiplies\n(computing the derivatives)",
                    "how steep the activation is\n(the chain rule)",
                    "how much this neuron matters\n(the next formula)",
                )
            )
        ).arrange(RIGHT, buff=0.5, aligned_edge=UP)
        notes.next_to(f, DOWN, buff=0.9)
        arrows = VGroup(
            *(
                Arrow(
                    n.get_top(),
                    f[i].get_bottom(),
                    buff=0.08,
                    stroke_width=2,
                    color=th.muted,
                    max_tip_length_to_length_ratio=0.15,
                )
                for n, i in zip(notes, (2, 4, 6), strict=True)
            )
        )
        tags = VGroup(*(VGroup(n, a) for n, a in zip(notes, arrows, strict=True)))
        self.play(Write(f))
        self.play(FadeIn(tags))
        self.wait(style.TIMINGS.long_pause * 2)
        self.formula, self.tags = f, tags

    def two_cases(self) -> None:
        self.step(
            "cases",
            caption="That last factor comes from the cost at the output, and from the summed paths everywhere else.",
        )
        th = self.theme
        cases = MathTex(
            r"\frac{\partial C}{\partial a_j^{(l)}}",
            "=",
            r"\begin{cases} \displaystyle\sum_{j'} w_{j'j}^{(l+1)}\,\sigma'\!\left(z_{j'}^{(l+1)}\right)"
            r"\frac{\partial C}{\partial a_{j'}^{(l+1)}} & l < L \\[8pt]"
            r" 2\left(a_j^{(L)} - y_j\right) & l = L \end{cases}",
            font_size=style.SIZES.tex_small,
        )
        cases[0].set_color(th.cost)
        t1 = Text("hidden layer: the summed paths\n(layers with several neurons)", font_size=18, color=th.muted)
        t2 = Text("output layer: the cost's own slope\n(computing the derivatives)", font_size=18, color=th.muted)
        notes = VGroup(t1, t2).arrange(DOWN, buff=0.6, aligned_edge=LEFT)
        block = VGroup(cases, notes).arrange(RIGHT, buff=0.4)
        fit(block, 13.0)
        block.next_to(self.tags, DOWN, buff=0.6)
        self.play(Write(cases))
        self.play(FadeIn(t1), FadeIn(t2))
        self.wait(style.TIMINGS.long_pause * 2)
        self.cases = VGroup(cases, t1, t2)

    def gradient(self) -> None:
        self.step(
            "gradient", caption="Together they give every component of the gradient; gradient descent steps against it."
        )
        th = self.theme
        grads = engine.gradient_vector(
            engine.run(self.lecture.multi.network, self.lecture.multi.x, self.lecture.multi.y)
        )
        n = len(grads)
        pick = [0, 1, 2, n - 2, n - 1]
        names, values = [], []
        for i in pick:
            p, g = grads[i]
            names.append(rf"\partial C / \partial {p.tex(True)}")
            values.append(
                num(
                    self,
                    g,
                    f"dC/d{p.plain()}",
                    f"engine.gradient_vector(multi_trace)[{i}][1]",
                    decimals=style.DECIMALS_FINE,
                    paren=False,
                )
            )
        names.insert(3, r"\vdots")
        values.insert(3, r"\vdots")
        col_names = Matrix(
            [[s] for s in names],
            v_buff=0.65,
            left_bracket="(",
            right_bracket=")",
            element_to_mobject_config={"font_size": 28},
        )
        col_vals = Matrix([[s] for s in values], v_buff=0.65, element_to_mobject_config={"font_size": 28})
        self.registered(col_vals)
        lhs = MathTex(r"\nabla C", "=", color=th.cost, font_size=style.SIZES.tex)
        eq = MathTex("=", font_size=style.SIZES.tex)
        count = Text(f"{n} components", font_size=18, color=th.muted)
        group = VGroup(lhs, col_names, eq, col_vals).arrange(RIGHT, buff=0.25)
        count.next_to(col_vals, RIGHT, buff=0.3)
        VGroup(group, count).move_to(0.3 * DOWN)
        self.play(FadeOut(self.formula), FadeOut(self.tags), FadeOut(self.cases))
        self.play(Write(lhs), FadeIn(col_names))
        self.play(Write(eq), FadeIn(col_vals), FadeIn(count))
        step = MathTex(
            r"\text{parameters} \;\leftarrow\; \text{parameters} - \eta\,\nabla C",
            font_size=style.SIZES.tex_small,
            color=th.muted,
        )
        step.next_to(VGroup(group, count), DOWN, buff=0.4)
        self.play(FadeIn(step, shift=0.2 * UP))
        self.wait(style.TIMINGS.long_pause * 2)


class LearningForReal(LessonScene):
    """Learning for real: gradient descent on the digits, the cost falling, the weights moving, one digit learned."""

    lesson_order = 8

    def construct(self) -> None:
        self.set_stage()
        self.descend()
        self.result()

    def set_stage(self) -> None:
        self.step("start", caption="Start from random weights and let gradient descent run on the training digits.")
        th = self.theme
        self.tr = tr = digit_training(self.lecture)
        hist = tr.history
        cmax = float(np.max(hist.costs))
        self.axes = Axes(
            x_range=[0, tr.total_steps, tr.total_steps],
            y_range=[0, cmax, cmax],
            x_length=5.2,
            y_length=3.6,
            tips=False,
            axis_config={"color": th.muted, "include_ticks": False},
        )
        ymax = MathTex(
            self.record(cmax, label="largest batch cost", source="np.max(digit_training.history.costs)"),
            font_size=22,
            color=th.cost,
        )
        self.registered(ymax)
        ymax.next_to(self.axes.c2p(0, cmax), LEFT, buff=0.1)
        xmax = MathTex(
            self.record(tr.total_steps, label="steps", source="digit_training.total_steps", decimals=0),
            font_size=22,
            color=th.muted,
        )
        self.registered(xmax)
        xmax.next_to(self.axes.c2p(tr.total_steps, 0), DOWN, buff=0.1)
        xname = Text("steps", font_size=20, color=th.muted).next_to(self.axes.x_axis, DOWN, buff=0.1)
        yname = MathTex("C", color=th.cost, font_size=28).next_to(self.axes.y_axis, LEFT, buff=0.15)
        self.plot = VGroup(self.axes, ymax, xmax, xname, yname).to_corner(DOWN + LEFT, buff=0.5).shift(0.4 * RIGHT)

        x, _, label = digit_example(self.lecture)
        self.label = label
        img = np.kron((np.asarray(x).reshape(8, 8) * 255).astype(np.uint8), np.ones((8, 8), dtype=np.uint8))
        if th.name == "light":
            img = 255 - img
        self.digit = ImageMobject(img).scale_to_fit_height(1.6)
        self.digit.to_corner(UP + LEFT, buff=0.5).shift(0.6 * RIGHT)
        self.digit_frame = SurroundingRectangle(self.digit, color=th.muted, buff=0.02, stroke_width=1)

        t0 = tr.traces[0]
        scale = max(float(np.max(np.abs(W))) for W in tr.final.weights)
        self.d = NetworkDiagram(
            tr.start,
            [t0.a(l) for l in range(t0.L + 1)],
            th,
            height=6.6,
            width=6.4,
            max_shown=16,
            weight_scale=scale,
            scene=self,
            source="digit_training.traces[0].a({l})[{j}]",
        )
        self.d.to_edge(RIGHT, buff=0.3)
        self.guess = self._guess(0)
        self.play(
            FadeIn(self.d),
            FadeIn(self.digit),
            Create(self.digit_frame),
            Create(self.axes),
            FadeIn(VGroup(ymax, xmax, xname, yname)),
        )
        self.play(FadeIn(self.guess))
        self.wait(style.TIMINGS.pause)

    def _guess(self, i: int) -> MathTex:
        g = self.record(self.tr.guesses[i], label="guessed digit", source=f"digit_training.guesses[{i}]", decimals=0)
        mob = MathTex(
            r"\text{guess: }",
            g,
            font_size=style.SIZES.tex_small,
            color=self.theme.z if self.tr.guesses[i] == self.label else self.theme.cost,
        )
        self.registered(mob)
        mob.next_to(self.digit_frame, DOWN, buff=0.2)
        return mob

    def descend(self) -> None:
        self.step("descend", caption="Each step nudges every weight downhill; the cost falls and the edges shift.")
        th, tr = self.theme, self.tr
        costs = tr.history.costs
        steps = tr.snapshot_steps
        for i in range(1, len(steps)):
            a, b = steps[i - 1], steps[i]
            xs = np.arange(max(a, 1), b + 1)
            curve = self.axes.plot_line_graph(
                xs, costs[xs - 1], add_vertex_dots=False, line_color=th.cost, stroke_width=1.5
            )
            t = tr.traces[i]
            guess = self._guess(i)
            self.play(
                Create(curve),
                self.d.animate_weights(tr.history.snapshot(b)),
                self.d.animate_activations(
                    [t.a(l) for l in range(t.L + 1)], source=f"digit_training.traces[{i}].a({{l}})[{{j}}]"
                ),
                FadeOut(self.guess),
                FadeIn(guess),
                run_time=2 * style.TIMINGS.transform,
            )
            self.guess = guess
        self.wait(style.TIMINGS.pause)

    def result(self) -> None:
        self.step("result", caption="On digits it never trained on, the network is now right most of the time.")
        th, tr = self.theme, self.tr
        before = self.record(
            100 * tr.acc_before, label="test accuracy before (%)", source="100 * digit_training.acc_before", decimals=1
        )
        after = self.record(
            100 * tr.acc_after, label="test accuracy after (%)", source="100 * digit_training.acc_after", decimals=1
        )
        text = MathTex(
            r"\text{held-out digits right: }",
            before,
            r"\%",
            r"\;\rightarrow\;",
            after,
            r"\%",
            font_size=style.SIZES.tex_small,
        )
        text[4].set_color(th.z)
        self.registered(text)
        text.next_to(self.plot, UP, buff=0.3).align_to(self.plot, LEFT)
        if text.get_top()[1] > self.guess.get_bottom()[1] - 0.1:
            text.next_to(self.guess, DOWN, buff=0.2).align_to(self.plot, LEFT)
        fit(text, 6.6)
        self.play(Write(text))
        self.wait(style.TIMINGS.long_pause * 2)


class CheckingTheCalculus(LessonScene):
    """Checking the calculus: backpropagation's gradient against a measured slope, parameter by parameter."""

    lesson_order = 9

    def construct(self) -> None:
        self.the_measurement()
        self.the_table()
        self.agreement()

    def the_measurement(self) -> None:
        self.step("measure", caption="Measure a slope directly: move one parameter a hair each way and watch the cost.")
        th = self.theme
        f = MathTex(
            r"\frac{\partial C}{\partial w} \approx",
            r"\frac{C(w + h) - C(w - h)}{2h}",
            rf",\qquad h = 10^{{{round(math.log10(GRAD_CHECK_H))}}}",
            font_size=style.SIZES.tex,
        )
        f[0].set_color(th.cost)
        f.to_edge(UP, buff=0.5)
        self.play(Write(f))
        self.wait(style.TIMINGS.long_pause)
        self.head = f

    def the_table(self) -> None:
        self.step(
            "table", caption="For a handful of weights and biases, backpropagation and the measurement side by side."
        )
        th = self.theme
        checks = engine_checks(self)
        header = [
            Text(s, font_size=20, color=th.muted) for s in ("parameter", "backpropagation", "measured", "relative gap")
        ]
        cells = list(header)
        for i, c in enumerate(checks):
            name = MathTex(c.param.tex(True), font_size=28)
            name.set_color(
                th.bias
                if c.param.kind == "b"
                else (th.weight_pos if self.lecture.multi.network.value(c.param) >= 0 else th.weight_neg)
            )
            bp = MathTex(
                num(self, c.backprop, f"dC/d{c.param.plain()}", f"grad_checks[{i}].backprop", decimals=8, paren=False),
                font_size=28,
            )
            me = MathTex(
                num(
                    self,
                    c.measured,
                    f"measured dC/d{c.param.plain()}",
                    f"grad_checks[{i}].measured",
                    decimals=8,
                    paren=False,
                ),
                font_size=28,
            )
            rel = MathTex(
                "10^{"
                + self.record(
                    c.log_rel,
                    label=f"log10 relative gap {c.param.plain()}",
                    source=f"grad_checks[{i}].log_rel",
                    decimals=1,
                )
                + "}",
                font_size=28,
            )
            for mob in (bp, me, rel):
                self.registered(mob)
            cells += [name, bp, me, rel]
        table = VGroup(*cells).arrange_in_grid(rows=len(checks) + 1, cols=4, buff=(0.6, 0.3), col_alignments="lrrr")
        fit(table, 12.5)
        table.next_to(self.head, DOWN, buff=0.5)
        rows = [VGroup(*cells[4 * r : 4 * r + 4]) for r in range(len(checks) + 1)]
        self.play(FadeIn(rows[0]))
        for row in rows[1:]:
            self.play(FadeIn(row, shift=0.1 * RIGHT), run_time=style.TIMINGS.write)
        self.wait(style.TIMINGS.pause)
        self.table = table

    def agreement(self) -> None:
        self.step("agree", caption="They agree to many decimal places: the chain rule was applied correctly.")
        th = self.theme
        worst = max(c.log_rel for c in engine_checks(self))
        i = [c.log_rel for c in engine_checks(self)].index(worst)
        w = self.record(worst, label="largest log10 relative gap", source=f"grad_checks[{i}].log_rel", decimals=1)
        text = MathTex(r"\text{largest relative gap: } 10^{" + w + "}", font_size=style.SIZES.tex_small, color=th.z)
        self.registered(text)
        text.next_to(self.table, DOWN, buff=0.5)
        box = SurroundingRectangle(text, color=th.highlight, buff=0.15)
        self.play(Write(text), Create(box))
        self.wait(style.TIMINGS.long_pause * 2)


def engine_checks(scene: LessonScene):
    from scenes.multi_data import grad_checks

    cached = scene.__dict__.get("_checks")
    if cached is None:
        cached = scene.__dict__["_checks"] = grad_checks(scene.lecture)
    return cached


__all__ = ["CheckingTheCalculus", "LearningForReal", "Recap", "RIGHT"]
