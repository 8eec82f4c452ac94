"""Segment 6: layers with several neurons, the summed paths, and the whole
backward pass on the trained digit network.

Notation as in the lesson: layers relative to the last one ((L), (L-1)),
neuron indices separated (w_{j,k}: to j, from k), the lecture's activation
by name, every symbol coloured by its quantity (Notation.color_of; weights by
the sign of their value). Every calculation shown is recorded with
`self.equation`, written "=" when the shown operands give the shown result and
"≈" when only their rounding separates them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Brace,
    Circle,
    Create,
    DashedVMobject,
    FadeIn,
    FadeOut,
    ImageMobject,
    Line,
    MathTex,
    Matrix,
    Mobject,
    Rectangle,
    ReplacementTransform,
    SurroundingRectangle,
    Text,
    TransformFromCopy,
    UpdateFromAlphaFunc,
    VGroup,
    Write,
    config,
)

import engine
from engine.notation import layer_name
from scenes import checks, style
from scenes.base import LessonScene
from scenes.multi_data import grad_scale
from scenes.vocab.equations import Notation
from scenes.vocab.network import NetworkDiagram, edge_style

FS = 30  # formulas: 12.9 px digits at 480p (checks.MIN_TEXT_PX is 12)
ROW_W = 13.4  # the widest a formula row may be
# how the activation is said aloud (its symbol is written on screen)
SPOKEN = {"sigmoid": "sigma", "relu": "ReLU", "tanh": "tanh"}


# --- shared pieces (functions, not a base class) ---------------------------


def num(
    scene: LessonScene, value: float, label: str, source: str, decimals: int = style.DECIMALS, paren: bool = True
) -> str:
    """The recorded text of a number, in parentheses when negative (for products)."""
    text = scene.record(value, label=label, source=source, decimals=decimals)
    return f"({text})" if paren and text.startswith("-") else text


def relation(scene: LessonScene, expr: str, result: str, what: str) -> str:
    """Record a shown calculation; "=" if its shown operands give the shown result, else "≈"."""
    exact = checks.equation_problem(expr, result, False) is None
    scene.equation(expr, result, approx=not exact, what=what)
    return "=" if exact else r"\approx"


def shown_chain(scene: LessonScene, chain, src: str, names: list[str], prod: str, weight: str) -> tuple[list[str], str]:
    """Record a weight's chain-rule factors and product (4 decimals) and the shown product as a calculation;
    the factors' texts and "=" or "≈"."""
    texts = [num(scene, f.value, names[i], f"{src}.factors[{i}].value", decimals=style.DECIMALS_FINE)
             for i, f in enumerate(chain.factors)]
    num(scene, chain.product, f"dC_0/d{weight}", f"{src}.product", decimals=style.DECIMALS_FINE, paren=False)
    return texts, relation(scene, " * ".join(texts), prod, f"the chain rule for {weight}")


def fit(mob: Mobject, width: float = ROW_W) -> Mobject:
    if mob.width > width:
        mob.scale_to_fit_width(width)
    return mob


class Ink:
    """Symbols of the multi-neuron formulas: L-relative layers, separated indices,
    the lecture's activation, each coloured by its quantity."""

    def __init__(self, scene: LessonScene, network: engine.Network):
        self.scene, self.net, self.L = scene, network, network.L
        self.theme = scene.theme
        self.act = engine.get_activation(network.activation)
        self.nt = Notation(self.L, self.theme, self.act.tex)
        self.say = SPOKEN.get(network.activation, self.act.symbol)

    def s(self, letter: str, l: int | None, *idx: int | str) -> str:
        sub = "_{" + ",".join(str(i) for i in idx) + "}" if idx else ""
        sup = "" if l is None else "^{(" + layer_name(l, self.L) + ")}"
        return f"{letter}{sub}{sup}"

    def color(self, letter: str, value: float | None = None) -> str:
        if letter == "w":
            return self.theme.weight_pos if (value is None or value >= 0) else self.theme.weight_neg
        return self.nt.color_of(letter)

    def w(self, l: int, j: int | str, k: int | str) -> tuple[str, str]:
        value = self.net.W(l)[j, k] if isinstance(j, int) and isinstance(k, int) else None
        return self.s("w", l, j, k), self.color("w", value)

    def a(self, l: int, j: int | str) -> tuple[str, str]:
        return self.s("a", l, j), self.color("a")

    def z(self, l: int, j: int | str) -> tuple[str, str]:
        return self.s("z", l, j), self.color("z")

    def b(self, l: int, j: int | str) -> tuple[str, str]:
        return self.s("b", l, j), self.color("b")

    def y(self, j: int | str) -> tuple[str, str]:
        return self.s("y", None, j), self.color("y")

    def C(self) -> tuple[str, str]:
        return "C_0", self.color("C")

    def d(self, top: tuple[str, str], bottom: tuple[str, str]) -> list:
        """∂top/∂bottom as one part, its numerator and denominator coloured as their symbols."""
        return [(r"\frac{\partial " + top[0] + r"}{\partial " + bottom[0] + "}", (top[1], bottom[1]))]

    def prime(self, l: int, j: int | str) -> list:
        return [self.act.tex + "'(", self.z(l, j), ")"]

    def tex(self, *parts, font_size: float = FS) -> MathTex:
        """A MathTex of parts (str, or (tex, colour)); each part coloured."""
        flat: list[tuple[str, str | None]] = []
        for p in parts:
            if isinstance(p, list):
                flat.extend((q, None) if isinstance(q, str) else q for q in p)
            elif isinstance(p, tuple):
                flat.append(p)
            else:
                flat.append((p, None))
        mob = MathTex(*(t for t, _ in flat), font_size=font_size)
        for sub, (_, color) in zip(mob.submobjects, flat, strict=True):
            if isinstance(color, tuple):  # a fraction: glyphs above its bar one colour, below it the other
                bar = max(sub.submobjects, key=lambda g: g.width / max(g.height, 1e-3))
                for g in sub.submobjects:
                    g.set_color(self.theme.ink if g is bar else color[0] if g.get_y() > bar.get_y() else color[1])
            else:
                sub.set_color(color or self.theme.ink)
        return mob


