"""What must and must not render again: the per-scene key, the lecture read
once, captions turned off, and the cached digit training."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from engine.lecture import load_lecture
from studio import catalog
from studio.render import ROOT, Renderer, fingerprint_files

TITLE = catalog.find("TitleCard")
LECTURE = """# a lecture for the cache tests
title = "{title}"
captions = {captions}

[multi]
seed = {seed}
"""


def _write(path: Path, title: str = "Keys", captions: str = "true", seed: int = 3, comment: str = "") -> Path:
    path.write_text(LECTURE.format(title=title, captions=captions, seed=seed) + comment)
    return path


def _render(lecture_file: Path, out: Path):
    return Renderer(load_lecture(lecture_file), "low", "mp4", out).render(TITLE)


def test_scene_key_covers_the_values_it_reads_and_nothing_else(tmp_path: Path) -> None:
    lecture_file = _write(tmp_path / "keys.toml")
    first = _render(lecture_file, tmp_path)
    assert first.rendered
    assert json.loads((first.video.parent / ".keys" / "TitleCard.mp4.json").read_text())["fields"] == [
        "captions", "narration", "path", "theme", "title",
    ]
    # a comment, and a section the title card never reads: nothing to render
    _write(lecture_file, comment="# a note for myself\n")
    assert not _render(lecture_file, tmp_path).rendered
    _write(lecture_file, seed=4)
    assert not _render(lecture_file, tmp_path).rendered
    # a value it shows: rendered again
    _write(lecture_file, title="Keys, again", seed=4)
    again = _render(lecture_file, tmp_path)
    assert again.rendered and "Keys, again" in again.srt.read_text()


def test_the_worker_and_the_latex_cache_are_part_of_every_key() -> None:
    files = fingerprint_files(TITLE.file)
    assert {ROOT / "studio" / "worker.py", ROOT / "studio" / "texlock.py"} <= files


def test_an_edit_during_a_render_does_not_reach_it(tmp_path: Path) -> None:
    lecture_file = _write(tmp_path / "edited.toml", title="Before")
    renderer = Renderer(load_lecture(lecture_file), "low", "mp4", tmp_path)  # reads the file, once
    _write(lecture_file, title="After")  # edited while the render is under way
    out = renderer.render(TITLE)
    assert "Before" in out.srt.read_text() and "After" not in out.srt.read_text()
    index = json.loads(renderer.write_index([out], None).read_text())
    assert index["title"] == "Before"
    # the edit is a change for the next run, and reverting it is one too
    now = _render(lecture_file, tmp_path)
    assert now.rendered and "After" in now.srt.read_text()
    _write(lecture_file, title="Before")
    back = _render(lecture_file, tmp_path)
    assert back.rendered and "Before" in back.srt.read_text()


def test_captions_off_removes_the_old_captions_everywhere(tmp_path: Path) -> None:
    lecture_file = _write(tmp_path / "quiet.toml")
    on = _render(lecture_file, tmp_path)
    assert on.srt is not None and on.srt.exists()
    _write(lecture_file, captions="false")
    renderer = Renderer(load_lecture(lecture_file), "low", "mp4", tmp_path)
    off = renderer.render(TITLE)
    assert off.rendered and off.srt is None
    assert not (off.video.parent / "TitleCard.srt").exists()
    video, subs = renderer.join([off])
    assert "-->" not in subs.read_text()
    index = json.loads(renderer.write_index([off], (video, subs)).read_text())
    assert index["scenes"][0]["srt"] is None
    assert renderer.up_to_date(TITLE).srt is None


def test_digit_training_is_cached_by_its_inputs(tmp_path: Path, monkeypatch) -> None:
    from scenes import multi_data

    monkeypatch.setenv(multi_data.CACHE_ENV, str(tmp_path))
    lecture = load_lecture(_write(tmp_path / "digits.toml", comment="[digits]\nepochs = 1\n"))
    trained = multi_data.digit_training(lecture)
    (cached_file,) = (tmp_path / "training").glob("*.pickle")
    calls = []
    monkeypatch.setattr(multi_data, "_train", lambda lec: calls.append(lec))
    again = multi_data.digit_training(lecture)
    assert calls == []  # read from disk
    assert np.array_equal(again.final.weights[0], trained.final.weights[0])
    assert again.snapshot_steps == trained.snapshot_steps and again.acc_after == trained.acc_after
    other = load_lecture(_write(tmp_path / "digits2.toml", comment="[digits]\nepochs = 1\nseed = 5\n"))
    assert multi_data.training_key(other) != multi_data.training_key(lecture)
    cached_file.write_bytes(b"not a pickle")  # a damaged cache is trained again, not trusted
    monkeypatch.undo()
    monkeypatch.setenv(multi_data.CACHE_ENV, str(tmp_path))
    redone = multi_data.digit_training(lecture)
    assert np.array_equal(redone.final.weights[0], trained.final.weights[0])
