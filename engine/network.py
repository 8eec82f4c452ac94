"""The network's parameters: weight matrices W^(l) and bias vectors b^(l).

Layers are numbered l = 0..L; layer 0 is the input (a^(0) = x) and the
weight layers are l = 1..L. ``W^(l)`` has shape (n_l, n_{l-1}): row j is the
neuron of layer l the weight feeds, column k the neuron of layer l-1 it comes
from, so ``W^(l)[j, k] = w_jk^(l)`` ("to, from"). Neuron indices are
zero-based.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._checks import as_float_array, check_index, read_only, require_finite
from .activations import get_activation
from .notation import symbol_plain, symbol_tex

__all__ = ["Network", "Param"]

_KINDS = ("w", "b", "x")


@dataclass(frozen=True)
class Param:
    """One scalar the cost depends on.

    ``Param("w", l, j, k)`` is w_jk^(l), ``Param("b", l, j)`` is b_j^(l) and
    ``Param("x", 0, j)`` is the input component x_j = a_j^(0).
    """

    kind: str
    layer: int
    j: int
    k: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"Param.kind: expected one of 'w', 'b', 'x', got {self.kind!r}")
        if self.kind == "w" and self.k is None:
            raise ValueError("Param.k: a weight needs k (the neuron in layer l-1), got None")
        if self.kind != "w" and self.k is not None:
            raise ValueError(f"Param.k: only weights have k, got k={self.k} for kind {self.kind!r}")
        if self.kind == "x" and self.layer != 0:
            raise ValueError(f"Param.layer: an input component lives in layer 0, got {self.layer}")
        if self.kind != "x" and self.layer < 1:
            raise ValueError(f"Param.layer: weights and biases live in layers >= 1, got {self.layer}")

    @property
    def indices(self) -> tuple[int, ...]:
        return (self.j,) if self.k is None else (self.j, self.k)

    def tex(self, multi: bool, L: int | None = None) -> str:
        """LaTeX name: ``w^{(3)}``, ``w_{1 0}^{(3)}``, ``b_{1}^{(2)}``, ``x_{4}``.

        With ``L`` the layer is written relative to the last: ``w^{(L-1)}``.
        """
        if self.kind == "x":
            return symbol_tex("x", None, (self.j,), multi=multi)
        return symbol_tex(self.kind, self.layer, self.indices, multi=multi, L=L)

    def plain(self, multi: bool = True, L: int | None = None) -> str:
        """Plain-text name, e.g. ``w_1,0^(3)`` or ``b^(L)``."""
        if self.kind == "x":
            return symbol_plain("x", None, (self.j,), multi=multi)
        return symbol_plain(self.kind, self.layer, self.indices, multi=multi, L=L)

    def __str__(self) -> str:
        return self.plain()


def _is_scalar(v: object) -> bool:
    return isinstance(v, numbers.Real) or (isinstance(v, np.ndarray) and v.ndim == 0)


@dataclass(frozen=True, eq=False)
class Network:
    """A fully connected feed-forward network, immutable.

    ``weights[l-1]`` is W^(l) with shape (n_l, n_{l-1}); ``biases[l-1]`` is
    b^(l) with shape (n_l,). Arrays are copied to read-only float64 on
    construction. Equality compares every number exactly.
    """

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    activation: str = "sigmoid"

    def __post_init__(self) -> None:
        get_activation(self.activation)
        try:
            weights = list(self.weights)
            biases = list(self.biases)
        except TypeError:
            raise ValueError("weights/biases: expected sequences of arrays") from None
        if len(weights) < 1:
            raise ValueError(
                "weights: expected at least one weight layer (sizes n_0..n_L need at "
                "least two layers), got 0"
            )
        if len(biases) != len(weights):
            raise ValueError(
                f"biases: expected {len(weights)} bias vectors (one per weight layer), "
                f"got {len(biases)}"
            )
        ws: list[np.ndarray] = []
        bs: list[np.ndarray] = []
        n_prev: int | None = None
        for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
            l = i + 1
            wf = f"weights[{i}] (W^({l}))"
            bf = f"biases[{i}] (b^({l}))"
            W = as_float_array(w, wf)
            if W.ndim != 2:
                raise ValueError(f"{wf}: expected a 2-D array (n_{l}, n_{l - 1}), got shape {W.shape}")
            if n_prev is None:
                n_prev = W.shape[1]
                if n_prev == 0:
                    raise ValueError(f"{wf}: layer 0 has size 0; expected at least one input")
            if W.shape[0] == 0:
                raise ValueError(f"{wf}: layer {l} has size 0; expected at least one neuron")
            if W.shape[1] != n_prev:
                raise ValueError(
                    f"{wf}: expected shape ({W.shape[0]}, {n_prev}), got {W.shape}"
                )
            require_finite(W, wf)
            B = as_float_array(b, bf)
            if B.shape != (W.shape[0],):
                raise ValueError(f"{bf}: expected shape ({W.shape[0]},), got {B.shape}")
            require_finite(B, bf)
            ws.append(read_only(W))
            bs.append(read_only(B))
            n_prev = W.shape[0]
        object.__setattr__(self, "weights", tuple(ws))
        object.__setattr__(self, "biases", tuple(bs))

    # --- shape -------------------------------------------------------------
    @property
    def sizes(self) -> tuple[int, ...]:
        """(n_0, n_1, ..., n_L)."""
        return (self.weights[0].shape[1], *(W.shape[0] for W in self.weights))

    @property
    def L(self) -> int:
        """Number of weight layers (index of the output layer)."""
        return len(self.weights)

    @property
    def is_chain(self) -> bool:
        """True when every layer has exactly one neuron."""
        return all(n == 1 for n in self.sizes)

    def _check_layer(self, l: int) -> int:
        if isinstance(l, bool) or not isinstance(l, (int, np.integer)) or not 1 <= l <= self.L:
            raise ValueError(f"l: expected a weight layer in 1..{self.L} (L={self.L}), got {l!r}")
        return int(l)

    def W(self, l: int) -> np.ndarray:
        """W^(l), 1-based: l in 1..L."""
        return self.weights[self._check_layer(l) - 1]

    def b(self, l: int) -> np.ndarray:
        """b^(l), 1-based: l in 1..L."""
        return self.biases[self._check_layer(l) - 1]

    # --- individual parameters ----------------------------------------------
    def check_param(self, p: Param) -> Param:
        """Raise ValueError unless ``p`` addresses a scalar of this network (or its input)."""
        if not isinstance(p, Param):
            raise ValueError(f"param: expected a Param, got {p!r}")
        sizes = self.sizes
        if p.kind == "x":
            check_index(p.j, sizes[0], f"param {p}: j", "an input index")
            return p
        if not 1 <= p.layer <= self.L:
            raise ValueError(f"param {p}: layer expected in 1..{self.L}, got {p.layer}")
        check_index(p.j, sizes[p.layer], f"param {p}: j", f"a neuron of layer {p.layer}")
        if p.kind == "w":
            assert p.k is not None
            check_index(p.k, sizes[p.layer - 1], f"param {p}: k",
                        f"a neuron of layer {p.layer - 1}")
        return p

    def value(self, p: Param) -> float:
        """Current value of a weight or bias."""
        self.check_param(p)
        if p.kind == "x":
            raise ValueError(f"param {p}: an input component is not stored in the network")
        if p.kind == "w":
            return float(self.weights[p.layer - 1][p.j, p.k])
        return float(self.biases[p.layer - 1][p.j])

    def with_value(self, p: Param, value: float) -> Network:
        """A new network equal to this one except that ``p`` is set to ``value``."""
        self.value(p)  # validates p
        weights = list(self.weights)
        biases = list(self.biases)
        if p.kind == "w":
            W = weights[p.layer - 1].copy()
            W[p.j, p.k] = value
            weights[p.layer - 1] = W
        else:
            B = biases[p.layer - 1].copy()
            B[p.j] = value
            biases[p.layer - 1] = B
        return Network(tuple(weights), tuple(biases), self.activation)

    def params(self) -> list[Param]:
        """Every weight and bias in lesson order: w^(1) entries (row-major), b^(1), ..., b^(L)."""
        out: list[Param] = []
        for l, W in enumerate(self.weights, start=1):
            n_l, n_prev = W.shape
            out.extend(Param("w", l, j, k) for j in range(n_l) for k in range(n_prev))
            out.extend(Param("b", l, j) for j in range(n_l))
        return out

    def flat(self) -> np.ndarray:
        """All parameters as one vector, in :meth:`params` order."""
        parts: list[np.ndarray] = []
        for W, B in zip(self.weights, self.biases, strict=True):
            parts += [W.ravel(), B]
        return np.concatenate(parts)

    @property
    def n_params(self) -> int:
        return sum(W.size + B.size for W, B in zip(self.weights, self.biases, strict=True))

    # --- construction --------------------------------------------------------
    @classmethod
    def random(cls, sizes: Sequence[int], seed: int, activation: str = "sigmoid") -> Network:
        """Scaled-normal initialisation from ``numpy.random.default_rng(seed)``.

        w_jk^(l) ~ N(0, 1/n_{l-1}) and b_j^(l) ~ N(0, 1), drawn layer by layer
        (W^(l) then b^(l)).
        """
        sizes = tuple(sizes)
        if len(sizes) < 2:
            raise ValueError(
                f"sizes: expected at least two layers (n_0, ..., n_L), got {sizes}"
            )
        for i, n in enumerate(sizes):
            if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
                raise ValueError(f"sizes[{i}]: expected a positive layer size, got {n!r}")
        get_activation(activation)
        rng = np.random.default_rng(seed)
        weights, biases = [], []
        for n_prev, n in zip(sizes[:-1], sizes[1:], strict=True):
            weights.append(rng.standard_normal((n, n_prev)) / np.sqrt(n_prev))
            biases.append(rng.standard_normal(n))
        return cls(tuple(weights), tuple(biases), activation)

    @classmethod
    def from_lists(cls, weights: Sequence, biases: Sequence, activation: str = "sigmoid") -> Network:
        """Build from nested lists ``[[...], ...]`` per layer.

        For one-neuron layers a plain number is accepted in place of the
        matrix/vector, so a chain is ``from_lists([w1, w2, w3], [b1, b2, b3])``.
        """
        ws = [[[float(w)]] if _is_scalar(w) else w for w in weights]
        bs = [[float(b)] if _is_scalar(b) else b for b in biases]
        return cls(tuple(ws), tuple(bs), activation)

    # --- dunder ---------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Network):
            return NotImplemented
        return (
            self.activation == other.activation
            and self.sizes == other.sizes
            and all(np.array_equal(a, b) for a, b in zip(self.weights, other.weights, strict=True))
            and all(np.array_equal(a, b) for a, b in zip(self.biases, other.biases, strict=True))
        )

    def __hash__(self) -> int:
        return hash((self.activation, self.sizes, self.flat().tobytes()))

    def __repr__(self) -> str:
        return f"Network(sizes={self.sizes}, activation={self.activation!r})"
