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

import hashlib
import math
import os
import re
import reprlib
import stat
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
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

# --- limits: what the scenes can show, refused up front with the limit named ---
MAX_FILE_BYTES = 1_000_000  # a lecture is a few hundred bytes; this leaves room for 10,000 examples
MAX_PARAM = 10.0  # |weight|, |bias|: beyond this σ is flat and every number line degenerates
MAX_VALUE = 10.0  # |input|, |target| of an example
NUDGE_MAX = 1.0  # |Δw|
NUDGE_MIN = 1e-4  # |Δw| / max(1, |w|): smaller changes drown in float noise on screen
CHAIN_LAYERS = (2, 8)  # neurons in the one-neuron-per-layer chain
MULTI_LAYERS = (2, 4)  # layers of the network with several neurons (input and output included)
MULTI_NEURONS = 8  # neurons per layer of that network: every neuron is drawn with its label
MAX_EXAMPLES = 10_000  # examples averaged over (the table shows a sample, the mean is over all)
TITLE_CHARS = 80
TITLE_LINES = 3
# Scripts the title font (DejaVu Sans, manim's default) draws: Latin, Greek, Cyrillic and
# common punctuation/symbols. Anything else (CJK, emoji) would render as empty boxes.
_DRAWABLE = ((0x20, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x2000, 0x206F), (0x20A0, 0x20BF), (0x2190, 0x21FF),
             (0x2200, 0x22FF))


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
    name: str  # file stem
    path: Path
    title: str
    theme: str
    captions: bool
    chain: ChainSetup
    multi: MultiSetup
    digits: DigitsSetup
    # [narration.<Scene>] <step> = "text": a step's spoken narration replaced (scenes check the step names)
    narration: dict[str, dict[str, str]] = field(default_factory=dict)
    voice: str = "piper"  # "piper", "none" (silent) or a folder <Scene>/<step>.wav (relative to the file)

    @property
    def folder(self) -> str:
        """The output folder's name (under the output root): see output_folder."""
        return output_folder(self.path)

    @property
    def shipped(self) -> bool:
        return is_shipped(self.path)


def is_shipped(path: Path) -> bool:
    """A lecture file of assets/lectures (not a copy elsewhere with the same name)."""
    return Path(path).resolve().parent == LECTURES_DIR


def output_folder(path: Path) -> str:
    """A shipped lecture keeps its name (renders/default/); any other file gets its stem, made
    safe as a folder name, plus a short hash of its absolute path (renders/default-1a2b3c4d/),
    so two different files never write into one folder and no name leaves the output root."""
    if is_shipped(path):
        return Path(path).stem
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", Path(path).stem).strip("_")[:40] or "lecture"
    digest = hashlib.sha256(os.fsencode(Path(path).resolve())).hexdigest()[:8]
    return f"{stem}-{digest}"


# --- schema ------------------------------------------------------------------
# Each key: (check, what is expected, default). A check returns True when the
# value is acceptable, False or a more precise "expected ..." text when not.
# Types are checked before anything else (a list is never hashed or compared).
# Defaults reproduce the original lesson's setup.


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _within(v: Any, limit: float) -> bool:
    return _is_number(v) and abs(v) <= limit


def _one_of(*choices: str) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, str) and v in choices


def _int_in(lo: int, hi: int | None = None) -> Callable[[Any], bool]:
    return lambda v: _is_int(v) and lo <= v and (hi is None or v <= hi)


def _numbers(limit: float, most: int) -> Callable[[Any], bool]:
    """A list of 1..most finite numbers, each within ±limit."""
    return lambda v: isinstance(v, list) and 1 <= len(v) <= most and all(_within(e, limit) for e in v)


def _vector_or_number(v: Any) -> bool:
    return _within(v, MAX_PARAM) or _numbers(MAX_PARAM, MULTI_NEURONS)(v)


def _matrix_or_number(v: Any) -> bool:
    if _within(v, MAX_PARAM):
        return True  # a one-neuron layer
    return isinstance(v, list) and 1 <= len(v) <= MULTI_NEURONS and all(_vector_or_number(r) for r in v)


