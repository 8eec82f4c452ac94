"""What the voice costs: seconds of Piper synthesis per minute of speech, and how much narration adds
to rendering scenes (silent vs spoken with an empty voice cache vs spoken with a warm cache).

Prints times and ratios from one run (the machine is shared and noisy: compare within a run).

    .venv/bin/python benchmarks/bench_voice.py [--scenes TitleCard ...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scenes.voice import CACHE_ENV, PiperVoice  # noqa: E402

SAMPLE = (  # a narration-like paragraph with numbers, spoken sentence by sentence
    "The cost for this example is about 0.11. Nudge the weight by a small amount and the cost changes too. "
    "The ratio of the two changes is the derivative, here about -0.77. "
    "The chain rule multiplies three local slopes to find it, one for each link of the chain."
)


def timed_render(names: list[str], voice: str, out: str, cache: str) -> float:
    env = dict(os.environ, **{CACHE_ENV: cache})
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "studio.cli", "render", *names, "--voice", voice, "--out", out,
                             "--jobs", "1", "--no-join"], cwd=ROOT, env=env, capture_output=True, text=True)
    took = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"failed: render {names} --voice {voice}\n{result.stderr}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", nargs="*", default=["TitleCard"], help="scenes to render (default: TitleCard)")
    names = parser.parse_args().scenes
    with tempfile.TemporaryDirectory() as cache:
        voice = PiperVoice(cache=Path(cache))
        started = time.perf_counter()
        voice._load()
        load = time.perf_counter() - started
        started = time.perf_counter()
        said = voice.utter("Bench", "sample", SAMPLE)
        speak = time.perf_counter() - started
        print(f"voice load: {load:.1f} s")
        print(f"synthesis: {speak:.1f} s for {said.duration:.1f} s of speech = "
              f"{60 * speak / said.duration:.1f} s of synthesis per minute of speech")
        started = time.perf_counter()
        PiperVoice(cache=Path(cache)).utter("Bench", "sample", SAMPLE)
        print(f"same step again (cache hit): {time.perf_counter() - started:.3f} s")
    with (tempfile.TemporaryDirectory() as silent, tempfile.TemporaryDirectory() as cold,
          tempfile.TemporaryDirectory() as warm, tempfile.TemporaryDirectory() as cache):
        t_none = timed_render(names, "none", silent, cache)
        t_cold = timed_render(names, "piper", cold, cache)
        t_warm = timed_render(names, "piper", warm, cache)
    print(f"render {' '.join(names)}: silent {t_none:.1f} s, spoken (empty voice cache) {t_cold:.1f} s "
          f"(x{t_cold / t_none:.2f}), spoken (warm cache) {t_warm:.1f} s (x{t_warm / t_none:.2f})")


if __name__ == "__main__":
    main()
