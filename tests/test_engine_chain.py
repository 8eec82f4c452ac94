"""The one-neuron-per-layer chain (sizes 1-1-1-1), checked number by number
against arithmetic written out by hand."""

import math

import numpy as np
import pytest

from engine import Network, Param, bias_chain, get_activation, long_chain, run, weight_chain

# w^(1), w^(2), w^(3) and b^(1), b^(2), b^(3); input x, desired output y
W1, W2, W3 = 0.5, -1.2, 2.0
B1, B2, B3 = 0.1, 0.3, -0.7
X, Y = 0.8, 1.0


def sig(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def by_hand() -> dict[str, float]:
    v: dict[str, float] = {}
    v["z1"] = W1 * X + B1                  # 0.5
    v["a1"] = sig(v["z1"])
    v["z2"] = W2 * v["a1"] + B2
    v["a2"] = sig(v["z2"])
    v["z3"] = W3 * v["a2"] + B3
    v["a3"] = sig(v["z3"])
    v["C"] = (v["a3"] - Y) ** 2
    # backwards, one local derivative at a time
    v["dC_da3"] = 2.0 * (v["a3"] - Y)
    v["s3"] = v["a3"] * (1.0 - v["a3"])    # σ'(z3)
    v["dC_dw3"] = v["a2"] * v["s3"] * v["dC_da3"]
    v["dC_db3"] = 1.0 * v["s3"] * v["dC_da3"]
    v["dC_da2"] = W3 * v["s3"] * v["dC_da3"]
    v["s2"] = v["a2"] * (1.0 - v["a2"])
    v["dC_dw2"] = v["a1"] * v["s2"] * v["dC_da2"]
    v["dC_db2"] = v["s2"] * v["dC_da2"]
    v["dC_da1"] = W2 * v["s2"] * v["dC_da2"]
    v["s1"] = v["a1"] * (1.0 - v["a1"])
    v["dC_dw1"] = X * v["s1"] * v["dC_da1"]
    v["dC_db1"] = v["s1"] * v["dC_da1"]
    v["dC_dx"] = W1 * v["s1"] * v["dC_da1"]
    return v


@pytest.fixture
def chain():
    net = Network.from_lists([W1, W2, W3], [B1, B2, B3])
    return net, run(net, [X], [Y])


def test_first_layer_numbers_literally(chain):
    """The engine's first layer against numbers worked out once, outside any code:
    z^(1) = 0.5·0.8 + 0.1 = 0.5 and a^(1) = 1/(1 + e^-0.5) = 0.6224593312018546."""
    net, tr = chain
    assert tr.z(1)[0] == pytest.approx(0.5, rel=1e-15)
    assert tr.a(1)[0] == pytest.approx(0.6224593312018546, rel=1e-15)
    assert get_activation(net.activation).f(np.array([0.5]))[0] == pytest.approx(0.6224593312018546, rel=1e-15)
    assert sig(0.5) == pytest.approx(0.6224593312018546, rel=1e-15)  # the hand helper below is right too
    # and the last layer: C_0 = (a^(3) - 1)^2 with a^(3) = 0.5200322164748286 (worked out with math.exp)
    assert tr.a(3)[0] == pytest.approx(0.5200322164748286, rel=1e-13)
    assert tr.cost == pytest.approx((0.5200322164748286 - 1.0) ** 2, rel=1e-12)


def test_forward_matches_hand_arithmetic(chain):
    net, tr = chain
    v = by_hand()
    assert net.sizes == (1, 1, 1, 1) and net.L == 3
    for l in (1, 2, 3):
        assert tr.z(l)[0] == pytest.approx(v[f"z{l}"], rel=1e-14)
        assert tr.a(l)[0] == pytest.approx(v[f"a{l}"], rel=1e-14)
    assert tr.a(0)[0] == X
    assert tr.cost == pytest.approx(v["C"], rel=1e-13)
    assert tr.costs.shape == (1,)


def test_backward_matches_hand_arithmetic(chain):
    _, tr = chain
    v = by_hand()
    for l in (1, 2, 3):
        assert tr.grad(Param("w", l, 0, 0)) == pytest.approx(v[f"dC_dw{l}"], rel=1e-12)
        assert tr.grad(Param("b", l, 0)) == pytest.approx(v[f"dC_db{l}"], rel=1e-12)
        assert tr.layer(l).dC_da[0, 0] == pytest.approx(v[f"dC_da{l}"], rel=1e-12)
        assert tr.layer(l).dC_dz[0, 0] == pytest.approx(v[f"s{l}"] * v[f"dC_da{l}"], rel=1e-12)
    assert tr.grad(Param("x", 0, 0)) == pytest.approx(v["dC_dx"], rel=1e-12)


def test_last_layer_chain_factors(chain):
    _, tr = chain
    v = by_hand()
    c = weight_chain(tr, 3, 0, 0)
    assert [f.value for f in c.factors] == pytest.approx([v["a2"], v["s3"], v["dC_da3"]], rel=1e-14)
    assert c.factors[0].tex == r"\frac{\partial z^{(L)}}{\partial w^{(L)}}"
    assert c.factors[0].meaning == "a^(L-1)"
    assert c.factors[1].tex == r"\frac{\partial a^{(L)}}{\partial z^{(L)}}"
    assert c.factors[2].tex == r"\frac{\partial C_{0}}{\partial a^{(L)}}"
    assert c.factors[2].meaning == "2(a^(L) - y)"
    assert c.product == tr.grad(Param("w", 3, 0, 0), 0)
    b = bias_chain(tr, 3, 0)
    assert b.factors[0].value == 1.0 and b.factors[0].meaning == "1"
    assert b.product == tr.grad(Param("b", 3, 0), 0)


def test_long_chain_has_every_factor(chain):
    _, tr = chain
    v = by_hand()
    c = long_chain(tr, Param("w", 2, 0, 0))       # w^(L-1)
    expected = [v["a1"], v["s2"], W3, v["s3"], v["dC_da3"]]
    assert len(c.factors) == 5
    assert [f.value for f in c.factors] == pytest.approx(expected, rel=1e-14)
    assert [f.meaning for f in c.factors] == [
        "a^(L-2)", "σ'(z^(L-1))", "w^(L)", "σ'(z^(L))", "2(a^(L) - y)"]
    assert c.product == pytest.approx(v["dC_dw2"], rel=1e-12)
    assert c.product == tr.grad(Param("w", 2, 0, 0), 0)
    first = long_chain(tr, Param("w", 1, 0, 0))
    assert len(first.factors) == 7 and first.factors[0].value == X
    assert first.product == pytest.approx(v["dC_dw1"], rel=1e-12)
    assert long_chain(tr, Param("x", 0, 0)).product == pytest.approx(v["dC_dx"], rel=1e-12)


def test_param_tex():
    assert Param("w", 3, 1, 0).tex(multi=True) == "w_{1,0}^{(3)}"
    assert Param("w", 3, 1, 0).tex(multi=False) == "w^{(3)}"
    assert Param("b", 2, 1).tex(multi=True) == "b_{1}^{(2)}"
    assert Param("w", 3, 0, 0).tex(False, L=3) == "w^{(L)}"
    assert Param("b", 2, 0).tex(False, L=3) == "b^{(L-1)}"
    assert Param("x", 0, 4).tex(True) == "x_{4}"


def test_params_order_and_with_value(chain):
    net, _ = chain
    names = [p.tex(False) for p in net.params()]
    assert names == ["w^{(1)}", "b^{(1)}", "w^{(2)}", "b^{(2)}", "w^{(3)}", "b^{(3)}"]
    p = Param("b", 2, 0)
    changed = net.with_value(p, 9.0)
    assert changed.value(p) == 9.0 and net.value(p) == B2
    assert changed != net and net.with_value(p, B2) == net
    assert np.array_equal(net.flat(), [W1, B1, W2, B2, W3, B3])
