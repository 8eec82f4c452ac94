"""Rendering on a Dask cluster (studio.cluster): a LocalCluster of 2 worker processes.

Two of the quickest scenes only; each test proves one promise of --cluster:
same outputs as a local render, a killed worker's scene retried elsewhere,
refusal of a worker running other code, a failing scene's own error, Ctrl-C.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import signal
import threading
import time
from pathlib import Path

import psutil
import pytest

from engine.lecture import load_lecture
from studio import catalog, cli
from studio.cluster import ClusterError, SceneTask, VersionMismatch, identity, render_course, render_on_worker
from studio.render import Renderer
from studio.video import probe

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.render

SCENES = ("TitleCard", "CheckingTheCalculus")
OUT = "default/480p15"


@pytest.fixture(scope="module")
def cluster():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.CRITICAL
        ) as local,
        distributed.Client(local) as client,
    ):
        yield local.scheduler_address, client


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The two scenes rendered locally, as today."""
    out = tmp_path_factory.mktemp("local")
    assert cli.main(["render", *SCENES, "--jobs", "2", "--out", str(out)]) == 0
    return out / OUT


def assert_same_outputs(made: Path, reference: Path, names: tuple[str, ...] = SCENES) -> None:
    for name in names:
        for suffix in (".numbers.json", ".srt"):
            assert (made / f"{name}{suffix}").read_bytes() == (reference / f"{name}{suffix}").read_bytes(), name
        ours, theirs = probe(made / f"{name}.mp4"), probe(reference / f"{name}.mp4")
        assert ours.frames == theirs.frames > 0, name
        assert (ours.width, ours.height) == (theirs.width, theirs.height)


def workers_pids(client) -> dict[str, int]:
    return client.run(os.getpid)


def cmdline(process: psutil.Process) -> str:
    try:
        return " ".join(process.cmdline())
    except psutil.Error:  # gone meanwhile
        return ""


def manim_children(pid: int) -> list[psutil.Process]:
    return [p for p in psutil.Process(pid).children(recursive=True) if "studio.worker" in cmdline(p)]


def entries() -> list[catalog.SceneEntry]:
    return [catalog.find(name) for name in SCENES]


