"""Recolouring every edge of a 784-16-16-10 diagram: NetworkDiagram (one
EdgeBundle per layer, drawn by FastEdgeCamera as in every LessonScene) against
one Line per edge (default manim camera, every edge animated).

    .venv/bin/python benchmarks/bench_edges.py

Renders (480p15, no cache, one process, garbage collected before each
render) a 2-second recolour of every shown edge with both drawings, three
times alternating, and prints the median times and their ratio, then both
recolouring 1, 2 and 3 of the layers, to show the time grows with the edges
that move. Issue #5 asks for at least 3x on the recolour.
"""

from __future__ import annotations

import gc
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from manim import AnimationGroup, Line, Scene, VGroup, tempconfig  # noqa: E402

import engine  # noqa: E402
from scenes import style  # noqa: E402
from scenes.vocab.camera import FastEdgeCamera  # noqa: E402
from scenes.vocab.network import NetworkDiagram, edge_style  # noqa: E402

SIZES = (784, 16, 16, 10)
TIMES: dict[str, float] = {}  # seconds spent in the recolouring play() of each scene
NET = engine.Network.random(SIZES, seed=1)
# the "new" edge values: a gradient-like field with both signs
NEW = [np.random.default_rng(2).standard_normal(W.shape) for W in NET.weights]


def diagram() -> NetworkDiagram:
    return NetworkDiagram(NET, None, style.DARK, height=6.5, width=10, max_shown=16, show_values=False)


class Diagram(Scene):
    """NetworkDiagram recolouring the edges of `layers` (run with FastEdgeCamera)."""

    layers = (1, 2, 3)

    def construct(self):
        d = diagram()
        self.add(d)
        t = time.perf_counter()
        self.play(d.color_edges_by({l: NEW[l - 1] for l in self.layers}, scale=2.0), run_time=2)
        TIMES[type(self).__name__] = time.perf_counter() - t


class Diagram1(Diagram):
    layers = (3,)


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


REPEATS = 3  # the shared machine is noisy: the headline numbers are medians
MEDIA = tempfile.mkdtemp(prefix="bench_edges_")  # one media folder: TeX is typeset once


def render(cls, camera_class=None) -> float:
    with (
        tempconfig(
            {
                "quality": "low_quality",
                "media_dir": MEDIA,
                "disable_caching": True,
                "verbosity": "ERROR",
                "progress_bar": "none",
                "write_to_movie": True,
            }
        ),
    ):
        gc.collect()  # no garbage of the previous render collected inside this one
        t = time.perf_counter()
        scene = cls(camera_class=camera_class) if camera_class is not None else cls()
        scene.render()
        return time.perf_counter() - t


def main() -> None:
    n_edges = sum(len(diagram().shown(l)) * len(diagram().shown(l - 1)) for l in range(1, NET.L + 1))
    render(Diagram1, FastEdgeCamera)  # warm-up: typesets the brace label and ellipsis once
    runs = []  # (whole naive, whole diagram, play naive, play diagram), alternating: load drifts hit both
    for _ in range(REPEATS):
        naive, fast = render(Naive), render(Diagram, FastEdgeCamera)
        runs.append((naive, fast, TIMES["Naive"], TIMES["Diagram"]))
    naive, fast, pn, pb = (float(np.median(col)) for col in zip(*runs, strict=True))
    print(f"784-16-16-10 diagram, {n_edges} shown edges, 2 s recolour at 480p15 (30 frames), median of {REPEATS} runs")
    print("                       whole render   the recolour play()")
    print(f"  one Line per edge :   {naive:6.2f} s       {pn:6.2f} s")
    print(f"  NetworkDiagram    :   {fast:6.2f} s       {pb:6.2f} s")
    print(f"  speed-up          :   {naive / fast:6.1f}x       {pn / pb:6.1f}x")
    print("time of the recolour play() against the edges that move:")
    for layers, what in (
        ((3,), "layer 3 (160 edges)"),
        ((2, 3), "layers 2-3 (416 edges)"),
        ((1, 2, 3), "layers 1-3 (672 edges)"),
    ):
        Naive.layers = Diagram.layers = layers
        render(Naive)
        render(Diagram, FastEdgeCamera)
        print(f"  {what:24s}: one Line per edge {TIMES['Naive']:5.2f} s, NetworkDiagram {TIMES['Diagram']:5.2f} s")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(MEDIA, ignore_errors=True)
