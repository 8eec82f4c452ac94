"""Segment 1: from the digit network to the simplest network, and the cost as a function of six numbers."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    FadeIn,
    FadeOut,
    LaggedStart,
    MathTex,
    ReplacementTransform,
    Square,
    Text,
    TransformFromCopy,
    VGroup,
    Wiggle,
    Write,
)

import engine
from scenes import chain_common as cc
from scenes import style
from scenes.base import LessonScene
from scenes.vocab.network import NetworkDiagram


class IntroScene(LessonScene):
    """The trained digit network shrinks to one neuron per layer; the cost depends on its six numbers."""

    lesson_order = 1

    def construct(self) -> None:
        self.show_digit_network()
        self.collapse_to_chain()
        self.name_parameters()
        self.gather_into_cost()

    def show_digit_network(self) -> None:
        self.step("digit-network", caption=(
            "A trained network reading a handwritten digit: how should "
            "each weight change?"))
        ex = self.lecture.digits.example
        X, labels = engine.load_digits()
        net = engine.digit_network()
        y = engine.one_hot(np.array([labels[ex]]))[0]
        tr = engine.run(net, X[ex], y)
        acts = [tr.a(l) for l in range(net.L + 1)]
        d = NetworkDiagram(net, acts, self.theme, max_shown=8, height=5.6, width=8.0)
        d.record_numbers(self, f"engine.run(digit_net, digits[0][{ex}], engine.one_hot(digits[1][{ex}:{ex + 1}])[0])"
                               ".a({l})[{j}]")
        d.to_edge(RIGHT, buff=0.6).shift(DOWN * 0.2)
        pixels = VGroup()
        for i, v in enumerate(X[ex]):
            sq = Square(side_length=0.32, stroke_width=0.5, stroke_color=self.theme.muted)
            sq.set_fill(self.theme.neuron_fill, opacity=float(v))
            sq.move_to([(i % 8) * 0.32, -(i // 8) * 0.32, 0])
            pixels.add(sq)
        pixels.to_edge(LEFT, buff=0.7)
        caption = Text("one training image", font_size=style.SIZES.small, color=self.theme.muted)
        caption.next_to(pixels, DOWN, buff=0.25)
        self.digit = VGroup(pixels, caption)
        self.big = d
        self.play(FadeIn(self.digit), FadeIn(d))
        self.play(d.forward_pass(run_time=2.5))
        self.wait(style.TIMINGS.long_pause)

    def collapse_to_chain(self) -> None:
        self.step("collapse", caption="Strip it down to one neuron per layer: the same questions, fewer symbols.")
        chain = cc.diagram(self, width=9.0, height=1.6, neuron_radius=0.42)
        chain.move_to([0, -0.2, 0])
        self.chain = chain
        self.play(FadeOut(self.digit))
        self.play(ReplacementTransform(self.big, chain), run_time=style.TIMINGS.transform * 2.5)
        self.play(chain.forward_pass(run_time=1.5))
        self.wait(style.TIMINGS.long_pause)

    def _param_tex(self, kind: str, l: int) -> str:
        return f"{kind}^{{({l})}}"

    def _param_color(self, kind: str, l: int) -> str:
        if kind == "b":
            return self.theme.bias
        w = float(self.lecture.chain.network.W(l)[0, 0])
        return self.theme.weight_pos if w >= 0 else self.theme.weight_neg

    def name_parameters(self) -> None:
        self.step("parameters", caption="Three weights and three biases are all the network has to adjust.")
        net, d = self.lecture.chain.network, self.chain
        self.param_labels = VGroup()
        anims = []
        for l in range(1, net.L + 1):
            for kind, value, where in (("w", net.W(l)[0, 0], d.edge(l, 0, 0)),
                                       ("b", net.b(l)[0], d.neuron(l, 0))):
                sym = MathTex(self._param_tex(kind, l), font_size=style.SIZES.tex_small,
                              color=self._param_color(kind, l))
                src = f"chain.network.W({l})[0, 0]" if kind == "w" else f"chain.network.b({l})[0]"
                num = self.number(value, label=self._param_tex(kind, l), source=src,
                                  font_size=style.SIZES.small, color=self._param_color(kind, l))
                if kind == "w":
                    grp = VGroup(sym, num).arrange(DOWN, buff=0.12).next_to(where, UP, buff=0.25)
                else:
                    grp = VGroup(sym, num).arrange(DOWN, buff=0.12).next_to(where, DOWN, buff=0.3)
                self.param_labels.add(grp)
                anims.append(FadeIn(grp, shift=0.2 * DOWN))
        self.play(LaggedStart(*anims, lag_ratio=0.25), run_time=2.5)
        self.wait(style.TIMINGS.long_pause)

    def gather_into_cost(self) -> None:
        self.step("cost-function", caption="The cost is one function of all six numbers: nudge any, and it changes.")
        net = self.lecture.chain.network
        parts = ["C", r"\big("]
        order = []
        for l in range(1, net.L + 1):
            for kind in ("w", "b"):
                if len(parts) > 2:
                    parts.append(",")
                parts.append(self._param_tex(kind, l))
                order.append((kind, l))
        parts.append(r"\big)")
        cost = MathTex(*parts, font_size=style.SIZES.tex * 1.2)
        cost[0].set_color(self.theme.cost)
        cost.to_edge(UP, buff=1.0)
        syms = [p for p in cost.submobjects if getattr(p, "tex_string", "") in
                {self._param_tex(k, l) for k, l in order}]
        for (kind, l), s in zip(order, syms, strict=True):
            s.set_color(self._param_color(kind, l))
        moves = [TransformFromCopy(lab[0], s) for lab, s in zip(self.param_labels, syms, strict=True)]
        others = VGroup(*(p for p in cost.submobjects if p not in syms))
        self.play(*moves, Write(others), run_time=style.TIMINGS.transform * 1.5)
        self.play(Wiggle(VGroup(*syms)), run_time=2.0)
        self.play(*(Wiggle(lab) for lab in self.param_labels), run_time=1.5)
        self.wait(style.TIMINGS.long_pause)
        self.step("end")
        self.play(FadeOut(VGroup(cost, self.chain, self.param_labels)))


__all__ = ["IntroScene", "LEFT"]
