"""Same lecture, same code: byte-identical video, captions, manifest and index,
whatever each process's hash seed (here 1 and 2, which order a set of the
chain's symbols differently)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import ROOT, cli, run_env

FILES = ("ChainRuleScene.mp4", "ChainRuleScene.srt", "ChainRuleScene.numbers.json", "index.json")


def test_outputs_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    seeds = ("1", "2")
    procs = [
        subprocess.Popen(cli("render", "ChainRuleScene", "--out", str(tmp_path / seed)), cwd=ROOT,
                         env=run_env(PYTHONHASHSEED=seed), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for seed in seeds
    ]
    results = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-1500:] for _, err in results]
    first, second = (tmp_path / seed / "default" / "480p15" for seed in seeds)
    for name in FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), f"{name} differs"
    # the lecture is named as the project names it, not by where this clone is
    assert json.loads((first / "ChainRuleScene.numbers.json").read_text())["lecture"] == "assets/lectures/default.toml"
    assert json.loads((first / "index.json").read_text())["lecture_file"] == "assets/lectures/default.toml"
