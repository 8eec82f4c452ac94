"""Lecture files as a careless or hostile user writes them: each one either previews or is
refused with one line per problem naming the file (exit 2), never a traceback, and nothing is
written outside the temporary folder.

The keys come from the schema itself (engine.lecture.SCHEMA); values are the schema's defaults
moved around, values of the right shape, wrong types, huge and tiny magnitudes, deep nesting,
long and odd strings, under odd file names.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
from dataclasses import dataclass
from typing import Any

from conftest import ROOT
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st

from engine.lecture import SCHEMA, _where, output_folder
from studio import cli

# --- a tiny TOML writer (the standard library only reads TOML) ----------------


def toml_value(v: Any) -> str:
    if isinstance(v, Deep):
        return "[" * v.depth + "1.0" + "]" * v.depth
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(e) for e in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(e)}" for k, e in v.items()) + "}"
    raise TypeError(v)


def toml_document(data: dict) -> str:
    top = [f"{json.dumps(k)} = {toml_value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    lines = ["\n".join(top)]
    for name, table in data.items():
        if isinstance(table, dict):
            inner = {k: v for k, v in table.items() if not isinstance(v, dict)}
            lines.append(f"[{name}]\n" + "\n".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in inner.items()))
            for sub, subtable in table.items():
                if isinstance(subtable, dict):
                    body = "\n".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in subtable.items())
                    lines.append(f"[{name}.{sub}]\n{body}")
    return "\n\n".join(lines) + "\n"


# --- values --------------------------------------------------------------------

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
odd_strings = st.one_of(
    text,
    st.sampled_from(["", " ", "\n\n", "a\nb", "漢字", "😀", "x" * 500, "sigmoid ", "SIGMOID", "..", "\t", "\x00"]),
)
magnitudes = st.sampled_from([0, -0.0, 1e-300, -1e-300, 5e-324, 1e-5, 1e308, -1e308, 1e19, 2**63 - 1, -(2**63)])
floats = st.floats(allow_nan=True, allow_infinity=True)
numbers = st.one_of(st.floats(-3, 3), st.integers(-3, 70), magnitudes, floats)
scalars = st.one_of(numbers, st.booleans(), odd_strings)
any_value = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=12,
)


@dataclass(frozen=True)
class Deep:
    """An array nested `depth` times, written as text (too deep for a Python repr)."""

    depth: int


nesting = st.sampled_from([5, 50, 400, 3000]).map(Deep)

# Values of the right shape for the keys whose default is None (the schema says what they are).
SHAPED = {
    "chain.layers": st.integers(1, 12),
    "chain.weights": st.lists(st.floats(-4, 4), min_size=1, max_size=9),
    "chain.biases": st.lists(st.floats(-4, 4), min_size=1, max_size=9),
    "chain.seed": st.integers(0, 2**40),
    "chain.follow": st.integers(0, 9),
    "chain.average.inputs": st.lists(st.floats(-2, 2), min_size=1, max_size=40),
    "chain.average.targets": st.lists(st.floats(-2, 2), min_size=1, max_size=40),
    "multi.weights": st.lists(
        st.lists(st.lists(st.floats(-3, 3), min_size=1, max_size=4), min_size=1, max_size=4), min_size=1, max_size=3
    ),
    "multi.biases": st.lists(st.lists(st.floats(-3, 3), min_size=1, max_size=4), min_size=1, max_size=3),
    "multi.input": st.lists(st.floats(-2, 2), min_size=1, max_size=5),
    "multi.target": st.lists(st.floats(-2, 2), min_size=1, max_size=5),
}


def near(default: Any) -> st.SearchStrategy:
    """Values like the schema's default: the default itself or one of its kind nearby."""
    if isinstance(default, bool):
        return st.booleans()
    if isinstance(default, int):
        return st.integers(max(0, default - 3), default + 3)
    if isinstance(default, float):
        return st.floats(-2 * abs(default) - 1, 2 * abs(default) + 1)
    if isinstance(default, list):
        return st.lists(st.integers(1, 9), min_size=1, max_size=5)
    if isinstance(default, str):
        return st.sampled_from([default, "dark", "light", "tanh", "relu", "A title", "Un titre\nen deux lignes"])
    if isinstance(default, dict):  # [narration.<Scene>] <step> = "text"
        words = st.text(min_size=1, max_size=30)
        return st.dictionaries(st.sampled_from(["TitleCard", "NoSuchScene"]), st.dictionaries(words, words), max_size=2)
    raise TypeError(default)


