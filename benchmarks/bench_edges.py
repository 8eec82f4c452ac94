"""Recolouring every edge of a 784-16-16-10 diagram: NetworkDiagram's colour
buckets against one Line per edge.

    .venv/bin/python benchmarks/bench_edges.py

Renders (480p15, no cache, one process) a 2-second recolour of every shown
edge with both drawings and prints the times and their ratio, then the
bucketed diagram recolouring 1, 2 and 3 of its layers, to show the time grows
with the edges that move.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from manim import AnimationGroup, Line, Scene, VGroup, tempconfig  # noqa: E402

import engine  # noqa: E402
from scenes import style  # noqa: E402
from scenes.vocab.network import NetworkDiagram, edge_style  # noqa: E402

SIZES = (784, 16, 16, 10)
TIMES: dict[str, float] = {}  # seconds spent in the recolouring play() of each scene
NET = engine.Network.random(SIZES, seed=1)
# the "new" edge values: a gradient-like field with both signs
NEW = [np.random.default_rng(2).standard_normal(W.shape) for W in NET.weights]


def diagram() -> NetworkDiagram:
    return NetworkDiagram(NET, None, style.DARK, height=6.5, width=10, max_shown=16, show_values=False)


class Bucketed(Scene):
    layers = (1, 2, 3)

    def construct(self):
        d = diagram()
        self.add(d)
        t = time.perf_counter()
        self.play(d.color_edges_by({l: NEW[l - 1] for l in self.layers}, scale=2.0), run_time=2)
        TIMES[type(self).__name__] = time.perf_counter() - t


class Bucketed1(Bucketed):
    layers = (3,)


class Bucketed2(Bucketed):
    layers = (2, 3)


class Naive(Scene):
    """One Line per shown edge; the edges of `layers` animated."""

    layers = (1, 2, 3)

    def construct(self):
        d = diagram()
        lines = VGroup()
        moving = []
        for l in range(1, NET.L + 1):
            starts, ends = d.edge_layers[l].geometry()
            rows, cols = d.shown(l), d.shown(l - 1)
            for a, j in enumerate(rows):
                for b, k in enumerate(cols):
                    color, width = edge_style(NET.W(l)[j, k] / d.weight_scale, style.DARK, d.edge_widths)
                    line = Line(starts[a, b], ends[a, b], stroke_color=color, stroke_width=width)
                    lines.add(line)
                    if l in self.layers:
                        moving.append((line, edge_style(NEW[l - 1][j, k] / 2.0, style.DARK, d.edge_widths)))
        self.add(VGroup(d.neuron_group, d.extras), lines)
        t = time.perf_counter()
        self.play(
            AnimationGroup(*(line.animate.set_stroke(color=c, width=w) for line, (c, w) in moving)),
            run_time=2,
        )
        TIMES[type(self).__name__] = time.perf_counter() - t


def render(cls) -> float:
    with (
        tempfile.TemporaryDirectory() as media,
        tempconfig(
            {
                "quality": "low_quality",
                "media_dir": media,
                "disable_caching": True,
                "verbosity": "ERROR",
                "progress_bar": "none",
                "write_to_movie": True,
            }
        ),
    ):
        t = time.perf_counter()
        scene = cls()
        scene.render()
        return time.perf_counter() - t


def main() -> None:
    n_edges = sum(len(diagram().shown(l)) * len(diagram().shown(l - 1)) for l in range(1, NET.L + 1))
    render(Bucketed1)  # warm-up: typesets the brace label and ellipsis once
    naive, bucketed = render(Naive), render(Bucketed)
    pn, pb = TIMES["Naive"], TIMES["Bucketed"]
    print(f"784-16-16-10 diagram, {n_edges} shown edges, 2 s recolour at 480p15 (30 frames)")
    print("                       whole render   the recolour play()")
    print(f"  one Line per edge :   {naive:6.2f} s       {pn:6.2f} s")
    print(f"  NetworkDiagram    :   {bucketed:6.2f} s       {pb:6.2f} s")
    print(f"  speed-up          :   {naive / bucketed:6.1f}x       {pn / pb:6.1f}x")
    print("time of the recolour play() against the edges that move:")
    for layers, what in (
        ((3,), "layer 3 (160 edges)"),
        ((2, 3), "layers 2-3 (416 edges)"),
        ((1, 2, 3), "layers 1-3 (672 edges)"),
    ):
        Naive.layers = Bucketed.layers = layers
        render(Naive)
        render(Bucketed)
        print(f"  {what:24s}: one Line per edge {TIMES['Naive']:5.2f} s, NetworkDiagram {TIMES['Bucketed']:5.2f} s")


if __name__ == "__main__":
    main()
