"""The checks every scene is held to really catch what they claim to."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT
from manim import DOWN, LEFT, RIGHT, UP, AnimationGroup, Circle, FadeIn, FadeOut, Line, MathTex, Square, Text, Write

from scenes import checks
from scenes.base import LessonScene
from scenes.narration import MIN_CAPTION, READING_WPS, ReadingPace, Utterance, sentences
from scenes.narration import Line as Said
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


class Narrated(LessonScene):
    TEXT = ("The weight moves by a hundredth, and the cost follows it. "
            "Both changes are real numbers from the engine, e.g. 0.25 here.")

    def construct(self) -> None:
        self.step("say", caption=self.TEXT)
        self.play(FadeIn(Text("w").shift(2 * LEFT)), run_time=1)
        self.step("next", caption="Short.")
        self.wait(0.5)


class TinyText(LessonScene):
    def construct(self) -> None:
        self.step("tiny")
        self.add(MathTex("x", font_size=20).shift(2 * LEFT), MathTex("y", font_size=40).shift(2 * RIGHT))


class LabelOnEdge(LessonScene):
    def construct(self) -> None:
        self.step("edge")
        self.add(Line(3 * LEFT, 3 * RIGHT), Text("on the edge"))
        self.add(Line(3 * LEFT + 2 * DOWN, 3 * RIGHT + 2 * DOWN), Text("above the edge").shift(1.5 * DOWN))
        box = Text("boxed").shift(2 * UP)
        self.add(box, Square(side_length=2).move_to(box))


class Faint(LessonScene):
    def construct(self) -> None:
        self.step("faint")
        self.add(Text("faint", color="#222222").shift(2 * LEFT), Text("dimmed").shift(2 * RIGHT).set_opacity(0.2))
        bright = Circle(radius=1, fill_color="#FFFFFF", fill_opacity=1, stroke_width=0).shift(2 * DOWN)
        self.add(bright, Text("ink", font_size=30, color="#FFFFFF").move_to(bright))


class Sums(LessonScene):
    def construct(self) -> None:
        self.step("sums")
        self.equation("(0.62 - 1.00)**2 + (0.42)**2", "0.3260", what="the cost")
        self.equation("(-0.39) * 0.2368 * (-0.7699)", "0.0711", what="a path")
        self.equation("(-0.39) * 0.2368 * (-0.7699)", "0.0703", approx=True, what="a path, approximately")
        self.equation("0.28 * 0.2439 * 0.8433", "0.0610", approx=True, what="too far even for ≈")
        self.equation("2 * (-0.38)**2", "0.29", approx=True, what="whole numbers are exact")


class Crossfade(LessonScene):
    def construct(self) -> None:
        self.step("swap")
        old, beside = Text("old value").shift(UP), Text("elsewhere").shift(2 * DOWN)
        self.add(old, beside)
        self.play(FadeOut(old), AnimationGroup(Write(Text("new value").shift(UP))))  # one over the other
        self.play(FadeOut(beside))
        self.play(FadeIn(Text("after it").shift(2 * DOWN)))  # the same spot, one after the other: fine


def _build(cls, tmp_path: Path, **kw):
    entry = SceneEntry(cls.__name__, "test_base", Path(__file__), 0, "")
    return construct(entry, DEFAULT, tmp_path, **kw)


def test_leaving_the_frame_is_caught(tmp_path: Path) -> None:
    problems = _build(OffFrame, tmp_path).layout_problems
    assert len(problems) == 1 and "leaves the frame" in problems[0] and "step 'off'" in problems[0]


def test_overlapping_labels_are_caught(tmp_path: Path) -> None:
    problems = _build(Overlapping, tmp_path).layout_problems
    assert problems == ["step 'overlap': Text 'first label' overlaps Text 'second label'"]


def test_a_label_fading_in_on_one_fading_out_is_caught(tmp_path: Path) -> None:
    problems = _build(Crossfade, tmp_path).layout_problems
    assert problems == ["step 'swap': Text 'new value' appears on Text 'old value' while that fades out"]


def test_numbers_outside_the_manifest_are_caught(tmp_path: Path) -> None:
    scene = _build(Unrecorded, tmp_path)
    assert len(scene.layout_problems) == 1 and "0.62" in scene.layout_problems[0]
    assert [s.text for s in scene.shown] == ["0.25"]


def test_clean_scene_has_steps_captions_and_storyboard(tmp_path: Path) -> None:
    scene = _build(Clean, tmp_path, storyboard_dir=tmp_path / "sb")
    assert scene.layout_problems == []
    assert scene.steps == ["one", "two"]
    m = MIN_CAPTION  # one-word captions stay up as long as the shortest caption may
    assert [(round(s, 2), round(d, 2), t) for s, d, t in scene.captions] == [(0, m, "first"), (m, m, "second")]
    assert sorted(p.name for p in (tmp_path / "sb").glob("*.png")) == ["01.png", "02.png"]


def test_captions_off_writes_none(tmp_path: Path) -> None:
    quiet = tmp_path / "quiet.toml"
    quiet.write_text("captions = false\n")
    entry = SceneEntry("Clean", "test_base", Path(__file__), 0, "")
    scene = construct(entry, quiet, tmp_path / "media")
    assert scene.steps == ["one", "two"] and scene.captions == []


def test_a_step_lasts_as_long_as_its_narration_takes_to_read(tmp_path: Path) -> None:
    scene = _build(Narrated, tmp_path)
    first, second = sentences(Narrated.TEXT)
    assert [t for _, _, t in scene.captions] == [first, second, "Short."]
    (s1, d1, _), (s2, d2, _), (s3, d3, _) = scene.captions
    assert s1 == 0 and s2 > s1 + d1 and s3 >= s2 + d2
    assert len(first.split()) / d1 <= READING_WPS and len(second.split()) / d2 <= READING_WPS
    assert scene.renderer.time == pytest.approx(s3 + MIN_CAPTION)  # the last step holds for its caption
    assert scene.narration == {"say": Narrated.TEXT, "next": "Short."}
    assert scene.layout_problems == []


def test_captions_are_one_line_each(tmp_path: Path) -> None:
    assert sentences("A title\nwith a newline.  And\n\n00:00:01,000 --> x") == ["A title with a newline.",
                                                                            "And 00:00:01,000 --> x"]


class _Hasty(ReadingPace):
    def utter(self, scene, step, text):
        return Utterance((Said(text, 0.0, 0.5),), 0.5)


class HastyCaption(Narrated):
    def make_narrator(self):
        return _Hasty()


def test_captions_faster_than_reading_are_caught(tmp_path: Path) -> None:
    problems = _build(HastyCaption, tmp_path).layout_problems
    assert len(problems) == 1 and "step 'say'" in problems[0] and "words/s" in problems[0]


def test_a_step_plan_stretches_animations_towards_the_narration(tmp_path: Path, monkeypatch) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"Narrated": {"say": 2.0}}))
    monkeypatch.setenv("BACKPROP_STEP_PLAN", str(plan))
    stretched = _build(Narrated, tmp_path / "a")
    monkeypatch.delenv("BACKPROP_STEP_PLAN")
    plain = _build(Narrated, tmp_path / "b")
    assert stretched.renderer.time == pytest.approx(plain.renderer.time)  # the step's length is the narration's
    assert stretched.captions == plain.captions


def test_text_too_small_to_read_is_caught(tmp_path: Path) -> None:
    scene = _build(TinyText, tmp_path)
    assert len(scene.layout_problems) == 1 and "MathTex 'x'" in scene.layout_problems[0]
    expected = 20 * checks.DIGIT_HEIGHT_PER_PT["tex"] * 60
    assert scene.step_metrics[0]["smallest_text_px"] == pytest.approx(expected, abs=0.05)


def test_the_digit_heights_behind_the_size_check_are_manims() -> None:
    for cls, kind in ((MathTex, "tex"), (Text, "text")):
        mob = cls("0", font_size=60)
        assert mob.height == pytest.approx(60 * checks.DIGIT_HEIGHT_PER_PT[kind], rel=0.02)
        assert checks.text_px(mob.scale(0.5)) == pytest.approx(30 * checks.DIGIT_HEIGHT_PER_PT[kind] * 60, rel=0.01)


def test_labels_lying_on_lines_are_caught(tmp_path: Path) -> None:
    problems = _build(LabelOnEdge, tmp_path).layout_problems
    assert problems == ["step 'edge': Text 'on the edge' lies on a line (Line)"]


def test_faint_text_is_caught_against_what_is_behind_it(tmp_path: Path) -> None:
    problems = _build(Faint, tmp_path).layout_problems
    assert len(problems) == 3, problems
    assert all("contrast" in p for p in problems)
    assert {p.split(": ")[1].split(" has")[0] for p in problems} == {"Text 'faint'", "Text 'dimmed'", "Text 'ink'"}


def test_calculations_must_check_out_from_the_shown_operands(tmp_path: Path) -> None:
    scene = _build(Sums, tmp_path)
    assert len(scene.layout_problems) == 2, scene.layout_problems
    assert "gives 0.3208, the screen says 0.3260" in scene.layout_problems[0]
    assert "too far even for ≈" in scene.layout_problems[1]
    assert [e.result for e in scene.equations] == ["0.3260", "0.0711", "0.0703", "0.0610", "0.29"]


def test_negative_zero_is_shown_as_zero() -> None:
    assert checks.format_shown(-0.00001, 4) == "0.0000"
    assert checks.format_shown(-0.5, 1) == "-0.5"
