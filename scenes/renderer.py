"""The Cairo renderer of every lecture scene: manim's, with two changes.

- A skipped play draws nothing. For every `play`, manim draws the play's
  static mobjects into a frame, then its end state on top, even when the play
  is skipped (the fast construction of previews, checks and tests skips every
  play): frames no one sees, about a quarter of a preview's time, and after a
  skipped wait manim kept that still as the next frame's background, so a
  storyboard frame drew every mobject twice (translucent fills came out
  brighter than in the video). Frames that are seen (a storyboard frame, a
  still) are drawn outside `play`, as before; a play that is rendered draws
  as before.
- Partial movies are encoded on one thread. With x264's default frame
  threads, the same frames gave different bytes from run to run when the
  machine was busy (3 variants of IntroScene.mp4 in 12 renders of two at a
  time, every drawn frame identical); on one thread, 12 of 12 were identical.
  Same lecture and code must give the same video.
"""

from __future__ import annotations

from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene.scene_file_writer import SceneFileWriter

__all__ = ["LessonRenderer", "OneThreadEncoding"]


class OneThreadEncoding(SceneFileWriter):
    def open_partial_movie_stream(self, *args, **kwargs) -> None:
        super().open_partial_movie_stream(*args, **kwargs)
        job = self._current_encode_job
        if job is not None:  # the codec opens at the first frame: set before it
            job.stream.codec_context.thread_count = 1


class LessonRenderer(CairoRenderer):
    _in_play = False

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("file_writer_class", OneThreadEncoding)
        super().__init__(*args, **kwargs)

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
