"""Unit tests of the chain vocabulary: number lines, dependency tree, equations."""

from __future__ import annotations

import numpy as np
import pytest
from manim import MathTex, tempconfig

import engine
from engine.lecture import load_lecture
from scenes import style
from scenes.vocab.equations import Notation, exponent_boxes, lift, symbol_parts, values_under
from scenes.vocab.numberline import NudgeLine, shared_unit, stack_lines
from scenes.vocab.tree import DependencyTree

QUIET = {"verbosity": "ERROR", "disable_caching": True}


@pytest.fixture(scope="module", autouse=True)
def quiet(tmp_path_factory):
    with tempconfig({**QUIET, "media_dir": str(tmp_path_factory.mktemp("media"))}):
        yield


@pytest.fixture(scope="module")
def nudge():
    chain = load_lecture("default").chain
    return engine.nudge(chain.network, chain.x, chain.y, engine.Param("w", chain.follow, 0, 0), chain.nudge)


def _line(before, after, unit, length=4.0):
    return NudgeLine(MathTex("z"), before=before, after=after, unit=unit, color="#83C167",
                     theme=style.DARK, length=length)


def test_dot_sits_at_engine_value(nudge):
    ln = nudge.layer(3)
    z0, z1 = ln.z_before[0], ln.z_after[0]
    line = _line(z0, z1, unit=200.0)
    assert line.value_at(line.dot.get_x()) == pytest.approx(z0, abs=1e-9)
    line.move_dot(z1)
    assert line.value_at(line.dot.get_x()) == pytest.approx(z1, abs=1e-9)
    # the window is centred between before and after: both on the axis
    for v in (z0, z1):
        assert line.axis.get_left()[0] <= line.point(v)[0] <= line.axis.get_right()[0]


def test_bound_dot_follows_function(nudge):
    line = _line(0.0, 0.01, unit=100.0)
    value = {"v": 0.004}
    line.bind(lambda: value["v"])
    line.dot.update()
    assert line.value_at(line.dot.get_x()) == pytest.approx(0.004)
    line.unbind()
    assert not line.dot.updaters


def test_braces_proportional_to_real_changes(nudge):
    changes = [nudge.value_after - nudge.value_before, nudge.layer(3).dz_actual[0],
               nudge.layer(3).da_actual[0], nudge.dC_actual]
    unit = shared_unit(changes, 4.0)
    assert max(abs(c) for c in changes) * unit == pytest.approx(0.4 * 4.0)
    widths = []
    for c in changes:
        line = _line(1.0, 1.0 + c, unit)
        widths.append(line.change_brace().brace_width)
    ratios = np.array(widths) / np.abs(changes)
    assert np.allclose(ratios, unit, rtol=1e-6)


def test_stacked_lines_align_axes():
    lines = [_line(0, 1, 1.0), _line(5, 6, 1.0), _line(-3, -2, 1.0)]
    stack_lines(lines, gap=1.0)
    xs = {round(line.axis.get_center()[0], 6) for line in lines}
    assert len(xs) == 1
    ys = [line.axis.get_center()[1] for line in lines]
    assert np.allclose(np.diff(ys), -1.0)


def test_tree_grows_upward_and_keeps_room():
    nt = Notation(3, style.DARK)
    tree = DependencyTree(nt, lowest=3, reach=2)
    assert set(tree.nodes) == {("C",), ("a", 3), ("y",), ("z", 3), ("w", 3), ("a", 2), ("b", 3)}
    frame_before = tree.frame.get_center().copy()
    a2 = tree.node("a", 2).get_center().copy()
    nodes, edges = tree.grow()
    assert len(nodes) == 4 and len(edges) == 4
    assert {("z", 2), ("w", 2), ("a", 1), ("b", 2)} <= set(tree.nodes)
    # the new layer sits above a^(L-1), inside the reserved frame, nothing moved
    assert tree.node("z", 2).get_y() > a2[1]
    assert np.allclose(tree.frame.get_center(), frame_before)
    for key in tree.nodes:
        n = tree.nodes[key]
        assert tree.frame.get_top()[1] >= n.get_top()[1] and tree.frame.get_bottom()[1] <= n.get_bottom()[1]
    assert not tree.can_grow()
    with pytest.raises(ValueError):
        tree.grow()


def test_tree_long_path():
    tree = DependencyTree(Notation(3, style.DARK), lowest=2)
    keys = tree.path(("w", 2))
    assert keys == [("w", 2), ("z", 2), ("a", 2), ("z", 3), ("a", 3), ("C",)]
    assert len(tree.path_edges(keys)) == 5


def test_equation_symbols_colours_and_boxes():
    nt = Notation(3, style.DARK, r"\sigma", {3: 2.1, 2: -1.2})
    f = nt.tex(nt.z(3), "=", nt.w(3), nt.a(2), "+", nt.b(3))
    assert len(symbol_parts(f, nt.z(3))) == 1
    assert symbol_parts(f, nt.z(3))[0].get_color().to_hex().upper() == style.DARK.z.upper()
    assert nt.color_of(nt.w(2)) == style.DARK.weight_neg
    assert nt.color_of(nt.w(3)) == style.DARK.weight_pos
    boxes = exponent_boxes(f, nt)
    assert len(boxes) == 4  # (L), (L), (L-1), (L)
    # each box surrounds a superscript, above the letter's baseline
    letter = symbol_parts(f, nt.z(3))[0][0]
    assert boxes[0].get_bottom()[1] > letter.get_bottom()[1] - 0.05


def test_values_under_and_lift():
    nt = Notation(3, style.DARK)
    src = nt.tex(nt.C, "=", r"\left(", nt.a(3), "-", nt.y, r"\right)^2")
    dst = nt.tex(nt.d(nt.C, nt.a(3)), "=", "2", r"\left(", nt.a(3), "-", nt.y, r"\right)")
    moves, rest = lift(src, [nt.a(3), nt.y], dst, start=2)
    assert len(moves) == 2
    moved = {id(g) for sym in (nt.a(3), nt.y) for g in symbol_parts(dst, sym)[0].submobjects}
    assert not moved & {id(g) for g in rest}
    num = MathTex("0.67")
    values_under(src, [(nt.a(3), num)])
    assert num.get_top()[1] < symbol_parts(src, nt.a(3))[0].get_bottom()[1]
    assert abs(num.get_x() - symbol_parts(src, nt.a(3))[0].get_x()) < 1e-6
