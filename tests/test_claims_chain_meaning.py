"""What the chain scenes of segments 3-5 say about their numbers, checked on
the numbers (DerivativesScene, MeaningScene, BiasAndPreviousLayerScene), and
the issue-9 defects of these scenes kept out: each test fails if its defect
is put back."""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import ROOT

import engine
from engine.lecture import load_lecture
from scenes import checks
from scenes.chain_derivatives import bracket, product_parts, relation
from scenes.chain_meaning import compared_activations, mean_expr, sample_rows
from studio import catalog
from studio.runner import construct
from studio.texlock import share_tex_cache

LECTURES = {name: ROOT / "assets" / "lectures" / f"{name}.toml" for name in ("default", "relu", "wide")}
ENTRIES = {e.name: e for e in catalog.scenes()}


@pytest.fixture(scope="module")
def built(tmp_path_factory, tex_cache):
    share_tex_cache(tex_cache)
    cache: dict = {}

    def get(scene: str, lecture: str):
        key = (scene, lecture)
        if key not in cache:
            cache[key] = construct(ENTRIES[scene], LECTURES[lecture], tmp_path_factory.mktemp("media"), check=True)
        return cache[key]

    return get


def shown_text(value: float, decimals: int = 4) -> str:
    return checks.format_shown(value, decimals)


# --- value logic, no scene ------------------------------------------------------------


def test_factors_side_by_side_never_read_as_a_subtraction() -> None:
    parts, expr = product_parts(["0.2478", "-1.0947"])
    assert parts == ["0.2478", r"\cdot", r"\left(-1.0947\right)"]
    assert expr == "0.2478 * (-1.0947)"
    assert checks.equation_problem(expr, "-0.2713", False) is None
    assert bracket("-0.50") == "(-0.50)" and bracket("1.00") == "1.00"


def test_relation_says_approx_only_when_the_shown_operands_need_it() -> None:
    assert relation("0.5245 * 0.2216 * (-0.6630)", "-0.0771") == ("=", False)
    assert relation("0.52 * (-0.1469)", "-0.0771") == (r"\approx", True)


def test_mean_expression_reads_negative_terms_as_terms() -> None:
    expr = mean_expr(["0.1761", "-0.0765"])
    assert expr == "(0.1761 + (-0.0765)) / 2"
    assert checks.equation_problem(expr, "0.0498", False) is None


def test_a_long_table_shows_a_sample_of_rows() -> None:
    assert sample_rows(6) == list(range(6))
    rows = sample_rows(40)
    assert None in rows and rows[-1] == 39 and len(rows) == 8


@pytest.mark.parametrize("name", list(LECTURES))
def test_compared_activations_are_less_and_more_active_within_range(name) -> None:
    lec = load_lecture(LECTURES[name])
    tr = engine.run(lec.chain.network, lec.chain.x, lec.chain.y)
    a = float(tr.a(lec.chain.follow - 1)[0])
    lo, hi = compared_activations(a, lec.chain.network.activation)
    assert abs(lo) < abs(a) and abs(lo) <= 0.5 * abs(a) + 0.01  # "less active": clearly so
    assert hi is not None and abs(hi) > abs(a)
    if lec.chain.network.activation in ("sigmoid", "tanh"):
        assert abs(hi) < 1


@pytest.mark.parametrize("name", list(LECTURES))
def test_holding_the_neuron_only_the_previous_activation_factor_differs(name) -> None:
    """The comparison is physical: a network whose previous neuron is s and whose
    bias keeps z^(f) where it was has the gradient s times the same ∂C_0/∂z^(f)."""
    lec = load_lecture(LECTURES[name])
    net, f, y = lec.chain.network, lec.chain.follow, lec.chain.y
    tr = engine.run(net, lec.chain.x, y)
    z, delta = float(tr.z(f)[0]), float(tr.layer(f).dC_dz[0][0])
    w = float(net.W(f)[0, 0])
    tail = engine.Network(net.weights[f - 1:], net.biases[f - 1:], net.activation)
    for s in compared_activations(float(tr.a(f - 1)[0]), net.activation):
        held = tail.with_value(engine.Param("b", 1, 0), z - w * s)
        t = engine.run(held, [s], y)
        assert t.z(1)[0] == pytest.approx(z)
        assert t.layer(1).dC_dz[0][0] == pytest.approx(delta)
        assert t.grad(engine.Param("w", 1, 0, 0)) == pytest.approx(s * delta)


