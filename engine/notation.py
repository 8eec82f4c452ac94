"""Names of the lesson's symbols, in LaTeX and in plain text.

Superscripts in parentheses are layer indices, not exponents. With ``L``
given, layers are written relative to the last one: ``(L)``, ``(L-1)``, ...
With ``multi`` the neuron indices are written as subscripts (zero-based,
"to, from" order for weights: ``w_{j,k}``, the comma keeping ``w_{1,0}``
apart from ``w_{10}`` in layers of ten or more neurons).
"""

from __future__ import annotations

__all__ = ["layer_name", "symbol_plain", "symbol_tex"]


def layer_name(l: int, L: int | None = None) -> str:
    """``"3"``, or ``"L"`` / ``"L-1"`` / ... when the last layer L is given."""
    if L is None:
        return str(l)
    d = L - l
    if d == 0:
        return "L"
    return f"L-{d}" if d > 0 else f"L+{-d}"


def symbol_tex(letter: str, l: int | None, indices: tuple[int, ...] = (),
               *, multi: bool, L: int | None = None) -> str:
    """E.g. ``w_{1,0}^{(3)}``, ``a^{(L-1)}``; ``l=None`` gives no superscript."""
    sub = "_{" + ",".join(str(i) for i in indices) + "}" if multi and indices else ""
    sup = "" if l is None else "^{(" + layer_name(l, L) + ")}"
    return f"{letter}{sub}{sup}"


def symbol_plain(letter: str, l: int | None, indices: tuple[int, ...] = (),
                 *, multi: bool, L: int | None = None) -> str:
    """E.g. ``w_1,0^(3)``, ``a^(L-1)`` for manifests and messages."""
    sub = "_" + ",".join(str(i) for i in indices) if multi and indices else ""
    sup = "" if l is None else "^(" + layer_name(l, L) + ")"
    return f"{letter}{sub}{sup}"
