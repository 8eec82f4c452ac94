"""Backpropagation against central differences, and the gradient identities."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import (
    Network,
    Param,
    all_paths,
    averaging,
    gradient_vector,
    numerical_gradient,
    run,
    summed_paths,
)

H = 1e-6


@st.composite
def problems(draw, activations=("sigmoid", "tanh")):
    sizes = tuple(draw(st.lists(st.integers(1, 5), min_size=2, max_size=5)))
    seed = draw(st.integers(0, 2**32 - 1))
    act = draw(st.sampled_from(activations))
    n_ex = draw(st.integers(1, 3))
    rng = np.random.default_rng(seed)
    net = Network.random(sizes, seed=seed, activation=act)
    x = rng.standard_normal((n_ex, sizes[0]))
    y = rng.random((n_ex, sizes[-1]))
    return net, x, y


def rel_error(g: float, ng: float, cost: float) -> float:
    """|g - ng| relative to the larger magnitude, floored at 1e-2·max(1, C).

    A 1e-6 central difference of a float64 cost C carries a rounding error of
    about eps·C/h ≈ 2e-10·C, so a relative error of 1e-7 is unreachable for a
    gradient much below 1e-2·C. Below the floor this is an absolute bound of
    1e-9·max(1, C), a few times that rounding floor; above it, a true
    relative error.
    """
    return abs(g - ng) / max(abs(g), abs(ng), 1e-2 * max(1.0, cost))


@settings(max_examples=30, deadline=None)
@given(problems())
def test_every_weight_and_bias_matches_central_difference(problem):
    net, x, y = problem
    tr = run(net, x, y)
    for p in net.params():
        ng = numerical_gradient(net, x, y, p, h=H)
        assert rel_error(tr.grad(p), ng, tr.cost) < 1e-7, (p, tr.grad(p), ng)


@settings(max_examples=15, deadline=None)
@given(problems())
def test_input_gradient_matches_central_difference(problem):
    net, x, y = problem
    tr = run(net, x, y)
    for j in range(net.sizes[0]):
        p = Param("x", 0, j)
        assert rel_error(tr.grad(p), numerical_gradient(net, x, y, p), tr.cost) < 1e-7


def test_relu_gradient_away_from_the_kink():
    net = Network.random((3, 4, 2), seed=5, activation="relu")
    x = np.array([[0.3, -0.8, 1.1], [1.0, 0.2, -0.4]])
    y = np.array([[0.5, 0.1], [0.0, 1.0]])
    tr = run(net, x, y)
    assert all(np.abs(lt.z).min() > 1e-3 for lt in tr.layers)  # h cannot cross a kink
    for p in net.params():
        assert rel_error(tr.grad(p), numerical_gradient(net, x, y, p), tr.cost) < 1e-7


@settings(max_examples=30, deadline=None)
@given(problems(("sigmoid", "tanh", "relu")))
def test_path_sums_equal_gradients(problem):
    net, x, y = problem
    tr = run(net, x, y)
    for p in net.params():
        paths = all_paths(tr, p)
        expected = math.prod(net.sizes[p.layer + 1:])
        assert len(paths) == expected
        total = math.fsum(c.product for c in paths)
        assert total == pytest.approx(tr.grad(p, 0), rel=1e-10, abs=1e-15)
    for l in range(1, net.L + 1):
        for k in range(net.sizes[l - 1]):
            sp = summed_paths(tr, l, k)
            assert len(sp.paths) == net.sizes[l]
            assert math.fsum(c.product for c in sp.paths) == sp.total
            target = tr.dC_da(l - 1, 0)[k]
            assert sp.total == pytest.approx(target, rel=1e-10, abs=1e-15)
    for j in range(net.sizes[0]):
        xp = Param("x", 0, j)
        total = math.fsum(c.product for c in all_paths(tr, xp))
        assert total == pytest.approx(tr.grad(xp, 0), rel=1e-10, abs=1e-15)


@settings(max_examples=30, deadline=None)
@given(problems(("sigmoid", "tanh", "relu")))
def test_batch_gradient_is_mean_of_per_example_gradients(problem):
    net, x, y = problem
    tr = run(net, x, y)
    n = x.shape[0]
    singles = [run(net, x[i], y[i]) for i in range(n)]
    for p in net.params():
        per = [s.grad(p) for s in singles]
        # a batched matmul may round differently from a single row: allow last bits
        assert [tr.grad(p, i) for i in range(n)] == pytest.approx(per, rel=1e-12, abs=1e-16)
        assert tr.grad(p) == pytest.approx(np.mean(per), rel=1e-12, abs=1e-16)
        av = averaging(net, x, y, p)
        assert av.mean == tr.grad(p)
        assert np.array_equal(av.per_example, [tr.grad(p, i) for i in range(n)])
        assert av.running_mean[-1] == pytest.approx(av.mean, rel=1e-12, abs=1e-16)
    assert tr.cost == pytest.approx(np.mean([s.cost for s in singles]), rel=1e-14)
    grads = gradient_vector(tr)
    assert [p for p, _ in grads] == net.params()


def half_cost_gradient(net: Network, x: np.ndarray, y: np.ndarray) -> dict[Param, float]:
    """An independent backward pass for C' = ½ Σ_j (a_j - y_j)^2, with loops."""
    sig = lambda z: 1.0 / (1.0 + math.exp(-z))  # noqa: E731
    grads: dict[Param, float] = {}
    for xi, yi in zip(x, y, strict=True):
        acts, zs = [list(xi)], []
        for l in range(1, net.L + 1):
            W, b = net.W(l), net.b(l)
            z = [sum(W[j, k] * acts[-1][k] for k in range(W.shape[1])) + b[j] for j in range(W.shape[0])]
            zs.append(z)
            acts.append([sig(v) for v in z])
        g = [acts[-1][j] - yi[j] for j in range(len(yi))]       # ∂C'/∂a^(L) = a - y
        for l in range(net.L, 0, -1):
            a = acts[l]
            d = [g[j] * a[j] * (1 - a[j]) for j in range(len(g))]
            W = net.W(l)
            for j in range(W.shape[0]):
                for k in range(W.shape[1]):
                    key = Param("w", l, j, k)
                    grads[key] = grads.get(key, 0.0) + acts[l - 1][k] * d[j] / len(x)
                key = Param("b", l, j)
                grads[key] = grads.get(key, 0.0) + d[j] / len(x)
            g = [sum(W[j, k] * d[j] for j in range(W.shape[0])) for k in range(W.shape[1])]
    return grads


def test_half_cost_convention_gives_exactly_half():
    net = Network.random((3, 4, 2), seed=11)
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((4, 3)), rng.random((4, 2))
    tr = run(net, x, y)
    half = half_cost_gradient(net, x, y)
    for p in net.params():
        assert half[p] == pytest.approx(0.5 * tr.grad(p), rel=1e-12, abs=1e-17)

    def half_cost(n: Network) -> float:
        a = x
        for l in range(1, n.L + 1):
            a = 1.0 / (1.0 + np.exp(-(a @ n.W(l).T + n.b(l))))
        return float(np.mean(0.5 * np.sum((a - y) ** 2, axis=1)))

    p = Param("w", 2, 1, 3)
    v = net.value(p)
    numeric = (half_cost(net.with_value(p, v + H)) - half_cost(net.with_value(p, v - H))) / (2 * H)
    assert numeric == pytest.approx(0.5 * tr.grad(p), rel=1e-7)
