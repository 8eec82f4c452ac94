"""Lecture files: the TOML a teacher writes to regenerate the lesson.

A lecture file is data. It is parsed with the standard library, checked key
by key against the schema below, and turned into engine objects (networks,
examples). Nothing in it is ever evaluated as code. Every problem is
reported at once, one line each, naming the file, the key, the value and
what was expected.

Layout (every key optional; `assets/lectures/default.toml` documents each):

    title, theme ("dark" | "light"), captions (bool)
    [chain]   one neuron per layer (segments 1-5): layers, activation,
              weights + biases (explicit) or seed, input, target,
              nudge (the Δ of the nudge), follow (layer of the followed weight)
    [chain.average]  inputs, targets: the examples averaged over
    [multi]   several neurons per layer (segment 6 on): sizes, activation,
              weights + biases or seed, input, target, j, k
    [digits]  the digit network: example (index of the digit shown),
              epochs, batch_size, learning_rate, seed (for "learning for real")
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from engine.activations import ACTIVATIONS
from engine.network import Network

ROOT = Path(__file__).resolve().parent.parent
LECTURES_DIR = ROOT / "assets" / "lectures"
DEFAULT_LECTURE = LECTURES_DIR / "default.toml"
THEMES = ("dark", "light")
# The environment variable through which a scene learns which lecture to show,
# so that plain `manim scenes/x.py Scene` and the CLI render the same thing.
LECTURE_ENV = "BACKPROP_LECTURE"


class LectureError(ValueError):
    """An invalid lecture file: one message per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class ChainSetup:
    """The one-neuron-per-layer network and what the chain scenes follow."""

    network: Network
    x: np.ndarray  # (1,) the input a^(0)
    y: np.ndarray  # (1,) the desired output
    nudge: float  # Δ of the nudge
    follow: int  # layer l of the weight w^(l) the chain of nudges follows
    average_x: np.ndarray  # (n, 1) the examples the cost averages over
    average_y: np.ndarray  # (n, 1)


@dataclass(frozen=True)
class MultiSetup:
    """The network with several neurons per layer (segments 6-7)."""

    network: Network
    x: np.ndarray
    y: np.ndarray
    j: int  # the neuron of layer L in the followed weight w_jk^(L)
    k: int  # the neuron of layer L-1 whose summed paths are shown


@dataclass(frozen=True)
class DigitsSetup:
    example: int  # index into the digit set of the digit shown
    epochs: int
    batch_size: int
    learning_rate: float
    seed: int


@dataclass(frozen=True)
class Lecture:
    name: str  # file stem, names the output folder
    path: Path
    title: str
    theme: str
    captions: bool
    chain: ChainSetup
    multi: MultiSetup
    digits: DigitsSetup


# --- schema ------------------------------------------------------------------
# Each key: (check, what is expected, default). A check returns True when the
# value is acceptable. Defaults reproduce the original lesson's setup.


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _numbers(v: Any) -> bool:
    return isinstance(v, list) and len(v) > 0 and all(_is_number(e) for e in v)


def _nested_numbers(v: Any) -> bool:
    if _is_number(v):
        return True
    return isinstance(v, list) and len(v) > 0 and all(_nested_numbers(e) for e in v)


Check = tuple[Callable[[Any], bool], str, Any]

