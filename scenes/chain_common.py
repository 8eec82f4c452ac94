"""Helpers shared by the one-neuron-per-layer scenes (segments 1-5).

Composition, not a base class: each function takes the scene. Sources of
recorded numbers are expressions over scenes.values.namespace (see there:
chain_trace, chain_nudge, chain_avg, chain_batch_trace, chain_param).
"""

from __future__ import annotations

from manim import DecimalNumber

import engine
from scenes import style
from scenes.vocab.equations import Notation
from scenes.vocab.network import NetworkDiagram

PARAM = "chain_param"  # the followed weight w^(follow), in the namespace


def followed_weight(lecture) -> engine.Param:
    """w^(follow): the weight whose chain of nudges the lecture follows."""
    return engine.Param("w", lecture.chain.follow, 0, 0)


def notation(scene, cost_index: int = 0) -> Notation:
    """The chain's symbols (relative to its last layer), coloured by role."""
    chain = scene.lecture.chain
    net = chain.network
    act = engine.get_activation(net.activation)
    weights = {l: float(net.W(l)[0, 0]) for l in range(1, net.L + 1)}
    return Notation(net.L, scene.theme, act.tex, weights, cost_index)


def trace(scene) -> engine.Trace:
    chain = scene.lecture.chain
    return engine.run(chain.network, chain.x, chain.y)


def diagram(scene, *, width: float = 7.0, height: float = 1.2, values: bool = True,
            neuron_radius: float | None = None) -> NetworkDiagram:
    """The chain of neurons, lit by the lecture's example (numbers recorded)."""
    chain = scene.lecture.chain
    tr = trace(scene)
    acts = [tr.a(l) for l in range(chain.network.L + 1)]
    # The scene is not handed to the diagram (a diagram holding the scene
    # cannot be copied by FadeIn/Transform); its numbers are recorded here.
    d = NetworkDiagram(chain.network, acts, scene.theme, width=width, height=height, show_values=values,
                       neuron_radius=neuron_radius)
    d.record_numbers(scene, "chain_trace.a({l})[{j}]")
    return d


def set_number(scene, mob: DecimalNumber, value: float, *, label: str, source: str,
               decimals: int = style.DECIMALS) -> DecimalNumber:
    """Show a new engine value in an existing number and record it."""
    mob.set_value(float(value))
    scene.record(value, label=label, source=source, decimals=decimals)
    scene.registered(mob)
    return mob


def long_chain(scene, param: engine.Param | None = None) -> engine.Chain:
    """Every local derivative from the parameter to the cost (one example)."""
    return engine.long_chain(trace(scene), param or followed_weight(scene.lecture))


def factor_source(param_expr: str, i: int) -> str:
    return f"engine.long_chain(chain_trace, {param_expr}).factors[{i}].value"


def relation(expr: str, result: str) -> tuple[str, bool]:
    """How a shown calculation is written: ("=", False) when the shown operands give the
    shown result exactly at its precision, else ("\\approx", True) (record it with approx)."""
    from scenes.checks import equation_problem

    exact = equation_problem(expr, result, False) is None
    return ("=", False) if exact else (r"\approx", True)


def spoken_layer(l: int, L: int) -> str:
    """A layer relative to the last, as said aloud: "L", "L minus 1"."""
    return "L" if l == L else f"L minus {L - l}"


def spoken(kind: str, l: int, L: int) -> str:
    """A chain symbol as said aloud: "w of L minus 1"."""
    return f"{kind} of {spoken_layer(l, L)}"


def activation_name(scene) -> str:
    """The lecture's activation as said aloud (sigmoid, ReLU, tanh)."""
    act = engine.get_activation(scene.lecture.chain.network.activation)
    return {"sigmoid": "sigmoid", "relu": "ReLU", "tanh": "tanh"}.get(act.name, act.name)
