"""The dependency tree of a one-neuron-per-layer chain.

Read from the top down: w^(l), a^(l-1) and b^(l) make z^(l); z^(l) makes
a^(l); at the bottom a^(L) and the desired output y make the cost C_0. The
tree starts with the layers from `lowest` to L and can grow upward one
layer at a time (a^(l-1) itself is made from w^(l-1), a^(l-2), b^(l-1)).

Room for the layers it may grow into (down to `reach`) is reserved from the
start by an invisible frame, so placing the tree once keeps it on screen
after it grows.

    tree = DependencyTree(nt, lowest=L, reach=L - 1)
    tree.node("z", L)                 # the MathTex of z^(L)
    tree.edge(("a", L - 1), ("z", L)) # the line from an input to what it makes
    nodes, edges = tree.grow()        # add layer L-1 (already placed); animate them in
    tree.path(("w", L - 1))           # keys from that weight down to C_0
    tree.path_edges(keys)             # the lines along that path
"""

from __future__ import annotations

from manim import DOWN, UP, Line, Rectangle, VGroup

from scenes import style
from scenes.vocab.equations import Notation

Key = tuple  # ("w", l) | ("b", l) | ("z", l) | ("a", l) | ("y",) | ("C",)


class DependencyTree(VGroup):
    """What each quantity is computed from, as a tree ending in the cost."""

    def __init__(
        self,
        nt: Notation,
        *,
        lowest: int | None = None,
        reach: int | None = None,
        row_gap: float = 0.78,
        col_gap: float = 1.25,
        font_size: float = style.SIZES.tex_small,
        edge_width: float = 2.0,
    ):
        super().__init__()
        self.nt = nt
        L = nt.L
        self.lowest = L if lowest is None else lowest
        self.reach = self.lowest if reach is None else min(reach, self.lowest)
        if not 1 <= self.reach <= self.lowest <= L:
            raise ValueError(f"tree: expected 1 <= reach <= lowest <= L={L}, got {self.reach}, {self.lowest}")
        self.row_gap, self.col_gap = row_gap, col_gap
        self.font_size = font_size
        self.edge_width = edge_width
        self.nodes: dict[Key, object] = {}
        self.edges: dict[tuple[Key, Key], Line] = {}
        self._positions = self._layout()
        self.frame = Rectangle(
            width=self._span[0], height=self._span[1], stroke_opacity=0, fill_opacity=0
        ).move_to(self._span_center)
        self.add(self.frame)
        self._add_base()
        for l in range(L, self.lowest - 1, -1):
            self._add_layer(l)
        self.shift(-self.frame.get_center())  # the reserved room is centred

    # --- layout -----------------------------------------------------------------
    def _layout(self) -> dict[Key, tuple[float, float]]:
        L, g, c = self.nt.L, self.row_gap, self.col_gap
        pos: dict[Key, tuple[float, float]] = {("C",): (0.0, 0.0), ("a", L): (-0.6 * c, g), ("y",): (0.6 * c, g)}
        x = -0.6 * c
        for l in range(L, self.reach - 1, -1):
            row = 2 * (L - l) + 2
            pos[("z", l)] = (x, row * g)
            pos[("w", l)] = (x - c, (row + 1) * g)
            pos[("a", l - 1)] = (x, (row + 1) * g)
            pos[("b", l)] = (x + c, (row + 1) * g)
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        pad = 0.45
        self._span = (max(xs) - min(xs) + 2 * pad + 0.4, max(ys) - min(ys) + 2 * pad)
        self._span_center = ((max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2, 0.0)
        return pos

    def _offset(self):
        """Layout coordinates -> screen: follow the invisible frame when moved."""
        return self.frame.get_center() - self._span_center

    def _place(self, key: Key):
        x, y = self._positions[key]
        return self._offset() + (x, y, 0.0)

    def _tex_of(self, key: Key) -> str:
        kind = key[0]
        if kind == "y":
            return self.nt.y
        if kind == "C":
            return self.nt.C
        return getattr(self.nt, kind)(key[1])

    def _make_node(self, key: Key):
        mob = self.nt.tex(self._tex_of(key), font_size=self.font_size)
        mob.move_to(self._place(key))
        self.nodes[key] = mob
        return mob

    def _make_edge(self, top: Key, bottom: Key) -> Line:
        a, b = self.nodes[top], self.nodes[bottom]
        line = Line(a.get_bottom() + 0.06 * DOWN, b.get_top() + 0.06 * UP,
                    color=self.nt.theme.muted, stroke_width=self.edge_width)
        self.edges[(top, bottom)] = line
        return line

    def _add_base(self) -> None:
        L = self.nt.L
        nodes = VGroup(*(self._make_node(k) for k in (("C",), ("a", L), ("y",))))
        edges = VGroup(self._make_edge(("a", L), ("C",)), self._make_edge(("y",), ("C",)))
        self.add(edges, nodes)

    def _add_layer(self, l: int) -> tuple[VGroup, VGroup]:
        """Nodes z^(l), w^(l), a^(l-1), b^(l) and their edges (a^(l) exists)."""
        nodes = VGroup(*(self._make_node(k) for k in (("z", l), ("w", l), ("a", l - 1), ("b", l))))
        edges = VGroup(
            self._make_edge(("z", l), ("a", l)),
            *(self._make_edge(k, ("z", l)) for k in (("w", l), ("a", l - 1), ("b", l))),
        )
        self.add(edges, nodes)
        return nodes, edges

    # --- use ----------------------------------------------------------------------
    @property
    def layers(self) -> list[int]:
        """Weight layers shown, from L down."""
        return list(range(self.nt.L, self.lowest - 1, -1))

    def node(self, kind: str, l: int | None = None):
        return self.nodes[(kind,) if l is None else (kind, l)]

    def edge(self, top: Key, bottom: Key) -> Line:
        return self.edges[(top, bottom)]

    def can_grow(self) -> bool:
        return self.lowest > self.reach

    def grow(self) -> tuple[VGroup, VGroup]:
        """Add the layer below the lowest shown: (new nodes, new edges).

        They are placed and part of the tree; the scene animates them in
        (e.g. ``Create(edges)``, ``FadeIn(nodes, shift=DOWN)``).
        """
        if not self.can_grow():
            raise ValueError(f"tree: cannot grow past layer {self.reach} (reserved room)")
        # a^(lowest-1) may have moved with the tree: keep new nodes relative to it
        self.lowest -= 1
        return self._add_layer(self.lowest)

    def path(self, param: Key) -> list[Key]:
        """Keys from a parameter (or activation) down the tree to C_0."""
        kind, l = param[0], param[1]
        keys: list[Key] = [param]
        if kind in ("w", "b"):
            keys.append(("z", l))
            keys.append(("a", l))
            l_next = l + 1
        elif kind == "a":
            keys_l = l
            l_next = keys_l + 1
        else:
            raise ValueError(f"tree.path: expected a weight, bias or activation key, got {param!r}")
        while l_next <= self.nt.L:
            keys += [("z", l_next), ("a", l_next)]
            l_next += 1
        keys.append(("C",))
        return keys

    def path_edges(self, keys: list[Key]) -> VGroup:
        return VGroup(*(self.edges[(a, b)] for a, b in zip(keys, keys[1:], strict=False)))
