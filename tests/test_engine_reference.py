"""The engine against an independent recomputation (tests/engine_reference.py),
closed-form values and the initialisation's statistics.

Every expected number here is computed without the engine: plain-Python loops
over the lesson's formulas, or a value worked out on paper.
"""

from __future__ import annotations

import math

import engine_reference as ref
import numpy as np
import pytest

from engine import (
    Network,
    Param,
    activation_chain,
    all_paths,
    averaging,
    bias_chain,
    cost_of,
    feedforward,
    get_activation,
    gradient_descent_step,
    gradient_vector,
    nudge,
    numerical_gradient,
    run,
    summed_paths,
    train,
    weight_chain,
)

CASES = [((3, 4, 2), "sigmoid", 4), ((2, 3, 3, 2), "tanh", 3), ((3, 4, 2), "relu", 5),
         ((1, 1, 1, 1), "sigmoid", 1), ((2, 1, 3), "sigmoid", 2)]


def problem(sizes, act, n_ex, seed=0):
    net = Network.random(sizes, seed=seed + 11, activation=act)
    rng = np.random.default_rng(seed + 100)
    x = rng.standard_normal((n_ex, sizes[0]))
    y = rng.random((n_ex, sizes[-1]))
    return net, x, y


def key(p: Param) -> tuple:
    return (p.kind, p.layer, p.j) if p.k is None else (p.kind, p.layer, p.j, p.k)


def close(a, b, rel=1e-12, abs_=1e-14):
    return np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=rel, atol=abs_)


