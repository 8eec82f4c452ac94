"""What Recap, LearningForReal and CheckingTheCalculus say about their numbers is true."""

from __future__ import annotations

import math

import pytest
from conftest import LECTURES

import engine
from engine.lecture import load_lecture
from scenes.learning import AGREEMENT_FLOOR
from scenes.multi_data import GRAD_CHECK_H, digit_training, grad_checks, learned_digit

NAMES = [p.stem for p in LECTURES]


@pytest.mark.parametrize("name", NAMES)
def test_the_featured_held_out_digit_is_wrong_before_training_and_right_after(name: str) -> None:
    lecture = load_lecture(name)
    ld = learned_digit(lecture)
    _, test_idx = engine.digit_split()
    assert ld.index in set(int(i) for i in test_idx), "a digit the network never trains on"
    assert ld.guesses[0] != ld.label and ld.guesses[-1] == ld.label


def test_the_narration_follows_the_featured_digit(built_scene) -> None:
    scene = built_scene("LearningForReal", "default")
    ld = learned_digit(load_lecture("default"))
    assert f"It shows a {ld.label}" in scene.narration["digit"]
    assert "a wrong guess" in scene.narration["digit"]
    assert f"held-out {ld.label} is now right" in scene.narration["result"]


@pytest.mark.parametrize("name", NAMES)
def test_accuracy_before_training_is_about_chance_and_rises(name: str) -> None:
    tr = digit_training(load_lecture(name))
    assert abs(tr.acc_before - 0.1) < 0.05  # what the narration says: "about what guessing gives"
    assert tr.acc_after > 0.9


def test_the_cost_falls_fast_at_first_then_slowly() -> None:
    costs = digit_training(load_lecture("default")).history.costs
    tenth = len(costs) // 10
    early_drop = costs[:tenth].mean() - costs[tenth : 2 * tenth].mean()
    late_drop = costs[-2 * tenth : -tenth].mean() - costs[-tenth:].mean()
    assert early_drop > 5 * abs(late_drop) and costs[-tenth:].mean() < costs[:tenth].mean() / 3


@pytest.mark.parametrize("name", NAMES)
def test_the_recap_product_is_backpropagations_number(name: str) -> None:
    m = load_lecture(name).multi
    tr = engine.run(m.network, m.x, m.y)
    act = engine.get_activation(m.network.activation)
    L = m.network.L
    product = tr.a(L - 1)[m.k] * act.df(tr.z(L)[m.j]) * 2 * (tr.a(L)[m.j] - tr.y[0][m.j])
    assert math.isclose(float(product), tr.grad(engine.Param("w", L, m.j, m.k)), rel_tol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_agreement_below_the_floor_is_reproducible(name: str) -> None:
    """'Every gap is below 1e-8' holds at the step shown and at ten times it: not luck of one step size."""
    lecture = load_lecture(name)
    for h in (GRAD_CHECK_H, 10 * GRAD_CHECK_H):
        assert max(c.log_rel for c in grad_checks(lecture, h)) < math.log10(AGREEMENT_FLOOR)


def test_the_table_never_claims_a_gap_below_what_it_can_resolve(built_scene) -> None:
    scene = built_scene("CheckingTheCalculus", "default")
    assert not [s for s in scene.shown if "relative gap" in s.label], "gaps below the floor are shown as < 10^-8"
    assert "below ten to the minus 8" in scene.narration["agree"]
