"""Gradient descent: step downhill along -∇C, over mini-batches.

One step replaces every parameter p by p - η ∂C/∂p, where C is the mean cost
over the step's (mini-)batch and η the learning rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._checks import read_only
from .network import Network
from .trace import _batches, batch_gradient, cost_of, feedforward

__all__ = ["TrainingHistory", "accuracy", "gradient_descent_step", "train"]


@dataclass(frozen=True, eq=False)
class TrainingHistory:
    """What happened during :func:`train`.

    ``steps[i] = i + 1`` counts updates; ``costs[i]`` is the mean cost of the
    mini-batch used by update i + 1, measured before that update (the cost
    the gradient was computed from). ``snapshots`` holds ``(s, network)``
    after s updates, always including s = 0 (the initial network).
    ``epoch_costs[e]`` is the full-data mean cost after e epochs
    (``epoch_costs[0]`` before training).
    """

    steps: np.ndarray
    costs: np.ndarray
    snapshots: tuple[tuple[int, Network], ...]
    epoch_costs: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def snapshot(self, step: int) -> Network:
        for s, net in self.snapshots:
            if s == step:
                return net
        raise ValueError(f"step: expected one of {[s for s, _ in self.snapshots]}, got {step!r}")


def _check_rate(learning_rate: float) -> float:
    lr = float(learning_rate)
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"learning_rate: expected a positive finite number, got {learning_rate!r}")
    return lr


def _step(network: Network, X: np.ndarray, Y: np.ndarray, lr: float) -> tuple[Network, float]:
    cost, gw, gb = batch_gradient(network, X, Y)
    weights = tuple(W - lr * g for W, g in zip(network.weights, gw, strict=True))
    biases = tuple(b - lr * g for b, g in zip(network.biases, gb, strict=True))
    return Network(weights, biases, network.activation), cost


def gradient_descent_step(network: Network, X: object, Y: object, learning_rate: float) -> Network:
    """One full-batch step: W^(l) ← W^(l) - η ∂C/∂W^(l), b^(l) ← b^(l) - η ∂C/∂b^(l)."""
    return _step(network, *_batches(network, X, Y), _check_rate(learning_rate))[0]


def train(network: Network, X: object, Y: object, *, epochs: int, batch_size: int,
          learning_rate: float, seed: int, snapshot_steps: tuple[int, ...] = ()
          ) -> tuple[Network, TrainingHistory]:
    """Mini-batch gradient descent.

    Each epoch shuffles the examples with ``numpy.random.default_rng(seed)``
    (one generator for the whole run) and takes one step per consecutive
    slice of ``batch_size`` examples (the last slice may be smaller).
    """
    Xb, Yb = _batches(network, X, Y)
    lr = _check_rate(learning_rate)
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"epochs: expected a non-negative integer, got {epochs!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size: expected a positive integer, got {batch_size!r}")
    n = Xb.shape[0]
    per_epoch = -(-n // batch_size)
    total = epochs * per_epoch
    wanted = set()
    for s in snapshot_steps:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or not 0 <= s <= total:
            raise ValueError(f"snapshot_steps: expected steps in 0..{total}, got {s!r}")
        wanted.add(int(s))
    rng = np.random.default_rng(seed)
    snapshots: list[tuple[int, Network]] = [(0, network)]
    costs: list[float] = []
    epoch_costs = [cost_of(network, Xb, Yb)]
    step = 0
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            network, c = _step(network, Xb[idx], Yb[idx], lr)
            costs.append(c)
            step += 1
            if step in wanted:
                snapshots.append((step, network))
        epoch_costs.append(cost_of(network, Xb, Yb))
    history = TrainingHistory(
        steps=read_only(np.arange(1, step + 1)),
        costs=read_only(np.array(costs, dtype=np.float64)),
        snapshots=tuple(snapshots),
        epoch_costs=read_only(np.array(epoch_costs, dtype=np.float64)),
    )
    return network, history


def accuracy(network: Network, X: object, labels: object) -> float:
    """Fraction of examples whose most active output neuron is the label."""
    out = np.atleast_2d(feedforward(network, X))
    lab = np.asarray(labels)
    if lab.shape != (out.shape[0],):
        raise ValueError(f"labels: expected shape ({out.shape[0]},), got {lab.shape}")
    return float(np.mean(np.argmax(out, axis=1) == lab))
