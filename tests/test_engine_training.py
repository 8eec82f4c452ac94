"""Activations, determinism, training, the digit network and save/load."""

import numpy as np
import pytest

from engine import (
    ACTIVATIONS,
    Network,
    Param,
    accuracy,
    cost_of,
    digit_network,
    digit_split,
    get_activation,
    gradient_descent_step,
    load_digits,
    load_network,
    load_trace,
    one_hot,
    run,
    save_network,
    save_trace,
    train,
    train_test_split,
)


def test_relu_derivative_at_zero_is_zero():
    relu = get_activation("relu")
    assert relu.df(np.array([0.0]))[0] == 0.0
    assert list(relu.df(np.array([-1.0, 1e-300, 2.0]))) == [0.0, 1.0, 1.0]
    assert list(relu.f(np.array([-1.0, 0.0, 2.0]))) == [0.0, 0.0, 2.0]


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_derivative_matches_difference(name):
    act = ACTIVATIONS[name]
    z = np.array([-3.0, -0.7, 0.4, 2.5])
    h = 1e-6
    assert act.df(z) == pytest.approx((act.f(z + h) - act.f(z - h)) / (2 * h), rel=1e-8)
    assert act.name == name and act.tex.startswith("\\")


def test_sigmoid_is_stable_for_large_inputs():
    s = get_activation("sigmoid")
    with np.errstate(over="raise", invalid="raise"):
        out = s.f(np.array([-1000.0, 0.0, 1000.0]))
    assert list(out) == [0.0, 0.5, 1.0]


def test_same_seed_same_results():
    a = Network.random((5, 4, 3), seed=42)
    b = Network.random((5, 4, 3), seed=42)
    assert a == b and hash(a) == hash(b)
    assert a != Network.random((5, 4, 3), seed=43)
    rng = np.random.default_rng(0)
    X, Y = rng.random((20, 5)), rng.random((20, 3))
    n1, h1 = train(a, X, Y, epochs=3, batch_size=6, learning_rate=1.0, seed=9, snapshot_steps=(2, 12))
    n2, h2 = train(b, X, Y, epochs=3, batch_size=6, learning_rate=1.0, seed=9, snapshot_steps=(2, 12))
    assert n1 == n2
    assert np.array_equal(h1.costs, h2.costs) and np.array_equal(h1.steps, h2.steps)
    assert [s for s, _ in h1.snapshots] == [0, 2, 12] and h1.snapshot(0) == a
    assert h1.snapshot(12) == n1 and len(h1.costs) == 12 and list(h1.steps[:2]) == [1, 2]
    n3, _ = train(a, X, Y, epochs=3, batch_size=6, learning_rate=1.0, seed=10)
    assert n3 != n1
    assert np.array_equal(run(n1, X, Y).layer(1).dC_dw, run(n2, X, Y).layer(1).dC_dw)


def test_gradient_descent_step_goes_downhill():
    net = Network.random((3, 5, 2), seed=1)
    rng = np.random.default_rng(1)
    X, Y = rng.random((10, 3)), rng.random((10, 2))
    tr = run(net, X, Y)
    new = gradient_descent_step(net, X, Y, 0.5)
    p = Param("w", 2, 1, 3)
    assert new.value(p) == pytest.approx(net.value(p) - 0.5 * tr.grad(p), rel=1e-12)
    assert cost_of(new, X, Y) < tr.cost


def test_digits_data_and_split():
    X, labels = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert labels.shape == (1797,) and set(labels.tolist()) == set(range(10))
    assert X.min() == 0.0 and X.max() == 1.0
    Y = one_hot(labels[:3])
    assert Y.shape == (3, 10) and np.array_equal(Y.argmax(axis=1), labels[:3]) and Y.sum() == 3
    tr, te = digit_split()
    assert len(te) == 359 and len(tr) + len(te) == 1797
    assert not set(tr.tolist()) & set(te.tolist())
    a, b = train_test_split(100, 0.25, seed=3)
    a2, b2 = train_test_split(100, 0.25, seed=3)
    assert np.array_equal(a, a2) and np.array_equal(b, b2) and len(b) == 25


def test_digit_network_accuracy_on_held_out_split():
    X, labels = load_digits()
    _, te = digit_split()
    net = digit_network()
    assert net.sizes == (64, 16, 16, 10) and net.activation == "sigmoid"
    assert accuracy(net, X[te], labels[te]) > 0.9


def test_network_save_load_round_trip(tmp_path):
    net = Network.random((3, 4, 2), seed=5, activation="tanh")
    save_network(net, tmp_path / "n.npz")
    back = load_network(tmp_path / "n.npz")
    assert back == net and back.activation == "tanh"
    save_network(net, tmp_path / "m.npz")
    assert (tmp_path / "n.npz").read_bytes() == (tmp_path / "m.npz").read_bytes()
    with np.load(tmp_path / "n.npz") as data:                 # plain numpy can read it
        assert np.array_equal(data["W2"], net.W(2))


def test_trace_json_round_trip(tmp_path):
    net = Network.random((3, 4, 2), seed=6)
    rng = np.random.default_rng(6)
    tr = run(net, rng.random((3, 3)), rng.random((3, 2)))
    save_trace(tr, tmp_path / "t.json")
    back = load_trace(tmp_path / "t.json")
    assert back.network == net and back.cost == tr.cost
    assert np.array_equal(back.x, tr.x) and np.array_equal(back.costs, tr.costs)
    for l in (1, 2):
        for field in ("z", "a", "dC_da", "dC_dz", "dC_dw", "dC_db", "mean_dC_dw", "mean_dC_db"):
            assert np.array_equal(getattr(back.layer(l), field), getattr(tr.layer(l), field))
    for p in net.params():
        assert back.grad(p) == tr.grad(p)


def test_engine_imports_numpy_and_stdlib_only():
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys, engine; bad = sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'manim', 'scipy', 'sklearn', 'torch'}); print(bad); assert not bad")
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)
