"""Does a change to the fast (skip-animations) construction change what it shows?

Capture every scene of every shipped lecture into a folder (its manifest, layout
problems, step metrics, duration, and every storyboard frame), once before and
once after a change, then compare the two folders: manifests, problems and
metrics must be equal and frames pixel-identical.

    .venv/bin/python scripts/compare_fast_mode.py capture OUT [--scenes A B] [--lectures default relu]
    .venv/bin/python scripts/compare_fast_mode.py compare BEFORE AFTER
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LECTURES = ROOT / "assets" / "lectures"


def capture_scene(name: str, lecture: Path, out: Path, cache: Path) -> float:
    """Construct one scene as `preview` does; write what it shows into `out`; its seconds."""
    from studio import catalog
    from studio.runner import construct

    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as media:
        scene = construct(catalog.find(name), lecture, Path(media), check=True, storyboard_dir=out / "frames",
                          pixel_height=540, cache_dir=cache)
    seconds = time.perf_counter() - started
    result = {"manifest": scene.manifest(), "layout_problems": scene.layout_problems,
              "step_metrics": scene.step_metrics, "duration": scene.renderer.time,
              "captions": scene.captions}
    (out / "result.json").write_text(json.dumps(result, indent=1))
    return seconds


def capture(args) -> None:
    from studio import catalog
    from studio.texlock import share_tex_cache

    cache = Path(args.cache)
    share_tex_cache(cache / "Tex")
    names = args.scenes or [e.name for e in catalog.scenes()]
    for lecture in args.lectures:
        for name in names:
            target = Path(args.out) / lecture / name
            shutil.rmtree(target, ignore_errors=True)
            seconds = capture_scene(name, LECTURES / f"{lecture}.toml", target, cache)
            print(f"{lecture:<8} {name:<26} {seconds:6.1f} s", flush=True)


def differing_pixels(a: Path, b: Path) -> int:
    x, y = np.asarray(Image.open(a)), np.asarray(Image.open(b))
    if x.shape != y.shape:
        return x.size
    return int(np.any(x != y, axis=-1).sum())


def _result(folder: Path) -> dict:
    """A capture's results, its lecture named by file (captures of two checkouts differ in the folder)."""
    result = json.loads((folder / "result.json").read_text())
    result["manifest"]["lecture"] = Path(result["manifest"]["lecture"]).name
    return result


def compare(args) -> None:
    before, after = Path(args.before), Path(args.after)
    cases = sorted(p.parent.relative_to(before) for p in before.glob("*/*/result.json"))
    bad = 0
    for case in cases:
        old, new = before / case, after / case
        if not (new / "result.json").exists():
            print(f"{case}: missing in {after}")
            bad += 1
            continue
        a, b = _result(old), _result(new)
        diffs = [key for key in a if a[key] != b.get(key)]
        frames = sorted(p.name for p in (old / "frames").glob("*.png"))
        if frames != sorted(p.name for p in (new / "frames").glob("*.png")):
            diffs.append("frame list")
        else:
            diffs += [f"frame {f}: {n} px" for f in frames
                      if (n := differing_pixels(old / "frames" / f, new / "frames" / f))]
        if (old / "frames" / "steps.json").read_text() != (new / "frames" / "steps.json").read_text():
            diffs.append("steps.json")
        print(f"{str(case):<36} {len(frames):3d} frames  " + ("identical" if not diffs else "; ".join(diffs)))
        bad += bool(diffs)
    print(f"{len(cases)} scene(s) compared, {bad} differ")
    sys.exit(1 if bad or not cases else 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    cap = sub.add_parser("capture")
    cap.add_argument("out")
    cap.add_argument("--scenes", nargs="*")
    cap.add_argument("--lectures", nargs="*", default=sorted(p.stem for p in LECTURES.glob("*.toml")))
    cap.add_argument("--cache", default=str(ROOT / "renders" / ".cache"), help="LaTeX and training caches")
    cap.set_defaults(run=capture)
    cmp = sub.add_parser("compare")
    cmp.add_argument("before")
    cmp.add_argument("after")
    cmp.set_defaults(run=compare)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