def key_value(dotted: str, rule: tuple, wild: bool) -> st.SearchStrategy:
    default = rule[2]
    good = SHAPED[dotted] if default is None else st.one_of(st.just(default), near(default))
    return st.one_of(good, good, any_value, magnitudes, nesting, odd_strings) if wild else good


def table(schema: dict, wild: bool, prefix: str = "") -> st.SearchStrategy:
    """Any subset of the schema's keys (tables included), each with a value for it."""
    parts = {}
    for key, rule in schema.items():
        dotted = prefix + key
        parts[key] = table(rule, wild, dotted + ".") if isinstance(rule, dict) else key_value(dotted, rule, wild)
    return st.fixed_dictionaries({}, optional=parts)


lectures = st.one_of(
    table(SCHEMA, wild=False),  # values of the right kind: in or out of bounds, consistent or not
    table(SCHEMA, wild=True),  # anything in any key
    table(SCHEMA, wild=True).map(lambda d: {**d, "unknown_key": 1}),
    st.builds(lambda d, v: {**d, "chain": v}, table(SCHEMA, wild=True), any_value),
)
file_names = st.one_of(
    st.sampled_from(["default", "...", "..", ".hidden", "a b", "-x", "ü", "mine.v2", "x" * 200, "line\nbreak", "漢"]),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="/\x00"), min_size=1, max_size=20),
)


def test_the_writer_round_trips() -> None:
    import tomllib

    data = {"title": "a\nb\x7f", "chain": {"weights": [1.0, -2.5], "average": {"inputs": [0.5]}}}
    assert tomllib.loads(toml_document(data)) == data


def _project_files() -> set[str]:
    """The project folder's entries and its renders/ folders (the shared caches aside)."""
    renders = ROOT / "renders"
    return {p.name for p in ROOT.iterdir()} | (
        {f"renders/{p.name}" for p in renders.iterdir()} if renders.is_dir() else set()
    )


@settings(
    max_examples=24,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    phases=(Phase.explicit, Phase.generate),
)  # shrinking a slow example would take minutes
@given(data=lectures, stem=file_names)
# the cases the issue found, always tried first
@example(data={"chain": {"activation": [-3, 2]}}, stem="mine")
@example(data={"chain": {"weights": [1e308, 1.0], "biases": [0.0, 0.0]}, "multi": {"sizes": [64, 64, 64]}}, stem="..")
@example(data={"multi": {"sizes": Deep(3000)}}, stem="default")
@example(data={"title": "Two\nlines", "theme": "light"}, stem="a b")
def test_every_lecture_file_previews_or_is_refused_in_one_line_each(tmp_path_factory, data: dict, stem: str) -> None:
    base = tmp_path_factory.mktemp("fuzz")
    folder = base / "in"
    folder.mkdir()
    path = folder / f"{stem}.toml"
    try:
        path.write_text(toml_document(data), encoding="utf-8")
    except OSError:  # a name the file system refuses (too long): not a lecture file anyone can pass
        return
    before = _project_files()
    err = io.StringIO()
    shared = tmp_path_factory.getbasetemp() / "fuzz-shared"  # one output root: formulas typeset once
    shared.mkdir(exist_ok=True)
    out = shared / "out"
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(["preview", "TitleCard", f"--lecture={path}", f"--out={out}"])
    message = err.getvalue()
    event(f"exit {code}")
    assert "Traceback" not in message
    if code == 2:
        lines = message.strip().splitlines()
        assert lines and lines[0].startswith("render.sh: ")
        assert all(_where(path) in line for line in lines), message
    else:
        assert code == 0, message
        assert (out / output_folder(path) / "preview" / "TitleCard.png").is_file()
    assert _project_files() == before  # nothing written into the project
    assert [p.name for p in base.iterdir()] == ["in"]
    assert {p.name for p in shared.iterdir()} <= {"out"}
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+|\.cache", p.name) for p in out.iterdir()) if out.exists() else True
