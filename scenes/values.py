"""The engine values a lecture's scenes show, computed once per lecture.

Scenes read numbers from here; each number on screen records a `source`,
an expression over `namespace(lecture)`, so a test can evaluate it against
a fresh engine computation of the same lecture file. No manim here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import engine
from engine.lecture import Lecture
from scenes import multi_data


class LazyNamespace(dict):
    """A dict whose entries are computed on first use (training is not free)."""

    def __init__(self, factories: dict[str, Callable[[], Any]], **ready: Any):
        super().__init__(ready)
        self._factories = factories

    def __missing__(self, key: str) -> Any:
        if key not in self._factories:
            raise KeyError(key)
        value = self[key] = self._factories[key]()
        return value


def namespace(lecture: Lecture) -> LazyNamespace:
    """Names a manifest `source` may use: lecture, engine, np and the setups."""
    followed = engine.Param("w", lecture.chain.follow, 0, 0)  # the weight the chain scenes follow
    return LazyNamespace(
        {
            "chain_trace": lambda: engine.run(lecture.chain.network, lecture.chain.x, lecture.chain.y),
            "multi_trace": lambda: engine.run(lecture.multi.network, lecture.multi.x, lecture.multi.y),
            "chain_param": lambda: followed,
            "chain_nudge": lambda: engine.nudge(
                lecture.chain.network, lecture.chain.x, lecture.chain.y,
                followed, lecture.chain.nudge,
            ),
            "chain_avg": lambda: engine.averaging(
                lecture.chain.network, lecture.chain.average_x, lecture.chain.average_y,
                followed,
            ),
            "chain_batch_trace": lambda: engine.run(
                lecture.chain.network, lecture.chain.average_x, lecture.chain.average_y
            ),
            "digit_net": engine.digit_network,
            "digits": engine.load_digits,
            "multi_data": lambda: multi_data,
            "digit_trace": lambda: multi_data.digit_trace(lecture),
            "digit_training": lambda: multi_data.digit_training(lecture),
            "learned_digit": lambda: multi_data.learned_digit(lecture),
            "grad_checks": lambda: multi_data.grad_checks(lecture),
        },
        lecture=lecture,
        chain=lecture.chain,
        multi=lecture.multi,
        engine=engine,
        np=np,
    )


def evaluate(source: str, ns: LazyNamespace) -> float:
    """The value of a manifest source expression (our own code strings only)."""
    return float(eval(source, {"__builtins__": {}}, ns))  # noqa: S307 - sources are written in scenes/