def _matrices(v: Any) -> bool:
    return isinstance(v, list) and 1 <= len(v) <= MULTI_LAYERS[1] - 1 and all(_matrix_or_number(m) for m in v)


def _bias_lists(v: Any) -> bool:
    return isinstance(v, list) and 1 <= len(v) <= MULTI_LAYERS[1] - 1 and all(_vector_or_number(b) for b in v)


def _drawable(ch: str) -> bool:
    return any(lo <= ord(ch) <= hi for lo, hi in _DRAWABLE)


def _title(v: Any) -> bool | str:
    if not isinstance(v, str) or v.strip() == "":
        return False
    if len(v) > TITLE_CHARS:
        return f"a title of at most {TITLE_CHARS} characters (this one has {len(v)})"
    if len(v.strip().splitlines()) > TITLE_LINES:
        return f"a title of at most {TITLE_LINES} lines"
    for ch in v:
        if ch == "\n":
            continue
        if unicodedata.category(ch).startswith("C"):
            return f"a title without control characters (found U+{ord(ch):04X})"
        if not _drawable(ch):
            name = unicodedata.name(ch, "unnamed")
            return (
                f"a title in characters the title font can draw (Latin, Greek, Cyrillic, common symbols); "
                f"found {ch!r} (U+{ord(ch):04X} {name})"
            )
    return True


Check = tuple[Callable[[Any], bool | str], str, Any]
_ACTS = ", ".join(sorted(ACTIVATIONS))
_PARAMS = f"finite numbers within ±{MAX_PARAM:g}"
_VALUES = f"finite numbers within ±{MAX_VALUE:g}"

SCHEMA: dict[str, Any] = {
    "title": (_title, f"a non-empty string of at most {TITLE_CHARS} characters", "Backpropagation calculus"),
    "theme": (_one_of(*THEMES), f"one of {', '.join(THEMES)}", "dark"),
    "captions": (lambda v: isinstance(v, bool), "true or false", True),
    "chain": {
        "layers": (
            _int_in(*CHAIN_LAYERS),
            f"a whole number of neurons from {CHAIN_LAYERS[0]} to {CHAIN_LAYERS[1]}",
            None,
        ),
        "activation": (_one_of(*ACTIVATIONS), f"one of {_ACTS}", "sigmoid"),
        "weights": (
            _numbers(MAX_PARAM, CHAIN_LAYERS[1] - 1),
            f"a list of 1 to {CHAIN_LAYERS[1] - 1} {_PARAMS}, one per weight layer",
            None,
        ),
        "biases": (
            _numbers(MAX_PARAM, CHAIN_LAYERS[1] - 1),
            f"a list of 1 to {CHAIN_LAYERS[1] - 1} {_PARAMS}, one per weight layer",
            None,
        ),
        "seed": (_int_in(0), "a whole number >= 0", None),
        "input": (lambda v: _within(v, MAX_VALUE), f"a finite number within ±{MAX_VALUE:g}", 0.8),
        "target": (lambda v: _within(v, MAX_VALUE), f"a finite number within ±{MAX_VALUE:g}", 1.0),
        "nudge": (
            lambda v: _is_number(v) and 0 < abs(v) <= NUDGE_MAX,
            f"a non-zero number between -{NUDGE_MAX:g} and {NUDGE_MAX:g}",
            0.01,
        ),
        "follow": (_int_in(1), "a weight layer number (1 = first)", None),
        "average": {
            "inputs": (_numbers(MAX_VALUE, MAX_EXAMPLES), f"a list of 1 to {MAX_EXAMPLES} {_VALUES}", None),
            "targets": (_numbers(MAX_VALUE, MAX_EXAMPLES), f"a list of 1 to {MAX_EXAMPLES} {_VALUES}", None),
        },
    },
    "multi": {
        "sizes": (
            lambda v: isinstance(v, list)
            and MULTI_LAYERS[0] <= len(v) <= MULTI_LAYERS[1]
            and all(_int_in(1, MULTI_NEURONS)(e) for e in v),
            f"a list of {MULTI_LAYERS[0]} to {MULTI_LAYERS[1]} layer sizes, each from 1 to {MULTI_NEURONS}",
            [3, 3, 2],
        ),
        "activation": (_one_of(*ACTIVATIONS), f"one of {_ACTS}", "sigmoid"),
        "weights": (
            _matrices,
            f"a list of 1 to {MULTI_LAYERS[1] - 1} weight matrices (lists of rows), at most {MULTI_NEURONS} "
            f"rows of {MULTI_NEURONS} {_PARAMS}",
            None,
        ),
        "biases": (
            _bias_lists,
            f"a list of 1 to {MULTI_LAYERS[1] - 1} bias lists, each of at most {MULTI_NEURONS} {_PARAMS}",
            None,
        ),
        "seed": (_int_in(0), "a whole number >= 0", 3),
        "input": (_numbers(MAX_VALUE, MULTI_NEURONS), f"a list of {_VALUES}, one per input neuron", None),
        "target": (_numbers(MAX_VALUE, MULTI_NEURONS), f"a list of {_VALUES}, one per output neuron", None),
        "j": (_int_in(0), "a neuron index of layer L (from 0)", 0),
        "k": (_int_in(0), "a neuron index of layer L-1 (from 0)", 0),
    },
    "voice": (
        lambda v: isinstance(v, str) and v.strip() != "" and "\x00" not in v and len(v) < 4096,
        '"piper", "none" or a folder of recordings',
        "piper",
    ),
    "narration": (
        lambda v: isinstance(v, dict) and all(
            isinstance(t, dict) and all(isinstance(x, str) and x.strip() for x in t.values()) for t in v.values()),
        'tables [narration.<Scene>] of <step> = "text"',
        {},
    ),
    "digits": {
        "example": (_int_in(0, 1796), "an index from 0 to 1796", 0),
        "epochs": (_int_in(1, 200), "a whole number from 1 to 200", 30),
        "batch_size": (_int_in(1, 1797), "a whole number from 1 to 1797", 32),
        "learning_rate": (lambda v: _is_number(v) and 0 < v <= 100, "a positive number up to 100", 2.0),
        "seed": (_int_in(0), "a whole number >= 0", 0),
    },
}

