"""Paths a user gives, from wherever they type the command; failures after validation in one line."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, cli, run_env

from engine.lecture import DEFAULT_LECTURE, load_lecture, output_folder
from studio import cli as studio_cli
from studio.catalog import SceneEntry
from studio.render import Renderer, RenderError, failure_cause, output_dir

RENDER_SH = str(ROOT / "render.sh")


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_relative_lecture_and_out_render_from_another_folder(tmp_path: Path) -> None:
    """The README's example, typed in a folder of one's own: relative --lecture and --out work,
    outputs land where the user pointed, and no work folder is left behind."""
    (tmp_path / "my.toml").write_text('title = "Mine"\n')
    result = subprocess.run(
        [RENDER_SH, "render", "TitleCard", "--lecture", "my.toml", "--out", "out", "--format", "png"],
        cwd=tmp_path, env=run_env(), capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    folder = output_folder(tmp_path / "my.toml")
    assert folder.startswith("my-")
    final = tmp_path / "out" / folder / "480p15"
    assert (final / "TitleCard.png").is_file()
    assert f"out/{folder}/480p15/TitleCard.png" in result.stdout  # shown relative to where the user is
    assert f"outputs go to out/{folder}" in result.stderr  # and said where it went
    assert not list(final.glob(".work/*")) and not list(final.glob(".locks/*.lock"))
    assert {p.name for p in tmp_path.iterdir()} == {"my.toml", "out"}


def test_relative_lecture_resolves_against_the_callers_folder_not_the_project(tmp_path: Path) -> None:
    (tmp_path / "default.toml").write_text('title = "Not the shipped one"\n')
    args = studio_cli.build_parser().parse_args(["render", "--lecture", "default.toml", "--out", "o"])
    studio_cli.resolve_user_paths(args, tmp_path)
    assert args.lecture == [str(tmp_path / "default.toml")] and args.out == str(tmp_path / "o")
    assert load_lecture(args.lecture[0]).title == "Not the shipped one"
    # a bare name that is no file there still means the shipped lecture
    args = studio_cli.build_parser().parse_args(["render", "--lecture", "relu"])
    studio_cli.resolve_user_paths(args, tmp_path)
    assert [Path(p) for p in args.lecture] == [DEFAULT_LECTURE.with_name("relu.toml")]


def test_preview_through_the_cli_uses_the_callers_folder(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.toml").write_text("theme = 3\n")
    result = subprocess.run(
        cli("preview", "TitleCard", "--lecture", "sub/x.toml"), cwd=ROOT, capture_output=True, text=True,
        env=run_env(BACKPROP_CALLER_CWD=str(tmp_path)), timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    assert (
        result.stderr.strip() == f"render.sh: {tmp_path / 'sub' / 'x.toml'}: 'theme' is 3, expected one of dark, light"
    )


@pytest.mark.parametrize("flag", ["--lecture", "--out"])
def test_an_empty_path_is_one_sensible_line(flag: str) -> None:
    result = subprocess.run(
        cli("render", "TitleCard", flag, ""), cwd=ROOT, env=run_env(), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith(f"render.sh: {flag} is empty")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_lecture_named_dot_dot_stays_under_the_output_root(tmp_path: Path) -> None:
    path = tmp_path / "...toml"
    path.write_text("")
    lecture = load_lecture(path)
    assert lecture.name == ".."
    out = output_dir(tmp_path / "renders", lecture, "low")
    assert out.parent.parent == tmp_path / "renders" and out.parent.name.startswith("lecture-")
    assert out.resolve().is_relative_to((tmp_path / "renders").resolve())


def test_same_file_name_never_shares_an_output_folder(tmp_path: Path) -> None:
    mine, theirs = tmp_path / "a" / "default.toml", tmp_path / "b" / "default.toml"
    for path in (mine, theirs):
        path.parent.mkdir()
        path.write_text('title = "A copy"\n')
    folders = [output_dir(tmp_path, load_lecture(p), "low") for p in (DEFAULT_LECTURE, mine, theirs)]
    assert folders[0] == tmp_path / "default" / "480p15"  # the shipped lecture keeps its name
    assert len(set(folders)) == 3
    assert all(f.parent.name.startswith("default-") for f in folders[1:])
    # the same file by another spelling of its path is the same folder (its outputs stay cached)
    spelled = tmp_path / "a" / ".." / "a" / "default.toml"
    assert output_dir(tmp_path, load_lecture(spelled), "low") == folders[1]


def test_an_unwritable_lecture_folder_is_refused_before_any_work(tmp_path: Path) -> None:
    (tmp_path / "default").write_text("a file where the lecture's folder goes")
    result = subprocess.run(
        cli("render", "TitleCard", "--out", str(tmp_path)),
        cwd=ROOT,
        env=run_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"render.sh: output folder {tmp_path / 'default' / '480p15'} is not writable: Not a directory"
    )


def test_list_on_a_read_only_checkout_still_lists(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "renders").write_text("not a folder: .cache cannot be made here")
    monkeypatch.setattr(studio_cli, "ROOT", tmp_path)
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        assert studio_cli.main(["list"]) == 0
    assert "scene lengths are not shown" in err.getvalue() and len(err.getvalue().splitlines()) == 1
    assert out.getvalue().splitlines()[0].startswith("TitleCard")


# --- a scene that fails after validation -------------------------------------------

BROKEN = '''
from scenes.base import LessonScene


class BrokenScene(LessonScene):
    """Fails while building, as a scene with a bug would."""

    lesson_order = 99

    def construct(self) -> None:
        self.step("start")
        raise ZeroDivisionError("a scene bug, reported in one line")
'''


@pytest.fixture
def broken_entry(tmp_path: Path, monkeypatch) -> SceneEntry:
    package = tmp_path / "broken_scenes"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "broken.py").write_text(BROKEN)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), str(ROOT)]))
    return SceneEntry("BrokenScene", "broken_scenes.broken", package / "broken.py", 99, "fails")


def test_a_failing_render_is_one_line_and_leaves_no_lock_files(tmp_path: Path, broken_entry: SceneEntry) -> None:
    lecture = load_lecture(None)
    renderer = Renderer(lecture, "low", "png", tmp_path / "out")
    with pytest.raises(RenderError) as info:
        renderer.render_all([broken_entry], jobs=1)
    message = str(info.value)
    assert "\n" not in message
    assert message == (
        f"scene BrokenScene failed with lecture {lecture.path}: ZeroDivisionError: a scene bug, reported in one line"
    )
    assert not list(renderer.out.glob(".locks/*.lock"))
    assert not list(renderer.out.glob(".work/*"))


def test_a_failing_preview_is_one_line(tmp_path: Path, broken_entry: SceneEntry, monkeypatch) -> None:
    monkeypatch.setattr(studio_cli, "_choose_scenes", lambda names: [broken_entry])
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = studio_cli.main(["preview", "BrokenScene", "--out", str(tmp_path)])
    assert code == 1
    assert err.getvalue() == (
        f"render.sh: preview of BrokenScene failed with lecture {DEFAULT_LECTURE}: "
        "ZeroDivisionError: a scene bug, reported in one line\n"
    )


def test_the_cause_is_found_in_manims_boxed_log() -> None:
    log = """\
╭──────────────── Traceback (most recent call last) ────────────────╮
│ /x/y.py:3 in write                                                  │
╰─────────────────────────────────────────────────────────────────────╯
OSError: [Errno 28] No space left on device
"""
    assert failure_cause(log) == "OSError: [Errno 28] No space left on device"
    assert failure_cause("manim.utils.tex_file_writing.LatexError: bad\nformula here\n") == (
        "LatexError: bad formula here"
    )
    assert failure_cause("nothing recognisable") is None
