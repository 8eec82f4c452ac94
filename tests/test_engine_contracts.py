"""The engine's small promises: recorded values are frozen, indices are checked
at both ends, messages point at the right place. Each test here was written
to kill a mutant (scripts/mutation_test.py) that the other tests let live."""

from __future__ import annotations

import dataclasses
import inspect
import json
import zipfile

import numpy as np
import pytest

from engine import (
    PATH_LIMIT,
    Activation,
    Network,
    Nudge,
    Param,
    TrainingHistory,
    accuracy,
    activation_chain,
    all_paths,
    averaging,
    bias_chain,
    cost_of,
    digit_split,
    get_activation,
    gradient_descent_step,
    load_digits,
    load_network,
    long_chain,
    nudge,
    numerical_gradient,
    one_hot,
    run,
    save_network,
    save_trace,
    summed_paths,
    trace_from_json,
    trace_to_json,
    train,
    train_test_split,
    weight_chain,
)
from engine._checks import check_index, require_finite
from engine.notation import layer_name, symbol_plain, symbol_tex


def test_check_index_bounds_and_types():
    assert check_index(0, 3, "f", "an index") == 0 and check_index(2, 3, "f", "an index") == 2
    assert check_index(np.int64(1), 3, "f", "an index") == 1
    assert type(check_index(np.int64(1), 3, "f", "an index")) is int
    for bad in (-1, 3):
        with pytest.raises(ValueError, match=rf"f: expected an index in 0..2, got {bad}"):
            check_index(bad, 3, "f", "an index")
    for bad in (True, 1.0, "1", None):
        with pytest.raises(ValueError, match=r"f: expected an integer an index in 0..2, got"):
            check_index(bad, 3, "f", "an index")


def test_require_finite_points_at_the_first_bad_entry():
    require_finite(np.array([1.0, 2.0]), "v")
    with pytest.raises(ValueError, match=r"v: expected finite numbers, got nan at index \[0, 1\]"):
        require_finite(np.array([[0.0, np.nan], [np.inf, 0.0]]), "v")


def test_activation_records_are_frozen_and_fall_back_to_their_name():
    sig = get_activation("sigmoid")
    with pytest.raises(dataclasses.FrozenInstanceError):
        sig.name = "other"  # type: ignore[misc]
    plainless = Activation("soft", r"\mathrm{soft}", np.tanh, np.tanh)
    assert plainless.symbol == "soft" and plainless.plain == ""


