"""A LaTeX cache that any number of manim processes can share.

Manim works inside its Tex folder: it writes `<hash>.tex`, compiles it,
deletes every non-.svg/.tex file after each LaTeX run, and, to load a
formula, writes `<hash>_.svg` beside the svg and deletes it again. Two
processes doing that in one folder delete each other's files. So each
process works in a private folder of its own (`.<Tex>.<pid>.part` beside
the shared one), and the shared folder only ever receives finished svgs,
published atomically (written under a temporary name, then renamed). A
formula missing from the shared folder is compiled under an exclusive lock
(and checked again inside it), so it is typeset once for all processes.
Private folders are removed at exit; those of killed processes are removed
by `clean_stale` (studio.render) on the next run.
"""

from __future__ import annotations

import atexit
import fcntl
import os
import shutil
from pathlib import Path

_shared: dict[str, Path] = {}


def private_dir(shared: Path) -> Path:
    """This process's work folder for the shared cache `shared`."""
    return shared.parent / f".{shared.name}.{os.getpid()}.part"


def _publish(src: Path, dest: Path) -> None:
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.part")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dest)


def _remove_private(folder: Path) -> None:
    if folder.name.endswith(f".{os.getpid()}.part"):  # not a forked child's parent's folder
        shutil.rmtree(folder, ignore_errors=True)


def share_tex_cache(tex_dir: Path) -> None:
    """Point manim's LaTeX runs at the shared cache `tex_dir`, safely across processes."""
    import manim.mobject.text.tex_mobject as tex_mobject
    from manim import config
    from manim.utils import tex_file_writing

    from studio.svgcache import use_glyph_cache

    tex_dir.mkdir(parents=True, exist_ok=True)
    _shared["dir"] = tex_dir
    use_glyph_cache(tex_dir)  # formulas' parsed glyphs are shared beside their svgs
    config.tex_dir = str(private_dir(tex_dir))
    original = tex_file_writing.tex_to_svg_file
    if getattr(original, "_shared_cache", False):
        return

    def shared_tex_to_svg_file(expression, environment=None, tex_template=None):
        shared = _shared["dir"]
        mine = private_dir(shared)
        if not mine.is_dir():
            mine.mkdir(parents=True, exist_ok=True)
            atexit.register(_remove_private, mine)
        config.tex_dir = str(mine)  # a tempconfig may have moved it
        template = tex_template if tex_template is not None else config["tex_template"]
        name = tex_file_writing.generate_tex_file(expression, environment, template).with_suffix(".svg").name
        local, published = mine / name, shared / name
        if not published.exists():
            with open(shared.parent / f"{shared.name}.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if not published.exists():
                    compiled = original(expression, environment, tex_template)
                    _publish(compiled, published)
        if not local.exists():
            shutil.copyfile(published, local)
        return local  # manim writes and deletes <hash>_.svg beside it: in our own folder

    shared_tex_to_svg_file._shared_cache = True
    tex_file_writing.tex_to_svg_file = shared_tex_to_svg_file
    tex_mobject.tex_to_svg_file = shared_tex_to_svg_file
