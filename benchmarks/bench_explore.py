"""Speed of ``cramsim explore``: designs per minute, where the time goes, and the fast path
against the reference path in the same run.

A fixed 24-design sweep (TMR0 4 values x diameter 3 x transistor width 2, workload add32,
rows 16, FP gate source over 1 ns - 1 us, 81 voltages) run design by design in this process
with a cold cache (the FP grids of every switching model computed afresh; imports and numba
compilation done before the clock starts), each phase timed: ``switching`` (the FP grids of
both directions for the design's device; designs that differ only in TMR0 or width share them,
as in a real sweep's worker), ``gates`` (operating points of the gates add32 uses and the FP
preset writes), ``ledgers`` (the workload run and the CRAM / baseline ledgers).

Figures (``--json``):

* ``fast``: the default evaluation path on all designs (designs/min, wall and CPU seconds,
  the split);
* ``linearity``: the first N = designs/2 designs and all 2N, each with a cold cache;
  ``ratio`` = seconds(2N) / (2 seconds(N)), 1 when the cost is linear in designs;
* ``reference``: the same designs by :func:`circuits.fastpath.reference` (the brute-force
  evaluation the speed work started from), and ``speedup`` = its seconds / the fast path's;
* ``pool`` (``--pool W``): ``run_sweep`` with W spawned local workers end to end (worker start,
  imports, checkpoint, the HDF5 file);
* ``machine``: :mod:`benchmarks.machine` (CPU, cores, load average before and after).

Usage::

    python benchmarks/bench_explore.py --json --pool 2
    python benchmarks/bench_explore.py --designs 8 --no-reference

Target (issue 14): a 100-design sweep under 10 minutes on 2 cores with a cold cache, linear
in designs. Run with NUMBA_NUM_THREADS=1 for the in-process figures (one core per design, as
the pool's workers).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

SWEEP = {"base_device": "default", "workloads": ["add32"], "target_error": 1e-6,
         "axes": {"diameter": [40e-9, 45e-9, 50e-9], "TMR0": [1.5, 3.0, 4.5, 6.0],
                  "transistor_width": [9e-8, 1.8e-7]},
         "settings": {"pulse_min": 1e-9, "pulse_max": 1e-6, "n_voltages": 81,
                      "sim_rows": 128}}


def _cold() -> None:
    """Forget every FP grid (and what is memoized with them) computed in this process."""
    from circuits import fpsource

    fpsource._SHARED.clear()


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


def _timed(cfg, n: int, reference: bool = False) -> dict:
    """n designs in this process, cold cache, by the fast or the reference path."""
    from circuits import fastpath

    _cold()
    path = fastpath.reference() if reference else contextlib.nullcontext()
    c0, t0 = time.process_time(), time.perf_counter()
    with path:
        split = _phases(cfg, n)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"designs": n, "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
            "designs_per_minute": round(60.0 * n / wall, 2),
            "split_seconds": {k: round(v, 2) for k, v in split.items()},
            "projected_100_designs_minutes": round(100 * wall / n / 60.0, 2)}


def _pool(cfg, workers: int) -> dict:
    from arrays.explore.run import run_sweep

    with tempfile.TemporaryDirectory() as tmp:
        # a cold switching-data cache (llg.tables.cache): the workers inherit the variable
        old = os.environ.get("CRAMSIM_CACHE_DIR")
        os.environ["CRAMSIM_CACHE_DIR"] = str(Path(tmp) / "cache")
        try:
            t0 = time.perf_counter()
            run_sweep(cfg, Path(tmp) / "b.h5", workers=workers, progress=False)
            wall = time.perf_counter() - t0
        finally:
            if old is None:
                os.environ.pop("CRAMSIM_CACHE_DIR", None)
            else:
                os.environ["CRAMSIM_CACHE_DIR"] = old
    return {"workers": workers, "designs": cfg.n_points, "seconds": round(wall, 2),
            "designs_per_minute": round(60.0 * cfg.n_points / wall, 2),
            "projected_100_designs_minutes": round(100 * wall / cfg.n_points / 60.0, 2)}


def run(designs: int, pool: int, reference: bool) -> dict:
    import machine
    from arrays.explore import chain
    from arrays.explore.config import config_from_dict

    cfg = config_from_dict(SWEEP, "bench")
    n2 = max(2, min(designs, cfg.n_points))
    info = machine.describe()
    chain.evaluate_design(cfg, 0)                  # imports, numba caches: off the clock
    out = {"sweep": SWEEP, "machine": info}
    out["fast"] = _timed(cfg, n2)
    half = _timed(cfg, n2 // 2)
    out["linearity"] = {"designs_n": n2 // 2, "seconds_n": half["seconds"],
                        "designs_2n": n2, "seconds_2n": out["fast"]["seconds"],
                        "ratio": round(out["fast"]["seconds"] / (2 * half["seconds"]), 3)}
    if reference:
        out["reference"] = _timed(cfg, n2, reference=True)
        out["speedup"] = round(out["reference"]["seconds"] / out["fast"]["seconds"], 2)
        out["speedup_cpu"] = round(out["reference"]["cpu_seconds"]
                                   / out["fast"]["cpu_seconds"], 2)
    if pool:
        out["pool"] = _pool(cfg, pool)
    out["load_average_1min_after"] = machine.load_average()
    out["numba_num_threads_env"] = os.environ.get("NUMBA_NUM_THREADS")
    return out


def _text(out: dict) -> str:
    import machine

    f = out["fast"]
    lines = [machine.one_line(out["machine"]),
             f"fast: {f['designs']} designs in {f['seconds']} s ({f['designs_per_minute']} "
             f"designs/min; split {f['split_seconds']}), 100 designs ~ "
             f"{f['projected_100_designs_minutes']} min",
             f"linearity: {out['linearity']}"]
    if "reference" in out:
        r = out["reference"]
        lines.append(f"reference: {r['seconds']} s ({r['designs_per_minute']} designs/min); "
                     f"speedup {out['speedup']}x wall, {out['speedup_cpu']}x CPU")
    if "pool" in out:
        lines.append(f"pool: {out['pool']}")
    lines.append(f"load after: {out['load_average_1min_after']}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--designs", type=int, default=24, help="designs timed (2N; N for "
                    "the linearity check is half of it)")
    ap.add_argument("--pool", type=int, default=0, help="also run the sweep end to end on "
                    "this many local workers")
    ap.add_argument("--no-reference", action="store_true", help="skip the reference path")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    out = run(args.designs, args.pool, not args.no_reference)
    print(json.dumps(out, indent=2) if args.json else _text(out))


if __name__ == "__main__":
    main()