def test_trace_records_are_frozen_and_hash_by_identity():
    net = Network.random((2, 2), seed=0)
    tr = run(net, [0.1, 0.2], [0.0, 1.0])
    lt = tr.layer(1)
    for record, field in ((tr, "cost"), (lt, "z")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(record, field, 0.0)
        assert hash(record) == hash(record) and record == record
    again = run(net, [0.1, 0.2], [0.0, 1.0])
    assert again != tr and again.layer(1) != lt       # identity, never array comparison
    assert tr.z(1).flags.writeable is False and tr.layer(1).dC_dw.flags.writeable is False


def test_batches_of_the_wrong_rank_are_refused():
    net = Network.random((4, 2), seed=0)
    with pytest.raises(ValueError, match=r"x: expected shape \(4,\) or \(n_examples, 4\), got \(1, 4, 1\)"):
        run(net, np.zeros((1, 4, 1)), [0.0, 1.0])
    with pytest.raises(ValueError, match=r"x: expected at least one example, got shape \(0, 4\)"):
        run(net, np.zeros((0, 4)), np.zeros((0, 2)))


def test_param_records_are_frozen():
    p = Param("w", 1, 0, 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.j = 1  # type: ignore[misc]
    assert p == Param("w", 1, 0, 0) and len({p, Param("w", 1, 0, 0)}) == 1


# --- Param and Network --------------------------------------------------------------------
def test_param_rules():
    assert Param("w", 2, 1, 0).indices == (1, 0) and Param("b", 2, 1).indices == (1,)
    assert Param("x", 0, 3).indices == (3,)
    for args, msg in [(("b", 1, 0, 1), r"Param.k: only weights have k, got k=1 for kind 'b'"),
                      (("x", 0, 0, 0), r"Param.k: only weights have k"),
                      (("x", 1, 0), r"Param.layer: an input component lives in layer 0, got 1"),
                      (("w", 0, 0, 0), r"Param.layer: weights and biases live in layers >= 1, got 0"),
                      (("b", -1, 0), r"layers >= 1, got -1")]:
        with pytest.raises(ValueError, match=msg):
            Param(*args)
    assert str(Param("w", 3, 1, 0)) == "w_1,0^(3)" and Param("b", 2, 0).plain(False, L=3) == "b^(L-1)"
    assert Param("x", 0, 2).plain() == "x_2" and Param("x", 0, 2).plain(multi=False) == "x"
    assert Param("x", 0, 2).tex(False) == "x"


def test_network_shape_properties():
    chain = Network.random((1, 1, 1), seed=0)
    assert chain.is_chain and chain.L == 2 and chain.sizes == (1, 1, 1) and chain.n_params == 4
    for sizes in ((1, 2, 1), (2, 1), (1, 1, 3)):
        assert not Network.random(sizes, seed=0).is_chain
    net = Network.random((3, 4, 2), seed=0)
    assert net.n_params == 3 * 4 + 4 + 4 * 2 + 2 == len(net.params()) == net.flat().size
    assert list(net.flat()) == [net.value(p) for p in net.params()]      # row-major, lesson order
    assert net.W(1).shape == (4, 3) and net.b(2).shape == (2,) and net.W(np.int64(2)) is net.weights[1]
    for bad in (0, 3, True, 1.0, "1"):
        with pytest.raises(ValueError, match=r"l: expected a weight layer in 1..2 \(L=2\)"):
            net.W(bad)
    with pytest.raises(ValueError, match=r"l: expected a weight layer"):
        net.b(3)
    assert repr(net) == "Network(sizes=(3, 4, 2), activation='sigmoid')"


def test_network_construction_errors():
    with pytest.raises(ValueError, match=r"weights/biases: expected sequences of arrays"):
        Network(5, 5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"\(W\^\(1\)\): expected a 2-D array \(n_1, n_0\), got shape \(3,\)"):
        Network((np.zeros(3),), (np.zeros(3),))
    with pytest.raises(ValueError, match=r"weights\[0\] \(W\^\(1\)\): layer 0 has size 0"):
        Network((np.zeros((2, 0)),), (np.zeros(2),))
    for bad in (True, 2.0, -1):
        with pytest.raises(ValueError, match=r"sizes\[1\]: expected a positive layer size"):
            Network.random((2, bad, 1), seed=0)
    with pytest.raises(ValueError, match=r"activation: unknown name"):
        Network((np.zeros((1, 1)),), (np.zeros(1),), "nope")
    net = Network.random((np.int64(2), 3), seed=0)
    assert net.sizes == (2, 3)


def test_network_parameters_by_name():
    net = Network.random((2, 3, 2), seed=4, activation="tanh")
    assert net.value(Param("w", 2, 1, 2)) == net.W(2)[1, 2] and net.value(Param("b", 1, 2)) == net.b(1)[2]
    w = net.with_value(Param("w", 2, 1, 2), 7.5)
    assert w.W(2)[1, 2] == 7.5 and w.activation == "tanh"
    assert np.array_equal(np.delete(w.flat(), 9 + 5), np.delete(net.flat(), 9 + 5))   # nothing else moved
    b = net.with_value(Param("b", 1, 2), -3.0)
    assert b.b(1)[2] == -3.0 and np.array_equal(b.W(1), net.W(1)) and np.array_equal(b.b(2), net.b(2))
    assert net.check_param(Param("x", 0, 1)) == Param("x", 0, 1)
    with pytest.raises(ValueError, match=r"param x_1: an input component is not stored in the network"):
        net.value(Param("x", 0, 1))
    with pytest.raises(ValueError, match=r"param: expected a Param, got \('w', 1, 0, 0\)"):
        net.check_param(("w", 1, 0, 0))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"param b_0\^\(3\): layer expected in 1..2, got 3"):
        net.value(Param("b", 3, 0))
    with pytest.raises(ValueError, match=r"param x_2: j: expected an input index in 0..1, got 2"):
        net.check_param(Param("x", 0, 2))
    with pytest.raises(ValueError, match=r"param b_3\^\(1\): j: expected a neuron of layer 1 in 0..2, got 3"):
        net.check_param(Param("b", 1, 3))
    with pytest.raises(ValueError, match=r"param w_0,3\^\(2\): k: expected a neuron of layer 1 in 0..2, got 3"):
        net.check_param(Param("w", 2, 0, 3))


def test_network_equality_and_hash():
    a = Network.random((2, 3, 1), seed=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.activation = "tanh"  # type: ignore[misc]
    same = Network(a.weights, a.biases, a.activation)
    assert a == same and hash(a) == hash(same) and not (a != same)
    assert a != Network(a.weights, a.biases, "tanh")
    assert a != a.with_value(Param("w", 1, 0, 0), 9.0) and a != a.with_value(Param("b", 2, 0), 9.0)
    assert a != Network.random((2, 3, 2), seed=1) and a != Network.random((2, 4, 1), seed=1)
    assert a != Network.random((2, 3, 1, 1), seed=1) and Network.random((2, 3, 1, 1), seed=1) != a
    assert a != "a network" and (a == 3) is False
    assert hash(a) != hash(a.with_value(Param("b", 2, 0), 9.0))


def test_from_lists_takes_scalars_for_one_neuron_layers():
    net = Network.from_lists([0.5, np.float64(-1.5)], [np.array(0.1), 0.2])
    assert net.sizes == (1, 1, 1) and list(net.flat()) == [0.5, 0.1, -1.5, 0.2]
    arrays = Network.from_lists([np.array([[1.0, 2.0]])], [np.array([3.0])])
    assert arrays.sizes == (2, 1) and list(arrays.flat()) == [1.0, 2.0, 3.0]
    wide = Network.from_lists([[[1.0, 2.0]]], [[3.0]], "relu")
    assert wide.sizes == (2, 1) and wide.activation == "relu"


# --- Trace accessors --------------------------------------------------------------------------
def test_trace_accessors_pick_the_right_example_and_layer():
    net = Network.random((2, 3, 2), seed=3)
    x = np.array([[0.1, 0.2], [0.5, -0.4], [0.9, 0.3]])
    y = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    tr = run(net, x, y)
    assert tr.n_examples == 3 and tr.L == 2 and tr.layer(2) is tr.layers[1]
    assert np.array_equal(tr.a(0, 2), x[2]) and np.array_equal(tr.a(2, 1), tr.layers[1].a[1])
    assert np.array_equal(tr.z(1, 2), tr.layers[0].z[2]) and np.array_equal(tr.dC_da(0, 1), tr.dC_dx[1])
    assert np.array_equal(tr.dC_da(2, 2), tr.layers[1].dC_da[2])
    assert np.array_equal(tr.per_example_grad(Param("x", 0, 1)), tr.dC_dx[:, 1])
    assert np.array_equal(tr.per_example_grad(Param("w", 2, 1, 0)), tr.layers[1].dC_dw[:, 1, 0])
    assert np.array_equal(tr.per_example_grad(Param("b", 1, 2)), tr.layers[0].dC_db[:, 2])
    assert tr.grad(Param("x", 0, 1)) == pytest.approx(tr.dC_dx[:, 1].mean(), rel=1e-15)
    assert tr.grad(Param("w", 2, 1, 0), 2) == tr.layers[1].dC_dw[2, 1, 0]
    assert tr.grad(Param("b", 1, 2), 0) == tr.layers[0].dC_db[0, 2]
    for bad in (-1, 3, True):
        with pytest.raises(ValueError, match=r"example: expected an? "):
            tr.a(1, bad)
    with pytest.raises(ValueError, match=r"example: expected an example index in 0..2, got 3"):
        tr.grad(Param("b", 1, 0), 3)
    with pytest.raises(ValueError, match=r"l: expected a weight layer in 1..2"):
        tr.layer(3)
    with pytest.raises(ValueError, match=r"l: expected a weight layer in 1..2"):
        tr.z(0)
    one = run(net, [0.1, 0.2], [1.0, 0.0])
    assert one.x.shape == (1, 2) and one.y.shape == (1, 2) and one.costs.shape == (1,)
    assert one.x.flags.writeable is False


# --- training -------------------------------------------------------------------------------------
def test_training_argument_checks_at_their_edges():
    net = Network.random((2, 2), seed=0)
    x, y = np.zeros((5, 2)), np.zeros((5, 2))
    for lr in (0.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match=r"learning_rate: expected a positive finite number"):
            train(net, x, y, epochs=1, batch_size=2, learning_rate=lr, seed=0)
        with pytest.raises(ValueError, match=r"learning_rate: expected a positive finite number"):
            gradient_descent_step(net, x, y, lr)
    for bad in (-1, True, 1.0):
        with pytest.raises(ValueError, match=r"epochs: expected a non-negative integer"):
            train(net, x, y, epochs=bad, batch_size=2, learning_rate=1.0, seed=0)
    for bad in (True, 2.0, -1):
        with pytest.raises(ValueError, match=r"batch_size: expected a positive integer"):
            train(net, x, y, epochs=1, batch_size=bad, learning_rate=1.0, seed=0)
    # 5 examples in slices of 2: 3 steps an epoch, so steps 0..6 over two epochs
    _, hist = train(net, x, y, epochs=2, batch_size=2, learning_rate=1.0, seed=0, snapshot_steps=(0, 6))
    assert [s for s, _ in hist.snapshots] == [0, 6] and len(hist.costs) == 6
    for bad in (-1, 7, True, 2.0):
        with pytest.raises(ValueError, match=r"snapshot_steps: expected steps in 0..6"):
            train(net, x, y, epochs=2, batch_size=2, learning_rate=1.0, seed=0, snapshot_steps=(bad,))
    _, whole = train(net, x, y, epochs=1, batch_size=np.int64(50), learning_rate=1.0, seed=0)
    assert len(whole.costs) == 1 and whole.costs[0] == cost_of(net, x, y)


def test_accuracy_counts_the_most_active_output():
    net = Network((np.array([[1.0, 0.0], [0.0, 1.0]]),), (np.zeros(2),))   # a_j = σ(x_j)
    X = np.array([[2.0, 1.0], [0.0, 3.0], [5.0, -1.0], [1.0, 1.5]])
    assert accuracy(net, X, np.array([0, 1, 0, 0])) == 0.75
    assert accuracy(net, X[0], np.array([1])) == 0.0
    with pytest.raises(ValueError, match=r"labels: expected shape \(4,\), got \(3,\)"):
        accuracy(net, X, np.array([0, 1, 0]))


# --- names ----------------------------------------------------------------------------------------
def test_notation():
    assert layer_name(3) == "3" and layer_name(3, 3) == "L" and layer_name(1, 3) == "L-2"
    assert layer_name(4, 3) == "L+1"
    assert symbol_tex("a", 2, (1,), multi=True) == "a_{1}^{(2)}"
    assert symbol_tex("a", 2, (1,), multi=False, L=3) == "a^{(L-1)}"
    assert symbol_tex("y", None, (0,), multi=True) == "y_{0}" and symbol_tex("y", None, multi=True) == "y"
    assert symbol_tex("w", 1, (1, 0), multi=True) == "w_{1,0}^{(1)}"
    assert symbol_plain("w", 1, (1, 0), multi=True) == "w_1,0^(1)"
    assert symbol_plain("w", 1, (1, 0), multi=False) == "w^(1)" and symbol_plain("C", None, multi=True) == "C"


def test_unknown_activation_names():
    assert get_activation("tanh").name == "tanh"
    for bad in (["sigmoid"], None, "Sigmoid"):
        with pytest.raises(ValueError, match=r"unknown name .*; expected one of 'relu', 'sigmoid', 'tanh'$"):
            get_activation(bad)  # type: ignore[arg-type]


# --- files --------------------------------------------------------------------------------------
def test_network_files(tmp_path):
    net = Network.random((2, 3, 1), seed=2, activation="relu")
    save_network(net, tmp_path / "n.npz")
    with np.load(tmp_path / "n.npz") as data:
        assert sorted(data.files) == ["W1", "W2", "activation", "b1", "b2"]
        assert str(data["activation"]) == "relu" and np.array_equal(data["b2"], net.b(2))
    with zipfile.ZipFile(tmp_path / "n.npz") as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_DEFLATED}
        assert {i.external_attr >> 16 for i in zf.infolist()} == {0o644}     # rw-r--r-- when unzipped
    np.savez(tmp_path / "nobias.npz", activation=np.array("sigmoid"), W1=np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"nobias.npz: expected a bias array for every weight array"):
        load_network(tmp_path / "nobias.npz")
    np.savez(tmp_path / "bare.npz", W1=np.zeros((1, 2)), b1=np.zeros(1))
    with pytest.raises(ValueError, match=r"expected arrays 'activation', 'W1', 'b1', ...; got \['W1', 'b1'\]"):
        load_network(tmp_path / "bare.npz")
    np.savez(tmp_path / "now1.npz", activation=np.array("sigmoid"), b1=np.zeros(1))
    with pytest.raises(ValueError, match=r"expected arrays 'activation', 'W1'"):
        load_network(tmp_path / "now1.npz")


def test_trace_json_shape_and_errors(tmp_path):
    net = Network.random((2, 2, 1), seed=1)
    tr = run(net, [[0.1, 0.2], [0.3, 0.4]], [[1.0], [0.0]])
    d = trace_to_json(tr)
    assert d["format"] == "backprop-engine-trace/1" and [ld["l"] for ld in d["layers"]] == [1, 2]
    assert d["network"]["sizes"] == [2, 2, 1] and d["network"]["activation"] == "sigmoid"
    assert d["cost"] == tr.cost and d["x"] == tr.x.tolist()
    back = trace_from_json(json.loads(json.dumps(d)))
    assert back.layer(2).mean_dC_db.flags.writeable is False and back.y.tolist() == [[1.0], [0.0]]
    assert np.array_equal(back.dC_dx, tr.dC_dx)
    with pytest.raises(ValueError, match=r"format: expected 'backprop-engine-trace/1', got 'other'"):
        trace_from_json({**d, "format": "other"})
    with pytest.raises(ValueError, match=r"layers: expected 2 entries, got 1"):
        trace_from_json({**d, "layers": d["layers"][:1]})
    del d["layers"][1]["dC_dz"]
    with pytest.raises(ValueError, match=r"layers\[1\].dC_dz: missing"):
        trace_from_json(d)
    save_trace(tr, tmp_path / "t.json")
    assert (tmp_path / "t.json").read_text(encoding="utf-8").endswith("}\n")
    assert json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))["costs"] == tr.costs.tolist()


