"""One scene render in its own process: manim's own CLI, with the shared
LaTeX cache. Usage: python -m studio.worker TEX_DIR [manim render args]

Set by studio.render: the scene reads the lecture from $BACKPROP_LECTURE (a
copy of the bytes the render's key was computed from), named as
$BACKPROP_LECTURE_AS (the path outputs show), and the names of the lecture
fields it read are written to $BACKPROP_LECTURE_FIELDS as it ends, so the
render can key the scene on exactly those values.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path

import engine.lecture
from engine.lecture import LECTURE_ENV, Lecture, parse_lecture

FIELDS_ENV = "BACKPROP_LECTURE_FIELDS"
LECTURE_AS_ENV = "BACKPROP_LECTURE_AS"


def recording(lecture: Lecture, seen: set[str]) -> Lecture:
    """The same lecture, noting in `seen` the name of every field read from it."""
    names = {f.name for f in dataclasses.fields(lecture)}

    class Recorded(type(lecture)):
        def __getattribute__(self, name: str):
            if name in names:
                seen.add(name)
            return object.__getattribute__(self, name)

    Recorded.__name__ = Recorded.__qualname__ = type(lecture).__name__
    return Recorded(**{f.name: getattr(lecture, f.name) for f in dataclasses.fields(lecture) if f.init})


def record_lecture_reads() -> set[str]:
    """Make scenes get a recording lecture (read from $BACKPROP_LECTURE, named as
    $BACKPROP_LECTURE_AS); the returned set fills as they read it."""
    seen: set[str] = set()

    def lecture_from_env() -> Lecture:
        path = Path(os.environ[LECTURE_ENV])
        shown_as = Path(os.environ.get(LECTURE_AS_ENV) or path)
        return recording(parse_lecture(path.read_text(encoding="utf-8"), shown_as), seen)

    engine.lecture.lecture_from_env = lecture_from_env  # scenes import it by name: patch before they load
    return seen


def main() -> None:
    tex_dir, args = Path(sys.argv[1]), sys.argv[2:]
    from manim.__main__ import main as manim_main

    from studio.texlock import share_tex_cache

    share_tex_cache(tex_dir)
    import manim.scene.scene_file_writer as file_writer

    from studio.video import convert_audio

    file_writer.convert_audio = convert_audio  # webm sound as Opus (see studio.video.convert_audio)
    fields_file = Path(os.environ[FIELDS_ENV]) if os.environ.get(FIELDS_ENV) else None
    seen = record_lecture_reads() if fields_file else None
    try:
        manim_main(args=["render", *args], prog_name="manim")
    finally:
        if fields_file is not None:
            fields_file.write_text(json.dumps(sorted(seen)))


if __name__ == "__main__":
    main()
