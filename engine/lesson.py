"""The lesson's named quantities: chain-rule factors, paths, nudges, averages.

Every function reads its numbers from a :class:`~engine.trace.Trace` (or runs
one), so what a scene shows is what backpropagation computed.

Factors of a chain are ordered from the parameter towards the cost, e.g. for
a weight of layer l::

    ∂C_0/∂w_jk^(l) = ∂z_j^(l)/∂w_jk^(l) · ∂a_j^(l)/∂z_j^(l) · ∂C_0/∂a_j^(l)
                   =    a_k^(l-1)       ·     σ'(z_j^(l))    · ∂C_0/∂a_j^(l)

The product of a chain is folded from the cost end (f_1 · (f_2 · (... · f_n))),
the order backpropagation multiplies in, so it matches the trace exactly.

LaTeX names use layers relative to the last (``(L)``, ``(L-1)``) unless
``relative=False``, and neuron subscripts when the network has a layer with
more than one neuron (override with ``multi=``). The cost of example i is
written ``C_i`` (``C_0`` for the first example, as in the lesson).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from ._checks import check_index, read_only
from .activations import get_activation
from .network import Network, Param
from .notation import symbol_plain, symbol_tex
from .trace import Trace, _batches, cost_of, run

__all__ = [
    "Averaging", "Chain", "Factor", "LayerNudge", "Nudge", "SummedPaths",
    "activation_chain", "all_paths", "averaging", "bias_chain", "gradient_vector",
    "long_chain", "numerical_gradient", "nudge", "summed_paths", "weight_chain",
    "PATH_LIMIT",
]

PATH_LIMIT = 10_000


@dataclass(frozen=True)
class Factor:
    """One local derivative in a chain: its LaTeX, what it equals, its value."""

    tex: str
    meaning: str
    value: float


@dataclass(frozen=True)
class Chain:
    """A product of local derivatives, ordered from the parameter towards the cost."""

    factors: tuple[Factor, ...]
    product: float

    @property
    def tex(self) -> str:
        """The factors' LaTeX joined by ``\\cdot``."""
        return r" \cdot ".join(f.tex for f in self.factors)

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(f.value for f in self.factors)


def _fold(values: list[float]) -> float:
    """f_1 · (f_2 · (... · f_n)): the order in which backpropagation multiplies."""
    out = values[-1]
    for v in reversed(values[:-1]):
        out = v * out
    return float(out)


def _chain(factors: list[Factor]) -> Chain:
    return Chain(tuple(factors), _fold([f.value for f in factors]))


class _Names:
    """Symbol formatting for one trace (relative layers, subscripts or not)."""

    def __init__(self, trace: Trace, example: int, multi: bool | None, relative: bool) -> None:
        net = trace.network
        self.multi = (not net.is_chain) if multi is None else multi
        self.L = net.L if relative else None
        self.example = example
        act = get_activation(net.activation)
        self.act_tex = act.tex
        self.act_plain = act.symbol

    def t(self, letter: str, l: int | None, *idx: int) -> str:
        return symbol_tex(letter, l, idx, multi=self.multi, L=self.L)

    def p(self, letter: str, l: int | None, *idx: int) -> str:
        return symbol_plain(letter, l, idx, multi=self.multi, L=self.L)

    @staticmethod
    def frac(top: str, bottom: str) -> str:
        return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"

    @property
    def cost_tex(self) -> str:
        return f"C_{{{self.example}}}"

    def a_tex(self, l: int, k: int) -> str:
        """a_k^(l), with layer 0 written as x."""
        return self.t("x", None, k) if l == 0 else self.t("a", l, k)

    def a_plain(self, l: int, k: int) -> str:
        return self.p("x", None, k) if l == 0 else self.p("a", l, k)


# --- single factors -----------------------------------------------------------
def _f_sigma_prime(tr: Trace, nm: _Names, l: int, j: int, ex: int) -> Factor:
    return Factor(
        nm.frac(nm.t("a", l, j), nm.t("z", l, j)),
        f"{nm.act_plain}'({nm.p('z', l, j)})",
        float(get_activation(tr.network.activation).df(tr.z(l, ex)[j])),
    )


