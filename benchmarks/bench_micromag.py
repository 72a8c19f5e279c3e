"""Speed of the micromagnetic step (numba kernels + scipy.fft demag) against plain numpy.

Two figures, in one run:

* cell-steps per second of one stochastic Heun step on a 64 x 64 disk (1 nm cells, the
  default device's material with A_ex = 20 pJ/m, 300 K thermal field, FFT demag on the
  128 x 128 zero-padded grid): the production stepper (``llg.micromag.integrate.Stepper``)
  against ``NumpyStep``, the same step written in plain numpy (numpy.fft demag with the same
  tensor spectra, exchange by array slicing, the same LLG right-hand side), same run; ratio.
  A cell-step is one magnetic cell advanced by one dt.
  Also: the share of the step spent in the demag FFTs (``demag_fraction``) and the step
  rate with scipy.fft using 2 workers (``cell_steps_per_s_workers2``).
* the wall time of mu-MAG standard problem 4, field 1, 1 ns (128 x 32 x 1 cells, RK45),
  relaxation excluded and reported separately, with its agreement with the published traces
  (``sp4_published``, see llg.micromag.sp4_reference).
* member-steps per second of the switching ensemble (llg.micromag.ensemble) on the 20 nm,
  21-cell disk, 128 members (dense demag matrix).

Usage::

    python benchmarks/bench_micromag.py --json [--repeats 3] [--no-sp4]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numba
import numpy as np

from llg import load_device
from llg.constants import GAMMA_E, MU0
from llg.micromag import device_model as DM
from llg.micromag.integrate import Stepper, stable_dt


class NumpyStep:
    """The Heun step of ``Stepper`` in plain numpy (reference for the speed ratio)."""

    def __init__(self, system, dt, seed=0):
        self.s, self.dt = system, dt
        self.P = system.pack()
        op = system._demag
        self.k = {c: op._k[c] for c in op._k}
        self.padded = op.padded
        self.mask = system.grid.mask
        self.maskf = self.mask.astype(float)
        self.sigma = system.thermal.sigma(system.alpha, system.Ms, system.grid, dt)
        self.rng = np.random.Generator(np.random.PCG64(seed))

    def demag(self, m):
        nz, ny, nx = self.mask.shape
        f = [np.fft.rfftn(m[c] * self.maskf, s=self.padded, axes=(0, 1, 2))
             for c in range(3)]
        k = self.k
        hs = (k["xx"] * f[0] + k["xy"] * f[1] + k["xz"] * f[2],
              k["xy"] * f[0] + k["yy"] * f[1] + k["yz"] * f[2],
              k["xz"] * f[0] + k["yz"] * f[1] + k["zz"] * f[2])
        full = [np.fft.irfftn(h, s=self.padded, axes=(0, 1, 2))[:nz, :ny, :nx] for h in hs]
        return np.stack(full) * (-self.s.Ms * self.maskf)

    def field(self, m, h):
        P, mk = self.P, self.maskf
        H = self.demag(m) + h
        for ax, c in ((3, P[0]), (2, P[1])):
            lo = [slice(None)] * 4
            hi = [slice(None)] * 4
            lo[ax], hi[ax] = slice(0, -1), slice(1, None)
            both = (mk[tuple(lo[1:])] * mk[tuple(hi[1:])])
            d = (m[tuple(hi)] - m[tuple(lo)]) * both
            H[tuple(lo)] += c * d
            H[tuple(hi)] -= c * d
        u = P[4:7]
        mu = np.einsum("c...,c->...", m, u)
        H += P[3] * mu * u[:, None, None, None] + P[7:10, None, None, None]
        return H * mk

    def rhs(self, m, H):
        P = self.P
        a, alpha, g = P[10], P[15], P[16]
        p = P[12:15, None, None, None]
        hp = H - alpha * a * p
        hd = alpha * H + a * p
        x = np.cross(m, hp, axis=0)
        md = (m * hd).sum(axis=0)
        return -g * (x + m * md - hd) * self.maskf

    def step(self, m):
        h = self.sigma * self.rng.standard_normal(m.shape)
        k1 = self.rhs(m, self.field(m, h))
        m1 = m + self.dt * k1
        m1 /= np.where(self.mask, np.linalg.norm(m1, axis=0), 1.0)
        k2 = self.rhs(m1, self.field(m1, h))
        m += 0.5 * self.dt * (k1 + k2)
        m /= np.where(self.mask, np.linalg.norm(m, axis=0), 1.0)


def disk_system():
    dev = load_device("default").with_(A_ex=2e-11, diameter=64e-9)
    return DM.from_device(dev, cell=1e-9, current=-2 * dev.ic0)


def time_steps(stepper, m, n):
    t0 = time.perf_counter()
    for _ in range(n):
        stepper.step(m)
    return time.perf_counter() - t0


def demag_fraction(stepper, s, m, n=50) -> float:
    """Share of a step's wall time spent in the two demag field evaluations."""
    t_step = time_steps(stepper, m.copy(), n) / n
    t0 = time.perf_counter()
    for _ in range(n):
        s.demag_field(m)
        s.demag_field(m)
    return (time.perf_counter() - t0) / n / t_step


