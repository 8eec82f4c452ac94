"""Lecture files: every shipped one loads; every mistake is named precisely."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import LECTURES

import engine
from engine.lecture import LectureError, load_lecture, parse_lecture

HERE = Path("mine.toml")


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: p.stem)
def test_shipped_lectures_load(path: Path) -> None:
    lecture = load_lecture(path)
    assert lecture.name == path.stem
    assert lecture.chain.network.is_chain
    assert lecture.chain.average_x.shape[0] == lecture.chain.average_y.shape[0] > 0


def test_default_lecture_is_the_lessons_setup() -> None:
    lecture = load_lecture(None)
    chain = lecture.chain
    assert chain.network.sizes == (1, 1, 1, 1)
    assert chain.network.activation == "sigmoid"
    assert chain.follow == chain.network.L == 3
    assert chain.nudge == 0.01
    assert lecture.multi.network.sizes == (3, 3, 2)
    assert lecture.theme == "dark"


def test_shipped_lectures_really_differ() -> None:
    by_name = {p.stem: load_lecture(p) for p in LECTURES}
    assert by_name["relu"].chain.network.activation == "relu"
    assert by_name["relu"].multi.network.activation == "relu"
    assert max(by_name["wide"].multi.network.sizes) > max(by_name["default"].multi.network.sizes)
    assert by_name["wide"].theme == "light"


def test_same_file_gives_same_numbers() -> None:
    a, b = load_lecture("default"), load_lecture("default")
    assert a.multi.network == b.multi.network
    ta = engine.run(a.multi.network, a.multi.x, a.multi.y)
    tb = engine.run(b.multi.network, b.multi.x, b.multi.y)
    assert np.array_equal(ta.layer(2).mean_dC_dw, tb.layer(2).mean_dC_dw)


def problems(text: str) -> list[str]:
    with pytest.raises(LectureError) as info:
        parse_lecture(text, HERE)
    return info.value.problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("titel = 'x'", ["unknown key 'titel'"]),
        ("theme = 'blue'", ["'theme' is 'blue', expected one of dark, light"]),
        ("captions = 'yes'", ["'captions' is 'yes', expected true or false"]),
        ("[chain]\nnudge = nan", ["'chain.nudge' is nan"]),
        ("[chain]\ninput = inf", ["'chain.input' is inf, expected a finite number"]),
        ("[chain]\nactivation = 'softsign'", ["'chain.activation' is 'softsign', expected one of relu, sigmoid, tanh"]),
        ("[chain]\nweights = [1.0, 2.0]\nbiases = [0.0]", ["'chain.biases' has 1 entries, expected 2"]),
        ("[chain]\nweights = [1.0, 2.0]", ["'chain.weights' and 'chain.biases' go together"]),
        ("[chain]\nfollow = 9", ["'chain.follow' is 9, expected a weight layer from 1 to 3"]),
        ("[multi]\nsizes = [3, 0, 2]", ["'multi.sizes' is [3, 0, 2]"]),
        ("[multi]\nsizes = [3]", ["'multi.sizes' is [3], expected a list of 2 to"]),
        ("[multi]\ntarget = [1.0, 0.0, 0.0]", ["'multi.target' has 3 entries, expected 2"]),
        ("[multi]\nk = 7", ["'multi.k' is 7, expected a neuron of layer L-1: 0 to 2"]),
        ("[multi]\nweights = [[[1.0]], [[1.0]]]\nbiases = [[0.0], [0.0, 1.0]]", ["[multi]", "b^(2)"]),
        ("chain = 3", ["'chain' is 3, expected a table [chain]"]),
        ("title = ", ["not valid TOML"]),
    ],
)
def test_bad_lecture_is_named_precisely(text: str, expected: list[str]) -> None:
    found = problems(text)
    joined = "\n".join(found)
    assert all(line.startswith("mine.toml: ") for line in found)
    for fragment in expected:
        assert fragment in joined, joined


def test_every_problem_is_reported_at_once() -> None:
    found = problems("theme = 1\ncaptions = 2\n[digits]\nepochs = 0\nfoo = 1")
    assert len(found) == 4


def test_missing_file_is_one_clear_problem(tmp_path: Path) -> None:
    with pytest.raises(LectureError) as info:
        load_lecture(tmp_path / "nope.toml")
    assert info.value.problems == [f"{tmp_path / 'nope.toml'}: no such lecture file"]
