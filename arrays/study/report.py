"""``cramsim report``: where does CRAM's advantage hold? Energy, latency, accuracy, claims.

:func:`build_report` evaluates every workload (:mod:`arrays.energy.evaluate`) for one device and
switching table, writes ``DIR/report.md`` with PNG figures next to it (energy and latency per
workload, the breakdown by ledger item, accuracy vs device error rate, the sensitivity of the
energy ratio) and returns the JSON summary. The report states which published claims the
model reproduces, for which workloads and under which assumptions, and where it does not;
anything the physics layers cannot yet supply is listed as pending, never filled in.

The report is the list of sections in :mod:`arrays.study.sections` (each computes its data
and renders its own markdown and figures); this module evaluates the workloads once, hands
them to the sections in a :class:`~arrays.study.sections.Context` and loops over them.
"""
from __future__ import annotations

import time
from pathlib import Path

from ..energy.evaluate import Setup, evaluate
from ..energy.workloads import WORKLOADS, get_workload
from .sections import SECTIONS, Context, Options

#: Maturity scenarios the default report runs (data/scenarios; one circuits run each).
DEFAULT_SCENARIOS = ("early", "hybrid", "mature")


def _write_atomic(path: Path, text: str) -> None:
    from llg.outputs import write_text_atomic

    write_text_atomic(path, text)


def build_report(setup: Setup, workloads=None, out_dir: Path | None = None,
                 error_sweep: bool = True, progress=None, tmr_values=None,
                 scenarios=DEFAULT_SCENARIOS, memtech: bool = True,
                 crossbar: bool = True, quick: bool = False, sections=SECTIONS) -> dict:
    """Evaluate ``workloads`` (default: all) and write the report; returns the JSON dict.

    ``tmr_values``: also run the TMR what-if study at these TMR ratios (slow: one circuits
    cost model per value). ``scenarios``: maturity scenarios (data/scenarios) to run every
    workload under (one circuits cost model each; None or () skips them). ``memtech``: the
    technology comparison and the training-step study. ``crossbar``: the analog crossbar
    section (:mod:`arrays.crossbar.report`, ``quick`` passed on) if that module exists.
    ``sections``: the report's sections in order (default :data:`.sections.SECTIONS`).
    """
    t0 = time.perf_counter()
    names = list(WORKLOADS) if not workloads else [get_workload(w).name for w in workloads]
    say = progress or (lambda msg: None)
    results = []
    for n in names:
        say(f"evaluating {n}")
        results.append(evaluate(n, setup))
    ctx = Context(setup=setup, results=results, sections={s.name: s for s in sections},
                  options=Options(error_sweep=error_sweep, tmr_values=tmr_values,
                                  scenarios=tuple(scenarios or ()), memtech=memtech,
                                  crossbar=crossbar, quick=quick),
                  out_dir=Path(out_dir) if out_dir is not None else None, say=say)
    payload, lines = assemble(ctx, sections)
    if lines is not None:
        _write_atomic(ctx.out_dir / "report.md", "\n".join(lines) + "\n")
        payload["report"] = str(ctx.out_dir / "report.md")
    payload["seconds"] = time.perf_counter() - t0
    return payload


def assemble(ctx: Context, sections=SECTIONS) -> tuple[dict, list | None]:
    """The JSON dict of every section that has data for it, and the markdown lines of all
    sections in order (None when ``ctx.out_dir`` is None: no report is written).

    A section whose data is None is left out of both. Sections not in the JSON are computed
    only when the markdown is rendered.
    """
    payload = {}
    for s in sections:
        data = ctx.data(s.name) if s.json else None
        if data is not None:
            payload[s.name] = s.to_json(data) if s.to_json else data
    if ctx.out_dir is None:
        return payload, None
    lines = []
    for s in sections:
        data = ctx.data(s.name)
        if data is not None:
            lines += s.render(ctx, data)
    return payload, lines
