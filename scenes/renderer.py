"""A Cairo renderer that draws nothing for a play whose frames are skipped.

For every `play`, manim draws the play's static mobjects into a frame, then
its end state on top, even when the play is skipped (the fast construction
of previews, checks and tests skips every play): two frames no one sees,
about a quarter of a preview's time. Here a skipped play only advances its
animations. Frames that are seen (a storyboard frame, a still) are drawn
outside `play`, as before; a play that is rendered draws as before.
"""

from __future__ import annotations

from manim.renderer.cairo_renderer import CairoRenderer

__all__ = ["SkipDrawRenderer"]


class SkipDrawRenderer(CairoRenderer):
    _in_play = False

    def play(self, scene, *args, **kwargs) -> None:
        self._in_play = True
        try:
            super().play(scene, *args, **kwargs)
        finally:
            self._in_play = False

    def _unseen(self) -> bool:
        """Inside a play whose frames are not written (skip_animations is set per play)."""
        return self._in_play and self.skip_animations

    def save_static_frame_data(self, scene, static_mobjects):
        if self._unseen():
            self.static_image = None
            return None
        return super().save_static_frame_data(scene, static_mobjects)

    def update_frame(self, scene, mobjects=None, include_submobjects: bool = True, ignore_skipping: bool = True,
                     **kwargs) -> None:
        if self._unseen():
            return
        super().update_frame(scene, mobjects, include_submobjects, ignore_skipping, **kwargs)
