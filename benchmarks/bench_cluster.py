"""Rendering on a Dask cluster against local parallel rendering, from one run.

    .venv/bin/python benchmarks/bench_cluster.py [--quality low] [--scenes A,B]

The narration of the three lectures is spoken into the voice cache first, untimed
(speech is the same work wherever a scene renders; benchmarks/bench_voice.py
measures it). Then it prints, each into a fresh output folder (nothing else cached):
  1. the full default lecture with `render --jobs 2`;
  2. the same through `render --cluster local:2` (a LocalCluster of 2 worker
     processes, its start-up included) and the overhead ratio 2/1;
  3. a course, the three shipped lectures in one `--cluster local:2` command,
     against the same three rendered locally with `--jobs 2` (1, plus relu and wide).
It also checks that every cluster render made the same manifests and captions as
the local render of the same lecture.
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
LECTURES = ("default", "relu", "wide")


def run(args: list[str], tmp: Path | None = None) -> float:
    """One render command's wall time; `tmp` as its TMPDIR (a LocalCluster's workers keep their caches
    there, so a fresh one starts them as cold as a fresh --out starts a local render)."""
    env = dict(os.environ, **({"TMPDIR": str(tmp)} if tmp else {}))
    if tmp:
        tmp.mkdir(parents=True)
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "studio.cli", "render", *args], cwd=ROOT, capture_output=True, text=True, env=env
    )
    took = time.monotonic() - started
    if proc.returncode != 0:
        sys.exit(f"bench_cluster: render {' '.join(args)} failed:\n{proc.stderr[-2000:]}")
    return took


def speak_narration() -> None:
    """Every narrated step of the three lectures into the voice cache (once; later runs find it there)."""
    from engine.lecture import load_lecture
    from scenes.voice import PiperVoice
    from studio import catalog, narrate

    voice = PiperVoice()
    for lecture_name in LECTURES:
        lecture = load_lecture(ROOT / "assets" / "lectures" / f"{lecture_name}.toml")
        for scene, facts in narrate.scene_facts(lecture, catalog.scenes(), ROOT / "renders" / ".cache").items():
            for step, text in facts.narration.items():
                voice.utter(scene, step, text)


def same_files(a: Path, b: Path) -> list[str]:
    """Names of manifests and captions that differ between two output folders."""
    names = sorted({p.name for p in (*a.glob("*.numbers.json"), *a.glob("*.srt"))})
    return [n for n in names if (a / n).read_bytes() != (b / n).read_bytes()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", default="low")
    parser.add_argument("--scenes", default="all", help="comma-separated scene names (default: all)")
    args = parser.parse_args()
    scenes = args.scenes.split(",")
    common = [*scenes, "--quality", args.quality]
    speak_narration()
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        out = Path(tmp)
        local = run([*common, "--jobs", "2", "--out", str(out / "local")])
        print(f"default lecture, --jobs 2:          {local:7.1f} s", flush=True)
        cluster = run([*common, "--cluster", "local:2", "--out", str(out / "cluster")], out / "cluster-tmp")
        print(
            f"default lecture, --cluster local:2: {cluster:7.1f} s   overhead ratio {cluster / local:.2f}", flush=True
        )
        folder = {"low": "480p15", "medium": "720p30", "high": "1080p60", "4k": "2160p60"}[args.quality]
        differ = same_files(out / "local" / "default" / folder, out / "cluster" / "default" / folder)
        print(f"manifests and captions identical: {'yes' if not differ else 'NO: ' + ', '.join(differ)}", flush=True)
        course_args = [*common, "--cluster", "local:2", "--out", str(out / "course")]
        for lecture in LECTURES:
            course_args += ["--lecture", lecture]
        course = run(course_args, out / "course-tmp")
        local_course = local + sum(
            run([*common, "--lecture", lecture, "--jobs", "2", "--out", str(out / "local")]) for lecture in LECTURES[1:]
        )
        print(
            f"course of {len(LECTURES)} lectures, --cluster local:2: {course:7.1f} s   "
            f"local --jobs 2, one lecture after another: {local_course:7.1f} s   ratio {course / local_course:.2f}"
        )
        for lecture in LECTURES:
            differ = same_files(out / "local" / lecture / folder, out / "course" / lecture / folder)
            verdict = "yes" if not differ else "NO: " + ", ".join(differ)
            print(f"course's {lecture} lecture identical to its local render: {verdict}")


if __name__ == "__main__":
    main()
