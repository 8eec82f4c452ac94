"""Segment 2: the chain rule on a network with one neuron per layer."""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Circle,
    Create,
    DashedVMobject,
    FadeIn,
    FadeOut,
    GrowFromCenter,
    Indicate,
    MathTex,
    SurroundingRectangle,
    Text,
    TransformFromCopy,
    ValueTracker,
    VGroup,
    Write,
    linear,
)

import engine
from scenes import chain_common as cc
from scenes import style
from scenes.base import LessonScene
from scenes.vocab.equations import exponent_boxes, symbol_parts
from scenes.vocab.numberline import NudgeLine, shared_unit, stack_lines
from scenes.vocab.tree import DependencyTree

FINE = style.DECIMALS_FINE
TINY = 6  # decimals of a cost change caused by a nudge


class ChainRuleScene(LessonScene):
    """A nudge to one weight ripples through z, a and the cost: the chain rule."""

    lesson_order = 2

    def construct(self) -> None:
        self.setup_chain()
        self.focus_last_neurons()
        self.write_cost()
        self.write_weighted_sum()
        self.draw_tree()
        self.draw_number_lines()
        self.nudge_weight()
        self.assemble_chain_rule()
        self.compare_with_measurement()

    # --- data ---------------------------------------------------------------
    def setup_chain(self) -> None:
        chain = self.lecture.chain
        self.net = chain.network
        self.L = self.net.L
        self.f = chain.follow
        self.nt = cc.notation(self)
        self.tr = cc.trace(self)
        self.param = cc.followed_weight(self.lecture)
        self.nudge = engine.nudge(self.net, chain.x, chain.y, self.param, chain.nudge)
        self.chain = cc.long_chain(self, self.param)

    # --- steps ----------------------------------------------------------------
    def focus_last_neurons(self) -> None:
        self.step("last-neurons", caption="Follow the last neurons of a chain with one neuron per layer.")
        nt, L, f = self.nt, self.L, self.f
        d = cc.diagram(self, width=8.0, height=1.6, neuron_radius=0.42)
        d.to_edge(UP, buff=0.7).shift(LEFT * 1.2)
        self.diagram = d
        self.play(FadeIn(d))
        # dim what comes before the followed weight
        dim = VGroup(*(d.layer(l) for l in range(0, f - 1)), *(d.edges(l) for l in range(1, f)))
        labels = VGroup()
        for l in range(f - 1, L + 1):
            lab = nt.tex(nt.a(l) if l > 0 else nt.a(0), font_size=style.SIZES.tex_small)
            lab.next_to(d.neuron(l, 0), DOWN, buff=0.2)
            labels.add(lab)
        self.neuron_labels = labels
        ghost = DashedVMobject(Circle(radius=d.radius, color=self.theme.ghost), num_dashes=18)
        ghost.next_to(d.neuron(L, 0), RIGHT, buff=0.9)
        y_val = self.number(self.lecture.chain.y[0], label="y", source="chain.y[0]",
                            font_size=style.SIZES.neuron_text, color=self.theme.target)
        y_val.move_to(ghost)
        if y_val.width > 1.5 * d.radius:
            y_val.scale_to_fit_width(1.5 * d.radius)
        y_lab = nt.tex(nt.y, font_size=style.SIZES.tex_small).next_to(ghost, DOWN, buff=0.2)
        y_lab.match_y(labels[-1])
        self.ghost = VGroup(ghost, y_val, y_lab)
        self.play(dim.animate.set_opacity(0.3), Write(labels))
        self.play(FadeIn(self.ghost, shift=LEFT * 0.3))
        self.wait(style.TIMINGS.pause)

    def write_cost(self) -> None:
        self.step("cost", caption="The cost of this example: the squared gap between output and target.")
        nt, L = self.nt, self.L
        cost = nt.tex(nt.C, "=", r"\left(", nt.a(L), "-", nt.y, r"\right)^2")
        a_txt = self.record(self.tr.a(L)[0], label="a^(L)", source=f"chain_trace.a({L})[0]")
        y_txt = self.record(self.lecture.chain.y[0], label="y", source="chain.y[0]")
        c_txt = self.record(self.tr.cost, label="C_0", source="chain_trace.cost")
        values = MathTex("=", r"\left(", a_txt, "-", y_txt, r"\right)^2", "=", c_txt,
                         font_size=style.SIZES.tex)
        values[2].set_color(self.theme.ink)
        values[4].set_color(self.theme.target)
        values[7].set_color(self.theme.cost)
        self.registered(values)
        line = VGroup(cost, values).arrange(RIGHT, buff=0.2)
        line.next_to(self.diagram, DOWN, buff=1.3).set_x(0)
        self.cost = VGroup(cost, values)
        self.play(Write(cost))
        self.play(
            FadeIn(values[0:2]), FadeIn(values[3]), FadeIn(values[5]),
            TransformFromCopy(symbol_parts(cost, nt.a(L))[0], values[2]),
            TransformFromCopy(symbol_parts(cost, nt.y)[0], values[4]),
        )
        self.play(Write(values[6:]))
        self.wait(style.TIMINGS.pause)

    def write_weighted_sum(self) -> None:
        self.step("weighted-sum", caption="Each neuron weighs the one before, adds its bias, then squashes.")
        nt = self.nt
        rows = VGroup()
        for l in range(self.f, self.L + 1):
            z = nt.tex(nt.z(l), "=", nt.w(l), nt.a(l - 1), "+", nt.b(l))
            a = nt.tex(nt.a(l), "=", nt.sigma(nt.z(l)))
            rows.add(VGroup(z, a).arrange(RIGHT, buff=1.0))
        rows.arrange(DOWN, buff=0.35, aligned_edge=LEFT)
        rows.next_to(self.cost, DOWN, buff=0.8).set_x(0)
        self.formulas = rows
        self.play(Write(rows))
        boxes = VGroup(*(exponent_boxes(m, nt) for row in rows for m in row))
        boxes.add(exponent_boxes(self.cost[0], nt))
        note = Text("superscripts in brackets name layers; they are not powers",
                    font_size=style.SIZES.caption, color=self.theme.highlight)
        note.next_to(rows, DOWN, buff=0.7)
        self.boxes = VGroup(boxes, note)
        self.play(Create(boxes), FadeIn(note))
        self.wait(style.TIMINGS.long_pause)

    def draw_tree(self) -> None:
        self.step("tree", caption="What depends on what: from the weight down to the cost.")
        self.play(FadeOut(self.boxes), FadeOut(self.formulas), FadeOut(self.cost),
                  FadeOut(self.diagram), FadeOut(self.neuron_labels), FadeOut(self.ghost))
        depth = self.L - self.f + 1
        tree = DependencyTree(self.nt, lowest=self.f, font_size=style.SIZES.tex,
                              row_gap=min(1.05, 5.6 / (1 + 2 * depth)), col_gap=1.45)
        tree.to_edge(LEFT, buff=0.5)
        self.tree = tree
        self.play(FadeIn(tree, lag_ratio=0.1))
        keys = tree.path(("w", self.f))
        path = tree.path_edges(keys)
        self.play(path.animate.set_color(self.theme.highlight).set_stroke(width=4))
        self.wait(style.TIMINGS.pause)

    def _quantities(self) -> list[tuple[str, str, float, float, str, str, str]]:
        """(tex, colour, before, after, label, source before, source after) per line."""
        nt, n, L = self.nt, self.nudge, self.L
        out = [(nt.w(self.f), nt.color_of(nt.w(self.f)), n.value_before, n.value_after, "w",
                "chain_nudge.value_before", "chain_nudge.value_after")]
        for l in range(self.f, L + 1):
            ln = n.layer(l)
            out.append((nt.z(l), self.theme.z, ln.z_before[0], ln.z_after[0], "z",
                        f"chain_nudge.layer({l}).z_before[0]", f"chain_nudge.layer({l}).z_after[0]"))
            out.append((nt.a(l), self.theme.ink, ln.a_before[0], ln.a_after[0], "a",
                        f"chain_nudge.layer({l}).a_before[0]", f"chain_nudge.layer({l}).a_after[0]"))
        out.append((nt.C, self.theme.cost, n.cost_before, n.cost_after, "C",
                    "chain_nudge.cost_before", "chain_nudge.cost_after"))
        return out

    def draw_number_lines(self) -> None:
        self.step("number-lines", caption="Each quantity on its own number line, all at the same zoom.")
        qs = self._quantities()
        length = 4.0
        unit = shared_unit([after - before for _, _, before, after, *_ in qs], length)
        lines, readouts = [], VGroup()
        for tex, color, before, after, _, _src0, _ in qs:
            label = self.nt.tex(tex, font_size=style.SIZES.tex_small)
            line = NudgeLine(label, before=before, after=after, unit=unit, color=color,
                             theme=self.theme, length=length)
            lines.append(line)
        gap = min(1.5, 6.6 / len(lines))
        group = stack_lines(lines, gap=gap)
        for line, (tex, color, before, _, _, src0, _) in zip(lines, qs, strict=True):
            r = self.number(before, label=tex, source=src0, decimals=FINE, color=color)
            line.readout_slot(r)
            readouts.add(r)
        block = VGroup(group, readouts)
        block.to_edge(RIGHT, buff=0.4)
        block.set_y(0.25)
        self.lines, self.readouts = lines, readouts
        self.play(FadeIn(group, lag_ratio=0.15), FadeIn(readouts))
        self.wait(style.TIMINGS.pause)

    def nudge_weight(self) -> None:
        self.step("nudge", caption="Nudge the weight a little: every quantity below it moves by a real amount.")
        chain, qs = self.lecture.chain, self._quantities()
        t = ValueTracker(0.0)
        w0, dw = self.nudge.value_before, chain.nudge
        cache: dict[float, engine.Trace] = {}

        def state() -> engine.Trace:
            key = float(t.get_value())
            if key not in cache:
                cache[key] = engine.run(self.net.with_value(self.param, w0 + key * dw), chain.x, chain.y)
            return cache[key]

        def getter(i: int):
            kind = qs[i][4]
            if kind == "w":
                return lambda: w0 + t.get_value() * dw
            if kind == "C":
                return lambda: state().cost
            l = self.f + (i - 1) // 2
            return (lambda: state().z(l)[0]) if kind == "z" else (lambda: state().a(l)[0])

        ghosts = VGroup(*(line.leave_ghost() for line in self.lines))
        self.add(ghosts)
        for i, (line, r) in enumerate(zip(self.lines, self.readouts, strict=True)):
            fn = getter(i)
            line.bind(fn)
            r.add_updater(lambda m, fn=fn: m.set_value(fn()))
        self.play(t.animate.set_value(1.0), run_time=style.TIMINGS.nudge * 1.4, rate_func=linear)
        self.remove(t)  # a tracker is not drawn, but the layout check would look at it
        for line, r, q in zip(self.lines, self.readouts, qs, strict=True):
            line.unbind()
            r.clear_updaters()
            line.move_dot(q[3])
            cc.set_number(self, r, q[3], label=q[0], source=q[6], decimals=FINE)
        # braces as long as the real changes, labelled with them
        braces = VGroup()
        n = self.nudge
        for line, q in zip(self.lines, qs, strict=True):
            tex, kind = q[0], q[4]
            if kind == "w":
                val, src = n.value_after - n.value_before, "chain_nudge.value_after - chain_nudge.value_before"
            elif kind == "C":
                val, src = n.dC_actual, "chain_nudge.dC_actual"
            else:
                l = int(q[5].split("(")[1].split(")")[0])
                field = "dz_actual" if kind == "z" else "da_actual"
                val, src = getattr(n.layer(l), field)[0], f"chain_nudge.layer({l}).{field}[0]"
            decimals = TINY if kind == "C" else FINE
            txt = self.record(val, label=rf"\Delta {tex}", source=src, decimals=decimals)
            lab = self.nt.tex(rf"\Delta {tex}", "=", txt, font_size=style.SIZES.small)
            self.registered(lab)
            braces.add(line.change_brace(lab))
        self.braces = braces
        self.play(*(GrowFromCenter(b[0]) for b in braces))
        self.play(FadeIn(VGroup(*(b[1] for b in braces))))
        self.wait(style.TIMINGS.long_pause)

    def assemble_chain_rule(self) -> None:
        self.step("chain-rule", caption=(
            "The chain rule: the ratio of the cost's change to the "
            "weight's, factor by factor."))
        nt = self.nt
        self.play(FadeOut(self.tree), *(FadeOut(m) for m in self.lines),
                  FadeOut(self.readouts), FadeOut(self.braces))
        self.remove(*[line.ghost for line in self.lines])
        lhs = nt.d(nt.C, nt.w(self.f))
        factors = [fac.tex for fac in self.chain.factors]
        parts = [lhs, "="]
        for i, fac in enumerate(factors):
            if i:
                parts.append(r"\cdot")
            parts.append(fac)
        formula = nt.tex(*parts, font_size=style.SIZES.tex * 1.15)
        if formula.width > 13.0:
            formula.scale_to_fit_width(13.0)
        formula.to_edge(UP, buff=1.0)
        self.formula = formula
        self.play(Write(formula[0:2]))
        values = VGroup()
        for i, fac in enumerate(self.chain.factors):
            idx = 2 + 2 * i
            mob = formula[idx]
            if i:
                self.play(Write(formula[idx - 1]), run_time=0.3)
            self.play(Write(mob), run_time=0.8)
            num = self.number(fac.value, label=fac.tex, source=cc.factor_source("chain_param", i),
                              decimals=FINE)
            num.next_to(mob, DOWN, buff=0.3)
            values.add(num)
            self.play(FadeIn(num, shift=0.2 * DOWN), run_time=0.5)
        product = self.number(self.chain.product, label=lhs,
                              source="engine.long_chain(chain_trace, chain_param).product", decimals=FINE,
                              color=self.theme.cost)
        product.next_to(formula[0], DOWN, buff=0.3)
        box = SurroundingRectangle(product, color=self.theme.highlight, buff=0.1)
        self.values, self.product = values, VGroup(product, box)
        self.play(FadeIn(product), Create(box))
        self.wait(style.TIMINGS.pause)

    def compare_with_measurement(self) -> None:
        self.step("compare", caption="Predicted by the chain rule, measured by re-running the nudged network.")
        nt, n, w = self.nt, self.nudge, self.nt.w(self.f)
        head_pred = Text("chain rule", font_size=style.SIZES.body, color=self.theme.muted)
        head_meas = Text("re-run after the nudge", font_size=style.SIZES.body, color=self.theme.muted)
        row1 = nt.tex(r"\Delta " + nt.C, font_size=style.SIZES.tex)
        row2 = nt.tex(r"\frac{\Delta " + nt.C + r"}{\Delta " + w + "}", font_size=style.SIZES.tex)
        dw = "(chain_nudge.value_after - chain_nudge.value_before)"
        cells = [
            self.number(n.dC_predicted, label=r"\Delta C_0 predicted", source="chain_nudge.dC_predicted",
                        decimals=TINY, color=self.theme.cost),
            self.number(n.dC_actual, label=r"\Delta C_0 actual", source="chain_nudge.dC_actual",
                        decimals=TINY, color=self.theme.cost),
            self.number(n.gradient, label=r"\partial C_0/\partial w", source="chain_nudge.gradient",
                        decimals=FINE, color=self.theme.cost),
            self.number(n.dC_actual / (n.value_after - n.value_before), label=r"\Delta C_0/\Delta w",
                        source=f"chain_nudge.dC_actual / {dw}", decimals=FINE, color=self.theme.cost),
        ]
        for cell in cells:
            cell.scale(style.SIZES.tex / style.SIZES.tex_small)
        col_x = [0.0, 3.4, 7.2]
        table = VGroup()
        for r, (label, a, b) in enumerate([(None, head_pred, head_meas), (row1, cells[0], cells[1]),
                                           (row2, cells[2], cells[3])]):
            y = -1.2 * r
            for c, mob in enumerate((label, a, b)):
                if mob is None:
                    continue
                mob.move_to([col_x[c], y, 0])
                table.add(mob)
        table.next_to(self.values, DOWN, buff=1.0).set_x(0)
        self.play(FadeIn(table[:2]))
        self.play(FadeIn(table[2:5]))
        self.play(FadeIn(table[5:]))
        self.play(Indicate(cells[2]), Indicate(cells[3]))
        self.wait(style.TIMINGS.long_pause)
        self.step("end")
        self.play(FadeOut(table), FadeOut(self.formula), FadeOut(self.values), FadeOut(self.product))
