"""Benchmark: a 5-point switching-probability curve on the default device.

``python benchmarks/bench_switch.py --json`` runs P_sw at |I|/Ic0 = 0.9, 1.1, 1.3, 1.6, 2.0
(P -> AP), 1000 trials each, 10 ns pulses, dt = 0.1 ps, thermal initial states, write energy
integrated, and prints {"seconds", "cpu_seconds", "trials", "steps_per_s", "trajectory_steps",
"numpy_steps_per_s", "ratio_to_numpy", the machine (benchmarks/machine.py), "points"}.
Compile time is excluded (a small warm-up run first). Target: < 4 s on 2 cores.

The wall time depends on the machine and on whatever else runs on it, so the run also times
the single-threaded numpy baseline of bench_llg.py (same device, 1e4 trajectories) and
reports the curve's rate as a ratio to it, and the CPU time (all threads) and load average.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numba
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from llg import current_pulse, load_device  # noqa: E402
from llg.equilibrium import sample_directions  # noqa: E402
from llg.switching import switching_curve, switching_probability  # noqa: E402
from machine import describe, load_average, one_line  # noqa: E402
from numpy_reference import NumpyHeun  # noqa: E402

FACTORS = (0.9, 1.1, 1.3, 1.6, 2.0)
TARGET_S = 4.0


def numpy_rate(dev, n=10_000, steps=100, repeats=3) -> float:
    """Best trajectory-steps/s of the numpy baseline (one thread, -2 Ic0, dt = 1 ps)."""
    ref = NumpyHeun(dev, current_pulse(-2 * dev.ic0), 1e-12)
    m0 = sample_directions(n, dev.delta, np.asarray(dev.easy_axis, float), 1,
                           np.random.default_rng(0))
    best = 0.0
    for r in range(repeats):
        rng = np.random.Generator(np.random.SFC64(r))
        t = time.perf_counter()
        ref.run(m0, steps, rng)
        best = max(best, n * steps / (time.perf_counter() - t))
    return best


def run(trials: int, dt: float) -> dict:
    dev = load_device("default")
    switching_probability(dev, current=-2 * dev.ic0, pulse_width=1e-10, trials=4, dt=dt)
    machine = describe()
    np_before = numpy_rate(dev)
    t0, c0 = time.perf_counter(), time.process_time()
    pts = switching_curve(dev, currents=[-f * dev.ic0 for f in FACTORS], pulse_widths=[10e-9],
                          trials=trials, dt=dt, seed=1)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    np_after = numpy_rate(dev)
    steps = sum(p.trajectory_steps for p in pts)
    np_rate = max(np_before, np_after)
    return {"seconds": seconds, "cpu_seconds": cpu, "trials": sum(p.trials for p in pts),
            "steps_per_s": steps / seconds, "trajectory_steps": steps,
            "numpy_steps_per_s": np_rate, "ratio_to_numpy": steps / seconds / np_rate,
            "target_s": TARGET_S, "meets_target": seconds < TARGET_S,
            **machine, "load_average_1min_after": load_average(),
            "points": [{"i_over_ic0": f, "p_switch": p.p_switch, "ci_low": p.ci_low,
                        "ci_high": p.ci_high} for f, p in zip(FACTORS, pts)]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", action="store_true", help="print JSON only")
    ap.add_argument("--trials", type=int, default=1000)
    ap.add_argument("--dt", type=float, default=1e-13)
    ap.add_argument("--threads", type=int, default=None, help="numba threads")
    args = ap.parse_args()
    if args.threads:
        numba.set_num_threads(args.threads)
    out = run(args.trials, args.dt)
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"{out['trials']} trials in {out['seconds']:.2f} s wall, {out['cpu_seconds']:.2f} s "
              f"CPU ({out['steps_per_s']:.3g} trajectory-steps/s = {out['ratio_to_numpy']:.2f} x "
              f"the numpy baseline's {out['numpy_steps_per_s']:.3g}); target < {TARGET_S} s: "
              f"{'met' if out['meets_target'] else 'NOT met'}")
        print(f"  {one_line(out)} -> {out['load_average_1min_after']}")


if __name__ == "__main__":
    main()
