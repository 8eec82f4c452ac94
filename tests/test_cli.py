"""The command line as a user meets it: commands, errors, safe and cached renders."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import ROOT, cli, run_env

from engine.lecture import load_lecture, output_folder
from studio import catalog
from studio.render import Renderer
from studio.video import probe


def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(cli(*args), cwd=ROOT, env=run_env(), capture_output=True, text=True, timeout=timeout)


def test_help_explains_every_command() -> None:
    top = run("--help")
    assert top.returncode == 0
    for command in ("render", "preview", "list", "test"):
        assert command in top.stdout
        sub = run(command, "--help")
        assert sub.returncode == 0 and "usage:" in sub.stdout
    assert "--quality" in run("render", "--help").stdout and "--jobs" in run("render", "--help").stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["render", "--quality", "ultra"], "invalid choice: 'ultra'"),
        (["render", "--jobs", "0"], "expected at least 1"),
        (["render", "--colour"], "unrecognized arguments: --colour"),
        (["render", "NoSuchScene"], "unknown scene 'NoSuchScene'; known scenes: TitleCard"),
        (["preview", "NoSuchScene"], "unknown scene 'NoSuchScene'"),
        (["render", "--lecture", "no-such-lecture"], "no-such-lecture: no such lecture file"),
    ],
)
def test_mistakes_exit_2_with_one_message(args: list[str], fragment: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[0].startswith("render.sh")


def test_bad_lecture_file_lists_every_problem_and_renders_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'theme = "neon"\n[chain]\nweights = [1.0]\n[multi]\nsizes = [2, 0]\nwat = 1\n[digits]\nepochs = nan\n'
    )
    result = run("render", "TitleCard", "--lecture", str(bad), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 5, result.stderr
    assert all(line.startswith(f"render.sh: {bad}") or line.startswith(str(bad)) for line in lines)
    for fragment in ("'theme' is 'neon'", "'digits.epochs' is nan", "'multi.sizes' is [2, 0]", "'multi.wat'",
                     "'chain.weights' and 'chain.biases' go together"):
        assert fragment in result.stderr
    assert not (tmp_path / "out" / "bad").exists()


def test_unwritable_output_folder(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.write_text("a file where a folder should be")
    result = run("render", "TitleCard", "--out", str(locked / "renders"))
    assert result.returncode == 2
    assert "is not writable" in result.stderr and "Traceback" not in result.stderr


def test_list_shows_scenes_in_lesson_order() -> None:
    result = run("list")
    assert result.returncode == 0
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert names == [e.name for e in catalog.scenes()]


def _final_files(out: Path) -> list[Path]:
    return [p for p in out.iterdir() if p.is_file() and not p.name.startswith(".")]


def test_second_render_is_a_cache_hit_and_a_change_renders_again(tmp_path: Path) -> None:
    first = run("render", "TitleCard", "--out", str(tmp_path))
    assert first.returncode == 0, first.stderr
    assert "rendered" in first.stdout
    video = tmp_path / "default" / "480p15" / "TitleCard.mp4"
    stamp = video.stat().st_mtime_ns
    again = run("render", "TitleCard", "--out", str(tmp_path))
    assert again.returncode == 0 and "up to date" in again.stdout
    assert video.stat().st_mtime_ns == stamp
    # another lecture file is another input: it renders into its own folder
    light = tmp_path / "light.toml"
    light.write_text('theme = "light"\ntitle = "Light"\n')
    other = run("render", "TitleCard", "--lecture", str(light), "--out", str(tmp_path))
    assert other.returncode == 0 and "rendered" in other.stdout
    assert (tmp_path / output_folder(light) / "480p15" / "TitleCard.mp4").exists()  # light-<hash of its path>


def test_two_renders_of_the_same_lecture_at_once_both_succeed(tmp_path: Path) -> None:
    procs = [
        subprocess.Popen(cli("render", "TitleCard", "--out", str(tmp_path)), cwd=ROOT, env=run_env(),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert probe(tmp_path / "default" / "480p15" / "TitleCard.mp4").duration > 1


def test_a_killed_render_leaves_no_half_file_and_the_next_run_is_clean(tmp_path: Path) -> None:
    proc = subprocess.Popen(cli("render", "TitleCard", "--out", str(tmp_path)), cwd=ROOT, env=run_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    out = tmp_path / "default" / "480p15"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(out.glob(".work/*/media")):
        time.sleep(0.1)  # wait until manim is at work
    time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (out / "TitleCard.mp4").exists(), "killed mid-render, yet a final video exists"
    again = run("render", "TitleCard", "--out", str(tmp_path))
    assert again.returncode == 0, again.stderr
    assert probe(out / "TitleCard.mp4").duration > 1
    assert [p.name for p in (out / ".work").iterdir()] == []


def test_joined_lecture_lasts_the_sum_of_its_scenes(tmp_path: Path) -> None:
    lecture = load_lecture(None)
    renderer = Renderer(lecture, "low", "mp4", tmp_path)
    title = renderer.render(catalog.find("TitleCard"))
    video, subs = renderer.join([title, title])
    joined = probe(video)
    assert joined.duration == pytest.approx(2 * title.duration, abs=0.1)
    assert subs.read_text().count("-->") == 2 * title.srt.read_text().count("-->")
    index = json.loads(renderer.write_index([title], (video, subs)).read_text())
    assert index["lecture_video"] == "lecture.mp4" and index["scenes"][0]["name"] == "TitleCard"


def test_preview_writes_a_still_and_a_storyboard(tmp_path: Path) -> None:
    from PIL import Image

    result = run("preview", "TitleCard", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    still = tmp_path / "default" / "preview" / "TitleCard.png"
    board = tmp_path / "default" / "preview" / "TitleCard.storyboard.png"
    assert Image.open(still).size == (960, 540)
    assert Image.open(board).width > 800
    assert "3 steps" in result.stdout


@pytest.mark.parametrize("fmt", ["gif", "png", "webm"])
def test_other_formats_land_under_the_scene_name(tmp_path: Path, fmt: str) -> None:
    from PIL import Image

    result = run("render", "TitleCard", "--format", fmt, "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    out = tmp_path / "default" / "480p15" / f"TitleCard.{fmt}"
    if fmt == "png":
        still = Image.open(out)
        assert still.size == (854, 480)
        lo, hi = still.convert("L").getextrema()
        assert hi - lo > 100, "the still shows the last step with content, not the cleared stage"
    else:
        assert probe(out).duration > 1
    assert (out.parent / "TitleCard.numbers.json").exists()


def test_a_spurious_syntax_tree_error_from_another_thread_is_parsed_again(monkeypatch) -> None:
    """CPython 3.11 fails a parse now and then while another thread parses (a Dask worker does)."""
    import ast

    real, calls = ast.parse, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise SystemError("AST constructor recursion depth mismatch (before=51, after=64)")
        return real(*args, **kwargs)

    monkeypatch.setattr(ast, "parse", flaky)
    assert [e.name for e in catalog._entries_of(catalog.SCENES_DIR / "title.py")] == ["TitleCard"]
    assert len(calls) == 2
    monkeypatch.setattr(ast, "parse", lambda *a, **k: (_ for _ in ()).throw(SystemError("something else")))
    with pytest.raises(SystemError, match="something else"):
        catalog.parse_source(catalog.SCENES_DIR / "title.py")


def test_a_course_joins_each_lecture_before_the_next_renders(tmp_path: Path, monkeypatch) -> None:
    """One lecture after another: a teacher can watch the first lecture.mp4 while the second renders."""
    from studio import cli as studio_cli
    from studio import page

    events: list[str] = []
    monkeypatch.setattr(studio_cli, "_check_system", lambda: None)
    monkeypatch.setattr(studio_cli, "_prepare_voice", lambda *args: None)
    monkeypatch.setattr(Renderer, "render_all", lambda self, entries, jobs, progress: events.append(
        f"render {self.lecture.name}") or [])
    monkeypatch.setattr(Renderer, "join", lambda self, outputs: events.append(f"join {self.lecture.name}") or (
        self.out / "lecture.mp4", self.out / "lecture.srt"))
    monkeypatch.setattr(Renderer, "write_index", lambda self, outputs, joined: self.out / "index.json")
    monkeypatch.setattr(page, "write_page", lambda renderer, outputs, joined: renderer.out / "index.html")
    code = studio_cli.main(["render", "all", "--lecture", "default", "--lecture", "relu", "--out", str(tmp_path)])
    assert code == 0
    assert events == ["render default", "join default", "render relu", "join relu"]
