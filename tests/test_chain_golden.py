"""Golden frames of key chain stills, compared with stored small PNGs.

Regenerate after an intended visual change with
    BACKPROP_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_chain_golden.py
and look at the new PNGs in tests/golden/ before committing them.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio.catalog import SCENES_DIR, _entries_of
from studio.runner import construct
from studio.texlock import share_tex_cache

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("BACKPROP_UPDATE_GOLDEN") == "1"
HEIGHT = 180


def _entry(name: str):
    for path in SCENES_DIR.glob("chain*.py"):
        for e in _entries_of(path):
            if e.name == name:
                return e
    raise LookupError(name)


def _compare(frame: np.ndarray, name: str) -> None:
    path = GOLDEN / f"{name}.png"
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"no golden frame {path.name}; run with BACKPROP_UPDATE_GOLDEN=1 and look at it")
        GOLDEN.mkdir(exist_ok=True)
        Image.fromarray(frame).save(path)
        return
    want = np.asarray(Image.open(path).convert("RGB")).astype(np.int16)
    got = frame.astype(np.int16)
    assert got.shape == want.shape, f"{name}: frame size {got.shape} != golden {want.shape}"
    diff = np.abs(got - want).max(axis=2)
    changed = float((diff > 40).mean())
    assert diff.mean() < 3.0 and changed < 0.01, (
        f"{name}: differs from golden (mean |diff| {diff.mean():.2f}, {changed:.2%} pixels changed)"
    )


@pytest.mark.parametrize(
    ("scene", "lecture", "step"),
    [
        ("ChainRuleScene", "default", "nudge"),
        ("DerivativesScene", "wide", "product"),
    ],
)
def test_golden_still(scene, lecture, step, tmp_path, tex_cache):
    sb = tmp_path / "sb"
    share_tex_cache(tex_cache)
    s = construct(_entry(scene), ROOT / "assets" / "lectures" / f"{lecture}.toml", tmp_path / "media",
                  storyboard_dir=sb, pixel_height=HEIGHT)
    assert s.layout_problems == []
    index = s.steps.index(step) + 1
    frame = np.asarray(Image.open(sb / f"{index:02d}.png").convert("RGB"))
    _compare(frame, f"{scene}-{lecture}-{step}")


def test_golden_detects_a_change(tmp_path):
    """The comparison really fails on a different picture."""
    path = GOLDEN / "DerivativesScene-wide-product.png"
    if UPDATE or not path.exists():
        pytest.skip("golden frames not generated yet")
    frame = np.asarray(Image.open(path).convert("RGB")).copy()
    frame[: frame.shape[0] // 3] = 255 - frame[: frame.shape[0] // 3]
    with pytest.raises(AssertionError):
        _compare(frame, "DerivativesScene-wide-product")