# --- digits ---------------------------------------------------------------------------------------
def test_one_hot_and_split_rules():
    assert one_hot(np.array([2, 0]), 3).tolist() == [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    assert one_hot(np.array([], dtype=int)).shape == (0, 10)
    for bad in (np.array([0.5]), np.array([[1]])):
        with pytest.raises(ValueError, match=r"labels: expected a 1-D integer array"):
            one_hot(bad)
    for bad in (np.array([-1, 2]), np.array([0, 10])):
        with pytest.raises(ValueError, match=r"labels: expected values in 0..9, got "):
            one_hot(bad)
    train_idx, test_idx = train_test_split(10, 0.3, seed=1)
    assert len(test_idx) == 3 and sorted(np.concatenate([train_idx, test_idx]).tolist()) == list(range(10))
    assert list(train_idx) == sorted(train_idx) and list(test_idx) == sorted(test_idx)
    order = np.random.default_rng(1).permutation(10)
    assert set(test_idx.tolist()) == set(order[:3].tolist())
    assert [len(t) for t in train_test_split(2, 0.01, seed=0)] == [1, 1]      # at least one each side
    assert [len(t) for t in train_test_split(10, 0.01, seed=0)] == [9, 1]
    assert [len(t) for t in train_test_split(2, 0.99, seed=0)] == [1, 1]
    for frac in (0.0, 1.0):
        with pytest.raises(ValueError, match=r"test_fraction: expected a number in \(0, 1\)"):
            train_test_split(10, frac, seed=0)
    with pytest.raises(ValueError, match=r"n: expected at least 2 examples, got 1"):
        train_test_split(1, 0.5, seed=0)
    assert train_test_split(3, 0.5, seed=0)[1].size == 2 - (round(1.5) == 1)   # round half to even


def test_digits_files_are_checked(tmp_path, monkeypatch):
    from engine import digits

    X, labels = load_digits()
    assert X[0].tolist()[:4] == [0.0, 0.0, 5 / 16, 13 / 16] and labels[:3].tolist() == [0, 1, 2]
    tr_idx, te_idx = digit_split()
    assert np.array_equal(te_idx, train_test_split(1797, 0.2, 2017)[1]) and len(tr_idx) == 1438
    small = Network.random((64, 3, 10), seed=0)
    save_network(small, tmp_path / "w.npz")
    monkeypatch.setattr(digits, "WEIGHTS_PATH", tmp_path / "w.npz")
    digits.digit_network.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"w.npz: expected sizes \(64, 16, 16, 10\), got \(64, 3, 10\)"):
            digits.digit_network()
    finally:
        digits.digit_network.cache_clear()
    np.savetxt(tmp_path / "d.csv", np.zeros((3, 65), dtype=int), fmt="%d", delimiter=",")
    monkeypatch.setattr(digits, "DATA_PATH", tmp_path / "d.csv")
    digits._load.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"d.csv: expected shape \(1797, 65\), got \(3, 65\)"):
            digits.load_digits()
    finally:
        digits._load.cache_clear()


