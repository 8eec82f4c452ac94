"""Parallel manim processes share one LaTeX cache safely."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

from conftest import ROOT, run_env

TYPESET = """
import sys
from pathlib import Path
from studio.texlock import share_tex_cache
share_tex_cache(Path(sys.argv[1]))
from manim import MathTex
for i in range(12):
    MathTex(rf"\\frac{{\\partial C_{{{i}}}}}{{\\partial w}} = \\mathrm{{{sys.argv[2]}}}")
"""


def test_two_processes_typeset_into_one_cache(tmp_path: Path) -> None:
    shared = tmp_path / "Tex"
    procs = [
        subprocess.Popen([sys.executable, "-c", TYPESET, str(shared), uuid.uuid4().hex[:8].replace("0", "z")],
                         cwd=ROOT, env=run_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in outs]
    assert len(list(shared.glob("*.svg"))) == 24
