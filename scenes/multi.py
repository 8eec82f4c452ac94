"""Segment 6: layers with several neurons, the summed paths, and the whole
backward pass on the trained digit network."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    UR,
    Brace,
    Circle,
    Create,
    DashedVMobject,
    FadeIn,
    FadeOut,
    Line,
    MathTex,
    Matrix,
    Rectangle,
    SurroundingRectangle,
    Text,
    VGroup,
    Write,
)

import engine
from engine.notation import layer_name
from scenes import style
from scenes.base import LessonScene
from scenes.multi_data import grad_scale
from scenes.vocab.network import NetworkDiagram, edge_style

FRAME_W = 14.2  # usable width for a formula row (the frame is 14.22 wide)


# --- shared pieces (functions, not a base class) ---------------------------


def num(
    scene: LessonScene, value: float, label: str, source: str, decimals: int = style.DECIMALS, paren: bool = True
) -> str:
    """The recorded text of a number, in parentheses when negative (for products)."""
    text = scene.record(value, label=label, source=source, decimals=decimals)
    return f"({text})" if paren and text.startswith("-") else text


def fit(mob, width: float = 13.2):
    """Shrink a formula that would be wider than the frame allows."""
    if mob.width > width:
        mob.scale_to_fit_width(width)
    return mob


def multi_diagram(scene: LessonScene, *, width: float, height: float, radius: float | None = None):
    m = scene.lecture.multi
    trace = engine.run(m.network, m.x, m.y)
    acts = [trace.a(l) for l in range(m.network.L + 1)]
    d = NetworkDiagram(
        m.network,
        acts,
        scene.theme,
        width=width,
        height=height,
        neuron_radius=radius,
        scene=scene,
        source="multi_trace.a({l})[{j}]",
    )
    return d, trace


def index_labels(scene: LessonScene, d: NetworkDiagram, l: int, side, letter: str = "a") -> VGroup:
    """a_j^{(L)} (or a_k^{(L-1)}) beside each neuron of layer l."""
    L = d.L
    out = VGroup()
    for j in d.shown(l):
        lab = MathTex(f"{letter}_{{{j}}}^{{({layer_name(l, L)})}}", font_size=style.SIZES.tex_small * 0.85)
        lab.next_to(d.neuron(l, j), side, buff=0.1)
        lab.add_background_rectangle(color=scene.theme.background, opacity=0.8, buff=0.03)
        out.add(lab)
    return out


def ghosts(scene: LessonScene, d: NetworkDiagram, y: np.ndarray, after: VGroup) -> VGroup:
    """Dashed desired-output neurons y_j beside the output neurons, with values."""
    th = scene.theme
    out = VGroup()
    L = d.L
    for j in d.shown(L):
        c = DashedVMobject(Circle(radius=d.radius, color=th.ghost, stroke_width=2), num_dashes=18)
        c.next_to(after[j], RIGHT, buff=0.3).match_y(d.neuron(L, j))
        inner = scene.number(
            y[j], label=f"y_{{{j}}}", source=f"multi.y[{j}]", color=th.target, font_size=style.SIZES.neuron_text
        )
        if inner.width > 1.5 * d.radius:
            inner.scale_to_fit_width(1.5 * d.radius)
        inner.move_to(c)
        name = MathTex(f"y_{{{j}}}", color=th.target, font_size=style.SIZES.tex_small * 0.85)
        name.next_to(c, RIGHT, buff=0.1)
        out.add(VGroup(c, inner, name))
    return out


class SeveralNeurons(LessonScene):
    """Layers with several neurons: indices j and k, the cost as a sum, w_jk^(L) and its chain rule."""

    lesson_order = 6.1

    def construct(self) -> None:
        self.show_network()
        self.show_targets()
        self.cost_as_sum()
        self.weight_indices()
        self.weighted_sum()
        self.chain_rule()

    # layout: the network on the upper left, the weight matrix to its right,
    # formulas in rows across the lower half.
    def show_network(self) -> None:
        self.step("network", caption="Now every layer holds several neurons, each with its own index.")
        m = self.lecture.multi
        self.m, self.L = m, m.network.L
        self.d, self.trace = multi_diagram(self, width=4.8, height=4.0)
        self.d.to_corner(UR).to_edge(LEFT, buff=1.4).shift(0.1 * DOWN)
        self.out_labels = index_labels(self, self.d, self.L, RIGHT)
        self.prev_labels = index_labels(self, self.d, self.L - 1, LEFT)
        self.play(FadeIn(self.d), run_time=style.TIMINGS.write)
        self.play(Write(self.out_labels), Write(self.prev_labels))
        self.wait(style.TIMINGS.pause)

    def show_targets(self) -> None:
        self.step("targets", caption="Beside each output sits the value we want it to have.")
        self.ghosts = ghosts(self, self.d, self.m.y, self.out_labels)
        self.play(FadeIn(self.ghosts))
        self.wait(style.TIMINGS.pause)

    def cost_as_sum(self) -> None:
        self.step("cost-sum", caption="The cost of this example adds one squared difference per output neuron.")
        th, L, tr = self.theme, self.L, self.trace
        n = self.m.network.sizes[-1]
        general = MathTex(r"C_0", "=", r"\sum_{j}", r"\left(a_j^{(L)} - y_j\right)^2", font_size=style.SIZES.tex)
        general[0].set_color(th.cost)
        terms = []
        for j in range(n):
            a = num(self, tr.a(L)[j], f"a_{{{j}}}^{{(L)}}", f"multi_trace.a({L})[{j}]", paren=False)
            y = num(self, self.m.y[j], f"y_{{{j}}}", f"multi.y[{j}]", paren=False)
            terms.append(rf"({a} - {y})^2")
        total = num(self, tr.cost, "C_0", "multi_trace.costs[0]", decimals=style.DECIMALS_FINE, paren=False)
        values = MathTex("=", " + ".join(terms), "=", total, font_size=style.SIZES.tex_small)
        values[3].set_color(th.cost)
        self.registered(values)
        rows = VGroup(general, fit(values)).arrange(DOWN, buff=0.3)
        rows.to_edge(DOWN, buff=0.6)
        self.rows = rows
        self.play(Write(general))
        self.play(FadeIn(values, shift=0.2 * UP))
        self.wait(style.TIMINGS.long_pause)

    def weight_indices(self) -> None:
        self.step(
            "weight-index",
            caption="The weight from neuron k to neuron j is w_jk: first where it goes, then where it comes from.",
        )
        th, L, j, k = self.theme, self.L, self.m.j, self.m.k
        W = self.m.network.W(L)
        edge = self.d.edge(L, j, k)
        glow = edge.copy().set_stroke(th.highlight, width=6)
        wlab = MathTex(f"w_{{{j}{k}}}^{{(L)}}", color=th.highlight, font_size=style.SIZES.tex_small)
        wlab.move_to(edge.point_from_proportion(0.5)).shift(0.3 * UP)
        wlab.add_background_rectangle(color=th.background, opacity=0.85, buff=0.03)
        entries = [
            [
                num(self, W[r, c], f"w_{{{r}{c}}}^{{(L)}}", f"multi.network.W({L})[{r}, {c}]", paren=False)
                for c in range(W.shape[1])
            ]
            for r in range(W.shape[0])
        ]
        mat = Matrix(entries, h_buff=1.15, v_buff=0.6, element_to_mobject_config={"font_size": 28})
        self.registered(mat)
        name = MathTex("W^{(L)} =", font_size=style.SIZES.tex_small)
        block = VGroup(name, mat).arrange(RIGHT, buff=0.15)
        fit(block, 6.0)
        block.next_to(self.d, RIGHT, buff=0.4).align_to(self.d, UP).to_edge(RIGHT, buff=0.3)
        rows = mat.get_rows()
        cols = mat.get_columns()
        row_box = SurroundingRectangle(rows[j], color=th.highlight, buff=0.08)
        col_box = SurroundingRectangle(cols[k], color=th.z, buff=0.08)
        row_tag = MathTex(f"j={j}", r"\ \text{(to)}", color=th.highlight, font_size=24)
        col_tag = MathTex(f"k={k}", r"\ \text{(from)}", color=th.z, font_size=24)
        col_tag.next_to(mat, DOWN, buff=0.15).match_x(cols[k])
        row_tag.next_to(col_tag, DOWN, buff=0.1).align_to(col_tag, LEFT)
        for tag in (col_tag, row_tag):
            if tag.get_right()[0] > 7.0:
                tag.shift((7.0 - tag.get_right()[0]) * RIGHT)
        self.play(FadeOut(self.rows))
        self.play(Create(glow), Write(wlab))
        self.play(FadeIn(block))
        self.play(Create(row_box), Write(row_tag))
        self.play(Create(col_box), Write(col_tag))
        self.wait(style.TIMINGS.long_pause)
        self.glow, self.wlab = glow, wlab
        self.matrix_group = VGroup(block, row_box, col_box, row_tag, col_tag)

    def weighted_sum(self) -> None:
        self.step("z-sum", caption="Neuron j adds up every weighted activation of the layer before, plus its bias.")
        th, L, j, tr = self.theme, self.L, self.m.j, self.trace
        W, b = self.m.network.W(L), self.m.network.b(L)
        n_prev = W.shape[1]
        parts = " + ".join(f"w_{{{j}{k}}}^{{(L)}} a_{{{k}}}^{{(L-1)}}" for k in range(n_prev))
        full = MathTex(f"z_{{{j}}}^{{(L)}}", "=", parts + f" + b_{{{j}}}^{{(L)}}", font_size=style.SIZES.tex_small)
        full[0].set_color(th.z)
        vals = " + ".join(
            num(self, W[j, k], f"w_{{{j}{k}}}^{{(L)}}", f"multi.network.W({L})[{j}, {k}]")
            + r"\cdot "
            + num(self, tr.a(L - 1)[k], f"a_{{{k}}}^{{(L-1)}}", f"multi_trace.a({L - 1})[{k}]")
            for k in range(n_prev)
        )
        bj = num(self, b[j], f"b_{{{j}}}^{{(L)}}", f"multi.network.b({L})[{j}]")
        zj = num(self, tr.z(L)[j], f"z_{{{j}}}^{{(L)}}", f"multi_trace.z({L})[{j}]", paren=False)
        values = MathTex("=", vals + " + " + bj, "=", zj, font_size=style.SIZES.tex_small)
        values[3].set_color(th.z)
        self.registered(values)
        compact = MathTex(
            f"z_{{{j}}}^{{(L)}}",
            "=",
            r"\sum_k w_{jk}^{(L)} a_k^{(L-1)} + b_j^{(L)}",
            r"\qquad",
            f"a_{{{j}}}^{{(L)}} = \\sigma\\!\\left(z_{{{j}}}^{{(L)}}\\right)",
            font_size=style.SIZES.tex_small,
        )
        compact[0].set_color(th.z)
        rows = VGroup(fit(full), fit(values), compact).arrange(DOWN, buff=0.3)
        rows.to_edge(DOWN, buff=0.5)
        self.play(Write(full))
        self.play(FadeIn(values, shift=0.2 * UP))
        self.wait(style.TIMINGS.pause)
        self.play(FadeIn(compact, shift=0.2 * UP))
        self.wait(style.TIMINGS.long_pause)
        self.z_rows = rows

    def chain_rule(self) -> None:
        self.step(
            "chain-rule", caption="The chain rule for w_jk has the same three factors as before, now with indices."
        )
        th, L, j, k = self.theme, self.L, self.m.j, self.m.k
        chain = engine.weight_chain(self.trace, L, j, k)
        src = f"engine.weight_chain(multi_trace, {L}, {j}, {k})"
        lhs = rf"\frac{{\partial C_0}}{{\partial w_{{{j}{k}}}^{{(L)}}}}"
        formula = MathTex(lhs, "=", chain.tex, font_size=style.SIZES.tex_small)
        formula[0].set_color(th.cost)
        meanings = [
            rf"a_{{{k}}}^{{(L-1)}}",
            rf"\sigma'\!\left(z_{{{j}}}^{{(L)}}\right)",
            rf"2\left(a_{{{j}}}^{{(L)}} - y_{{{j}}}\right)",
        ]
        if self.m.network.activation != "sigmoid":
            meanings[1] = rf"\mathrm{{{self.m.network.activation}}}'\!\left(z_{{{j}}}^{{(L)}}\right)"
        means = MathTex("=", r" \cdot ".join(meanings), font_size=style.SIZES.tex_small)
        vals = r" \cdot ".join(
            num(self, f.value, f.tex, f"{src}.factors[{i}].value", decimals=style.DECIMALS_FINE)
            for i, f in enumerate(chain.factors)
        )
        prod = num(self, chain.product, lhs, f"{src}.product", decimals=style.DECIMALS_FINE, paren=False)
        values = MathTex("=", vals, "=", prod, font_size=style.SIZES.tex_small)
        values[3].set_color(th.cost)
        self.registered(values)
        rows = VGroup(fit(formula), fit(means), fit(values)).arrange(DOWN, buff=0.25)
        rows.to_edge(DOWN, buff=0.4)
        self.play(FadeOut(self.z_rows))
        self.play(Write(formula))
        self.play(FadeIn(means, shift=0.2 * UP))
        self.play(FadeIn(values, shift=0.2 * UP))
        self.wait(style.TIMINGS.long_pause * 2)


class SummedPathsToCost(LessonScene):
    """A neuron of layer L-1 reaches the cost through every neuron of layer L: the paths add up."""

    lesson_order = 6.2

    def construct(self) -> None:
        self.show_network()
        self.all_paths_at_once()
        self.path_by_path()
        self.sum_of_paths()
        self.one_layer_back()

    def show_network(self) -> None:
        self.step("network", caption="Follow one neuron of layer L-1 on its way to the cost.")
        m = self.lecture.multi
        self.m, self.L, self.k = m, m.network.L, m.k
        self.d, self.trace = multi_diagram(self, width=4.8, height=4.0)
        self.d.to_corner(UR).to_edge(LEFT, buff=1.4).shift(0.1 * DOWN)
        th = self.theme
        self.out_labels = index_labels(self, self.d, self.L, RIGHT)
        self.cost = MathTex("C_0", color=th.cost, font_size=style.SIZES.tex)
        self.cost.next_to(self.out_labels, RIGHT, buff=0.9)
        focus = self.d.neuron(self.L - 1, self.k)
        self.ring = focus.copy().set_fill(opacity=0).set_stroke(th.highlight, width=5)
        self.k_label = MathTex(f"a_{{{self.k}}}^{{(L-1)}}", color=th.highlight, font_size=style.SIZES.tex_small)
        self.k_label.next_to(focus, LEFT, buff=0.1)
        self.k_label.add_background_rectangle(color=th.background, opacity=0.85, buff=0.03)
        self.cost_lines = VGroup(
            *(
                Line(lab.get_right(), self.cost.get_left(), stroke_color=th.cost, stroke_width=1.5, buff=0.1)
                for lab in self.out_labels
            )
        )
        self.play(FadeIn(self.d), Write(self.out_labels), Write(self.cost), Create(self.cost_lines))
        self.play(Create(self.ring), Write(self.k_label))
        self.wait(style.TIMINGS.pause)

    def _path(self, j: int) -> VGroup:
        th = self.theme
        e = self.d.edge(self.L, j, self.k).copy().set_stroke(th.highlight, width=6)
        tail = self.cost_lines[j].copy().set_stroke(th.highlight, width=4)
        return VGroup(e, tail)

    def all_paths_at_once(self) -> None:
        self.step(
            "all-paths", caption="It feeds every neuron of layer L, so it reaches the cost along several paths at once."
        )
        n = self.m.network.sizes[-1]
        self.paths = VGroup(*(self._path(j) for j in range(n)))
        brace = Brace(self.d.layer(self.L), direction=DOWN, color=self.theme.highlight)
        text = Text("sum over layer L", font_size=style.SIZES.small, color=self.theme.highlight)
        brace.put_at_tip(text, buff=0.1)
        self.brace = VGroup(brace, text)
        self.play(Create(self.paths), FadeIn(self.brace))
        self.wait(style.TIMINGS.long_pause)

    def path_by_path(self) -> None:
        self.step(
            "each-path",
            caption="Each path brings its weight, times sigma-prime, times how far its output is from the target.",
        )
        th, L, k = self.theme, self.L, self.k
        sp = engine.summed_paths(self.trace, L, k)
        src = f"engine.summed_paths(multi_trace, {L}, {k})"
        act = r"\sigma'" if self.m.network.activation == "sigmoid" else rf"\mathrm{{{self.m.network.activation}}}'"
        rows = VGroup()
        for j, chain in enumerate(sp.paths):
            w = num(self, chain.factors[0].value, f"w_{{{j}{k}}}^{{(L)}}", f"{src}.paths[{j}].factors[0].value")
            s = num(
                self,
                chain.factors[1].value,
                f"sigma'(z_{{{j}}}^{{(L)}})",
                f"{src}.paths[{j}].factors[1].value",
                decimals=style.DECIMALS_FINE,
            )
            g = num(
                self,
                chain.factors[2].value,
                f"2(a_{{{j}}}^{{(L)}}-y_{{{j}}})",
                f"{src}.paths[{j}].factors[2].value",
                decimals=style.DECIMALS_FINE,
            )
            p = num(
                self, chain.product, f"path {j}", f"{src}.paths[{j}].product", decimals=style.DECIMALS_FINE, paren=False
            )
            row = MathTex(
                f"j={j}:",
                rf"w_{{{j}{k}}}^{{(L)}}\,{act}\!\left(z_{{{j}}}^{{(L)}}\right)"
                rf"\,2\left(a_{{{j}}}^{{(L)}} - y_{{{j}}}\right)",
                "=",
                rf"{w} \cdot {s} \cdot {g}",
                "=",
                p,
                font_size=26,
            )
            row[5].set_color(th.highlight)
            self.registered(row)
            rows.add(row)
        rows.arrange(DOWN, buff=0.18, aligned_edge=LEFT)
        fit(rows, 13.2)
        if rows.height > 2.5:
            rows.scale_to_fit_height(2.5)
        rows.to_edge(DOWN, buff=0.35).to_edge(LEFT, buff=0.5)
        self.sp, self.src, self.rows = sp, src, rows
        self.play(FadeOut(self.paths))
        for j, row in enumerate(rows):
            path = self._path(j)
            self.play(Create(path), FadeIn(row, shift=0.1 * UP), run_time=style.TIMINGS.write)
            self.wait(style.TIMINGS.pause)
            self.play(FadeOut(path), run_time=style.TIMINGS.flash)

    def sum_of_paths(self) -> None:
        self.step("sum", caption="Added together, the paths give the sensitivity of the cost to that one neuron.")
        th, k = self.theme, self.k
        total = num(
            self,
            self.sp.total,
            f"dC_0/da_{{{k}}}^{{(L-1)}}",
            f"{self.src}.total",
            decimals=style.DECIMALS_FINE,
            paren=False,
        )
        check = num(
            self,
            self.trace.dC_da(self.L - 1)[k],
            f"dC_0/da_{{{k}}}^{{(L-1)}} (backprop)",
            f"multi_trace.dC_da({self.L - 1})[{k}]",
            decimals=style.DECIMALS_FINE,
            paren=False,
        )
        formula = MathTex(
            rf"\frac{{\partial C_0}}{{\partial a_{{{k}}}^{{(L-1)}}}}",
            "=",
            r"\sum_{j} w_{j" + str(k) + r"}^{(L)}\,\sigma'\!\left(z_j^{(L)}\right)\,2\left(a_j^{(L)} - y_j\right)",
            font_size=style.SIZES.tex_small,
        )
        formula[0].set_color(th.cost)
        terms = " + ".join(
            num(self, c.product, f"path {j}", f"{self.src}.paths[{j}].product", decimals=style.DECIMALS_FINE)
            for j, c in enumerate(self.sp.paths)
        )
        values = MathTex("=", terms, "=", total, font_size=style.SIZES.tex_small)
        values[3].set_color(th.highlight)
        self.registered(values)
        note = MathTex(r"\text{the backward pass gives the same: }", check, font_size=24, color=th.muted)
        self.registered(note)
        group = VGroup(fit(formula), fit(values), note).arrange(DOWN, buff=0.2)
        group.to_edge(DOWN, buff=0.4)
        self.play(FadeOut(self.rows))
        self.play(Create(self.paths))
        self.play(Write(formula))
        self.play(FadeIn(values, shift=0.2 * UP))
        self.play(FadeIn(note))
        self.wait(style.TIMINGS.long_pause)
        self.sum_group = group

    def one_layer_back(self) -> None:
        self.step(
            "layer-back", caption="With that sensitivity in hand, the weights into layer L-1 follow the same pattern."
        )
        th, L, k = self.theme, self.L, self.k
        if L < 2:
            return
        kk = 0
        chain = engine.weight_chain(self.trace, L - 1, k, kk)
        src = f"engine.weight_chain(multi_trace, {L - 1}, {k}, {kk})"
        lhs = rf"\frac{{\partial C_0}}{{\partial w_{{{k}{kk}}}^{{(L-1)}}}}"
        vals = r" \cdot ".join(
            num(self, f.value, f.tex, f"{src}.factors[{i}].value", decimals=style.DECIMALS_FINE)
            for i, f in enumerate(chain.factors)
        )
        prod = num(self, chain.product, lhs, f"{src}.product", decimals=style.DECIMALS_FINE, paren=False)
        prev = "a"
        row = MathTex(
            lhs,
            "=",
            rf"{prev}_{{{kk}}}^{{(L-2)}}\,\sigma'\!\left(z_{{{k}}}^{{(L-1)}}\right)"
            rf"\frac{{\partial C_0}}{{\partial a_{{{k}}}^{{(L-1)}}}}",
            "=",
            vals,
            "=",
            prod,
            font_size=26,
        )
        row[0].set_color(th.cost)
        row[6].set_color(th.cost)
        self.registered(row)
        fit(row, 13.2).to_edge(DOWN, buff=0.35)
        edge = self.d.edge(L - 1, k, kk).copy().set_stroke(th.highlight, width=6)
        self.play(FadeOut(self.sum_group), FadeOut(self.paths), FadeOut(self.brace))
        self.play(Create(edge), Write(row))
        self.wait(style.TIMINGS.long_pause * 2)


class FullBackwardPass(LessonScene):
    """The whole backward pass on the trained digit network: every edge coloured by its real dC/dw."""

    lesson_order = 6.3

    def construct(self) -> None:
        self.show_digit()
        self.output_error()
        self.travel_back()
        self.legend_and_hold()

    def show_digit(self) -> None:
        self.step("digit", caption="A real handwritten digit goes through the trained 64-16-16-10 network.")
        th = self.theme
        self.trace = tr = engine.run(engine.digit_network(), *_digit_xy(self))
        acts = [tr.a(l) for l in range(tr.L + 1)]
        self.d = NetworkDiagram(
            tr.network, acts, th, height=6.6, width=8.4, max_shown=16, scene=self, source="digit_trace.a({l})[{j}]"
        )
        self.d.to_edge(LEFT, buff=0.9).shift(0.2 * DOWN)
        self.title = Text("backward pass", font_size=style.SIZES.heading).to_corner(UR, buff=0.4)
        self.play(FadeIn(self.d), Write(self.title))
        self.play(self.d.forward_pass(run_time=2 * style.TIMINGS.flash * tr.L))
        self.wait(style.TIMINGS.pause)

    def output_error(self) -> None:
        self.step("output-error", caption="At the output, the cost's sensitivity is twice the gap to the target.")
        th, tr, L = self.theme, self.trace, self.trace.L
        labels = VGroup()
        for j in self.d.shown(L):
            v = self.number(
                tr.dC_da(L)[j],
                label=f"dC/da_{{{j}}}^{{(L)}}",
                source=f"digit_trace.dC_da({L})[{j}]",
                font_size=16,
                color=th.cost,
            )
            v.next_to(self.d.neuron(L, j), RIGHT, buff=0.12)
            labels.add(v)
        head = MathTex(r"\frac{\partial C}{\partial a^{(L)}}", color=th.cost, font_size=28)
        head.next_to(labels, UP, buff=0.2)
        self.play(FadeIn(labels), Write(head))
        self.wait(style.TIMINGS.long_pause)
        self.out_numbers = VGroup(labels, head)

    def travel_back(self) -> None:
        self.step(
            "travel-back",
            caption="Layer by layer, the sensitivities flow backwards and colour every weight by its gradient.",
        )
        tr = self.trace
        self.scale = grad_scale(tr)
        for l in range(tr.L, 0, -1):
            rings = VGroup()
            for j in self.d.shown(l):
                g = tr.layer(l).dC_dz[0][j] / max(np.max(np.abs(tr.layer(l).dC_dz[0])), 1e-12)
                color, width = edge_style(g, self.theme, (1.0, 5.0))
                rings.add(self.d.neuron(l, j).copy().set_fill(opacity=0).set_stroke(color, width=width))
            self.play(self.d.flash_layer(l, reverse=True, run_time=style.TIMINGS.flash), FadeIn(rings))
            self.play(self.d.color_edges_by({l: tr.layer(l).dC_dw[0]}, self.scale, run_time=style.TIMINGS.transform))
            self.play(FadeOut(rings), run_time=style.TIMINGS.flash)
        self.wait(style.TIMINGS.pause)

    def legend_and_hold(self) -> None:
        self.step(
            "legend", caption="Blue edges want to grow, red ones to shrink; the brightest matter most for this digit."
        )
        th = self.theme
        s = self.record(
            self.scale,
            label="edge colour scale |dC/dw|",
            source="multi_data.grad_scale(digit_trace)",
            decimals=style.DECIMALS_FINE,
        )
        bar = VGroup()
        steps = 21
        for i in range(steps):
            u = -1 + 2 * i / (steps - 1)
            color, _ = edge_style(u, th, (1, 1))
            bar.add(Rectangle(width=0.12, height=0.3, stroke_width=0, fill_color=color, fill_opacity=1))
        bar.arrange(RIGHT, buff=0)
        lo = MathTex(f"-{s}", font_size=22)
        hi = MathTex(f"+{s}", font_size=22)
        self.registered(lo)
        self.registered(hi)
        lo.next_to(bar, DOWN, buff=0.1).align_to(bar, LEFT)
        hi.next_to(bar, DOWN, buff=0.1).align_to(bar, RIGHT)
        name = MathTex(r"\frac{\partial C}{\partial w_{jk}^{(l)}}", color=th.cost, font_size=28)
        name.next_to(bar, UP, buff=0.15)
        legend = VGroup(name, bar, lo, hi).to_corner(UR, buff=0.4).shift(1.0 * DOWN)
        self.play(FadeIn(legend))
        self.wait(style.TIMINGS.long_pause * 2)


def _digit_xy(scene: LessonScene) -> tuple[np.ndarray, np.ndarray]:
    from scenes.multi_data import digit_example

    x, y, _ = digit_example(scene.lecture)
    return x, y
