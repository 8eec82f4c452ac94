"""A small numpy engine for the calculus of backpropagation.

Notation follows the lesson: layers l = 0..L (layer 0 is the input x = a^(0)),
``W^(l)[j, k] = w_jk^(l)`` ("to, from"), zero-based neuron indices, and the
cost of one example ``C_0 = Σ_j (a_j^(L) - y_j)^2`` with no ½.

numpy and the standard library only: no manim here.
"""

from .activations import ACTIVATIONS, Activation, get_activation
from .digits import digit_network, digit_split, load_digits, one_hot, train_test_split
from .io import load_network, load_trace, save_network, save_trace, trace_from_json, trace_to_json
from .lesson import (
    PATH_LIMIT,
    Averaging,
    Chain,
    Factor,
    LayerNudge,
    Nudge,
    SummedPaths,
    activation_chain,
    all_paths,
    averaging,
    bias_chain,
    gradient_vector,
    long_chain,
    nudge,
    numerical_gradient,
    summed_paths,
    weight_chain,
)
from .network import Network, Param
from .trace import LayerTrace, Trace, cost_of, feedforward, run
from .training import TrainingHistory, accuracy, gradient_descent_step, train

__all__ = [
    "ACTIVATIONS", "PATH_LIMIT", "Activation", "Averaging", "Chain", "Factor", "LayerNudge",
    "LayerTrace", "Network", "Nudge", "Param", "SummedPaths", "Trace", "TrainingHistory",
    "accuracy", "activation_chain", "all_paths", "averaging", "bias_chain", "cost_of",
    "digit_network", "digit_split", "feedforward", "get_activation", "gradient_descent_step",
    "gradient_vector", "load_digits", "load_network", "load_trace", "long_chain",
    "numerical_gradient", "nudge", "one_hot", "run", "save_network", "save_trace",
    "summed_paths", "train", "train_test_split", "trace_from_json", "trace_to_json",
    "weight_chain",
]
