"""Activation functions σ and their local derivatives σ'(z).

Each entry keeps the forward function ``f`` and its derivative ``df`` side by
side, both written as functions of the weighted sum ``z`` (so the chain rule
factor ∂a/∂z = σ'(z) is read straight from ``df(z)``).

The registry :data:`ACTIVATIONS` is open: adding an activation is one entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["ACTIVATIONS", "Activation", "get_activation"]


@dataclass(frozen=True)
class Activation:
    """A named activation a = f(z) with derivative da/dz = df(z)."""

    name: str
    tex: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray], np.ndarray]
    plain: str = ""  # plain-text symbol for manifests, e.g. "σ"

    @property
    def symbol(self) -> str:
        """Plain-text symbol (falls back to the name)."""
        return self.plain or self.name


# --- sigmoid: σ(z) = 1 / (1 + e^(-z)),  σ'(z) = σ(z) (1 - σ(z)) -------------
def _sigmoid(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))  # never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_prime(z: np.ndarray) -> np.ndarray:
    s = _sigmoid(z)
    return s * (1.0 - s)


# --- tanh: tanh(z),  tanh'(z) = 1 - tanh(z)^2 --------------------------------
def _tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(np.asarray(z, dtype=np.float64))


def _tanh_prime(z: np.ndarray) -> np.ndarray:
    t = _tanh(z)
    return 1.0 - t * t


# --- ReLU: max(0, z),  ReLU'(z) = 1 if z > 0 else 0 ---------------------------
# ReLU has no derivative at z = 0; by convention we use ReLU'(0) = 0.
def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(np.asarray(z, dtype=np.float64), 0.0)


def _relu_prime(z: np.ndarray) -> np.ndarray:
    return (np.asarray(z, dtype=np.float64) > 0.0).astype(np.float64)


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", r"\sigma", _sigmoid, _sigmoid_prime, "σ"),
    "tanh": Activation("tanh", r"\tanh", _tanh, _tanh_prime, "tanh"),
    "relu": Activation("relu", r"\mathrm{ReLU}", _relu, _relu_prime, "ReLU"),
}


def get_activation(name: str) -> Activation:
    """Look up an activation by name; ValueError lists the known names."""
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        known = ", ".join(repr(k) for k in sorted(ACTIVATIONS))
        raise ValueError(
            f"activation: unknown name {name!r}; expected one of {known}"
        ) from None
