"""Mutate the shipped lecture files at random (seeded) and count how many end cleanly.

Clean: refused with exit 2 and one line per problem, each naming the file, no traceback; or
accepted and previewed (constructed, every animation skipped) without error.

    .venv/bin/python scripts/mutate_lectures.py                # 100 mutants, seed 0, TitleCard
    .venv/bin/python scripts/mutate_lectures.py -n 20 --seed 3 --scenes TitleCard,ChainRuleScene

Everything is written in a temporary folder, removed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.lecture import LECTURES_DIR, _where  # noqa: E402
from studio import cli  # noqa: E402

# Values a careless or hostile user might type in place of any value.
ODD_VALUES = [
    "[-3, 2]",
    "{a = 1}",
    "1e308",
    "-1e308",
    "1e-300",
    "nan",
    "inf",
    "-inf",
    "0",
    "-1",
    "9223372036854775807",
    '"漢字"',
    '"😀"',
    '"a\\nb"',
    '""',
    "true",
    '"' + "x" * 500 + '"',
    "[" * 400 + "1" + "]" * 400,
    "[64, 64, 64]",
    "[" + ", ".join(["2"] * 300) + "]",
    "[[[1.0]]]",
    "0.5",
    "[]",
    '[1, "a"]',
    "'relu'",
]


def mutate(text: str, rng: random.Random) -> str:
    """One to three random edits: replace a value, drop/duplicate/swap lines, flip bytes, truncate."""
    lines = text.splitlines()
    for _ in range(rng.randint(1, 3)):
        op = rng.choice(["value", "value", "value", "drop", "duplicate", "swap", "chars", "truncate", "key"])
        i = rng.randrange(len(lines)) if lines else 0
        if not lines:
            lines = [""]
        if op == "value" and "=" in lines[i]:
            key = lines[i].split("=", 1)[0]
            lines[i] = f"{key}= {rng.choice(ODD_VALUES)}"
        elif op == "drop":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "chars" and lines[i]:
            k = rng.randrange(len(lines[i]))
            lines[i] = lines[i][:k] + rng.choice("[]{}=\"'#.,-0\\\x00é漢\t") + lines[i][k + 1 :]
        elif op == "truncate":
            lines = lines[:i]
        elif op == "key" and "=" in lines[i]:
            lines[i] = (
                rng.choice(["layers", "sizes", "nudge", "title", "weights", "x y"]) + " =" + lines[i].split("=", 1)[1]
            )
    return "\n".join(lines) + "\n"


def ends_cleanly(path: Path, scenes: list[str], out: Path) -> tuple[bool, str]:
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = cli.main(["preview", *scenes, f"--lecture={path}", f"--out={out}"])
    except BaseException as e:  # noqa: BLE001 - anything escaping the CLI is exactly what we count
        return False, f"escaped: {type(e).__name__}: {e}"
    message = err.getvalue()
    lines = message.strip().splitlines()
    if "Traceback" in message:
        return False, "traceback"
    if code == 2:
        ok = bool(lines) and all(_where(path) in line for line in lines)
        return ok, "refused" if ok else f"refused without naming the file: {message.strip()[:200]}"
    if code == 0:
        return True, "previewed"
    return False, f"exit {code}: {message.strip()[:300]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100, help="number of mutants (default 100)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scenes", default="TitleCard", help="scenes to preview for accepted files (comma-separated)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    sources = sorted(LECTURES_DIR.glob("*.toml"))
    scenes = args.scenes.split(",")
    tally: dict[str, int] = {}
    clean = 0
    with tempfile.TemporaryDirectory(prefix="mutants-") as tmp:
        for i in range(args.n):
            source = rng.choice(sources)
            path = Path(tmp) / f"{source.stem}-{i:03d}.toml"
            path.write_text(mutate(source.read_text(encoding="utf-8"), rng), encoding="utf-8")
            ok, how = ends_cleanly(path, scenes, Path(tmp) / "out")
            clean += ok
            kind = how.split(":")[0]
            tally[kind] = tally.get(kind, 0) + 1
            if not ok:
                print(f"NOT CLEAN {path.name}: {how}", file=sys.stderr)
    print(
        f"{clean}/{args.n} mutated lecture files ended cleanly (seed {args.seed}, previewing {args.scenes}): "
        + ", ".join(f"{k} {v}" for k, v in sorted(tally.items()))
    )
    return 0 if clean == args.n else 1


if __name__ == "__main__":
    sys.exit(main())
