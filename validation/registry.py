"""The registry of validation cases and the ``cramsim validate`` command.

A case is a function ``(quick: bool, out_dir: Path | None) -> CaseResult`` registered with
:func:`case`. ``quick`` selects a smaller run (the whole quick suite must finish in < 60 s on
2 cores); the full run tightens statistics. Cases compare the code against an independent
reference (a closed form, a published formula or table), never against earlier output.
Case modules are listed in ``CASE_MODULES`` and imported on first use.
"""
from __future__ import annotations

import importlib
import json
import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Optional

import typer

from llg.cli_params import output

#: Modules that register cases when imported (one per physics area).
CASE_MODULES = ["validation.cases_llg", "validation.cases_switching", "validation.cases_circuits",
                "validation.cases_tables", "validation.cases_fp", "validation.cases_arrays",
                "validation.cases_crossbar", "validation.cases_memtech",
                "validation.cases_absolute", "validation.cases_micromag",
                "validation.cases_gates", "validation.cases_ai"]


@dataclass
class CaseResult:
    """Outcome of one validation case (SI units; ``value`` and ``reference`` comparable)."""

    name: str
    passed: bool
    value: float
    reference: float
    tolerance: float
    unit: str = ""
    details: str = ""
    plot: Optional[str] = None
    extra: dict = field(default_factory=dict)


@dataclass
class Case:
    name: str
    func: Callable
    description: str
    source: str


CASES: dict[str, Case] = {}


def case(name: str, description: str, source: str):
    """Register ``func(quick, out_dir) -> CaseResult`` as validation case ``name``."""

    def deco(func):
        CASES[name] = Case(name, func, description, source)
        return func

    return deco


def load_cases() -> dict[str, Case]:
    for mod in CASE_MODULES:
        importlib.import_module(mod)
    return CASES


def run_cases(quick: bool = True, out_dir: Path | None = None,
              names: list[str] | None = None, progress: bool = False) -> list[CaseResult]:
    """Run the registered cases (all, or those in ``names``) and return their results."""
    cases = load_cases()
    selected = list(cases) if not names else names
    unknown = [n for n in selected if n not in cases]
    if unknown:
        from llg.errors import ParameterError

        raise ParameterError(f"--case = {', '.join(map(repr, unknown))} is unknown; valid: "
                             f"{', '.join(cases)}")
    results = []
    iterator = selected
    if progress:
        from tqdm import tqdm

        iterator = tqdm(selected, desc="validation", unit="case")
    for n in iterator:
        t0 = time.perf_counter()
        res = cases[n].func(quick, out_dir)
        res.extra.setdefault("seconds", time.perf_counter() - t0)
        results.append(res)
    return results


def _json_value(x):
    return x if (not isinstance(x, float) or math.isfinite(x)) else None


def write_report(results: list[CaseResult], out_dir: Path) -> Path:
    """A markdown report: one row per case, with its plot where it has one."""
    cases = load_cases()
    lines = ["# cramsim validation report", "",
             f"{sum(r.passed for r in results)} of {len(results)} cases passed.", "",
             "| case | passed | value | reference | tolerance | unit |",
             "|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r.name} | {'yes' if r.passed else '**NO**'} | {r.value:.6g} | "
                     f"{r.reference:.6g} | {r.tolerance:.3g} | {r.unit} |")
    for r in results:
        c = cases[r.name]
        lines += ["", f"## {r.name}", "", c.description, "", f"Reference: {c.source}", "",
                  r.details]
        if r.plot:
            lines += ["", f"![{r.name}]({Path(r.plot).name})"]
    from llg.outputs import write_text_atomic

    return write_text_atomic(Path(out_dir) / "validation.md", "\n".join(lines) + "\n")


def validate_command(
        quick: bool = typer.Option(False, "--quick", help="Smaller runs; < 60 s on 2 cores."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON."),
        out: Optional[Path] = output(None, "--out", kind="dir", help="Write a markdown "
                                     "report with PNG plots into this folder."),
        only: Optional[list[str]] = typer.Option(None, "--case", help="Run only this case "
                                                 "(repeatable).")):
    """Run the registered validation cases against their published references.

    Prints {"cases": [{"name", "passed", "value", "reference", "tolerance"}...], "passed"}
    with --json; exits with status 1 if any case fails.
    """
    results = run_cases(quick=quick, out_dir=out, names=only, progress=not json_out)
    ok = all(r.passed for r in results)
    if out is not None:
        write_report(results, out)
    if json_out:
        payload = {"cases": [{k: _json_value(v) for k, v in asdict(r).items()}
                             for r in results], "passed": ok}
        typer.echo(json.dumps(payload, indent=2, default=float))
    else:
        for r in results:
            typer.echo(f"{'PASS' if r.passed else 'FAIL'}  {r.name}: value {r.value:.6g} vs "
                       f"reference {r.reference:.6g} (tolerance {r.tolerance:.3g}) {r.unit}")
        typer.echo(f"{'all passed' if ok else 'FAILURES'}: {sum(r.passed for r in results)}"
                   f"/{len(results)}")
    if not ok:
        raise typer.Exit(1)