@pytest.mark.parametrize("sizes,act,n_ex", CASES)
def test_every_recorded_value_matches_the_hand_written_pass(sizes, act, n_ex):
    net, x, y = problem(sizes, act, n_ex)
    tr = run(net, x, y)
    r = ref.batch(ref.Net.of(net), x.tolist(), y.tolist())
    L = net.L
    assert tr.n_examples == n_ex and tr.L == L
    assert close(tr.costs, [e.cost for e in r.examples])
    assert tr.cost == pytest.approx(r.cost, rel=1e-12)
    assert close(tr.dC_dx, [e.dC_da[0] for e in r.examples])
    for l in range(1, L + 1):
        lt = tr.layer(l)
        assert close(lt.z, [e.z[l] for e in r.examples])
        assert close(lt.a, [e.a[l] for e in r.examples])
        assert close(lt.dC_da, [e.dC_da[l] for e in r.examples])
        assert close(lt.dC_dz, [e.dC_dz[l] for e in r.examples])
        assert close(lt.dC_db, [e.dC_dz[l] for e in r.examples])
        n_l, n_prev = sizes[l], sizes[l - 1]
        per_w = [[[e.grad[("w", l, j, k)] for k in range(n_prev)] for j in range(n_l)] for e in r.examples]
        assert close(lt.dC_dw, per_w)
        assert close(lt.mean_dC_dw, [[r.grad[("w", l, j, k)] for k in range(n_prev)] for j in range(n_l)])
        assert close(lt.mean_dC_db, [r.grad[("b", l, j)] for j in range(n_l)])
    for i in range(n_ex):
        for l in range(0, L + 1):
            assert close(tr.a(l, i), r.examples[i].a[l])
            assert close(tr.dC_da(l, i), r.examples[i].dC_da[l])
            if l:
                assert close(tr.z(l, i), r.examples[i].z[l])
    params = net.params() + [Param("x", 0, j) for j in range(sizes[0])]
    for p in params:
        per = [e.grad[key(p)] for e in r.examples]
        assert close(tr.per_example_grad(p), per)
        assert tr.grad(p) == pytest.approx(sum(per) / n_ex, rel=1e-12, abs=1e-14)
        for i in range(n_ex):
            assert tr.grad(p, i) == pytest.approx(per[i], rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("sizes,act,n_ex", CASES)
def test_forward_only_functions_match(sizes, act, n_ex):
    net, x, y = problem(sizes, act, n_ex, seed=1)
    rn = ref.Net.of(net)
    assert cost_of(net, x, y) == pytest.approx(ref.cost(rn, x.tolist(), y.tolist()), rel=1e-12)
    out = feedforward(net, x)
    assert out.shape == (n_ex, sizes[-1])
    assert close(out, [ref.forward(rn, xi)[1][-1] for xi in x.tolist()])
    one = feedforward(net, x[0])
    assert one.shape == (sizes[-1],) and close(one, out[0])


@pytest.mark.parametrize("sizes,act,n_ex", CASES[:3])
def test_gradient_agrees_with_central_differences_of_the_reference_cost(sizes, act, n_ex):
    net, x, y = problem(sizes, act, n_ex, seed=2)
    tr = run(net, x, y)
    rn = ref.Net.of(net)
    for p in net.params() + [Param("x", 0, 0)]:
        numeric = ref.central_difference(rn, x.tolist(), y.tolist(), key(p))
        assert tr.grad(p) == pytest.approx(numeric, rel=1e-6, abs=1e-8), p


def test_closed_form_values_of_a_zero_network():
    """W = 0, b = 0: every z is 0, every a is σ(0) = 1/2 and σ'(0) = 1/4.

    With y = (1, 0): C_0 = (1/2 - 1)^2 + (1/2)^2 = 1/2; ∂C_0/∂a^(L) = 2(a - y) = (-1, 1);
    δ^(L) = (-1/4, 1/4); ∂C_0/∂w_jk^(L) = a_k δ_j = (-1/8, 1/8) per row;
    ∂C_0/∂a_k^(L-1) = Σ_j w_jk δ_j = 0, so nothing reaches layer L-1.
    """
    net = Network((np.zeros((3, 2)), np.zeros((2, 3))), (np.zeros(3), np.zeros(2)))
    tr = run(net, [0.3, -0.6], [1.0, 0.0])
    assert list(tr.a(1)) == [0.5, 0.5, 0.5] and list(tr.a(2)) == [0.5, 0.5]
    assert tr.cost == 0.5 and list(tr.costs) == [0.5]
    assert list(tr.dC_da(2)) == [-1.0, 1.0]
    assert list(tr.layer(2).dC_dz[0]) == [-0.25, 0.25]
    assert tr.layer(2).dC_dw[0].tolist() == [[-0.125] * 3, [0.125] * 3]
    assert list(tr.layer(2).mean_dC_db) == [-0.25, 0.25]
    assert list(tr.dC_da(1)) == [0.0, 0.0, 0.0] and list(tr.dC_da(0)) == [0.0, 0.0]
    # two examples whose targets mirror each other: the bias gradients average to 0 ...
    tr2 = run(net, [[0.3, -0.6], [0.3, -0.6]], [[1.0, 0.0], [0.0, 1.0]])
    assert list(tr2.layer(2).mean_dC_db) == [0.0, 0.0]
    # ... and a batch of two identical examples has the one example's gradient (a mean, not a sum)
    tr3 = run(net, [[0.3, -0.6], [0.3, -0.6]], [[1.0, 0.0], [1.0, 0.0]])
    assert list(tr3.layer(2).mean_dC_db) == [-0.25, 0.25]
    assert tr3.layer(2).mean_dC_dw.tolist() == [[-0.125] * 3, [0.125] * 3]
    assert tr3.cost == 0.5 and tr3.grad(Param("x", 0, 1)) == 0.0


def test_closed_form_one_neuron():
    """a = σ(w x + b) with w = 2, x = 1/2, b = -1: z = 0, a = 1/2, C_0 = (1/2 - 1)^2 = 1/4,
    ∂C_0/∂w = x σ'(0) 2(a - y) = 1/2 · 1/4 · (-1) = -1/8, ∂C_0/∂b = -1/4, ∂C_0/∂x = w (-1/4) = -1/2."""
    net = Network.from_lists([2.0], [-1.0])
    tr = run(net, [0.5], [1.0])
    assert tr.z(1)[0] == 0.0 and tr.a(1)[0] == 0.5 and tr.cost == 0.25
    assert tr.grad(Param("w", 1, 0, 0)) == -0.125
    assert tr.grad(Param("b", 1, 0)) == -0.25
    assert tr.grad(Param("x", 0, 0)) == -0.5


def test_activations_closed_forms():
    s, t, r = (get_activation(n) for n in ("sigmoid", "tanh", "relu"))
    z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    assert close(s.f(z), [ref.sigma(v) for v in z])
    assert close(s.df(z), [ref.sigma(v) * (1 - ref.sigma(v)) for v in z])
    assert s.f(np.array([0.0]))[0] == 0.5 and s.df(np.array([0.0]))[0] == 0.25
    assert s.f(np.array([1.0]))[0] == pytest.approx(0.7310585786300049, rel=1e-15)
    assert s.f(np.array([-1.0]))[0] == pytest.approx(0.2689414213699951, rel=1e-15)
    assert s.f(np.array([-40.0]))[0] == pytest.approx(4.248354255291589e-18, rel=1e-12)
    assert close(t.f(z), [math.tanh(v) for v in z]) and close(t.df(z), [1 - math.tanh(v) ** 2 for v in z])
    assert t.df(np.array([0.0]))[0] == 1.0
    assert list(r.f(z)) == [0.0, 0.0, 0.0, 0.5, 2.0] and list(r.df(z)) == [0.0, 0.0, 0.0, 1.0, 1.0]
    assert (s.symbol, t.symbol, r.symbol) == ("σ", "tanh", "ReLU")
    assert (s.tex, t.tex, r.tex) == (r"\sigma", r"\tanh", r"\mathrm{ReLU}")


# --- training: the batch mean in the update ----------------------------------------
@pytest.mark.parametrize("sizes,act,n_ex", CASES)
def test_descent_step_is_minus_eta_times_the_batch_mean(sizes, act, n_ex):
    net, x, y = problem(sizes, act, n_ex, seed=3)
    new = gradient_descent_step(net, x, y, 0.7)
    expected = ref.descent_step(ref.Net.of(net), x.tolist(), y.tolist(), 0.7)
    for p in net.params():
        assert new.value(p) == pytest.approx(expected.get(key(p)), rel=1e-12, abs=1e-14), p
    assert new.activation == act


def test_train_is_minibatch_descent_in_the_documented_order():
    """Recompute train() by hand: each epoch shuffles with the one generator
    default_rng(seed) and steps over consecutive slices of batch_size."""
    net, x, y = problem((3, 4, 2), "sigmoid", 7, seed=4)
    epochs, bs, eta, seed = 2, 3, 0.9, 5
    out, hist = train(net, x, y, epochs=epochs, batch_size=bs, learning_rate=eta, seed=seed,
                      snapshot_steps=(0, 1, 6))
    rn = ref.Net.of(net)
    rng = np.random.default_rng(seed)
    costs, epoch_costs, snaps = [], [ref.cost(rn, x.tolist(), y.tolist())], {0: rn}
    for _ in range(epochs):
        order = rng.permutation(len(x)).tolist()
        for start in range(0, len(x), bs):
            idx = order[start:start + bs]
            X, Y = [x[i].tolist() for i in idx], [y[i].tolist() for i in idx]
            costs.append(ref.cost(rn, X, Y))
            rn = ref.descent_step(rn, X, Y, eta)
            snaps[len(costs)] = rn
        epoch_costs.append(ref.cost(rn, x.tolist(), y.tolist()))
    assert len(costs) == 6 and list(hist.steps) == [1, 2, 3, 4, 5, 6]
    assert close(hist.costs, costs) and close(hist.epoch_costs, epoch_costs)
    assert [s for s, _ in hist.snapshots] == [0, 1, 6]
    for s, snap in hist.snapshots:
        for p in net.params():
            assert snap.value(p) == pytest.approx(snaps[s].get(key(p)), rel=1e-11, abs=1e-13)
    assert hist.snapshot(6) is out and hist.snapshot(0) is net
    with pytest.raises(ValueError, match=r"step: expected one of \[0, 1, 6\], got 2"):
        hist.snapshot(2)


def test_train_with_zero_epochs_changes_nothing():
    net, x, y = problem((2, 2), "sigmoid", 3)
    out, hist = train(net, x, y, epochs=0, batch_size=2, learning_rate=1.0, seed=0)
    assert out is net and hist.costs.shape == (0,) and hist.steps.shape == (0,)
    assert list(hist.epoch_costs) == [cost_of(net, x, y)]


# --- initialisation -------------------------------------------------------------------
def test_initialisation_statistics():
    """w_jk^(l) ~ N(0, 1/n_{l-1}) and b_j^(l) ~ N(0, 1)."""
    net = Network.random((400, 300, 50), seed=1)
    W1, W2 = net.W(1), net.W(2)
    assert W1.shape == (300, 400) and W2.shape == (50, 300)
    # 120,000 and 15,000 draws: the sample variance is within a few percent of 1/n
    assert W1.var() * 400 == pytest.approx(1.0, abs=0.03)
    assert W2.var() * 300 == pytest.approx(1.0, abs=0.06)
    assert abs(W1.mean()) < 5 / math.sqrt(120_000 * 400)
    b = np.concatenate([net.b(1), net.b(2)])
    assert b.var() == pytest.approx(1.0, abs=0.2) and abs(b.mean()) < 0.25
    # z of the first layer keeps unit scale for unit-scale inputs: the point of 1/sqrt(n)
    x = np.random.default_rng(0).standard_normal((200, 400))
    assert (x @ W1.T).std() == pytest.approx(1.0, abs=0.1)


def test_initialisation_draws_w_then_b_layer_by_layer():
    sizes = (5, 4, 3)
    rng = np.random.default_rng(77)
    W1 = rng.standard_normal((4, 5)) / math.sqrt(5)
    b1 = rng.standard_normal(4)
    W2 = rng.standard_normal((3, 4)) / math.sqrt(4)
    b2 = rng.standard_normal(3)
    net = Network.random(sizes, seed=77, activation="tanh")
    assert np.array_equal(net.W(1), W1) and np.array_equal(net.b(1), b1)
    assert np.array_equal(net.W(2), W2) and np.array_equal(net.b(2), b2)
    assert net.activation == "tanh" and net.sizes == sizes
    assert Network.random((1, 1), seed=0).W(1)[0, 0] == np.random.default_rng(0).standard_normal()


# --- the lesson's quantities ------------------------------------------------------------
def test_chain_factors_are_the_hand_written_local_derivatives():
    net, x, y = problem((3, 4, 3, 2), "tanh", 3, seed=5)
    tr = run(net, x, y)
    r = ref.batch(ref.Net.of(net), x.tolist(), y.tolist())
    for ex in (0, 2):
        e = r.examples[ex]
        for l in range(1, net.L + 1):
            for j in range(net.sizes[l]):
                s = ref.tanh_prime(e.z[l][j])
                b = bias_chain(tr, l, j, ex)
                assert b.values == pytest.approx((1.0, s, e.dC_da[l][j]), rel=1e-12, abs=1e-15)
                assert b.product == pytest.approx(e.grad[("b", l, j)], rel=1e-12, abs=1e-15)
                for k in range(net.sizes[l - 1]):
                    w = weight_chain(tr, l, j, k, ex)
                    assert w.values == pytest.approx((e.a[l - 1][k], s, e.dC_da[l][j]), rel=1e-12, abs=1e-15)
                    assert w.product == pytest.approx(e.grad[("w", l, j, k)], rel=1e-12, abs=1e-15)
                    ac = activation_chain(tr, l, j, k, ex)
                    assert ac.values == pytest.approx((net.W(l)[j, k], s, e.dC_da[l][j]), rel=1e-12, abs=1e-15)
        for l in range(1, net.L + 1):
            for k in range(net.sizes[l - 1]):
                sp = summed_paths(tr, l, k, ex)
                assert sp.total == pytest.approx(e.dC_da[l - 1][k], rel=1e-12, abs=1e-15)
                assert [c.product for c in sp.paths] == pytest.approx(
                    [net.W(l)[j, k] * ref.tanh_prime(e.z[l][j]) * e.dC_da[l][j] for j in range(net.sizes[l])],
                    rel=1e-12, abs=1e-15)


def test_every_path_is_a_product_of_local_derivatives():
    """Paths from w_jk^(1) go through one neuron of each later layer: written out by hand."""
    net, x, y = problem((2, 3, 2, 2), "sigmoid", 1, seed=6)
    tr = run(net, x, y)
    e = ref.example(ref.Net.of(net), x[0].tolist(), y[0].tolist())
    sp = [[ref.sigma_prime(v) for v in zl] for zl in e.z]
    paths = all_paths(tr, Param("w", 1, 2, 1))
    expected = [[e.a[0][1], sp[1][2], net.W(2)[m, 2], sp[2][m], net.W(3)[n, m], sp[3][n],
                 2 * (e.a[3][n] - y[0][n])] for m in range(2) for n in range(2)]
    assert len(paths) == 4
    for c, want in zip(paths, expected, strict=True):
        assert c.values == pytest.approx(want, rel=1e-12)
        assert c.product == pytest.approx(math.prod(want), rel=1e-12)
    assert sum(c.product for c in paths) == pytest.approx(e.grad[("w", 1, 2, 1)], rel=1e-10)
    xpaths = all_paths(tr, Param("x", 0, 1))
    assert len(xpaths) == 3 * 2 * 2
    assert xpaths[0].values == pytest.approx(
        [net.W(1)[0, 1], sp[1][0], net.W(2)[0, 0], sp[2][0], net.W(3)[0, 0], sp[3][0], 2 * (e.a[3][0] - y[0][0])],
        rel=1e-12)
    assert sum(c.product for c in xpaths) == pytest.approx(e.grad[("x", 0, 1)], rel=1e-10)


@pytest.mark.parametrize("p", [Param("w", 1, 1, 0), Param("b", 2, 1), Param("x", 0, 1), Param("w", 3, 0, 2)])
def test_nudge_against_a_rerun_and_forward_propagated_prediction(p):
    net, x, y = problem((2, 3, 3, 2), "sigmoid", 1, seed=7)
    rn, d = ref.Net.of(net), 0.03
    nu = nudge(net, x[0], y[0], p, d)
    before = ref.example(rn, x[0].tolist(), y[0].tolist())
    if p.kind == "x":
        xs = x[0].tolist()
        xs[p.j] += d
        after, first = ref.example(rn, xs, y[0].tolist()), 1
        dz = [net.W(1)[j, p.j] * d for j in range(3)]
        assert nu.value_before == x[0][p.j]
    else:
        v = rn.get(key(p))
        after, first = ref.example(rn.with_value(key(p), v + d), x[0].tolist(), y[0].tolist()), p.layer
        dz = [0.0] * net.sizes[first]
        dz[p.j] = (before.a[first - 1][p.k] if p.kind == "w" else 1.0) * d
        assert nu.value_before == v
    assert nu.param == p and nu.delta == d
    assert nu.value_after == pytest.approx(nu.value_before + d, rel=1e-14)
    assert nu.cost_before == pytest.approx(before.cost, rel=1e-12)
    assert nu.cost_after == pytest.approx(after.cost, rel=1e-12)
    assert nu.dC_actual == pytest.approx(after.cost - before.cost, rel=1e-9, abs=1e-15)
    assert nu.gradient == pytest.approx(before.grad[key(p)], rel=1e-12, abs=1e-15)
    assert nu.dC_predicted == pytest.approx(before.grad[key(p)] * d, rel=1e-9, abs=1e-15)
    assert [ln.l for ln in nu.layers] == list(range(first, net.L + 1))
    da: list[float] = []
    for l in range(first, net.L + 1):
        ln = nu.layer(l)
        if l > first:
            dz = [sum(net.W(l)[j, k] * da[k] for k in range(len(da))) for j in range(net.sizes[l])]
        da = [ref.sigma_prime(before.z[l][j]) * dz[j] for j in range(len(dz))]
        assert close(ln.dz_predicted, dz) and close(ln.da_predicted, da)
        assert close(ln.z_before, before.z[l]) and close(ln.z_after, after.z[l])
        assert close(ln.a_before, before.a[l]) and close(ln.a_after, after.a[l])
        assert close(ln.dz_actual, np.subtract(after.z[l], before.z[l]), abs_=1e-13)
        assert close(ln.da_actual, np.subtract(after.a[l], before.a[l]), abs_=1e-13)


def test_averaging_builds_the_mean_example_by_example():
    net, x, y = problem((2, 2, 1), "sigmoid", 5, seed=8)
    p = Param("w", 2, 0, 1)
    r = ref.batch(ref.Net.of(net), x.tolist(), y.tolist())
    per = [e.grad[key(p)] for e in r.examples]
    av = averaging(net, x, y, p)
    assert av.param == p
    assert close(av.per_example, per)
    assert close(av.running_mean, [sum(per[:k + 1]) / (k + 1) for k in range(5)])
    assert av.mean == pytest.approx(sum(per) / 5, rel=1e-12)


def test_gradient_vector_lists_every_mean_gradient_in_lesson_order():
    net, x, y = problem((2, 3, 2), "sigmoid", 3, seed=9)
    r = ref.batch(ref.Net.of(net), x.tolist(), y.tolist())
    gv = gradient_vector(run(net, x, y))
    keys = ([("w", 1, j, k) for j in range(3) for k in range(2)] + [("b", 1, j) for j in range(3)]
            + [("w", 2, j, k) for j in range(2) for k in range(3)] + [("b", 2, j) for j in range(2)])
    assert [key(p) for p, _ in gv] == keys
    assert close([g for _, g in gv], [r.grad[k] for k in keys])


@pytest.mark.parametrize("p", [Param("w", 2, 1, 0), Param("b", 1, 2), Param("x", 0, 0)])
def test_numerical_gradient_is_the_central_difference(p):
    net, x, y = problem((2, 3, 2), "sigmoid", 3, seed=10)
    rn = ref.Net.of(net)
    for h in (1e-3, 1e-5):
        want = ref.central_difference(rn, x.tolist(), y.tolist(), key(p), h)
        assert numerical_gradient(net, x, y, p, h) == pytest.approx(want, rel=1e-6)
    # a large step shows the formula itself (a one-sided difference would differ by O(h))
    h = 0.5
    want = ref.central_difference(rn, x.tolist(), y.tolist(), key(p), h)
    assert numerical_gradient(net, x, y, p, h) == pytest.approx(want, rel=1e-10)
