"""Forward and backward pass over a batch, recording every intermediate value.

Forward, for l = 1..L (rows of every array are examples):

    z^(l) = a^(l-1) W^(l)ᵀ + b^(l)          a^(l) = σ(z^(l))

Cost of example i: C_i = Σ_j (a_j^(L) - y_j)^2 (no ½); the cost C is the
mean of the C_i.

Backward (chain rule, from the cost towards the parameters):

    ∂C_i/∂a^(L)   = 2 (a^(L) - y)
    δ^(l)         = ∂C_i/∂z^(l) = ∂C_i/∂a^(l) ⊙ σ'(z^(l))
    ∂C_i/∂w_jk^(l) = a_k^(l-1) δ_j^(l)           (∂z_j/∂w_jk = a_k^(l-1))
    ∂C_i/∂b_j^(l)  = δ_j^(l)                     (∂z_j/∂b_j = 1)
    ∂C_i/∂a_k^(l-1) = Σ_j w_jk^(l) δ_j^(l)       (∂z_j/∂a_k = w_jk, summed paths)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import as_float_array, check_index, read_only, require_finite
from .activations import get_activation
from .network import Network, Param

__all__ = ["LayerTrace", "Trace", "as_batch", "cost_of", "feedforward", "run"]


@dataclass(frozen=True, eq=False)
class LayerTrace:
    """Recorded values of one weight layer l (1..L); rows are examples."""

    z: np.ndarray           # (n_ex, n_l)  weighted sums z^(l)
    a: np.ndarray           # (n_ex, n_l)  activations a^(l) = σ(z^(l))
    dC_da: np.ndarray       # (n_ex, n_l)  ∂C_i/∂a^(l)
    dC_dz: np.ndarray       # (n_ex, n_l)  δ^(l) = ∂C_i/∂z^(l)
    dC_dw: np.ndarray       # (n_ex, n_l, n_{l-1})  ∂C_i/∂w_jk^(l)
    dC_db: np.ndarray       # (n_ex, n_l)  ∂C_i/∂b_j^(l)
    mean_dC_dw: np.ndarray  # (n_l, n_{l-1})  ∂C/∂W^(l), mean over the batch
    mean_dC_db: np.ndarray  # (n_l,)          ∂C/∂b^(l), mean over the batch


@dataclass(frozen=True, eq=False)
class Trace:
    """Everything computed for one network on one batch (x, y)."""

    network: Network
    x: np.ndarray                    # (n_ex, n_0)  a^(0)
    y: np.ndarray                    # (n_ex, n_L)  desired outputs
    layers: tuple[LayerTrace, ...]   # layers[l-1] is layer l
    costs: np.ndarray                # (n_ex,)  C_i
    cost: float                      # C = mean of C_i
    dC_dx: np.ndarray                # (n_ex, n_0)  ∂C_i/∂x (= ∂C_i/∂a^(0))

    @property
    def n_examples(self) -> int:
        return self.x.shape[0]

    @property
    def L(self) -> int:
        return self.network.L

    def _example(self, example: int) -> int:
        return check_index(example, self.n_examples, "example", "an example index")

    def layer(self, l: int) -> LayerTrace:
        """Layer l, 1-based (l in 1..L)."""
        return self.layers[self.network._check_layer(l) - 1]

    def a(self, l: int, example: int = 0) -> np.ndarray:
        """a^(l) of one example; a(0) is the input x."""
        i = self._example(example)
        if l == 0:
            return self.x[i]
        return self.layer(l).a[i]

    def z(self, l: int, example: int = 0) -> np.ndarray:
        """z^(l) of one example, l in 1..L."""
        return self.layer(l).z[self._example(example)]

    def dC_da(self, l: int, example: int = 0) -> np.ndarray:
        """∂C_i/∂a^(l) of one example; l = 0 gives ∂C_i/∂x."""
        i = self._example(example)
        if l == 0:
            return self.dC_dx[i]
        return self.layer(l).dC_da[i]

    def per_example_grad(self, p: Param) -> np.ndarray:
        """∂C_i/∂p for every example i, shape (n_ex,)."""
        self.network.check_param(p)
        if p.kind == "x":
            return self.dC_dx[:, p.j]
        lt = self.layers[p.layer - 1]
        if p.kind == "w":
            return lt.dC_dw[:, p.j, p.k]
        return lt.dC_db[:, p.j]

    def grad(self, p: Param, example: int | None = None) -> float:
        """∂C_i/∂p for one example, or ∂C/∂p (batch mean) when example is None."""
        self.network.check_param(p)
        if example is not None:
            return float(self.per_example_grad(p)[self._example(example)])
        if p.kind == "x":
            return float(self.dC_dx[:, p.j].mean())
        lt = self.layers[p.layer - 1]
        if p.kind == "w":
            return float(lt.mean_dC_dw[p.j, p.k])
        return float(lt.mean_dC_db[p.j])


def as_batch(v: object, field: str, n: int) -> np.ndarray:
    """Turn (n,) or (n_ex, n) data into a read-only float64 (n_ex, n) batch."""
    arr = as_float_array(v, field)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != n:
        raise ValueError(f"{field}: expected shape ({n},) or (n_examples, {n}), got {np.shape(v)}")
    if arr.shape[0] == 0:
        raise ValueError(f"{field}: expected at least one example, got shape {arr.shape}")
    require_finite(arr, field)
    return read_only(arr)


def _batches(network: Network, x: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    sizes = network.sizes
    X = as_batch(x, "x", sizes[0])
    Y = as_batch(y, "y", sizes[-1])
    if X.shape[0] != Y.shape[0]:
        raise ValueError(
            f"y: expected {X.shape[0]} examples to match x, got {Y.shape[0]}"
        )
    return X, Y


def _forward(network: Network, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """z^(l) and a^(l) for l = 1..L (lists indexed l-1)."""
    act = get_activation(network.activation)
    zs, as_ = [], []
    a = X
    for W, b in zip(network.weights, network.biases, strict=True):
        z = a @ W.T + b
        a = act.f(z)
        zs.append(z)
        as_.append(a)
    return zs, as_


def _backward(network: Network, X: np.ndarray, Y: np.ndarray, zs: list[np.ndarray],
              as_: list[np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    """∂C_i/∂a^(l), δ^(l) for l = 1..L (lists indexed l-1) and ∂C_i/∂x."""
    act = get_activation(network.activation)
    L = network.L
    dC_da: list[np.ndarray] = [np.empty(0)] * L
    delta: list[np.ndarray] = [np.empty(0)] * L
    g = 2.0 * (as_[-1] - Y)                    # ∂C_i/∂a^(L) = 2(a^(L) - y)
    for l in range(L, 0, -1):
        dC_da[l - 1] = g
        delta[l - 1] = act.df(zs[l - 1]) * g   # δ^(l) = σ'(z^(l)) ⊙ ∂C_i/∂a^(l)
        g = delta[l - 1] @ network.weights[l - 1]  # ∂C_i/∂a_k^(l-1) = Σ_j w_jk δ_j
    return dC_da, delta, g


def run(network: Network, x: object, y: object) -> Trace:
    """Forward and backward pass over a batch; 1-D x, y become a one-example batch."""
    X, Y = _batches(network, x, y)
    zs, as_ = _forward(network, X)
    dC_da, delta, dC_dx = _backward(network, X, Y, zs, as_)
    n = X.shape[0]
    layers = []
    for l in range(1, network.L + 1):
        a_prev = X if l == 1 else as_[l - 2]
        d = delta[l - 1]
        dC_dw = d[:, :, None] * a_prev[:, None, :]    # a_k^(l-1) δ_j^(l) per example
        layers.append(LayerTrace(
            z=read_only(zs[l - 1]),
            a=read_only(as_[l - 1]),
            dC_da=read_only(dC_da[l - 1]),
            dC_dz=read_only(d),
            dC_dw=read_only(dC_dw),
            dC_db=read_only(d.copy()),
            mean_dC_dw=read_only(d.T @ a_prev / n),
            mean_dC_db=read_only(d.mean(axis=0)),
        ))
    costs = np.sum((as_[-1] - Y) ** 2, axis=1)
    return Trace(network, X, Y, tuple(layers), read_only(costs), float(costs.mean()),
                 read_only(dC_dx))


def feedforward(network: Network, x: object) -> np.ndarray:
    """Output activations a^(L) for (n_0,) or (n_ex, n_0) input (shape follows x)."""
    X = as_batch(x, "x", network.sizes[0])
    out = _forward(network, X)[1][-1]
    return out[0] if np.ndim(x) == 1 else out


def cost_of(network: Network, x: object, y: object) -> float:
    """Mean cost C = (1/n) Σ_i Σ_j (a_j^(L) - y_j)^2, forward pass only."""
    X, Y = _batches(network, x, y)
    a_L = _forward(network, X)[1][-1]
    return float(np.sum((a_L - Y) ** 2, axis=1).mean())


def batch_gradient(network: Network, x: object, y: object
                   ) -> tuple[float, list[np.ndarray], list[np.ndarray]]:
    """(C, [∂C/∂W^(l)], [∂C/∂b^(l)]) without per-example tensors (for training)."""
    X, Y = _batches(network, x, y)
    zs, as_ = _forward(network, X)
    _, delta, _ = _backward(network, X, Y, zs, as_)
    n = X.shape[0]
    gw = [delta[l].T @ (X if l == 0 else as_[l - 1]) / n for l in range(network.L)]
    gb = [d.mean(axis=0) for d in delta]
    cost = float(np.sum((as_[-1] - Y) ** 2, axis=1).mean())
    return cost, gw, gb
