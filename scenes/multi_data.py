"""Engine values for the multi-neuron, digit, training and checking scenes
(numpy only, no manim). Reached from manifest sources through the names
`multi_data`, `digit_trace`, `digit_training` and `grad_checks` of
scenes.values.namespace.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import engine
from engine.lecture import Lecture

DIGIT_SIZES = (64, 16, 16, 10)
SNAPSHOTS = 6  # networks shown while training (including before and after)


def digit_example(lecture: Lecture) -> tuple[np.ndarray, np.ndarray, int]:
    """The digit shown: its pixels x, its one-hot target y, its label."""
    X, labels = engine.load_digits()
    i = lecture.digits.example
    return X[i], engine.one_hot(labels[i : i + 1])[0], int(labels[i])


def digit_trace(lecture: Lecture) -> engine.Trace:
    """The trained digit network run on the lecture's digit."""
    x, y, _ = digit_example(lecture)
    return engine.run(engine.digit_network(), x, y)


def grad_scale(trace: engine.Trace, q: float = 95.0) -> float:
    """The |∂C/∂w| drawn at full colour: a high percentile over every weight."""
    allw = np.concatenate([np.abs(trace.layer(l).dC_dw[0]).ravel() for l in range(1, trace.L + 1)])
    return float(np.percentile(allw, q)) or 1.0


@dataclass(frozen=True, eq=False)
class Training:
    start: engine.Network
    final: engine.Network
    history: engine.TrainingHistory
    snapshot_steps: tuple[int, ...]
    traces: tuple[engine.Trace, ...]  # the shown digit through each snapshot
    guesses: tuple[int, ...]  # the most active output neuron at each snapshot
    acc_before: float
    acc_after: float
    total_steps: int


# The training result is cached on disk, keyed by everything it is computed from: the
# digits' hyper-parameters and seed, the data, the engine's code and this file, numpy and
# Python. $BACKPROP_CACHE names the cache root (the CLI sets it; default renders/.cache).
CACHE_ENV = "BACKPROP_CACHE"
_ROOT = Path(__file__).resolve().parent.parent


def training_key(lecture: Lecture) -> str:
    """A digest of every input of digit_training(lecture)."""
    h = hashlib.sha256(repr((lecture.digits, DIGIT_SIZES, SNAPSHOTS)).encode())
    h.update(f"numpy {np.__version__} python {sys.version_info[:3]}".encode())
    files = [engine.digits.DATA_PATH, Path(__file__).resolve(), *sorted((_ROOT / "engine").rglob("*.py"))]
    for path in files:
        h.update(path.relative_to(_ROOT).as_posix().encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _training_cache_file(lecture: Lecture) -> Path:
    root = Path(os.environ.get(CACHE_ENV) or _ROOT / "renders" / ".cache")
    return root / "training" / f"digits-{training_key(lecture)[:32]}.pickle"


def digit_training(lecture: Lecture) -> Training:
    """Gradient descent on the training split from a random start (cached on disk by its inputs)."""
    cache = _training_cache_file(lecture)
    try:
        with open(cache, "rb") as f:  # our own file, written below
            cached = pickle.load(f)
        if isinstance(cached, Training):
            return cached
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        pass
    result = _train(lecture)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f".{cache.name}.{os.getpid()}.part")
        tmp.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(cache)
    except OSError:
        pass  # a read-only place: train again next time
    return result


