"""An independent backpropagation, written out from the lesson's formulas.

Plain Python floats and loops, no numpy arithmetic and nothing from engine/:
the engine's tests compare the engine with these numbers, so a defect in the
engine cannot hide by also being in the expected values.

    z_j^(l) = Σ_k w_jk^(l) a_k^(l-1) + b_j^(l)        a_j^(l) = σ(z_j^(l))
    C_i = Σ_j (a_j^(L) - y_j)^2                        C = (1/n) Σ_i C_i
    ∂C_i/∂a_j^(L) = 2 (a_j^(L) - y_j)
    ∂C_i/∂z_j^(l) = σ'(z_j^(l)) ∂C_i/∂a_j^(l)
    ∂C_i/∂w_jk^(l) = a_k^(l-1) ∂C_i/∂z_j^(l)          ∂C_i/∂b_j^(l) = ∂C_i/∂z_j^(l)
    ∂C_i/∂a_k^(l-1) = Σ_j w_jk^(l) ∂C_i/∂z_j^(l)       (summed paths)
    ∂C/∂p = (1/n) Σ_i ∂C_i/∂p                          (averaging)

Parameters are keyed ("w", l, j, k), ("b", l, j) and ("x", 0, j).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Matrix = list[list[float]]
Key = tuple


def total(xs: Sequence[float]) -> float:
    """x_0 + x_1 + ... from the first term, so a sum of one -0.0 stays -0.0 as in numpy
    (Python's sum() starts from +0)."""
    return sum(xs[1:], xs[0])


def sigma(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def sigma_prime(z: float) -> float:
    s = sigma(z)
    return s * (1.0 - s)


def tanh_prime(z: float) -> float:
    return 1.0 - math.tanh(z) ** 2


ACT = {
    "sigmoid": (sigma, sigma_prime),
    "tanh": (math.tanh, tanh_prime),
    "relu": (lambda z: z if z > 0 else 0.0, lambda z: 1.0 if z > 0 else 0.0),
}


@dataclass
class Net:
    """Weights W[l-1][j][k] = w_jk^(l) and biases B[l-1][j] = b_j^(l) as nested lists."""

    W: list[Matrix]
    B: list[list[float]]
    act: str = "sigmoid"

    @classmethod
    def of(cls, network) -> Net:
        """Copy an engine Network's numbers (only the numbers) into lists."""
        return cls([[[float(v) for v in row] for row in W] for W in network.weights],
                   [[float(v) for v in b] for b in network.biases], network.activation)

    @property
    def L(self) -> int:
        return len(self.W)

    def keys(self) -> list[Key]:
        out: list[Key] = []
        for l in range(1, self.L + 1):
            out += [("w", l, j, k) for j in range(len(self.W[l - 1])) for k in range(len(self.W[l - 1][0]))]
            out += [("b", l, j) for j in range(len(self.B[l - 1]))]
        return out

    def get(self, key: Key) -> float:
        return self.W[key[1] - 1][key[2]][key[3]] if key[0] == "w" else self.B[key[1] - 1][key[2]]

    def with_value(self, key: Key, v: float) -> Net:
        W = [[list(r) for r in M] for M in self.W]
        B = [list(b) for b in self.B]
        if key[0] == "w":
            W[key[1] - 1][key[2]][key[3]] = v
        else:
            B[key[1] - 1][key[2]] = v
        return Net(W, B, self.act)


@dataclass
class Example:
    """Every value of one example's forward and backward pass; lists indexed by layer l (0..L)."""

    z: list[list[float]]       # z[l], z[0] unused
    a: list[list[float]]       # a[0] = x
    dC_da: list[list[float]]   # dC_da[0] = ∂C/∂x
    dC_dz: list[list[float]]
    cost: float
    grad: dict[Key, float]


def forward(net: Net, x: Sequence[float]) -> tuple[list[list[float]], list[list[float]]]:
    f = ACT[net.act][0]
    zs: list[list[float]] = [[]]
    acts: list[list[float]] = [[float(v) for v in x]]
    for W, b in zip(net.W, net.B, strict=True):
        z = [sum(W[j][k] * acts[-1][k] for k in range(len(acts[-1]))) + b[j] for j in range(len(W))]
        zs.append(z)
        acts.append([f(v) for v in z])
    return zs, acts


def example(net: Net, x: Sequence[float], y: Sequence[float]) -> Example:
    df = ACT[net.act][1]
    zs, acts = forward(net, x)
    L = net.L
    dC_da: list[list[float]] = [[] for _ in range(L + 1)]
    dC_dz: list[list[float]] = [[] for _ in range(L + 1)]
    dC_da[L] = [2.0 * (acts[L][j] - y[j]) for j in range(len(y))]
    grad: dict[Key, float] = {}
    for l in range(L, 0, -1):
        W = net.W[l - 1]
        dC_dz[l] = [df(zs[l][j]) * dC_da[l][j] for j in range(len(W))]
        for j in range(len(W)):
            for k in range(len(W[0])):
                grad[("w", l, j, k)] = acts[l - 1][k] * dC_dz[l][j]
            grad[("b", l, j)] = dC_dz[l][j]
        dC_da[l - 1] = [sum(W[j][k] * dC_dz[l][j] for j in range(len(W))) for k in range(len(W[0]))]
    for j in range(len(x)):
        grad[("x", 0, j)] = dC_da[0][j]
    cost = sum((acts[L][j] - y[j]) ** 2 for j in range(len(y)))
    return Example(zs, acts, dC_da, dC_dz, cost, grad)


@dataclass
class Batch:
    examples: list[Example]
    cost: float                  # mean of the examples' costs
    grad: dict[Key, float]       # mean of the examples' gradients


def batch(net: Net, X: Sequence[Sequence[float]], Y: Sequence[Sequence[float]]) -> Batch:
    exs = [example(net, x, y) for x, y in zip(X, Y, strict=True)]
    n = len(exs)
    keys = exs[0].grad.keys()
    return Batch(exs, total([e.cost for e in exs]) / n, {p: total([e.grad[p] for e in exs]) / n for p in keys})


def cost(net: Net, X: Sequence[Sequence[float]], Y: Sequence[Sequence[float]]) -> float:
    """C = (1/n) Σ_i Σ_j (a_j^(L) - y_j)^2, forward only."""
    total = 0.0
    for x, y in zip(X, Y, strict=True):
        a = forward(net, x)[1][-1]
        total += sum((a[j] - y[j]) ** 2 for j in range(len(y)))
    return total / len(X)


def central_difference(net: Net, X, Y, key: Key, h: float = 1e-6) -> float:
    """(C(p + h) - C(p - h)) / 2h."""
    if key[0] == "x":
        up = [[v + h if k == key[2] else v for k, v in enumerate(x)] for x in X]
        down = [[v - h if k == key[2] else v for k, v in enumerate(x)] for x in X]
        return (cost(net, up, Y) - cost(net, down, Y)) / (2 * h)
    v = net.get(key)
    return (cost(net.with_value(key, v + h), X, Y) - cost(net.with_value(key, v - h), X, Y)) / (2 * h)


def descent_step(net: Net, X, Y, eta: float) -> Net:
    """Every parameter p becomes p - η ∂C/∂p, with ∂C/∂p the batch mean."""
    g = batch(net, X, Y).grad
    W = [[[net.W[l][j][k] - eta * g[("w", l + 1, j, k)] for k in range(len(net.W[l][0]))]
          for j in range(len(net.W[l]))] for l in range(net.L)]
    B = [[net.B[l][j] - eta * g[("b", l + 1, j)] for j in range(len(net.B[l]))] for l in range(net.L)]
    return Net(W, B, net.act)