# --- the lesson's names and defaults ------------------------------------------------------------------
def test_chain_names_in_hidden_layers_and_overrides():
    net = Network.random((3, 4, 3, 2), seed=7)
    tr = run(net, np.full((4, 3), 0.3), np.zeros((4, 2)))
    c = weight_chain(tr, 2, 0, 1, 3)
    assert [f.tex for f in c.factors] == [
        r"\frac{\partial z_{0}^{(L-1)}}{\partial w_{0,1}^{(L-1)}}",
        r"\frac{\partial a_{0}^{(L-1)}}{\partial z_{0}^{(L-1)}}",
        r"\frac{\partial C_{3}}{\partial a_{0}^{(L-1)}}"]
    assert [f.meaning for f in c.factors] == [
        "a_1^(L-2)", "σ'(z_0^(L-1))", "sum of paths through layer (L) (backpropagated)"]
    assert c.tex == r" \cdot ".join(f.tex for f in c.factors)
    assert weight_chain(tr, 1, 0, 1).factors[0].meaning == "x_1"
    chain = Network.random((1, 1, 1), seed=0)
    t2 = run(chain, [0.2], [1.0])
    assert [f.meaning for f in weight_chain(t2, 2, 0, 0, multi=True).factors] == [
        "a_0^(L-1)", "σ'(z_0^(L))", "2(a_0^(L) - y_0)"]
    assert [f.meaning for f in long_chain(t2, Param("b", 1, 0)).factors] == [
        "1", "σ'(z^(L-1))", "w^(L)", "σ'(z^(L))", "2(a^(L) - y)"]
    xc = long_chain(t2, Param("x", 0, 0), relative=False)
    assert [f.tex for f in xc.factors][:2] == [r"\frac{\partial z^{(1)}}{\partial x}",
                                               r"\frac{\partial a^{(1)}}{\partial z^{(1)}}"]
    assert [f.meaning for f in xc.factors] == ["w^(1)", "σ'(z^(1))", "w^(2)", "σ'(z^(2))", "2(a^(2) - y)"]
    assert xc.values[0] == chain.W(1)[0, 0]
    relu = run(Network.random((1, 1), seed=0, activation="relu"), [0.2], [1.0])
    assert weight_chain(relu, 1, 0, 0).factors[1].meaning == "ReLU'(z^(L))"


