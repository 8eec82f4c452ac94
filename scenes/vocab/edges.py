"""Many straight edges in one mobject, each with its own colour and width.

    b = EdgeBundle(starts, ends, colors=rgba, widths=w)   # starts, ends: (N, 3)
    b.n_edges, b.starts, b.ends, b.edge_rgbas (N, 4), b.edge_widths (N,)
    b.set_edge_colors(rgba_or_colours), b.set_edge_widths(w), b.set_edges(starts, ends)
    b.draw_order                     None, or the order FastEdgeCamera draws the edges in
    b.subset(mask_or_indices)        a new bundle holding some of the edges
    EdgeBundle.join(b1, b2, ...)     one bundle holding the edges of several

Its VMobject points are the edges as straight cubic subpaths (4 points each),
so bounding boxes, moving, scaling, copies, layout checks and the default
camera work as for any VMobject (the default camera draws every edge in the
bundle's own stroke colour, the mean of the edge colours). The per-edge
colours and widths are drawn by `scenes.vocab.camera.FastEdgeCamera`, one
cairo stroke per edge.

Styling: `set_stroke(color=..., width=...)` / `set_color` set every edge; the
bundle's stroke opacity (set_opacity, fade, FadeIn/FadeOut) multiplies each
edge's own alpha. Transform and `become` interpolate the per-edge arrays
(`interpolate_color` is where Mobject.interpolate and become meet), so
`Transform(b, b2)` and `b.animate.set_edge_colors(...)` recolour edge by edge;
Create/Uncreate grow every edge along its own length.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from manim import ManimColor, VMobject
from manim.utils.bezier import interpolate

__all__ = ["EdgeBundle", "to_rgba_array"]

_T = np.array([0.0, 1 / 3, 2 / 3, 1.0])[None, :, None]  # a straight cubic per edge


def _is_one_color(c: Any) -> bool:
    if isinstance(c, str | ManimColor):
        return True
    return isinstance(c, Sequence | np.ndarray) and len(c) in (3, 4) and isinstance(c[0], int | float | np.number)


def to_rgba_array(colors: Any, n: int) -> np.ndarray:
    """(n, 4) float RGBA from an (n, 3|4) array, one colour or a list of n colours."""
    if isinstance(colors, np.ndarray) and colors.dtype.kind == "f" and colors.ndim == 2:
        if colors.shape[1] == 3:
            colors = np.column_stack([colors, np.ones(len(colors))])
        if colors.shape != (n, 4):
            raise ValueError(f"edge colours: expected shape ({n}, 4), got {colors.shape}")
        return colors.astype(float, copy=True)
    if _is_one_color(colors):
        return np.tile(ManimColor.parse(colors).to_rgba(), (n, 1))
    out = np.array([ManimColor.parse(c).to_rgba() for c in colors], dtype=float).reshape(-1, 4)
    if len(out) != n:
        raise ValueError(f"edge colours: expected {n}, got {len(out)}")
    return out


class EdgeBundle(VMobject):
    """N straight edges with per-edge RGBA and stroke widths (see the module docstring)."""

    def __init__(
        self,
        starts: np.ndarray | None = None,
        ends: np.ndarray | None = None,
        colors: Any = None,
        widths: Any = None,
        **kwargs: Any,
    ):
        self.edge_rgbas: np.ndarray | None = None  # None while VMobject.__init__ styles the mobject
        self.edge_widths: np.ndarray | None = None
        self.draw_order: np.ndarray | None = None  # FastEdgeCamera's drawing order (None: as stored)
        kwargs.setdefault("fill_opacity", 0.0)
        super().__init__(**kwargs)
        starts = np.zeros((0, 3)) if starts is None else np.asarray(starts, dtype=float).reshape(-1, 3)
        ends = starts if ends is None else np.asarray(ends, dtype=float).reshape(-1, 3)
        n = len(starts)
        rgb = self.stroke_rgbas[0, :3]
        self.edge_rgbas = np.tile(np.append(rgb, 1.0), (n, 1))
        self.edge_widths = np.full(n, float(self.stroke_width))
        self.set_edges(starts, ends)
        if colors is not None:
            self.set_edge_colors(colors)
        if widths is not None:
            self.set_edge_widths(widths)

    # --- the edges ------------------------------------------------------------
    @property
    def n_edges(self) -> int:
        return 0 if self.edge_widths is None else len(self.edge_widths)

    def is_drawable(self) -> bool:
        """True when the points are still one straight cubic per edge (a
        Transform to another kind of mobject can change that)."""
        return len(self.points) == 4 * self.n_edges

    def _edge_points(self) -> np.ndarray:
        if not self.is_drawable():
            raise ValueError(f"EdgeBundle: {len(self.points)} points do not make {self.n_edges} edges")
        return self.points.reshape(-1, 4, 3)

    @property
    def starts(self) -> np.ndarray:
        return self._edge_points()[:, 0].copy()

    @property
    def ends(self) -> np.ndarray:
        return self._edge_points()[:, 3].copy()

    def set_edges(self, starts: np.ndarray, ends: np.ndarray) -> EdgeBundle:
        """Move the edges (same number of edges)."""
        s = np.asarray(starts, dtype=float).reshape(-1, 3)
        e = np.asarray(ends, dtype=float).reshape(-1, 3)
        if len(s) != self.n_edges or len(e) != self.n_edges:
            raise ValueError(f"set_edges: expected {self.n_edges} starts and ends, got {len(s)} and {len(e)}")
        if len(s) == 0:
            self.clear_points()
        else:
            self.set_points((s[:, None, :] + (e - s)[:, None, :] * _T).reshape(-1, 3))
        return self

    def set_data(self, starts: np.ndarray, ends: np.ndarray, rgbas: Any, widths: Any) -> EdgeBundle:
        """Replace every edge (the number of edges may change)."""
        s = np.asarray(starts, dtype=float).reshape(-1, 3)
        n = len(s)
        self.edge_rgbas = to_rgba_array(rgbas, n)
        self.edge_widths = np.broadcast_to(np.asarray(widths, dtype=float), (n,)).copy()
        self.draw_order = None
        self.set_edges(s, ends)
        self._sync_style()
        return self

    def set_edge_colors(self, colors: Any) -> EdgeBundle:
        """Colours of the edges: an (N, 4) or (N, 3) float array, one colour, or N colours."""
        self.edge_rgbas = to_rgba_array(colors, self.n_edges)
        self._sync_style()
        return self

    def set_edge_widths(self, widths: Any) -> EdgeBundle:
        self.edge_widths = np.broadcast_to(np.asarray(widths, dtype=float), (self.n_edges,)).copy()
        self._sync_style()
        return self

    def _sync_style(self) -> None:
        """The bundle's own stroke colour and width (what the default camera
        draws) follow the mean of its edges; its stroke opacity stays the
        multiplier of every edge's alpha."""
        if self.n_edges:
            self.stroke_rgbas = self.stroke_rgbas.copy()
            self.stroke_rgbas[:, :3] = self.edge_rgbas[:, :3].mean(axis=0)
            self.stroke_width = float(self.edge_widths.mean())

    def subset(self, which: Any) -> EdgeBundle:
        """A copy holding only some edges (a boolean mask or indices), in order."""
        idx = np.arange(self.n_edges)[which]
        out = self.copy()
        pts = self._edge_points()[idx].reshape(-1, 3)
        out.edge_rgbas = self.edge_rgbas[idx].copy()
        out.edge_widths = self.edge_widths[idx].copy()
        out.draw_order = None
        if len(pts):
            out.set_points(pts)
        else:
            out.clear_points()
        out._sync_style()
        return out

    @classmethod
    def join(cls, *bundles: EdgeBundle) -> EdgeBundle:
        """One bundle with the edges of all (styled like the first)."""
        if not bundles:
            return cls()
        out = bundles[0].copy()
        pts = [b._edge_points().reshape(-1, 3) for b in bundles]
        out.edge_rgbas = np.concatenate([b.edge_rgbas for b in bundles])
        out.edge_widths = np.concatenate([b.edge_widths for b in bundles])
        out.draw_order = None
        allp = np.concatenate(pts)
        if len(allp):
            out.set_points(allp)
        else:
            out.clear_points()
        out._sync_style()
        return out

    # --- styling hooks --------------------------------------------------------
    def set_stroke(
        self,
        color: Any = None,
        width: float | None = None,
        opacity: float | None = None,
        background: bool = False,
        family: bool = True,
    ) -> EdgeBundle:
        super().set_stroke(color, width, opacity, background, family)
        if not background and self.edge_rgbas is not None:
            if color is not None:
                first = color if _is_one_color(color) else color[0]  # a gradient: its first colour
                self.edge_rgbas = self.edge_rgbas.copy()
                self.edge_rgbas[:, :3] = ManimColor.parse(first).to_rgb()
            if width is not None:
                self.edge_widths = np.full(self.n_edges, float(width))
        return self

    def _arrays_for(self, mob: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
        if isinstance(mob, EdgeBundle) and mob.n_edges == n:
            return mob.edge_rgbas, mob.edge_widths
        rgb = mob.get_stroke_rgbas()[0, :3] if hasattr(mob, "get_stroke_rgbas") else self.stroke_rgbas[0, :3]
        width = float(getattr(mob, "stroke_width", self.stroke_width))
        return np.tile(np.append(rgb, 1.0), (n, 1)), np.full(n, width)

    def interpolate_color(self, mobject1: Any, mobject2: Any, alpha: float) -> EdgeBundle:
        super().interpolate_color(mobject1, mobject2, alpha)
        if isinstance(mobject2, EdgeBundle) and (alpha >= 1 or not isinstance(mobject1, EdgeBundle)):
            n = mobject2.n_edges
        elif isinstance(mobject1, EdgeBundle):
            n = mobject1.n_edges
        else:
            n = self.n_edges
        r1, w1 = self._arrays_for(mobject1, n)
        r2, w2 = self._arrays_for(mobject2, n)
        order = getattr(mobject2 if alpha >= 0.5 else mobject1, "draw_order", None)
        self.draw_order = order.copy() if order is not None and len(order) == n else None
        if alpha >= 1:
            self.edge_rgbas, self.edge_widths = r2.copy(), w2.copy()
        else:
            self.edge_rgbas = interpolate(r1, r2, alpha)
            self.edge_widths = interpolate(w1, w2, alpha)
        return self

    def align_points(self, vmobject: VMobject) -> EdgeBundle:
        if isinstance(vmobject, EdgeBundle) and self.is_drawable() and vmobject.is_drawable():
            n = max(self.n_edges, vmobject.n_edges)
            for b in (self, vmobject):
                b._pad_to(n)
            return self
        return super().align_points(vmobject)

    def _pad_to(self, n: int) -> None:
        """Repeat edges (spread like manim's own point insertion) up to n edges."""
        if self.n_edges >= n:
            return
        self.draw_order = None
        if self.n_edges == 0:
            c = self.get_center() if self.has_points() else np.zeros(3)
            self.edge_rgbas = np.tile(np.append(self.stroke_rgbas[0, :3], 0.0), (n, 1))
            self.edge_widths = np.zeros(n)
            self.set_edges(np.tile(c, (n, 1)), np.tile(c, (n, 1)))
            return
        idx = np.arange(n) * self.n_edges // n
        pts = self._edge_points()[idx].reshape(-1, 3)
        self.edge_rgbas, self.edge_widths = self.edge_rgbas[idx], self.edge_widths[idx]
        self.set_points(pts)

    def pointwise_become_partial(self, vmobject: VMobject, a: float, b: float) -> EdgeBundle:
        """Every edge shown from fraction a to b of its length (Create grows them all)."""
        if not (isinstance(vmobject, EdgeBundle) and vmobject.is_drawable() and vmobject.n_edges == self.n_edges):
            return super().pointwise_become_partial(vmobject, a, b)
        p = vmobject._edge_points()
        s, e = p[:, 0], p[:, 3]
        if a <= 0 and b >= 1:
            self.set_points(vmobject.points.copy())
        elif self.n_edges:
            self.set_edges(s + (e - s) * a, s + (e - s) * b)
        return self
