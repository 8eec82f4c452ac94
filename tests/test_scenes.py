"""Every lecture scene, for every shipped lecture, built in the fast mode
(no video): its layout stays clean at every step and every number it shows
equals a fresh engine computation of the same lecture file."""

from __future__ import annotations

import math

import pytest
from conftest import LECTURES
from reference_values import independent_namespace, uses_engine_only

from engine.lecture import load_lecture
from scenes.checks import equation_problem, format_shown
from scenes.values import evaluate, namespace
from studio import catalog

SCENES = catalog.scenes()
CASES = [(entry, lecture) for lecture in LECTURES for entry in SCENES]


@pytest.fixture(scope="module")
def built(built_scene):
    """Scenes constructed once per (scene, lecture) per session (conftest.built_scene)."""
    return lambda entry, lecture_path: built_scene(entry.name, lecture_path)


def _id(case) -> str:
    entry, lecture = case
    return f"{entry.name}-{lecture.stem}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_scene_constructs_with_a_clean_layout(case, built) -> None:
    entry, lecture_path = case
    scene = built(entry, lecture_path)
    assert len(scene.steps) >= 2, "a scene is a storyboard of named steps"
    assert scene.renderer.time > 3, "a scene that shows nothing for long"
    assert scene.layout_problems == []


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_every_number_shown_is_the_engines(case, built) -> None:
    entry, lecture_path = case
    scene = built(entry, lecture_path)
    lecture = load_lecture(lecture_path)
    fresh, independent = namespace(lecture), independent_namespace(lecture)
    for shown in scene.shown:
        # recomputed by the hand-written reference, not the engine (training results excepted)
        expected = evaluate(shown.source, fresh if uses_engine_only(shown.source) else independent)
        assert math.isclose(shown.value, expected, rel_tol=1e-9, abs_tol=1e-12), (
            f"{shown.label} shows {shown.value}, recomputed: {expected} ({shown.source})"
        )
        decimals = len(shown.text.split(".")[1]) if "." in shown.text else 0
        assert shown.text == format_shown(expected, decimals), f"{shown.label}: displayed {shown.text!r}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_every_calculation_shown_checks_out_from_its_shown_operands(case, built) -> None:
    entry, lecture_path = case
    scene = built(entry, lecture_path)
    shown = {s.text.lstrip("-") for s in scene.shown}
    for eq in scene.equations:
        assert equation_problem(eq.expr, eq.result, eq.approx) is None, f"{eq.what}: {eq.expr} -> {eq.result}"
        assert eq.result.lstrip("-") in shown, f"{eq.what}: the result {eq.result} is not a recorded number"


def test_the_catalog_is_in_lesson_order() -> None:
    orders = [e.order for e in SCENES]
    assert orders == sorted(orders)
    assert SCENES[0].name == "TitleCard"
    assert len({e.name for e in SCENES}) == len(SCENES)


@pytest.mark.parametrize("case", [c for c in CASES if c[1].stem == "default"], ids=lambda c: c[0].name)
def test_scene_captions_are_written(case, built) -> None:
    entry, lecture_path = case
    scene = built(entry, lecture_path)
    assert scene.captions, "captions on in the default lecture, so every scene has some"
    assert all(text.strip() for _, _, text in scene.captions)
