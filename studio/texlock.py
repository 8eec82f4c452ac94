"""A LaTeX cache that parallel manim processes can share.

Manim clears every non-.svg/.tex file of its Tex folder after each LaTeX
run, so two processes sharing the folder break each other's compiles. We
keep one shared folder (formulas are typeset once for all scenes) and hold
an exclusive file lock around each compile. The lock file lives beside the
folder, since manim's clean-up would delete it inside.
"""

from __future__ import annotations

import fcntl
from pathlib import Path

_shared: dict[str, Path] = {}


def share_tex_cache(tex_dir: Path) -> None:
    """Point manim at `tex_dir` and serialise its LaTeX runs across processes."""
    import manim.mobject.text.tex_mobject as tex_mobject
    from manim import config
    from manim.utils import tex_file_writing

    tex_dir.mkdir(parents=True, exist_ok=True)
    _shared["dir"] = tex_dir
    config.tex_dir = str(tex_dir)
    original = tex_file_writing.tex_to_svg_file
    if getattr(original, "_locked", False):
        return

    def locked_tex_to_svg_file(*args, **kwargs):
        folder = _shared["dir"]
        config.tex_dir = str(folder)  # a tempconfig may have moved it
        with open(folder.parent / f"{folder.name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            return original(*args, **kwargs)

    locked_tex_to_svg_file._locked = True
    tex_file_writing.tex_to_svg_file = locked_tex_to_svg_file
    tex_mobject.tex_to_svg_file = locked_tex_to_svg_file
