"""Run one scene in this process: fast construction (no video) for checks,
storyboards and tests. Real renders go through `manim` in a subprocess
(see studio.render), which keeps parallel jobs and their caches apart.
"""

from __future__ import annotations

import importlib
import os
from contextlib import contextmanager
from pathlib import Path

from engine.lecture import LECTURE_ENV
from studio.catalog import SceneEntry


@contextmanager
def _env(**values: str | None):
    old = {k: os.environ.get(k) for k in values}
    try:
        for k, v in values.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def construct(
    entry: SceneEntry,
    lecture_path: Path,
    media_dir: Path,
    *,
    check: bool = True,
    storyboard_dir: Path | None = None,
    pixel_height: int = 360,
    cache_dir: Path | None = None,
):
    """Build the scene with every animation skipped; return the scene object.

    With `check`, each step's layout is checked (scene.layout_problems).
    With `storyboard_dir`, a frame is saved at the end of each step.
    With `cache_dir`, results worth keeping (the trained digit network) are cached there.
    """
    from manim import tempconfig

    module = importlib.import_module(entry.module)
    scene_cls = getattr(module, entry.name)
    settings = {
        "dry_run": True,
        "media_dir": str(media_dir),
        "pixel_height": pixel_height,
        "pixel_width": pixel_height * 16 // 9,
        "frame_rate": 15,
        "disable_caching": True,
        "verbosity": "ERROR",
        "progress_bar": "none",
    }
    with (
        tempconfig(settings),
        _env(
            **{
                LECTURE_ENV: str(lecture_path),
                "BACKPROP_CHECK": "1" if check else None,
                "BACKPROP_STORYBOARD": str(storyboard_dir) if storyboard_dir else None,
                "BACKPROP_MANIFEST": None,
                "BACKPROP_CACHE": str(cache_dir) if cache_dir else os.environ.get("BACKPROP_CACHE"),
            }
        ),
    ):
        # Skipped animations jump to their end state (updaters run once), so a
        # step's end is exactly what a full render shows there.
        scene = scene_cls(skip_animations=True)
        scene.render()
    return scene
