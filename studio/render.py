"""Rendering scenes into renders/<lecture>/<quality>/, safely and only when needed.

- Each scene renders in its own manim process (studio.worker) with its own
  media folder; LaTeX output is shared through a cache that any number of
  processes can use at once (studio.texlock), so a formula is typeset once.
- The lecture file is read once: its bytes are parsed here for the keys and
  copied into the scene's work folder, which is what the worker reads.
- Everything is written under a temporary name (`.<name>.<pid>.part`, or a
  work folder `<scene>-<pid>`) and moved into place when complete; a scene's
  key file is written last, so a render killed at any moment leaves no
  half-written file under a final name; the next run removes what dead
  processes left (`clean_stale`) and renders that scene again.
- A scene is rendered again only when its inputs change: the code it runs
  (its imports, the worker's, the assets, manim), quality, format, and the
  values of the lecture it read. The worker records which lecture fields the
  scene read; a scene's code and the values of those fields decide what it
  reads, so if neither changed its output cannot have. A comment in the
  lecture file or a section the scene never reads changes nothing.
- Workers run in their own process groups; an interrupt (Ctrl-C, SIGTERM)
  ends them with the command.
"""

from __future__ import annotations

import ast
import dataclasses
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from engine.lecture import LECTURE_ENV, Lecture, LectureError, parse_lecture
from studio.catalog import SceneEntry, parse_source
from studio.worker import FIELDS_ENV, LECTURE_AS_ENV

ROOT = Path(__file__).resolve().parent.parent
RENDERS = ROOT / "renders"

# Our quality names -> manim's flag and its folder name.
QUALITIES: dict[str, tuple[str, str]] = {
    "low": ("l", "480p15"),
    "medium": ("m", "720p30"),
    "high": ("h", "1080p60"),
    "4k": ("k", "2160p60"),
}
FORMATS = ("mp4", "webm", "gif", "png")
PROJECT_PACKAGES = ("engine", "scenes", "studio")
WORKER = ROOT / "studio" / "worker.py"
CACHE_ENV = "BACKPROP_CACHE"  # the cache root (e.g. the trained digit network), see scenes.multi_data
_PART = re.compile(r"\.(\d+)\.part")  # `.<pid>.part` in a temporary name


class RenderError(RuntimeError):
    """A scene failed to render; the message holds the end of manim's log."""


@dataclass(frozen=True)
class SceneOutput:
    name: str
    video: Path
    srt: Path | None
    manifest: Path
    duration: float
    rendered: bool  # False when the existing output was up to date


