"""Many commands of mixed kinds at once, on one output root and one LaTeX
cache, fresh each trial: every one succeeds and nothing temporary is left."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, cli, run_env

COMMANDS = (
    ("render", "TitleCard"),
    ("render", "TitleCard", "--lecture", "relu"),
    ("render", "TitleCard", "--format", "png", "--lecture", "wide"),
    ("preview", "TitleCard"),
    ("preview", "DerivativesScene"),
    ("preview", "DerivativesScene", "--lecture", "relu"),
)


@pytest.mark.parametrize("trial", range(3))
def test_concurrent_commands_share_one_cache(tmp_path: Path, trial: int) -> None:
    procs = [
        subprocess.Popen(cli(*command, "--out", str(tmp_path)), cwd=ROOT, env=run_env(),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for command in COMMANDS
    ]
    results = [p.communicate(timeout=600) for p in procs]
    failed = [(c, err[-1500:]) for c, p, (_, err) in zip(COMMANDS, procs, results, strict=True) if p.returncode]
    assert failed == []
    for lecture in ("default", "relu"):
        assert (tmp_path / lecture / "480p15" / "TitleCard.mp4").exists()
        assert (tmp_path / lecture / "preview" / "DerivativesScene.storyboard.png").exists()
    assert (tmp_path / "wide" / "480p15" / "TitleCard.png").exists()
    left = [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if ".part" in p.name]
    assert left == []
    assert not [p for p in (tmp_path / ".cache" / "Tex").iterdir() if not p.name.endswith((".svg", ".tex"))]
