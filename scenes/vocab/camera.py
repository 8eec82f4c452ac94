"""A Cairo camera that draws an EdgeBundle edge by edge.

Manim's camera strokes a VMobject as ONE cairo path. For a bundle of many
crossing straight edges that is slow (cairo's stroker resolves every
intersection of the path with itself) and it can only use one colour. Here a
bundle is drawn with one move_to/line_to/stroke per edge, in the edge's own
colour and width (its alpha times the bundle's stroke opacity), with the same
context as manim's (scene coordinates, antialiasing, line cap and join as
the base camera sets them). Everything else goes to the base camera.

Static overlay: during a play manim redraws, every frame, each mobject after
the first moving one, including the static ones drawn above it (neurons,
labels, braces above the edges). This camera remembers what it drew last
frame: the longest run at the END of the display list whose mobjects are the
same objects with the same points and style as last frame (and are plain
VMobjects without a background image) is drawn once onto a transparent
raster, which is then painted (cairo OVER) onto each following frame for as
long as that run stays unchanged. A mobject that animates or has an updater
changes its points or style, so it is never in the cached run (nor is
anything below it); the cache is rebuilt whenever anything in the run
changes. Compositing equals drawing in place up to 8-bit rounding at
antialiased / translucent pixels (at most a level or two). When the whole
list is unchanged (a still frame), everything is drawn directly.

Scenes use it through `LessonScene` (camera_class); a plain Scene can pass
`camera_class=FastEdgeCamera`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import cairo
import numpy as np
from manim import Camera, Mobject, VMobject
from manim.camera.camera import CAP_STYLE_MAP, LINE_JOIN_MAP
from manim.constants import CapStyleType, LineJointType
from manim.utils.iterables import remove_list_redundancies

from scenes.vocab.edges import EdgeBundle

__all__ = ["FastEdgeCamera", "display_signature"]


def _b(x) -> bytes | None:
    return None if x is None else np.asarray(x).tobytes()


def display_signature(mob) -> tuple | None:
    """Everything the camera reads to draw `mob`, or None if it cannot be
    drawn onto a separate transparent raster (not a VMobject, or drawn with a
    background image)."""
    if not isinstance(mob, VMobject) or mob.get_background_image() is not None:
        return None
    sig = (
        type(mob),
        _b(mob.points),
        _b(mob.fill_rgbas),
        _b(mob.stroke_rgbas),
        _b(mob.background_stroke_rgbas),
        _b(mob.stroke_width),
        _b(mob.background_stroke_width),
        _b(mob.sheen_factor),
        _b(mob.sheen_direction),
        mob.joint_type,
        mob.cap_style,
        getattr(mob, "shade_in_3d", False),
    )
    if isinstance(mob, EdgeBundle):
        sig += (_b(mob.edge_rgbas), _b(mob.edge_widths), _b(mob.draw_order))
    return sig


def _families_with_points(mobjects, use_z_index: bool) -> list:
    """extract_mobject_family_members(mobjects, use_z_index, only_those_with_points=True),
    with each family computed once (a scene passes every family member, so
    manim's version recomputes the families of the groups again and again)."""
    memo: dict[int, list] = {}

    def family(m) -> list:
        r = memo.get(id(m))
        if r is None:
            if type(m).get_family is not Mobject.get_family:
                r = m.get_family()
            else:
                r = [m]
                for sub in m.submobjects:
                    r.extend(family(sub))
                r = remove_list_redundancies(r)
            memo[id(m)] = r
        return r

    with_points: dict[int, bool] = {}
    chained = []
    for mob in mobjects:
        for m in family(mob):
            has = with_points.get(id(m))
            if has is None:
                has = with_points[id(m)] = m.get_num_points() > 0
            if has:
                chained.append(m)
    out = remove_list_redundancies(chained)
    return sorted(out, key=lambda m: m.z_index) if use_z_index else out


class FastEdgeCamera(Camera):
    """Camera with a fast path for EdgeBundle and a cached raster of the
    unchanged mobjects on top (see the module docstring)."""

    use_static_overlay = True  # False: draw every mobject every frame

    @contextmanager
    def drawing_directly(self) -> Iterator[None]:
        """Draw every mobject in place meanwhile: a frame that does not depend on the frames before."""
        old, self.use_static_overlay = self.use_static_overlay, False
        try:
            yield
        finally:
            self.use_static_overlay = old

    def get_mobjects_to_display(self, mobjects, include_submobjects: bool = True, excluded_mobjects=None) -> list:
        if not include_submobjects:
            return list(mobjects)
        mobs = _families_with_points(mobjects, self.use_z_index)
        if excluded_mobjects:
            excluded = {m for e in excluded_mobjects for m in e.get_family()}
            mobs = [m for m in mobs if m not in excluded]
        return mobs

    def capture_mobjects(self, mobjects, **kwargs) -> None:
        mobs = self.get_mobjects_to_display(mobjects, **kwargs)
        if not self.use_static_overlay:
            super().capture_mobjects(mobs, include_submobjects=False)
            return
        sigs = [display_signature(m) for m in mobs]
        prev = getattr(self, "_last_drawn", [])
        n, k = len(mobs), 0
        while k < n and k < len(prev):  # the run on top that is as it was last frame
            pm, ps = prev[-1 - k]
            if pm is not mobs[-1 - k] or sigs[-1 - k] is None or ps != sigs[-1 - k]:
                break
            k += 1
        self._last_drawn = list(zip(mobs, sigs, strict=True))
        if k == 0 or k == n:  # nothing unchanged on top, or a still frame
            super().capture_mobjects(mobs, include_submobjects=False)
            return
        cache = getattr(self, "_overlay", None)
        if cache is not None and cache[4] < k:
            kk = cache[4]  # a shorter cached run that still matches: keep using it
            if [(id(m), sg) for m, sg in zip(mobs[n - kk :], sigs[n - kk :], strict=True)] == cache[0][0]:
                k = kk
        super().capture_mobjects(mobs[: n - k], include_submobjects=False)
        ctx = self.get_cairo_context(self.pixel_array)
        tail = mobs[n - k :]
        key = (
            [(id(m), sg) for m, sg in zip(tail, sigs[n - k :], strict=True)],
            ctx.get_line_join(),
            ctx.get_line_cap(),
            self.pixel_array.shape,
            _b(self.frame_center),
            self.frame_width,
            self.frame_height,
        )
        if cache is None or cache[0] != key:
            cache = self._draw_overlay(tail, key, ctx)
        ctx.save()
        ctx.identity_matrix()
        ctx.set_source_surface(cache[2], 0, 0)
        ctx.paint()
        ctx.restore()
        ctx.get_target().flush()

    def _draw_overlay(self, tail, key, ctx: cairo.Context) -> tuple:
        """Draw `tail` onto the transparent overlay raster (reusing its buffer)."""
        old = getattr(self, "_overlay", None)
        arr = old[1] if old is not None and old[1].shape == self.pixel_array.shape else None
        if arr is None:
            arr = np.zeros_like(self.pixel_array)
        else:
            arr[...] = 0
        octx = self.get_cairo_context(arr)
        octx.set_line_join(ctx.get_line_join())  # the state the tail would inherit
        octx.set_line_cap(ctx.get_line_cap())
        main = self.pixel_array
        self.pixel_array = arr
        try:
            super().capture_mobjects(tail, include_submobjects=False)
        finally:
            self.pixel_array = main
        surface = octx.get_target()
        surface.flush()
        surface.mark_dirty()
        self._overlay = (key, arr, surface, tail, len(tail))  # holding tail keeps the ids unique
        return self._overlay

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
