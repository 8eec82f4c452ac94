"""What every lecture scene shares: its lecture, theme, steps, narration,
captions and the manifest of the numbers and calculations it shows.

A scene's `construct()` is a storyboard: a list of named steps. Each step
calls `self.step(name, text)` first; `text` is the step's narration, whose
sentences become the captions. A step lasts at least as long as its
narration takes to say or to read (scenes.narration): when its animations
are done sooner, the picture holds until the words are.

At the end of every step the scene can, on request (environment variables
set by the CLI and the tests):
  - save a storyboard frame (BACKPROP_STORYBOARD=<folder>);
  - check what a viewer would notice (BACKPROP_CHECK=1, scenes.checks):
    anything off the frame, labels overlapping each other or lying on lines,
    text too small or too faint, captions too fast to read, calculations that
    do not check out. Problems collect in `self.layout_problems`, per-step
    measures in `self.step_metrics`.

Every number shown goes through `self.number(...)` or `self.record(...)`,
which record its label, value and engine source in the manifest written
beside the video; every calculation shown goes through `self.equation(...)`.
Tests recompute each from a fresh engine run and from the shown operands.
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
    config,
)
from manim.animation.animation import prepare_animation
from manim.constants import RendererType

from engine.lecture import Lecture, lecture_from_env
from scenes import checks, speedups, style
from scenes.narration import READING_WPS, Narrator, ReadingPace, Utterance, clean, stretch_lines, words
from scenes.renderer import LessonRenderer
from scenes.vocab.camera import FastEdgeCamera

STORYBOARD_ENV = "BACKPROP_STORYBOARD"
CHECK_ENV = "BACKPROP_CHECK"
MANIFEST_ENV = "BACKPROP_MANIFEST"

TEXT_TYPES = checks.TEXT_TYPES
PLAN_ENV = "BACKPROP_STEP_PLAN"  # JSON: {scene: {step: seconds its animations take unstretched}}
MAX_STRETCH = 1.6  # animations slow down at most this much to fill their narration; beyond, the picture holds
# A decimal number written into a formula by hand would bypass the manifest.
_DECIMAL_IN_TEX = re.compile(r"\d\.\d")

speedups.install()


@dataclass(frozen=True)
class Shown:
    """One number on screen: what it is, its value, where the engine has it."""

    label: str  # the quantity in the lesson's notation
    value: float
    text: str  # exactly as displayed
    source: str  # expression over scenes.values.namespace(lecture)
    step: str  # the storyboard step that first shows it


@dataclass(frozen=True)
class Equation:
    """A calculation on screen: the shown operands as a Python expression, and the shown result."""

    expr: str  # e.g. "(0.62 - 1.00)**2 + 0.42**2", each number exactly as displayed
    result: str  # exactly as displayed
    approx: bool  # shown with ≈: the result needs only agree within the operands' rounding
    what: str
    step: str


class LessonScene(Scene):
    """Base of every lecture scene (one level deep: the rest is composition)."""

    lecture: Lecture
    theme: style.Theme

    def __init__(self, **kwargs):
        kwargs.setdefault("camera_class", FastEdgeCamera)
        if kwargs.get("renderer") is None and config.renderer != RendererType.OPENGL:
            kwargs["renderer"] = LessonRenderer(camera_class=kwargs["camera_class"],
                                                  skip_animations=kwargs.get("skip_animations", False))
        super().__init__(**kwargs)

    def setup(self) -> None:
        self.lecture = lecture_from_env()
        self.theme = style.theme(self.lecture.theme)
        self.camera.background_color = self.theme.background
        for cls in (MathTex, Tex, SingleStringMathTex, Text, DecimalNumber, Integer):
            cls.set_default(color=self.theme.ink)
        self.shown: list[Shown] = []
        self.equations: list[Equation] = []
        self._registered: set[int] = set()
        self.steps: list[str] = []
        self.step_times: list[float] = []  # when each step starts, in seconds (chapters of the lecture page)
        self.captions: list[tuple[float, float, str]] = []  # (start, duration, text)
        self.narration: dict[str, str] = {}  # step -> what is said in it
        self.step_seconds: dict[str, float] = {}  # step -> how long its animations took (no hold)
        self.layout_problems: list[str] = []
        self.step_metrics: list[dict] = []
        self.narrator: Narrator = self.make_narrator()
        self._utterance: tuple[Utterance, float] | None = None
        self._stretch = 1.0
        self._last_content: list[Mobject] = []
        plan = os.environ.get(PLAN_ENV)
        self._plan: dict[str, float] = json.loads(Path(plan).read_text()).get(type(self).__name__, {}) if plan else {}
        storyboard = os.environ.get(STORYBOARD_ENV)
        self._storyboard_dir = Path(storyboard) if storyboard else None
        self._check = os.environ.get(CHECK_ENV) == "1"

    # --- storyboard ---------------------------------------------------------

    def make_narrator(self) -> Narrator:
        """Who times the steps: the voice $BACKPROP_VOICE names (scenes.voice), else reading pace (silent)."""
        from scenes.voice import narrator_from_env

        return narrator_from_env() or ReadingPace()

    def step(self, name: str, caption: str | None = None) -> None:
        """Start a named step; `caption` is what is said in it (its sentences become the .srt)."""
        self._end_step()
        self.steps.append(name)
        self.step_times.append(round(self.time, 3))
        self.on_step(name)
        self._utterance, self._stretch = None, 1.0
        text = clean(self.lecture.narration.get(type(self).__name__, {}).get(name) or caption or "")
        if not text:
            return
        self.narration[name] = text
        utterance = self.narrator.utter(type(self).__name__, name, text)
        self._utterance = (utterance, self.time)
        if utterance.audio is not None:
            self.add_sound(str(utterance.audio))
        natural = self._plan.get(name)
        if natural:  # a known natural length: slow the animations towards the narration's
            self._stretch = min(MAX_STRETCH, max(1.0, utterance.duration / natural))

    def on_step(self, name: str) -> None:
        """Called as each step starts, before its first animation (presenting tools hook in here)."""

    def _end_step(self) -> None:
        if not self.steps:
            return
        name = self.steps[-1]
        wps = None
        if self._utterance is not None:
            utterance, start = self._utterance
            self._stretch = 1.0
            self.step_seconds[name] = round(self.time - start, 3)  # before the hold: the step plan's measure
            hold = utterance.duration - (self.time - start)
            if hold > 1e-3:  # the words are not done yet: the picture holds for them
                self.wait(hold)
            lines = utterance.lines if utterance.audio is not None else stretch_lines(utterance, self.time - start)
            for line in lines:
                duration = line.end - line.start
                wps = max(wps or 0.0, words(line.text) / duration)
                if self._check and utterance.audio is None and words(line.text) / duration > READING_WPS + 1e-6:
                    self.layout_problems.append(f"step '{name}': caption {line.text!r} needs "
                                                f"{words(line.text) / duration:.1f} words/s (at most {READING_WPS})")
                if self.lecture.captions:
                    self.captions.append((start + line.start, duration, line.text))
                    if not config.dry_run:  # a dry run has no output file to put an .srt beside
                        self.add_subcaption(line.text, duration=duration, offset=start + line.start - self.time)
            self._utterance = None
        if config.save_last_frame and any(checks.visible(m) for m in self.mobjects):
            # a still (png) shows the last step with content, not a stage cleared for the next scene
            self._last_content = [m.copy() for m in self.mobjects]
        if self._storyboard_dir is not None:
            self._save_storyboard_frame(len(self.steps), name)
        if self._check:
            with checks.still_picture():  # nothing moves while the step's end is checked
                problems, smallest = self._viewer_problems()
            problems += self._unregistered_numbers()
            self.layout_problems.extend(f"step '{name}': {p}" for p in problems)
            self.step_metrics.append({"step": name, "time": round(self.time, 2),
                                      "smallest_text_px": smallest and round(smallest, 1),
                                      "caption_words_per_s": wps and round(wps, 2), "problems": len(problems)})

    def _viewer_problems(self) -> tuple[list[str], float | None]:
        mobjects = [m for m in self.mobjects if checks.visible(m)]
        texts = [t for top in mobjects for t in checks.outer_texts(top)]
        smallest, small = checks.small_texts(texts)
        problems = checks.off_frame(mobjects) + checks.overlapping_texts(texts) + small
        problems += checks.texts_on_lines(texts, mobjects)
        problems += checks.low_contrast(texts, mobjects, self.theme.background)
        return problems, smallest

    # --- pacing -----------------------------------------------------------------

    def play(self, *args, **kwargs) -> None:
        """As Scene.play, with the step's stretch applied (Scene.wait plays a Wait, so waits stretch too)."""
        if self._check or self._stretch != 1.0:
            args = tuple(prepare_animation(a) for a in args)
        if self._check:
            step = self.steps[-1] if self.steps else "(before the first step)"
            self.layout_problems.extend(f"step '{step}': {p}" for p in checks.crossfades(args))
        if self._stretch != 1.0:
            if kwargs.get("run_time"):
                kwargs["run_time"] *= self._stretch
            else:
                for anim in args:
                    anim.run_time *= self._stretch
        super().play(*args, **kwargs)

    def _save_storyboard_frame(self, index: int, name: str) -> None:
        from PIL import Image

        with self.renderer.camera.drawing_directly():  # the frame as drawn alone, whatever was drawn before
            self.renderer.update_frame(self, ignore_skipping=True)
        frame = self.renderer.get_frame()
        self._storyboard_dir.mkdir(parents=True, exist_ok=True)
        image = Image.fromarray(np.asarray(frame)).convert("RGB")
        image.save(self._storyboard_dir / f"{index:02d}.png", compress_level=1)  # fast: a preview reads it at once
        index_file = self._storyboard_dir / "steps.json"
        steps = json.loads(index_file.read_text()) if index_file.exists() else []
        steps.append({"index": index, "name": name, "time": round(self.time, 3)})
        index_file.write_text(json.dumps(steps, indent=1))

    def tear_down(self) -> None:
        self._end_step()
        if config.save_last_frame and self._last_content and not any(checks.visible(m) for m in self.mobjects):
            self.add(*self._last_content)
        self._check_narration_keys()
        for cls in (MathTex, Tex, SingleStringMathTex, Text, DecimalNumber, Integer):
            cls.set_default()
        self._write_manifest()

    def _check_narration_keys(self) -> None:
        """A lecture's [narration.<Scene>] naming a step this scene does not have is the teacher's typo."""
        from scenes.narration import NarrationKeyError

        scene = type(self).__name__
        unknown = sorted(set(self.lecture.narration.get(scene, {})) - set(self.steps))
        if unknown:
            raise NarrationKeyError(f"{self.lecture.path}: unknown key 'narration.{scene}.{unknown[0]}' "
                             f"(steps of {scene}: {', '.join(self.steps)})")

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
        text = checks.format_shown(float(value), decimals)
        self.shown.append(Shown(label, float(value), text, source, self.steps[-1] if self.steps else ""))
        return text

    def equation(self, expr: str, result: str, *, approx: bool = False, what: str = "") -> None:
        """Record a calculation the screen shows: `expr` over the numbers exactly as shown
        (the texts `number`/`record` returned), `result` as shown. With `approx` the screen
        must write ≈, and the result need only agree within the operands' rounding."""
        eq = Equation(expr, result, approx, what, self.steps[-1] if self.steps else "")
        self.equations.append(eq)
        if self._check:
            problem = checks.equation_problem(expr, result, approx)
            if problem:
                self.layout_problems.append(f"step '{eq.step}': {what or 'a calculation'}: {problem}")

    def registered(self, mob: Mobject) -> Mobject:
        """Mark a mobject whose numbers were recorded with `record`."""
        self._registered.add(id(mob))
        return mob

    def _unregistered_numbers(self) -> list[str]:
        problems = []
        for top in self.mobjects:
            for mob in checks.outer_texts(top, self._registered):
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
            "narration": self.narration,
            "step_times": self.step_times,
            "step_seconds": self.step_seconds,
            "numbers": [asdict(s) for s in self.shown],
            "equations": [asdict(e) for e in self.equations],
        }