def time_with_workers(stepper, s, m, n, workers: int) -> float:
    """Wall time of n steps with scipy.fft using ``workers`` threads for the demag FFTs."""
    old = s._demag.workers
    s._demag.workers = workers
    try:
        return time_steps(stepper, m, n)
    finally:
        s._demag.workers = old


def bench_ensemble(n_members=128, steps=500) -> dict:
    from llg.micromag import checks, ensemble as E

    dev = checks.small_disk_device(load_device("default"))
    s = DM.from_device(dev, cell=4e-9, current=-2 * dev.ic0)
    st = E.EnsembleStepper(s, n_members, stable_dt(s), seed=1)
    m = np.repeat(s.uniform((0, 0, 1))[None], n_members, axis=0)
    P = s.pack()
    st.step(m, P)
    t0 = time.perf_counter()
    for _ in range(steps):
        st.step(m, P)
    wall = time.perf_counter() - t0
    return {"ensemble_cells": int(s.grid.mask.sum()), "ensemble_members": n_members,
            "ensemble_member_steps_per_s": n_members * steps / wall}


def bench_step(repeats: int) -> dict:
    s = disk_system()
    dt = stable_dt(s)
    cells = s.grid.n_cells
    fast, slow = Stepper(s, dt, seed=1), NumpyStep(s, dt, seed=1)
    m = DM.tilted(s, 0.1)
    # check: one step of each from the same state agrees without noise
    s0 = s.with_(thermal=type(s.thermal)(0.0))
    a, b = m.copy(), m.copy()
    Stepper(s0, dt).step(a)
    NumpyStep(s0, dt).step(b)
    agree = float(np.abs(a - b).max())
    time_steps(fast, m.copy(), 5)  # warm-up (compile or cache load)
    rf, rs, rw = [], [], []
    for _ in range(repeats):  # interleaved, so a burst of load hits all three
        rf.append(cells * 200 / time_steps(fast, m.copy(), 200))
        rs.append(cells * 40 / time_steps(slow, m.copy(), 40))
        rw.append(cells * 200 / time_with_workers(fast, s, m.copy(), 200, 2))
    return {"grid": list(s.grid.shape[::-1]), "magnetic_cells": cells, "dt": dt,
            "cell_steps_per_s": max(rf), "numpy_cell_steps_per_s": max(rs),
            "ratio": max(rf) / max(rs), "runs": rf, "numpy_runs": rs,
            "max_step_difference_T0": agree,
            "demag_fraction": demag_fraction(fast, s, m),
            "cell_steps_per_s_workers2": max(rw), "workers2_runs": rw}


def bench_sp4() -> dict:
    from llg.micromag import sp4

    r = sp4.run(1)
    p = r["published"]
    return {"sp4_field1_1ns_wall_s": r["seconds_dynamics"],
            "sp4_relax_wall_s": r["seconds_relax"], "sp4_final_error": r["final_error"],
            "sp4_published": {k: p[k] for k in ("ok", "max_dev", "max_dev_nearest", "spread",
                                                "t_first_mx_zero")}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-sp4", action="store_true", help="skip standard problem 4")
    args = ap.parse_args(argv)
    out = {"cores": len(os.sched_getaffinity(0)), "threads": numba.get_num_threads(),
           "load_average_start": os.getloadavg()[0], **bench_step(args.repeats),
           **bench_ensemble()}
    if not args.no_sp4:
        out.update(bench_sp4())
    out["load_average_end"] = os.getloadavg()[0]
    if args.json:
        json.dump(out, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for k, v in out.items():
            print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
