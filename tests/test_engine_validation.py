"""Every bad input raises ValueError naming the field and what was expected."""

import numpy as np
import pytest

from engine import Network, Param, get_activation, nudge, run, train, weight_chain


@pytest.fixture
def net():
    return Network.random((4, 3, 2), seed=0)


def test_mismatched_weight_shape():
    with pytest.raises(ValueError, match=r"weights\[1\] \(W\^\(2\)\): expected shape \(3, 4\), got \(3, 5\)"):
        Network((np.zeros((4, 2)), np.zeros((3, 5))), (np.zeros(4), np.zeros(3)))


def test_bias_shape_and_count():
    with pytest.raises(ValueError, match=r"biases\[0\] \(b\^\(1\)\): expected shape \(4,\), got \(3,\)"):
        Network((np.zeros((4, 2)),), (np.zeros(3),))
    with pytest.raises(ValueError, match=r"biases: expected 2 bias vectors"):
        Network((np.zeros((4, 2)), np.zeros((1, 4))), (np.zeros(4),))


def test_layer_of_size_zero():
    with pytest.raises(ValueError, match=r"sizes\[1\]: expected a positive layer size, got 0"):
        Network.random((3, 0, 2), seed=0)
    with pytest.raises(ValueError, match=r"weights\[0\] \(W\^\(1\)\): layer 1 has size 0"):
        Network((np.zeros((0, 3)),), (np.zeros(0),))


def test_fewer_than_two_layers():
    with pytest.raises(ValueError, match=r"sizes: expected at least two layers"):
        Network.random((3,), seed=0)
    with pytest.raises(ValueError, match=r"weights: expected at least one weight layer"):
        Network((), ())


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_values(net, bad):
    W = np.array(net.W(2))
    W[1, 0] = bad
    with pytest.raises(ValueError, match=r"weights\[1\] \(W\^\(2\)\): expected finite numbers.*\[1, 0\]"):
        Network((net.W(1), W), net.biases)
    with pytest.raises(ValueError, match=r"biases\[0\] \(b\^\(1\)\): expected finite"):
        Network(net.weights, ([0.0, bad, 0.0], net.b(2)))
    with pytest.raises(ValueError, match=r"x: expected finite numbers"):
        run(net, [0.0, bad, 0.0, 0.0], [0.0, 1.0])
    with pytest.raises(ValueError, match=r"y: expected finite numbers"):
        run(net, [0.0, 0.0, 0.0, 0.0], [bad, 1.0])


def test_unknown_activation():
    with pytest.raises(ValueError, match=r"activation: unknown name 'softplus'; expected one of 'relu', "):
        get_activation("softplus")
    with pytest.raises(ValueError, match=r"activation: unknown name 'swish'"):
        Network.random((2, 2), seed=0, activation="swish")


def test_input_and_target_lengths(net):
    with pytest.raises(ValueError, match=r"y: expected shape \(2,\) or \(n_examples, 2\), got \(3,\)"):
        run(net, [0.0] * 4, [0.0, 1.0, 0.0])
    with pytest.raises(ValueError, match=r"x: expected shape \(4,\) or \(n_examples, 4\), got \(3,\)"):
        run(net, [0.0] * 3, [0.0, 1.0])
    with pytest.raises(ValueError, match=r"y: expected 2 examples to match x, got 1"):
        run(net, np.zeros((2, 4)), np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"x: expected an array of numbers"):
        run(net, ["a", "b", "c", "d"], [0.0, 1.0])


def test_param_out_of_range(net):
    tr = run(net, [0.1] * 4, [0.0, 1.0])
    msg = r"param w_5,0\^\(2\): j: expected a neuron of layer 2 in 0..1, got 5"
    with pytest.raises(ValueError, match=msg):
        tr.grad(Param("w", 2, 5, 0))
    with pytest.raises(ValueError, match=r"k: expected a neuron of layer 1 in 0..2, got 3"):
        net.value(Param("w", 2, 0, 3))
    with pytest.raises(ValueError, match=r"layer expected in 1..2, got 3"):
        net.with_value(Param("b", 3, 0), 1.0)
    with pytest.raises(ValueError, match=r"j: expected an input index in 0..3, got 4"):
        tr.grad(Param("x", 0, 4))
    with pytest.raises(ValueError, match=r"l: expected a weight layer in 1..2"):
        net.W(0)
    with pytest.raises(ValueError, match=r"example: expected an example index in 0..0, got 1"):
        weight_chain(tr, 1, 0, 0, example=1)
    with pytest.raises(ValueError, match=r"Param.kind: expected one of"):
        Param("q", 1, 0)
    with pytest.raises(ValueError, match=r"Param.k: a weight needs k"):
        Param("w", 1, 0)
    with pytest.raises(ValueError, match=r"delta: expected a finite number"):
        nudge(net, [0.1] * 4, [0.0, 1.0], Param("b", 1, 0), float("nan"))


def test_training_arguments(net):
    x, y = np.zeros((3, 4)), np.zeros((3, 2))
    with pytest.raises(ValueError, match=r"learning_rate: expected a positive finite number"):
        train(net, x, y, epochs=1, batch_size=2, learning_rate=-1.0, seed=0)
    with pytest.raises(ValueError, match=r"batch_size: expected a positive integer, got 0"):
        train(net, x, y, epochs=1, batch_size=0, learning_rate=1.0, seed=0)
    with pytest.raises(ValueError, match=r"snapshot_steps: expected steps in 0..2, got 3"):
        train(net, x, y, epochs=1, batch_size=2, learning_rate=1.0, seed=0, snapshot_steps=(3,))


def test_arrays_are_read_only_copies(net):
    W = np.ones((2, 2))
    n = Network((W,), (np.zeros(2),))
    W[0, 0] = 5.0
    assert n.W(1)[0, 0] == 1.0
    with pytest.raises(ValueError):
        n.W(1)[0, 0] = 2.0
    assert n.W(1).dtype == np.float64
