"""Speed of ``cramsim explore``: designs per minute and where the time goes.

A fixed 24-design sweep (TMR0 4 values x diameter 3 x transistor width 2, workload add32, FP
gate source over 1 ns - 1 us, 81 voltages) run design by design in this process, each phase
timed: ``switching`` (the FP grids of both directions for the design's device; designs that
differ only in TMR0 or width share them, as in a real sweep's worker), ``gates`` (operating
points of the gates add32 uses and the FP preset writes), ``ledgers`` (the workload run and
the CRAM / baseline ledgers). ``--designs N`` times the first N designs only; ``--pool W``
instead times ``run_sweep`` with W local workers end to end.

Usage::

    python benchmarks/bench_explore.py --json
    python benchmarks/bench_explore.py --designs 6

Target (issue 14): a 100-design sweep under 10 minutes on 2 cores with a cold cache.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SWEEP = {"base_device": "default", "workloads": ["add32"], "target_error": 1e-6,
         "axes": {"diameter": [40e-9, 45e-9, 50e-9], "TMR0": [1.5, 3.0, 4.5, 6.0],
                  "transistor_width": [9e-8, 1.8e-7]},
         "settings": {"pulse_min": 1e-9, "pulse_max": 1e-6, "n_voltages": 81,
                      "sim_rows": 128}}


def _phases(cfg, n: int) -> dict:
    from arrays.explore import chain
    from circuits.fpsource import fp_source

    gates = chain.gates_of(cfg)
    split = {"switching": 0.0, "gates": 0.0, "ledgers": 0.0}
    for i in range(n):
        params = cfg.design(i)
        dev = chain.design_device(cfg, params)
        circ = chain._circuit(cfg, params)
        t0 = time.perf_counter()
        src = fp_source(dev, circ["pulse_range"], cfg.settings["subcritical"])
        for d in src.directions:
            src._tables(d)
        t1 = time.perf_counter()
        rec, reasons = {}, []
        costs = chain._gate_costs(cfg, dev, circ, gates, rec, reasons)
        t2 = time.perf_counter()
        chain._workloads(cfg, dev, circ, costs, rec, reasons)
        t3 = time.perf_counter()
        split["switching"] += t1 - t0
        split["gates"] += t2 - t1
        split["ledgers"] += t3 - t2
    return split


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--designs", type=int, default=24)
    ap.add_argument("--pool", type=int, default=0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    from arrays.explore.config import config_from_dict

    cfg = config_from_dict(SWEEP, "bench")
    n = max(1, min(args.designs, cfg.n_points))
    t0 = time.perf_counter()
    if args.pool:
        from arrays.explore.run import run_sweep

        with tempfile.TemporaryDirectory() as tmp:
            run_sweep(cfg, Path(tmp) / "b.h5", workers=args.pool, progress=False)
        n, split = cfg.n_points, {}
    else:
        split = _phases(cfg, n)
    seconds = time.perf_counter() - t0
    out = {"designs": n, "seconds": round(seconds, 2),
           "designs_per_minute": round(60.0 * n / seconds, 2),
           "split_seconds": {k: round(v, 2) for k, v in split.items()},
           "projected_100_designs_minutes": round(100 * seconds / n / 60.0, 1),
           "workers": args.pool or 1}
    print(json.dumps(out, indent=2) if args.json else out)


if __name__ == "__main__":
    main()
