"""Colours, sizes, fonts and timings: the one place a scene's look is set.

The colour roles follow the lesson's visual language: z green, the cost and
its derivatives red, the desired output y yellow, biases pink, activations
white (ink on the light theme), weights blue when positive and red when
negative, callouts and path highlights yellow.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    ink: str  # ordinary text and activations
    muted: str  # secondary text, ellipses, axes
    z: str
    cost: str
    target: str
    bias: str
    weight_pos: str
    weight_neg: str
    highlight: str
    neuron_fill: str  # fill of a neuron, opacity = activation
    neuron_text_bright: str  # number inside a bright neuron
    ghost: str  # the desired-output ghost neuron


DARK = Theme(
    name="dark",
    background="#000000",
    ink="#FFFFFF",
    muted="#888888",
    z="#83C167",
    cost="#FC6255",
    target="#FFFF00",
    bias="#D147BD",
    weight_pos="#58C4DD",
    weight_neg="#FC6255",
    highlight="#FFFF00",
    neuron_fill="#FFFFFF",
    neuron_text_bright="#000000",
    ghost="#FFFF00",
)

# For slides and print: dark ink on white; the same roles, darker tones so
# that thin strokes stay readable on paper and every role colour keeps a
# contrast of at least 4.5:1 with the background (tests/test_style.py).
LIGHT = Theme(
    name="light",
    background="#FFFFFF",
    ink="#1A1A1A",
    muted="#666666",
    z="#267326",
    cost="#D0312D",
    target="#8A6A00",
    bias="#A0308E",
    weight_pos="#1F6FB2",
    weight_neg="#D0312D",
    highlight="#8A6A00",
    neuron_fill="#1A1A1A",
    neuron_text_bright="#FFFFFF",
    ghost="#8A6A00",
)

THEMES: dict[str, Theme] = {t.name: t for t in (DARK, LIGHT)}


@dataclass(frozen=True)
class Sizes:
    title: float = 56
    heading: float = 40
    body: float = 30
    caption: float = 26
    small: float = 22
    tex: float = 40  # MathTex font size for formulas
    tex_small: float = 32
    neuron_radius: float = 0.32
    neuron_text: float = 18
    edge_min_width: float = 0.6
    edge_max_width: float = 7.0
    frame_margin: float = 0.15  # how close to the frame edge anything may come


@dataclass(frozen=True)
class Timings:
    write: float = 1.0
    transform: float = 1.0
    nudge: float = 1.5
    flash: float = 0.6
    pause: float = 0.6
    long_pause: float = 1.2


SIZES = Sizes()
TIMINGS = Timings()

# Numbers on screen: how many decimals each kind of quantity shows.
DECIMALS = 2  # activations, weights, biases
DECIMALS_FINE = 4  # derivatives and nudge-sized changes


def theme(name: str) -> Theme:
    try:
        return THEMES[name]
    except KeyError:
        raise ValueError(f"theme: expected one of {sorted(THEMES)}, got {name!r}") from None
