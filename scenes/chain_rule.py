"""Segment 2: the chain rule on a network with one neuron per layer.

The lesson's central move, in one continuous picture: the formulas for C_0,
z and a give birth to the dependency tree; the tree's symbols give birth to
number lines; a real nudge of the followed weight moves every line; the
measured changes, divided one by the next, become the chain rule's factors.
"""

from __future__ import annotations

from dataclasses import dataclass

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
from scenes.vocab.equations import exponent_boxes, fraction_parts, symbol_parts
from scenes.vocab.numberline import NudgeLine, scale_bar, shared_unit, stack_lines
from scenes.vocab.tree import DependencyTree

FINE = style.DECIMALS_FINE
TINY = 6  # decimals of a nudge-sized change (Δw, Δz, Δa, ΔC_0)
ROW_FONT = 34  # the fractions of the two chain-rule rows
LABEL_FONT = 30  # Δ labels, values under fractions: 12.9 px digits at 480p
TOP = 3.75  # y of the top of the tree and number-line area
BOTTOM = -0.75  # y of its bottom; the chain-rule rows live below
AXIS_RIGHT = 3.9  # right end of the number lines' axes
ROW1_Y, ROW2_Y = -1.55, -2.95  # centres of the measured row and the chain rule's row


@dataclass(frozen=True)
class Quantity:
    """One quantity on the followed path, with its values before and after the nudge."""

    kind: str  # "w", "z", "a" or "C"
    l: int | None
    tex: str
    color: str
    before: float
    after: float
    delta: float
    src_before: str
    src_after: str
    src_delta: str