def _f_dz_da(tr: Trace, nm: _Names, l: int, j: int, k: int) -> Factor:
    """∂z_j^(l)/∂a_k^(l-1) = w_jk^(l)."""
    return Factor(
        nm.frac(nm.t("z", l, j), nm.a_tex(l - 1, k)),
        nm.p("w", l, j, k),
        float(tr.network.W(l)[j, k]),
    )


def _f_dC_da(tr: Trace, nm: _Names, l: int, j: int, ex: int) -> Factor:
    """∂C_i/∂a_j^(l): 2(a_j^(L) - y_j) at the output, backpropagated otherwise."""
    if l == tr.L:
        meaning = f"2({nm.p('a', l, j)} - {nm.p('y', None, j)})"
    else:
        meaning = f"sum of paths through layer {nm.p('', l + 1)[1:]} (backpropagated)"
    return Factor(
        nm.frac(nm.cost_tex, nm.t("a", l, j)),
        meaning,
        float(tr.dC_da(l, ex)[j]),
    )


def _f_dz_dparam(tr: Trace, nm: _Names, p: Param, ex: int) -> Factor:
    """∂z_j^(l)/∂p for a weight (a_k^(l-1)) or a bias (1)."""
    l, j = p.layer, p.j
    bottom = p.tex(nm.multi, nm.L)
    if p.kind == "w":
        assert p.k is not None
        return Factor(nm.frac(nm.t("z", l, j), bottom), nm.a_plain(l - 1, p.k),
                      float(tr.a(l - 1, ex)[p.k]))
    return Factor(nm.frac(nm.t("z", l, j), bottom), "1", 1.0)


# --- chains -------------------------------------------------------------------
def _setup(trace: Trace, example: int, multi: bool | None, relative: bool) -> tuple[int, _Names]:
    ex = check_index(example, trace.n_examples, "example", "an example index")
    return ex, _Names(trace, ex, multi, relative)


def weight_chain(trace: Trace, l: int, j: int, k: int, example: int = 0, *,
                 multi: bool | None = None, relative: bool = True) -> Chain:
    """∂C_i/∂w_jk^(l) = a_k^(l-1) · σ'(z_j^(l)) · ∂C_i/∂a_j^(l)."""
    p = trace.network.check_param(Param("w", l, j, k))
    ex, nm = _setup(trace, example, multi, relative)
    return _chain([_f_dz_dparam(trace, nm, p, ex), _f_sigma_prime(trace, nm, l, j, ex),
                   _f_dC_da(trace, nm, l, j, ex)])


def bias_chain(trace: Trace, l: int, j: int, example: int = 0, *,
               multi: bool | None = None, relative: bool = True) -> Chain:
    """∂C_i/∂b_j^(l) = 1 · σ'(z_j^(l)) · ∂C_i/∂a_j^(l)."""
    p = trace.network.check_param(Param("b", l, j))
    ex, nm = _setup(trace, example, multi, relative)
    return _chain([_f_dz_dparam(trace, nm, p, ex), _f_sigma_prime(trace, nm, l, j, ex),
                   _f_dC_da(trace, nm, l, j, ex)])


def activation_chain(trace: Trace, l: int, j: int, k: int, example: int = 0, *,
                     multi: bool | None = None, relative: bool = True) -> Chain:
    """The path from a_k^(l-1) through neuron j of layer l:
    w_jk^(l) · σ'(z_j^(l)) · ∂C_i/∂a_j^(l)."""
    trace.network.check_param(Param("w", l, j, k))
    ex, nm = _setup(trace, example, multi, relative)
    return _chain([_f_dz_da(trace, nm, l, j, k), _f_sigma_prime(trace, nm, l, j, ex),
                   _f_dC_da(trace, nm, l, j, ex)])


def _path_chain(trace: Trace, nm: _Names, p: Param, route: tuple[int, ...], ex: int) -> Chain:
    """The chain from p to the cost through neurons ``route`` (one per layer from
    p's first affected layer up to L), ending with 2(a^(L) - y)."""
    L = trace.L
    factors: list[Factor] = []
    if p.kind == "x":
        first, prev = 1, p.j              # x_j = a_j^(0) feeds every z^(1)
    else:
        first, prev = p.layer, None
        factors.append(_f_dz_dparam(trace, nm, p, ex))
    for m, i in zip(range(first, L + 1), route, strict=True):
        if prev is not None:
            factors.append(_f_dz_da(trace, nm, m, i, prev))
        factors.append(_f_sigma_prime(trace, nm, m, i, ex))
        prev = i
    factors.append(_f_dC_da(trace, nm, L, route[-1], ex))
    return _chain(factors)