def test_path_limits_and_defaults():
    assert PATH_LIMIT == 10_000
    assert inspect.signature(all_paths).parameters["limit"].default == PATH_LIMIT
    net = Network.random((2, 3, 2), seed=0)
    tr = run(net, [0.1, 0.2], [1.0, 0.0])
    assert len(all_paths(tr, Param("x", 0, 0), limit=6)) == 6          # exactly at the limit is fine
    with pytest.raises(ValueError, match=r"param x_0: 6 paths to the cost, more than limit=5"):
        all_paths(tr, Param("x", 0, 0), limit=5)
    with pytest.raises(ValueError, match=r"param w_0,0\^\(1\): long_chain needs one neuron per layer"):
        long_chain(tr, Param("w", 1, 0, 0))
    assert nudge(net, [0.1, 0.2], [1.0, 0.0], Param("b", 1, 0)).delta == 0.01


def test_numerical_gradient_default_step_is_1e_6():
    """One ReLU neuron, z = w·1 - 1.5e-6 at w = 0: a step of 1e-6 stays left of the kink (slope 0),
    any step above 1.5e-6 crosses it."""
    net = Network.from_lists([0.0], [-1.5e-6], "relu")
    p = Param("w", 1, 0, 0)
    assert numerical_gradient(net, [1.0], [1.0], p) == 0.0
    assert numerical_gradient(net, [1.0], [1.0], p, h=2e-6) != 0.0


