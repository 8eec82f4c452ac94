"""The project's command line (./render.sh is its thin shell front).

    render.sh                       the default lecture, every scene, joined into lecture.mp4
    render.sh render [SCENE ...]    chosen scenes (or all) of a lecture
    render.sh preview SCENE|all     last frame + storyboard PNGs, in seconds
    render.sh list                  the scenes in lesson order
    render.sh test [PYTEST ARGS]    the test suite

Exit codes: 0 done, 1 a render or check failed, 2 bad command line or lecture
file, 3 a system tool is missing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from studio import catalog

ROOT = Path(__file__).resolve().parent.parent
EXIT_FAILED, EXIT_USAGE, EXIT_SYSTEM = 1, 2, 3


class UsageError(Exception):
    """A mistake on the command line or in a lecture file: message, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line saying what is wrong, then the usage
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        self.print_usage(sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _add_lecture(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--lecture",
        metavar="FILE",
        help="lecture file (TOML), or the name of one in assets/lectures (default: default)",
    )


def build_parser() -> argparse.ArgumentParser:
    from studio.render import FORMATS, QUALITIES

    parser = _Parser(
        prog="render.sh",
        description="Animate the calculus of backpropagation with Manim. With no command: render every "
        "scene of the default lecture at preview quality and join them into lecture.mp4.",
        epilog="Outputs go to renders/<lecture>/<quality>/. `render.sh COMMAND --help` explains a command.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    r = sub.add_parser("render", help="render scenes to video", description="Render scenes of a lecture.")
    r.add_argument("scenes", nargs="*", metavar="SCENE", help="scene names (see `list`), or `all` (default)")
    r.add_argument(
        "--lecture",
        metavar="FILE",
        action="append",
        help="lecture file (TOML), or the name of one in assets/lectures (default: default); repeat for a course",
    )
    r.add_argument(
        "--quality",
        choices=list(QUALITIES),
        action="append",
        help="low = 480p15 (default), ...; repeat for several",
    )
    r.add_argument("--format", choices=FORMATS, default="mp4", help="mp4 (default), webm, gif, or png (last frame)")
    r.add_argument("--jobs", type=_positive_int, default=os.cpu_count() or 1, help="parallel renders (default: cores)")
    r.add_argument("--out", metavar="DIR", help="output root (default: renders/)")
    r.add_argument("--no-join", action="store_true", help="do not join the scenes into lecture.mp4")
    r.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="render on a Dask cluster: a scheduler address (tcp://host:8786) or local:N for N local worker "
        "processes (--jobs is then ignored)",
    )
    _add_voice(r)

    p = sub.add_parser(
        "preview",
        help="last frame and storyboard PNGs, fast",
        description="Construct scenes with animations skipped; write <Scene>.png (the last frame that shows "
        "something) and "
        "<Scene>.storyboard.png (one frame per step) into renders/<lecture>/preview/.",
    )
    p.add_argument("scenes", nargs="+", metavar="SCENE", help="scene names, or `all`")
    _add_lecture(p)
    p.add_argument("--out", metavar="DIR", help="output root (default: renders/)")
    p.add_argument("--frames", action="store_true", help="also keep every step's full frame in <Scene>.steps/")

    s = sub.add_parser(
        "slides",
        help="the lecture as a presentation: one slide per step",
        description="Render scenes as a manim-slides presentation (one slide per step of each scene) into "
        "renders/<lecture>/<quality>/slides/, then export lecture.pptx and lecture.html. Present it with "
        "`manim-slides present --folder FOLDER SCENE ...` (the command is printed at the end).",
    )
    s.add_argument("scenes", nargs="*", metavar="SCENE", help="scene names (see `list`), or `all` (default)")
    _add_lecture(s)
    s.add_argument("--quality", choices=list(QUALITIES), default="low", help="low = 480p15 (default), ...")
    s.add_argument("--out", metavar="DIR", help="output root (default: renders/)")

    sc = sub.add_parser(
        "script",
        help="the narration script as Markdown",
        description="Write every scene's narration, step by step, with the numbers as spoken, to "
        "renders/<lecture>/narration.md (a script to record your own voice from).",
    )
    _add_lecture(sc)
    sc.add_argument("--out", metavar="FILE", help="the Markdown file (default: renders/<lecture>/narration.md)")

    li = sub.add_parser(
        "list", help="the scenes in lesson order", description="List the scenes in lesson order with their lengths."
    )
    _add_lecture(li)
    t = sub.add_parser("test", help="run the test suite", description="Run the tests (arguments go to pytest).")
    t.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed to pytest")
    return parser


def _add_voice(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--voice",
        metavar="VOICE",
        help="piper (the synthetic voice, default), none (silent, reading pace) or a folder of recordings "
        "<Scene>/<step>.wav|.mp3|.flac (default: the lecture's `voice` key)",
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value


# --- helpers -------------------------------------------------------------------


def _load_lecture(name: str | None):
    from engine.lecture import LectureError, load_lecture

    try:
        return load_lecture(name)
    except LectureError as e:
        raise UsageError("\n".join(e.problems)) from None


# The folder the user typed the command in: render.sh changes to the project folder first.
CALLER_CWD_ENV = "BACKPROP_CALLER_CWD"
PATH_OPTIONS = ("out", "voice")  # options naming a file or folder (besides --lecture)


def caller_cwd() -> Path:
    given = os.environ.get(CALLER_CWD_ENV)
    return Path(given) if given and os.path.isdir(given) else Path.cwd()


def _lecture_arg(value: str, cwd: Path) -> str:
    from engine.lecture import resolve_lecture_path, shipped_names

    if value.strip() == "":
        names = ", ".join(shipped_names())
        raise UsageError(f"--lecture is empty: give a lecture file (path/to/file.toml) or one of {names}")
    return str(resolve_lecture_path(value, cwd))


def resolve_user_paths(args: argparse.Namespace, cwd: Path) -> None:
    """Every path the user gave, made absolute against the folder they typed it in, before
    anything else runs (workers run elsewhere; relative paths would point at the wrong place)."""
    lecture = getattr(args, "lecture", None)
    if isinstance(lecture, list):
        args.lecture = [_lecture_arg(v, cwd) for v in lecture]
    elif lecture is not None:
        args.lecture = _lecture_arg(lecture, cwd)
    for name in PATH_OPTIONS:
        value = getattr(args, name, None)
        if value is None or (name == "voice" and value in ("piper", "none")):  # voice names, not folders
            continue
        if value.strip() == "":
            raise UsageError(f"--{name} is empty: give a folder")
        setattr(args, name, os.path.abspath(cwd / value))


def _writable(folder: Path, what: str) -> Path:
    """Make `folder` and prove it takes a file now, before any work: one line if not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-") as probe:
            probe.write(b"\0" * 4096)
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as e:
        raise UsageError(f"{what} {folder} is not writable: {e.strerror or e}") from None
    return folder


def _where_outputs_go(lecture, folder: Path) -> None:
    if not lecture.shipped:
        print(
            f"render.sh: {lecture.path} is not a shipped lecture: its outputs go to {_show(folder)} "
            "(its name plus a hash of its path, so files with the same name never overwrite each other)",
            file=sys.stderr,
        )


def _choose_scenes(names: list[str]) -> list[catalog.SceneEntry]:
    entries = catalog.scenes()
    if not names or [n.lower() for n in names] == ["all"]:
        return entries
    chosen, unknown = [], []
    for name in names:
        entry = catalog.find(name)
        (chosen.append(entry) if entry else unknown.append(name))
    if unknown:
        known = ", ".join(e.name for e in entries)
        raise UsageError(f"unknown scene {', '.join(map(repr, unknown))}; known scenes: {known}, or all")
    return chosen


def _check_system() -> None:
    from studio.system import problem

    message = problem()
    if message:
        print(f"render.sh: {message}", file=sys.stderr)
        raise SystemExit(EXIT_SYSTEM)


def _out_root(out: str | None) -> Path:
    return _writable(Path(out) if out else ROOT / "renders", "output folder")


def _show(path: Path) -> str:
    try:  # relative to where the user typed the command, so it can be pasted there
        return str(path.relative_to(caller_cwd()))
    except ValueError:
        return str(path)


class Progress:
    """Scenes done, running, left and elapsed time, redrawn on one terminal line."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.enabled = total, enabled
        self.done = self.failed = 0
        self.running: list[str] = []
        self.start = time.monotonic()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tick, daemon=True) if enabled else None

    def __enter__(self):
        if self._thread:
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread:
            self._thread.join()
            self._draw(final=True)

    def __call__(self, event: str, entry: catalog.SceneEntry) -> None:
        with self._lock:
            if event == "start":
                self.running.append(entry.name)
            else:
                self.running.remove(entry.name)
                self.done += event == "done"
                self.failed += event == "failed"
        if self.enabled:
            self._draw()

    def _tick(self) -> None:
        while not self._stop.wait(1.0):
            self._draw()

    def _draw(self, final: bool = False) -> None:
        with self._lock:
            elapsed = int(time.monotonic() - self.start)
            left = self.total - self.done - self.failed - len(self.running)
            line = (
                f"[{elapsed // 60:02d}:{elapsed % 60:02d}] {self.done}/{self.total} done, "
                f"{len(self.running)} running, {left} left"
            )
            if self.failed:
                line += f", {self.failed} failed"
            if self.running:
                line += f" ({', '.join(self.running)})"
            sys.stderr.write("\r\033[K" + line[:150] + ("\n" if final else ""))
            sys.stderr.flush()


# --- commands --------------------------------------------------------------------


def cmd_render(args: argparse.Namespace, join_default: bool) -> int:
    from studio.render import Renderer, RenderError

    loaded = [_load_lecture(name) for name in dict.fromkeys(args.lecture or [None])]
    lectures = list({lecture.path.resolve(): lecture for lecture in loaded}.values())
    qualities = list(dict.fromkeys(args.quality or ["low"]))
    entries = _choose_scenes(args.scenes)
    out_root = _out_root(args.out)
    _check_system()
    renderers = [Renderer(lecture, quality, args.format, out_root) for lecture in lectures for quality in qualities]
    for renderer in renderers:
        _writable(renderer.out, "output folder")
    for renderer in renderers[:: len(qualities)]:  # each lecture's first quality
        _where_outputs_go(renderer.lecture, renderer.out)
    if args.format not in ("png", "gif"):
        for renderer in renderers:
            _prepare_voice(renderer, entries, args.voice, out_root)
    quiet = not sys.stderr.isatty()
    if not quiet:
        where = _show(renderers[0].out) if len(renderers) == 1 else f"{len(renderers)} folders under {_show(out_root)}"
        on = f" on the cluster {args.cluster}" if args.cluster else ""
        print(f"rendering {len(entries) * len(renderers)} scene(s){on} into {where}", file=sys.stderr)
    whole_lecture = [e.name for e in entries] == [e.name for e in catalog.scenes()]
    join = join_default and whole_lecture and args.format == "mp4" and not args.no_join

    def finish(renderer, outputs) -> tuple:
        """Join one lecture's scenes, write its page and index: as soon as they are rendered."""
        joined = page = None
        if join:
            joined = renderer.join(outputs)
            from studio.page import write_page

            page = write_page(renderer, outputs, joined)  # index.html beside lecture.mp4
        return outputs, joined, page, renderer.write_index(outputs, joined)

    made = []
    try:
        with Progress(len(entries) * len(renderers), enabled=not quiet) as progress:
            if args.cluster:
                from studio.cluster import render_course

                all_outputs = render_course(args.cluster, renderers, entries, progress)
                made = [finish(r, outputs) for r, outputs in zip(renderers, all_outputs, strict=True)]
            else:  # one lecture after another: each is joined before the next renders
                made = [finish(r, r.render_all(entries, args.jobs, _labelled(progress, r, renderers)))
                        for r in renderers]
    except RenderError as e:
        print(f"render.sh: {e}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("\nrender.sh: interrupted; finished scenes are kept, the rest renders next time", file=sys.stderr)
        return 130
    for outputs, joined, page, index in made:
        for o in outputs:
            state = "rendered" if o.rendered else "up to date"
            print(f"{_show(o.video)}  ({o.duration:.1f} s, {state})")
        if joined:
            print(f"{_show(joined[0])}  (the whole lecture, with {joined[1].name})")
        if page:
            print(f"{_show(page)}  (the lecture page: open it in a browser, no server needed)")
        print(f"{_show(index)}  (index of what was made)")
    return 0


def _labelled(progress: Progress, renderer, renderers: list):
    """Progress names a scene with its lecture and quality when a job renders several."""
    if len(renderers) == 1:
        return progress
    from dataclasses import replace

    prefix = f"{renderer.lecture.name}/{renderer.out.name}/"
    return lambda event, entry: progress(event, replace(entry, name=prefix + entry.name))


def _scene_facts(lecture, entries: list[catalog.SceneEntry], cache_dir: Path):
    """studio.narrate.scene_facts, with the lecture's narration mistakes as one line for the user."""
    from studio import narrate

    try:
        return narrate.scene_facts(lecture, entries, cache_dir)
    except narrate.NarrationError as e:
        raise UsageError(str(e)) from None


def _prepare_voice(renderer, entries: list[catalog.SceneEntry], option: str | None, out_root: Path) -> None:
    """Check the narration and the voice before anything renders; hand the voice and step plan to the renders."""
    from scenes.voice import VOICE_ENV
    from studio import narrate

    lecture = renderer.lecture
    voice = narrate.resolve_voice(lecture, option)
    facts = _scene_facts(lecture, entries, out_root / ".cache")
    try:
        narrate.check_voice(voice, facts)
    except narrate.NarrationError as e:
        raise UsageError(str(e)) from None
    renderer.voice_env[VOICE_ENV] = voice
    if voice != "none":  # silent renders keep the reading-pace timing
        plan = narrate.write_plan(facts, renderer.out / ".plans")
        renderer.voice_env["BACKPROP_STEP_PLAN"] = str(plan)
    renderer.voice_keys = {name: narrate.voice_key(voice, name, f) for name, f in facts.items()}


def cmd_script(args: argparse.Namespace) -> int:
    from studio import narrate
    from studio.render import write_atomic

    lecture = _load_lecture(args.lecture)
    out_root = ROOT / "renders"
    target = Path(args.out) if args.out else out_root / lecture.folder / "narration.md"
    _check_system()
    facts = _scene_facts(lecture, catalog.scenes(), out_root / ".cache")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, narrate.script_markdown(lecture, facts).encode("utf-8"))
    steps = sum(len(f.steps) for f in facts.values())
    print(f"{_show(target)}  ({len(facts)} scenes, {steps} steps)")
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    from studio.preview import preview

    lecture = _load_lecture(args.lecture)
    entries = _choose_scenes(args.scenes)
    out_root = _out_root(args.out)
    _check_system()
    out_dir = _writable(out_root / lecture.folder / "preview", "output folder")
    _where_outputs_go(lecture, out_dir)
    status = 0
    for entry in entries:
        started = time.monotonic()
        try:
            result = preview(entry, lecture.path, out_dir, out_root / ".cache" / "Tex", keep_frames=args.frames)
        except Exception as error:  # one line naming the scene, the lecture and the cause; the others go on
            cause = " ".join(f"{type(error).__name__}: {error}".split())
            print(f"render.sh: preview of {entry.name} failed with lecture {lecture.path}: {cause}", file=sys.stderr)
            status = EXIT_FAILED
            continue
        took = time.monotonic() - started
        print(f"{_show(result.still)}  (last frame with content)")
        print(f"{_show(result.storyboard)}  ({result.steps} steps, {result.duration:.1f} s of video; {took:.1f} s)")
        print(f"  {result.report()}")
        for problem in result.layout_problems:
            print(f"  check: {problem}", file=sys.stderr)
            status = EXIT_FAILED
    return status


def cmd_slides(args: argparse.Namespace) -> int:
    import shlex

    from studio.render import RenderError
    from studio.slides import SlideMaker

    lecture = _load_lecture(args.lecture)
    entries = _choose_scenes(args.scenes)
    out_root = _out_root(args.out)
    _check_system()
    maker = SlideMaker(lecture, args.quality, out_root)
    _writable(maker.folder, "output folder")
    _where_outputs_go(lecture, maker.folder)
    quiet = not sys.stderr.isatty()
    try:
        with Progress(len(entries), enabled=not quiet) as progress:
            made = maker.make(entries, progress)
    except RenderError as e:
        print(f"render.sh: {e}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("\nrender.sh: interrupted; finished scenes are kept, the rest renders next time", file=sys.stderr)
        return 130
    for s in made.scenes:
        sound = ", with narration" if s.narrated else ""
        print(f"{_show(made.folder / s.name)}.json  ({s.slides} slides for {s.steps} steps{sound})")
    print(f"{_show(made.pptx)}  (PowerPoint, {sum(s.slides for s in made.scenes)} slides)")
    where = "reveal.js beside it, opens offline" if made.offline_html else "reveal.js from its CDN: needs a network"
    print(f"{_show(made.html)}  (HTML, {where})")
    names = " ".join(s.name for s in made.scenes)
    print(f"present: manim-slides present --folder {shlex.quote(_show(made.folder))} {names}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    lecture = _load_lecture(args.lecture)
    entries = catalog.scenes()
    durations = _durations(lecture, entries)
    width = max(len(e.name) for e in entries)
    for e in entries:
        d = durations[e.name]
        print(f"{e.name:<{width}}  {'    ?' if d is None else f'{d:5.1f}'} s  {e.summary}")
    return 0


def _durations(lecture, entries: list[catalog.SceneEntry]) -> dict[str, float | None]:
    """Each scene's silent length, from the cached fast construction the narration also uses."""
    cache_dir = ROOT / "renders" / ".cache"
    try:
        _writable(cache_dir, "cache folder")
    except UsageError as problem:  # a read-only checkout still lists its scenes, without lengths
        print(f"render.sh: {problem}; scene lengths are not shown", file=sys.stderr)
        return {e.name: None for e in entries}
    facts = _scene_facts(lecture, entries, cache_dir)
    return {e.name: facts[e.name].duration if e.name in facts else None for e in entries}


def cmd_test(pytest_args: list[str]) -> int:
    return subprocess.call([sys.executable, "-m", "pytest", *pytest_args], cwd=ROOT)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    join_default = False
    if not argv:
        argv, join_default = ["render", "all"], True
    if argv[0] == "test" and not set(argv[1:]) & {"-h", "--help"}:
        return cmd_test(argv[1:])  # everything after `test` belongs to pytest
    args = parser.parse_args(argv)
    from studio.render import sigterm_as_interrupt

    try:
        with sigterm_as_interrupt():  # SIGTERM at any moment (even while narration is read) cleans up as Ctrl-C does
            return _dispatch(args, parser, join_default)
    except KeyboardInterrupt:
        print("\nrender.sh: interrupted", file=sys.stderr)
        return 130


def _dispatch(args: argparse.Namespace, parser: argparse.ArgumentParser, join_default: bool) -> int:
    try:
        resolve_user_paths(args, caller_cwd())
        if args.command == "render":
            return cmd_render(args, join_default or not args.scenes or args.scenes == ["all"])
        if args.command == "preview":
            return cmd_preview(args)
        if args.command == "list":
            return cmd_list(args)
        if args.command == "slides":
            return cmd_slides(args)
        if args.command == "script":
            return cmd_script(args)
        parser.error(f"unknown command {args.command!r}")
    except UsageError as e:
        print(f"render.sh: {e}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as e:  # the file system failed us mid-way (disk full, folder gone): one line, not a trace
        print(f"render.sh: cannot write {e.filename or 'the outputs'}: {e.strerror or e}", file=sys.stderr)
        return EXIT_FAILED
    return 0


if __name__ == "__main__":
    sys.exit(main())
