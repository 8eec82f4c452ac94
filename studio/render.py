"""Rendering scenes into renders/<lecture>/<quality>/, safely and only when needed.

- Each scene renders in its own manim process with its own media folder
  (parallel manim processes sharing one crash); LaTeX output is shared
  through a locked cache (studio.texlock), so a formula is typeset once.
- Everything is written under a temporary name inside the output folder and
  moved into place when complete; a scene's key file is written last, so a
  render killed at any moment leaves no half-written file under a final name
  and the next run simply renders that scene again.
- A scene whose inputs (lecture file, code, quality, format) did not change
  is not rendered again. Two runs of the same scene wait on one lock.
"""

from __future__ import annotations

import ast
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from engine.lecture import LECTURE_ENV, Lecture
from studio.catalog import SceneEntry

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
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
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


def code_fingerprint(scene_file: Path) -> str:
    """What a scene's video depends on besides its lecture: code it imports, data, weights, manim."""
    import manim

    files = project_dependencies(scene_file) | {p for p in ROOT.glob("assets/*/*") if p.is_file()}
    return _sha(
        manim.__version__.encode(),
        *(p.relative_to(ROOT).as_posix().encode() + p.read_bytes() for p in sorted(files) if p.suffix != ".toml"),
    )


def output_dir(out_root: Path, lecture: Lecture, quality: str) -> Path:
    # lecture.folder: the shipped name, or a safe stem plus a hash of the file's path (never `..`)
    return out_root / lecture.folder / QUALITIES[quality][1]


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


def clean_stale_work(out: Path) -> None:
    """Remove work folders of renders that were killed (their process is gone)."""
    work = out / ".work"
    if not work.is_dir():
        return
    for d in work.iterdir():
        try:
            pid = int(d.name.rsplit("-", 1)[-1])
        except ValueError:
            continue
        if not _pid_alive(pid):
            shutil.rmtree(d, ignore_errors=True)


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


class Renderer:
    """Renders scenes of one lecture at one quality and format."""

    def __init__(self, lecture: Lecture, quality: str, fmt: str, out_root: Path = RENDERS):
        self.lecture, self.quality, self.fmt = lecture, quality, fmt
        self.out = output_dir(out_root, lecture, quality)
        self.tex_dir = out_root / ".cache" / "Tex"
        self._fingerprints: dict[Path, str] = {}
        self.lecture_bytes = lecture.path.read_bytes()

    # --- keys ----------------------------------------------------------------

    def key(self, entry: SceneEntry) -> str:
        if entry.file not in self._fingerprints:
            self._fingerprints[entry.file] = code_fingerprint(entry.file)
        return _sha(
            self._fingerprints[entry.file].encode(),
            self.lecture_bytes,
            entry.name.encode(),
            self.quality.encode(),
            self.fmt.encode(),
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
        except (OSError, ValueError):
            return None
        if recorded.get("key") != self.key(entry):
            return None
        if not (paths["video"].exists() and paths["manifest"].exists()):
            return None
        srt_path = paths["srt"] if paths["srt"].exists() else None
        return SceneOutput(entry.name, paths["video"], srt_path, paths["manifest"], recorded["duration"], False)

    # --- one scene -------------------------------------------------------------

    def render(self, entry: SceneEntry) -> SceneOutput:
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

    def _render_in(self, entry: SceneEntry, work: Path) -> SceneOutput:
        manifest_tmp = work / "numbers.json"
        env = dict(os.environ, **{LECTURE_ENV: str(self.lecture.path), "BACKPROP_MANIFEST": str(manifest_tmp)})
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        log = work / "manim.log"
        with open(log, "w") as log_handle:
            proc = subprocess.run(
                self._manim_command(entry, work), cwd=work, env=env, stdout=log_handle, stderr=subprocess.STDOUT
            )
        if proc.returncode != 0:
            cause = failure_cause(log.read_text(errors="replace")) or f"manim exited with {proc.returncode}"
            raise RenderError(f"scene {entry.name} failed with lecture {self.lecture.path}: {cause}")
        produced = self._find_output(entry, work / "media")
        paths = self._paths(entry.name)
        paths["key"].parent.mkdir(parents=True, exist_ok=True)
        paths["key"].unlink(missing_ok=True)  # outputs change below: no stale key may vouch for them
        duration = 0.0
        if self.fmt != "png":
            from studio.video import probe

            duration = probe(produced).duration
        srt_src = produced.with_suffix(".srt")
        srt_out = None
        if srt_src.exists() and self.fmt != "png":
            os.replace(srt_src, paths["srt"])
            srt_out = paths["srt"]
        os.replace(manifest_tmp, paths["manifest"])
        os.replace(produced, paths["video"])
        write_atomic(paths["key"], json.dumps({"key": self.key(entry), "duration": duration}).encode())
        return SceneOutput(entry.name, paths["video"], srt_out, paths["manifest"], duration, True)

    def _find_output(self, entry: SceneEntry, media: Path) -> Path:
        # manim names stills <Scene>_ManimCE_v….png and GIFs <Scene>_ManimCE_v….gif
        pattern = f"**/{entry.name}*.{self.fmt}" if self.fmt in ("png", "gif") else f"**/{entry.name}.{self.fmt}"
        found = [p for p in media.glob(pattern) if "partial_movie_files" not in p.parts]
        if not found:
            raise RenderError(f"scene {entry.name}: manim finished but wrote no {self.fmt} file")
        return max(found, key=lambda p: p.stat().st_mtime)

    # --- many scenes -----------------------------------------------------------

    def render_all(
        self,
        entries: list[SceneEntry],
        jobs: int,
        progress: Callable[[str, SceneEntry], None] | None = None,
    ) -> list[SceneOutput]:
        """Render entries with `jobs` parallel processes; results in entry order."""
        self.out.mkdir(parents=True, exist_ok=True)
        clean_stale_work(self.out)
        results: dict[str, SceneOutput] = {}
        errors: list[str] = []
        lock = threading.Lock()

        def one(entry: SceneEntry) -> None:
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

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            list(pool.map(one, entries))
        if errors:
            raise RenderError("\n\n".join(errors))
        return [results[e.name] for e in entries]

    # --- the whole lecture -----------------------------------------------------

    def join(self, outputs: list[SceneOutput]) -> tuple[Path, Path]:
        """lecture.mp4 and lecture.srt from the scenes, in order (mp4 only)."""
        from studio.video import concat, merge_srt

        video, subs = self.out / "lecture.mp4", self.out / "lecture.srt"
        key_file = self.out / ".keys" / "lecture.json"
        key = _sha(*(json.dumps([o.name, o.video.stat().st_mtime_ns, o.duration]).encode() for o in outputs))
        with file_lock(self.out / ".locks" / "lecture.lock"):
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
        """index.json: what was made here, from which lecture file (merged with earlier runs)."""
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
                    "updated": time.strftime("%Y-%m-%dT%H:%M:%S"),
                }
            index.update(
                {
                    "lecture_file": str(self.lecture.path),
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