def _route_layers(trace: Trace, p: Param) -> list[range]:
    """Possible neurons per layer on a path from p to the cost."""
    sizes = trace.network.sizes
    if p.kind == "x":
        return [range(n) for n in sizes[1:]]
    return [range(p.j, p.j + 1)] + [range(n) for n in sizes[p.layer + 1:]]


def long_chain(trace: Trace, p: Param, example: int = 0, *,
               multi: bool | None = None, relative: bool = True) -> Chain:
    """Every local derivative from p up to the cost, for one-neuron-per-layer paths.

    E.g. for w^(L-1): a^(L-2), σ'(z^(L-1)), w^(L), σ'(z^(L)), 2(a^(L) - y).
    ValueError if a layer between p and the cost has more than one neuron.
    """
    trace.network.check_param(p)
    sizes = trace.network.sizes
    start = 1 if p.kind == "x" else p.layer + 1
    for m in range(start, trace.L + 1):
        if sizes[m] != 1:
            raise ValueError(
                f"param {p}: long_chain needs one neuron per layer on the way to the cost, "
                f"but layer {m} has {sizes[m]}; use all_paths"
            )
    ex, nm = _setup(trace, example, multi, relative)
    route = tuple(r[0] for r in _route_layers(trace, p))
    return _path_chain(trace, nm, p, route, ex)


def all_paths(trace: Trace, p: Param, example: int = 0, *, limit: int = PATH_LIMIT,
              multi: bool | None = None, relative: bool = True) -> tuple[Chain, ...]:
    """Every path from p to the cost, one Chain each; their products sum to ∂C_i/∂p.

    Paths branch at every layer after p's own; ValueError if there would be
    more than ``limit``.
    """
    trace.network.check_param(p)
    options = _route_layers(trace, p)
    count = math.prod(len(r) for r in options)
    if count > limit:
        raise ValueError(
            f"param {p}: {count} paths to the cost, more than limit={limit}"
        )
    ex, nm = _setup(trace, example, multi, relative)
    return tuple(_path_chain(trace, nm, p, route, ex) for route in itertools.product(*options))


@dataclass(frozen=True)
class SummedPaths:
    """How a_k^(l-1) reaches the cost: one path through each neuron j of layer l."""

    l: int
    k: int
    paths: tuple[Chain, ...]   # paths[j] = w_jk^(l) · σ'(z_j^(l)) · ∂C/∂a_j^(l)
    total: float               # Σ_j paths[j].product = ∂C_i/∂a_k^(l-1)


def summed_paths(trace: Trace, l: int, k: int, example: int = 0, *,
                 multi: bool | None = None, relative: bool = True) -> SummedPaths:
    """∂C_i/∂a_k^(l-1) = Σ_j w_jk^(l) σ'(z_j^(l)) ∂C_i/∂a_j^(l), path by path."""
    n_l = trace.network.W(l).shape[0]
    paths = tuple(activation_chain(trace, l, j, k, example, multi=multi, relative=relative)
                  for j in range(n_l))
    return SummedPaths(l, k, paths, math.fsum(c.product for c in paths))


# --- nudges -------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class LayerNudge:
    """Change in one layer l caused by a nudge: actual (re-run) and predicted
    (first order, ∂/∂p × Δ propagated forwards)."""

    l: int
    z_before: np.ndarray
    z_after: np.ndarray
    dz_actual: np.ndarray
    dz_predicted: np.ndarray
    a_before: np.ndarray
    a_after: np.ndarray
    da_actual: np.ndarray
    da_predicted: np.ndarray


@dataclass(frozen=True, eq=False)
class Nudge:
    """A parameter changed by Δ on one example, and everything downstream."""

    param: Param
    delta: float
    value_before: float
    value_after: float
    layers: tuple[LayerNudge, ...]   # from the param's layer (1 for x) to L
    cost_before: float
    cost_after: float
    dC_actual: float
    dC_predicted: float              # ∂C_0/∂p × Δ
    gradient: float = 0.0            # ∂C_0/∂p

    def layer(self, l: int) -> LayerNudge:
        for ln in self.layers:
            if ln.l == l:
                return ln
        have = [ln.l for ln in self.layers]
        raise ValueError(f"l: expected a nudged layer in {have}, got {l!r}")


