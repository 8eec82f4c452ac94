"""The chain scenes' words agree with their numbers (scenes/chain_rule.py,
scenes/chain_intro.py), on every shipped lecture, and the pieces of the
central move (measured ratios becoming the chain rule's factors) hold.

The claims checked here are the ones the narration makes:
- the nudge moves each quantity by the changes it names, and each ratio of
  changes is "very close" to its derivative;
- the ratios multiply to the measured ratio of cost to weight ("nothing is lost");
- "with a nudge ten times smaller ... closer still to the derivative";
- "nudge one and the cost moves" (by an amount the screen shows).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import LECTURES

import engine
from engine.lecture import load_lecture
from scenes import chain_common as cc
from scenes import checks
from scenes.chain_intro import INTRO_NUDGE


def _setup(path):
    lec = load_lecture(path)
    ch = lec.chain
    p = engine.Param("w", ch.follow, 0, 0)
    nudge = engine.nudge(ch.network, ch.x, ch.y, p, ch.nudge)
    small = engine.nudge(ch.network, ch.x, ch.y, p, ch.nudge / 10)
    chain = engine.long_chain(engine.run(ch.network, ch.x, ch.y), p)
    return lec, nudge, small, chain


def _changes(n: engine.Nudge) -> list[float]:
    """Δw, then Δz, Δa per layer, then ΔC_0: the number lines' changes in order."""
    out = [n.value_after - n.value_before]
    for ln in n.layers:
        out += [float(ln.dz_actual[0]), float(ln.da_actual[0])]
    return out + [n.dC_actual]


@pytest.mark.parametrize("path", LECTURES, ids=[p.stem for p in LECTURES])
def test_each_measured_ratio_is_very_close_to_its_derivative(path) -> None:
    _, n, _, chain = _setup(path)
    d = _changes(n)
    ratios = [b / a for a, b in zip(d, d[1:], strict=False)]
    assert len(ratios) == len(chain.factors), "one ratio of changes per factor of the chain rule"
    for r, f in zip(ratios, chain.factors, strict=True):
        assert math.isclose(r, f.value, rel_tol=0.02), f"{f.tex}: measured {r}, derivative {f.value}"


@pytest.mark.parametrize("path", LECTURES, ids=[p.stem for p in LECTURES])
def test_the_ratios_multiply_to_the_cost_per_weight(path) -> None:
    _, n, _, _ = _setup(path)
    d = _changes(n)
    product = float(np.prod([b / a for a, b in zip(d, d[1:], strict=False)]))
    assert math.isclose(product, n.dC_actual / d[0], rel_tol=1e-9)


@pytest.mark.parametrize("path", LECTURES, ids=[p.stem for p in LECTURES])
def test_a_smaller_nudge_measures_closer_to_the_derivative(path) -> None:
    _, n, small, chain = _setup(path)
    big_ratio = n.dC_actual / (n.value_after - n.value_before)
    small_ratio = small.dC_actual / (small.value_after - small.value_before)
    assert abs(small_ratio - chain.product) < abs(big_ratio - chain.product)
    # as shown (4 decimals), the smaller nudge is not further from the derivative either
    shown = [float(checks.format_shown(v, 4)) for v in (big_ratio, small_ratio, chain.product)]
    assert abs(shown[1] - shown[2]) <= abs(shown[0] - shown[2])


@pytest.mark.parametrize("path", LECTURES, ids=[p.stem for p in LECTURES])
def test_the_nudge_is_a_chain_each_change_caused_by_the_one_before(path) -> None:
    """Every change on the path is non-zero (a ratio can be formed) and visible at 6 decimals."""
    _, n, _, _ = _setup(path)
    for delta in _changes(n):
        assert float(checks.format_shown(delta, 6)) != 0.0


@pytest.mark.parametrize("path", LECTURES, ids=[p.stem for p in LECTURES])
def test_nudging_any_parameter_changes_the_cost_visibly(path) -> None:
    lec = load_lecture(path)
    ch = lec.chain
    net = ch.network
    base = engine.run(net, ch.average_x, ch.average_y).cost
    for p in (engine.Param("w", net.L, 0, 0), engine.Param("b", 1, 0)):
        after = engine.run(net.with_value(p, net.value(p) + INTRO_NUDGE), ch.average_x, ch.average_y).cost
        assert checks.format_shown(after, 4) != checks.format_shown(base, 4), f"{p}: the cost does not visibly move"


def test_relation_says_approx_only_when_the_shown_operands_do_not_give_the_result() -> None:
    assert cc.relation("0.5245 * 0.2216 * (-0.6630)", "-0.0771") == ("=", False)
    assert cc.relation("0.62 * 0.24 * 0.84", "0.1271") == (r"\approx", True)


def test_spoken_names_are_relative_to_the_last_layer() -> None:
    assert cc.spoken("w", 3, 3) == "w of L"
    assert cc.spoken("a", 1, 3) == "a of L minus 2"


# --- the drawing pieces (manim) ------------------------------------------------------------


def test_scale_bar_is_one_tick_long_and_every_line_ticks_alike() -> None:
    pytest.importorskip("manim")
    from manim import MathTex

    from scenes import style
    from scenes.vocab.numberline import NudgeLine, scale_bar, shared_unit, tick_step

    unit = shared_unit([0.01, 0.005, -0.0008], 4.0)
    lines = [NudgeLine(MathTex("x"), before=b, after=b + c, unit=unit, color="#FFFFFF", theme=style.DARK)
             for b, c in ((2.1, 0.01), (0.7, 0.005), (0.11, -0.0008))]
    steps = {line.tick_step for line in lines}
    assert steps == {tick_step(unit)}
    for line in lines:  # ticks really are one step apart on screen
        xs = sorted(t.get_x() for t in line.ticks)
        assert np.allclose(np.diff(xs), tick_step(unit) * unit)
    bar = scale_bar(unit, tick_step(unit), MathTex("0.002"), "#888888")
    assert math.isclose(bar[0][0].get_length(), tick_step(unit) * unit)


def test_fraction_parts_split_numerator_bar_and_denominator() -> None:
    pytest.importorskip("manim")
    from scenes import style
    from scenes.vocab.equations import Notation, fraction_parts

    nt = Notation(3, style.DARK)
    frac = nt.tex(r"\frac{\Delta z^{(L)}}{\Delta w^{(L)}}")
    num, bar, den = fraction_parts(frac)
    assert len(num) == len(den) == 5  # Δ, the letter, "(", "L", ")"
    assert num.get_bottom()[1] > bar.get_y() > den.get_top()[1]


def test_not_powers_marks_are_patches_not_outlines_over_the_glyphs() -> None:
    """An outline box crosses the formula's glyphs (the check flags a label on a line); a patch does not."""
    pytest.importorskip("manim")
    from scenes import style
    from scenes.vocab.equations import Notation, exponent_boxes

    nt = Notation(3, style.DARK)
    formula = nt.tex(nt.z(3), "=", nt.w(3), nt.a(2), "+", nt.b(3))
    texts = checks.outer_texts(formula)
    assert checks.texts_on_lines(texts, [exponent_boxes(formula, nt)])
    marks = exponent_boxes(formula, nt, filled=True)
    assert len(marks) == 4
    assert checks.texts_on_lines(texts, [marks]) == []
