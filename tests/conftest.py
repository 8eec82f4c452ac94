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


@pytest.fixture(scope="session")
def built_scene(tmp_path_factory, tex_cache):
    """A scene constructed in the fast mode with every check on, once per (scene, lecture) per session:
    the layout, numbers and claims tests share the constructions."""
    from studio import catalog
    from studio.runner import construct
    from studio.texlock import share_tex_cache

    share_tex_cache(tex_cache)
    cache: dict = {}

    def get(scene: str, lecture: str | Path):
        path = Path(lecture) if isinstance(lecture, Path) else ROOT / "assets" / "lectures" / f"{lecture}.toml"
        key = (scene, path.stem)
        if key not in cache:
            entry = catalog.find(scene)
            cache[key] = construct(entry, path, tmp_path_factory.mktemp("media"), check=True)
        return cache[key]

    return get