def test_lesson_and_training_records_are_frozen():
    net = Network.random((2, 2, 1), seed=0)
    x, y = np.array([[0.1, 0.2], [0.3, 0.1]]), np.array([[1.0], [0.0]])
    tr = run(net, x, y)
    chain = weight_chain(tr, 2, 0, 0)
    sp = summed_paths(tr, 2, 0)
    nu = nudge(net, x[0], y[0], Param("w", 1, 0, 0))
    av = averaging(net, x, y, Param("b", 1, 0))
    _, hist = train(net, x, y, epochs=1, batch_size=1, learning_rate=1.0, seed=0)
    for record in (chain, chain.factors[0], sp, nu, nu.layers[0], av, hist):
        field = dataclasses.fields(record)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(record, field, None)
        assert hash(record) == hash(record)
    assert chain == weight_chain(tr, 2, 0, 0)          # values compare by value ...
    assert nu != nudge(net, x[0], y[0], Param("w", 1, 0, 0))   # ... records holding arrays by identity
    assert TrainingHistory(np.zeros(0), np.zeros(0), ((0, net),)).epoch_costs.shape == (0,)


def test_files_refuse_pickles_and_are_readable(tmp_path):
    np.savez(tmp_path / "obj.npz", activation=np.array("sigmoid"),
             W1=np.array([[None]], dtype=object), b1=np.zeros(1))
    with pytest.raises(ValueError, match=r"allow_pickle"):
        load_network(tmp_path / "obj.npz")
    tr = run(Network.random((1, 1), seed=0), [0.5], [1.0])
    save_trace(tr, tmp_path / "t.json")
    assert (tmp_path / "t.json").read_text(encoding="utf-8").startswith('{\n "format": "backprop-engine-trace/1",\n')