def _train(lecture: Lecture) -> Training:
    d = lecture.digits
    X, labels = engine.load_digits()
    train_idx, test_idx = engine.digit_split()
    start = engine.Network.random(DIGIT_SIZES, seed=d.seed)
    per_epoch = -(-len(train_idx) // d.batch_size)
    total = d.epochs * per_epoch
    # snapshots spaced more densely early, where the cost falls fastest
    steps = sorted({int(round(total * (i / (SNAPSHOTS - 1)) ** 2)) for i in range(SNAPSHOTS)})
    final, history = engine.train(
        start,
        X[train_idx],
        engine.one_hot(labels[train_idx]),
        epochs=d.epochs,
        batch_size=d.batch_size,
        learning_rate=d.learning_rate,
        seed=d.seed,
        snapshot_steps=tuple(steps),
    )
    x, y, _ = digit_example(lecture)
    traces = tuple(engine.run(history.snapshot(s), x, y) for s in steps)
    return Training(
        start=start,
        final=final,
        history=history,
        snapshot_steps=tuple(steps),
        traces=traces,
        guesses=tuple(int(np.argmax(t.a(t.L))) for t in traces),
        acc_before=engine.accuracy(start, X[test_idx], labels[test_idx]),
        acc_after=engine.accuracy(final, X[test_idx], labels[test_idx]),
        total_steps=total,
    )


@dataclass(frozen=True)
class GradCheck:
    param: engine.Param
    backprop: float
    measured: float
    log_rel: float  # log10 of the relative error (floored at 1e-16)


def checked_params(trace: engine.Trace, j: int, k: int, count: int = 5) -> list[engine.Param]:
    """The followed weight w_jk^(L), then from each layer (last first) the
    weight and the bias with the largest gradient: a handful from every layer."""
    net = trace.network
    out = [engine.Param("w", net.L, j, k)]
    for l in range(net.L, 0, -1):
        gw, gb = np.abs(trace.layer(l).mean_dC_dw), np.abs(trace.layer(l).mean_dC_db)
        jj, kk = np.unravel_index(int(np.argmax(gw)), gw.shape)
        for p in (engine.Param("b", l, int(np.argmax(gb))), engine.Param("w", l, int(jj), int(kk))):
            if p not in out:
                out.append(p)
    return out[:count]


GRAD_CHECK_H = 1e-6  # the step of the central differences shown in "checking the calculus"


def grad_checks(lecture: Lecture, h: float = GRAD_CHECK_H) -> tuple[GradCheck, ...]:
    m = lecture.multi
    trace = engine.run(m.network, m.x, m.y)
    out = []
    for p in checked_params(trace, m.j, m.k):
        g = trace.grad(p)
        n = engine.numerical_gradient(m.network, m.x, m.y, p, h=h)
        rel = abs(g - n) / max(abs(g), abs(n), 1e-8)
        out.append(GradCheck(p, g, n, math.log10(max(rel, 1e-16))))
    return tuple(out)


@functools.cache
def backward_example() -> int:
    """The digit the backward pass is shown on, chosen from the data, not by hand: among the
    digits the trained network gets wrong, the one with the most output sensitivities
    ∂C_0/∂a_j = 2(a_j - y_j) that do not read 0.00, then the largest cost, then the first."""
    X, labels = engine.load_digits()
    A = engine.feedforward(engine.digit_network(), X)
    G = 2 * (A - engine.one_hot(labels))
    wrong = np.flatnonzero(np.argmax(A, axis=1) != labels)
    if len(wrong) == 0:  # a perfect network: the least sure digit
        wrong = np.arange(len(labels))
    visible = (np.abs(G[wrong]) >= 0.005).sum(axis=1)
    cost = (G[wrong] ** 2).sum(axis=1) / 4
    order = np.lexsort((wrong, -cost, -visible))
    return int(wrong[order[0]])


def backward_trace() -> engine.Trace:
    """The trained digit network run on `backward_example()`."""
    X, labels = engine.load_digits()
    i = backward_example()
    return engine.run(engine.digit_network(), X[i], engine.one_hot(labels[i : i + 1])[0])


@dataclass(frozen=True, eq=False)
class LearnedDigit:
    """A held-out digit that training teaches: wrong before, right after (chosen by the engine)."""

    index: int  # into the whole data set (engine.load_digits)
    x: np.ndarray
    label: int
    traces: tuple[engine.Trace, ...]  # through each training snapshot
    guesses: tuple[int, ...]


def learned_digit(lecture: Lecture) -> LearnedDigit:
    """The first held-out digit (the lecture's own example if it qualifies) that the random
    start gets wrong and the trained network gets right; the first held-out digit if none does."""
    tr = digit_training(lecture)
    X, labels = engine.load_digits()
    _, test_idx = engine.digit_split()
    first, last = tr.history.snapshot(tr.snapshot_steps[0]), tr.history.snapshot(tr.snapshot_steps[-1])
    guess_before = np.argmax(np.atleast_2d(engine.feedforward(first, X[test_idx])), axis=1)
    guess_after = np.argmax(np.atleast_2d(engine.feedforward(last, X[test_idx])), axis=1)
    learned = [int(i) for i, b, a in zip(test_idx, guess_before, guess_after, strict=True)
               if b != labels[i] and a == labels[i]]
    own = lecture.digits.example
    index = own if own in learned else (learned[0] if learned else int(test_idx[0]))
    x, label = X[index], int(labels[index])
    y = engine.one_hot(labels[index : index + 1])[0]
    traces = tuple(engine.run(tr.history.snapshot(s), x, y) for s in tr.snapshot_steps)
    return LearnedDigit(index, x, label, traces, tuple(int(np.argmax(t.a(t.L))) for t in traces))
