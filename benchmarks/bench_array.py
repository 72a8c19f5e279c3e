"""Speed of the CRAM array simulator and of a full default report.

* ``gate_bit_ops_per_s``: a 32-bit ripple-carry add (128 gates, 128 presets per row) on a
  1024-row array, perfect mode, pattern counting on (as the ledger needs): row-gate
  evaluations per second of kernel time, best of ``--repeats``; each repetition runs the
  program ``--inner`` times. ``gate_bit_ops_per_s_errors``: the same with error injection at
  p = 1e-4 per gate and preset (candidate draw included in the timing).
* ``report_seconds``: wall time of ``cramsim report`` on the default device with all
  workloads (cards, circuits operating points, simulation, figures, markdown), split into
  ``report_setup_seconds`` (cards + circuits cost model) and the rest. ``--no-report`` skips it.

Usage::

    python benchmarks/bench_array.py --json
    python benchmarks/bench_array.py --no-report

Target (issue 6, 2 cores): gate_bit_ops_per_s >= 1e8.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from arrays.sim import programs  # noqa: E402
from arrays.sim.executor import ErrorModel, run, warm_up  # noqa: E402
from arrays.sim.state import ArrayState  # noqa: E402

TARGET = 1e8


def _state(k, rows):
    st = ArrayState(rows, 1024)
    inputs = k.make_inputs(np.random.default_rng(0), rows)
    for op, c in k.program.operands.items():
        st.write_uint(c, inputs[op])
    return st


def bench_kernel(rows: int, repeats: int, inner: int, errors: ErrorModel | None) -> dict:
    k = programs.build("add32")
    warm_up()
    base = _state(k, rows)
    rates = []
    for _ in range(repeats):
        st = base.copy()
        t0 = time.perf_counter()
        evals = 0
        for i in range(inner):
            r = run(k.program, st, errors=errors, seed=i)
            evals += r.total_gate_evaluations
        rates.append(evals / (time.perf_counter() - t0))
    return {"best": max(rates), "median": float(np.median(rates)), "runs": rates,
            "gates_per_row": k.program.n_gates()}


def bench_report() -> dict:
    from arrays.energy.evaluate import make_setup
    from arrays.study.report import build_report

    t0 = time.perf_counter()
    setup = make_setup()
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as d:
        build_report(setup, None, Path(d))
    t2 = time.perf_counter()
    return {"report_seconds": t2 - t0, "report_setup_seconds": t1 - t0,
            "report_evaluation_seconds": t2 - t1}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1024)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--inner", type=int, default=20)
    ap.add_argument("--no-report", action="store_true")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    perfect = bench_kernel(a.rows, a.repeats, a.inner, None)
    noisy = bench_kernel(a.rows, a.repeats, a.inner, ErrorModel.uniform(1e-4, presets=True))
    out = {"program": "add32", "rows": a.rows,
           "gate_bit_ops_per_s": perfect["best"],
           "gate_bit_ops_per_s_median": perfect["median"],
           "gate_bit_ops_per_s_errors": noisy["best"],
           "gates_per_row": perfect["gates_per_row"], "target": TARGET,
           "meets_target": perfect["best"] >= TARGET,
           "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
           else os.cpu_count()}
    if not a.no_report:
        out.update(bench_report())
    if a.json:
        print(json.dumps(out, indent=2))
    else:
        for k, v in out.items():
            print(f"{k:32s} {v:.4g}" if isinstance(v, float) else f"{k:32s} {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
