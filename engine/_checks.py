"""Small validation helpers: every error names the field and what was expected."""

from __future__ import annotations

import numpy as np


def as_float_array(value: object, field: str) -> np.ndarray:
    """Copy ``value`` into a new float64 array or raise ValueError naming ``field``."""
    try:
        arr = np.array(value, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{field}: expected an array of numbers, got {value!r}") from exc
    return arr


def require_finite(arr: np.ndarray, field: str) -> None:
    """Raise ValueError if ``arr`` holds NaN or ±inf, pointing at the first one."""
    bad = ~np.isfinite(arr)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{field}: expected finite numbers, got {arr[where]} at index {list(where)}"
        )


def read_only(arr: np.ndarray) -> np.ndarray:
    arr.setflags(write=False)
    return arr


def check_index(value: int, n: int, field: str, what: str) -> int:
    """Check 0 <= value < n for an integer index."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{field}: expected an integer {what} in 0..{n - 1}, got {value!r}")
    if not 0 <= value < n:
        raise ValueError(f"{field}: expected {what} in 0..{n - 1}, got {value}")
    return int(value)
