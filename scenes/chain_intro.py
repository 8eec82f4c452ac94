"""Segment 1: from the digit network to the simplest network, and the cost as a function of six numbers."""

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
    Indicate,
    LaggedStart,
    Line,
    MathTex,
    ReplacementTransform,
    Square,
    Text,
    Transform,
    TransformFromCopy,
    ValueTracker,
    VGroup,
    Write,
)

import engine
from scenes import chain_common as cc
from scenes import style
from scenes.base import LessonScene
from scenes.vocab.network import NetworkDiagram

FINE = style.DECIMALS_FINE
NUMBER_FONT = 30  # the parameters' values: 12.9 px digits at 480p
INTRO_NUDGE = 0.5  # how far the "nudge any" step moves a parameter: enough to move the cost visibly


class IntroScene(LessonScene):
    """The trained digit network shrinks to one neuron per layer; the cost depends on its six numbers."""

    lesson_order = 1

    def construct(self) -> None:
        self.show_digit_network()
        self.collapse_to_chain()
        self.name_parameters()
        self.gather_into_cost()
        self.nudge_cost()
        self.relative_names()

    def show_digit_network(self) -> None:
        ex = self.lecture.digits.example
        X, labels = engine.load_digits()
        net = engine.digit_network()
        digit = int(labels[ex])
        y = engine.one_hot(np.array([labels[ex]]))[0]
        tr = engine.run(net, X[ex], y)
        acts = [tr.a(l) for l in range(net.L + 1)]
        src = f"engine.run(digit_net, digits[0][{ex}], engine.one_hot(digits[1][{ex}:{ex + 1}])[0])"
        out_txt = self.record(acts[net.L][digit], label=f"a_{{{digit}}}^{{(L)}}", source=f"{src}.a({net.L})[{digit}]")
        self.step("digit-network", (
            f"A trained network reads a handwritten {digit}; its output for {digit} is {out_txt}. "
            "Training tunes thousands of weights and biases. How sensitive is the cost to each?"))
        d = NetworkDiagram(net, acts, self.theme, max_shown=10, height=5.4, width=7.6,
                           output_labels=[str(k) for k in range(net.sizes[-1])])
        d.record_numbers(self, src + ".a({l})[{j}]")
        # layer sizes above their columns, where no edge runs (not at the braces, among the edges)
        headers = VGroup()
        for l in range(net.L + 1):
            if d.brace(l) is not None:
                d.extras.remove(d.brace(l), d.size_label(l))
            head = MathTex(str(net.sizes[l]), color=self.theme.muted, font_size=style.SIZES.tex_small)
            head.next_to(d.layer(l), UP, buff=0.2)
            headers.add(head)
        d.add(headers)
        side = d.side_numbers(net.L, acts[net.L], [digit], scene=self, label="a_{{{j}}}^{{(L)}}",
                              source=src + ".a({l})[{j}]")
        d.add(side)
        d.to_edge(RIGHT, buff=0.4).shift(DOWN * 0.25)
        pixels = VGroup()
        for i, v in enumerate(X[ex]):
            sq = Square(side_length=0.32, stroke_width=0.5, stroke_color=self.theme.muted)
            sq.set_fill(self.theme.neuron_fill, opacity=float(v))
            sq.move_to([(i % 8) * 0.32, -(i // 8) * 0.32, 0])
            pixels.add(sq)
        pixels.to_edge(LEFT, buff=0.6)
        caption = Text("one training image", font_size=style.SIZES.small, color=self.theme.muted)
        caption.next_to(pixels, DOWN, buff=0.25)
        self.digit = VGroup(pixels, caption)
        self.big, self.acts, self.digit_label = d, acts, digit
        self.play(FadeIn(self.digit), FadeIn(d), run_time=1.5)
        self.play(d.forward_pass(run_time=3.0))

    def _path(self) -> list[int]:
        """One neuron per layer to keep: the brightest shown one, and the right digit at the output."""
        d, acts = self.big, self.acts
        keep = [max(d.shown(l), key=lambda j: float(acts[l][j])) for l in range(d.L)]
        return keep + [self.digit_label]

    def collapse_to_chain(self) -> None:
        L = self.lecture.chain.network.L
        self.step("collapse", (
            f"For clarity, keep one neuron per layer: a chain of {L + 1} neurons."))
        d = self.big
        keep = self._path()
        kept = [d.neuron(l, j).copy() for l, j in enumerate(keep)]
        path = VGroup(*(Line(kept[l - 1].get_center(), kept[l].get_center(), color=self.theme.highlight,
                             stroke_width=4, buff=kept[l].radius) for l in range(1, len(kept))))
        self.play(Create(path), *(Indicate(k, color=self.theme.highlight) for k in kept), run_time=1.5)
        self.add(*kept)
        self.play(FadeOut(d), FadeOut(self.digit), run_time=0.7)
        chain = cc.diagram(self, width=9.0, height=1.6, neuron_radius=0.42)
        chain.move_to([0, -0.2, 0])
        self.chain = chain
        circles = [chain.neuron(l, 0) for l in range(L + 1)]
        edges = [chain.edge(l, 0, 0) for l in range(1, L + 1)]
        # the digit network has more layers than the chain? keep as many as the chain has
        kept, path = kept[: L + 1], path[:L]
        self.play(*(ReplacementTransform(k, c) for k, c in zip(kept, circles, strict=True)),
                  *(ReplacementTransform(p, e) for p, e in zip(path, edges, strict=True)),
                  run_time=style.TIMINGS.transform * 1.8)
        self.remove(*circles, *edges, *kept, *path)
        self.add(chain.edge_group, chain.neuron_group, chain.extras)
        self.play(FadeIn(chain.label_group), run_time=0.7)
        self.remove(chain.edge_group, chain.neuron_group, chain.extras, chain.label_group)
        self.add(chain)
        self.play(chain.forward_pass(run_time=1.5))

    def _param_tex(self, kind: str, l: int) -> str:
        return f"{kind}^{{({l})}}"

    def _param_color(self, kind: str, l: int) -> str:
        if kind == "b":
            return self.theme.bias
        w = float(self.lecture.chain.network.W(l)[0, 0])
        return self.theme.weight_pos if w >= 0 else self.theme.weight_neg

    def name_parameters(self) -> None:
        net, d = self.lecture.chain.network, self.chain
        self.step("parameters", (
            f"Its {net.L} weights and {net.L} biases are what training adjusts."))
        self.param_labels = VGroup()
        self.param_values = {}
        anims = []
        for l in range(1, net.L + 1):
            for kind, value, where in (("w", net.W(l)[0, 0], d.edge(l, 0, 0)),
                                       ("b", net.b(l)[0], d.neuron(l, 0))):
                sym = MathTex(self._param_tex(kind, l), font_size=style.SIZES.tex_small,
                              color=self._param_color(kind, l))
                src = f"chain.network.W({l})[0, 0]" if kind == "w" else f"chain.network.b({l})[0]"
                num = self.number(value, label=self._param_tex(kind, l), source=src,
                                  font_size=NUMBER_FONT, color=self._param_color(kind, l))
                self.param_values[(kind, l)] = (num, float(value), src)
                if kind == "w":
                    grp = VGroup(sym, num).arrange(DOWN, buff=0.12).next_to(where, UP, buff=0.25)
                else:
                    grp = VGroup(sym, num).arrange(DOWN, buff=0.12).next_to(where, DOWN, buff=0.3)
                self.param_labels.add(grp)
                anims.append(FadeIn(grp, shift=0.2 * DOWN))
        self.play(LaggedStart(*anims, lag_ratio=0.25), run_time=3.0)

    def _cost_formula(self, names: list[str]) -> MathTex:
        parts = ["C", r"\big("]
        for i, name in enumerate(names):
            if i:
                parts.append(",")
            parts.append(name)
        parts.append(r"\big)")
        cost = MathTex(*parts, font_size=style.SIZES.tex * 1.1)
        cost[0].set_color(self.theme.cost)
        return cost

    def gather_into_cost(self) -> None:
        chain = self.lecture.chain
        net = chain.network
        n = len(chain.average_x)
        self.order = [(kind, l) for l in range(1, net.L + 1) for kind in ("w", "b")]
        c_txt = self.record(self._cost(net), label="C", source="chain_batch_trace.cost", decimals=FINE)
        self.step("cost-function", (
            f"Averaged over {n} examples, the cost depends on these {2 * net.L} numbers: now {c_txt}."))
        cost = self._cost_formula([self._param_tex(k, l) for k, l in self.order])
        syms = [p for p in cost.submobjects if getattr(p, "tex_string", "") in
                {self._param_tex(k, l) for k, l in self.order}]
        for (kind, l), sym in zip(self.order, syms, strict=True):
            sym.set_color(self._param_color(kind, l))
        value = self.number(self._cost(net), label="C", source="chain_batch_trace.cost", decimals=FINE,
                            font_size=style.SIZES.tex * 1.1, color=self.theme.cost)
        eq = MathTex("=", font_size=style.SIZES.tex * 1.1)
        row = VGroup(cost, eq, value).arrange(RIGHT, buff=0.2)
        row.to_edge(UP, buff=0.9)
        moves = [TransformFromCopy(lab[0], s) for lab, s in zip(self.param_labels, syms, strict=True)]
        others = VGroup(*(p for p in cost.submobjects if p not in syms))
        self.play(*moves, Write(others), run_time=style.TIMINGS.transform * 2)
        self.play(Write(eq), FadeIn(value), run_time=1.0)
        self.cost, self.cost_eq, self.cost_value = cost, eq, value

    def _cost(self, net: engine.Network) -> float:
        chain = self.lecture.chain
        return engine.run(net, chain.average_x, chain.average_y).cost

    def nudge_cost(self) -> None:
        net = self.lecture.chain.network
        picks = [("w", net.L), ("b", 1)]
        said, results = [], []
        for kind, l in picks:
            p = engine.Param(kind, l, 0, 0) if kind == "w" else engine.Param(kind, l, 0)
            value = float(net.value(p))
            after = self._cost(net.with_value(p, value + INTRO_NUDGE))
            src = (f"engine.run(chain.network.with_value(engine.{p!r}, chain.network.value(engine.{p!r}) + "
                   f"{INTRO_NUDGE!r}), chain.average_x, chain.average_y).cost")
            moved_txt = self.record(value + INTRO_NUDGE, label=self._param_tex(kind, l),
                                    source=f"chain.network.value(engine.{p!r}) + {INTRO_NUDGE!r}")
            after_txt = self.record(after, label="C", source=src, decimals=FINE)
            results.append((kind, l, p, value, moved_txt, after, after_txt, src))
            said.append(f"{kind} of {l} to {moved_txt} gives {after_txt}")
        self.step("nudge-cost", (
            f"Nudge one and the cost moves: {said[0]}; {said[1]}."))
        c0 = self._cost(net)
        for kind, l, p, _value, _moved, after, _after_txt, src in results:
            num, v0, num_src = self.param_values[(kind, l)]
            t = ValueTracker(0.0)
            lab = self.param_labels[self.order.index((kind, l))]
            num.add_updater(lambda m, t=t, v0=v0: m.set_value(v0 + t.get_value() * INTRO_NUDGE))
            self.cost_value.add_updater(
                lambda m, t=t, p=p, v0=v0: m.set_value(self._cost(net.with_value(p, v0 + t.get_value() * INTRO_NUDGE))))
            self.play(t.animate.set_value(1.0), Indicate(lab[0], color=self.theme.highlight), run_time=2.0)
            num.clear_updaters()
            self.cost_value.clear_updaters()
            cc.set_number(self, num, v0 + INTRO_NUDGE, label=self._param_tex(kind, l),
                          source=f"chain.network.value(engine.{p!r}) + {INTRO_NUDGE!r}")
            cc.set_number(self, self.cost_value, after, label="C", source=src, decimals=FINE)
            self.wait(0.6)
            self.play(t.animate.set_value(0.0), run_time=1.0)
            self.remove(t)
            cc.set_number(self, num, v0, label=self._param_tex(kind, l), source=num_src)
            cc.set_number(self, self.cost_value, c0, label="C", source="chain_batch_trace.cost", decimals=FINE)

    def relative_names(self) -> None:
        net = self.lecture.chain.network
        L = net.L
        self.step("relative-names", (
            f"Layers are now named from the last: w of {L} becomes w of L, w of {L - 1} becomes w of L minus 1."))
        nt = cc.notation(self)
        names = [getattr(nt, k)(l) for k, l in self.order]
        new = self._cost_formula(names)
        new_syms = [p for p in new.submobjects if getattr(p, "tex_string", "") in set(names)]
        for (kind, l), sym in zip(self.order, new_syms, strict=True):
            sym.set_color(self._param_color(kind, l))
        row = VGroup(new, self.cost_eq.copy(), self.cost_value.copy()).arrange(RIGHT, buff=0.2)
        row.to_edge(UP, buff=0.9)
        note = MathTex(f"L = {L}", font_size=style.SIZES.tex_small, color=self.theme.muted)
        note.next_to(row, DOWN, buff=0.35)
        label_moves = []
        for (kind, l), lab in zip(self.order, self.param_labels, strict=True):
            sym = MathTex(getattr(nt, kind)(l), font_size=style.SIZES.tex_small, color=self._param_color(kind, l))
            sym.move_to(lab[0])
            label_moves.append(Transform(lab[0], sym))  # the label itself takes its new name
        self.play(FadeIn(note), run_time=1.0)
        self.play(ReplacementTransform(self.cost, new), self.cost_eq.animate.move_to(row[1]),
                  self.cost_value.animate.move_to(row[2]), *label_moves, run_time=2.5)
        self.cost, self.note = new, note
        self.step("end")
        self.play(FadeOut(VGroup(self.cost, self.cost_eq, self.cost_value, self.note, self.chain,
                                 self.param_labels)))


__all__ = ["IntroScene", "LEFT"]
