"""The path from command to video, and the set-up's messages."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from conftest import ROOT, cli, run_env

from studio.video import probe


def test_render_writes_a_playable_video(tmp_path: Path) -> None:
    result = subprocess.run(
        cli("render", "TitleCard", "--out", str(tmp_path), "--jobs", "1"),
        cwd=ROOT, env=run_env(), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    out = tmp_path / "default" / "480p15"
    video = out / "TitleCard.mp4"
    info = probe(video)
    assert (info.width, info.height) == (854, 480)
    assert info.duration > 1.0 and info.frames > 10
    assert "TitleCard.mp4" in result.stdout
    assert (out / "TitleCard.srt").read_text().strip()
    manifest = json.loads((out / "TitleCard.numbers.json").read_text())
    assert manifest["scene"] == "TitleCard" and manifest["steps"]
    index = json.loads((out / "index.json").read_text())
    assert [s["name"] for s in index["scenes"]] == ["TitleCard"]
    # nothing temporary is left under the output folder
    assert not list(out.glob("*.part*")) and not list((out / ".work").iterdir())


def _bin_without(tmp_path: Path, *left_out: str) -> Path:
    """A PATH folder with the tools render.sh uses, less some."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "env", "cat", "cut", "sha256sum", "dirname", "id", "pkg-config", "kpsewhich",
                 "dvisvgm", "latex", "python3", "tail", "uname", "sed", "readlink"):
        if tool in left_out:
            continue
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    return bin_dir


def test_render_sh_names_a_missing_tool_in_one_line(tmp_path: Path) -> None:
    bin_dir = _bin_without(tmp_path, "latex", "apt-get")
    result = subprocess.run(
        [str(ROOT / "render.sh"), "list"],
        env={"PATH": str(bin_dir), "HOME": str(tmp_path)}, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "latex" in lines[0] and "apt-get install" in lines[0]
    assert "Traceback" not in result.stderr


def test_cli_names_missing_latex_before_rendering(tmp_path: Path) -> None:
    bin_dir = _bin_without(tmp_path, "latex")
    result = subprocess.run(
        cli("render", "TitleCard", "--out", str(tmp_path / "out")),
        cwd=ROOT, env=run_env(PATH=str(bin_dir)), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "latex" in lines[0] and "apt-get install" in lines[0], result.stderr
    assert not (tmp_path / "out" / "default").exists()


def test_render_sh_second_run_skips_the_install() -> None:
    # The set-up is done (this test runs inside it): the stamp matches pyproject.toml.
    stamp = ROOT / ".venv" / ".installed-pyproject"
    if not stamp.exists():
        import pytest

        pytest.skip("not running inside the render.sh set-up")
    result = subprocess.run([str(ROOT / "render.sh"), "list"], capture_output=True, text=True, timeout=60,
                            env=dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert "installing" not in result.stderr
    assert "TitleCard" in result.stdout