def multi_diagram(scene: LessonScene, *, width: float = 6.6, height: float = 4.0, radius: float = 0.4):
    m = scene.lecture.multi
    trace = engine.run(m.network, m.x, m.y)
    acts = [trace.a(l) for l in range(m.network.L + 1)]
    spacing = min(height / max(m.network.sizes), 1.1)
    d = NetworkDiagram(
        m.network, acts, scene.theme, width=width, height=height, neuron_radius=min(radius, 0.4 * spacing),
        scene=scene, source="multi_trace.a({l})[{j}]",
    )
    d.scale(min(1.35, 4.0 / d.neuron_group.height, 8.6 / d.neuron_group.width))  # use the frame
    r = d.neuron(0, 0).width / 2
    d.to_edge(UP, buff=max(0.3, 0.9 - r))  # room above for a weight's name
    d.shift((1.7 - d.neuron_group.get_right()[0]) * RIGHT)  # room on the right for labels and targets
    return d, trace


def place_rows(rows: Mobject, above: Mobject, bottom: float = -3.8) -> Mobject:
    """Formula rows centred in the space between `above` and the bottom of the frame."""
    top = above.get_bottom()[1] - 0.3
    rows.move_to([0, (top + bottom) / 2, 0])
    if rows.get_bottom()[1] < bottom:
        rows.shift((bottom - rows.get_bottom()[1]) * UP)
    return rows


def early_layers(d: NetworkDiagram) -> VGroup:
    """Everything before layer L-1: its neurons, their numbers, the edges into layers up to L-1."""
    parts: list[Mobject] = []
    for l in range(d.L - 1):
        parts.append(d.layer(l))
        parts += [d.value_label(l, j) for j in d.shown(l) if d.value_label(l, j) is not None]
        parts.append(d.edges(l + 1))
    return VGroup(*parts)


def _opacities(mob: Mobject) -> list[tuple[Mobject, float, float]]:
    return [(m, m.get_fill_opacity(), m.get_stroke_opacity()) for m in mob.family_members_with_points()]


def fade_part(d: NetworkDiagram, part: VGroup, saved: list | None = None, out: bool = True, **kwargs):
    """Fade part of the diagram out (or back in to `saved` opacities) without taking it out of the diagram."""
    saved = saved if saved is not None else _opacities(part)

    def update(_, alpha: float) -> None:
        t = 1 - alpha if out else alpha
        for m, fill, stroke in saved:
            m.set_fill(opacity=fill * t, family=False)
            m.set_stroke(opacity=stroke * t, family=False)

    return UpdateFromAlphaFunc(d, update, **kwargs), saved


def index_labels(ink: Ink, d: NetworkDiagram, l: int, side, anchor_x: float | None = None) -> VGroup:
    """a_j^(L) (or a_k^(L-1)) beside each neuron of layer l, outside the edges."""
    out = VGroup()
    for j in d.shown(l):
        lab = ink.tex(ink.a(l, j))
        lab.next_to(d.neuron(l, j), side, buff=0.15)
        out.add(lab)
    return out


def ghosts(scene: LessonScene, ink: Ink, d: NetworkDiagram, y: np.ndarray, after: VGroup) -> VGroup:
    """Dashed desired-output neurons y_j beside the output neurons, with values."""
    th = scene.theme
    out = VGroup()
    L = d.L
    r = 1.15 * d.neuron(L, 0).width / 2  # a little wider than a neuron: the target's number clears the dashes
    x = after.get_right()[0] + 0.25 + r
    for j in d.shown(L):
        c = DashedVMobject(Circle(radius=r, color=th.ghost, stroke_width=2), num_dashes=20)
        c.move_to([x, d.neuron(L, j).get_y(), 0])
        inner = scene.number(y[j], label=f"y_{{{j}}}", source=f"multi.y[{j}]", color=th.target, font_size=FS)
        inner.move_to(c)
        name = ink.tex(ink.y(j))
        name.next_to(c, RIGHT, buff=0.12)
        out.add(VGroup(c, inner, name))
    return out