def nudge(network: Network, x: object, y: object, p: Param, delta: float = 0.01) -> Nudge:
    """Change p by Δ, rerun the forward pass on one example, compare with the
    linear prediction.

    Predicted changes propagate Δ forwards with the same local derivatives:
    dz^(l) = ∂z^(l)/∂p Δ, da = σ'(z) ⊙ dz, dz^(l+1) = W^(l+1) da, and
    dC_predicted = ∂C_0/∂p × Δ from backpropagation.
    """
    network.check_param(p)
    if not math.isfinite(delta):
        raise ValueError(f"delta: expected a finite number, got {delta!r}")
    X, Y = _batches(network, x, y)
    if X.shape[0] != 1:
        raise ValueError(f"x: expected one example for a nudge, got {X.shape[0]}")
    before = run(network, X, Y)
    act = get_activation(network.activation)
    if p.kind == "x":
        v0 = float(X[0, p.j])
        X2 = X.copy()
        X2[0, p.j] = v0 + delta
        after = run(network, X2, Y)
        v1 = float(X2[0, p.j])
        dz = network.W(1)[:, p.j] * (v1 - v0)
        first = 1
    else:
        v0 = network.value(p)
        changed = network.with_value(p, v0 + delta)
        v1 = changed.value(p)
        after = run(changed, X, Y)
        first = p.layer
        dz = np.zeros(network.sizes[first])
        dz[p.j] = (before.a(first - 1)[p.k] if p.kind == "w" else 1.0) * (v1 - v0)
    grad = before.grad(p, 0)
    layers = []
    da = np.zeros(0)
    for l in range(first, network.L + 1):
        if l > first:
            dz = network.W(l) @ da
        da = act.df(before.z(l)) * dz
        z0, z1 = before.z(l), after.z(l)
        a0, a1 = before.a(l), after.a(l)
        layers.append(LayerNudge(
            l, z0, z1, read_only(z1 - z0), read_only(dz.copy()),
            a0, a1, read_only(a1 - a0), read_only(da.copy()),
        ))
    return Nudge(p, float(delta), v0, v1, tuple(layers), before.cost, after.cost,
                 after.cost - before.cost, grad * (v1 - v0), grad)


# --- averaging and the gradient vector ----------------------------------------
@dataclass(frozen=True, eq=False)
class Averaging:
    """∂C/∂p = (1/n) Σ_k ∂C_k/∂p, built up example by example."""

    param: Param
    per_example: np.ndarray   # ∂C_k/∂p, shape (n,)
    running_mean: np.ndarray  # mean of the first 1..n examples
    mean: float               # == run(network, X, Y).grad(p)


def averaging(network: Network, X: object, Y: object, p: Param) -> Averaging:
    tr = run(network, X, Y)
    per = np.array(tr.per_example_grad(p))
    running = np.cumsum(per) / np.arange(1, per.size + 1)
    return Averaging(p, read_only(per), read_only(running), tr.grad(p))


def gradient_vector(trace: Trace) -> tuple[tuple[Param, float], ...]:
    """∇C = (∂C/∂w^(1) entries, ∂C/∂b^(1), ..., ∂C/∂b^(L)) in Network.params() order."""
    return tuple((p, trace.grad(p)) for p in trace.network.params())


def numerical_gradient(network: Network, x: object, y: object, p: Param,
                       h: float = 1e-6) -> float:
    """Central difference (C(p+h) - C(p-h)) / 2h of the mean cost.

    For a weight or bias the divisor is the step actually taken, (p+h) - (p-h)
    in floating point. For an input component x_j, x_j is shifted in every
    example of the batch (giving the batch mean of ∂C_i/∂x_j).
    """
    network.check_param(p)
    if p.kind == "x":
        X, Y = _batches(network, x, y)
        hi, lo = X.copy(), X.copy()
        hi[:, p.j] += h
        lo[:, p.j] -= h
        return (cost_of(network, hi, Y) - cost_of(network, lo, Y)) / (2.0 * h)
    v = network.value(p)
    up, down = v + h, v - h
    return (cost_of(network.with_value(p, up), x, y)
            - cost_of(network.with_value(p, down), x, y)) / (up - down)