# --- MeaningScene ---------------------------------------------------------------------


@pytest.mark.parametrize("name", list(LECTURES))
def test_meaning_rows_differ_only_in_the_activation_and_words_follow(built, name) -> None:
    scene = built("MeaningScene", name)
    assert scene.layout_problems == []
    rows = scene.rows_shown
    assert len(rows) == 3
    held = {eq.expr.split(" * ")[1] for eq in scene.equations if "held factor" in eq.what}
    assert len(held) == 1, f"the rows must share ∂C_0/∂z: {held}"
    ours, lo, hi = rows
    assert abs(lo.a) < abs(ours.a) < abs(hi.a)
    assert abs(lo.grad) < abs(ours.grad) < abs(hi.grad)
    said_lo, said_hi = scene.narration["less-active"], scene.narration["more-active"]
    assert "shrinks" in said_lo and "grows" in said_hi
    assert "hardly" not in said_lo + said_hi and "bright" not in said_lo + said_hi and "dim" not in said_lo
    assert f"{abs(lo.grad / ours.grad):.2f} times ours" in said_lo
    assert f"{abs(hi.grad / ours.grad):.1f} times ours" in said_hi
    assert lo.grad_text in said_lo and hi.grad_text in said_hi
    for row in rows:  # each shown product is the activation times the held factor
        assert row.grad == pytest.approx(row.a * scene.delta)


@pytest.mark.parametrize("name", list(LECTURES))
def test_meaning_neuron_circle_reads_the_row_being_compared(built, name) -> None:
    scene = built("MeaningScene", name)
    assert len(scene.neuron_readings) == 3
    for label, a_text in scene.neuron_readings:
        assert label == f"{float(a_text):.2f}", f"the circle reads {label} while the row says {a_text}"
    lab = scene.diagram.value_label(scene.f - 1, 0)
    assert scene.diagram.neuron(scene.f - 1, 0).get_fill_opacity() == pytest.approx(
        float(np.clip(scene.rows_shown[-1].a, 0, 1)))
    assert lab.get_value() == pytest.approx(scene.rows_shown[-1].a)


@pytest.mark.parametrize("name", list(LECTURES))
def test_meaning_average_keeps_c_and_c0_apart_and_gradient_has_every_entry(built, name) -> None:
    scene = built("MeaningScene", name)
    lec = load_lecture(LECTURES[name])
    net = lec.chain.network
    avg = engine.averaging(net, lec.chain.average_x, lec.chain.average_y, engine.Param("w", lec.chain.follow, 0, 0))
    mean = shown_text(avg.mean)
    assert mean in scene.narration["average"] and mean in scene.narration["gradient"]
    assert "C zero" in scene.narration["average"]
    mean_labels = {s.label for s in scene.shown if s.source == "chain_avg.mean"}
    assert all("C_" not in lab for lab in mean_labels)  # the average is C, not C_0
    grads = [s for s in scene.shown if s.source.startswith("engine.gradient_vector")]
    assert len(grads) == len(net.params()) == 6
    assert all("C_" not in s.label for s in grads)
    running = [eq for eq in scene.equations if eq.what.startswith("the mean of the first")]
    assert len(running) == len(avg.per_example)
    assert running[-1].result == mean


def test_meaning_relu_shows_no_negative_zero(built) -> None:
    scene = built("MeaningScene", "relu")
    zeros = [s for s in scene.shown if float(s.text) == 0]
    assert zeros, "the relu lecture's first example has a zero derivative"
    assert all(not s.text.startswith("-") for s in zeros)


# --- DerivativesScene -----------------------------------------------------------------


