"""The names a scene's manifest `source` may use, recomputed without the engine.

`scenes.values.namespace(lecture)` answers a source such as
``engine.long_chain(chain_trace, chain_param).factors[2].value`` with the
engine; :func:`independent_namespace` answers the same text with the
hand-written backpropagation of tests/engine_reference.py, so a test that
compares the two is not the engine compared with itself.

Covered independently: the lecture's setups and their numbers, ``engine.run``,
``engine.weight_chain``, ``engine.bias_chain``, ``engine.long_chain``,
``engine.activation_chain``, ``engine.summed_paths``, ``engine.gradient_vector``, ``chain_trace``, ``multi_trace``,
``chain_batch_trace``, ``digit_trace``, ``chain_nudge`` and ``chain_avg``.
Not covered: the digit network's training run and its gradient checks
(``digit_training``, ``grad_checks``, ``multi_data``, ``digits``, ``digit_net``);
:data:`ENGINE_ONLY` names them, and their parts are tested in the engine tests.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import engine_reference as ref
import numpy as np

import engine
from scenes import multi_data

ENGINE_ONLY = ("digit_training", "learned_digit", "grad_checks", "multi_data", "digits", "digit_net")


def get_activation(name: str) -> SimpleNamespace:
    """The reference activation and its slope, with the engine's names (f, df)."""
    f, df = ref.ACT[name]
    return SimpleNamespace(f=lambda z: f(float(z)), df=lambda z: df(float(z)))


def uses_engine_only(source: str) -> bool:
    return any(re.search(rf"\b{name}\b", source) for name in ENGINE_ONLY)


def _key(p: engine.Param) -> tuple:
    return (p.kind, p.layer, p.j) if p.k is None else (p.kind, p.layer, p.j, p.k)


class RefTrace:
    """The parts of engine.Trace that sources read, from the reference pass."""

    def __init__(self, network: Any, x: Any, y: Any) -> None:
        X = np.atleast_2d(np.asarray(x, dtype=float)).tolist()
        Y = np.atleast_2d(np.asarray(y, dtype=float)).tolist()
        self.net = ref.Net.of(network)
        self.L = self.net.L
        self.batch = ref.batch(self.net, X, Y)
        self.y = Y
        self.cost = self.batch.cost
        self.costs = [e.cost for e in self.batch.examples]

    def a(self, l: int, example: int = 0) -> list[float]:
        return self.batch.examples[example].a[l]

    def z(self, l: int, example: int = 0) -> list[float]:
        return self.batch.examples[example].z[l]

    def dC_da(self, l: int, example: int = 0) -> list[float]:
        return self.batch.examples[example].dC_da[l]

    def grad(self, p: engine.Param, example: int | None = None) -> float:
        if example is None:
            return self.batch.grad[_key(p)]
        return self.batch.examples[example].grad[_key(p)]

    def sigma_prime(self, l: int, j: int, example: int) -> float:
        return ref.ACT[self.net.act][1](self.z(l, example)[j])


@dataclass(frozen=True)
class RefFactor:
    value: float


@dataclass(frozen=True)
class RefChain:
    factors: tuple[RefFactor, ...]

    @property
    def product(self) -> float:
        return math.prod(f.value for f in self.factors)


def _chain(values: list[float]) -> RefChain:
    return RefChain(tuple(RefFactor(v) for v in values))


def weight_chain(tr: RefTrace, l: int, j: int, k: int, example: int = 0, **_: Any) -> RefChain:
    """a_k^(l-1) · σ'(z_j^(l)) · ∂C/∂a_j^(l)."""
    return _chain([tr.a(l - 1, example)[k], tr.sigma_prime(l, j, example), tr.dC_da(l, example)[j]])


def bias_chain(tr: RefTrace, l: int, j: int, example: int = 0, **_: Any) -> RefChain:
    return _chain([1.0, tr.sigma_prime(l, j, example), tr.dC_da(l, example)[j]])


def activation_chain(tr: RefTrace, l: int, j: int, k: int, example: int = 0, **_: Any) -> RefChain:
    """The path from a_k^(l-1) through neuron j: w_jk^(l) · σ'(z_j^(l)) · ∂C/∂a_j^(l)."""
    return _chain([tr.net.W[l - 1][j][k], tr.sigma_prime(l, j, example), tr.dC_da(l, example)[j]])


@dataclass(frozen=True)
class RefSummedPaths:
    paths: tuple[RefChain, ...]

    @property
    def total(self) -> float:
        return ref.total([c.product for c in self.paths])


def summed_paths(tr: RefTrace, l: int, k: int, example: int = 0, **_: Any) -> RefSummedPaths:
    """∂C/∂a_k^(l-1) = Σ_j w_jk^(l) σ'(z_j^(l)) ∂C/∂a_j^(l), one path per neuron j of layer l."""
    return RefSummedPaths(tuple(activation_chain(tr, l, j, k, example) for j in range(len(tr.net.W[l - 1]))))


