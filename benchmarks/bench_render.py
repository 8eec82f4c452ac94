"""How long users wait: the whole default lecture at 480p15 with one job and
with two (ratio), a re-run with nothing changed, and `preview` of each scene.

Prints times and ratios from one run (the machine is shared and noisy, so
compare within a run, never against a stored number).

    .venv/bin/python benchmarks/bench_render.py [--scenes A B ...]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from studio import catalog  # noqa: E402


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "studio.cli", *args], cwd=ROOT, capture_output=True, text=True)
    took = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{result.stderr}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", nargs="*", help="a subset of scenes (default: all)")
    names = parser.parse_args().scenes or [e.name for e in catalog.scenes()]
    with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as two:
        t1 = timed(["render", *names, "--jobs", "1", "--out", one, "--no-join"])
        t2 = timed(["render", *names, "--jobs", "2", "--out", two, "--no-join"])
        again = timed(["render", *names, "--jobs", "2", "--out", two, "--no-join"])
        print(f"{len(names)} scenes at 480p15")
        print(f"  --jobs 1: {t1:7.1f} s")
        print(f"  --jobs 2: {t2:7.1f} s   speed-up {t1 / t2:.2f}x")
        print(f"  re-run, nothing changed: {again:5.1f} s   ({t2 / again:.0f}x faster than rendering)")
        print("preview (last frame + storyboard), per scene:")
        for name in names:
            t = timed(["preview", name, "--out", one])
            print(f"  {name:<24} {t:5.1f} s")


if __name__ == "__main__":
    main()
