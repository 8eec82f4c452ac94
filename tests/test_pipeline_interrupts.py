"""Interrupts: what a killed join leaves is removed by the next run; SIGTERM
to the command ends its manim workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, cli, run_env

from engine.lecture import load_lecture
from studio import catalog
from studio.render import Renderer

JOIN = """
import sys
from pathlib import Path
from engine.lecture import load_lecture
from studio import catalog
from studio.render import Renderer
renderer = Renderer(load_lecture(None), "low", "mp4", Path(sys.argv[1]))
title = renderer.render(catalog.find("TitleCard"))
renderer.join([title] * 40)
"""


def _wait_for(predicate, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _stray(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if ".part" in p.name)


def test_a_join_killed_midway_leaves_nothing_after_the_next_run(tmp_path: Path) -> None:
    out = tmp_path / "default" / "480p15"
    proc = subprocess.Popen([sys.executable, "-c", JOIN, str(tmp_path)], cwd=ROOT, env=run_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _wait_for(lambda: any(p.stat().st_size > 0 for p in out.glob(".lecture.*.part.mp4")) or proc.poll() is not None)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert [p.name for p in out.glob(".lecture.*.part.mp4")], "the join was not under way when killed"
    renderer = Renderer(load_lecture(None), "low", "mp4", tmp_path)
    title = renderer.render(catalog.find("TitleCard"))
    assert not title.rendered
    video, _ = renderer.join([title])
    assert video.exists()
    assert _stray(tmp_path) == []


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_sigterm_to_the_command_ends_its_workers(tmp_path: Path) -> None:
    proc = subprocess.Popen(cli("render", "TitleCard", "ChainRuleScene", "--jobs", "2", "--out", str(tmp_path)),
                            cwd=ROOT, env=run_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _wait_for(lambda: len(_children(proc.pid)) >= 2 or proc.poll() is not None)
    workers = _children(proc.pid)
    assert len(workers) == 2 and proc.poll() is None
    time.sleep(1.0)  # let them start manim
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    time.sleep(0.5)
    assert [pid for pid in workers if _alive(pid)] == []
    out = tmp_path / "default" / "480p15"
    assert list((out / ".work").iterdir()) == [] and _stray(tmp_path) == []


def test_what_dead_processes_left_in_every_cache_is_removed_and_live_ones_kept(tmp_path: Path, monkeypatch) -> None:
    """Private LaTeX folders, half-written voice steps and training files of killed processes go; a
    running process's stay."""
    monkeypatch.setenv("BACKPROP_VOICE_CACHE", str(tmp_path / "voice"))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    renderer = Renderer(load_lecture(None), "low", "mp4", tmp_path / "renders")
    cache = renderer.cache_root
    left = [cache / f".Tex.{dead.pid}.part", tmp_path / "voice" / f".abc.wav.{dead.pid}.part",
            cache / "training" / f".key.pickle.{dead.pid}.part"]
    kept = [cache / f".Tex.{os.getpid()}.part", tmp_path / "voice" / f".abc.wav.{os.getpid()}.part"]
    for path in left + kept:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.mkdir() if path.name.startswith(".Tex") else path.write_bytes(b"half")
    renderer.clean_stale()
    assert [p for p in left if p.exists()] == [] and all(p.exists() for p in kept)
