"""The limits of a lecture file: each value past what the scenes can show is refused up front,
in one line saying the limit; values at the limits construct."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import lecture as lec
from engine.lecture import LectureError, load_lecture, parse_lecture
from studio import catalog
from studio.runner import construct

HERE = Path("mine.toml")


def problems(text: str) -> list[str]:
    with pytest.raises(LectureError) as info:
        parse_lecture(text, HERE)
    assert all(p.startswith("mine.toml: ") and "\n" not in p for p in info.value.problems)
    return info.value.problems


def numbers(n: int, value: float = 0.5) -> str:
    return "[" + ", ".join([str(value)] * n) + "]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[chain]\nactivation = [-3, 2]", "'chain.activation' is [-3, 2], expected one of relu, sigmoid, tanh"),
        ("[multi]\nactivation = {a = 1}", "'multi.activation' is {'a': 1}, expected one of"),
        ("theme = ['dark']", "'theme' is ['dark'], expected one of dark, light"),
        ("[chain]\nweights = [1e308, 1.0]\nbiases = [0.0, 0.0]", "within ±10"),
        ("[chain]\ntarget = -1e308", "'chain.target' is -1e+308, expected a finite number within ±10"),
        (
            "[chain]\nnudge = 1e-300",
            "'chain.nudge' is 1e-300, expected at least 0.0001 in size (0.0001 × max(1, |w^(3)|)",
        ),
        ("[chain]\nnudge = 2.0", "'chain.nudge' is 2.0, expected a non-zero number between -1 and 1"),
        (f"[chain]\nweights = {numbers(10000)}\nbiases = {numbers(10000)}", "a list of 1 to 7 finite numbers"),
        ("[chain]\nlayers = 10000", "'chain.layers' is 10000, expected a whole number of neurons from 2 to 8"),
        ("[multi]\nsizes = [64, 64, 64]", "expected a list of 2 to 4 layer sizes, each from 1 to 8"),
        (f"[multi]\nsizes = {numbers(10000, 2)}", "expected a list of 2 to 4 layer sizes"),
        (
            f"[multi]\nweights = [[{numbers(9)}]]\nbiases = [[0.0]]",
            "at most 8 rows of 8 finite numbers within ±10",
        ),
        (
            f"[multi]\nweights = {[[[0.5]]] * 5}\nbiases = {[[0.0]] * 5}",
            "'multi.weights' is [[[0.5]], [[0.5]], [[0.5]], [[0.5]], [[0.5]]], expected a list of 1 to 3 weight",
        ),
        (
            f"[chain.average]\ninputs = {numbers(10001)}\ntargets = {numbers(10001)}",
            "expected a list of 1 to 10000 finite numbers",
        ),
        ("title = '" + "x" * 81 + "'", "expected a title of at most 80 characters (this one has 81)"),
        ('title = "a\\nb\\nc\\nd"', "expected a title of at most 3 lines"),
        ("title = '反向传播'", "found '反' (U+53CD CJK UNIFIED IDEOGRAPH-53CD)"),
        ("title = 'Backprop 😀'", "found '😀' (U+1F600 GRINNING FACE)"),
        ('title = "a\\u0007b"', "expected a title without control characters (found U+0007)"),
        ("a = " + "[" * 5000 + "]" * 5000, "nested too deeply"),
        ("[digits]\nlearning_rate = 1e308", "expected a positive number up to 100"),
        ("['\\n'] \nx = 1", "unknown key '\\\\n'"),
    ],
)
def test_past_a_limit_is_one_line_naming_it(text: str, expected: str) -> None:
    found = problems(text)
    assert any(expected in line for line in found), found


def test_the_nudge_limit_is_relative_to_the_weight() -> None:
    base = "[chain]\nweights = [1.0, 8.0]\nbiases = [0.0, 0.0]\nfollow = 2\n"
    assert "expected at least 0.0008 in size" in problems(base + "nudge = 0.0005")[0]
    assert parse_lecture(base + "nudge = 0.001", HERE).chain.nudge == 0.001


def test_what_cannot_be_a_lecture_file_is_one_line(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * lec.MAX_FILE_BYTES)
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00title")
    cases = {
        big: "expected a lecture file of at most 1,000,000 bytes",
        binary: "is not UTF-8 text (byte 0)",
        tmp_path: "is a folder, expected a lecture file (TOML)",
    }
    for path, fragment in cases.items():
        with pytest.raises(LectureError) as info:
            load_lecture(path)
        assert info.value.problems == [f"{path}: {info.value.problems[0].split(': ', 1)[1]}"]
        assert fragment in info.value.problems[0]
    with pytest.raises(LectureError, match="the lecture name is empty"):
        load_lecture("")


def test_an_odd_file_name_is_named_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "two\nlines.toml"
    path.write_text("theme = 1\n")
    with pytest.raises(LectureError) as info:
        load_lecture(path)
    assert info.value.problems == [f"{tmp_path}/two\\nlines.toml: 'theme' is 1, expected one of dark, light"]


# --- at the limits, the scenes construct (fast mode, no video) ---------------------------

AT_LIMITS = {
    "TitleCard": 'title = "' + "A very long title that the card has to shrink\\nto fit " + "W" * 26 + '"\n',
    "MeaningScene": (
        "[chain.average]\n"
        f"inputs = {[round(-10 + 20 * i / 9999, 4) for i in range(10000)]}\n"
        f"targets = {[10.0 if i % 2 else -10.0 for i in range(10000)]}\n"
    ),
    "ChainRuleScene": (
        "[chain]\nweights = [10.0, -10.0, 10.0, -10.0, 10.0, -10.0, 10.0]\nbiases = [-10.0, 10.0, -10.0, 10.0, -10.0, "
        "10.0, -10.0]\ninput = -10.0\ntarget = 10.0\nnudge = 0.001\n"
    ),
    "SummedPathsToCost": f"[multi]\nsizes = {[lec.MULTI_NEURONS] * lec.MULTI_LAYERS[1]}\n",  # 8-8-8-8
}


@pytest.mark.parametrize("scene", list(AT_LIMITS))
def test_at_the_limits_the_scene_constructs(scene: str, tmp_path: Path) -> None:
    path = tmp_path / "limits.toml"
    path.write_text(AT_LIMITS[scene])
    load_lecture(path)  # valid
    built = construct(catalog.find(scene), path, tmp_path / "media", check=scene == "TitleCard")
    assert built.steps
    if scene == "TitleCard":
        assert built.layout_problems == []  # the long title shrank to fit
        assert all("\n" not in text for _, _, text in built.captions)  # one .srt line