def long_chain(tr: RefTrace, p: engine.Param, example: int = 0, **_: Any) -> RefChain:
    """Along a one-neuron-per-layer path: ∂z/∂p, then σ'(z^(m)) and w^(m+1) in turn, then 2(a^(L) - y)."""
    if p.kind == "x":
        values, first = [], 1
    else:
        values, first = [tr.a(p.layer - 1, example)[p.k] if p.kind == "w" else 1.0], p.layer
    for m in range(first, tr.L + 1):
        if m > first or p.kind == "x":
            values.append(tr.net.W[m - 1][0][p.j if (p.kind == "x" and m == 1) else 0])
        values.append(tr.sigma_prime(m, 0, example))
    values.append(2.0 * (tr.a(tr.L, example)[0] - tr.y[example][0]))
    return _chain(values)


def gradient_vector(tr: RefTrace) -> list[tuple[tuple, float]]:
    return [(k, tr.batch.grad[k]) for k in tr.net.keys()]


@dataclass(frozen=True)
class RefLayerNudge:
    z_before: list[float]
    z_after: list[float]
    dz_actual: list[float]
    dz_predicted: list[float]
    a_before: list[float]
    a_after: list[float]
    da_actual: list[float]
    da_predicted: list[float]


class RefNudge:
    """p changed by Δ: everything rerun, and Δ propagated forwards to first order."""

    def __init__(self, network: Any, x: Any, y: Any, p: engine.Param, delta: float) -> None:
        net = ref.Net.of(network)
        key = _key(p)
        self.value_before = net.get(key)
        self.value_after = self.value_before + delta
        changed = net.with_value(key, self.value_after)
        before = ref.example(net, list(x), list(y))
        after = ref.example(changed, list(x), list(y))
        self.gradient = before.grad[key]
        step = self.value_after - self.value_before
        self.delta = step
        self.cost_before, self.cost_after = before.cost, after.cost
        self.dC_actual = after.cost - before.cost
        self.dC_predicted = self.gradient * step
        df = ref.ACT[net.act][1]
        dz = [0.0] * len(net.B[p.layer - 1])
        dz[p.j] = (before.a[p.layer - 1][p.k] if p.kind == "w" else 1.0) * step   # ∂z_j/∂p · Δ
        self._layers = {}
        da: list[float] = []
        for l in range(p.layer, net.L + 1):
            if l > p.layer:
                dz = [sum(net.W[l - 1][j][k] * da[k] for k in range(len(da))) for j in range(len(net.W[l - 1]))]
            da = [df(before.z[l][j]) * dz[j] for j in range(len(dz))]
            self._layers[l] = RefLayerNudge(
                before.z[l], after.z[l], [b - a for a, b in zip(before.z[l], after.z[l], strict=True)], dz,
                before.a[l], after.a[l], [b - a for a, b in zip(before.a[l], after.a[l], strict=True)], da)

    def layer(self, l: int) -> RefLayerNudge:
        return self._layers[l]


class RefAveraging:
    def __init__(self, network: Any, X: Any, Y: Any, p: engine.Param) -> None:
        tr = RefTrace(network, X, Y)
        self.per_example = [e.grad[_key(p)] for e in tr.batch.examples]
        self.running_mean = [ref.total(self.per_example[:k + 1]) / (k + 1) for k in range(len(self.per_example))]
        self.mean = ref.total(self.per_example) / len(self.per_example)


def independent_namespace(lecture: Any) -> dict[str, Any]:
    """The same names as scenes.values.namespace, every value recomputed by the reference."""
    chain, multi = lecture.chain, lecture.multi
    followed = engine.Param("w", chain.follow, 0, 0)
    shim = SimpleNamespace(Param=engine.Param, Network=engine.Network, run=RefTrace,
                           weight_chain=weight_chain, bias_chain=bias_chain, long_chain=long_chain,
                           gradient_vector=gradient_vector, activation_chain=activation_chain,
                           summed_paths=summed_paths, nudge=RefNudge, get_activation=get_activation)
    x, y, _ = multi_data.digit_example(lecture)
    return {
        "lecture": lecture, "chain": chain, "multi": multi, "np": np, "engine": shim,
        "chain_param": followed,
        "chain_trace": RefTrace(chain.network, chain.x, chain.y),
        "multi_trace": RefTrace(multi.network, multi.x, multi.y),
        "chain_batch_trace": RefTrace(chain.network, chain.average_x, chain.average_y),
        "chain_nudge": RefNudge(chain.network, chain.x, chain.y, followed, chain.nudge),
        "chain_avg": RefAveraging(chain.network, chain.average_x, chain.average_y, followed),
        "digit_trace": RefTrace(engine.digit_network(), x, y),
    }
