"""`render.sh slides`: one slide per step, a PowerPoint file that reads back, HTML that opens offline,
and narration that plays with its slide."""

from __future__ import annotations

import json
import re
import subprocess
import wave
from pathlib import Path

import av
import numpy as np
import pytest
from browser import Chromium, chromium_path
from conftest import ROOT, cli, run_env

from engine.lecture import load_lecture
from studio import catalog
from studio.catalog import SceneEntry
from studio.runner import construct
from studio.slides import REVEAL_FILES, SlideMaker

pytestmark = pytest.mark.render


def _steps(name: str, tmp: Path) -> list[str]:
    """The scene's steps, from a fast construction (independent of the slide render)."""
    return construct(catalog.find(name), load_lecture(None).path, tmp, check=False).steps


def test_slides_of_a_scene_are_its_steps_and_export_to_pptx_and_offline_html(tmp_path: Path) -> None:
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    out = tmp_path / "out"
    result = subprocess.run(
        cli("slides", "TitleCard", "--out", str(out)), cwd=ROOT, env=run_env(), capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    steps = _steps("TitleCard", tmp_path / "media")
    folder = out / "default" / "480p15" / "slides"

    config = json.loads((folder / "TitleCard.json").read_text())
    assert len(config["slides"]) == len(steps) >= 2
    for slide in config["slides"]:
        assert (folder.parent / slide["file"]).is_file()  # manim-slides resolves files against the folder's parent

    deck = Presentation(str(folder / "lecture.pptx"))
    assert len(deck.slides) == len(steps)
    for slide in deck.slides:
        assert any(shape.shape_type == MSO_SHAPE_TYPE.MEDIA for shape in slide.shapes)

    html = re.sub(r"<!--.*?-->", "", (folder / "lecture.html").read_text(), flags=re.S)
    assert len(re.findall(r"<section\b", html)) == len(steps)
    assert "http" not in " ".join(re.findall(r'(?:src|href)="([^"]*)"', html))  # nothing fetched from a network
    for ref in re.findall(r'(?:src|href|data-background-video)="([^"#]+)"', html):
        assert (folder / ref).is_file(), ref
    for rel in REVEAL_FILES:
        assert (folder / "lecture_assets" / "revealjs" / rel).is_file()
    assert f"--folder {folder}" in result.stdout and "manim-slides present" in result.stdout
    if chromium_path() is not None:  # reveal.js runs from the files beside the page, and plays the first slide
        with Chromium(width=960, height=600) as browser:
            browser.open((folder / "lecture.html").as_uri())
            state = browser.evaluate(REVEAL_STATE)
        assert state == {"ready": True, "slides": len(steps), "video": 4}, state


REVEAL_STATE = """(async () => {
  const t0 = Date.now(), pause = ms => new Promise(done => setTimeout(done, ms));
  while (!(window.Reveal && Reveal.isReady()) && Date.now() - t0 < 20000) await pause(100);
  let v = null;
  while (!(v && v.readyState === 4) && Date.now() - t0 < 20000) {
    v = document.querySelector('.slide-background.present video'); await pause(100);
  }
  return {ready: !!(window.Reveal && Reveal.isReady()), slides: window.Reveal ? Reveal.getTotalSlides() : -1,
          video: v ? v.readyState : null};
})()"""


NARRATED = """
from manim import FadeIn, Square, Circle
from scenes.base import LessonScene


class Narrated(LessonScene):
    def construct(self):
        self.step("first")  # no words: the step is as long as its animation (1 s)
        self.add_sound({sound!r})
        self.play(FadeIn(Square()), run_time=1)
        self.step("still")  # no animation: still a slide of its own
        self.add(Circle())
        self.step("last")
        self.play(FadeIn(Circle().shift([2, 0, 0])), run_time=1)
"""


def _tone(path: Path, seconds: float = 1.5, rate: int = 22050) -> None:
    t = np.arange(int(seconds * rate)) / rate
    samples = (0.3 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())


def _audio(path: Path) -> tuple[float, float]:
    """Seconds of sound in a clip and its loudness (RMS); (0, 0) without an audio track."""
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return 0.0, 0.0
        decoded = [(f.to_ndarray(), f.samples / f.sample_rate) for f in container.decode(container.streams.audio[0])]
    samples = np.concatenate([a.reshape(-1) for a, _ in decoded]) if decoded else np.zeros(1)
    seconds = sum(s for _, s in decoded)
    return seconds, float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))


def test_narration_plays_with_its_slide_and_a_still_step_is_a_slide(tmp_path: Path, monkeypatch) -> None:
    _tone(tmp_path / "tone.wav")
    module_dir = tmp_path / "mods"
    module_dir.mkdir()
    (module_dir / "narrated_scene.py").write_text(NARRATED.format(sound=str(tmp_path / "tone.wav")))
    monkeypatch.setenv("PYTHONPATH", str(module_dir))
    entry = SceneEntry("Narrated", "narrated_scene", module_dir / "narrated_scene.py", 0, "test")
    maker = SlideMaker(load_lecture(None), "low", tmp_path / "out")
    monkeypatch.setattr(maker, "_key", lambda e: "fixed")  # the scene lives outside the project

    made = maker.scene(entry)
    assert (made.slides, made.steps, made.narrated) == (3, 3, True)
    files = [maker.folder.parent / s["file"] for s in json.loads(made.config.read_text())["slides"]]
    (first, loud1), (second, loud2), (third, loud3) = [_audio(f) for f in files]
    # the 1.5 s tone starts with the first slide (1 s long) and runs 0.5 s into the still one
    assert (first, second, third) == pytest.approx((1.0, 0.5, 1.0), abs=0.05)  # as long as each slide
    # the tone's RMS is about 0.15; the last slide is silence but for a few ms of AAC's encoder delay
    assert loud1 > 0.1 and loud2 > 0.1 and loud3 < 0.05


def test_slides_of_an_unknown_scene_exit_2_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        cli("slides", "NoSuchScene", "--out", str(tmp_path)), cwd=ROOT, env=run_env(), capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [result.stderr.strip().splitlines()[0]]
    assert "unknown scene 'NoSuchScene'" in result.stderr and not (tmp_path / "default").exists()
