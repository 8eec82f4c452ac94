"""What every lecture scene shares: its lecture, theme, steps, captions and
the manifest of the numbers it shows.

A scene's `construct()` is a storyboard: a list of named steps. Each step
calls `self.step(name, caption)` first. At the end of every step the scene
can, on request (environment variables set by the CLI and the tests):
  - save a storyboard frame (BACKPROP_STORYBOARD=<folder>);
  - check its layout: everything inside the frame, no two labels overlapping
    (BACKPROP_CHECK=1; problems are collected in `self.layout_problems`).

Every number shown goes through `self.number(...)`, which records its label,
value and engine source in the manifest written beside the video, so a test
can recompute each value from a fresh engine run.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from manim import (
    DecimalNumber,
    Integer,
    MathTex,
    Mobject,
    Scene,
    SingleStringMathTex,
    Tex,
    Text,
    ValueTracker,
    VMobject,
    config,
)

from engine.lecture import Lecture, lecture_from_env
from scenes import style
from scenes.vocab.camera import FastEdgeCamera

STORYBOARD_ENV = "BACKPROP_STORYBOARD"
CHECK_ENV = "BACKPROP_CHECK"
MANIFEST_ENV = "BACKPROP_MANIFEST"

TEXT_TYPES = (Text, MathTex, Tex, SingleStringMathTex, DecimalNumber, Integer)
# A decimal number written into a formula by hand would bypass the manifest.
_DECIMAL_IN_TEX = re.compile(r"\d\.\d")


@dataclass(frozen=True)
class Shown:
    """One number on screen: what it is, its value, where the engine has it."""

    label: str  # the quantity in the lesson's notation
    value: float
    text: str  # exactly as displayed
    source: str  # expression over scenes.values.namespace(lecture)
    step: str  # the storyboard step that first shows it


class LessonScene(Scene):
    """Base of every lecture scene (one level deep: the rest is composition)."""

    lecture: Lecture
    theme: style.Theme

    def __init__(self, **kwargs):
        kwargs.setdefault("camera_class", FastEdgeCamera)
        super().__init__(**kwargs)

    def setup(self) -> None:
        self.lecture = lecture_from_env()
        self.theme = style.theme(self.lecture.theme)
        self.camera.background_color = self.theme.background
        for cls in (MathTex, Tex, SingleStringMathTex, Text, DecimalNumber, Integer):
            cls.set_default(color=self.theme.ink)
        self.shown: list[Shown] = []
        self._registered: set[int] = set()
        self.steps: list[str] = []
        self.step_times: list[float] = []  # when each step starts, in seconds (chapters of the lecture page)
        self.captions: list[tuple[float, float, str]] = []  # (start, duration, text)
        self.layout_problems: list[str] = []
        self._caption: tuple[str, float] | None = None
        storyboard = os.environ.get(STORYBOARD_ENV)
        self._storyboard_dir = Path(storyboard) if storyboard else None
        self._check = os.environ.get(CHECK_ENV) == "1"

    # --- storyboard ---------------------------------------------------------

    def step(self, name: str, caption: str | None = None) -> None:
        """Start a named step; `caption` becomes its subcaption (.srt)."""
        self._end_step()
        self.steps.append(name)
        self.step_times.append(round(self.time, 3))
        self.on_step(name)
        if caption and self.lecture.captions:
            self._caption = (caption, self.time)

    def on_step(self, name: str) -> None:
        """Called as each step starts, before its first animation (presenting tools hook in here)."""

    def _end_step(self) -> None:
        if not self.steps:
            return
        name = self.steps[-1]
        if self._caption is not None:
            text, start = self._caption
            elapsed = max(self.time - start, 0.5)
            self.captions.append((start, elapsed, text))
            if not config.dry_run:  # a dry run has no output file to put an .srt beside
                self.add_subcaption(text, duration=elapsed, offset=-(self.time - start))
            self._caption = None
        if self._storyboard_dir is not None:
            self._save_storyboard_frame(len(self.steps), name)
        if self._check:
            self.layout_problems.extend(f"step '{name}': {p}" for p in layout_problems(self))
            self.layout_problems.extend(f"step '{name}': {p}" for p in self._unregistered_numbers())

    def _save_storyboard_frame(self, index: int, name: str) -> None:
        from PIL import Image

        self.renderer.update_frame(self, ignore_skipping=True)
        frame = self.renderer.get_frame()
        self._storyboard_dir.mkdir(parents=True, exist_ok=True)
        Image.fromarray(np.asarray(frame)).convert("RGB").save(self._storyboard_dir / f"{index:02d}.png")
        index_file = self._storyboard_dir / "steps.json"
        steps = json.loads(index_file.read_text()) if index_file.exists() else []
        steps.append({"index": index, "name": name, "time": round(self.time, 3)})
        index_file.write_text(json.dumps(steps, indent=1))

    def tear_down(self) -> None:
        self._end_step()
        for cls in (MathTex, Tex, SingleStringMathTex, Text, DecimalNumber, Integer):
            cls.set_default()
        self._write_manifest()

    # --- numbers --------------------------------------------------------------

    def number(
        self,
        value: float,
        *,
        label: str,
        source: str,
        decimals: int = style.DECIMALS,
        **kwargs,
    ) -> DecimalNumber:
        """A DecimalNumber for an engine value, recorded in the manifest."""
        value = float(value)
        kwargs.setdefault("font_size", style.SIZES.tex_small)
        mob = DecimalNumber(value, num_decimal_places=decimals, **kwargs)
        self.record(value, label=label, source=source, decimals=decimals)
        self._registered.add(id(mob))
        return mob

    def record(self, value: float, *, label: str, source: str, decimals: int = style.DECIMALS) -> str:
        """Record a number shown some other way (inside a formula); its text."""
        text = f"{float(value):.{decimals}f}"
        self.shown.append(Shown(label, float(value), text, source, self.steps[-1] if self.steps else ""))
        return text

    def registered(self, mob: Mobject) -> Mobject:
        """Mark a mobject whose numbers were recorded with `record`."""
        self._registered.add(id(mob))
        return mob

    def _unregistered_numbers(self) -> list[str]:
        problems = []
        for top in self.mobjects:
            for mob in _outer_texts(top, self._registered):
                if isinstance(mob, DecimalNumber | Integer):
                    problems.append(f"a number {mob.get_value()} not recorded in the manifest")
                elif isinstance(mob, MathTex | Tex | SingleStringMathTex):
                    tex = getattr(mob, "tex_string", "")
                    if _DECIMAL_IN_TEX.search(tex):
                        problems.append(f"a formula with a literal number not in the manifest: {tex!r}")
        return problems

    def _write_manifest(self) -> None:
        target = os.environ.get(MANIFEST_ENV)
        if target:
            path = Path(target)
        elif config.dry_run or not getattr(self.renderer.file_writer, "movie_file_path", None):
            return
        else:
            movie = Path(self.renderer.file_writer.movie_file_path)
            path = movie.with_name(movie.stem + ".numbers.json")
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_text(json.dumps(self.manifest(), indent=1))
        tmp.replace(path)

    def manifest(self) -> dict:
        return {
            "scene": type(self).__name__,
            "lecture": str(self.lecture.path),
            "steps": self.steps,
            "step_times": self.step_times,
            "numbers": [asdict(s) for s in self.shown],
        }


# --- layout checks ----------------------------------------------------------


def _visible(mob: Mobject) -> bool:
    family = mob.get_family()
    for m in family:
        if isinstance(m, ValueTracker) or not m.has_points():
            continue  # a tracker holds a number, it draws nothing
        if not isinstance(m, VMobject):
            return True  # an image: drawn as it is
        if m.get_fill_opacity() > 0.01 or m.get_stroke_opacity() > 0.01:
            return True
    return False


def _outer_texts(mob: Mobject, skip: set[int] = frozenset()) -> list[Mobject]:
    """Text-like mobjects not nested inside another text-like mobject."""
    if id(mob) in skip:
        return []
    if isinstance(mob, TEXT_TYPES):
        return [mob] if _visible(mob) else []
    out: list[Mobject] = []
    for sub in mob.submobjects:
        out.extend(_outer_texts(sub, skip))
    return out


def _box(mob: Mobject) -> tuple[float, float, float, float]:
    return (mob.get_left()[0], mob.get_bottom()[1], mob.get_right()[0], mob.get_top()[1])


def layout_problems(scene: Scene, margin: float = 0.0, overlap_tolerance: float = 0.03) -> list[str]:
    """Mobjects leaving the frame and labels overlapping, in the current state."""
    problems = []
    half_w, half_h = config.frame_width / 2 - margin, config.frame_height / 2 - margin
    for mob in scene.mobjects:
        if not mob.has_points() and not mob.submobjects:
            continue
        if not _visible(mob):
            continue
        x0, y0, x1, y1 = _box(mob)
        if x0 < -half_w or x1 > half_w or y0 < -half_h or y1 > half_h:
            problems.append(
                f"{_name(mob)} leaves the frame (box x {x0:.2f}..{x1:.2f}, y {y0:.2f}..{y1:.2f})"
            )
    texts = [t for top in scene.mobjects for t in _outer_texts(top)]
    for i, a in enumerate(texts):
        ax0, ay0, ax1, ay1 = _box(a)
        for b in texts[i + 1 :]:
            bx0, by0, bx1, by1 = _box(b)
            w = min(ax1, bx1) - max(ax0, bx0)
            h = min(ay1, by1) - max(ay0, by0)
            if w > overlap_tolerance and h > overlap_tolerance:
                problems.append(f"{_name(a)} overlaps {_name(b)}")
    return problems


def _name(mob: Mobject) -> str:
    if isinstance(mob, DecimalNumber | Integer):
        return f"number {mob.get_value():g}"
    if hasattr(mob, "tex_string"):
        return f"{type(mob).__name__} {mob.tex_string!r}"
    if isinstance(mob, Text):
        return f"Text {getattr(mob, 'original_text', mob.text)!r}"
    return type(mob).__name__
