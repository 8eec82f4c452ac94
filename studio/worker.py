"""One scene render in its own process: manim's own CLI, with the shared,
locked LaTeX cache. Usage: python -m studio.worker TEX_DIR [manim render args]
"""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> None:
    tex_dir, args = Path(sys.argv[1]), sys.argv[2:]
    from manim.__main__ import main as manim_main

    from studio.texlock import share_tex_cache

    share_tex_cache(tex_dir)
    manim_main(args=["render", *args], prog_name="manim")


if __name__ == "__main__":
    main()
