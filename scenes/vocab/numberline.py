"""A number line per quantity, zoomed onto its value, with a dot that
follows a nudge and a brace as long as the real change.

All the lines of one chain of nudges share one zoom (`shared_unit`), so the
braces compare honestly: a brace twice as long is a change twice as big.
Each line is a window centred between the value before and after the
nudge; its ticks are evenly spaced at the same step on every line
(`tick_step`), and `scale_bar` draws one step with its value under the
stack, so "all at the same zoom" can be read off the screen.

    unit = shared_unit([dw, dz, da, dC], length=4)
    line = NudgeLine(label, before=z0, after=z1, unit=unit, color=theme.z, theme=theme)
    line.bind(lambda: current_z())      # the dot follows an engine function
    line.brace_change(label_mob)        # brace from before to after, label under
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Brace,
    Dot,
    Line,
    Mobject,
    VGroup,
)

from scenes import style


def shared_unit(changes: Sequence[float], length: float, fill: float = 0.4) -> float:
    """Screen units per unit of value, so that the largest |change| spans
    `fill` of a line of `length` (one zoom for every line of a chain)."""
    biggest = max((abs(float(c)) for c in changes), default=0.0)
    if biggest == 0.0 or not math.isfinite(biggest):
        return 1.0
    return fill * length / biggest


def _nice_step(target: float) -> float:
    """1, 2 or 5 times a power of ten, close to `target`."""
    if target <= 0 or not math.isfinite(target):
        return 1.0
    exp = math.floor(math.log10(target))
    base = target / 10**exp
    mult = 1 if base < 1.5 else 2 if base < 3.5 else 5 if base < 7.5 else 10
    return mult * 10**exp


def tick_step(unit: float, tick_spacing: float = 0.5) -> float:
    """The value between two ticks of a line drawn at `unit` screen units per unit of value."""
    return _nice_step(tick_spacing / float(unit))


def scale_bar(unit: float, step: float, label: Mobject, color: str) -> VGroup:
    """A bar as long as one tick step (`step` in value, `step * unit` on screen),
    with end caps and `label` (the step's value, as the scene shows it) beside it."""
    length = step * unit
    bar = VGroup(
        Line(ORIGIN, RIGHT * length, color=color, stroke_width=3),
        Line(0.09 * DOWN, 0.09 * UP, color=color, stroke_width=3),
        Line(RIGHT * length + 0.09 * DOWN, RIGHT * length + 0.09 * UP, color=color, stroke_width=3),
    )
    label.next_to(bar, RIGHT, buff=0.2)
    return VGroup(bar, label)


class NudgeLine(VGroup):
    """One quantity's zoomed number line: label, axis, ticks, dot."""

    def __init__(
        self,
        label: Mobject,
        *,
        before: float,
        after: float,
        unit: float,
        color: str,
        theme: style.Theme,
        length: float = 4.0,
        tick_spacing: float = 0.5,
        label_width: float = 1.3,
        dot_radius: float = 0.09,
    ):
        super().__init__()
        self.before, self.after = float(before), float(after)
        self.unit = float(unit)
        self.length = float(length)
        self.center_value = (self.before + self.after) / 2
        self.theme = theme
        self.axis = Line(LEFT * length / 2, RIGHT * length / 2, color=theme.muted, stroke_width=2)
        self.ticks = VGroup()
        step = tick_step(self.unit, tick_spacing)
        self.tick_step = step
        lo = self.center_value - length / 2 / self.unit
        hi = self.center_value + length / 2 / self.unit
        first = math.ceil(lo / step)
        for i in range(first, math.floor(hi / step) + 1):
            p = self.axis.get_center() + (i * step - self.center_value) * self.unit * RIGHT
            self.ticks.add(Line(p + 0.07 * DOWN, p + 0.07 * UP, color=theme.muted, stroke_width=1.5))
        self.label = label
        label.next_to(self.axis, LEFT, buff=0.25)
        # Labels of different widths still line up their axes.
        label.shift((label_width - label.width) / 2 * LEFT)
        self.dot = Dot(radius=dot_radius, color=color)
        self.value = self.before
        self.dot.move_to(self.point(self.before))
        self.ghost = Dot(radius=dot_radius * 0.8, color=color, fill_opacity=0.35)
        self.ghost.move_to(self.dot)
        self.add(self.axis, self.ticks, self.label, self.dot)

    def point(self, value: float):
        """Where `value` sits on this line (in the line's current position)."""
        return self.axis.get_center() + (float(value) - self.center_value) * self.unit * RIGHT

    def value_at(self, x: float) -> float:
        """The value under screen abscissa `x` (inverse of `point`)."""
        return self.center_value + (x - self.axis.get_center()[0]) / self.unit

    def move_dot(self, value: float) -> None:
        self.value = float(value)
        self.dot.move_to(self.point(value))

    def bind(self, fn: Callable[[], float]) -> None:
        """Let the dot follow `fn()` on every frame (e.g. an engine re-run)."""

        def follow(dot: Mobject) -> None:
            self.value = float(fn())
            dot.move_to(self.point(self.value))

        self.dot.clear_updaters()
        self.dot.add_updater(follow)

    def unbind(self) -> None:
        self.dot.clear_updaters()

    def leave_ghost(self) -> Dot:
        """A faint dot at the value before the nudge (to measure from)."""
        self.ghost.move_to(self.point(self.before))
        return self.ghost

    def change_brace(self, label: Mobject | None = None, *, buff: float = 0.12) -> VGroup:
        """A brace under the axis from the value before to the value after
        (length = |after - before| × unit), with `label` under it."""
        a, b = self.point(self.before), self.point(self.after)
        left, right = (a, b) if a[0] <= b[0] else (b, a)
        width = right[0] - left[0]
        span = Line(left, right)
        if width >= 0.3:
            brace = Brace(span, DOWN, buff=buff + 0.05, color=self.theme.highlight)
        else:  # too short for a curly brace: a bracket of the true width
            y = left[1] - buff - 0.12
            brace = VGroup(
                Line([left[0], y, 0], [right[0], y, 0], color=self.theme.highlight, stroke_width=3),
                Line([left[0], y, 0], [left[0], y + 0.1, 0], color=self.theme.highlight, stroke_width=3),
                Line([right[0], y, 0], [right[0], y + 0.1, 0], color=self.theme.highlight, stroke_width=3),
            )
        group = VGroup(brace)
        group.brace_width = width
        if label is not None:
            label.next_to(brace, DOWN, buff=0.06)
            group.add(label)
        return group

    def readout_slot(self, mob: Mobject, buff: float = 0.25) -> Mobject:
        """Put a readout (a recorded number) to the right of the axis."""
        return mob.next_to(self.axis, RIGHT, buff=buff)


def stack_lines(lines: Sequence[NudgeLine], gap: float = 0.95) -> VGroup:
    """Lines one under the other with their axes aligned."""
    group = VGroup(*lines)
    for i, line in enumerate(lines[1:], start=1):
        line.shift(lines[0].axis.get_center() - line.axis.get_center() + i * gap * DOWN)
    return group