class ChainRuleScene(LessonScene):
    """A nudge to one weight ripples through z, a and the cost: the chain rule."""

    lesson_order = 2

    def construct(self) -> None:
        self.setup_chain()
        self.focus_last_neurons()
        self.show_target()
        self.write_cost()
        self.write_weighted_sum()
        self.not_powers()
        self.grow_tree()
        self.follow_path()
        self.draw_number_lines()
        self.nudge_weight()
        self.measure_ratios()
        self.telescope()
        self.become_derivatives()
        self.chain_rule()
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
        self.small_nudge = engine.nudge(self.net, chain.x, chain.y, self.param, chain.nudge / 10)
        self.chain = cc.long_chain(self, self.param)
        self.qs = self._quantities()

    def _quantities(self) -> list[Quantity]:
        nt, n, L = self.nt, self.nudge, self.L
        out = [Quantity("w", self.f, nt.w(self.f), nt.color_of(nt.w(self.f)), n.value_before, n.value_after,
                        n.value_after - n.value_before, "chain_nudge.value_before", "chain_nudge.value_after",
                        "chain_nudge.value_after - chain_nudge.value_before")]
        for l in range(self.f, L + 1):
            ln, at = n.layer(l), f"chain_nudge.layer({l})"
            out.append(Quantity("z", l, nt.z(l), self.theme.z, ln.z_before[0], ln.z_after[0], ln.dz_actual[0],
                                f"{at}.z_before[0]", f"{at}.z_after[0]", f"{at}.dz_actual[0]"))
            out.append(Quantity("a", l, nt.a(l), self.theme.ink, ln.a_before[0], ln.a_after[0], ln.da_actual[0],
                                f"{at}.a_before[0]", f"{at}.a_after[0]", f"{at}.da_actual[0]"))
        out.append(Quantity("C", None, nt.C, self.theme.cost, n.cost_before, n.cost_after, n.dC_actual,
                            "chain_nudge.cost_before", "chain_nudge.cost_after", "chain_nudge.dC_actual"))
        return out

    def say(self, kind: str, l: int | None = None) -> str:
        return "the cost" if kind == "C" else cc.spoken(kind, l, self.L)

    # --- the network and its formulas -------------------------------------------
    def focus_last_neurons(self) -> None:
        nt, L, f = self.nt, self.L, self.f
        a_L = self.record(self.tr.a(L)[0], label="a^(L)", source=f"chain_trace.a({L})[0]")
        a_prev = self.record(self.tr.a(L - 1)[0], label="a^(L-1)", source=f"chain_trace.a({L - 1})[0]")
        self.step("last-neurons", (
            f"Focus on the last {_count(L - f + 2)} neurons. The last activation is a of L, here {a_L}; "
            f"the one before it, a of L minus 1, is {a_prev}."))
        d = cc.diagram(self, width=8.0, height=1.6, neuron_radius=0.42)
        d.to_edge(UP, buff=0.6).shift(LEFT * 1.2)
        self.diagram = d
        self.play(FadeIn(d))
        dim = VGroup(*(d.layer(l) for l in range(0, f - 1)), *(d.edges(l) for l in range(1, f)))
        # numbers in the dimmed neurons go: dimmed, they would be too faint to read
        gone = VGroup(*(d.value_label(l, 0) for l in range(0, f - 1) if d.value_label(l, 0) is not None))
        labels = VGroup()
        for l in range(f - 1, L + 1):
            lab = nt.tex(nt.a(l), font_size=style.SIZES.tex_small)
            lab.next_to(d.neuron(l, 0), DOWN, buff=0.2)
            labels.add(lab)
        self.neuron_labels = labels
        self.play(dim.animate.set_opacity(0.45), FadeOut(gone), run_time=1.0)
        self.play(Write(labels), run_time=1.5)

    def show_target(self) -> None:
        nt, d, L = self.nt, self.diagram, self.L
        y_txt = self.record(self.lecture.chain.y[0], label="y", source="chain.y[0]")
        self.step("target", (
            f"For this example we want the output to be {y_txt}: the target, y."))
        ghost = DashedVMobject(Circle(radius=d.radius, color=self.theme.ghost), num_dashes=18)
        ghost.next_to(d.neuron(L, 0), RIGHT, buff=0.9)
        y_val = self.number(self.lecture.chain.y[0], label="y", source="chain.y[0]",
                            font_size=LABEL_FONT, color=self.theme.target)
        y_val.move_to(ghost)
        y_lab = nt.tex(nt.y, font_size=style.SIZES.tex_small).next_to(ghost, DOWN, buff=0.2)
        y_lab.match_y(self.neuron_labels[-1])
        self.ghost = VGroup(ghost, y_val, y_lab)
        self.play(FadeIn(self.ghost, shift=LEFT * 0.3), run_time=1.5)

    def write_cost(self) -> None:
        nt, L = self.nt, self.L
        a_txt = self.record(self.tr.a(L)[0], label="a^(L)", source=f"chain_trace.a({L})[0]")
        y_txt = self.record(self.lecture.chain.y[0], label="y", source="chain.y[0]")
        c_txt = self.record(self.tr.cost, label="C_0", source="chain_trace.cost")
        expr = f"({a_txt} - {y_txt})**2"
        rel, approx = cc.relation(expr, c_txt)
        self.step("cost", (
            "How wrong is it? The cost of this one example, C zero, is the squared gap "
            f"between output and target: {a_txt} minus {y_txt}, squared, "
            f"{'is' if not approx else 'is about'} {c_txt}."))
        self.equation(expr, c_txt, approx=approx, what="the cost of one example")
        cost = nt.tex(nt.C, "=", r"\left(", nt.a(L), "-", nt.y, r"\right)^2")
        y_shown = f"({y_txt})" if y_txt.startswith("-") else y_txt  # "a - (-0.50)", never "a - -0.50"
        values = MathTex("=", r"\left(", a_txt, "-", y_shown, r"\right)^2", rel, c_txt, font_size=style.SIZES.tex)
        values[2].set_color(self.theme.ink)
        values[4].set_color(self.theme.target)
        values[7].set_color(self.theme.cost)
        self.registered(values)
        VGroup(cost, values).arrange(RIGHT, buff=0.2).next_to(self.diagram, DOWN, buff=1.0).set_x(0)
        self.cost, self.cost_values = cost, values
        self.play(Write(cost), run_time=1.5)
        self.play(
            FadeIn(values[0:2]), FadeIn(values[3]), FadeIn(values[5]),
            TransformFromCopy(symbol_parts(cost, nt.a(L))[0], values[2]),
            TransformFromCopy(symbol_parts(cost, nt.y)[0], values[4]),
            run_time=1.5,
        )
        self.play(Write(values[6:]))

    def write_weighted_sum(self) -> None:
        nt = self.nt
        more = (" One layer back, a of L minus 1 is made the same way." if self.f < self.L else "")
        self.step("weighted-sum", (
            "Where does a of L come from? First a weighted sum, z of L: w of L times "
            "the previous activation, plus the bias b of L. Then "
            f"{cc.activation_name(self)} turns z of L into a of L.{more}"))
        rows = VGroup()
        for l in range(self.L, self.f - 1, -1):
            z = nt.tex(nt.z(l), "=", nt.w(l), nt.a(l - 1), "+", nt.b(l))
            a = nt.tex(nt.a(l), "=", nt.sigma(nt.z(l)))
            rows.add(VGroup(z, a).arrange(RIGHT, buff=1.0))
        rows.arrange(DOWN, buff=0.35, aligned_edge=LEFT)
        rows.next_to(VGroup(self.cost, self.cost_values), DOWN, buff=0.6).set_x(0)
        self.formulas = rows
        for row in rows:
            self.play(Write(row[0]), run_time=2.0)
            self.play(Write(row[1]), run_time=1.5)

    def not_powers(self) -> None:
        nt = self.nt
        self.step("not-powers", (
            "The L in brackets is not an exponent: it names the layer, "
            "so a of L minus 1 is one layer back."))
        marks = VGroup(*(exponent_boxes(m, nt, filled=True) for row in self.formulas for m in row))
        marks.add(exponent_boxes(self.cost, nt, filled=True))
        note = Text("brackets name layers: not powers", font_size=style.SIZES.caption, color=self.theme.highlight)
        note.next_to(self.formulas, DOWN, buff=0.45)
        self.bring_to_back(marks)
        self.play(FadeIn(marks), FadeIn(note), run_time=1.5)
        self.bring_to_back(marks)  # behind the glyphs they mark
        self.play(Indicate(marks, color=self.theme.highlight), run_time=1.5)
        self.marks = VGroup(marks, note)

    # --- the tree grows out of the formulas ---------------------------------------
    def _formula_symbol(self, key: tuple):
        """The glyphs in the formulas that a tree node is born from."""
        nt, kind = self.nt, key[0]
        rows = {self.L - i: row for i, row in enumerate(self.formulas)}
        if kind == "C":
            return symbol_parts(self.cost, nt.C)[0]
        if kind == "y":
            return symbol_parts(self.cost, nt.y)[0]
        l = key[1]
        if kind == "a" and l in rows:
            return symbol_parts(rows[l][1], nt.a(l))[0]  # the left side of a^(l) = σ(z^(l))
        if kind == "a":
            return symbol_parts(rows[l + 1][0], nt.a(l))[0]  # the input of the lowest z formula
        if kind == "z":
            return symbol_parts(rows[l][0], nt.z(l))[0]
        return symbol_parts(rows[l][0], getattr(nt, kind)(l))[0]

    def grow_tree(self) -> None:
        extra = (" One level up, a of L minus 1 branches the same way." if self.f < self.L else "")
        self.step("tree", (
            "Now draw what depends on what, lifting each symbol out of the formulas. The weight, "
            "previous activation and bias make z of L, which makes a of L, which with the "
            f"target y makes the cost.{extra}"))
        formulas = VGroup(self.cost, self.cost_values, self.formulas)
        self.play(FadeOut(self.marks), FadeOut(self.diagram), FadeOut(self.neuron_labels), FadeOut(self.ghost),
                  run_time=1.0)
        self.remove(self.marks)
        depth = self.L - self.f + 1
        tree = DependencyTree(self.nt, lowest=self.f, font_size=style.SIZES.tex,
                              row_gap=min(1.1, (TOP - BOTTOM - 0.6) / (1 + 2 * depth)), col_gap=1.3)
        tree.move_to([0, (TOP + BOTTOM) / 2, 0]).to_edge(LEFT, buff=0.35)
        self.tree = tree
        # the formulas move aside, to the right of where the tree grows
        left = tree.get_right()[0] + 0.8
        scale = min(0.8, (6.9 - left) / formulas.width)
        target_center = [left + formulas.width * scale / 2, (TOP + BOTTOM) / 2, 0]
        self.play(formulas.animate.scale(scale).move_to(target_center), run_time=1.5)
        edges = VGroup(*tree.edges.values())
        self.play(*(TransformFromCopy(self._formula_symbol(k), node) for k, node in tree.nodes.items()),
                  run_time=3.0)
        self.play(Create(edges), run_time=2.0)
        self.add(tree)

    def follow_path(self) -> None:
        w = self.say("w", self.f)
        via = ", ".join(self.say(k, l) for k, l in
                        [(q.kind, q.l) for q in self.qs[1:-1]])
        self.step("path", (
            f"Our question: how sensitive is the cost to {w}? "
            f"Follow its path down the tree: through {via}, to the cost. "
            "Each step will give one factor."))
        keys = self.tree.path(("w", self.f))
        path = self.tree.path_edges(keys)
        self.play(path.animate.set_color(self.theme.highlight).set_stroke(width=5), run_time=2.0)
        self.play(*(Indicate(self.tree.nodes[k], color=self.theme.highlight) for k in keys), run_time=1.5)

    # --- number lines and the nudge --------------------------------------------------
    def draw_number_lines(self) -> None:
        qs = self.qs
        length = 4.0
        unit = shared_unit([q.delta for q in qs], length)
        lines = []
        for q in qs:
            label = self.nt.tex(q.tex, font_size=style.SIZES.tex_small)
            lines.append(NudgeLine(label, before=q.before, after=q.after, unit=unit, color=q.color,
                                   theme=self.theme, length=length))
        step_value = lines[0].tick_step
        step_txt = self.record(step_value, label="tick spacing of every number line",
                               source=repr(step_value), decimals=max(0, -_exponent(step_value)))
        self.step("number-lines", (
            "Each quantity on the path gets a number line, with a dot at its value. "
            f"All share one zoom, a tick is {step_txt}, so changes compare directly."))
        gap = min(1.05, (TOP - BOTTOM - 0.75) / max(len(lines) - 1, 1))
        group = stack_lines(lines, gap=gap)
        readouts = VGroup()
        for line, q in zip(lines, qs, strict=True):
            r = self.number(q.before, label=q.tex, source=q.src_before, decimals=FINE, color=q.color,
                            font_size=style.SIZES.tex_small)
            line.readout_slot(r)
            readouts.add(r)
        bar_label = MathTex(r"\text{one tick} = " + step_txt, font_size=LABEL_FONT, color=self.theme.muted)
        self.registered(bar_label)
        bar = scale_bar(unit, step_value, bar_label, self.theme.muted)
        block = VGroup(group, readouts)
        # room on the right for the widest change label "Δa^(L-1) = -0.000769" that replaces the readout
        block.shift(RIGHT * (AXIS_RIGHT - lines[0].axis.get_right()[0]))
        block.shift(UP * (TOP - 0.25 - lines[0].axis.get_y()))
        bar.next_to(block, UP, buff=0.1).align_to(lines[0].axis, LEFT)
        if bar.get_top()[1] > 3.85:
            bar.shift(DOWN * (bar.get_top()[1] - 3.85))
            block.shift(DOWN * 0.25)
        self.lines, self.readouts, self.scale = lines, readouts, bar
        formulas = VGroup(self.cost, self.cost_values, self.formulas)
        self.play(FadeOut(formulas), run_time=1.0)
        axes = VGroup(*(VGroup(line.axis, line.ticks, line.dot) for line in lines))
        self.play(
            *(TransformFromCopy(self.tree.nodes[_key(q)], line.label) for q, line in zip(qs, lines, strict=True)),
            FadeIn(axes, lag_ratio=0.15), run_time=2.5)
        self.add(group)
        self.play(FadeIn(readouts), FadeIn(bar), run_time=1.0)

    def nudge_weight(self) -> None:
        chain, qs = self.lecture.chain, self.qs
        deltas = [self.record(q.delta, label=rf"\Delta {q.tex}", source=q.src_delta, decimals=TINY) for q in qs]
        moves = [f"{self.say(q.kind, q.l)} by {d}" for q, d in zip(qs[1:-1], deltas[1:-1], strict=True)]
        moves[0] = moves[0].replace(" by ", " changes by ", 1)
        self.step("nudge", (
            f"Now nudge the weight by a tiny {deltas[0]} and run the network again. "
            f"Each change causes the next: {'; '.join(moves)}; the cost by {deltas[-1]}. "
            "This is the chain of nudges."))
        t = ValueTracker(0.0)
        w0, dw = self.nudge.value_before, chain.nudge
        cache: dict[float, engine.Trace] = {}

        def state() -> engine.Trace:
            key = float(t.get_value())
            if key not in cache:
                cache[key] = engine.run(self.net.with_value(self.param, w0 + key * dw), chain.x, chain.y)
            return cache[key]

        def getter(q: Quantity):
            if q.kind == "w":
                return lambda: w0 + t.get_value() * dw
            if q.kind == "C":
                return lambda: state().cost
            return (lambda: state().z(q.l)[0]) if q.kind == "z" else (lambda: state().a(q.l)[0])

        ghosts = VGroup(*(line.leave_ghost() for line in self.lines))
        self.add(ghosts)
        for line, r, q in zip(self.lines, self.readouts, qs, strict=True):
            fn = getter(q)
            line.bind(fn)
            r.add_updater(lambda m, fn=fn: m.set_value(fn()))
        self.play(t.animate.set_value(1.0), run_time=style.TIMINGS.nudge * 2, rate_func=linear)
        self.remove(t)  # a tracker is not drawn, but the layout check would look at it
        for line, r, q in zip(self.lines, self.readouts, qs, strict=True):
            line.unbind()
            r.clear_updaters()
            line.move_dot(q.after)
            cc.set_number(self, r, q.after, label=q.tex, source=q.src_after, decimals=FINE)
        braces, syms = VGroup(), []
        for line, q, txt in zip(self.lines, qs, deltas, strict=True):
            sym = self.nt.tex(rf"\Delta {q.tex}", font_size=LABEL_FONT)
            val = MathTex("=", txt, font_size=LABEL_FONT, color=q.color)
            self.registered(val)
            lab = VGroup(sym, val).arrange(RIGHT, buff=0.12)
            val.align_to(sym, DOWN).shift(DOWN * 0.02)
            syms.append(sym)
            brace = line.change_brace(None)
            line.readout_slot(lab)  # the change takes the place of the value: it is what matters now
            brace.add(lab)
            braces.add(brace)
        self.braces, self.delta_syms, self.delta_texts = braces, syms, deltas
        for b, r in zip(braces, self.readouts, strict=True):  # one after the other: each change causes the next
            self.play(FadeOut(r), run_time=0.4)  # the value goes before its change comes: never one on the other
            self.play(GrowFromCenter(b[0]), FadeIn(b[1]), run_time=0.8)
        self.remove(self.readouts)

    # --- the central move: measured ratios become derivatives ----------------------------
    def _fraction(self, top: str, bottom: str, sign: str) -> MathTex:
        return self.nt.tex(rf"\frac{{{sign} {top}}}{{{sign} {bottom}}}", font_size=ROW_FONT)

    def _row(self, sign: str, y: float) -> tuple[VGroup, list[MathTex], MathTex]:
        """ΔC/Δw = Δz/Δw · Δa/Δz · ... (sign Δ) or the same with ∂, centred at height y."""
        qs = self.qs
        lhs = self._fraction(self.nt.C, qs[0].tex, sign)
        fracs = [self._fraction(b.tex, a.tex, sign) for a, b in zip(qs, qs[1:], strict=False)]
        eq = MathTex("=", font_size=ROW_FONT)
        parts = [lhs, eq]
        for i, fr in enumerate(fracs):
            if i:
                parts.append(MathTex(r"\cdot", font_size=ROW_FONT))
            parts.append(fr)
        row = VGroup(*parts).arrange(RIGHT, buff=0.3)
        row.move_to([0, y, 0])
        return row, fracs, lhs

    def measure_ratios(self) -> None:
        qs, deltas = self.qs, self.delta_texts
        ratios, texts = [], []
        for a, b, ta, tb in zip(qs, qs[1:], deltas, deltas[1:], strict=False):
            value = b.delta / a.delta
            txt = self.record(value, label=rf"\Delta {b.tex}/\Delta {a.tex}",
                              source=f"({b.src_delta}) / ({a.src_delta})", decimals=FINE)
            ratios.append((value, f"{tb} / {ta}", txt))
            texts.append(txt)
        said = "; ".join(f"{self.say(b.kind, b.l)} over {self.say(a.kind, a.l)}, about {txt}"
                         for a, b, txt in zip(qs, qs[1:], texts, strict=False))
        self.step("ratios", f"Divide each change by the one that caused it: {said}.")
        row, fracs, lhs = self._row(r"\Delta", ROW1_Y)
        self.row1, self.fracs1, self.lhs1 = row, fracs, lhs
        vals = VGroup()
        for i, (fr, (_value, expr, txt)) in enumerate(zip(fracs, ratios, strict=True)):
            self.equation(expr, txt, approx=True, what="a measured ratio of changes")
            num, bar, den = fraction_parts(fr)
            self.play(TransformFromCopy(self.delta_syms[i + 1], num), TransformFromCopy(self.delta_syms[i], den),
                      Create(bar), run_time=1.2)
            v = MathTex(r"\approx", txt, font_size=LABEL_FONT)
            self.registered(v)
            v.next_to(fr, DOWN, buff=0.15)
            vals.add(v)
            self.play(FadeIn(v, shift=0.1 * DOWN), run_time=0.6)
        self.vals1 = vals

    def telescope(self) -> None:
        qs, deltas = self.qs, self.delta_texts
        total = self.nudge.dC_actual / (self.nudge.value_after - self.nudge.value_before)
        total_txt = self.record(total, label=rf"\Delta {self.nt.C}/\Delta {qs[0].tex}",
                                source="chain_nudge.dC_actual / (chain_nudge.value_after - chain_nudge.value_before)",
                                decimals=FINE)
        self.equation(f"{deltas[-1]} / {deltas[0]}", total_txt, approx=True,
                      what="the measured ratio of cost to weight")
        ratio_texts = [v[1].tex_string for v in self.vals1]
        self.equation(" * ".join(f"({t})" for t in ratio_texts), total_txt, approx=True,
                      what="the product of the measured ratios")
        self.step("telescope", (
            "Multiply the ratios and every change in between cancels: "
            f"what is left is the cost's change per change in the weight, about {total_txt}. "
            "Nothing is lost on the way."))
        row = self.row1
        others = VGroup(row[1], *(m for m in row[3:] if m not in self.fracs1))
        self.play(Write(others), run_time=1.5)
        num, bar, den = fraction_parts(self.lhs1)
        self.play(TransformFromCopy(self.delta_syms[-1], num), TransformFromCopy(self.delta_syms[0], den),
                  Create(bar), run_time=1.5)
        v = MathTex(r"\approx", total_txt, font_size=LABEL_FONT, color=self.theme.cost)
        self.registered(v)
        v.next_to(self.lhs1, DOWN, buff=0.15)
        self.vals1.add(v)
        self.play(FadeIn(v), run_time=1.0)
        # the middle changes cancel: each Δ on top meets the same Δ below in the next ratio
        for fr_a, fr_b in zip(self.fracs1, self.fracs1[1:], strict=False):
            self.play(Indicate(fraction_parts(fr_a)[0], color=self.theme.highlight),
                      Indicate(fraction_parts(fr_b)[2], color=self.theme.highlight), run_time=0.8)

    def become_derivatives(self) -> None:
        factors = self.chain.factors
        texts = [self.record(fac.value, label=fac.tex, source=cc.factor_source("chain_param", i), decimals=FINE)
                 for i, fac in enumerate(factors)]
        self.step("derivatives", (
            "Now let the nudge shrink towards zero: each ratio becomes a derivative, "
            "how fast one quantity responds to the one before. "
            f"Exactly, they are {', '.join(texts[:-1])} and {texts[-1]}, very close to what we measured."))
        row, fracs, lhs = self._row(r"\partial", ROW2_Y)
        for fr1, fr2 in zip(self.fracs1, fracs, strict=True):
            fr2.set_x(fr1.get_x())
        lhs.set_x(self.lhs1.get_x())
        row[1].set_x(self.row1[1].get_x())
        for m1, m2 in zip(self.row1, row, strict=True):
            m2.set_x(m1.get_x())
        self.row2, self.fracs2, self.lhs2 = row, fracs, lhs
        vals = VGroup()
        for fr2, txt in zip(fracs, texts, strict=True):
            v = MathTex(txt, font_size=LABEL_FONT)
            self.registered(v)
            v.next_to(fr2, DOWN, buff=0.15)
            vals.add(v)
        self.play(*(TransformFromCopy(a, b) for a, b in zip(self.fracs1, fracs, strict=True)), run_time=2.5)
        self.play(*(TransformFromCopy(a, b) for a, b in zip(self.vals1, vals, strict=False)), run_time=1.5)
        self.vals2 = vals

    def chain_rule(self) -> None:
        factors, chain = self.chain.factors, self.chain
        texts = [v.tex_string for v in self.vals2]
        product = self.record(chain.product, label=self.nt.d(self.nt.C, self.qs[0].tex),
                              source="engine.long_chain(chain_trace, chain_param).product", decimals=FINE)
        expr = " * ".join(f"({t})" for t in texts)
        rel, approx = cc.relation(expr, product)
        self.equation(expr, product, approx=approx, what="the chain rule's product")
        times = " times ".join(texts)
        self.step("chain-rule", (
            "That is the chain rule: the cost's sensitivity to the weight is the product of the "
            f"{len(factors)} factors along the path. {times} "
            f"{'gives' if not approx else 'gives about'} {product}."))
        row = self.row2
        others = VGroup(*(m for m in row if m not in self.fracs2 and m is not self.lhs2))
        self.play(Write(others), TransformFromCopy(self.lhs1, self.lhs2), run_time=1.5)
        parts = (rel, product) if approx else (product,)
        v = MathTex(*parts, font_size=LABEL_FONT, color=self.theme.cost)
        self.registered(v)
        v.next_to(self.lhs2, DOWN, buff=0.15)
        box = SurroundingRectangle(VGroup(self.lhs2, v), color=self.theme.highlight, buff=0.1)
        self.play(TransformFromCopy(self.vals2, v), run_time=1.5)
        self.play(Create(box), run_time=1.0)
        self.product = VGroup(v, box)

    def compare_with_measurement(self) -> None:
        n, sn, nt = self.nudge, self.small_nudge, self.nt
        w = self.qs[0].tex
        grad_txt = self.record(n.gradient, label=nt.d(nt.C, w), source="chain_nudge.gradient", decimals=FINE)
        dw_txt = self.delta_texts[0]
        pred_txt = self.record(n.dC_predicted, label=r"\Delta C_0 predicted", source="chain_nudge.dC_predicted",
                               decimals=TINY)
        expr = f"({grad_txt}) * {dw_txt}"
        rel, approx = cc.relation(expr, pred_txt)
        self.equation(expr, pred_txt, approx=approx, what="the change the chain rule predicts")
        meas_txt = self.delta_texts[-1]
        small_dw = sn.value_after - sn.value_before
        small_dw_txt = self.record(small_dw, label=rf"\Delta {w} (smaller)",
                                   source="engine.nudge(chain.network, chain.x, chain.y, chain_param, chain.nudge / 10)"
                                          ".delta", decimals=TINY)
        small_ratio = sn.dC_actual / small_dw
        small_txt = self.record(small_ratio, label=rf"\Delta C_0/\Delta {w} (smaller nudge)",
                                source="(lambda s: s.dC_actual / (s.value_after - s.value_before))"
                                       "(engine.nudge(chain.network, chain.x, chain.y, chain_param, chain.nudge / 10))",
                                decimals=FINE)
        big_txt = self.vals1[-1][1].tex_string
        self.step("compare", (
            f"Now check: the chain rule predicts a change of {grad_txt} times {dw_txt}, that is {pred_txt}; "
            f"the nudge measured {meas_txt}. With a nudge ten times smaller, the measured ratio moves "
            f"from {big_txt} to {small_txt}, closer still to the derivative, {grad_txt}."))
        self.play(FadeOut(self.tree), *(FadeOut(m) for m in self.lines),
                  FadeOut(self.braces), FadeOut(self.scale), *(FadeOut(line.ghost) for line in self.lines),
                  run_time=1.0)
        C = nt.C
        pred = nt.tex(r"\text{predicted: }\Delta " + C, r"\approx", nt.d(C, w), r"\,\Delta " + w, "=",
                      grad_txt, r"\cdot", dw_txt, rel, pred_txt, font_size=ROW_FONT)
        meas = nt.tex(r"\text{measured: }\Delta " + C, "=", meas_txt, font_size=ROW_FONT)
        smaller = nt.tex(r"\text{a nudge ten times smaller, }\Delta " + w, "=", small_dw_txt, r":\quad",
                         rf"\frac{{\Delta {C}}}{{\Delta {w}}}", r"\approx", small_txt, font_size=ROW_FONT)
        for m in (pred, meas, smaller):
            self.registered(m)
        table = VGroup(pred, meas, smaller).arrange(DOWN, buff=0.45, aligned_edge=LEFT)
        table.move_to([0, (TOP + BOTTOM) / 2 + 0.3, 0])
        if table.width > 13.4:
            table.scale_to_fit_width(13.4)
        self.play(Write(pred), run_time=2.0)
        self.play(Write(meas), run_time=1.5)
        self.play(Write(smaller), run_time=2.0)
        self.play(Indicate(self.product, color=self.theme.highlight), run_time=1.0)
        self.table = table
        self.step("end")
        self.play(FadeOut(VGroup(self.table, self.row1, self.row2, self.vals1, self.vals2, self.product)))


def _count(n: int) -> str:
    return {2: "two", 3: "three", 4: "four", 5: "five"}.get(n, str(n))


def _key(q: Quantity) -> tuple:
    return (q.kind,) if q.l is None else (q.kind, q.l)


def _exponent(x: float) -> int:
    """The power of ten of x's leading digit (0.002 -> -3)."""
    import math

    return math.floor(math.log10(abs(x))) if x else 0
