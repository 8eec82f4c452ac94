"""The checks every scene is held to really catch what they claim to."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT
from manim import LEFT, RIGHT, Circle, MathTex, Text

from scenes.base import LessonScene
from studio.catalog import SceneEntry
from studio.runner import construct

DEFAULT = ROOT / "assets" / "lectures" / "default.toml"


class OffFrame(LessonScene):
    def construct(self) -> None:
        self.step("off")
        self.add(Circle(radius=0.5).shift(8 * RIGHT))


class Overlapping(LessonScene):
    def construct(self) -> None:
        self.step("overlap")
        self.add(Text("first label"), Text("second label").shift(0.1 * RIGHT))


class Unrecorded(LessonScene):
    def construct(self) -> None:
        self.step("numbers")
        self.add(MathTex("a = 0.62").shift(2 * LEFT))
        recorded = self.number(0.25, label="x", source="0.25").shift(2 * RIGHT)
        self.add(recorded)


class Clean(LessonScene):
    def construct(self) -> None:
        self.step("one", caption="first")
        self.add(Text("left").shift(3 * LEFT), Text("right").shift(3 * RIGHT))
        self.wait(1)
        self.step("two", caption="second")
        self.wait(1)


def _build(cls, tmp_path: Path, **kw):
    entry = SceneEntry(cls.__name__, "test_base", Path(__file__), 0, "")
    return construct(entry, DEFAULT, tmp_path, **kw)


def test_leaving_the_frame_is_caught(tmp_path: Path) -> None:
    problems = _build(OffFrame, tmp_path).layout_problems
    assert len(problems) == 1 and "leaves the frame" in problems[0] and "step 'off'" in problems[0]


def test_overlapping_labels_are_caught(tmp_path: Path) -> None:
    problems = _build(Overlapping, tmp_path).layout_problems
    assert problems == ["step 'overlap': Text 'first label' overlaps Text 'second label'"]


def test_numbers_outside_the_manifest_are_caught(tmp_path: Path) -> None:
    scene = _build(Unrecorded, tmp_path)
    assert len(scene.layout_problems) == 1 and "0.62" in scene.layout_problems[0]
    assert [s.text for s in scene.shown] == ["0.25"]


def test_clean_scene_has_steps_captions_and_storyboard(tmp_path: Path) -> None:
    scene = _build(Clean, tmp_path, storyboard_dir=tmp_path / "sb")
    assert scene.layout_problems == []
    assert scene.steps == ["one", "two"]
    assert [(round(s, 2), round(d, 2), t) for s, d, t in scene.captions] == [(0, 1, "first"), (1, 1, "second")]
    assert sorted(p.name for p in (tmp_path / "sb").glob("*.png")) == ["01.png", "02.png"]


def test_captions_off_writes_none(tmp_path: Path) -> None:
    quiet = tmp_path / "quiet.toml"
    quiet.write_text("captions = false\n")
    entry = SceneEntry("Clean", "test_base", Path(__file__), 0, "")
    scene = construct(entry, quiet, tmp_path / "media")
    assert scene.steps == ["one", "two"] and scene.captions == []
