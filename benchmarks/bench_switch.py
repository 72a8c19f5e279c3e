"""Benchmark: a 5-point switching-probability curve on the default device.

``python benchmarks/bench_switch.py --json`` runs P_sw at |I|/Ic0 = 0.9, 1.1, 1.3, 1.6, 2.0
(P -> AP), 1000 trials each, 10 ns pulses, dt = 0.1 ps, thermal initial states, and prints
{"seconds", "trials", "steps_per_s", "trajectory_steps", "cores", "threads", "points"}.
Compile time is excluded (a small warm-up run first). Target: < 5 s on 2 cores.
"""
from __future__ import annotations

import argparse
import json
import os
import time

import numba

from llg import load_device
from llg.switching import switching_curve, switching_probability


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", action="store_true", help="print JSON only")
    ap.add_argument("--trials", type=int, default=1000)
    ap.add_argument("--dt", type=float, default=1e-13)
    args = ap.parse_args()

    dev = load_device("default")
    switching_probability(dev, current=-2 * dev.ic0, pulse_width=1e-10, trials=4, dt=args.dt)
    factors = (0.9, 1.1, 1.3, 1.6, 2.0)
    t0 = time.perf_counter()
    pts = switching_curve(dev, currents=[-f * dev.ic0 for f in factors], pulse_widths=[10e-9],
                          trials=args.trials, dt=args.dt, seed=1)
    seconds = time.perf_counter() - t0
    steps = sum(p.trajectory_steps for p in pts)
    out = {"seconds": seconds, "trials": sum(p.trials for p in pts),
           "steps_per_s": steps / seconds, "trajectory_steps": steps,
           "cores": os.cpu_count(), "threads": numba.get_num_threads(),
           "points": [{"i_over_ic0": f, "p_switch": p.p_switch, "ci_low": p.ci_low,
                       "ci_high": p.ci_high} for f, p in zip(factors, pts)]}
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"{out['trials']} trials in {seconds:.2f} s "
              f"({out['steps_per_s']:.3g} trajectory-steps/s, {out['threads']} threads)")


if __name__ == "__main__":
    main()
