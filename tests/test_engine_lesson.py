"""Chains, nudges and averaging: the lesson's quantities agree with the trace."""

import numpy as np
import pytest

from engine import (
    Network,
    Param,
    activation_chain,
    all_paths,
    averaging,
    bias_chain,
    long_chain,
    nudge,
    run,
    summed_paths,
    weight_chain,
)


@pytest.fixture(scope="module")
def multi():
    net = Network.random((3, 4, 3, 2), seed=7)
    rng = np.random.default_rng(8)
    x, y = rng.standard_normal((5, 3)), rng.random((5, 2))
    return net, x, y, run(net, x, y)


def test_chain_products_equal_trace_grad(multi):
    net, _, _, tr = multi
    for ex in (0, 3):
        for l in range(1, net.L + 1):
            for j in range(net.sizes[l]):
                assert bias_chain(tr, l, j, ex).product == tr.grad(Param("b", l, j), ex)
                for k in range(net.sizes[l - 1]):
                    c = weight_chain(tr, l, j, k, ex)
                    assert c.product == tr.grad(Param("w", l, j, k), ex)
                    assert c.factors[0].value == tr.a(l - 1, ex)[k]
                    ac = activation_chain(tr, l, j, k, ex)
                    assert ac.factors[0].value == net.W(l)[j, k]
                    assert ac.factors[1:] == c.factors[1:]


def test_multi_neuron_tex_uses_indices(multi):
    _, _, _, tr = multi
    c = weight_chain(tr, 3, 1, 2)
    assert c.factors[0].tex == r"\frac{\partial z_{1}^{(L)}}{\partial w_{1,2}^{(L)}}"
    assert c.factors[0].meaning == "a_2^(L-1)"
    assert c.factors[2].meaning == "2(a_1^(L) - y_1)"
    absolute = weight_chain(tr, 2, 0, 1, relative=False)
    assert absolute.factors[0].tex == r"\frac{\partial z_{0}^{(2)}}{\partial w_{0,1}^{(2)}}"
    ac = activation_chain(tr, 1, 0, 2)
    assert ac.factors[0].tex == r"\frac{\partial z_{0}^{(L-2)}}{\partial x_{2}}"
    assert r"\cdot" in c.tex


def test_summed_paths_total(multi):
    net, _, _, tr = multi
    sp = summed_paths(tr, 3, 1, example=2)
    assert (sp.l, sp.k) == (3, 1) and len(sp.paths) == 2
    assert sp.total == pytest.approx(tr.layer(2).dC_da[2, 1], rel=1e-13)
    sx = summed_paths(tr, 1, 0)
    assert sx.total == pytest.approx(tr.dC_dx[0, 0], rel=1e-13)


def test_all_paths_limit_and_long_chain_refusal(multi):
    net, _, _, tr = multi
    assert len(all_paths(tr, Param("w", 1, 0, 0))) == 3 * 2
    assert len(all_paths(tr, Param("x", 0, 1))) == 4 * 3 * 2
    with pytest.raises(ValueError, match="24 paths.*limit=10"):
        all_paths(tr, Param("x", 0, 1), limit=10)
    big = Network.random((2, 30, 30, 30, 1), seed=0)
    with pytest.raises(ValueError, match="27000 paths"):
        all_paths(run(big, [0.1, 0.2], [1.0]), Param("x", 0, 0))
    assert len(all_paths(run(big, [0.1, 0.2], [1.0]), Param("w", 1, 0, 0))) == 900
    with pytest.raises(ValueError, match="layer 2 has 3"):
        long_chain(tr, Param("w", 1, 0, 0))
    # the last layer's chain is a single path even in a wide network
    assert len(long_chain(tr, Param("w", 3, 1, 0)).factors) == 3


def test_nudge_predictions_converge_quadratically():
    net = Network.random((2, 3, 2), seed=4, activation="tanh")
    x, y = np.array([0.4, -0.9]), np.array([0.2, 0.7])
    for p in (Param("w", 1, 2, 1), Param("b", 2, 0), Param("x", 0, 0)):
        errors, layer_errors = [], []
        for d in (1e-2, 1e-3, 1e-4):
            nu = nudge(net, x, y, p, d)
            assert nu.value_after - nu.value_before == pytest.approx(d, rel=1e-9)
            assert nu.dC_predicted == pytest.approx(nu.gradient * d, rel=1e-9)
            assert nu.dC_actual == nu.cost_after - nu.cost_before
            errors.append(abs(nu.dC_actual - nu.dC_predicted))
            last = nu.layer(net.L)
            layer_errors.append(np.max(np.abs(last.da_actual - last.da_predicted)))
            assert np.array_equal(last.da_actual, last.a_after - last.a_before)
        for errs in (errors, layer_errors):
            for big, small in zip(errs, errs[1:], strict=False):
                assert 30 < big / small < 300      # ~ 100 = (10)^2: error is O(Δ²)


def test_nudge_layers_and_first_layer_prediction():
    net = Network.random((1, 1, 1, 1), seed=2)
    p = Param("w", 2, 0, 0)
    nu = nudge(net, [0.5], [1.0], p, 0.01)
    assert [ln.l for ln in nu.layers] == [2, 3]
    tr = run(net, [0.5], [1.0])
    # the first affected z moves exactly linearly: Δz = a^(1) Δw
    assert nu.layer(2).dz_predicted[0] == pytest.approx(tr.a(1)[0] * 0.01, rel=1e-12)
    assert nu.layer(2).dz_actual[0] == pytest.approx(nu.layer(2).dz_predicted[0], rel=1e-9)
    with pytest.raises(ValueError, match="l: expected a nudged layer"):
        nu.layer(1)
    with pytest.raises(ValueError, match="one example"):
        nudge(net, [[0.5], [0.1]], [[1.0], [0.0]], p)


def test_averaging_mean_equals_batch_grad(multi):
    net, x, y, tr = multi
    p = Param("w", 2, 1, 3)
    av = averaging(net, x, y, p)
    assert av.mean == tr.grad(p)
    assert av.per_example.shape == (5,) == av.running_mean.shape
    assert av.running_mean[0] == av.per_example[0]
    assert av.running_mean[-1] == pytest.approx(av.mean, rel=1e-12)
