"""Rendering a course's scenes on a Dask cluster (render --cluster).

The client (this machine) decides what to render exactly as a local render
does: a scene whose key is up to date is not sent. Each other scene becomes one
Dask task. A worker renders it with the same code path as a local render
(studio.render.produce_scene) inside its own temporary folder and returns the
files' bytes; no file system is shared. The client writes them into the
output folder under temporary names, moves them into place with the scene's
key last (Renderer.install), and joins each lecture here.

Before any work is sent, every worker must run the same project version, code
and manim as this machine; each task checks again, for workers that join late.
A worker that dies mid-render has its scene rescheduled by Dask on another
worker; a scene that fails on its own stops the job with its own error line.
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from engine.lecture import LectureError, load_lecture
from studio import catalog
from studio.render import ROOT, Renderer, RenderError, SceneOutput, clean_stale_work, failure_cause

TOPIC = "backprop-lecture"  # worker -> client events: a scene started on a worker
LOCAL_PREFIX = "local:"
CODE_DIRS = ("engine", "scenes", "studio")


class ClusterError(RenderError):
    """The cluster cannot do the job (unreachable, different versions, a scene failed): one line."""


class VersionMismatch(Exception):
    """Raised on a worker whose code differs from the client's."""


class SceneFailed(Exception):
    """Raised on a worker when the scene itself fails (manim's error, not the cluster's)."""


# --- what a machine runs ------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """What decides a scene's pixels on a machine: project version, its code and data, manim."""

    version: str
    manim: str
    files: tuple[tuple[str, str], ...]  # (path inside the project, sha256), sorted

    @property
    def code(self) -> str:
        return hashlib.sha256(repr(self.files).encode()).hexdigest()[:12]


def _project_files() -> list[Path]:
    code = [p for d in CODE_DIRS for p in (ROOT / d).rglob("*.py")]
    # Lecture files are sent with each task; data and weights must match.
    data = [p for p in ROOT.glob("assets/*/*") if p.is_file() and p.suffix != ".toml"]
    return sorted(code + data)


def identity() -> Identity:
    from importlib.metadata import PackageNotFoundError, version

    import manim

    try:
        project_version = version("backprop-lecture")
    except PackageNotFoundError:
        project_version = "not installed"
    files = tuple(
        (p.relative_to(ROOT).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest()) for p in _project_files()
    )
    return Identity(project_version, manim.__version__, files)


_own_identity: list[Identity] = []  # computed once per worker process


def _cached_identity() -> Identity:
    if not _own_identity:
        _own_identity.append(identity())
    return _own_identity[0]


def difference(worker: Identity, here: Identity) -> str | None:
    """How a worker differs from this machine, in a few words (None when it does not)."""
    if worker.version != here.version:
        return f"project version {worker.version}, this machine has {here.version}"
    if worker.manim != here.manim:
        return f"manim {worker.manim}, this machine has {here.manim}"
    if worker.files != here.files:
        theirs, ours = dict(worker.files), dict(here.files)
        changed = sorted(p for p in theirs.keys() | ours.keys() if theirs.get(p) != ours.get(p))
        shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
        return f"code hash {worker.code}, this machine has {here.code} (differs in {shown})"
    return None


# --- on a worker ----------------------------------------------------------------------


@dataclass(frozen=True)
class SceneTask:
    """One scene render, everything a worker needs (it shares no files with the client)."""

    scene: str
    lecture_file: str  # the client's path, as manifests record it
    lecture_text: bytes
    quality: str
    fmt: str
    expected: Identity
    voice: str = "none"  # the narrator: "piper" or "none" (recordings stay on the client's machine)
    step_plan: bytes | None = None  # the step plan's JSON (scenes.base PLAN_ENV), when the voice speaks


@dataclass(frozen=True)
class SceneFiles:
    """A rendered scene's files, as bytes, sent back to the client."""

    scene: str
    video: bytes
    srt: bytes | None
    manifest: bytes
    duration: float
    fields: tuple[str, ...]  # the lecture values the scene read: its key covers these
    worker: str