_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxstring, _SHORT.maxother = 3, 6, 50, 50


def _describe(v: Any) -> str:
    """A short one-line picture of a value, whatever its size or depth."""
    text = _SHORT.repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


def _key(dotted: str) -> str:
    return dotted if re.fullmatch(r"[A-Za-z0-9_.-]{1,60}", dotted) else _describe(dotted)[1:-1]


def _check_table(data: dict, schema: dict, prefix: str, where: str, problems: list[str]) -> dict:
    """Values of one table with defaults filled in; problems appended."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if key not in schema:
            known = ", ".join(sorted(schema))
            problems.append(f"{where}: unknown key '{_key(dotted)}' (known keys here: {known})")
            continue
        rule = schema[key]
        if isinstance(rule, dict):
            if not isinstance(value, dict):
                problems.append(f"{where}: '{dotted}' is {_describe(value)}, expected a table [{dotted}]")
                continue
            out[key] = _check_table(value, rule, dotted + ".", where, problems)
            continue
        check, expected, _ = rule
        verdict = check(value)
        if verdict is not True:
            why = verdict if isinstance(verdict, str) else expected
            problems.append(f"{where}: '{dotted}' is {_describe(value)}, expected {why}")
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
    w = abs(float(network.weights[follow - 1][0, 0]))
    smallest = NUDGE_MIN * max(1.0, w)
    if abs(c["nudge"]) < smallest:
        problems.append(
            f"{where}: 'chain.nudge' is {c['nudge']!r}, expected at least {smallest:.3g} in size "
            f"({NUDGE_MIN:g} × max(1, |w^({follow})|), and |w^({follow})| = {w:.3g}): "
            "smaller changes are lost in rounding"
        )
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
    if not (MULTI_LAYERS[0] <= len(sizes) <= MULTI_LAYERS[1] and max(sizes) <= MULTI_NEURONS):
        problems.append(
            f"{where}: 'multi.weights' make a {'-'.join(map(str, sizes))} network, expected "
            f"{MULTI_LAYERS[0]} to {MULTI_LAYERS[1]} layers of 1 to {MULTI_NEURONS} neurons"
        )
        return None
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


def _where(path: Path) -> str:
    """The file's name as one printable line, whatever characters it holds."""
    text = os.fsdecode(path)
    return text if text.isprintable() else repr(text)[1:-1]


