"""Saving and loading networks (npz) and traces (JSON).

``save_network`` writes the npz archive itself with fixed zip timestamps, so
the same network always gives the same bytes (numpy's ``savez`` stamps the
current time). Files hold ``W1, b1, ..., WL, bL`` (1-based, as in the maths)
and ``activation``; ``numpy.load`` reads them.

JSON floats are written with Python's shortest round-tripping repr, so a
loaded trace equals the saved one number for number.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from ._checks import as_float_array, read_only
from .network import Network
from .trace import LayerTrace, Trace

__all__ = ["load_network", "load_trace", "save_network", "save_trace", "trace_from_json",
           "trace_to_json"]

TRACE_FORMAT = "backprop-engine-trace/1"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def save_network(net: Network, path: str | Path) -> None:
    """Write ``net`` as a deterministic, compressed npz file."""
    arrays: dict[str, np.ndarray] = {"activation": np.array(net.activation)}
    for l in range(1, net.L + 1):
        arrays[f"W{l}"] = np.ascontiguousarray(net.W(l))
        arrays[f"b{l}"] = np.ascontiguousarray(net.b(l))
    with zipfile.ZipFile(Path(path), "w") as zf:
        for name, arr in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, arr, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue())


def load_network(path: str | Path) -> Network:
    """Read a network written by :func:`save_network`."""
    with np.load(Path(path), allow_pickle=False) as data:
        names = set(data.files)
        if "activation" not in names or "W1" not in names:
            raise ValueError(f"{path}: expected arrays 'activation', 'W1', 'b1', ...; got {sorted(names)}")
        L = sum(1 for n in names if n.startswith("W"))
        weights = tuple(data[f"W{l}"] for l in range(1, L + 1))
        try:
            biases = tuple(data[f"b{l}"] for l in range(1, L + 1))
        except KeyError as exc:
            raise ValueError(f"{path}: expected a bias array for every weight array ({exc})") from None
        return Network(weights, biases, str(data["activation"]))


def _network_json(net: Network) -> dict[str, Any]:
    return {
        "activation": net.activation,
        "sizes": list(net.sizes),
        "weights": [W.tolist() for W in net.weights],
        "biases": [b.tolist() for b in net.biases],
    }


_LAYER_FIELDS = ("z", "a", "dC_da", "dC_dz", "dC_dw", "dC_db", "mean_dC_dw", "mean_dC_db")


def trace_to_json(trace: Trace) -> dict[str, Any]:
    """Every recorded number of a trace as plain JSON-ready lists."""
    return {
        "format": TRACE_FORMAT,
        "network": _network_json(trace.network),
        "x": trace.x.tolist(),
        "y": trace.y.tolist(),
        "costs": trace.costs.tolist(),
        "cost": trace.cost,
        "dC_dx": trace.dC_dx.tolist(),
        "layers": [
            {"l": l, **{f: getattr(lt, f).tolist() for f in _LAYER_FIELDS}}
            for l, lt in enumerate(trace.layers, start=1)
        ],
    }


def _arr(d: dict[str, Any], key: str, where: str) -> np.ndarray:
    if key not in d:
        raise ValueError(f"{where}.{key}: missing")
    return read_only(as_float_array(d[key], f"{where}.{key}"))


def trace_from_json(d: dict[str, Any]) -> Trace:
    """Rebuild a :class:`Trace` from :func:`trace_to_json` output (values as stored)."""
    if d.get("format") != TRACE_FORMAT:
        raise ValueError(f"format: expected {TRACE_FORMAT!r}, got {d.get('format')!r}")
    nd = d["network"]
    net = Network(tuple(nd["weights"]), tuple(nd["biases"]), nd["activation"])
    layers = []
    if len(d["layers"]) != net.L:
        raise ValueError(f"layers: expected {net.L} entries, got {len(d['layers'])}")
    for i, ld in enumerate(d["layers"]):
        layers.append(LayerTrace(**{f: _arr(ld, f, f"layers[{i}]") for f in _LAYER_FIELDS}))
    return Trace(net, _arr(d, "x", "trace"), _arr(d, "y", "trace"), tuple(layers),
                 _arr(d, "costs", "trace"), float(d["cost"]), _arr(d, "dC_dx", "trace"))


def save_trace(trace: Trace, path: str | Path) -> None:
    Path(path).write_text(json.dumps(trace_to_json(trace), indent=1) + "\n", encoding="utf-8")


def load_trace(path: str | Path) -> Trace:
    return trace_from_json(json.loads(Path(path).read_text(encoding="utf-8")))
