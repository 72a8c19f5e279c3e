"""A small, sampled mutation pass: do the tests notice when the code is wrong?

For each module, every "mutation site" is listed from its AST: a comparison operator flipped
(< <=, > >=, == !=, in / not in), an arithmetic operator swapped (+ -, * /, ** *), a numeric
constant changed (x -> 1.1 x, ints n -> n + 1), a unary minus dropped, ``and`` <-> ``or``,
``not`` dropped. A random sample (fixed seed) is applied one at a time to the file on disk
(rewritten with ``ast.unparse``), the module's test files are run with ``pytest -x`` under a
timeout, and the original file is restored. A mutant that no test fails is a survivor.

Skipped: docstrings, functions decorated with numba's ``njit``/``jit`` (their compiled cache is
keyed on other files' timestamps; mutate those by hand), default argument values and literal
dataclass field defaults, and lines marked ``# no mutate``.

    nice -n 19 python tools/mutate.py llg/device.py --tests tests/test_device.py \\
        --sample 20 --seed 1 --timeout 120 --out mutants.json

``--list`` only prints the sites; ``--line 44 91 --sample 0`` re-checks every site on those
lines. Run from the repository root with its virtual environment
active and nothing else editing the files: the file under test is rewritten while it runs.
"""
from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

CMP_SWAP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
            ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In,
            ast.Is: ast.IsNot, ast.IsNot: ast.Is}
BIN_SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
            ast.Pow: ast.Mult, ast.FloorDiv: ast.Div}


def _skipped_lines(tree: ast.Module, source: str) -> set[int]:
    """Lines not to mutate: numba functions, docstrings, defaults, '# no mutate' lines."""
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names = {ast.unparse(d).split("(")[0].split(".")[-1] for d in node.decorator_list}
            if names & {"njit", "jit", "vectorize", "guvectorize"}:
                skip.update(range(node.lineno, node.end_lineno + 1))
            for d in node.args.defaults + node.args.kw_defaults:
                if d is not None:
                    skip.update(range(d.lineno, d.end_lineno + 1))
        if isinstance(node, ast.ClassDef):  # dataclass field defaults, like argument defaults
            for stmt in node.body:
                if isinstance(stmt, ast.AnnAssign) and isinstance(
                        stmt.value, (ast.Constant, ast.Tuple, ast.UnaryOp)):
                    skip.update(range(stmt.lineno, stmt.end_lineno + 1))
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(
                    getattr(body[0], "value", None), ast.Constant) and isinstance(
                    body[0].value.value, str):
                skip.update(range(body[0].lineno, body[0].end_lineno + 1))
    for k, line in enumerate(source.splitlines(), 1):
        if "# no mutate" in line:
            skip.add(k)
    return skip


def sites(tree: ast.Module, source: str) -> list[tuple[int, int, str]]:
    """(node index in ast.walk order, line, description) of every mutation site."""
    skip = _skipped_lines(tree, source)
    out = []
    for idx, node in enumerate(ast.walk(tree)):
        line = getattr(node, "lineno", None)
        if line is None or line in skip:
            continue
        if isinstance(node, ast.Compare):
            for k, op in enumerate(node.ops):
                if type(op) in CMP_SWAP:
                    out.append((idx, line, f"cmp{k}: {type(op).__name__} -> "
                                           f"{CMP_SWAP[type(op)].__name__}"))
        elif isinstance(node, ast.BinOp) and type(node.op) in BIN_SWAP:
            out.append((idx, line, f"binop: {type(node.op).__name__} -> "
                                   f"{BIN_SWAP[type(node.op)].__name__}"))
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
            out.append((idx, line, f"const: {node.value!r} -> {_new_const(node.value)!r}"))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
            out.append((idx, line, f"unary: drop {type(node.op).__name__}"))
        elif isinstance(node, ast.BoolOp):
            out.append((idx, line, f"boolop: {type(node.op).__name__} swapped"))
    return out


def _new_const(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v + 1
    return v * 1.1 if v != 0 else 1.0


class _Apply(ast.NodeTransformer):
    def __init__(self, target: int, desc: str, order: dict[int, int]):
        self.target, self.desc, self.order = target, desc, order

    def generic_visit(self, node):
        node = super().generic_visit(node)
        if self.order.get(id(node)) != self.target:
            return node
        d = self.desc
        if d.startswith("cmp"):
            k = int(d[3:d.index(":")])
            node.ops[k] = CMP_SWAP[type(node.ops[k])]()
        elif d.startswith("binop"):
            node.op = BIN_SWAP[type(node.op)]()
        elif d.startswith("const"):
            node.value = _new_const(node.value)
        elif d.startswith("unary"):
            return node.operand
        elif d.startswith("boolop"):
            node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        return node


def mutant_source(source: str, idx: int, desc: str) -> str:
    tree = ast.parse(source)
    order = {id(n): k for k, n in enumerate(ast.walk(tree))}
    new = _Apply(idx, desc, order).visit(copy.copy(tree))
    return ast.unparse(ast.fix_missing_locations(new)) + "\n"


def run_tests(tests: list[str], timeout: float, extra: list[str]) -> str:
    """'killed', 'survived' or 'timeout' for one pytest run."""
    env = {**os.environ, "NUMBA_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *extra, *tests]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                            start_new_session=True)
    try:
        rc = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return "timeout"
    return "survived" if rc == 0 else "killed"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("module", help="file to mutate, e.g. llg/device.py")
    ap.add_argument("--tests", nargs="+", default=[], help="test files to run per mutant")
    ap.add_argument("-k", default=None, help="pytest -k expression")
    ap.add_argument("--sample", type=int, default=20, help="mutants to try (0: all)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=120.0, help="s per pytest run")
    ap.add_argument("--list", action="store_true", help="only list the sites")
    ap.add_argument("--line", type=int, nargs="+", default=None,
                    help="only the sites on these lines (to re-check survivors)")
    ap.add_argument("--out", default=None, help="append results as JSON lines")
    args = ap.parse_args(argv)
    path = Path(args.module)
    source = path.read_text()
    found = sites(ast.parse(source), source)
    if args.line:
        found = [f for f in found if f[1] in args.line]
    if args.list:
        for idx, line, desc in found:
            print(f"{path}:{line}: {desc}")
        return 0
    chosen = found if not args.sample or args.sample >= len(found) else \
        sorted(random.Random(args.seed).sample(found, args.sample), key=lambda s: s[1])
    extra = ["-k", args.k] if args.k else []
    counts = {"killed": 0, "survived": 0, "timeout": 0}
    try:
        # the tests must pass on the re-printed, unmutated file, or every mutant looks killed
        path.write_text(ast.unparse(ast.parse(source)) + "\n")
        if run_tests(args.tests, args.timeout, extra) != "survived":
            print(f"# {path}: the tests fail on the unmutated module; nothing measured")
            return 1
        for idx, line, desc in chosen:
            path.write_text(mutant_source(source, idx, desc))
            t0 = time.perf_counter()
            outcome = run_tests(args.tests, args.timeout, extra)
            counts[outcome] += 1
            rec = dict(module=str(path), line=line, mutation=desc, outcome=outcome,
                       code=source.splitlines()[line - 1].strip(),
                       seconds=round(time.perf_counter() - t0, 1))
            print(json.dumps(rec), flush=True)
            if args.out:
                with open(args.out, "a") as f:
                    f.write(json.dumps(rec) + "\n")
    finally:
        path.write_text(source)
    print(f"# {path}: {len(found)} sites, {len(chosen)} tried, {counts}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
