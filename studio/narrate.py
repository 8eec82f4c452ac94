"""The narration around a render: what each step says, who says it, and the step plan.

Before anything renders, each chosen scene is constructed once in the fast mode
(animations skipped, reading pace, no voice) to learn its steps, their
narration and how long each step's animations take unstretched. That
measurement is cached by the scene's inputs (code + lecture file), and gives:
  - the checks that must fail before a render starts: a lecture's
    [narration.<Scene>] naming an unknown scene or step, a teacher's recording
    missing or unreadable;
  - the step plan (scenes.base PLAN_ENV) with which the real render slows a
    step's animations to fill its spoken narration;
  - the narration script (`render.sh script`), a Markdown file to read from.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from studio.catalog import SceneEntry, scenes

ROOT = Path(__file__).resolve().parent.parent


class NarrationError(Exception):
    """A lecture's narration or voice set-up is wrong: one line per problem."""


@dataclass(frozen=True)
class SceneFacts:
    steps: list[str]
    narration: dict[str, str]  # step -> text (after the lecture's replacements)
    step_seconds: dict[str, float]  # step -> its animations' natural length
    duration: float  # the whole scene, silent, at reading pace (what `list` shows)


def scene_facts(lecture, entries: list[SceneEntry], cache_dir: Path) -> dict[str, SceneFacts]:
    """Each scene's steps, narration, natural step lengths and silent length, from one fast
    construction per scene cached by its inputs (`list`, `script` and narrated renders share it)."""
    from studio.render import _sha, code_fingerprint, file_lock, write_atomic

    check_scene_names(lecture)
    cache_file = cache_dir / "narration-facts.json"
    lecture_bytes = lecture.path.read_bytes()
    version = b"facts-2"  # what a cache entry holds (bump when it changes)
    keys = {e.name: _sha(code_fingerprint(e.file).encode(), lecture_bytes, e.name.encode(), version) for e in entries}
    with file_lock(cache_dir / "narration-facts.lock"):
        try:
            cache = json.loads(cache_file.read_text())
        except (OSError, ValueError):
            cache = {}
        missing = [e for e in entries if keys[e.name] not in cache]
        if missing:
            from scenes.narration import NarrationKeyError
            from studio.runner import _env, construct
            from studio.texlock import share_tex_cache

            if sys.stderr.isatty():  # a progress note for a person watching, not part of any output
                print(f"(reading the narration of {len(missing)} scene(s) once)", file=sys.stderr)
            share_tex_cache(cache_dir / "Tex")
            with tempfile.TemporaryDirectory() as media, _env(BACKPROP_VOICE=None, BACKPROP_STEP_PLAN=None):
                for e in missing:
                    try:
                        scene = construct(e, lecture.path, Path(media), check=False)
                    except NarrationKeyError as error:  # the lecture names a step the scene lacks
                        raise NarrationError(str(error)) from None
                    except Exception as error:  # a broken scene: its own render reports it, the others go on
                        print(f"render.sh: {e.name} failed to build: {error}", file=sys.stderr)
                        continue
                    cache[keys[e.name]] = {"steps": scene.steps, "narration": scene.narration,
                                           "step_seconds": scene.step_seconds, "duration": scene.renderer.time}
            write_atomic(cache_file, json.dumps(cache).encode())
    return {e.name: SceneFacts(**cache[keys[e.name]]) for e in entries if keys[e.name] in cache}


def check_scene_names(lecture) -> None:
    known = [e.name for e in scenes()]
    for scene in lecture.narration:
        if scene not in known:
            raise NarrationError(f"{lecture.path}: unknown key 'narration.{scene}' (scenes: {', '.join(known)})")


def resolve_voice(lecture, option: str | None) -> str:
    """'piper', 'none' or a recordings folder (absolute): --voice wins over the lecture's `voice` key."""
    if option is not None:
        return option if option in ("piper", "none") else str(Path(option).resolve())
    if lecture.voice in ("piper", "none"):
        return lecture.voice
    return str((Path(lecture.path).parent / lecture.voice).resolve())  # the lecture's folder, relative to it


def check_voice(voice: str, facts: dict[str, SceneFacts]) -> None:
    """Every narrated step has a readable recording (when the voice is a folder of them)."""
    if voice in ("piper", "none"):
        return
    from scenes.voice import recording_problems

    problems = recording_problems(Path(voice), {name: list(f.narration) for name, f in facts.items()})
    if problems:
        raise NarrationError("\n".join(problems))


def voice_key(voice: str, scene: str, f: SceneFacts) -> str:
    """What a scene's render depends on in its sound: the voice and its settings, or the recordings' bytes."""
    import hashlib

    if voice == "none":
        return "none"
    if voice == "piper":
        from scenes.voice import PiperSettings, voice_version

        return json.dumps(["piper", voice_version(), PiperSettings().__dict__, f.step_seconds])
    from scenes.voice import recording_path

    h = hashlib.sha256()
    for step in f.narration:
        path = recording_path(Path(voice), scene, step)
        h.update(step.encode() + (path.read_bytes() if path else b""))
    return json.dumps(["recordings", h.hexdigest(), f.step_seconds])


def write_plan(facts: dict[str, SceneFacts], folder: Path) -> Path:
    """The step plan {scene: {step: natural seconds}} (scenes.base PLAN_ENV), named by its content."""
    import hashlib

    text = json.dumps({name: f.step_seconds for name, f in facts.items()}, indent=1, sort_keys=True)
    path = folder / f"{hashlib.sha256(text.encode()).hexdigest()[:16]}.json"
    if not path.exists():
        from studio.render import write_atomic

        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode())
    return path


_NUMBER = re.compile(r"(?<![\w.])[-−]?\d+(?:\.\d+)?(?![\w])")


def script_markdown(lecture, facts: dict[str, SceneFacts]) -> str:
    """The narration script: every scene, every step, its text, and the numbers said as the voice says them."""
    from scenes.voice import number_words

    out = [f"# Narration script: {lecture.title}", "",
           f"Lecture file: `{lecture.path.name}`. Record one file per step as "
           "`<folder>/<Scene>/<step>.wav` (or .mp3, .flac) and render with `--voice <folder>`; "
           f"replace a text in the lecture file under `[narration.<Scene>]` as `<step> = \"...\"`.", ""]
    for scene, f in facts.items():
        out += [f"## {scene}", ""]
        for step in f.steps:
            text = f.narration.get(step)
            out.append(f"### {scene} / {step}")
            out.append("")
            out.append(text if text else "*(no narration: the picture only)*")
            numbers = _NUMBER.findall(text or "")
            if numbers:
                out.append("")
                out.append("Numbers spoken: " + "; ".join(f"{n} = \"{number_words(n)}\"" for n in numbers))
            out.append("")
    return "\n".join(out)