def _die_with_parent() -> None:
    # Runs in the manim child before exec: if the worker is killed, manim goes too.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _scratch() -> Path:
    return Path(tempfile.gettempdir()) / f"backprop-lecture-worker-{os.getuid()}"


def _worker_root(scratch: Path) -> Path:
    # The caches (LaTeX, trained network) of every worker process on this machine, kept between jobs:
    # studio.texlock makes one LaTeX cache safe for any number of processes, so a formula is typeset
    # once per machine, not once per worker.
    return scratch / "cache-root"


def _manifest_as_client(manifest: bytes, worker_path: str, client_path: str) -> bytes:
    """The manifest names its lecture file: the client's path, as a local render would write."""
    import json

    data = json.loads(manifest)
    if data.get("lecture") == worker_path:
        data["lecture"] = client_path
    return json.dumps(data, indent=1).encode()  # scenes.base writes it the same way


@contextmanager
def _cancel_watch(work: Path) -> Iterator[None]:
    """Kill this task's manim process when the client cancels the task (Ctrl-C)."""
    from distributed import get_worker

    worker = get_worker()
    key = worker.get_current_task()
    done = threading.Event()

    def watch() -> None:
        import psutil

        while not done.wait(0.5):
            ts = worker.state.tasks.get(key)
            if ts is None or ts.state not in ("executing", "long-running"):
                for child in psutil.Process().children(recursive=True):
                    try:
                        if str(work) in " ".join(child.cmdline()):
                            child.kill()
                    except psutil.Error:
                        pass
                return

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def voice_env(task: SceneTask, work: Path) -> dict[str, str]:
    """The narration's environment for the scene process on a worker (as the client's Renderer has it)."""
    from scenes.base import PLAN_ENV
    from scenes.voice import VOICE_ENV

    env = {VOICE_ENV: task.voice}
    if task.step_plan is not None:
        plan = work / "plan.json"
        plan.write_bytes(task.step_plan)
        env[PLAN_ENV] = str(plan)
    return env


def task_voice(renderer: Renderer) -> tuple[str, bytes | None]:
    """What a worker needs of the client's narration: the voice's name and the step plan's bytes."""
    from scenes.base import PLAN_ENV
    from scenes.voice import VOICE_ENV

    voice = renderer.voice_env.get(VOICE_ENV, "none")
    if voice not in ("none", "piper"):
        raise ClusterError(f"--cluster renders with the piper voice or none; recordings ({voice}) are on this "
                           "machine only: render them here (without --cluster)")
    plan = renderer.voice_env.get(PLAN_ENV)
    return voice, Path(plan).read_bytes() if plan else None


