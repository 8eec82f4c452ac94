"""Same lecture, same code: byte-identical video, captions, manifest and index,
whatever each process's hash seed (here 1 and 2, which order a set of the
chain's symbols differently)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import ROOT, cli, run_env

FILES = ("ChainRuleScene.mp4", "ChainRuleScene.srt", "ChainRuleScene.numbers.json", "index.json")


def test_outputs_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    seeds = ("1", "2")
    procs = [
        subprocess.Popen(cli("render", "ChainRuleScene", "--out", str(tmp_path / seed)), cwd=ROOT,
                         env=run_env(PYTHONHASHSEED=seed), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for seed in seeds
    ]
    results = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-1500:] for _, err in results]
    first, second = (tmp_path / seed / "default" / "480p15" for seed in seeds)
    for name in FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), f"{name} differs"
    # the lecture is named as the project names it, not by where this clone is
    assert json.loads((first / "ChainRuleScene.numbers.json").read_text())["lecture"] == "assets/lectures/default.toml"
    assert json.loads((first / "index.json").read_text())["lecture_file"] == "assets/lectures/default.toml"


def test_partial_movies_encode_on_one_thread(tmp_path: Path, monkeypatch) -> None:
    """x264's frame threads made the same frames give different bytes on a busy machine
    (scenes.renderer): every partial movie of a lecture scene is encoded on one thread."""
    from manim import Circle, Create, Scene, tempconfig
    from manim.scene import scene_file_writer

    from scenes.renderer import LessonRenderer

    threads: list[int] = []
    original = scene_file_writer._PartialMovieEncodeJob._encode_and_write_frame

    def spy(self, frame, num_frames):
        threads.append(self.stream.codec_context.thread_count)
        original(self, frame, num_frames)

    monkeypatch.setattr(scene_file_writer._PartialMovieEncodeJob, "_encode_and_write_frame", spy)

    class Tiny(Scene):
        def construct(self):
            self.play(Create(Circle()), run_time=0.2)
            self.wait(0.2)

    with tempconfig({"media_dir": str(tmp_path), "pixel_height": 90, "pixel_width": 160, "frame_rate": 15,
                     "disable_caching": True, "verbosity": "ERROR", "progress_bar": "none"}):
        Tiny(renderer=LessonRenderer()).render()
    assert threads and set(threads) == {1}