@pytest.mark.parametrize("name", list(LECTURES))
def test_derivatives_payoff_is_large_and_checks_out(built, name) -> None:
    scene = built("DerivativesScene", name)
    assert scene.layout_problems == []
    payoff = checks.text_px(scene.payoff)
    row_sizes = [checks.text_px(part) for row in scene.rows for part in row if checks.text_px(part)]
    assert payoff >= 18 and payoff > max(row_sizes), "the product is the largest text, not the smallest"
    assert scene.payoff.get_bottom()[1] < -2.5, "the product uses the bottom of the frame"
    eq = [e for e in scene.equations if e.what.startswith("the chain rule's product")]
    assert len(eq) == 1
    texts = [shown_text(v) for v in scene.chain.values]
    assert eq[0].expr == product_parts(texts)[1]
    assert eq[0].result == shown_text(scene.chain.product)
    said = scene.narration["product"]
    assert eq[0].result in said
    assert ("raising" in said) == (scene.chain.product < 0)


@pytest.mark.parametrize("name, spoken, tex", [("default", "sigma", r"\sigma'"), ("relu", "ReLU", r"\mathrm{ReLU}'"),
                                               ("wide", "tanh", r"\tanh'")])
def test_derivatives_name_the_lectures_activation(built, name, spoken, tex) -> None:
    scene = built("DerivativesScene", name)
    slopes = [text for step, text in scene.narration.items() if step.startswith("activation-slope")]
    assert slopes and all(spoken in t for t in slopes)
    if name != "default":
        assert not any("sigma" in t for t in scene.narration.values())
    subs = [row[3].tex_string for row in scene.rows if "'" in row[3].tex_string]
    assert subs and all(tex in s for s in subs)
    cost = [e for e in scene.equations if "2(a - y)" in e.what]
    assert len(cost) == 1 and checks.equation_problem(cost[0].expr, cost[0].result, cost[0].approx) is None


# --- BiasAndPreviousLayerScene --------------------------------------------------------


@pytest.mark.parametrize("name", list(LECTURES))
def test_bias_and_previous_swap_only_the_first_factor(built, name) -> None:
    scene = built("BiasAndPreviousLayerScene", name)
    assert scene.layout_problems == []
    lec = load_lecture(LECTURES[name])
    f = lec.chain.follow
    tr = engine.run(lec.chain.network, lec.chain.x, lec.chain.y)
    weight = [shown_text(v) for v in engine.long_chain(tr, engine.Param("w", f, 0, 0)).values]
    bias, prev = scene.shown_chains["bias"], scene.shown_chains["previous"]
    assert bias.values[0] == "1" and list(bias.values[1:]) == weight[1:]
    assert prev.values[0] == shown_text(lec.chain.network.W(f)[0, 0]) and list(prev.values[1:]) == weight[1:]
    assert bias.result in scene.narration["bias"] and prev.result in scene.narration["previous-activation"]


@pytest.mark.parametrize("name", list(LECTURES))
def test_bias_scene_reuses_the_kept_derivative_and_matches_backprop(built, name) -> None:
    scene = built("BiasAndPreviousLayerScene", name)
    lec = load_lecture(LECTURES[name])
    f = lec.chain.follow
    tr = engine.run(lec.chain.network, lec.chain.x, lec.chain.y)
    reuse, path, prev = scene.shown_chains["reuse"], scene.shown_chains["path"], scene.shown_chains["previous"]
    assert len(reuse.values) == 3 and reuse.values[-1] == prev.result  # reuse, not five factors from scratch
    grad = tr.grad(engine.Param("w", f - 1, 0, 0))
    assert reuse.result == path.result == shown_text(grad)
    assert len(path.values) == 2 * (lec.chain.network.L - f + 1) + 3
    assert f"a path of {len(path.values)} factors" in scene.narration["whole-path"]
    assert "cannot be changed directly" in scene.narration["cannot-change"]
    # the scene follows the lecture's weight: one layer back from it, and grows no tree again
    assert "grow-tree" not in scene.steps
    assert any(f"w^{{({'L' if f - 1 == lec.chain.network.L else f'L-{lec.chain.network.L - f + 1}'})}}" in e.what
               for e in scene.equations if "reused" in e.what)
    for eq in scene.equations:
        assert checks.equation_problem(eq.expr, eq.result, eq.approx) is None
        assert not re.search(r"\d - \d", eq.expr), f"a product shown as a subtraction: {eq.expr}"
