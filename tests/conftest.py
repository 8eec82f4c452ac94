"""Shared test fixtures: the project root and a quiet, isolated environment."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LECTURES = sorted((ROOT / "assets" / "lectures").glob("*.toml"))


def run_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "studio.cli", *args]


@pytest.fixture(scope="session")
def tex_cache(tmp_path_factory) -> Path:
    """One LaTeX cache for the whole session (formulas typeset once)."""
    return tmp_path_factory.mktemp("tex")