def test_cluster_render_matches_a_local_render_and_sends_nothing_unchanged(cluster, reference, tmp_path, capsys):
    address, _ = cluster
    assert cli.main(["render", *SCENES, "--cluster", address, "--out", str(tmp_path)]) == 0
    assert_same_outputs(tmp_path / OUT, reference)
    assert not list((tmp_path / OUT).glob(".*.part*")), "a temporary file was left behind"
    capsys.readouterr()
    # Unchanged scenes are not sent: the job succeeds without reaching any scheduler.
    assert cli.main(["render", *SCENES, "--cluster", "tcp://127.0.0.1:9", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.count("up to date") == len(SCENES)


def test_a_worker_killed_mid_render_has_its_scene_retried_elsewhere(cluster, reference, tmp_path):
    address, client = cluster
    killed: list[int] = []
    orphans: list[psutil.Process] = []

    def kill_its_worker(label: str) -> None:
        # Until its manim runs (not a fixed delay: a fast machine finishes first). The workers' pids are
        # asked once: client.run on a worker parses a signature with ast while the task may parse the
        # scene catalog, and CPython 3.11's ast is not safe in two threads at once (gh-106905).
        pids = workers_pids(client).values()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(manim_children(pid) for pid in pids):
            time.sleep(0.1)
        time.sleep(0.5)
        for worker, keys in client.processing().items():
            if any(label in key for key in keys):
                pid = client.run(os.getpid, workers=[worker])[worker]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                time.sleep(2.0)  # the killed worker's manim must die with it, not keep rendering
                orphans.extend(p for p in psutil.process_iter(["cmdline"]) if f"-{pid}/media" in cmdline(p))
                return

    def progress(event: str, entry: catalog.SceneEntry) -> None:
        if event == "start" and not killed and entry.name == SCENES[1]:
            threading.Thread(target=kill_its_worker, args=(entry.name,), daemon=True).start()

    renderer = Renderer(load_lecture("default"), "low", "mp4", tmp_path)
    cli._prepare_voice(renderer, entries()[1:], None, tmp_path)  # narrated, as the CLI renders
    outputs = render_course(address, [renderer], entries()[1:], progress)
    assert killed, "no worker was killed: the test proved nothing"
    assert [o.name for o in outputs[0]] == [SCENES[1]] and outputs[0][0].rendered
    assert_same_outputs(tmp_path / OUT, reference, SCENES[1:])
    assert not orphans, "the killed worker's manim kept rendering"


def test_a_worker_running_other_code_is_refused_by_name(cluster, tmp_path, monkeypatch):
    address, client = cluster
    here = identity()
    path, digest = here.files[0]
    doctored = dataclasses.replace(here, files=((path, "0" * 64), *here.files[1:]))
    monkeypatch.setattr("studio.cluster.identity", lambda: doctored)
    renderer = Renderer(load_lecture("default"), "low", "mp4", tmp_path)
    with pytest.raises(ClusterError) as refused:
        render_course(address, [renderer], entries()[:1])
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith("worker tcp://") and any(w in message for w in workers_pids(client))
    assert f"differs in {path}" in message and "refusing" in message
    assert not list((tmp_path / OUT).glob("*.mp4")), "work was sent despite the refusal"
    # Each task checks again (a worker may join after the first check).
    task = SceneTask("TitleCard", "default.toml", b"", "low", "mp4", dataclasses.replace(here, manim="0.0.0"))
    with pytest.raises(VersionMismatch, match=r"worker tcp://\S+ runs manim \S+, this machine has 0\.0\.0"):
        client.submit(render_on_worker, task, pure=False).result()


def test_a_failing_scene_fails_the_job_with_its_own_error(cluster, tmp_path):
    address, _ = cluster
    # The lecture file goes bad after the client checked it: the scene fails on the worker with the lecture's error.
    renderer = Renderer(load_lecture("default"), "low", "mp4", tmp_path)
    renderer.lecture_bytes = b"title = 3\n"
    with pytest.raises(ClusterError) as failed:
        render_course(address, [renderer], entries()[:1])
    message = str(failed.value)
    assert "\n" not in message and "Traceback" not in message
    assert message.startswith("scene TitleCard (default, 480p15): assets/lectures/default.toml: 'title' is 3")
    assert not (renderer.out / "TitleCard.mp4").exists()


def test_ctrl_c_cancels_the_clusters_work(cluster, tmp_path):
    address, client = cluster
    pids = workers_pids(client)
    sent: list[bool] = []

    def ctrl_c_once_manim_runs() -> None:  # not a fixed delay: a fast machine might finish first
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any(manim_children(pid) for pid in pids.values()):
            time.sleep(0.1)
        time.sleep(0.5)
        sent.append(True)
        os.kill(os.getpid(), signal.SIGINT)  # what a terminal sends on Ctrl-C

    watcher = threading.Thread(target=ctrl_c_once_manim_runs, daemon=True)
    renderer = Renderer(load_lecture("relu"), "low", "mp4", tmp_path)
    # Ctrl-C raises KeyboardInterrupt, as in a terminal; a job started in the background (CI) inherits
    # SIGINT ignored, and Python then leaves it ignored.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        watcher.start()
        with pytest.raises(KeyboardInterrupt):  # the longest scene: still rendering when Ctrl-C comes
            render_course(address, [renderer], [catalog.find("ChainRuleScene")])
        watcher.join()
    finally:
        signal.signal(signal.SIGINT, previous)
    assert sent
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        busy = [pid for pid in pids.values() if manim_children(pid)]
        if not busy and not any(client.processing().values()):
            break
        time.sleep(0.5)
    assert not busy, "manim still runs on a worker after Ctrl-C"
    assert not any(client.processing().values()), "the scheduler still has the job's tasks"
    assert not list((tmp_path / "relu/480p15").glob("*.mp4"))


def test_cluster_address_mistakes_are_one_line(tmp_path, capsys):
    assert cli.main(["render", "TitleCard", "--cluster", "local:0", "--out", str(tmp_path)]) == cli.EXIT_FAILED
    err = capsys.readouterr().err.strip()
    assert err == "render.sh: --cluster local:0: expected local:N with N a whole number of workers, at least 1"


def test_the_narration_travels_to_the_workers_and_recordings_stay_here(tmp_path):
    from scenes.base import PLAN_ENV
    from scenes.voice import VOICE_ENV
    from studio.cluster import task_voice, voice_env

    renderer = Renderer(load_lecture("default"), "low", "mp4", tmp_path)
    plan = tmp_path / "plan.json"
    plan.write_text('{"TitleCard": {"title": 2.0}}')
    renderer.voice_env = {VOICE_ENV: "piper", PLAN_ENV: str(plan)}
    voice, plan_bytes = task_voice(renderer)
    assert (voice, plan_bytes) == ("piper", plan.read_bytes())
    task = SceneTask("TitleCard", "x.toml", b"", "low", "mp4", identity(), voice, plan_bytes)
    (tmp_path / "work").mkdir()
    env = voice_env(task, tmp_path / "work")
    assert env[VOICE_ENV] == "piper" and Path(env[PLAN_ENV]).read_bytes() == plan.read_bytes()
    renderer.voice_env = {VOICE_ENV: str(tmp_path / "my-recordings")}
    with pytest.raises(ClusterError, match="recordings"):
        task_voice(renderer)
