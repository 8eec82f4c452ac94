"""The shared network diagram: neurons lit by their activations, edges
coloured by the sign of their weights (or by any per-edge value, such as a
gradient), flashes along the edges for a forward or backward pass.

API (all layers numbered l = 0..L, neurons j zero-based, as in the engine):

    d = NetworkDiagram(network, [trace.a(l) for l in range(L + 1)], theme,
                       max_shown=16, height=5.5, width=9.0, show_values=True,
                       neuron_radius=None, output_labels=None,
                       scene=self, source="multi_trace.a({l})[{j}]")
        # output_labels: one text per output neuron (e.g. [str(d) for d in range(10)]),
        # written beside the output neurons (d.output_label(j)).
        # Numbers inside neurons are written at a readable size (value_font_size, 12.9 px
        # at 480p) or not at all: a big column shows its values by brightness only;
        # d.side_numbers(...) writes readable numbers beside the few neurons that matter.
        # `scene` + `source` (a template with {l} and {j}) record every number
        # shown inside a neuron in the scene's manifest. Without them, call
        # d.record_numbers(scene, source) yourself (or use d.shown_numbers()).
        # activations=None draws empty neurons without numbers.

    d.neuron(l, j)          the Circle (KeyError if neuron j of layer l is not shown)
    d.value_label(l, j)     the DecimalNumber inside it, or None (too small to read)
    d.output_label(j)       the label beside output neuron j, or None
    d.side_numbers(l, values, js=None, side=RIGHT, scene=, label=, source=, decimals=, color=)
                            VGroup of readable numbers in a column beside neurons js of
                            layer l (right of the output labels), recorded with `scene`
    d.outer_x(l, side)      x just beyond layer l (and its output labels) on `side`
    d.layer(l)              VGroup of the shown neurons of layer l
    d.shown(l)              indices of the shown neurons of layer l
    d.edge(l, j, k)         the edge from neuron k of layer l-1 to neuron j of layer l
                            (None if either end is hidden). In small diagrams
                            (d.dense is False) it is the Line inside the diagram;
                            in dense ones the edges of a layer are one EdgeBundle,
                            and edge() returns a separate Line drawn over the
                            edge (add it to the scene to highlight).
    d.edges(l)              VGroup holding the edges of layer l
    d.ellipsis(l), d.brace(l), d.size_label(l)   for layers larger than max_shown
    d.animate_activations(acts, source=None)     Animation to new activations
    d.set_activations(acts, source=None)         the same, immediately
    d.animate_weights(network)                   edges recoloured/resized to new weights
    d.color_edges_by(values_per_layer, scale)    Animation: edges coloured by any value
        # values_per_layer: {l: array (n_l, n_{l-1})} or a list indexed l-1
        # scale: the |value| drawn at full colour/width (None: the largest |value|)
    d.forward_pass(run_time=None)                flashes along the edges, layer by layer
    d.backward_pass(run_time=None)               the same from the output back to the input
    d.flash_layer(l, reverse=False)              flashes along the edges of one layer
    d.shown_numbers()       [(label, value, l, j), ...] numbers currently inside neurons
    edge_style(u, theme)    (colour, width) of an edge for a value u in [-1, 1]

Dense diagrams (more than `DENSE_EDGES` shown edges) draw each edge in the
colour and width of its level (EDGE_LEVELS strengths per sign, see
edge_levels), weak ones first, negative ones over positive ones.

Performance: in a dense diagram each layer's edges are one EdgeBundle (scenes/vocab/edges.py: per-edge colours and
widths in numpy arrays), which FastEdgeCamera (scenes/vocab/camera.py, the
camera of every LessonScene) strokes edge by edge in a tight cairo loop. A
recolour (animate_weights, color_edges_by) moves only the edges whose colour
or width changes into a separate bundle drawn after the static ones, so each
frame redraws those edges (and what lies above the edges: neurons, labels),
not every edge; they go back into their layer's bundle when it ends. With
the default camera a bundle is drawn, more slowly, in one colour.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from manim import (
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Animation,
    AnimationGroup,
    Brace,
    Circle,
    DecimalNumber,
    Line,
    ManimColor,
    MathTex,
    Mobject,
    Succession,
    VGroup,
    interpolate_color,
)

from engine import Network
from engine.notation import symbol_tex
from scenes import checks, style
from scenes.vocab.edges import EdgeBundle

DENSE_EDGES = 200  # above this many shown edges, each layer is drawn as one EdgeBundle
EDGE_LEVELS = 8  # strength levels per sign in a dense layer
# an edge whose colour (any RGBA channel, 0..1) or width changes by less is not animated
CHANGE_TOLERANCE = (0.5 / 255, 0.01)
_LABELS: dict[tuple[str, str, float], DecimalNumber] = {}
VALUE_FONT_SIZE = 30.0  # numbers inside neurons: 12.9 px digits at 480p (scenes.checks.MIN_TEXT_PX is 12)
LABEL_FONT_SIZE = 30.0  # output labels and numbers beside neurons  # label templates by (text, colour)

__all__ = [
    "DENSE_EDGES",
    "EDGE_LEVELS",
    "NetworkDiagram",
    "edge_levels",
    "edge_style",
    "edge_styles",
    "shown_indices",
]


def shown_indices(n: int, max_shown: int) -> tuple[list[int], int | None]:
    """Neurons drawn for a layer of n (the top and bottom ones) and the slot of
    the ellipsis between them (None when the whole layer is drawn)."""
    if n <= max_shown:
        return list(range(n)), None
    top = math.ceil(max_shown / 2)
    bottom = max_shown - top
    return list(range(top)) + list(range(n - bottom, n)), top


def _mix(a: str, b: str, t: float) -> ManimColor:
    return interpolate_color(ManimColor(a), ManimColor(b), t)


def edge_style(u: float, theme: style.Theme, widths: tuple[float, float]) -> tuple[str, float]:
    """Colour and width of an edge whose value, divided by its scale, is u."""
    m = min(abs(float(u)), 1.0)
    base = theme.weight_pos if u >= 0 else theme.weight_neg
    color = _mix(theme.background, base, 0.25 + 0.75 * m)
    return color, widths[0] + (widths[1] - widths[0]) * m


def edge_levels(u: Any) -> np.ndarray:
    """The (sign, strength) level of dense edges: 0..EDGE_LEVELS-1 for u >= 0
    from weak to strong, then EDGE_LEVELS..2*EDGE_LEVELS-1 for u < 0. Dense
    layers draw edges in this order (the strongest of each sign on top) and
    in the colour of the middle of their level."""
    u = np.asarray(u, dtype=float).reshape(-1)
    level = np.minimum((np.abs(u) * EDGE_LEVELS).astype(int), EDGE_LEVELS - 1)
    return np.where(u >= 0, 0, EDGE_LEVELS) + level


def edge_styles(
    u: Any, theme: style.Theme, widths: tuple[float, float], levels: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """edge_style for many values at once: RGBA (n, 4) and widths (n,);
    levels=True: the style of each value's level (as dense layers draw)."""
    u = np.asarray(u, dtype=float).reshape(-1)
    if levels:
        m = (edge_levels(u) % EDGE_LEVELS + 0.5) / EDGE_LEVELS
    else:
        m = np.minimum(np.abs(u), 1.0)
    bg = ManimColor(theme.background).to_rgba()
    base = np.where((u >= 0)[:, None], ManimColor(theme.weight_pos).to_rgba(), ManimColor(theme.weight_neg).to_rgba())
    t = (0.25 + 0.75 * m)[:, None]
    rgba = bg * (1 - t) + base * t  # as ManimColor.interpolate
    return rgba, widths[0] + (widths[1] - widths[0]) * m


