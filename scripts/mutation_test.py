"""Mutation testing of engine/: can the engine's tests catch a planted defect?

Each mutant is one small change to one file of engine/ (an arithmetic operator
swapped, a factor dropped, a constant moved by one, a comparison flipped, a
unary minus removed, `mean` turned into `sum`, ...). For every mutant the
script writes the changed file into a temporary copy of the project and runs
the engine tests there (``pytest -x -q tests/test_engine_*.py``; mutants of
engine/lecture.py also run tests/test_lecture.py). A mutant is *killed* when
the tests fail (or hang past a timeout), *survived* when they pass.

Not mutated: string constants and f-strings (error messages and LaTeX names;
LaTeX is checked by exact-string tests anyway), docstrings, type annotations,
``__all__``, ``assert`` statements (type narrowing only) and the arguments of
``raise`` (the message; the condition that raises is mutated).

Mutants known to be equivalent (no test can tell them from the original)
are listed in EQUIVALENT with the reason; they are reported separately and
left out of the score.

    .venv/bin/python scripts/mutation_test.py              # all of engine/
    .venv/bin/python scripts/mutation_test.py engine/trace.py --jobs 2
    .venv/bin/python scripts/mutation_test.py --list       # the mutants only

Not run in CI: a full run takes several minutes.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the fast, broad comparison with the independent recomputation first: with -x most mutants die in it
ENGINE_TESTS = sorted((str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_engine_*.py")),
                      key=lambda name: (not name.endswith("test_engine_reference.py"), name))
EXTRA_TESTS = {"engine/lecture.py": ["tests/test_lecture.py"]}

# (file, the mutated line as written, the mutation) -> why no test can tell the two apart.
EQUIVALENT: dict[tuple[str, str, str], str] = {
    ("engine/activations.py", "return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))", "'>=' -> '>'"):
        "at z = 0 both branches give 1/(1 + 1) = 1/2 exactly",
    ("engine/trace.py", "for W, b in zip(network.weights, network.biases, strict=True):", "True -> False"):
        "zip(strict=) over weights and biases: Network guarantees equal lengths",
    ("engine/trace.py", "return out[0] if np.ndim(x) == 1 else out", "0 -> -1"):
        "a one-row batch: out[0] is out[-1]",
    ("engine/network.py", "for i, (w, b) in enumerate(zip(weights, biases, strict=True)):", "True -> False"):
        "the lengths were compared just above",
    ("engine/network.py", "if not 1 <= p.layer <= self.L:", "1 -> 0"):
        "Param itself refuses layer 0 for weights and biases",
    ("engine/network.py", "for W, B in zip(self.weights, self.biases, strict=True):", "True -> False"):
        "a Network always has as many bias vectors as weight matrices",
    ("engine/network.py", "return sum(W.size + B.size for W, B in zip(self.weights, self.biases, strict=True))",
     "True -> False"): "a Network always has as many bias vectors as weight matrices",
    ("engine/network.py", "for n_prev, n in zip(sizes[:-1], sizes[1:], strict=True):", "True -> False"):
        "sizes[:-1] and sizes[1:] always have the same length",
    ("engine/network.py", "and all(np.array_equal(a, b) for a, b in zip(self.weights, other.weights, strict=True))",
     "True -> False"): "only reached when the sizes (so the layer counts) are equal",
    ("engine/network.py", "and all(np.array_equal(a, b) for a, b in zip(self.biases, other.biases, strict=True))",
     "True -> False"): "only reached when the sizes (so the layer counts) are equal",
    ("engine/lesson.py", "h: float = 1e-6) -> float:", "1e-06 -> -1e-06"):
        "the central difference is symmetric: (C(p-h) - C(p+h)) / ((p-h) - (p+h)) is the same number",
    ("engine/lesson.py", "for m, i in zip(range(first, L + 1), route, strict=True):", "True -> False"):
        "every route is built with one neuron per layer from first to L",
    ("engine/lesson.py", "route = tuple(r[0] for r in _route_layers(trace, p))", "0 -> -1"):
        "long_chain has just checked that every range holds one neuron: r[0] is r[-1]",
    ("engine/lesson.py", "v0 = float(X[0, p.j])", "0 -> -1"): "nudge has just checked that X has one row",
    ("engine/lesson.py", "X2[0, p.j] = v0 + delta", "0 -> -1"): "nudge has just checked that X has one row",
    ("engine/lesson.py", "v1 = float(X2[0, p.j])", "0 -> -1"): "nudge has just checked that X has one row",
    ("engine/training.py", "weights = tuple(W - lr * g for W, g in zip(network.weights, gw, strict=True))",
     "True -> False"): "batch_gradient returns one gradient per layer",
    ("engine/training.py", "biases = tuple(b - lr * g for b, g in zip(network.biases, gb, strict=True))",
     "True -> False"): "batch_gradient returns one gradient per layer",
    ("engine/notation.py", 'return f"L-{d}" if d > 0 else f"L+{-d}"', "'>' -> '>='"):
        "d == 0 has already returned \"L\"",
    ("engine/notation.py", 'return f"L-{d}" if d > 0 else f"L+{-d}"', "0 -> -1"):
        "for whole numbers d > -1 is d >= 0, and d == 0 has already returned",
    ("engine/io.py", "_FIXED_TIME = (1980, 1, 1, 0, 0, 0)", "0 -> 1"):
        "zip stores seconds in steps of two: second 1 is written as 0 (hour and minute are tested)",
    ("engine/io.py", "np.lib.format.write_array(buf, arr, allow_pickle=False)", "False -> True"):
        "a Network holds only float64 and string arrays, which never need pickling",
    ("engine/lesson.py", "da = np.zeros(0)", "0 -> 1"):
        "a placeholder, overwritten in the first pass of the loop before use",
    ("engine/network.py", "@dataclass(frozen=True, eq=False)", "False -> True"):
        "Network defines __eq__ and __hash__ itself; dataclass(eq=True) keeps both",
    ("engine/trace.py", "dC_da: list[np.ndarray] = [np.empty(0)] * L", "0 -> 1"):
        "a placeholder, overwritten for every layer before use",
    ("engine/trace.py", "delta: list[np.ndarray] = [np.empty(0)] * L", "0 -> 1"):
        "a placeholder, overwritten for every layer before use",
}


@dataclass(frozen=True)
class Mutant:
    file: str        # relative to ROOT
    site: int        # index of the mutated node in the file's traversal
    op: int          # index of the mutation at that site
    line: int
    what: str        # e.g. "'/' -> '*'"
    before: str      # source of the node
    after: str       # source of the mutated node
    code: str = ""   # the whole source line, stripped (what EQUIVALENT matches)


# --- which nodes are left alone -------------------------------------------------
def _skipped(tree: ast.AST) -> set[int]:
    """ids of nodes that are never mutated (messages, docstrings, annotations)."""
    skip: set[int] = set()

    def all_of(node: ast.AST | None) -> None:
        if node is not None:
            skip.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            all_of(body[0])
        if isinstance(node, ast.JoinedStr | ast.Assert):
            all_of(node)
        elif isinstance(node, ast.Raise):
            all_of(node.exc)
            all_of(node.cause)
        elif isinstance(node, ast.AnnAssign):
            all_of(node.annotation)
        elif isinstance(node, ast.arg):
            all_of(node.annotation)
        elif isinstance(node, ast.FunctionDef):
            all_of(node.returns)
            for d in node.decorator_list:
                all_of(d)
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__"
                                                  for t in node.targets):
            all_of(node)
        elif isinstance(node, ast.ImportFrom | ast.Import):
            all_of(node)
    return skip


# --- the mutation operators -------------------------------------------------------
_BINOP_SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
               ast.FloorDiv: ast.Div, ast.Pow: ast.Mult, ast.Mod: ast.FloorDiv}
_CMP_SWAP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
             ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
             ast.In: ast.NotIn, ast.NotIn: ast.In}
_NAME_SWAP = {"mean": "sum", "sum": "mean", "max": "min", "min": "max", "maximum": "minimum",
              "minimum": "maximum", "argmax": "argmin", "fsum": "sum", "any": "all", "all": "any",
              "ravel": "copy", "T": "copy"}
_SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
           ast.Pow: "**", ast.Mod: "%", ast.MatMult: "@", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
           ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=", ast.Is: "is", ast.IsNot: "is not",
           ast.In: "in", ast.NotIn: "not in"}


def _mutations(node: ast.AST) -> list[tuple[str, object]]:
    """(description, replacement) pairs for one node; the replacement is a new node."""
    out: list[tuple[str, object]] = []
    if isinstance(node, ast.BinOp):
        swap = _BINOP_SWAP.get(type(node.op))
        if swap:
            out.append((f"'{_SYMBOL[type(node.op)]}' -> '{_SYMBOL[swap]}'",
                        ast.BinOp(node.left, swap(), node.right)))
        if isinstance(node.op, ast.Mult | ast.Div | ast.Add | ast.Sub):
            out.append((f"drop '{_SYMBOL[type(node.op)]} {ast.unparse(node.right)}'", node.left))
        if isinstance(node.op, ast.Mult | ast.Add):
            out.append((f"drop '{ast.unparse(node.left)} {_SYMBOL[type(node.op)]}'", node.right))
    elif isinstance(node, ast.AugAssign):
        swap = _BINOP_SWAP.get(type(node.op))
        if swap:
            out.append((f"'{_SYMBOL[type(node.op)]}=' -> '{_SYMBOL[swap]}='",
                        ast.AugAssign(node.target, swap(), node.value)))
    elif isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            swap = _CMP_SWAP.get(type(op))
            if swap:
                ops = list(node.ops)
                ops[i] = swap()
                out.append((f"'{_SYMBOL[type(op)]}' -> '{_SYMBOL[swap]}'",
                            ast.Compare(node.left, ops, node.comparators)))
    elif isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.USub | ast.Not | ast.Invert):
            out.append(("remove unary operator", node.operand))
    elif isinstance(node, ast.BoolOp):
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        out.append((f"'{'and' if isinstance(node.op, ast.And) else 'or'}' -> "
                    f"'{'or' if isinstance(node.op, ast.And) else 'and'}'", ast.BoolOp(other, node.values)))
        for i in range(len(node.values)):
            rest = node.values[:i] + node.values[i + 1:]
            out.append((f"drop operand {i + 1}", rest[0] if len(rest) == 1 else ast.BoolOp(node.op, rest)))
    elif isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, bool):
            out.append((f"{v} -> {not v}", ast.Constant(not v)))
        elif isinstance(v, int):
            out += [(f"{v} -> {v + 1}", ast.Constant(v + 1)), (f"{v} -> {v - 1}", ast.Constant(v - 1))]
        elif isinstance(v, float):
            new = v + 1.0 if v == 0.0 else v * 2.0
            out.append((f"{v} -> {new}", ast.Constant(new)))
            out.append((f"{v} -> {-v if v else -1.0}", ast.Constant(-v if v else -1.0)))
    elif isinstance(node, ast.Attribute) and node.attr in _NAME_SWAP:
        out.append((f".{node.attr} -> .{_NAME_SWAP[node.attr]}",
                    ast.Attribute(node.value, _NAME_SWAP[node.attr], node.ctx)))
    elif isinstance(node, ast.Name) and node.id in ("max", "min", "any", "all") \
            and isinstance(node.ctx, ast.Load):
        out.append((f"{node.id} -> {_NAME_SWAP[node.id]}", ast.Name(_NAME_SWAP[node.id], node.ctx)))
    elif isinstance(node, ast.Slice):
        for part in ("lower", "upper"):
            bound = getattr(node, part)
            if bound is not None and not isinstance(bound, ast.Constant):
                moved = copy.copy(node)
                setattr(moved, part, ast.BinOp(bound, ast.Add(), ast.Constant(1)))
                out.append((f"slice {part} bound + 1", moved))
    elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) \
            and isinstance(node.slice, ast.Name | ast.Attribute):
        out.append(("index + 1", ast.Subscript(node.value, ast.BinOp(node.slice, ast.Add(), ast.Constant(1)),
                                               node.ctx)))
    elif isinstance(node, ast.If):
        out.append(("if condition -> not", ast.If(ast.UnaryOp(ast.Not(), node.test), node.body, node.orelse)))
    return out


def _sites(tree: ast.AST) -> Iterator[tuple[int, ast.AST]]:
    skip = _skipped(tree)
    for i, node in enumerate(ast.walk(tree)):
        if id(node) not in skip:
            yield i, node


def enumerate_mutants(rel: str) -> list[Mutant]:
    source = (ROOT / rel).read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    found = []
    for site, node in _sites(tree):
        for op, (what, new) in enumerate(_mutations(node)):
            before = ast.get_source_segment(source, node) or ast.unparse(node)
            shown = ast.unparse(new) if isinstance(new, ast.AST) else str(new)
            if isinstance(node, ast.If):
                before, shown = "if " + ast.unparse(node.test), "if not (" + ast.unparse(node.test) + ")"
            line = getattr(node, "lineno", 0)
            found.append(Mutant(rel, site, op, line, what, " ".join(before.split()), " ".join(shown.split()),
                                lines[line - 1].strip() if line else ""))
    return found


class _Apply(ast.NodeTransformer):
    def __init__(self, targets: dict[int, ast.AST]) -> None:
        self.targets = targets

    def visit(self, node: ast.AST) -> ast.AST:
        new = self.targets.get(id(node))
        if new is not None:
            return new
        return super().visit(node)


def mutated_source(m: Mutant) -> str:
    tree = ast.parse((ROOT / m.file).read_text(encoding="utf-8"))
    nodes = dict(_sites(tree))
    node = nodes[m.site]
    new = _mutations(node)[m.op][1]
    tree = _Apply({id(node): new}).visit(tree)
    return ast.unparse(ast.fix_missing_locations(tree))


# --- running the tests ------------------------------------------------------------
def _prepare_copy() -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="mutation-"))
    shutil.copytree(ROOT / "engine", tmp / "engine", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "tests", tmp / "tests", ignore=shutil.ignore_patterns("__pycache__", "golden"))
    shutil.copy(ROOT / "pyproject.toml", tmp / "pyproject.toml")
    (tmp / "assets").symlink_to(ROOT / "assets")
    return tmp


# Run first, in their own pytest session: deterministic, quick to collect, and they kill most mutants.
FIRST = ("tests/test_engine_reference.py", "tests/test_engine_contracts.py")


def _pytest_args(rel: str, stage: int | None = None) -> list[str]:
    """pytest arguments for the whole test set of ``rel`` (stage None) or one of its two stages."""
    tests = ENGINE_TESTS + EXTRA_TESTS.get(rel, [])
    if stage == 1:
        tests = [t for t in tests if t in FIRST]
    elif stage == 2:
        tests = [t for t in tests if t not in FIRST]
    # plain asserts: rewriting the test modules' asserts in every run costs more than the tests
    return ["-x", "-q", "--assert=plain", "-p", "no:cacheprovider", "-p", "_hypothesis_pytestplugin",
            "--hypothesis-profile=mutation",
            "-W", "ignore::pytest.PytestUnraisableExceptionWarning",
            # imports are never mutated, and this test starts a second interpreter
            "--deselect", "tests/test_engine_training.py::test_engine_imports_numpy_and_stdlib_only", *tests]


def _child(tmp: Path, rel: str, source: str | None) -> None:
    """In a forked process: write the mutant into the copy, run pytest, exit with its code."""
    os.setpgid(0, 0)
    # no .pyc: a mutant of the same size written within the same second would reuse a stale one
    sys.dont_write_bytecode = True
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    if source is not None:
        (tmp / rel).write_text(source, encoding="utf-8")
    os.chdir(tmp)
    sys.path.insert(0, str(tmp))
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    import pytest

    code = pytest.main(_pytest_args(rel, stage=1))
    if code == 0:
        code = pytest.main(_pytest_args(rel, stage=2))
    os._exit(int(code))


class Slot:
    """One temporary copy of the project and the forked pytest running in it (if any)."""

    def __init__(self) -> None:
        self.tmp = _prepare_copy()
        self.pid = 0
        self.rel = ""
        self.start = 0.0
        self.timeout = 0.0
        self.mutant: Mutant | None = None

    def launch(self, rel: str, source: str | None, timeout: float, mutant: Mutant | None = None) -> None:
        self.rel, self.timeout, self.mutant = rel, timeout, mutant
        self.start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            try:
                _child(self.tmp, rel, source)
            finally:
                os._exit(99)
        self.pid = pid

    def poll(self) -> str | None:
        """None while running, else 'passed', 'failed' or 'timeout' (the copy is restored)."""
        done, status = os.waitpid(self.pid, os.WNOHANG)
        if done:
            outcome = "passed" if os.waitstatus_to_exitcode(status) == 0 else "failed"
        elif time.monotonic() - self.start > self.timeout:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            outcome = "timeout"
        else:
            return None
        self.pid = 0
        shutil.copy(ROOT / self.rel, self.tmp / self.rel)
        return outcome

    def wait(self) -> str:
        while (outcome := self.poll()) is None:
            time.sleep(0.02)
        return outcome


def _key(m: Mutant) -> list:
    return [m.file, m.line, m.what, m.before, m.after]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", help="files of engine/ to mutate (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--jobs", type=int, default=1, help="mutants tested at once (default 1)")
    parser.add_argument("--survivors", type=Path, help="write the surviving mutants to this JSON file")
    parser.add_argument("--rerun", type=Path, help="test only the mutants listed in this JSON file "
                        "(from --survivors of an earlier run)")
    parser.add_argument("--log", type=Path, help="append every mutant's outcome to this file (tab-separated)")
    parser.add_argument("--start", type=int, default=1, help="resume at this mutant number (from the log)")
    parser.add_argument("--limit", type=int, default=0, help="stop after this many mutants (0: all)")
    args = parser.parse_args(argv)

    files = args.files or sorted(str(p.relative_to(ROOT)) for p in (ROOT / "engine").glob("*.py"))
    for f in files:
        if not (ROOT / f).is_file() or not f.startswith("engine/"):
            print(f"mutation_test: {f}: expected a file of engine/ (e.g. engine/trace.py)", file=sys.stderr)
            return 2
    mutants = [m for f in files for m in enumerate_mutants(f)]
    if args.rerun:
        wanted = {tuple(k) for k in json.loads(args.rerun.read_text(encoding="utf-8"))}
        mutants = [m for m in mutants if tuple(_key(m)) in wanted]
    mutants = mutants[max(args.start, 1) - 1:]
    if args.limit:
        mutants = mutants[:args.limit]
    if args.list:
        for m in mutants:
            print(f"{m.file}:{m.line}: {m.what}: {m.before}  =>  {m.after}")
        print(f"{len(mutants)} mutants")
        return 0

    # SIGTERM runs the clean-up below (forked runs killed, temporary copies removed)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    # no entry-point scan in every run: the one plugin the tests need is named in _pytest_args
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import hypothesis.strategies  # noqa: F401  (imported once here, shared by every forked run)
    import numpy  # noqa: F401
    from hypothesis import HealthCheck, settings

    # Derandomised and without the example database: the same mutant always meets the same examples.
    settings.register_profile("mutation", derandomize=True, database=None,
                              suppress_health_check=list(HealthCheck))
    import pytest

    # warm up: pytest's own modules are imported once here, shared by every forked run
    with tempfile.TemporaryDirectory() as empty:
        with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
            pytest.main(["-q", "--collect-only", "-p", "no:cacheprovider", empty])

    began = time.monotonic()
    slots = [Slot() for _ in range(max(1, args.jobs))]
    killed, survived, equivalent = 0, [], []
    try:
        baseline: dict[str, float] = {}
        timed: dict[tuple[str, ...], float] = {}
        for f in files:
            tests = tuple(_pytest_args(f))
            if tests not in timed:
                slots[0].launch(f, None, timeout=600)
                if slots[0].wait() != "passed":
                    print(f"mutation_test: the unmutated tests fail for {f}; fix them first", file=sys.stderr)
                    return 1
                timed[tests] = time.monotonic() - slots[0].start
            baseline[f] = timed[tests]
        print("unmutated test runs: " + ", ".join(f"{s:.1f} s" for s in timed.values()), flush=True)
        queue = list(enumerate(mutants, 1))
        done = 0
        log = args.log.open("a", encoding="utf-8") if args.log else None
        while queue or any(s.pid for s in slots):
            for slot in slots:
                if slot.pid:
                    outcome = slot.poll()
                    if outcome is None:
                        continue
                    m = slot.mutant
                    done += 1
                    reason = EQUIVALENT.get((m.file, m.code, m.what))
                    if outcome != "passed":
                        killed += 1
                    elif reason:
                        equivalent.append((m, reason))
                    else:
                        survived.append(m)
                    mark = {"passed": "SURVIVED", "failed": "killed", "timeout": "killed (timeout)"}[outcome]
                    if log:
                        log.write(f"{mark if not reason else 'equivalent'}\t{json.dumps(_key(m))}\n")
                        log.flush()
                    if (outcome == "passed" and not reason) or done % 50 == 0:
                        print(f"[{done}/{len(mutants)}] {mark}: {m.file}:{m.line}: {m.what}: "
                              f"{m.before}  =>  {m.after}", flush=True)
                while queue and not slot.pid:
                    _, m = queue.pop(0)
                    try:
                        source = mutated_source(m)
                        compile(source, m.file, "exec")
                    except (SyntaxError, ValueError):
                        killed += 1
                        done += 1
                        continue
                    slot.launch(m.file, source, 3 * baseline[m.file] + 10, m)
            time.sleep(0.02)
    except SystemExit:
        print(f"\nstopped early: {done} of {len(mutants)} mutants tested", flush=True)
        mutants = mutants[:done]
    finally:
        for slot in slots:
            if slot.pid:
                os.killpg(slot.pid, signal.SIGKILL)
                os.waitpid(slot.pid, 0)
            shutil.rmtree(slot.tmp, ignore_errors=True)

    total = len(mutants)
    scored = total - len(equivalent)
    print()
    print(f"mutants: {total}  killed: {killed}  survived: {len(survived)}  equivalent: {len(equivalent)}"
          f"  ({time.monotonic() - began:.0f} s)")
    print(f"score (killed / non-equivalent): {killed}/{scored} = {100.0 * killed / max(scored, 1):.1f}%")
    if args.survivors:
        args.survivors.write_text(json.dumps([_key(m) for m in survived], indent=1) + "\n", encoding="utf-8")
    if survived:
        print("\nsurviving mutants:")
        for m in survived:
            print(f"  {m.file}:{m.line}: {m.what}: {m.before}  =>  {m.after}")
    if equivalent:
        print("\nequivalent mutants (not scored):")
        for m, reason in equivalent:
            print(f"  {m.file}:{m.line}: {m.what}: {m.before}  =>  {m.after}: {reason}")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