SCHEMA: dict[str, Any] = {
    "title": (lambda v: isinstance(v, str) and v.strip() != "", "a non-empty string", "Backpropagation calculus"),
    "theme": (lambda v: v in THEMES, f"one of {', '.join(THEMES)}", "dark"),
    "captions": (lambda v: isinstance(v, bool), "true or false", True),
    "chain": {
        "layers": (lambda v: _is_int(v) and 2 <= v <= 8, "a whole number of neurons from 2 to 8", None),
        "activation": (lambda v: v in ACTIVATIONS, f"one of {', '.join(sorted(ACTIVATIONS))}", "sigmoid"),
        "weights": (_numbers, "a list of finite numbers, one per weight layer", None),
        "biases": (_numbers, "a list of finite numbers, one per weight layer", None),
        "seed": (lambda v: _is_int(v) and v >= 0, "a whole number >= 0", None),
        "input": (_is_number, "a finite number", 0.8),
        "target": (_is_number, "a finite number", 1.0),
        "nudge": (lambda v: _is_number(v) and 0 < abs(v) <= 1, "a non-zero number between -1 and 1", 0.01),
        "follow": (lambda v: _is_int(v) and v >= 1, "a weight layer number (1 = first)", None),
        "average": {
            "inputs": (_numbers, "a list of finite numbers", None),
            "targets": (_numbers, "a list of finite numbers", None),
        },
    },
    "multi": {
        "sizes": (
            lambda v: isinstance(v, list) and len(v) >= 2 and all(_is_int(e) and 1 <= e <= 64 for e in v),
            "a list of at least two layer sizes, each from 1 to 64",
            [3, 3, 2],
        ),
        "activation": (lambda v: v in ACTIVATIONS, f"one of {', '.join(sorted(ACTIVATIONS))}", "sigmoid"),
        "weights": (_nested_numbers, "a list of weight matrices (lists of rows of numbers)", None),
        "biases": (_nested_numbers, "a list of bias lists", None),
        "seed": (lambda v: _is_int(v) and v >= 0, "a whole number >= 0", 3),
        "input": (_numbers, "a list of finite numbers, one per input neuron", None),
        "target": (_numbers, "a list of finite numbers, one per output neuron", None),
        "j": (lambda v: _is_int(v) and v >= 0, "a neuron index of layer L (from 0)", 0),
        "k": (lambda v: _is_int(v) and v >= 0, "a neuron index of layer L-1 (from 0)", 0),
    },
    "digits": {
        "example": (lambda v: _is_int(v) and 0 <= v < 1797, "an index from 0 to 1796", 0),
        "epochs": (lambda v: _is_int(v) and 1 <= v <= 200, "a whole number from 1 to 200", 30),
        "batch_size": (lambda v: _is_int(v) and 1 <= v <= 1797, "a whole number from 1 to 1797", 32),
        "learning_rate": (lambda v: _is_number(v) and 0 < v <= 100, "a positive number", 2.0),
        "seed": (lambda v: _is_int(v) and v >= 0, "a whole number >= 0", 0),
    },
}