def render_on_worker(task: SceneTask) -> SceneFiles:
    """The Dask task: render one scene in a temporary folder of this worker, return its files."""
    from distributed import get_worker

    worker = get_worker()
    mismatch = difference(_cached_identity(), task.expected)
    if mismatch:
        raise VersionMismatch(f"worker {worker.address} runs {mismatch}")
    worker.log_event(TOPIC, {"key": worker.get_current_task(), "scene": task.scene})
    entry = catalog.find(task.scene)
    if entry is None:
        raise SceneFailed(f"scene {task.scene} is unknown on worker {worker.address}")
    scratch = _scratch()
    clean_stale_work(scratch)  # folders of killed workers (named by their pid)
    work = scratch / ".work" / f"{task.scene}-{uuid.uuid4().hex[:8]}-{os.getpid()}"
    work.mkdir(parents=True)
    try:
        given = work / "given" / Path(task.lecture_file).name
        given.parent.mkdir()
        given.write_bytes(task.lecture_text)
        try:
            lecture = load_lecture(given)
        except LectureError as e:
            raise SceneFailed(e.problems[0].replace(str(given), task.lecture_file)) from None
        renderer = Renderer(lecture, task.quality, task.fmt, _worker_root(scratch))
        renderer.clean_stale()  # what killed workers left in the shared caches
        renderer.preexec_fn = _die_with_parent
        renderer.voice_env = voice_env(task, work)
        with _cancel_watch(work):
            try:
                made = renderer.produce(entry, work)
            except RenderError as e:
                log = work / "manim.log"
                cause = failure_cause(log.read_text(errors="replace")) if log.exists() else None
                raise SceneFailed(cause or str(e)) from None
        manifest = _manifest_as_client(made.manifest.read_bytes(), renderer.lecture_path.as_posix(), task.lecture_file)
        return SceneFiles(
            task.scene,
            made.video.read_bytes(),
            made.srt.read_bytes() if made.srt else None,
            manifest,
            made.duration,
            made.fields,
            worker.address,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def worker_identity() -> Identity:
    """Run on every worker by the client's check."""
    return _cached_identity()


# --- on the client ----------------------------------------------------------------------


@contextmanager
def connect(address: str) -> Iterator[object]:
    """A Dask client for `address` (tcp://host:port) or a LocalCluster for `local:N`."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError(
            "--cluster needs dask.distributed, which is not installed; install the extra with: "
            ".venv/bin/pip install -e '.[cluster]'"
        ) from None
    if address.startswith(LOCAL_PREFIX):
        count = address[len(LOCAL_PREFIX) :]
        if not count.isdigit() or int(count) < 1:
            raise ClusterError(f"--cluster {address}: expected local:N with N a whole number of workers, at least 1")
        cluster = LocalCluster(
            n_workers=int(count),
            threads_per_worker=1,  # manim renders on one core; one scene per worker process
            processes=True,
            dashboard_address=None,
            silence_logs=logging.CRITICAL,  # a failed scene is reported once, by us
        )
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    logging.getLogger("distributed").setLevel(logging.ERROR)
    try:
        client = Client(address, timeout="15s")
    except (OSError, TimeoutError, ValueError) as e:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {e}") from None
    try:
        yield client
    finally:
        client.close()


def check_workers(client, here: Identity) -> list[str]:
    """Refuse (ClusterError) unless every worker runs what this machine runs; their addresses."""
    try:
        client.wait_for_workers(1, timeout=30)
    except TimeoutError:
        raise ClusterError("the Dask cluster has no workers (waited 30 s)") from None
    try:
        found = client.run(worker_identity)
    except Exception as e:  # a worker without the project cannot even unpickle the check
        raise ClusterError(f"a worker cannot run this project's code: {type(e).__name__}: {e}") from None
    for address, theirs in sorted(found.items()):
        mismatch = difference(theirs, here)
        if mismatch:
            raise ClusterError(f"worker {address} runs {mismatch}; refusing to send work")
    return sorted(found)


@dataclass(frozen=True)
class _Pending:
    renderer: Renderer
    entry: catalog.SceneEntry
    label: catalog.SceneEntry  # as progress shows it


def _install(pending: _Pending, files: SceneFiles) -> SceneOutput:
    """Write a worker's bytes into the output folder, then move them into place (key last)."""
    from studio.render import ProducedScene, file_lock

    renderer, entry = pending.renderer, pending.entry
    suffix = renderer.fmt
    with file_lock(renderer.out / ".locks" / f"{entry.name}.{suffix}.lock"):
        work = renderer.out / ".work" / f"{entry.name}-cluster-{os.getpid()}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        try:
            video = work / f"{entry.name}.{suffix}"
            video.write_bytes(files.video)
            srt = None
            if files.srt is not None:
                srt = work / f"{entry.name}.srt"
                srt.write_bytes(files.srt)
            manifest = work / "numbers.json"
            manifest.write_bytes(files.manifest)
            return renderer.install(entry, ProducedScene(video, srt, manifest, files.duration, files.fields))
        finally:
            shutil.rmtree(work, ignore_errors=True)


def render_course(
    address: str,
    renderers: list[Renderer],
    entries: list[catalog.SceneEntry],
    progress: Callable[[str, catalog.SceneEntry], None] | None = None,
    on_connect: Callable[[object], None] | None = None,
) -> list[list[SceneOutput]]:
    """Render `entries` for every renderer (lecture x quality) on the cluster; outputs per renderer."""
    from distributed import as_completed
    from distributed.client import FutureCancelledError
    from distributed.scheduler import KilledWorker

    progress = progress or (lambda event, entry: None)
    many = len(renderers) > 1
    results: dict[tuple[int, str], SceneOutput] = {}
    todo: list[tuple[int, _Pending]] = []
    for i, renderer in enumerate(renderers):
        renderer.out.mkdir(parents=True, exist_ok=True)
        renderer.clean_stale()
        for entry in entries:
            name = f"{renderer.lecture.name}/{renderer.out.name}/{entry.name}" if many else entry.name
            label = replace(entry, name=name)
            done = renderer.up_to_date(entry)
            if done is not None:  # unchanged: not sent
                progress("start", label)
                progress("done", label)
                results[(i, entry.name)] = done
            else:
                todo.append((i, _Pending(renderer, entry, label)))
    if todo:
        here = identity()
        with connect(address) as client:
            if on_connect:
                on_connect(client)
            check_workers(client, here)
            _run(client, todo, here, results, progress, as_completed, (FutureCancelledError, KilledWorker))
    return [[results[(i, e.name)] for e in entries] for i in range(len(renderers))]


def _run(client, todo, here, results, progress, as_completed, dask_errors) -> None:
    FutureCancelledError, KilledWorker = dask_errors
    pending: dict[str, tuple[int, _Pending]] = {}
    started: set[str] = set()
    lock = threading.Lock()

    def on_event(event) -> None:  # in the client's event loop thread
        _, message = event
        key = message.get("key")
        with lock:
            if key not in pending or key in started:
                return  # a retry on another worker, or already finished
            started.add(key)
            item = pending[key][1]
        progress("start", item.label)

    client.subscribe_topic(TOPIC, on_event)
    futures = []
    for i, item in todo:
        voice, plan = task_voice(item.renderer)
        task = SceneTask(
            item.entry.name,
            item.renderer.lecture_path.as_posix(),
            item.renderer.lecture_bytes,
            item.renderer.quality,
            item.renderer.fmt,
            here,
            voice,
            plan,
        )
        key = f"render-{item.renderer.lecture.name}-{item.renderer.out.name}-{item.entry.name}-{uuid.uuid4().hex[:8]}"
        with lock:
            pending[key] = (i, item)
        futures.append(client.submit(render_on_worker, task, key=key, pure=False))
    try:
        for future in as_completed(futures):
            i, item = pending[future.key]
            try:
                files = future.result()
            except (SceneFailed, VersionMismatch) as e:
                raise ClusterError(f"{_where(item)}: {e}") from None
            except KilledWorker:
                raise ClusterError(f"{_where(item)}: the workers running it died repeatedly") from None
            except FutureCancelledError:
                raise ClusterError(f"{_where(item)}: cancelled on the cluster") from None
            except Exception as e:  # the worker's own problem, not a traceback for the user
                raise ClusterError(f"{_where(item)}: {type(e).__name__}: {e}") from None
            with lock:
                if future.key not in started:
                    started.add(future.key)
                    progress("start", item.label)
                del pending[future.key]
            results[(i, item.entry.name)] = _install(item, files)
            progress("done", item.label)
    except BaseException:  # a failed scene or Ctrl-C: stop the cluster's remaining work
        client.cancel(futures, force=True)
        with lock:
            running = [pending[k][1] for k in started if k in pending]
        for item in running:
            progress("failed", item.label)
        raise
    finally:
        client.unsubscribe_topic(TOPIC)


def _where(item: _Pending) -> str:
    r = item.renderer
    return f"scene {item.entry.name} ({r.lecture.name}, {r.out.name})"


def main() -> None:
    """python -m studio.cluster ADDRESS: check a cluster's workers by hand."""
    address = sys.argv[1] if len(sys.argv) > 1 else "local:1"
    started = time.monotonic()
    with connect(address) as client:
        workers = check_workers(client, identity())
    print(
        f"{len(workers)} worker(s) run this project's code ({time.monotonic() - started:.1f} s): {', '.join(workers)}"
    )


if __name__ == "__main__":
    main()
