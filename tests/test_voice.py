"""The narrated lecture: the voice, its cache, the teacher's recordings, the script, the sound in the videos.

Synthesis is kept small: one short scene (TitleCard, two sentences) is spoken, and Piper's
cache (renders/.cache/voice) means a second run of the suite speaks nothing again.
"""

from __future__ import annotations

import json
import subprocess
import wave
from pathlib import Path

import av
import numpy as np
import pytest
import srt
from conftest import ROOT, cli, run_env

from engine.lecture import load_lecture
from scenes.narration import sentences
from scenes.voice import PiperSettings, PiperVoice, number_words, speakable
from studio import catalog
from studio.narrate import SceneFacts, script_markdown
from studio.render import Renderer
from studio.video import audio_duration, probe


def run(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(cli(*args), cwd=ROOT, env=run_env(), capture_output=True, text=True, timeout=timeout)


def transcribe(samples: np.ndarray, rate: int) -> str:
    """Offline speech recognition (pocketsphinx's own English model) of mono int16 samples."""
    from pocketsphinx import Decoder

    n = int(len(samples) * 16000 / rate)
    resampled = np.interp(np.linspace(0, len(samples) - 1, n), np.arange(len(samples)), samples.astype(float))
    decoder = Decoder(samprate=16000)
    decoder.start_utt()
    decoder.process_raw(resampled.astype(np.int16).tobytes(), full_utt=True)
    decoder.end_utt()
    return decoder.hyp().hypstr if decoder.hyp() else ""


def sound_of(video: Path) -> tuple[np.ndarray, int]:
    with av.open(str(video)) as container:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=16000)
        chunks = [f.to_ndarray().reshape(-1) for frame in container.decode(container.streams.audio[0])
                  for f in resampler.resample(frame)]
    return np.concatenate(chunks), 16000


# --- words ---------------------------------------------------------------------------


def test_numbers_and_symbols_are_spoken_as_words() -> None:
    assert number_words("0.11") == "zero point one one"
    assert number_words("-0.77") == "minus zero point seven seven"
    assert number_words("1797") == "one thousand seven hundred ninety seven"
    said = speakable("The cost is about 0.11, and w^(L) moves by -0.77 (Δ = 0.01).")
    assert said == ("The cost is about zero point one one, and w L moves by minus zero point seven seven "
                    "delta equals zero point zero one.")
    assert not any(ch.isdigit() for ch in said)


# --- the lecture file ------------------------------------------------------------------


def _lecture_with(tmp_path: Path, extra: str, name: str = "narrated") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text((ROOT / "assets" / "lectures" / "default.toml").read_text() + "\n" + extra)
    return path


def test_lecture_file_replaces_a_steps_narration(tmp_path: Path, tex_cache) -> None:
    from studio.runner import construct

    text = "Every weight gets its slope. Let us see how."
    lecture = _lecture_with(tmp_path, f"[narration.TitleCard]\nquestion = \"{text}\"\n")
    scene = construct(catalog.find("TitleCard"), lecture, tmp_path / "media", check=False)
    assert scene.narration["question"] == "Every weight gets its slope. Let us see how."
    assert [c[2] for c in scene.captions][-2:] == ["Every weight gets its slope.", "Let us see how."]


@pytest.mark.parametrize(
    ("table", "key"),
    [("[narration.NoSuchScene]\nintro = \"Hello.\"\n", "'narration.NoSuchScene'"),
     ("[narration.TitleCard]\nnope = \"Hello.\"\n", "'narration.TitleCard.nope'")],
)
def test_unknown_scene_or_step_is_a_clear_error(tmp_path: Path, table: str, key: str) -> None:
    lecture = _lecture_with(tmp_path, table)
    result = run("render", "TitleCard", "--lecture", str(lecture), "--voice", "none", "--out", str(tmp_path / "out"))
    assert result.returncode == 2, result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert str(lecture) in line and key in line and "Traceback" not in result.stderr
    assert not list((tmp_path / "out").rglob("*.mp4"))


