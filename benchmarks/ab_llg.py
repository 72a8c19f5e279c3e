"""Interleaved A/B of the macrospin ensemble kernel: an older ``llg`` against this checkout.

For refactors that must not change the kernel's speed or results (e.g. the shared torque
helper ``llg.kernels.llgs_torque``). Both versions run in one process, alternating call by
call (so a burst of load from other jobs hits both), on the same device, drive, dt, initial
states and seeds, with one numba thread; it reports rates, the paired ratio and whether the
final states are bit-identical.

Usage::

    mkdir /tmp/old && git archive <commit> llg data | tar -x -C /tmp/old
    python benchmarks/ab_llg.py /tmp/old [--reps 40] [--n 4096] [--steps 500]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numba
import numpy as np


def load_old(src: Path):
    """Import ``src/llg`` as the package ``llg_before`` (a copy, with its data next to it)."""
    tmp = Path(tempfile.mkdtemp(prefix="ab_llg_"))
    shutil.copytree(src / "llg", tmp / "llg_before")
    (tmp / "data").symlink_to((src / "data").resolve())
    sys.path.insert(0, str(tmp))
    import llg_before

    return llg_before


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old", type=Path, help="directory holding the older llg/ and data/")
    ap.add_argument("--reps", type=int, default=40)
    ap.add_argument("--n", type=int, default=4096)
    ap.add_argument("--steps", type=int, default=500)
    args = ap.parse_args(argv)
    import llg
    from llg.equilibrium import sample_directions

    numba.set_num_threads(1)
    sides = {}
    for name, pkg in (("before", load_old(args.old)), ("after", llg)):
        dev = pkg.load_device("default")
        sides[name] = (pkg, dev, pkg.current_pulse(-2.0 * dev.ic0))
    dev = sides["after"][1]
    m0 = sample_directions(args.n, dev.delta, np.array([0, 0, 1.0]), +1,
                           np.random.default_rng(7))
    dt = 1e-12

    def once(name, seed, n, steps):
        pkg, d, drive = sides[name]
        t = time.perf_counter()
        r = pkg.simulate(d, duration=steps * dt, dt=dt, drive=drive, n_trajectories=n,
                         seed=seed, initial=m0[:n], target=-1)
        return time.perf_counter() - t, r.m_final

    for name in sides:  # compile or load the cache
        once(name, 0, 16, 5)
    rates = {"before": [], "after": []}
    same = True
    load0 = os.getloadavg()[0]
    for rep in range(args.reps):
        res = {}
        for name in (("before", "after") if rep % 2 == 0 else ("after", "before")):
            sec, m = once(name, 100 + rep, args.n, args.steps)
            rates[name].append(args.n * args.steps / sec)
            res[name] = m
        same &= bool(np.array_equal(res["before"], res["after"]))
    ratios = [a / b for a, b in zip(rates["after"], rates["before"])]
    out = {"n": args.n, "steps": args.steps, "reps": args.reps, "threads": 1,
           "load_average_start": load0, "load_average_end": os.getloadavg()[0],
           "best_before": max(rates["before"]), "best_after": max(rates["after"]),
           "median_before": statistics.median(rates["before"]),
           "median_after": statistics.median(rates["after"]),
           "median_paired_ratio_after_over_before": statistics.median(ratios),
           "paired_ratio_q25_q75": [float(np.percentile(ratios, 25)),
                                    float(np.percentile(ratios, 75))],
           "final_states_bit_identical": same}
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
