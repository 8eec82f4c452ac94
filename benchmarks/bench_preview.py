"""How long `preview SCENE` takes, cold (empty LaTeX and training caches) and
warm (the same command again), scene by scene.

Prints, per scene, the whole command's time (with Python's and manim's start)
and the preview's own time as the command reports it, cold and warm, and the
ratio, all from one run (the machine is shared and noisy: compare within a
run, never against a stored number).

    .venv/bin/python benchmarks/bench_preview.py [--scenes A B ...] [--lecture NAME]

With --against OTHER (another checkout, e.g. of main), each scene's warm
preview is timed in both checkouts, alternating (this, other, other, this),
and the best of each is printed: a change's effect, measured in one run.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from studio import catalog  # noqa: E402

OWN_TIME = re.compile(r"; ([0-9.]+) s\)")  # "(N steps, X s of video; T s)"


def preview(name: str, lecture: str, out: Path, root: Path = ROOT) -> tuple[float, float]:
    """(the command's wall time, the preview's own time) in seconds, with the code in `root`."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "studio.cli", "preview", name, "--lecture", lecture, "--out", str(out)],
        cwd=root, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(root)},
    )  # fmt: skip
    wall = time.perf_counter() - started
    found = OWN_TIME.search(result.stdout)
    if result.returncode not in (0, 1) or not found:  # 1: layout problems, reported but timed all the same
        sys.exit(f"preview {name} failed:\n{result.stderr[-2000:]}")
    return wall, float(found.group(1))


def compare(names: list[str], lecture: str, other: Path) -> None:
    """Warm previews here and in `other`, alternating, each in its own warm output folder."""
    print(f"warm preview's own time, lecture {lecture}: {other} (before) vs this checkout (after), seconds")
    print(f"  {'scene':<26}{'before':>8}{'after':>8}{'ratio':>8}")
    roots = {"before": other.resolve(), "after": ROOT}
    for name in names:
        with tempfile.TemporaryDirectory() as before, tempfile.TemporaryDirectory() as after:
            outs = {"before": Path(before), "after": Path(after)}
            for which in roots:
                preview(name, lecture, outs[which], roots[which])  # cold: fills the caches
            best = {which: float("inf") for which in roots}
            for which in ("after", "before", "before", "after"):
                best[which] = min(best[which], preview(name, lecture, outs[which], roots[which])[1])
        ratio = best["before"] / best["after"]
        print(f"  {name:<26}{best['before']:8.1f}{best['after']:8.1f}{ratio:7.1f}x", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", nargs="*", help="a subset of scenes (default: all)")
    parser.add_argument("--lecture", default="default", help="lecture name or file (default: default)")
    parser.add_argument("--against", type=Path, help="another checkout: time its warm previews alternately with these")
    args = parser.parse_args()
    names = args.scenes or [e.name for e in catalog.scenes()]
    if args.against:
        compare(names, args.lecture, args.against)
        return
    print(f"preview per scene, lecture {args.lecture}: command time (preview's own time), seconds")
    print(f"  {'scene':<26}{'cold':>16}{'warm':>16}{'cold/warm':>11}")
    warm_own = []
    for name in names:
        with tempfile.TemporaryDirectory() as out:  # a fresh cache for each scene's cold run
            cold = preview(name, args.lecture, Path(out))
            warm = preview(name, args.lecture, Path(out))
        warm_own.append(warm[1])
        print(
            f"  {name:<26}{cold[0]:7.1f} ({cold[1]:5.1f}){warm[0]:8.1f} ({warm[1]:5.1f})"
            f"{cold[0] / warm[0]:10.1f}x"
        )
    median = sorted(warm_own)[len(warm_own) // 2]
    print(f"warm preview's own time: at most {max(warm_own):.1f} s, median {median:.1f} s")


if __name__ == "__main__":
    main()