def test_list_reports_a_narration_typo_as_render_does(tmp_path: Path) -> None:
    """`list` reads the scenes through the same cached construction as the narration."""
    lecture = _lecture_with(tmp_path, "[narration.NoSuchScene]\nintro = \"Hello.\"\n")
    result = run("list", "--lecture", str(lecture))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().endswith("(scenes: " + ", ".join(e.name for e in catalog.scenes()) + ")")


def test_changed_narration_rerenders_that_scene_only(tmp_path: Path) -> None:
    before = Renderer(load_lecture(_lecture_with(tmp_path, "")), "low", "mp4", tmp_path)
    # the same file, edited: one step of one scene gets other words
    after = Renderer(load_lecture(_lecture_with(tmp_path, '[narration.TitleCard]\nquestion = "Other words."\n')),
                     "low", "mp4", tmp_path)
    title, other = catalog.find("TitleCard"), catalog.scenes()[1]
    assert before.key(title) != after.key(title)
    assert before.key(other) == after.key(other)
    # the voice and its settings are inputs too
    voiced = Renderer(load_lecture(_lecture_with(tmp_path, "")), "low", "mp4", tmp_path)
    voiced.voice_keys = {"TitleCard": "piper"}
    assert voiced.key(title) != before.key(title)


def test_script_lists_every_step_of_every_scene(built_scene) -> None:
    lecture = load_lecture(None)
    facts = {}
    for entry in catalog.scenes():
        scene = built_scene(entry.name, "default")
        facts[entry.name] = SceneFacts(scene.steps, scene.narration, scene.step_seconds, scene.renderer.time)
    script = script_markdown(lecture, facts)
    for name, f in facts.items():
        assert f"## {name}" in script
        for step in f.steps:
            assert f"### {name} / {step}" in script
            if step in f.narration:
                assert f.narration[step] in script
    assert sum(len(f.narration) for f in facts.values()) >= len(facts)


# --- the voice ------------------------------------------------------------------------


@pytest.mark.render
def test_piper_speaks_each_sentence_and_caches_the_step(tmp_path: Path) -> None:
    text = "The cost is about 0.11. Nudge it."
    voice = PiperVoice(cache=tmp_path)
    said = voice.utter("S", "s", text)
    assert voice.synthesised == 1
    assert [line.text for line in said.lines] == sentences(text)
    with wave.open(str(said.audio)) as w:
        seconds = w.getnframes() / w.getframerate()
    assert abs(seconds - said.duration) < 0.01
    first, second = said.lines
    assert 0 <= first.start < first.end < second.start < second.end <= said.duration
    again = PiperVoice(cache=tmp_path)
    assert again.utter("Other", "step", text) == said and again.synthesised == 0  # spoken once, ever
    assert PiperVoice(PiperSettings(length_scale=1.2), tmp_path).key(text) != voice.key(text)


