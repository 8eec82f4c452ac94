"""Batch gradient of the 64-16-16-10 digit network over all 1,797 digits:
one vectorised engine.run against a Python loop of one-example runs.

    python benchmarks/bench_engine.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import digit_network, load_digits, one_hot, run  # noqa: E402


def vectorised(net, X, Y) -> list[np.ndarray]:
    tr = run(net, X, Y)
    return [lt.mean_dC_dw for lt in tr.layers] + [lt.mean_dC_db for lt in tr.layers]


def looped(net, X, Y) -> list[np.ndarray]:
    total: list[np.ndarray] | None = None
    for x, y in zip(X, Y, strict=True):
        tr = run(net, x, y)
        g = [lt.mean_dC_dw for lt in tr.layers] + [lt.mean_dC_db for lt in tr.layers]
        total = g if total is None else [t + gi for t, gi in zip(total, g, strict=True)]
    assert total is not None
    return [t / len(X) for t in total]


def best_of(fn, *args, repeat: int) -> tuple[float, list[np.ndarray]]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn(*args)
        times.append(time.perf_counter() - t0)
    assert out is not None
    return min(times), out


def main() -> None:
    X, labels = load_digits()
    Y = one_hot(labels)
    net = digit_network()
    t_vec, g_vec = best_of(vectorised, net, X, Y, repeat=5)
    t_loop, g_loop = best_of(looped, net, X, Y, repeat=1)
    worst = max(float(np.max(np.abs(a - b))) for a, b in zip(g_vec, g_loop, strict=True))
    print(f"gradient of {'-'.join(map(str, net.sizes))} over {len(X)} examples "
          f"({net.n_params} parameters)")
    print(f"vectorised run (best of 5): {t_vec * 1e3:8.2f} ms")
    print(f"per-example loop:           {t_loop * 1e3:8.2f} ms")
    print(f"speed-up: {t_loop / t_vec:.1f}x   (max |difference| between the two: {worst:.1e})")


if __name__ == "__main__":
    main()