def parse_lecture(text: str, path: Path) -> Lecture:
    """A Lecture from TOML text; LectureError listing every problem."""
    where = _where(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise LectureError([f"{where}: not valid TOML: {e}"]) from None
    except RecursionError:
        raise LectureError([f"{where}: not a lecture file: its arrays or tables are nested too deeply"]) from None
    except Exception as e:  # the reader's own limits: still the file's fault, said in one line
        raise LectureError([f"{where}: not valid TOML: {type(e).__name__}: {_describe(str(e))[1:-1]}"]) from None
    problems: list[str] = []
    values = _check_table(data, SCHEMA, "", where, problems)
    chain = multi = None
    for section, build in (("chain", _chain_setup), ("multi", _multi_setup)):
        if section not in values or any(f"'{section}." in p or f"'{section}'" in p for p in problems):
            continue  # its keys are wrong already: combining them would only add noise
        try:
            built = build(values[section], where, problems)
        except ValueError as e:  # the engine's own check (shapes, sizes, values)
            problems.append(f"{where}: [{section}] {' '.join(str(e).split())}")
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
        narration=values["narration"],
        voice=values["voice"],
    )


def shipped_names() -> list[str]:
    return sorted(p.stem for p in LECTURES_DIR.glob("*.toml"))


def resolve_lecture_path(name_or_path: str | os.PathLike | None, base: str | os.PathLike | None = None) -> Path:
    """An absolute lecture path from a file path (relative ones against `base`, default the
    working directory) or a bare name in assets/lectures; LectureError for an empty name."""
    if name_or_path is None:
        return DEFAULT_LECTURE
    text = os.fspath(name_or_path)
    if text in ("", b""):
        names = ", ".join(shipped_names())
        raise LectureError([f"the lecture name is empty: give a lecture file (path/to/file.toml) or one of {names}"])
    p = Path(text)
    full = Path(os.path.abspath(Path(base or os.getcwd()) / p))
    try:
        is_name = not full.exists() and p.suffix == "" and len(p.parts) == 1
        if is_name and (LECTURES_DIR / f"{p.name}.toml").is_file():
            return LECTURES_DIR / f"{p.name}.toml"
    except (OSError, ValueError):
        pass  # an impossible file name: reading it says so
    return full


def _read(path: Path) -> str:
    """The file's text, or LectureError saying in one line why not."""
    where = _where(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise LectureError([f"{where}: is a folder, expected a lecture file (TOML)"])
        if not stat.S_ISREG(info.st_mode):
            raise LectureError([f"{where}: is not a regular file, expected a lecture file (TOML)"])
        if info.st_size > MAX_FILE_BYTES:
            raise LectureError(
                [f"{where}: is {info.st_size:,} bytes, expected a lecture file of at most {MAX_FILE_BYTES:,} bytes"]
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise LectureError([f"{where}: no such lecture file"]) from None
    except OSError as e:
        raise LectureError([f"{where}: cannot be read: {e.strerror or e}"]) from None
    except ValueError as e:  # e.g. a NUL byte in the name
        raise LectureError([f"{where}: not a usable file name: {e}"]) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise LectureError([f"{where}: is not UTF-8 text (byte {e.start}), expected a lecture file (TOML)"]) from None


def load_lecture(name_or_path: str | os.PathLike | None = None, base: str | os.PathLike | None = None) -> Lecture:
    """Read and check a lecture file (default: the lesson's own setup)."""
    path = resolve_lecture_path(name_or_path, base)
    return parse_lecture(_read(path), path)


def lecture_from_env() -> Lecture:
    """The lecture a scene renders: $BACKPROP_LECTURE, else the default."""
    return load_lecture(os.environ.get(LECTURE_ENV) or None)