@contextmanager
def file_lock(path: Path):
    """An exclusive lock on `path`, removed again when released (no .lock files are left behind).

    The holder deletes the file before unlocking; a waiter that then gets the lock on the
    deleted file sees that the name now points elsewhere (or nowhere) and tries again."""
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        handle = open(path, "a")
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            current = os.stat(path).st_ino
        except FileNotFoundError:
            current = None
        if current == os.fstat(handle.fileno()).st_ino:
            break
        handle.close()
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _sha(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def _module_file(name: str) -> Path | None:
    base = ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def project_dependencies(file: Path) -> set[Path]:
    """The project's own source files `file` imports, transitively (by reading, not importing)."""
    seen: set[Path] = set()
    todo = [file]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for node in ast.walk(parse_source(path)):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level:  # relative: resolve against this file's package
                    package = path.relative_to(ROOT).parent.parts
                    package = package[: len(package) - (node.level - 1)]
                    module = ".".join([*package, module] if module else package)
                names = [module] + [f"{module}.{a.name}" for a in node.names]
            for name in names:
                if name.split(".")[0] in PROJECT_PACKAGES:
                    parts = name.split(".")
                    for i in range(1, len(parts) + 1):  # a package's __init__ runs too
                        found = _module_file(".".join(parts[:i]))
                        if found:
                            todo.append(found)
    return seen


def fingerprint_files(scene_file: Path) -> set[Path]:
    """The files a scene's video depends on besides its lecture: the code it imports, the worker
    that runs it (with the LaTeX cache), data and weights."""
    files = project_dependencies(scene_file) | project_dependencies(WORKER)
    return files | {p for p in ROOT.glob("assets/*/*") if p.is_file()}


def code_fingerprint(scene_file: Path) -> str:
    """A digest of fingerprint_files(scene_file) and manim's version."""
    import manim

    files = fingerprint_files(scene_file)
    return _sha(
        manim.__version__.encode(),
        *(p.relative_to(ROOT).as_posix().encode() + p.read_bytes() for p in sorted(files) if p.suffix != ".toml"),
    )


def output_dir(out_root: Path, lecture: Lecture, quality: str) -> Path:
    # lecture.folder: the shipped name, or a safe stem plus a hash of the file's path (never `..`)
    return out_root / lecture.folder / QUALITIES[quality][1]


def display_path(path: Path) -> Path:
    """A lecture file as outputs name it: relative to the project when inside it."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(ROOT)
    except ValueError:
        return resolved


def canonical(value: Any) -> Any:
    """A JSON-able form of a parsed lecture value that is equal exactly when the value is."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"type": type(value).__name__, **fields}
    if isinstance(value, np.ndarray):
        return {"dtype": value.dtype.str, "shape": list(value.shape), "data": value.tobytes().hex()}
    if isinstance(value, np.generic):
        return canonical(value.item())
    if isinstance(value, float):
        return value.hex()
    if isinstance(value, Path):  # as outputs name it, so that a moved clone keys the same
        return display_path(value).as_posix()
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if value is None or isinstance(value, bool | int | str):
        return value
    return {"repr": repr(value)}  # an unknown kind: at worst a needless render, never a stale one


def write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    tmp.write_bytes(data)
    tmp.replace(path)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def clean_stale(folders: Iterable[Path]) -> None:
    """Remove what killed processes left in `folders`: temporary files and folders
    (`.<pid>.part` in the name) and work folders (`.work/<scene>-<pid>`) whose process is gone."""
    for folder in folders:
        try:
            children = list(folder.iterdir())
        except OSError:
            continue
        for child in children:
            found = _PART.search(child.name)
            if found is None and folder.name == ".work":
                found = re.search(r"-(\d+)$", child.name)
            if found is not None and not _pid_alive(int(found.group(1))):
                _remove(child)


def clean_stale_caches(cache_root: Path) -> None:
    """Remove what killed processes left in the caches: private LaTeX folders, partial files."""
    from scenes.voice import default_cache

    clean_stale([cache_root, cache_root / "Tex", cache_root / "training", default_cache()])


def clean_stale_work(out: Path) -> None:
    """Remove everything that killed renders left in an output folder."""
    clean_stale([out, out / ".work", out / ".keys", out / ".locks"])


@contextmanager
def sigterm_as_interrupt():
    """In the main thread, SIGTERM raises KeyboardInterrupt (as Ctrl-C does), so that
    clean-up code runs: workers are ended, temporary files removed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


_BOX = "│╭╮╰╯─┃━┏┓┗┛ "
_CAUSE = re.compile(  # an exception line: [module.]SomeError[: message]
    r"^(?:[A-Za-z_][\w.]*\.)?([A-Z]\w*(?:Error|Exception|Exit|Interrupt|Warning))(?::\s*(.*))?$"
)


def failure_cause(log: str) -> str | None:
    """The exception at the end of a worker's log (manim boxes its traceback), as one line."""
    lines = [line.strip(_BOX) for line in log.splitlines()]
    for i in range(len(lines) - 1, -1, -1):
        m = _CAUSE.match(lines[i])
        if m:
            rest = [m.group(2) or ""]
            for more in lines[i + 1 : i + 4]:  # rich wraps long messages onto following lines
                if not more or _CAUSE.match(more):
                    break
                rest.append(more)
            message = " ".join(" ".join(rest).split())
            return f"{m.group(1)}: {message}" if message else m.group(1)
    return None


@dataclass(frozen=True)
class ProducedScene:
    """A scene's files as its worker left them in a work folder (Renderer.produce)."""

    video: Path
    srt: Path | None
    manifest: Path
    duration: float  # seconds (0 for a still)
    fields: tuple[str, ...]  # the lecture values the scene read (its key covers these)


class Renderer:
    """Renders scenes of one lecture at one quality and format."""

    def __init__(self, lecture: Lecture, quality: str, fmt: str, out_root: Path = RENDERS):
        self.quality, self.fmt = quality, fmt
        self.out = output_dir(out_root, lecture, quality)
        self.cache_root = out_root / ".cache"
        self.tex_dir = self.cache_root / "Tex"
        self._fingerprints: dict[Path, str] = {}
        # The lecture file is read here, once: keys, index and every worker use these bytes.
        self.lecture_path = display_path(lecture.path)
        try:
            self.lecture_bytes = lecture.path.read_bytes()
            self.lecture = parse_lecture(self.lecture_bytes.decode("utf-8"), lecture.path)
        except (OSError, UnicodeDecodeError) as e:
            raise RenderError(f"{lecture.path}: cannot be read: {e}") from None
        except LectureError as e:
            raise RenderError(f"{lecture.path} changed and is no longer valid: {e.problems[0]}") from None
        self._workers: set[subprocess.Popen] = set()
        self._workers_lock = threading.Lock()
        self._stopping = False
        self.preexec_fn: Callable[[], None] | None = None
        # The narration's voice (studio.narrate): environment for the scene processes, and per scene what
        # its sound depends on (voice, settings, recordings, step plan), which goes into its key.
        self.voice_env: dict[str, str] = {}
        self.voice_keys: dict[str, str] = {}

    # --- keys ----------------------------------------------------------------

    def key(self, entry: SceneEntry, fields: Iterable[str] | None = None) -> str | None:
        """The key of `entry` given the lecture fields it reads, by default all of them
        (None: a recorded field no longer exists)."""
        if entry.file not in self._fingerprints:
            self._fingerprints[entry.file] = code_fingerprint(entry.file)
        if fields is None:
            fields = [f.name for f in dataclasses.fields(self.lecture)]
        try:
            values = {name: canonical(getattr(self.lecture, name)) for name in sorted(set(fields))}
        except AttributeError:
            return None
        if "narration" in values:  # only this scene's own [narration.<Scene>]: other scenes' words are not its input
            values["narration"] = canonical(self.lecture.narration.get(entry.name, {}))
        return _sha(
            self._fingerprints[entry.file].encode(),
            json.dumps(values, sort_keys=True).encode(),
            entry.name.encode(),
            self.quality.encode(),
            self.fmt.encode(),
            self.voice_keys.get(entry.name, "").encode(),
        )

    def _paths(self, name: str) -> dict[str, Path]:
        return {
            "video": self.out / f"{name}.{self.fmt}",
            "srt": self.out / f"{name}.srt",
            "manifest": self.out / f"{name}.numbers.json",
            "key": self.out / ".keys" / f"{name}.{self.fmt}.json",
        }

    def up_to_date(self, entry: SceneEntry) -> SceneOutput | None:
        paths = self._paths(entry.name)
        try:
            recorded = json.loads(paths["key"].read_text())
            fields, key, duration = recorded["fields"], recorded["key"], float(recorded["duration"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not isinstance(fields, list) or key != self.key(entry, fields):
            return None
        if not (paths["video"].exists() and paths["manifest"].exists()):
            return None
        srt_path = paths["srt"] if paths["srt"].exists() else None
        return SceneOutput(entry.name, paths["video"], srt_path, paths["manifest"], duration, False)

    # --- one scene -------------------------------------------------------------

    def render(self, entry: SceneEntry) -> SceneOutput:
        """Render one scene (unless up to date) in a work folder of its own, then move its outputs into place."""
        self.out.mkdir(parents=True, exist_ok=True)
        with file_lock(self.out / ".locks" / f"{entry.name}.{self.fmt}.lock"):
            done = self.up_to_date(entry)
            if done is not None:
                return done
            work = self.out / ".work" / f"{entry.name}-{os.getpid()}"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            try:
                return self._render_in(entry, work)
            finally:
                shutil.rmtree(work, ignore_errors=True)

    def _manim_command(self, entry: SceneEntry, work: Path) -> list[str]:
        flag = QUALITIES[self.quality][0]
        cmd = [sys.executable, "-m", "studio.worker", str(self.tex_dir), f"-q{flag}"]
        cmd += ["-s"] if self.fmt == "png" else ["--format", self.fmt]
        cmd += [
            "--media_dir", str(work / "media"),
            "--disable_caching",  # our key decides what to render; stale partial files cannot be reused
            "--progress_bar", "none",
            "-v", "WARNING",
            str(entry.file), entry.name,
        ]  # fmt: skip
        return cmd

    def _worker_env(self, work: Path) -> dict[str, str]:
        # The worker reads exactly the bytes the keys were computed from, under the lecture's own name.
        lecture_copy = work / "lecture" / self.lecture_path.name
        lecture_copy.parent.mkdir(parents=True, exist_ok=True)
        lecture_copy.write_bytes(self.lecture_bytes)
        env = dict(os.environ)
        env.update(
            {
                LECTURE_ENV: str(lecture_copy),
                LECTURE_AS_ENV: self.lecture_path.as_posix(),
                FIELDS_ENV: str(work / "fields.json"),
                "BACKPROP_MANIFEST": str(work / "numbers.json"),
                CACHE_ENV: str(self.cache_root),
            }
        )
        env.update(self.voice_env)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        return env

    def _run_worker(self, cmd: list[str], work: Path, env: dict[str, str], log: Path) -> int:
        """Run one worker in its own process group, so stop_workers can end it and its children."""
        with open(log, "w") as log_handle:
            with self._workers_lock:
                if self._stopping:
                    raise RenderError("interrupted before it started")
                proc = subprocess.Popen(
                    cmd,
                    cwd=work,
                    env=env,
                    stdout=log_handle,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    preexec_fn=self.preexec_fn,  # studio.cluster: the worker dies with its Dask worker
                )
                self._workers.add(proc)
            try:
                return proc.wait()
            finally:
                with self._workers_lock:
                    self._workers.discard(proc)

    def stop_workers(self, grace: float = 5.0) -> None:
        """End every running worker (and whatever it started); start no new one."""
        with self._workers_lock:
            self._stopping = True
            running = list(self._workers)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for proc in running:
                try:
                    os.killpg(proc.pid, sig)
                except (ProcessLookupError, PermissionError):
                    pass
            for proc in running:
                try:
                    proc.wait(timeout=grace)
                except subprocess.TimeoutExpired:
                    continue
            running = [p for p in running if p.poll() is None]
            if not running:
                return

    def _render_in(self, entry: SceneEntry, work: Path) -> SceneOutput:
        return self.install(entry, self.produce(entry, work))

    def produce(self, entry: SceneEntry, work: Path) -> ProducedScene:
        """Render one scene in `work` (its files stay there); a Dask worker (studio.cluster) runs this too."""
        manifest_tmp, fields_file = work / "numbers.json", work / "fields.json"
        log = work / "manim.log"
        returncode = self._run_worker(self._manim_command(entry, work), work, self._worker_env(work), log)
        if returncode != 0:
            cause = failure_cause(log.read_text(errors="replace")) or f"manim exited with {returncode}"
            raise RenderError(f"scene {entry.name} failed with lecture {self.lecture.path}: {cause}")
        produced = self._find_output(entry, work / "media")
        try:
            fields = json.loads(fields_file.read_text())
        except (OSError, ValueError):
            raise RenderError(f"scene {entry.name}: the worker did not record which lecture values it read") from None
        duration = 0.0
        if self.fmt != "png":
            from studio.video import probe

            duration = probe(produced).duration
        srt_src = produced.with_suffix(".srt")
        srt = srt_src if srt_src.exists() and self.fmt != "png" else None
        return ProducedScene(produced, srt, manifest_tmp, duration, tuple(sorted(fields)))

    def install(self, entry: SceneEntry, made: ProducedScene) -> SceneOutput:
        """Move a scene's files (made in a work folder inside self.out) into place; its key last."""
        key = self.key(entry, made.fields)
        paths = self._paths(entry.name)
        paths["key"].parent.mkdir(parents=True, exist_ok=True)
        paths["key"].unlink(missing_ok=True)  # outputs change below: no stale key may vouch for them
        srt_out = None
        if made.srt is not None:
            os.replace(made.srt, paths["srt"])
            srt_out = paths["srt"]
        else:  # captions off (or a still): an earlier run's captions no longer belong to this video
            paths["srt"].unlink(missing_ok=True)
        os.replace(made.manifest, paths["manifest"])
        os.replace(made.video, paths["video"])
        record = {"key": key, "fields": list(made.fields), "duration": made.duration}
        write_atomic(paths["key"], json.dumps(record).encode())
        return SceneOutput(entry.name, paths["video"], srt_out, paths["manifest"], made.duration, True)

    def _find_output(self, entry: SceneEntry, media: Path) -> Path:
        # manim names stills <Scene>_ManimCE_v….png and GIFs <Scene>_ManimCE_v….gif
        pattern = f"**/{entry.name}*.{self.fmt}" if self.fmt in ("png", "gif") else f"**/{entry.name}.{self.fmt}"
        found = [p for p in media.glob(pattern) if "partial_movie_files" not in p.parts]
        if not found:
            raise RenderError(f"scene {entry.name}: manim finished but wrote no {self.fmt} file")
        return max(found, key=lambda p: p.stat().st_mtime)

    # --- many scenes -----------------------------------------------------------

    def clean_stale(self) -> None:
        """Remove what killed commands left here: work folders, temporary files, private LaTeX folders."""
        clean_stale_work(self.out)
        clean_stale_caches(self.cache_root)

    def render_all(
        self,
        entries: list[SceneEntry],
        jobs: int,
        progress: Callable[[str, SceneEntry], None] | None = None,
    ) -> list[SceneOutput]:
        """Render entries with `jobs` parallel processes; results in entry order.
        An interrupt (Ctrl-C, or SIGTERM in the main thread) ends the running workers and is re-raised."""
        self.out.mkdir(parents=True, exist_ok=True)
        self.clean_stale()
        results: dict[str, SceneOutput] = {}
        errors: list[str] = []
        lock = threading.Lock()

        def one(entry: SceneEntry) -> None:
            if self._stopping:
                return
            if progress:
                progress("start", entry)
            try:
                out = self.render(entry)
                with lock:
                    results[entry.name] = out
                if progress:
                    progress("done", entry)
            except RenderError as e:
                with lock:
                    errors.append(str(e))
                if progress:
                    progress("failed", entry)

        pool = ThreadPoolExecutor(max_workers=max(1, jobs))
        try:
            with sigterm_as_interrupt():
                for future in [pool.submit(one, e) for e in entries]:
                    future.result()
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            self.stop_workers()
            pool.shutdown(wait=True)  # the threads remove their work folders
            self.clean_stale()  # and what the ended workers could not: their private LaTeX folders
            raise
        pool.shutdown(wait=True)
        if errors:
            raise RenderError("\n\n".join(errors))
        return [results[e.name] for e in entries]

    # --- the whole lecture -----------------------------------------------------

    def join(self, outputs: list[SceneOutput]) -> tuple[Path, Path]:
        """lecture.mp4 and lecture.srt from the scenes, in order (mp4 only)."""
        from studio.video import concat, merge_srt

        video, subs = self.out / "lecture.mp4", self.out / "lecture.srt"
        key_file = self.out / ".keys" / "lecture.json"

        def described(o: SceneOutput) -> bytes:
            stat = o.video.stat()
            srt = hashlib.sha256(o.srt.read_bytes()).hexdigest() if o.srt else None
            return json.dumps([o.name, stat.st_size, stat.st_mtime_ns, o.duration, srt]).encode()

        key = _sha(*(described(o) for o in outputs))
        with sigterm_as_interrupt(), file_lock(self.out / ".locks" / "lecture.lock"):
            clean_stale([self.out])  # an earlier join killed part-way
            try:
                if json.loads(key_file.read_text())["key"] == key and video.exists() and subs.exists():
                    return video, subs
            except (OSError, ValueError, KeyError):
                pass
            key_file.unlink(missing_ok=True)
            tmp_video = self.out / f".lecture.{os.getpid()}.part.mp4"
            tmp_subs = self.out / f".lecture.{os.getpid()}.part.srt"
            try:
                concat([o.video for o in outputs], tmp_video)
                offsets, t = [], 0.0
                for o in outputs:
                    offsets.append((o.srt, t))
                    t += o.duration
                merge_srt(offsets, tmp_subs)
                os.replace(tmp_subs, subs)
                os.replace(tmp_video, video)
            finally:
                tmp_video.unlink(missing_ok=True)
                tmp_subs.unlink(missing_ok=True)
            write_atomic(key_file, json.dumps({"key": key}).encode())
        return video, subs

    def write_index(self, outputs: list[SceneOutput], lecture_video: tuple[Path, Path] | None) -> Path:
        """index.json: what was made here, from which lecture file (merged with earlier runs).
        Same inputs, same bytes: no clock times, the lecture named relative to the project."""
        index_path = self.out / "index.json"
        with file_lock(self.out / ".locks" / "index.lock"):
            try:
                index = json.loads(index_path.read_text())
            except (OSError, ValueError):
                index = {}
            scenes = {s["name"]: s for s in index.get("scenes", []) if isinstance(s, dict) and "name" in s}
            for o in outputs:
                scenes[o.name] = {
                    "name": o.name,
                    "format": self.fmt,
                    "video": o.video.name,
                    "srt": o.srt.name if o.srt else None,
                    "manifest": o.manifest.name,
                    "duration": round(o.duration, 3),
                }
            index.update(
                {
                    "lecture_file": self.lecture_path.as_posix(),
                    "lecture_sha256": hashlib.sha256(self.lecture_bytes).hexdigest(),
                    "title": self.lecture.title,
                    "quality": QUALITIES[self.quality][1],
                    "scenes": list(scenes.values()),
                }
            )
            if lecture_video:
                index["lecture_video"] = lecture_video[0].name
                index["lecture_srt"] = lecture_video[1].name
            write_atomic(index_path, json.dumps(index, indent=1).encode())
        return index_path