def listing(items: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


class SeveralNeurons(LessonScene):
    """Layers with several neurons: indices j and k, the cost as a sum, w_{j,k}^(L) and its chain rule."""

    lesson_order = 6.1

    def construct(self) -> None:
        self.show_network()
        self.last_two_layers()
        self.show_targets()
        self.cost_as_sum()
        self.weight_indices()
        self.weighted_sum()
        self.chain_rule()

    # layout: the network across the top (its first layers fade once the last two
    # are the subject), formulas in rows across the lower half.
    def show_network(self) -> None:
        m = self.lecture.multi
        self.m, self.L = m, m.network.L
        self.ink = Ink(self, m.network)
        sizes = listing([str(n) for n in m.network.sizes])
        self.step(
            "network",
            f"Now every layer has several neurons, here {sizes}. The forward pass runs as before.",
        )
        self.d, self.trace = multi_diagram(self)
        self.play(FadeIn(self.d), run_time=style.TIMINGS.write)
        self.play(self.d.forward_pass(run_time=2 * style.TIMINGS.flash * self.L))
        self.wait(style.TIMINGS.pause)

    def last_two_layers(self) -> None:
        L = self.L
        self.step(
            "indices",
            "Now j counts the neurons of layer L, and k those of layer L minus 1.",
        )
        fade, self.early_saved = fade_part(self.d, early_layers(self.d), run_time=style.TIMINGS.transform)
        self.play(fade)
        self.out_labels = index_labels(self.ink, self.d, L, RIGHT)
        self.prev_labels = index_labels(self.ink, self.d, L - 1, LEFT)
        self.play(Write(self.out_labels))
        self.play(Write(self.prev_labels))

    def show_targets(self) -> None:
        y = self.m.y
        ys = listing([f"{v:.2f}" for v in y])
        self.step(
            "targets",
            f"This example's targets y j are {ys}.",
        )
        self.ghosts = ghosts(self, self.ink, self.d, y, self.out_labels)
        self.play(FadeIn(self.ghosts))

    def cost_as_sum(self) -> None:
        ink, L, tr = self.ink, self.L, self.trace
        n = self.m.network.sizes[-1]
        total = checks.format_shown(tr.cost, style.DECIMALS_FINE)
        self.step(
            "cost-sum",
            f"This example's cost, C zero, sums the squared differences over j: {total}.",
        )
        general = ink.tex(ink.C(), "=", r"\sum_{j}", "(", ink.a(L, "j"), "-", ink.y("j"), ")^2", font_size=36)
        terms: list = ["="]
        exprs = []
        for j in range(n):
            a = num(self, tr.a(L)[j], f"a_{{{j}}}^{{(L)}}", f"multi_trace.a({L})[{j}]",
                    decimals=style.DECIMALS_FINE, paren=False)
            y = num(self, self.m.y[j], f"y_{{{j}}}", f"multi.y[{j}]", paren=False)
            if j:
                terms.append("+")
            terms += ["(", (a, ink.color("a")), "-", (y, ink.color("y")), ")^2"]
            exprs.append(f"({a} - {y}) * ({a} - {y})")  # not **2: an approximate check would perturb the 2
        num(self, tr.cost, "C_0", "multi_trace.costs[0]", decimals=style.DECIMALS_FINE, paren=False)
        rel = relation(self, " + ".join(exprs), total, "the cost of one example")
        values = self.registered(ink.tex(*terms, rel, (total, ink.color("C"))))
        rows = place_rows(VGroup(general, fit(values)).arrange(DOWN, buff=0.4), self.d.neuron_group)
        self.rows = rows
        self.play(Write(general))
        born = [values[2 + 6 * j] for j in range(n)]  # each output's number flies into its term
        sources = [self.d.value_label(L, j) or self.out_labels[j] for j in range(n)]
        self.play(*(TransformFromCopy(s, t) for s, t in zip(sources, born, strict=True)),
                  FadeIn(VGroup(*(m for m in values if all(m is not t for t in born)))),
                  run_time=style.TIMINGS.transform * 1.5)

    def weight_indices(self) -> None:
        th, L, j, k, ink = self.theme, self.L, self.m.j, self.m.k, self.ink
        W = self.m.network.W(L)
        wj = checks.format_shown(W[j, k], style.DECIMALS)
        self.step(
            "weight-index",
            "The weight from neuron k to neuron j is w j k: destination first. "
            f"We follow w {j} {k}, which is {wj}. Row j holds every weight into neuron j.",
        )
        edge = self.d.edge(L, j, k)
        glow = edge.copy().set_stroke(th.highlight, width=7)
        wlab = ink.tex(ink.w(L, j, k), font_size=36)
        top = max(self.d.neuron(L - 1, kk).get_y() for kk in self.d.shown(L - 1))
        mid_x = (self.d.neuron(L - 1, k).get_x() + self.d.neuron(L, j).get_x()) / 2
        wlab.move_to([mid_x, top + 0.1 + wlab.height / 2 + self.d.radius * 0.2, 0])
        pointer = Arrow(wlab.get_bottom(), edge.point_from_proportion(0.5), buff=0.08, color=th.highlight,
                        stroke_width=3, max_tip_length_to_length_ratio=0.2)
        entries = [
            [num(self, W[r, c], f"w_{{{r},{c}}}^{{(L)}}", f"multi.network.W({L})[{r}, {c}]", paren=False)
             for c in range(W.shape[1])]
            for r in range(W.shape[0])
        ]
        mat = Matrix(entries, h_buff=1.25, v_buff=0.62, element_to_mobject_config={"font_size": FS})
        for r in range(W.shape[0]):
            for c in range(W.shape[1]):
                mat.get_entries()[r * W.shape[1] + c].set_color(ink.color("w", W[r, c]))
        self.registered(mat)
        name = ink.tex((r"W^{(L)}", th.weight_pos), "=", font_size=36)
        block = VGroup(name, mat).arrange(RIGHT, buff=0.2)
        place_rows(block, self.d.neuron_group).to_edge(LEFT, buff=0.6)
        row_box = SurroundingRectangle(mat.get_rows()[j], color=th.highlight, buff=0.08)
        col_box = SurroundingRectangle(mat.get_columns()[k], color=th.highlight, buff=0.08)
        row_tag = MathTex(f"j={j}", r"\ \text{(to)}", font_size=FS, color=th.ink)
        col_tag = MathTex(f"k={k}", r"\ \text{(from)}", font_size=FS, color=th.ink)
        tags = VGroup(row_tag, col_tag).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        tags.next_to(mat, RIGHT, buff=0.5)
        self.play(Create(glow), Write(wlab), Create(pointer))
        self.play(FadeOut(self.rows))  # out, then in: never two texts on one spot
        self.play(FadeIn(block))
        self.play(Create(row_box), Write(row_tag))
        self.play(Create(col_box), Write(col_tag))
        self.glow, self.wlab, self.pointer = glow, wlab, pointer
        self.matrix_group = VGroup(block, row_box, col_box, tags)
        self.wj_entry = mat.get_entries()[j * W.shape[1] + k]

    def weighted_sum(self) -> None:
        L, j, tr, ink = self.L, self.m.j, self.trace, self.ink
        W, b = self.m.network.W(L), self.m.network.b(L)
        n_prev = W.shape[1]
        zj = checks.format_shown(tr.z(L)[j], style.DECIMALS)
        self.step(
            "z-sum",
            f"Neuron {j} sums w {j} k times a k over k, plus its bias: z {j} is {zj}. "
            f"Then {ink.say} of z j gives a j.",
        )
        sym: list = [ink.z(L, j), "="]
        vals: list = ["="]
        exprs = []
        for k in range(n_prev):
            if k:
                sym.append("+")
                vals.append("+")
            sym += [ink.w(L, j, k), ink.a(L - 1, k)]
            w = num(self, W[j, k], f"w_{{{j},{k}}}^{{(L)}}", f"multi.network.W({L})[{j}, {k}]")
            a = num(self, tr.a(L - 1)[k], f"a_{{{k}}}^{{(L-1)}}", f"multi_trace.a({L - 1})[{k}]")
            vals += [(w, ink.color("w", W[j, k])), r"\cdot", (a, ink.color("a"))]
            exprs.append(f"{w} * {a}")
        sym += ["+", ink.b(L, j)]
        bj = num(self, b[j], f"b_{{{j}}}^{{(L)}}", f"multi.network.b({L})[{j}]")
        num(self, tr.z(L)[j], f"z_{{{j}}}^{{(L)}}", f"multi_trace.z({L})[{j}]", paren=False)
        rel = relation(self, " + ".join(exprs) + f" + {bj}", zj, f"z_{j}^(L) from its weighted inputs")
        vals += ["+", (bj, ink.color("b")), rel, (zj, ink.color("z"))]
        full = ink.tex(*sym)
        values = self.registered(ink.tex(*vals))
        compact = ink.tex(ink.z(L, "j"), "=", r"\sum_{k}", ink.w(L, "j", "k"), ink.a(L - 1, "k"), "+",
                          ink.b(L, "j"), r"\qquad", ink.a(L, "j"), "=", ink.act.tex + "(", ink.z(L, "j"), ")")
        rows = place_rows(VGroup(fit(full), fit(values), fit(compact)).arrange(DOWN, buff=0.4), self.d.neuron_group)
        self.play(FadeOut(self.matrix_group))
        self.play(Write(full))
        self.play(FadeIn(values, shift=0.2 * UP))
        self.play(ReplacementTransform(full.copy(), compact), run_time=style.TIMINGS.transform * 1.5)
        self.z_rows = rows
        self.z_full = full

    def chain_rule(self) -> None:
        L, j, k, ink, tr = self.L, self.m.j, self.m.k, self.ink, self.trace
        chain = engine.weight_chain(tr, L, j, k)
        src = f"engine.weight_chain(multi_trace, {L}, {j}, {k})"
        prod = checks.format_shown(chain.product, style.DECIMALS_FINE)
        self.step(
            "chain-rule",
            "This weight's chain rule has the same three factors as before, now indexed. "
            f"Together they give {prod}: how fast C zero changes with w {j} {k}.",
        )
        lhs = ink.d(ink.C(), ink.w(L, j, k))
        formula = ink.tex(*lhs, "=", *ink.d(ink.z(L, j), ink.w(L, j, k)), r"\,", *ink.d(ink.a(L, j), ink.z(L, j)),
                          r"\,", *ink.d(ink.C(), ink.a(L, j)))
        means = ink.tex("=", ink.a(L - 1, k), r"\cdot", *ink.prime(L, j), r"\cdot", "2(", ink.a(L, j), "-",
                        ink.y(j), ")")
        names = [f"a_{k}^(L-1)", f"{ink.act.symbol}'(z_{j}^(L))", f"2(a_{j}^(L) - y_{j})"]
        texts, rel = shown_chain(self, chain, src, names, prod, f"w_{j},{k}^(L)")
        values = self.registered(ink.tex("=", (texts[0], ink.color("a")), r"\cdot", texts[1], r"\cdot",
                                         texts[2], rel, (prod, ink.color("C"))))
        place_rows(VGroup(fit(formula), fit(means), fit(values)).arrange(DOWN, buff=0.3), self.d.neuron_group)
        self.play(FadeOut(self.z_rows))
        self.play(Write(formula))
        self.play(FadeIn(means, shift=0.2 * UP))
        self.play(FadeIn(values, shift=0.2 * UP))
        self.chain_values = (texts, prod)


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
        m = self.lecture.multi
        self.m, self.L, self.k = m, m.network.L, m.k
        self.ink = ink = Ink(self, m.network)
        th = self.theme
        self.step(
            "network",
            f"Now follow neuron {self.k} of layer L minus 1. It reaches the cost only through layer L.",
        )
        self.d, self.trace = multi_diagram(self)
        _, self.early_saved = fade_part(self.d, early_layers(self.d))
        for mob, _, _ in self.early_saved:  # start from the last two layers, as the scene before ends
            mob.set_fill(opacity=0, family=False)
            mob.set_stroke(opacity=0, family=False)
        self.out_labels = index_labels(ink, self.d, self.L, RIGHT)
        self.cost = ink.tex(ink.C(), font_size=44)
        self.cost.next_to(self.out_labels, RIGHT, buff=1.3).match_y(self.d.layer(self.L))
        focus = self.d.neuron(self.L - 1, self.k)
        self.ring = focus.copy().set_fill(opacity=0).set_stroke(th.highlight, width=5)
        self.k_label = ink.tex(ink.a(self.L - 1, self.k), font_size=36)
        self.k_label.next_to(focus, LEFT, buff=0.2)
        self.cost_lines = VGroup(*(
            Line(lab.get_right(), self.cost.get_left(), stroke_color=th.cost, stroke_width=2, buff=0.12)
            for lab in self.out_labels
        ))
        self.play(FadeIn(self.d), Write(self.out_labels), Write(self.cost), Create(self.cost_lines))
        self.play(Create(self.ring), Write(self.k_label))

    def _path(self, j: int) -> VGroup:
        th = self.theme
        e = self.d.edge(self.L, j, self.k).copy().set_stroke(th.highlight, width=7)
        tail = self.cost_lines[j].copy().set_stroke(th.highlight, width=5)
        return VGroup(e, tail)

    def all_paths_at_once(self) -> None:
        n = self.m.network.sizes[-1]
        self.step(
            "all-paths",
            f"It feeds every neuron there, so it reaches the cost along {n} paths. "
            "Its influence is a sum over layer L, one term per path.",
        )
        self.paths = VGroup(*(self._path(j) for j in range(n)))
        layer = self.d.layer(self.L)
        brace = Brace(layer, direction=DOWN, color=self.theme.highlight)
        text = Text("sum over layer L", font_size=26, color=self.theme.highlight)
        text.next_to(brace, DOWN, buff=0.12)
        self.brace = VGroup(brace, text)
        self.play(Create(self.paths), FadeIn(self.brace), run_time=style.TIMINGS.write * 1.5)

    def path_by_path(self) -> None:
        L, k, ink = self.L, self.k, self.ink
        sp = engine.summed_paths(self.trace, L, k)
        src = f"engine.summed_paths(multi_trace, {L}, {k})"
        rows = VGroup()
        self.products = [checks.format_shown(c.product, style.DECIMALS_FINE) for c in sp.paths]
        said = "; ".join(f"through neuron {j}, {p}" for j, p in enumerate(self.products))
        self.step(
            "each-path",
            f"Each path brings its weight, times {ink.say} prime, times twice its output's gap to the target. "
            f"{said[0].upper() + said[1:]}.",
        )
        for j, chain in enumerate(sp.paths):
            w = num(self, chain.factors[0].value, f"w_{{{j},{k}}}^{{(L)}}", f"{src}.paths[{j}].factors[0].value",
                    decimals=style.DECIMALS_FINE)
            s = num(self, chain.factors[1].value, f"{ink.act.symbol}'(z_{{{j}}}^{{(L)}})",
                    f"{src}.paths[{j}].factors[1].value", decimals=style.DECIMALS_FINE)
            g = num(self, chain.factors[2].value, f"2(a_{{{j}}}^{{(L)}}-y_{{{j}}})",
                    f"{src}.paths[{j}].factors[2].value", decimals=style.DECIMALS_FINE)
            p = num(self, chain.product, f"path {j}", f"{src}.paths[{j}].product", decimals=style.DECIMALS_FINE,
                    paren=False)
            rel = relation(self, f"{w} * {s} * {g}", p, f"the path through a_{j}^(L)")
            row = ink.tex(
                ink.w(L, j, k), *ink.prime(L, j), "2(", ink.a(L, j), "-", ink.y(j), ")", "=",
                (w, ink.color("w", self.m.network.W(L)[j, k])), r"\cdot", s, r"\cdot", g, rel,
                (p, self.theme.highlight),
            )
            rows.add(self.registered(row))
        rows.arrange(DOWN, buff=0.25, aligned_edge=LEFT)
        fit(rows)
        place_rows(rows, VGroup(self.d.neuron_group, self.brace)).to_edge(LEFT, buff=0.6)
        self.sp, self.src, self.rows = sp, src, rows
        self.play(FadeOut(self.paths))
        for j, row in enumerate(rows):
            path = self._path(j)
            self.play(Create(path), FadeIn(row, shift=0.1 * UP), run_time=style.TIMINGS.write)
            self.wait(style.TIMINGS.pause)
            self.play(FadeOut(path), run_time=style.TIMINGS.flash)

    def sum_of_paths(self) -> None:
        th, k, L, ink = self.theme, self.k, self.L, self.ink
        total = checks.format_shown(self.sp.total, style.DECIMALS_FINE)
        check = checks.format_shown(self.trace.dC_da(L - 1)[k], style.DECIMALS_FINE)
        self.step(
            "sum",
            f"Added up, they give the cost's sensitivity to a {k} of layer L minus 1: {total}. "
            f"The backward pass gets {check}, the same.",
        )
        num(self, self.sp.total, f"dC_0/da_{{{k}}}^{{(L-1)}}", f"{self.src}.total",
                    decimals=style.DECIMALS_FINE, paren=False)
        num(self, self.trace.dC_da(L - 1)[k], f"dC_0/da_{{{k}}}^{{(L-1)}} (backprop)",
                    f"multi_trace.dC_da({L - 1})[{k}]", decimals=style.DECIMALS_FINE, paren=False)
        lhs = ink.d(ink.C(), ink.a(L - 1, k))
        formula = ink.tex(*lhs, "=", r"\sum_{j}", ink.w(L, "j", k), *ink.prime(L, "j"), "2(", ink.a(L, "j"), "-",
                          ink.y("j"), ")")
        shown = [f"({p})" if p.startswith("-") else p for p in self.products]
        rel = relation(self, " + ".join(shown), total, f"the paths from a_{k}^(L-1) added")
        parts: list = ["="]
        for j, p in enumerate(shown):
            if j:
                parts.append("+")
            parts.append((p, th.highlight))
        values = self.registered(ink.tex(*parts, rel, (total, th.cost)))
        note = self.registered(MathTex(r"\text{the backward pass gives the same: }", check, font_size=FS,
                                       color=th.ink))
        place_rows(VGroup(fit(formula), fit(values), note).arrange(DOWN, buff=0.3),
                   VGroup(self.d.neuron_group, self.brace))
        self.play(Create(self.paths))
        sources = [row[-1] for row in self.rows]
        self.play(Write(formula), FadeOut(VGroup(*(VGroup(*row[:-1]) for row in self.rows))))
        targets = [values[1 + 2 * j] for j in range(len(sources))]
        self.play(*(TransformFromCopy(s, t) for s, t in zip(sources, targets, strict=True)),
                  FadeOut(VGroup(*sources)), FadeIn(VGroup(*(m for m in values if all(m is not t for t in targets)))),
                  run_time=style.TIMINGS.transform * 1.5)
        self.play(FadeIn(note))
        self.sum_group, self.total_mob = VGroup(formula, values, note), values[-1]

    def one_layer_back(self) -> None:
        th, L, k, ink = self.theme, self.L, self.k, self.ink
        if L < 2:
            return
        kk = 0
        chain = engine.weight_chain(self.trace, L - 1, k, kk)
        src = f"engine.weight_chain(multi_trace, {L - 1}, {k}, {kk})"
        prod = checks.format_shown(chain.product, style.DECIMALS_FINE)
        first = "x" if L - 2 == 0 else "a"
        self.step(
            "layer-back",
            f"One layer back, the same pattern: {first} {kk}, times {ink.say} prime of z {k}, times this sum, "
            f"gives {prod} for the weight from {first} {kk} to neuron {k}. "
            "Layer by layer, every weight and bias gets its derivative.",
        )
        prev = ink.a(L - 2, kk) if L - 2 > 0 else (f"x_{{{kk}}}", ink.color("a"))
        names = [f"a_{kk}^(L-2)", f"{ink.act.symbol}'(z_{k}^(L-1))", f"dC_0/da_{k}^(L-1)"]
        texts, rel = shown_chain(self, chain, src, names, prod, f"w_{k},{kk}^(L-1)")
        row1 = ink.tex(*ink.d(ink.C(), ink.w(L - 1, k, kk)), "=", prev, *ink.prime(L - 1, k),
                       *ink.d(ink.C(), ink.a(L - 1, k)))
        row2 = self.registered(ink.tex("=", (texts[0], ink.color("a")), r"\cdot", texts[1], r"\cdot",
                                       (texts[2], th.cost), rel, (prod, th.cost)))
        place_rows(VGroup(fit(row1), fit(row2)).arrange(DOWN, buff=0.3), self.d.neuron_group)
        fade_in, _ = fade_part(self.d, VGroup(), saved=self.early_saved, out=False, run_time=style.TIMINGS.transform)
        edge = self.d.edge(L - 1, k, kk).copy().set_stroke(th.highlight, width=7, opacity=1)
        source = self.d.neuron(L - 2, kk)
        source_label = ink.tex(prev, font_size=36)  # the x_0 (or a_0^(L-2)) of the formula, on its neuron
        source_label.next_to(source, LEFT, buff=0.15)  # no edge leaves a neuron leftwards
        if source_label.get_left()[0] < -config.frame_width / 2 + 0.1:  # no room there: above its edges
            source_label.next_to(source, RIGHT, buff=0.08).align_to(source, UP)
        self.play(FadeOut(self.k_label), FadeOut(self.paths), FadeOut(self.brace), fade_in)
        self.play(Create(edge), Write(source_label),
                  FadeOut(VGroup(self.sum_group[0], self.sum_group[2], *self.sum_group[1][:-1])))
        self.play(Write(row1))
        self.play(TransformFromCopy(self.total_mob, row2[5]), FadeOut(self.total_mob),
                  FadeIn(VGroup(*(m for i, m in enumerate(row2) if i != 5))))


class FullBackwardPass(LessonScene):
    """The whole backward pass on the trained digit network: every edge coloured by its real ∂C_0/∂w."""

    lesson_order = 6.3

    def construct(self) -> None:
        self.show_digit()
        self.output_error()
        self.travel_back()
        self.legend_and_hold()

    def show_digit(self) -> None:
        from scenes import multi_data

        th = self.theme
        self.index = i = multi_data.backward_example()
        X, labels = engine.load_digits()
        self.label = int(labels[i])
        self.trace = tr = multi_data.backward_trace()
        out = tr.a(tr.L)
        self.guess = int(np.argmax(out))
        self.src = "multi_data.backward_trace()"
        a_guess, a_label = (checks.format_shown(out[d], style.DECIMALS) for d in (self.guess, self.label))
        self.step(
            "digit",
            f"The trained network reads this handwritten {self.label} as a {self.guess}: "
            f"output {self.guess} is {a_guess}, output {self.label} only {a_label}.",
        )
        acts = [tr.a(l) for l in range(tr.L + 1)]
        self.d = NetworkDiagram(tr.network, acts, th, height=6.9, width=6.6, max_shown=16, scene=self,
                                source=self.src + ".a({l})[{j}]", output_labels=[str(d) for d in range(10)])
        self.d.to_edge(UP, buff=0.3).set_x(-1.0)
        img = np.kron((np.asarray(X[i]).reshape(8, 8) * 255).astype(np.uint8), np.ones((8, 8), dtype=np.uint8))
        if th.name == "light":
            img = 255 - img
        self.digit = ImageMobject(img).scale_to_fit_height(1.7)
        self.digit.to_corner(UP + LEFT, buff=0.3)
        frame = SurroundingRectangle(self.digit, color=th.muted, buff=0.02, stroke_width=1)
        lab = self.record(self.label, label="the digit's label", source="digits[1][multi_data.backward_example()]",
                          decimals=0)
        cap = self.registered(MathTex(r"\text{a }" + lab, font_size=FS))
        cap.next_to(frame, DOWN, buff=0.15)
        self.digit_group = VGroup(frame, cap)
        self.play(FadeIn(self.d), FadeIn(self.digit), Create(frame), Write(cap))
        self.play(self.d.forward_pass(run_time=2 * style.TIMINGS.flash * tr.L))

    def output_error(self) -> None:
        th, tr, L = self.theme, self.trace, self.trace.L
        a, g = tr.a(L), tr.dC_da(L)
        y = engine.one_hot(np.array([self.label]))[0]
        lg, gg = g[self.label], g[self.guess]
        txt = {v: checks.format_shown(v, 2) for v in (lg, gg)}
        self.step(
            "output-error",
            "At the output, each sensitivity is twice the gap to the target: "
            f"{txt[lg]} for the {self.label}, too low, and {txt[gg]} for the {self.guess}, too high.",
        )
        decimals = 2
        for decimals in (2, 3, 4):  # the a's written precisely enough that 2(a - y) checks out on every row
            if all(checks.equation_problem(f"2 * ({checks.format_shown(a[j], decimals)} - {y[j]:.0f})",
                                           checks.format_shown(g[j], 2), False) is None for j in range(10)):
                break
        col_a = self.d.side_numbers(L, a, scene=self, label="a_{j}^(L)", source=self.src + ".a({l})[{j}]",
                                    decimals=decimals, buff=0.35)
        col_y = VGroup()
        col_g = VGroup()
        for j in range(10):
            ym = self.number(y[j], label=f"y_{j}", source=f"engine.one_hot(digits[1][multi_data.backward_example():"
                             f"multi_data.backward_example() + 1])[0][{j}]", decimals=0, color=th.target, font_size=FS)
            ym.match_y(col_a[j]).set_x(col_a.get_right()[0] + 0.55)
            col_y.add(ym)
        ink = Ink(self, tr.network)
        head_a = ink.tex(ink.a(L, "j")).next_to(col_a, UP, buff=0.2)
        head_y = ink.tex(ink.y("j")).next_to(col_y, UP, buff=0.2).align_to(head_a, DOWN)
        head_g = ink.tex("2(", ink.a(L, "j"), "-", ink.y("j"), ")", font_size=FS)
        right = head_y.get_right()[0] + 0.3 + head_g.width  # the sensitivities right-aligned under their header
        for j in range(10):
            gm = self.number(g[j], label=f"dC_0/da_{j}^(L)", source=f"{self.src}.dC_da({L})[{j}]", color=th.cost,
                             font_size=FS)
            gm.match_y(col_a[j])
            gm.set_x(right - gm.width / 2)
            self.equation(f"2 * ({checks.format_shown(a[j], decimals)} - {y[j]:.0f})", checks.format_shown(g[j], 2),
                          what=f"dC_0/da_{j}^(L) = 2(a_{j} - y_{j})")
            col_g.add(gm)
        head_g.align_to(head_a, DOWN).set_x(right - head_g.width / 2)
        self.play(FadeIn(col_a), Write(head_a))
        self.play(FadeIn(col_y), Write(head_y))
        self.play(FadeIn(col_g), Write(head_g))
        self.columns = VGroup(col_a, col_y, col_g, head_a, head_y, head_g)

    def travel_back(self) -> None:
        tr = self.trace
        self.step(
            "travel-back",
            "These sensitivities flow backwards, layer by layer, "
            "and each edge takes the colour of the cost's derivative with respect to its weight.",
        )
        self.scale = grad_scale(tr)
        for l in range(tr.L, 0, -1):
            rings = VGroup()
            dz = tr.layer(l).dC_dz[0]
            for j in self.d.shown(l):
                u = dz[j] / max(np.max(np.abs(dz)), 1e-12)
                color, width = edge_style(u, self.theme, (1.0, 5.0))
                rings.add(self.d.neuron(l, j).copy().set_fill(opacity=0).set_stroke(color, width=width))
            self.play(self.d.flash_layer(l, reverse=True, run_time=style.TIMINGS.flash), FadeIn(rings))
            self.play(self.d.color_edges_by({l: tr.layer(l).dC_dw[0]}, self.scale, run_time=style.TIMINGS.transform))
            self.play(FadeOut(rings), run_time=style.TIMINGS.flash)

    def legend_and_hold(self) -> None:
        th = self.theme
        s = checks.format_shown(self.scale, 3)
        self.step(
            "legend",
            f"Red is negative, down to minus {s}; blue positive. "
            "Descent moves each weight against its derivative: red edges will grow, blue ones shrink.",
        )
        self.record(self.scale, label="edge colour scale |dC_0/dw|", source=f"multi_data.grad_scale({self.src})",
                    decimals=3)
        bar = VGroup()
        steps = 21
        for i in range(steps):
            u = -1 + 2 * i / (steps - 1)
            color, _ = edge_style(u, th, (1, 1))
            bar.add(Rectangle(width=0.13, height=0.32, stroke_width=0, fill_color=color, fill_opacity=1))
        bar.arrange(RIGHT, buff=0)
        lo = self.registered(MathTex(f"-{s}", font_size=FS, color=th.weight_neg))
        hi = self.registered(MathTex(f"+{s}", font_size=FS, color=th.weight_pos))
        lo.next_to(bar, DOWN, buff=0.12).align_to(bar, LEFT)
        hi.next_to(bar, DOWN, buff=0.12).align_to(bar, RIGHT)
        ink = Ink(self, self.trace.network)
        name = ink.tex(*ink.d(ink.C(), ("w", ink.color("w"))), font_size=36)
        name.next_to(bar, UP, buff=0.15)
        legend = VGroup(name, bar, lo, hi)
        legend.to_corner(DOWN + RIGHT, buff=0.35)
        self.play(FadeIn(legend))
