"""The lecture's scenes in lesson order, found without importing manim.

A scene class joins the lecture by declaring `lesson_order = <number>`; the
first line of its docstring is its one-line summary. The catalog reads the
scene modules' source (ast), so `list` and `--help` stay fast.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

SCENES_DIR = Path(__file__).resolve().parent.parent / "scenes"


@dataclass(frozen=True)
class SceneEntry:
    name: str  # the Scene class name
    module: str  # e.g. "scenes.title"
    file: Path
    order: float
    summary: str


def parse_source(path: Path) -> ast.Module:
    """A project file's syntax tree. CPython 3.11 builds syntax trees with state shared by all threads,
    so a parse can fail with a spurious "recursion depth mismatch" while another thread parses (a Dask
    worker's event loop does, e.g. for inspect.signature); such a parse is simply done again."""
    text = path.read_text(encoding="utf-8")
    for _ in range(4):
        try:
            return ast.parse(text, filename=str(path))
        except SystemError as e:
            if "recursion depth mismatch" not in str(e):
                raise
    return ast.parse(text, filename=str(path))  # the last try: its error, if any, is the error


def _entries_of(path: Path) -> list[SceneEntry]:
    tree = parse_source(path)
    found = []
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        for stmt in node.body:
            if (
                isinstance(stmt, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "lesson_order" for t in stmt.targets)
                and isinstance(stmt.value, ast.Constant)
                and isinstance(stmt.value.value, int | float)
            ):
                doc = (ast.get_docstring(node) or node.name).strip().splitlines()[0]
                found.append(
                    SceneEntry(node.name, f"scenes.{path.stem}", path, float(stmt.value.value), doc)
                )
    return found


def scenes() -> list[SceneEntry]:
    """Every lecture scene, in lesson order."""
    entries = [e for path in sorted(SCENES_DIR.glob("*.py")) for e in _entries_of(path)]
    return sorted(entries, key=lambda e: (e.order, e.name))


def find(name: str) -> SceneEntry | None:
    for entry in scenes():
        if entry.name.lower() == name.lower():
            return entry
    return None