class _Ref:
    """A reference that copies of a mobject share (not deep-copied): the scene
    that records numbers, the diagram an edge layer belongs to."""

    def __init__(self, target: Any):
        self.target = target

    def __call__(self) -> Any:
        return self.target

    def __copy__(self) -> _Ref:
        return self

    def __deepcopy__(self, memo: dict) -> _Ref:
        return self


def _as_layer_dict(values: Mapping[int, Any] | Sequence[Any]) -> dict[int, np.ndarray]:
    if isinstance(values, Mapping):
        return {int(l): np.asarray(v, dtype=float) for l, v in values.items()}
    return {l: np.asarray(v, dtype=float) for l, v in enumerate(values, start=1)}


class _EdgeLayer(VGroup):
    """The edges of one weight layer l between the shown neurons.

    Small diagrams: one Line per edge. Dense ones: one EdgeBundle (`bundle`)
    with every edge, in row-major (j, k) order. While a recolour animation
    runs, the edges that change are moved to `moving` (an EdgeBundle kept in
    the diagram's `moving_group`, after every layer's static bundle), so only
    they are redrawn each frame; when no animation claims them any more they
    go back into `bundle`."""

    def __init__(self, diagram: NetworkDiagram, l: int, dense: bool, moving_group: VGroup | None = None):
        super().__init__()
        self._diagram = _Ref(diagram)
        self.l = l
        self.dense = dense
        self.rows = diagram.shown(l)  # j
        self.cols = diagram.shown(l - 1)  # k
        self.u = np.zeros((len(self.rows), len(self.cols)))  # value / scale in [-1, 1]
        self.lines: dict[tuple[int, int], Line] = {}
        if dense:
            self.moving_group = moving_group if moving_group is not None else VGroup()
            self.mask = np.zeros(self.u.size, dtype=bool)  # edges in `moving`
            self.claims: dict[int, np.ndarray] = {}  # id(animation) -> edges it animates
            self.bundle = EdgeBundle()
            self.bundle_index = np.zeros(0, dtype=int)
            self.moving = EdgeBundle()
            self.add(self.bundle)
        else:
            starts, ends = self.geometry()
            for a, j in enumerate(self.rows):
                for b, k in enumerate(self.cols):
                    line = Line(starts[a, b], ends[a, b], stroke_width=1)
                    self.lines[(j, k)] = line
                    self.add(line)

    @property
    def diagram(self) -> NetworkDiagram:
        return self._diagram()

    def geometry(self) -> tuple[np.ndarray, np.ndarray]:
        """Start (layer l-1 side) and end points of every edge, from the live
        neuron positions (so a moved or scaled diagram stays right)."""
        d = self.diagram
        c_from = np.array([d.neuron(self.l - 1, k).get_center() for k in self.cols])
        c_to = np.array([d.neuron(self.l, j).get_center() for j in self.rows])
        r_from = np.array([d.neuron(self.l - 1, k).width / 2 for k in self.cols])
        r_to = np.array([d.neuron(self.l, j).width / 2 for j in self.rows])
        vec = c_to[:, None, :] - c_from[None, :, :]
        unit = vec / np.maximum(np.linalg.norm(vec, axis=2, keepdims=True), 1e-9)
        starts = c_from[None, :, :] + unit * r_from[None, :, None]
        ends = c_to[:, None, :] - unit * r_to[:, None, None]
        return starts, ends

    def styles(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """RGBA (n, 4) and widths (n,) of dense edges with values u."""
        return edge_styles(u, self.diagram.theme, self.diagram.edge_widths, levels=True)

    def apply(self, u: np.ndarray) -> None:
        """Draw the edges for normalised values u (shape rows x cols)."""
        self.u = np.clip(np.asarray(u, dtype=float), -1.0, 1.0).reshape(len(self.rows), len(self.cols))
        theme = self.diagram.theme
        if not self.dense:
            for a, j in enumerate(self.rows):
                for b, k in enumerate(self.cols):
                    color, width = edge_style(self.u[a, b], theme, self.diagram.edge_widths)
                    self.lines[(j, k)].set_stroke(color=color, width=width, opacity=1)
            return
        self._rebuild()

    def _rebuild(self) -> None:
        """Refill `bundle` (edges not claimed) and `moving` (claimed ones) from
        the live geometry and the values u."""
        starts, ends = self.geometry()
        starts, ends = starts.reshape(-1, 3), ends.reshape(-1, 3)
        rgba, width = self.styles(self.u)
        mask = np.zeros(self.u.size, dtype=bool)
        for claimed in self.claims.values():
            mask |= claimed
        self.mask = mask
        # static edges in drawing order: by level, the strongest of each sign on top
        rest = np.flatnonzero(~mask)
        rest = rest[np.argsort(edge_levels(self.u.reshape(-1)[rest]), kind="stable")]
        self.bundle_index = rest  # flat (row-major) index of each edge of `bundle`
        self.bundle.set_data(starts[rest], ends[rest], rgba[rest], width[rest])
        if mask.any():
            b, m = self.bundle, self.moving
            m.stroke_rgbas = b.stroke_rgbas.copy()  # the same opacity (dimmed, faded) as the rest
            m.cap_style, m.joint_type, m.z_index = b.cap_style, b.joint_type, b.z_index
            m.set_data(starts[mask], ends[mask], rgba[mask], width[mask])
            m.draw_order = np.argsort(edge_levels(self.u.reshape(-1)[mask]), kind="stable")
            if self.moving not in self.moving_group.submobjects:
                self.moving_group.add(self.moving)
        elif self.moving in self.moving_group.submobjects:
            self.moving_group.remove(self.moving)

    def claim(self, key: int, mask: np.ndarray) -> None:
        """Animation `key` will animate the edges in mask: split them out."""
        old = self.claims.get(key)
        if old is not None and not (mask & ~old).any():
            return
        self.claims[key] = mask if old is None else (mask | old)
        self._rebuild()

    def release(self, key: int) -> None:
        if self.claims.pop(key, None) is not None:
            self._rebuild()

    def set_moving(self, idx: np.ndarray, pos: np.ndarray, u: np.ndarray) -> None:
        """Edges idx (flat indices, all claimed; pos: their places in `moving`)
        take values u."""
        self.u.flat[idx] = u
        rgba, width = self.styles(u)
        m = self.moving
        m.edge_rgbas[pos] = rgba
        m.edge_widths[pos] = width
        m.draw_order = np.argsort(edge_levels(self.u.reshape(-1)[self.mask]), kind="stable")

    def line_for(self, j: int, k: int) -> Line:
        if not self.dense:
            return self.lines[(j, k)]
        starts, ends = self.geometry()
        a, b = self.rows.index(j), self.cols.index(k)
        color, width = edge_style(self.u[a, b], self.diagram.theme, self.diagram.edge_widths)
        return Line(starts[a, b], ends[a, b], stroke_color=color, stroke_width=width)


class _EdgeMorph(Animation):
    """Edges of some layers going from their current values to new ones.

    Small diagrams: the animated mobject is the diagram's whole edge group.
    Dense ones: the edges whose colour or width changes are split out of
    their layer's static bundle when the animation is made (and again at its
    start, if more have to move by then), the animated mobject is the
    diagram's moving group, so each frame redraws only the moving edges (and
    what is drawn above them); they go back into the static bundles at the end.
    """

    def __init__(self, group: VGroup, layers: dict[_EdgeLayer, np.ndarray], moving_group: VGroup | None = None,
                 **kwargs):
        self.targets = {layer: np.clip(np.asarray(u, dtype=float), -1.0, 1.0) for layer, u in layers.items()}
        self.dense = moving_group is not None
        if self.dense:
            self._claim()
        super().__init__(moving_group if self.dense else group, **kwargs)

    def _changed(self, layer: _EdgeLayer) -> np.ndarray:
        target = self.targets[layer].reshape(-1)
        rgba0, w0 = layer.styles(layer.u.reshape(-1))
        rgba1, w1 = layer.styles(target)
        return (np.abs(rgba1 - rgba0).max(axis=1) > CHANGE_TOLERANCE[0]) | (np.abs(w1 - w0) > CHANGE_TOLERANCE[1])

    def _claim(self) -> None:
        for layer in self.targets:
            layer.claim(id(self), self._changed(layer))

    def create_starting_mobject(self) -> Mobject:
        return Mobject()  # nothing to copy: the start is the stored values

    def begin(self) -> None:
        self.starts = {layer: layer.u.copy() for layer in self.targets}
        if self.dense:
            self._claim()  # values may have changed since the animation was made
            self.moving_idx = {}
            for layer in self.targets:
                idx = np.flatnonzero(layer.claims[id(self)])
                self.moving_idx[layer] = (idx, np.searchsorted(np.flatnonzero(layer.mask), idx))
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        t = self.rate_func(alpha)
        for layer, target in self.targets.items():
            start = self.starts[layer]
            if not self.dense:
                layer.apply(start + (target - start) * t)
                continue
            idx, pos = self.moving_idx[layer]
            if len(idx):
                s, e = start.reshape(-1)[idx], target.reshape(-1)[idx]
                layer.set_moving(idx, pos, s + (e - s) * t)

    def finish(self) -> None:
        super().finish()
        if not self.dense:
            return
        for layer, target in self.targets.items():
            others = np.zeros(layer.u.size, dtype=bool)
            for key, claimed in layer.claims.items():
                if key != id(self):
                    others |= claimed
            u = layer.u.reshape(-1).copy()
            u[~others] = target.reshape(-1)[~others]  # also the changes too small to animate
            layer.u = u.reshape(layer.u.shape)
            layer.claims.pop(id(self), None)
            layer._rebuild()


class _Flash(Animation):
    """A short bright segment travelling along every edge of one layer."""

    def __init__(
        self, layer: _EdgeLayer, color: str, width: float, reverse: bool = False, tail: float = 0.35, **kwargs
    ):
        self.layer = layer
        self.reverse = reverse
        self.tail = tail
        starts, ends = layer.geometry()
        self.s, self.e = starts.reshape(-1, 3), ends.reshape(-1, 3)
        if reverse:
            self.s, self.e = self.e, self.s
        # one stroke per segment with FastEdgeCamera; one path with the default camera
        mob = EdgeBundle(self.s, self.s, stroke_color=color, stroke_width=width)
        mob.clear_points()
        super().__init__(mob, remover=True, introducer=True, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return Mobject()

    def interpolate_mobject(self, alpha: float) -> None:
        a = self.rate_func(alpha) * (1 + self.tail)
        lo, hi = max(a - self.tail, 0.0), min(a, 1.0)
        if hi - lo < 1e-3:
            self.mobject.clear_points()
            return
        p0 = self.s + (self.e - self.s) * lo
        p1 = self.s + (self.e - self.s) * hi
        self.mobject.set_edges(p0, p1)


class _FillMorph(Animation):
    """Neurons' fill opacities going to new values (no copies of the neurons)."""

    def __init__(self, group: VGroup, neurons: list[Circle], targets: list[float], color: str, **kwargs):
        self.neurons, self.targets, self.color = neurons, targets, color
        super().__init__(group, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return Mobject()

    def begin(self) -> None:
        self.starts = [c.get_fill_opacity() for c in self.neurons]
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        t = self.rate_func(alpha)
        for c, a, b in zip(self.neurons, self.starts, self.targets, strict=True):
            c.set_fill(self.color, opacity=a + (b - a) * t)


class _Crossfade(Animation):
    """Replace the content of a slot (a VGroup) by fading out, then in."""

    def __init__(self, slot: VGroup, new: Mobject | None, **kwargs):
        self.slot = slot
        self.old = slot.submobjects[0] if slot.submobjects else None
        self.new = new
        super().__init__(slot, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return Mobject()

    def interpolate_mobject(self, alpha: float) -> None:
        t = round(self.rate_func(alpha) * 8) / 8  # a few opacity levels: restyling text is slow
        if t == getattr(self, "_last", None):
            return
        self._last = t
        if t < 0.5:
            if self.old is not None:
                self.slot.submobjects = [self.old]
                self.old.set_opacity(1 - 2 * t)
        else:
            if self.old is not None:
                self.old.set_opacity(0)
            self.slot.submobjects = [self.new] if self.new is not None else []
            if self.new is not None:
                self.new.set_opacity(2 * t - 1)

    def finish(self) -> None:
        super().finish()
        self.slot.submobjects = [self.new] if self.new is not None else []
        if self.new is not None:
            self.new.set_opacity(1)


class NetworkDiagram(VGroup):
    """A feed-forward network drawn the lesson's way (see the module docstring)."""

    def __init__(
        self,
        network: Network,
        activations: Sequence[np.ndarray] | None,
        theme: style.Theme,
        *,
        max_shown: int = 16,
        height: float = 5.5,
        width: float = 9.0,
        show_values: bool = True,
        neuron_radius: float | None = None,
        weight_scale: float | None = None,
        edge_widths: tuple[float, float] | None = None,
        scene: Any = None,
        source: str | None = None,
        min_text_height: float | None = None,
        output_labels: Sequence[str] | None = None,
        value_font_size: float = VALUE_FONT_SIZE,
    ):
        super().__init__()
        self.network = network
        self.theme = theme
        self.sizes = network.sizes
        self.L = network.L
        self.max_shown = max_shown
        self.show_values = show_values
        # None: a number inside a neuron must be readable at 480p (checks.MIN_TEXT_PX), else it is left out
        self.min_text_height = min_text_height
        self.value_font_size = value_font_size
        self._scene = _Ref(scene)
        self._source = source
        self._shown: list[list[int]] = []
        self._gap: list[int | None] = []
        for n in self.sizes:
            idx, gap = shown_indices(n, max_shown)
            self._shown.append(idx)
            self._gap.append(gap)
        n_edges = sum(len(self._shown[l]) * len(self._shown[l - 1]) for l in range(1, self.L + 1))
        self.dense = n_edges > DENSE_EDGES
        if edge_widths is None:
            lo, hi = style.SIZES.edge_min_width, style.SIZES.edge_max_width
            if n_edges > 60:
                hi = 3.0 if not self.dense else 2.2
                lo = 0.4
            edge_widths = (lo, hi)
        self.edge_widths = edge_widths
        self.weight_scale = weight_scale or max(float(np.max(np.abs(W))) for W in network.weights) or 1.0

        # geometry: one vertical slot per shown neuron (+ one for an ellipsis)
        slots = max(len(s) + (g is not None) for s, g in zip(self._shown, self._gap, strict=True))
        spacing = min(height / max(slots, 1), 1.1)
        r = neuron_radius if neuron_radius is not None else min(style.SIZES.neuron_radius, 0.4 * spacing)
        spacing = max(spacing, 2.3 * r)
        self.radius = r
        xs = np.linspace(-width / 2 + r, width / 2 - r, self.L + 1)

        self._neurons: dict[tuple[int, int], Circle] = {}
        self._layers: list[VGroup] = []
        self._slots: dict[tuple[int, int], VGroup] = {}
        self._ellipses: dict[int, Mobject] = {}
        self._braces: dict[int, Brace] = {}
        self._size_labels: dict[int, Mobject] = {}
        neurons = VGroup()
        extras = VGroup()
        for l, idx in enumerate(self._shown):
            gap = self._gap[l]
            n_slots = len(idx) + (gap is not None)
            ys = ((n_slots - 1) / 2 - np.arange(n_slots)) * spacing
            group = VGroup()
            for pos, j in enumerate(idx):
                slot = pos + (1 if gap is not None and pos >= gap else 0)
                c = Circle(radius=r, stroke_color=theme.ink, stroke_width=1.5 if r > 0.2 else 1.0)
                c.set_fill(theme.neuron_fill, opacity=0)
                c.move_to([xs[l], ys[slot], 0])
                self._neurons[(l, j)] = c
                group.add(c)
            self._layers.append(group)
            neurons.add(group)
            if gap is not None:
                dots = MathTex(r"\vdots", color=theme.muted, font_size=style.SIZES.tex)
                dots.scale_to_fit_height(min(0.9 * spacing, 0.6))
                dots.move_to([xs[l], ys[gap], 0])
                brace = Brace(VGroup(group, dots), direction=LEFT, color=theme.muted, buff=0.1)
                count = MathTex(str(self.sizes[l]), color=theme.muted, font_size=style.SIZES.tex_small)
                if l == 0:  # nothing left of the input layer: the count at the brace's tip
                    brace.put_at_tip(count, buff=0.1)
                else:  # left of a later layer lie its incoming edges: the count goes above the column
                    count.next_to(VGroup(group, brace), UP, buff=0.1)
                self._ellipses[l], self._braces[l], self._size_labels[l] = dots, brace, count
                extras.add(dots, brace, count)

        self.edge_layers: dict[int, _EdgeLayer] = {}
        edges = VGroup()
        # dense diagrams: the edges being recoloured, drawn after every static edge
        self.moving_group = VGroup() if self.dense else None
        for l in range(1, self.L + 1):
            layer = _EdgeLayer(self, l, self.dense, self.moving_group)
            self.edge_layers[l] = layer
            edges.add(layer)
        if self.dense:
            edges.add(self.moving_group)
        labels = VGroup()
        for key in self._neurons:
            slot = VGroup()
            self._slots[key] = slot
            labels.add(slot)
        self.edge_group, self.neuron_group, self.label_group, self.extras = edges, neurons, labels, extras
        self.add(edges, neurons, labels, extras)
        self._output_labels: dict[int, Mobject] = {}
        if output_labels is not None:
            self.output_label_group = self._make_output_labels(output_labels)
            self.add(self.output_label_group)
        for l in range(1, self.L + 1):
            self.edge_layers[l].apply(self._weight_u(network, l))
        self.activations: list[np.ndarray] | None = None
        if activations is not None:
            self.set_activations(activations, source=source)
        self.move_to(ORIGIN)

    # --- lookup ---------------------------------------------------------------
    def shown(self, l: int) -> list[int]:
        return self._shown[l]

    def neuron(self, l: int, j: int) -> Circle:
        try:
            return self._neurons[(l, j)]
        except KeyError:
            raise KeyError(f"neuron {j} of layer {l} is not shown (shown: {self._shown[l]})") from None

    def value_label(self, l: int, j: int) -> Mobject | None:
        slot = self._slots.get((l, j))
        return slot.submobjects[0] if slot is not None and slot.submobjects else None

    def layer(self, l: int) -> VGroup:
        return self._layers[l]

    def edges(self, l: int) -> VGroup:
        return self.edge_layers[l]

    def edge(self, l: int, j: int, k: int) -> Mobject | None:
        if (l, j) not in self._neurons or (l - 1, k) not in self._neurons:
            return None
        return self.edge_layers[l].line_for(j, k)

    def ellipsis(self, l: int) -> Mobject | None:
        return self._ellipses.get(l)

    def brace(self, l: int) -> Brace | None:
        return self._braces.get(l)

    def size_label(self, l: int) -> Mobject | None:
        return self._size_labels.get(l)

    def output_label(self, j: int) -> Mobject | None:
        """The label beside output neuron j (a digit), or None."""
        return self._output_labels.get(j)

    def _make_output_labels(self, texts: Sequence[str]) -> VGroup:
        n = self.sizes[self.L]
        if len(texts) != n:
            raise ValueError(f"output_labels: expected {n} labels (one per output neuron), got {len(texts)}")
        group = VGroup()
        for j in self._shown[self.L]:
            lab = MathTex(str(texts[j]), color=self.theme.ink, font_size=LABEL_FONT_SIZE)
            lab.next_to(self.neuron(self.L, j), RIGHT, buff=0.15)
            self._output_labels[j] = lab
            group.add(lab)
        return group

    def outer_x(self, l: int, side: np.ndarray = RIGHT, buff: float = 0.15) -> float:
        """x beyond layer l's neurons on `side` (and beyond the output labels), for labels beside them."""
        mobs: list[Mobject] = [self.neuron(l, j) for j in self._shown[l]]
        if l == self.L and float(side[0]) > 0:
            mobs += list(self._output_labels.values())
        group = VGroup(*mobs)
        return float(group.get_right()[0] + buff) if float(side[0]) > 0 else float(group.get_left()[0] - buff)

    def side_numbers(
        self,
        l: int,
        values: Any,
        js: Sequence[int] | None = None,
        *,
        side: np.ndarray = RIGHT,
        scene: Any = None,
        label: str | None = None,
        source: str | None = None,
        decimals: int = style.DECIMALS,
        color: str | None = None,
        font_size: float = LABEL_FONT_SIZE,
        buff: float = 0.15,
    ) -> VGroup:
        """Readable numbers beside neurons js (default: every shown one) of layer l, in a
        column outside the layer (right of the output labels), each level with its neuron.
        values: one per neuron of layer l. With `scene`, each is recorded (`label`, `source`:
        templates with {l} and {j}) and registered. For big columns where numbers cannot sit
        inside the neurons: the neurons show values by brightness, the column the few that matter."""
        vals = np.asarray(values, dtype=float).reshape(-1)
        if vals.size != self.sizes[l]:
            raise ValueError(f"side_numbers: expected {self.sizes[l]} values for layer {l}, got {vals.size}")
        js = list(self._shown[l] if js is None else js)
        x = self.outer_x(l, side, buff)
        group = VGroup()
        for j in js:
            v = float(vals[j])
            mob = DecimalNumber(v, num_decimal_places=decimals, font_size=font_size,
                                color=color or self.theme.ink)
            if scene is not None and source is not None:
                scene.record(v, label=(label or "{l},{j}").format(l=l, j=j), source=source.format(l=l, j=j),
                             decimals=decimals)
                scene.registered(mob)
            mob.match_y(self.neuron(l, j))
            if float(side[0]) > 0:
                mob.set_x(x + mob.width / 2)
            else:
                mob.set_x(x - mob.width / 2)
            group.add(mob)
        return group

    # --- activations ---------------------------------------------------------
    def _label(self, l: int, j: int, value: float) -> DecimalNumber | None:
        if not self.show_values:
            return None
        bright = float(np.clip(value, 0, 1)) > 0.5
        color = self.theme.neuron_text_bright if bright else self.theme.ink
        key = (f"{value:.{style.DECIMALS}f}", str(color), float(self.value_font_size))
        if key not in _LABELS:  # building a DecimalNumber is slow; equal texts are copies
            _LABELS[key] = DecimalNumber(
                value, num_decimal_places=style.DECIMALS, font_size=self.value_font_size, color=color
            )
        mob = _LABELS[key].copy()
        mob.number = value  # the same text; get_value() gives the exact activation
        limit = 1.75 * self.radius  # a number this wide and one digit high still lies inside the circle
        if self.min_text_height is None:
            # readable or nothing: a number is never shrunk below its readable size, so a column
            # shows all its numbers or (the brightness alone telling the values) none of them
            if mob.width > limit or (checks.text_px(mob) or 0.0) < checks.MIN_TEXT_PX - 1e-6:
                return None
        else:
            if mob.width > limit:
                mob.scale_to_fit_width(limit)
            if mob.height < self.min_text_height:
                return None
        mob.move_to(self.neuron(l, j))
        return mob

    def _check_activations(self, activations: Sequence[np.ndarray]) -> list[np.ndarray]:
        acts = [np.asarray(a, dtype=float).reshape(-1) for a in activations]
        if len(acts) != self.L + 1 or any(a.size != n for a, n in zip(acts, self.sizes, strict=True)):
            raise ValueError(
                f"activations: expected {self.L + 1} layers of sizes {self.sizes}, got sizes {[a.size for a in acts]}"
            )
        return acts

    def _record(self, source: str | None) -> None:
        if self._scene() is not None and source is not None:
            self.record_numbers(self._scene(), source)

    def set_activations(self, activations: Sequence[np.ndarray], source: str | None = None) -> None:
        """Light the neurons and write their values now (no animation)."""
        acts = self._check_activations(activations)
        self.activations = acts
        for (l, j), c in self._neurons.items():
            c.set_fill(self.theme.neuron_fill, opacity=float(np.clip(acts[l][j], 0, 1)))
            label = self._label(l, j, acts[l][j])
            self._slots[(l, j)].submobjects = [label] if label is not None else []
        self._record(source)

    def animate_activations(self, activations: Sequence[np.ndarray], source: str | None = None, **kwargs) -> Animation:
        """Neurons fade to new activations, their numbers cross-fade. With the
        diagram's scene and `source`, the new numbers are recorded now."""
        acts = self._check_activations(activations)
        self.activations = acts
        anims: list[Animation] = []
        new_labels: dict[tuple[int, int], Mobject | None] = {}
        keys = list(self._neurons)
        anims.append(
            _FillMorph(
                self.neuron_group,
                [self._neurons[key] for key in keys],
                [float(np.clip(acts[l][j], 0, 1)) for (l, j) in keys],
                self.theme.neuron_fill,
            )
        )
        for l, j in keys:
            new_labels[(l, j)] = self._label(l, j, acts[l][j])
            anims.append(_Crossfade(self._slots[(l, j)], new_labels[(l, j)]))
        if self._scene() is not None and source is not None:
            self._record_labels(self._scene(), source, new_labels)
        kwargs.setdefault("run_time", style.TIMINGS.transform)
        return AnimationGroup(*anims, **kwargs)

    def clear_activations(self, **kwargs) -> Animation:
        """Empty neurons, no numbers."""
        anims: list[Animation] = []
        for key, c in self._neurons.items():
            anims.append(c.animate.set_fill(self.theme.neuron_fill, opacity=0))
            anims.append(_Crossfade(self._slots[key], None))
        self.activations = None
        return AnimationGroup(*anims, **kwargs)

    # --- numbers for the manifest -------------------------------------------
    @staticmethod
    def value_name(l: int, j: int) -> str:
        """a_j^{(l)} (x_j for the input layer)."""
        return symbol_tex("a", l, (j,), multi=True) if l > 0 else symbol_tex("x", None, (j,), multi=True)

    def shown_numbers(self) -> list[tuple[str, float, int, int]]:
        """(label, value, l, j) of every number currently written in a neuron."""
        if self.activations is None:
            return []
        return [
            (self.value_name(l, j), float(self.activations[l][j]), l, j)
            for (l, j), slot in self._slots.items()
            if slot.submobjects
        ]

    def record_numbers(self, scene: Any, source: str) -> None:
        """Record every number inside a neuron with `scene.record` (source: the
        template with {l} and {j} filled in) and register the labels."""
        self._record_labels(scene, source, {key: self.value_label(*key) for key in self._slots})

    def _record_labels(self, scene: Any, source: str, labels: dict[tuple[int, int], Mobject | None]) -> None:
        for (l, j), label in labels.items():
            if label is None:
                continue
            scene.record(self.activations[l][j], label=self.value_name(l, j), source=source.format(l=l, j=j))
            scene.registered(label)

    # --- edges ---------------------------------------------------------------
    def _weight_u(self, network: Network, l: int) -> np.ndarray:
        W = network.W(l)
        rows, cols = self._shown[l], self._shown[l - 1]
        return W[np.ix_(rows, cols)] / self.weight_scale

    def animate_weights(self, network: Network, **kwargs) -> Animation:
        """Edges recoloured and resized to another network's weights (same
        sizes, same scale as the diagram's own weights)."""
        if network.sizes != self.sizes:
            raise ValueError(f"network: expected sizes {self.sizes}, got {network.sizes}")
        self.network = network
        targets = {self.edge_layers[l]: self._weight_u(network, l) for l in range(1, self.L + 1)}
        kwargs.setdefault("run_time", style.TIMINGS.transform)
        return _EdgeMorph(self.edge_group, targets, self.moving_group, **kwargs)

    def set_weights(self, network: Network) -> None:
        self.network = network
        for l in range(1, self.L + 1):
            self.edge_layers[l].apply(self._weight_u(network, l))

    def edge_values(
        self, values_per_layer: Mapping[int, Any] | Sequence[Any], scale: float | None = None
    ) -> dict[_EdgeLayer, np.ndarray]:
        vals = _as_layer_dict(values_per_layer)
        if scale is None:
            scale = max(float(np.max(np.abs(v))) for v in vals.values()) or 1.0
        out = {}
        for l, v in vals.items():
            want = (self.sizes[l], self.sizes[l - 1])
            if v.shape != want:
                raise ValueError(f"values for layer {l}: expected shape {want}, got {v.shape}")
            out[self.edge_layers[l]] = v[np.ix_(self._shown[l], self._shown[l - 1])] / scale
        return out

    def color_edges_by(
        self, values_per_layer: Mapping[int, Any] | Sequence[Any], scale: float | None = None, **kwargs
    ) -> Animation:
        """Edges coloured by any per-edge value (blue positive, red negative,
        stronger and wider with |value| / scale)."""
        kwargs.setdefault("run_time", style.TIMINGS.transform)
        return _EdgeMorph(self.edge_group, self.edge_values(values_per_layer, scale), self.moving_group, **kwargs)

    def set_edges_by(self, values_per_layer: Mapping[int, Any] | Sequence[Any], scale: float | None = None) -> None:
        for layer, u in self.edge_values(values_per_layer, scale).items():
            layer.apply(u)

    def flash_layer(self, l: int, reverse: bool = False, **kwargs) -> Animation:
        kwargs.setdefault("run_time", style.TIMINGS.flash)
        width = max(self.edge_widths[1] * 0.8, 2.0)
        return _Flash(self.edge_layers[l], self.theme.highlight, width, reverse=reverse, **kwargs)

    def forward_pass(self, run_time: float | None = None) -> Animation:
        """Flashes along the edges, layer by layer from the input."""
        each = (run_time / self.L) if run_time else style.TIMINGS.flash
        return Succession(*(self.flash_layer(l, run_time=each) for l in range(1, self.L + 1)))

    def backward_pass(self, run_time: float | None = None) -> Animation:
        """Flashes along the edges from the output back to the input."""
        each = (run_time / self.L) if run_time else style.TIMINGS.flash
        return Succession(*(self.flash_layer(l, reverse=True, run_time=each) for l in range(self.L, 0, -1)))
