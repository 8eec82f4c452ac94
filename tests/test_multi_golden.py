"""Golden stills of segment 6: the summed paths highlighted together, and the
digit network with every edge coloured by its gradient. Each is a storyboard
frame (320x180) compared with a stored PNG, with a small tolerance for
anti-aliasing. Regenerate after an intended change with
BACKPROP_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_multi_golden.py
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT

pytest.importorskip("manim")

from PIL import Image  # noqa: E402

from studio.catalog import find  # noqa: E402
from studio.runner import construct  # noqa: E402
from studio.texlock import share_tex_cache  # noqa: E402

GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("BACKPROP_UPDATE_GOLDEN") == "1"
HEIGHT = 180


def still(scene: str, step: str, tmp: Path, tex_cache: Path) -> np.ndarray:
    share_tex_cache(tex_cache)
    board = tmp / "board"
    construct(
        find(scene),
        ROOT / "assets" / "lectures" / "default.toml",
        tmp / "media",
        check=False,
        storyboard_dir=board,
        pixel_height=HEIGHT,
    )
    index = {s["name"]: s["index"] for s in json.loads((board / "steps.json").read_text())}
    return np.asarray(Image.open(board / f"{index[step]:02d}.png").convert("RGB"), dtype=np.int16)


def compare(name: str, frame: np.ndarray) -> None:
    path = GOLDEN / f"{name}.png"
    if UPDATE or not path.exists():
        GOLDEN.mkdir(parents=True, exist_ok=True)
        Image.fromarray(frame.astype(np.uint8)).save(path)
        if not UPDATE:
            pytest.skip(f"golden still {path.name} written; rerun to compare")
    want = np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)
    assert frame.shape == want.shape
    diff = np.abs(frame - want).max(axis=2)
    changed = float(np.mean(diff > 48))
    if changed > 0.004 or diff.mean() > 1.5:
        out = Path(os.environ.get("TMPDIR", "/tmp")) / f"{name}-actual.png"
        Image.fromarray(frame.astype(np.uint8)).save(out)
        shutil.copy(path, out.with_name(f"{name}-golden.png"))
        pytest.fail(f"{name}: {changed:.2%} of pixels differ (mean {diff.mean():.2f}); see {out}")


def test_summed_paths_still(tmp_path, tex_cache) -> None:
    compare("summed_paths_all", still("SummedPathsToCost", "all-paths", tmp_path, tex_cache))


def test_gradient_coloured_network_still(tmp_path, tex_cache) -> None:
    compare("backward_pass_legend", still("FullBackwardPass", "legend", tmp_path, tex_cache))


def test_compare_can_fail(tmp_path) -> None:
    """The comparison is not vacuous: a frame with a changed patch fails."""
    if UPDATE:
        pytest.skip("updating goldens: comparing a doctored frame would overwrite one")
    frame = np.asarray(Image.open(GOLDEN / "summed_paths_all.png").convert("RGB"), dtype=np.int16).copy()
    frame[40:80, 100:160] = 255 - frame[40:80, 100:160]
    with pytest.raises(pytest.fail.Exception):
        compare("summed_paths_all", frame)
