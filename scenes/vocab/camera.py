"""A Cairo camera that draws an EdgeBundle edge by edge.

Manim's camera strokes a VMobject as ONE cairo path. For a bundle of many
crossing straight edges that is slow (cairo's stroker resolves every
intersection of the path with itself) and it can only use one colour. Here a
bundle is drawn with one move_to/line_to/stroke per edge, in the edge's own
colour and width (its alpha times the bundle's stroke opacity), with the same
context as manim's (scene coordinates, antialiasing, line cap and join as
the base camera sets them). Everything else goes to the base camera.

Scenes use it through `LessonScene` (camera_class); a plain Scene can pass
`camera_class=FastEdgeCamera`.
"""

from __future__ import annotations

import cairo
import numpy as np
from manim import Camera, VMobject
from manim.camera.camera import CAP_STYLE_MAP, LINE_JOIN_MAP
from manim.constants import CapStyleType, LineJointType

from scenes.vocab.edges import EdgeBundle

__all__ = ["FastEdgeCamera"]


class FastEdgeCamera(Camera):
    """Camera with a fast path for EdgeBundle (see the module docstring)."""

    def display_vectorized(self, vmobject: VMobject, ctx: cairo.Context):
        if isinstance(vmobject, EdgeBundle) and vmobject.is_drawable():
            self.display_edge_bundle(vmobject, ctx)
            return self
        return super().display_vectorized(vmobject, ctx)

    def display_edge_bundle(self, bundle: EdgeBundle, ctx: cairo.Context) -> None:
        if bundle.n_edges == 0:
            return
        if bundle.get_stroke_width(background=True) > 0 and bundle.get_stroke_opacity(background=True) > 0:
            self.set_cairo_context_path(ctx, bundle)
            self.apply_stroke(ctx, bundle, background=True)
            ctx.new_path()
        if bundle.get_stroke_width() == 0:
            return  # as the base camera: a zero stroke width draws nothing
        points = self.transform_points_pre_display(bundle, bundle.points)
        if len(points) != 4 * bundle.n_edges:
            return  # non-finite points: the base camera draws nothing either
        alpha = bundle.edge_rgbas[:, 3] * bundle.get_stroke_opacity()
        width = bundle.edge_widths * self.cairo_line_width_multiple
        keep = (alpha > 0) & (width > 0)
        if not keep.any():
            return
        if bundle.joint_type != LineJointType.AUTO:
            ctx.set_line_join(LINE_JOIN_MAP[bundle.joint_type])
        if bundle.cap_style != CapStyleType.AUTO:
            ctx.set_line_cap(CAP_STYLE_MAP[bundle.cap_style])
        order = bundle.draw_order
        if order is not None and len(order) == bundle.n_edges:
            keep = order[keep[order]]  # the kept edges, in drawing order
        pts = points.reshape(-1, 4, 3)[keep]
        rgba = bundle.edge_rgbas[keep]
        # cairo's ARGB32 surface holds manim's pixels with red and blue swapped,
        # hence (b, g, r) as in Camera.set_cairo_context_color
        rows = np.column_stack(
            [pts[:, 0, :2], pts[:, 3, :2], rgba[:, 2], rgba[:, 1], rgba[:, 0], alpha[keep], width[keep]]
        ).tolist()
        move_to, line_to, set_rgba = ctx.move_to, ctx.line_to, ctx.set_source_rgba
        set_width, stroke = ctx.set_line_width, ctx.stroke
        ctx.new_path()
        for x0, y0, x1, y1, b, g, r, a, w in rows:
            move_to(x0, y0)
            line_to(x1, y1)
            set_rgba(b, g, r, a)
            set_width(w)
            stroke()