def _describe(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_table(data: dict, schema: dict, prefix: str, where: str, problems: list[str]) -> dict:
    """Values of one table with defaults filled in; problems appended."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if key not in schema:
            known = ", ".join(sorted(schema))
            problems.append(f"{where}: unknown key '{dotted}' (known keys here: {known})")
            continue
        rule = schema[key]
        if isinstance(rule, dict):
            if not isinstance(value, dict):
                problems.append(f"{where}: '{dotted}' is {_describe(value)}, expected a table [{dotted}]")
                continue
            out[key] = _check_table(value, rule, dotted + ".", where, problems)
            continue
        check, expected, _ = rule
        if not check(value):
            problems.append(f"{where}: '{dotted}' is {_describe(value)}, expected {expected}")
            continue
        out[key] = value
    for key, rule in schema.items():
        if key in out:
            continue
        if isinstance(rule, dict):
            if key not in data:
                out[key] = _check_table({}, rule, f"{prefix}{key}.", where, problems)
        elif key not in data:
            out[key] = rule[2]
    return out


# --- building engine objects -----------------------------------------------


def _chain_setup(c: dict, where: str, problems: list[str]) -> ChainSetup | None:
    weights, biases, seed = c["weights"], c["biases"], c["seed"]
    layers = c["layers"]
    if (weights is None) != (biases is None):
        problems.append(f"{where}: 'chain.weights' and 'chain.biases' go together: give both or neither")
        return None
    if weights is not None:
        if len(weights) != len(biases):
            problems.append(
                f"{where}: 'chain.biases' has {len(biases)} entries, expected {len(weights)} "
                "(one per weight in 'chain.weights')"
            )
            return None
        if layers is not None and layers != len(weights) + 1:
            problems.append(
                f"{where}: 'chain.layers' is {layers}, but 'chain.weights' has {len(weights)} entries "
                f"(expected {len(weights)} + 1 = {len(weights) + 1} neurons)"
            )
            return None
        network = Network.from_lists([[[w]] for w in weights], [[b] for b in biases], c["activation"])
    else:
        n = layers if layers is not None else 4
        network = Network.random((1,) * n, seed=seed if seed is not None else 0, activation=c["activation"])
    follow = c["follow"] if c["follow"] is not None else network.L
    if follow > network.L:
        problems.append(f"{where}: 'chain.follow' is {follow}, expected a weight layer from 1 to {network.L}")
        return None
    avg = c["average"]
    inputs = avg["inputs"] if avg["inputs"] is not None else [c["input"]]
    targets = avg["targets"] if avg["targets"] is not None else [c["target"]]
    if len(inputs) != len(targets):
        problems.append(
            f"{where}: 'chain.average.targets' has {len(targets)} entries, expected {len(inputs)} "
            "(one per entry of 'chain.average.inputs')"
        )
        return None
    return ChainSetup(
        network=network,
        x=np.array([c["input"]], dtype=np.float64),
        y=np.array([c["target"]], dtype=np.float64),
        nudge=float(c["nudge"]),
        follow=follow,
        average_x=np.array(inputs, dtype=np.float64).reshape(-1, 1),
        average_y=np.array(targets, dtype=np.float64).reshape(-1, 1),
    )


def _multi_setup(m: dict, where: str, problems: list[str]) -> MultiSetup | None:
    sizes = tuple(m["sizes"])
    if (m["weights"] is None) != (m["biases"] is None):
        problems.append(f"{where}: 'multi.weights' and 'multi.biases' go together: give both or neither")
        return None
    if m["weights"] is not None:
        network = Network.from_lists(m["weights"], m["biases"], m["activation"])
    else:
        network = Network.random(sizes, seed=m["seed"], activation=m["activation"])
    sizes = network.sizes
    x = m["input"] if m["input"] is not None else list(np.linspace(0.2, 0.9, sizes[0]).round(2))
    y = m["target"] if m["target"] is not None else [1.0 if j == 0 else 0.0 for j in range(sizes[-1])]
    ok = True
    if len(x) != sizes[0]:
        problems.append(f"{where}: 'multi.input' has {len(x)} entries, expected {sizes[0]} (the input layer size)")
        ok = False
    if len(y) != sizes[-1]:
        problems.append(
            f"{where}: 'multi.target' has {len(y)} entries, expected {sizes[-1]} (the output layer size)"
        )
        ok = False
    if m["j"] >= sizes[-1]:
        problems.append(f"{where}: 'multi.j' is {m['j']}, expected a neuron of layer L: 0 to {sizes[-1] - 1}")
        ok = False
    if m["k"] >= sizes[-2]:
        problems.append(f"{where}: 'multi.k' is {m['k']}, expected a neuron of layer L-1: 0 to {sizes[-2] - 1}")
        ok = False
    if not ok:
        return None
    return MultiSetup(
        network=network,
        x=np.array(x, dtype=np.float64),
        y=np.array(y, dtype=np.float64),
        j=m["j"],
        k=m["k"],
    )


def parse_lecture(text: str, path: Path) -> Lecture:
    """A Lecture from TOML text; LectureError listing every problem."""
    where = str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise LectureError([f"{where}: not valid TOML: {e}"]) from None
    problems: list[str] = []
    values = _check_table(data, SCHEMA, "", where, problems)
    chain = multi = None
    for section, build in (("chain", _chain_setup), ("multi", _multi_setup)):
        if section not in values or any(f"'{section}." in p or f"'{section}'" in p for p in problems):
            continue  # its keys are wrong already: combining them would only add noise
        try:
            built = build(values[section], where, problems)
        except ValueError as e:  # the engine's own check (shapes, sizes, values)
            problems.append(f"{where}: [{section}] {e}")
            built = None
        if section == "chain":
            chain = built
        else:
            multi = built
    if problems:
        raise LectureError(problems)
    d = values["digits"]
    return Lecture(
        name=path.stem,
        path=path,
        title=values["title"],
        theme=values["theme"],
        captions=values["captions"],
        chain=chain,
        multi=multi,
        digits=DigitsSetup(d["example"], d["epochs"], d["batch_size"], float(d["learning_rate"]), d["seed"]),
    )


def resolve_lecture_path(name_or_path: str | os.PathLike | None) -> Path:
    """A lecture path from a file path or a bare name in assets/lectures."""
    if name_or_path is None:
        return DEFAULT_LECTURE
    p = Path(name_or_path)
    if not p.exists() and p.suffix == "" and (LECTURES_DIR / f"{p.name}.toml").exists():
        return LECTURES_DIR / f"{p.name}.toml"
    return p


def load_lecture(name_or_path: str | os.PathLike | None = None) -> Lecture:
    """Read and check a lecture file (default: the lesson's own setup)."""
    path = resolve_lecture_path(name_or_path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LectureError([f"{path}: no such lecture file"]) from None
    except (OSError, UnicodeDecodeError) as e:
        raise LectureError([f"{path}: cannot be read: {e}"]) from None
    return parse_lecture(text, path)


def lecture_from_env() -> Lecture:
    """The lecture a scene renders: $BACKPROP_LECTURE, else the default."""
    return load_lecture(os.environ.get(LECTURE_ENV) or None)