@pytest.fixture(scope="module")
def voiced(tmp_path_factory) -> Path:
    """TitleCard rendered with the Piper voice."""
    out = tmp_path_factory.mktemp("voiced")
    result = run("render", "TitleCard", "--voice", "piper", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out / "default" / "480p15"


@pytest.mark.render
def test_scene_has_an_audio_track_whose_speech_covers_its_steps(voiced: Path) -> None:
    video = voiced / "TitleCard.mp4"
    with av.open(str(video)) as container:
        assert [s.codec_context.name for s in container.streams.audio] == ["aac"]
    sound, info = audio_duration(video), probe(video)
    captions = list(srt.parse((voiced / "TitleCard.srt").read_text()))
    manifest = json.loads((voiced / "TitleCard.numbers.json").read_text())
    said = [s for step in manifest["steps"] for s in sentences(manifest["narration"].get(step, ""))]
    assert [c.content for c in captions] == said and len(said) >= 2
    assert captions[-1].end.total_seconds() <= sound + 0.05 <= info.duration + 0.1
    samples, rate = sound_of(video)
    for c in captions:  # speech (not silence) under every caption
        part = samples[int(c.start.total_seconds() * rate): int(c.end.total_seconds() * rate)]
        assert np.sqrt(np.mean(part.astype(float) ** 2)) > 300, c.content


@pytest.mark.render
def test_the_speech_says_the_narration(voiced: Path) -> None:
    samples, rate = sound_of(voiced / "TitleCard.mp4")
    captions = list(srt.parse((voiced / "TitleCard.srt").read_text()))
    heard = {w[:5] for w in transcribe(samples, rate).split()}
    said = {w.strip(".,:?!").lower()[:5] for c in captions for w in c.content.split() if len(w.strip(".,:?!")) >= 4}
    assert len(said & heard) >= len(said) // 2, (said, heard)  # pocketsphinx hears at least half the words


@pytest.mark.render
def test_joined_lecture_keeps_sound_and_picture_in_sync(voiced: Path, tmp_path: Path) -> None:
    renderer = Renderer(load_lecture(None), "low", "mp4", tmp_path)
    silent = renderer.render(catalog.find("TitleCard"))  # no voice: a scene without sound in the middle
    from dataclasses import replace

    talk = replace(silent, video=voiced / "TitleCard.mp4", duration=probe(voiced / "TitleCard.mp4").duration)
    video, _ = renderer.join([talk, silent, talk])
    info = probe(video)
    assert abs(info.duration - (2 * talk.duration + silent.duration)) <= 1 / float(info.fps) + 1e-6
    assert abs(audio_duration(video) - info.duration) <= 1 / float(info.fps)
    samples, rate = sound_of(video)
    quiet = samples[int((talk.duration + 0.2) * rate): int((talk.duration + silent.duration - 0.2) * rate)]
    assert np.abs(quiet).max() < 300  # the silent scene stays silent: nothing slid into its time


# --- the teacher's voice ------------------------------------------------------------------


def _record(folder: Path, step: str, text: str, suffix: str) -> Path:
    """A 'teacher's recording' made with the Piper voice, saved as WAV or FLAC."""
    voice = PiperVoice(cache=folder.parent / "cache")
    said = voice.utter("T", step, text)
    target = folder / "TitleCard" / f"{step}{suffix}"
    target.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".wav":
        target.write_bytes(said.audio.read_bytes())
    else:
        with av.open(str(said.audio)) as src, av.open(str(target), "w") as dst:
            out = dst.add_stream("flac", rate=src.streams.audio[0].rate)
            for frame in src.decode(src.streams.audio[0]):
                for packet in out.encode(frame):
                    dst.mux(packet)
            for packet in out.encode(None):
                dst.mux(packet)
    return target


@pytest.mark.render
def test_recordings_replace_the_voice(tmp_path: Path) -> None:
    folder = tmp_path / "voice"
    _record(folder, "title", "Welcome to the lesson.", ".wav")
    _record(folder, "question", "Hello students, today we take the derivative of the cost.", ".flac")
    result = run("render", "TitleCard", "--voice", str(folder), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    video = tmp_path / "out" / "default" / "480p15" / "TitleCard.mp4"
    samples, rate = sound_of(video)
    heard = set(transcribe(samples, rate).split())
    assert {"students", "today", "lesson"} & heard, heard  # the teacher's words, not the narration's
    assert audio_duration(video) <= probe(video).duration + 0.1


def test_a_bad_recording_is_reported_before_anything_renders(tmp_path: Path) -> None:
    folder = tmp_path / "voice" / "TitleCard"
    folder.mkdir(parents=True)
    (folder / "title.wav").write_bytes(b"this is not a sound file")
    result = run("render", "TitleCard", "--voice", str(folder.parent), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    err = result.stderr
    assert "TitleCard step 'title'" in err and str(folder / "title.wav") in err
    assert "TitleCard step 'question'" in err and "no recording" in err and "Traceback" not in err
    assert not list((tmp_path / "out").rglob("*.mp4")) and not list((tmp_path / "out").rglob(".work/*"))


@pytest.mark.render
def test_webm_carries_the_voice_as_opus(tmp_path: Path) -> None:
    result = run("render", "TitleCard", "--format", "webm", "--voice", "piper", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    video = tmp_path / "default" / "480p15" / "TitleCard.webm"
    with av.open(str(video)) as container:
        assert [s.codec_context.name for s in container.streams] == ["vp9", "opus"]
    assert 3 < audio_duration(video) <= probe(video).duration + 0.1