def test_every_chain_function_defaults_to_relative_layers_and_automatic_subscripts():
    chain = Network.random((1, 1, 1), seed=0)
    tr = run(chain, [0.2], [1.0])
    d = r"\frac{\partial z^{(L)}}{\partial a^{(L-1)}}"
    assert bias_chain(tr, 2, 0).factors[0].tex == r"\frac{\partial z^{(L)}}{\partial b^{(L)}}"
    assert weight_chain(tr, 2, 0, 0).factors[0].tex == r"\frac{\partial z^{(L)}}{\partial w^{(L)}}"
    assert activation_chain(tr, 2, 0, 0).factors[0].tex == d
    assert long_chain(tr, Param("w", 1, 0, 0)).factors[2].tex == d
    assert all_paths(tr, Param("w", 1, 0, 0))[0].factors[2].tex == d
    assert summed_paths(tr, 2, 0).paths[0].factors[0].tex == d
    wide = run(Network.random((2, 2, 2), seed=0), [0.2, 0.1], [1.0, 0.0])
    s = r"\frac{\partial z_{1}^{(L)}}{\partial a_{0}^{(L-1)}}"
    assert bias_chain(wide, 2, 1).factors[0].tex == r"\frac{\partial z_{1}^{(L)}}{\partial b_{1}^{(L)}}"
    assert activation_chain(wide, 2, 1, 0).factors[0].tex == s
    assert all_paths(wide, Param("w", 1, 0, 0))[1].factors[2].tex == s
    assert summed_paths(wide, 2, 0).paths[1].factors[0].tex == s
    assert long_chain(wide, Param("w", 2, 1, 0)).factors[0].tex == (
        r"\frac{\partial z_{1}^{(L)}}{\partial w_{1,0}^{(L)}}")
    assert summed_paths(wide, 2, 0, multi=False, relative=False).paths[1].factors[0].tex == (
        r"\frac{\partial z^{(2)}}{\partial a^{(1)}}")
    assert all_paths(wide, Param("w", 1, 0, 0), multi=False, relative=False)[1].factors[2].tex == (
        r"\frac{\partial z^{(2)}}{\partial a^{(1)}}")
    assert long_chain(tr, Param("b", 2, 0), multi=True, relative=False).factors[0].tex == (
        r"\frac{\partial z_{0}^{(2)}}{\partial b_{0}^{(2)}}")


def test_long_chain_for_an_input_checks_every_layer():
    two_in = Network.random((2, 1, 1), seed=0)
    tr = run(two_in, [0.3, 0.6], [1.0])
    c = long_chain(tr, Param("x", 0, 1))
    assert c.values[0] == two_in.W(1)[0, 1] and len(c.factors) == 5
    wide = run(Network.random((1, 2, 1), seed=0), [0.3], [1.0])
    with pytest.raises(ValueError, match=r"param x_0: long_chain needs one neuron per layer .* layer 1 has 2"):
        long_chain(wide, Param("x", 0, 0))


def test_nudge_records_compare_by_identity():
    net = Network.random((1, 1), seed=0)
    nu = nudge(net, [0.5], [1.0], Param("b", 1, 0))
    assert dataclasses.replace(nu) != nu
    bare = Nudge(Param("b", 1, 0), 0.1, 0.0, 0.1, (), 1.0, 0.9, -0.1, -0.1)
    assert bare.gradient == 0.0
