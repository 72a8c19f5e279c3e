"""Ensembles of micromagnetic trajectories and the switching probability of a current pulse.

``EnsembleStepper`` advances n independent copies of one system by the stochastic Heun step
of :mod:`llg.micromag.integrate` at once: the demag field of all members in one batched FFT,
the fused field and LLG kernels looped over the members, the thermal normals drawn from one
PCG64 stream in a fixed order (so the result depends on the seed only, not on threads).

``switching_probability`` follows the macrospin protocol of :mod:`llg.switching` so the two
can be compared point by point: start states in thermal equilibrium in the P well (the
uniform mode drawn from the Boltzmann law of the grid's own barrier, then ``equilibrate`` s
at zero current so the non-uniform modes thermalize too), a rectangular current pulse, then
``relax_time`` (default 2 tau_D) with the current off; a member has switched if its <m> ends
in the AP well. ``macrospin_device`` is the macrospin with the grid's own volume (the
staircase disk's area differs from pi d^2 / 4 by a few %, which would shift Delta).

Macrospin limit (validation case micromag_switching_macrospin_limit): a 20 nm disk (21 cells
of 4 nm) at 30 K reproduces the macrospin P_sw within binomial error (0.3 ns, 2.5-4 Ic0, 256
trajectories: z = +1.2, +0.8, +1.1, +0.2). That every z is positive fits the discretized
disk's Ic0, 1.4 % below the macrospin's (edge canting; checks.critical_current): at the
curve's slope dP/d(I/Ic0) ~ 0.7 a 1.4 % current shift is +0.03 in P. At 300 K the same disk switches more often than the macrospin (0.2 ns pulses:
0.23 vs 0.16 at 2 Ic0, 0.78 vs 0.65 at 3 Ic0, z up to 5): its exchange bond energy
2 A_ex t = 10.6 k_B T lets thermal spin waves inside the disk soften the uniform mode (lower
effective anisotropy and barrier). Skipping the zero-current equilibration that populates
those modes brings it back to 0.17 at 2 Ic0; the effect grows as T / (A_ex t). Device files
give Ms and Hk_eff as measured at their temperature, spin waves included, so a per-cell
thermal field counts them a second time: an assumption to keep in mind (and to size by the
cell and temperature) when fitting laws from micromagnetic ensembles at room temperature.
"""
from __future__ import annotations

import math

import numpy as np

from ..device import Device
from ..equilibrium import sample_directions
from ..errors import ParameterError, check_int, check_range
from ..statistics import wilson_interval
from . import device_model as DM
from . import kernels as K
from .integrate import stable_dt
from .system import System


#: Largest number of magnetic cells for which the demag field is applied as a dense matrix.
#: The matrix is the FFT operator itself, tabulated column by column (the field is linear in
#: m); for a small disk one matrix product replaces two FFTs and is ~10x faster.
DENSE_CELLS = 256
#: Members advanced together (measured: 2.3e5 member-steps/s at 128 on a 21-cell disk, 10x
#: fewer at 512 where the work arrays leave the cache).
CHUNK = 128


class DenseDemag:
    """The demag operator of a small grid as a (3N, 3N) matrix over its N magnetic cells."""

    def __init__(self, system: System):
        mask = system.grid.mask
        n = int(mask.sum())
        self.mask = mask
        self.D = np.empty((3 * n, 3 * n))
        basis = np.zeros((3,) + mask.shape)
        cells = np.argwhere(mask)
        for c in range(3):
            for i, idx in enumerate(cells):
                basis[(c,) + tuple(idx)] = 1.0
                self.D[:, c * n + i] = system.demag_field(basis)[:, mask].ravel()
                basis[(c,) + tuple(idx)] = 0.0

    def field(self, m: np.ndarray, out: np.ndarray) -> np.ndarray:
        """H_d (E, 3, nz, ny, nx), A/m, for an ensemble m of the same shape (0 off the mask)."""
        e = m.shape[0]
        h = m[:, :, self.mask].reshape(e, -1) @ self.D.T
        out[:, :, self.mask] = h.reshape(e, 3, -1)
        return out


class EnsembleStepper:
    """Stochastic Heun for ``n`` copies of ``system``; m has shape (n, 3, nz, ny, nx)."""

    def __init__(self, system: System, n: int, dt: float, seed: int = 0):
        if not system.demag:
            raise ParameterError("an ensemble needs the demag field (demag=True)")
        self.s = system
        small = int(system.grid.mask.sum()) <= DENSE_CELLS
        self._dense = DenseDemag(system) if small else None
        self._hd = np.zeros((n, 3) + system.grid.shape)
        self.dt = check_range("dt", dt, "s", 0.0, 1e-9, lo_open=True, what="time step")
        shape = (n, 3) + system.grid.shape
        self.H, self.k1, self.k2, self.m1 = (np.empty(shape) for _ in range(4))
        self.h = np.zeros(shape)
        self.sigma = system.thermal.sigma(system.alpha, system.Ms, system.grid, dt)
        self.rng = np.random.Generator(np.random.PCG64(seed))
        self.mask = system.grid.mask

    def step(self, m: np.ndarray, P: np.ndarray) -> None:
        """Advance every member of m (in place) by one step with parameter vector P."""
        s, mask, dt = self.s, self.mask, self.dt
        if self.sigma > 0.0:
            self.rng.standard_normal(out=self.h)
            self.h *= self.sigma
        K.ensemble_field_rhs(m, self.demag(m), self.h, mask, P, self.H, self.k1)
        K.ensemble_axpy_normalize(m, self.k1, self.k1, dt, 0.0, mask, self.m1)
        K.ensemble_field_rhs(self.m1, self.demag(self.m1), self.h, mask, P, self.H, self.k2)
        K.ensemble_axpy_normalize(m, self.k1, self.k2, 0.5 * dt, 0.5 * dt, mask, m)

    def demag(self, m: np.ndarray) -> np.ndarray:
        """The ensemble's demag field, A/m (dense matrix on small grids, else batched FFT)."""
        if self._dense is not None:
            return self._dense.field(m, self._hd)
        return self.s.demag_field(m)

    def run(self, m: np.ndarray, P: np.ndarray, duration: float) -> None:
        """``duration`` s of steps (rounded to whole steps) with P, in place."""
        for _ in range(int(round(duration / self.dt))):
            self.step(m, P)


def macrospin_device(device: Device, system: System) -> Device:
    """The macrospin of ``device`` with the grid's own volume (same Delta, same a_J / Ic0)."""
    area = system.grid.volume / device.free_layer_thickness
    return device.with_(diameter=math.sqrt(4.0 * area / math.pi))


def _check(device: Device) -> None:
    if device.geometry != "perpendicular" or device.stt_model != "constant":
        raise ParameterError(
            f"device {device.name}: the micromagnetic switching ensemble models a "
            f"perpendicular free layer with constant spin-torque efficiency (got geometry "
            f"{device.geometry!r}, stt_model {device.stt_model!r})")
    if device.temperature <= 0.0:
        raise ParameterError("temperature = 0 K is invalid for a switching ensemble; "
                             "valid range: temperature > 0 K")


def switching_probability(device: Device, ratio: float, pulse_width: float, trials: int = 256,
                          seed: int = 0, cell: float = 4e-9, relax_time: float | None = None,
                          equilibrate: float = 50e-12, dt: float | None = None) -> dict:
    """P -> AP switching probability under I = -ratio Ic0 for ``pulse_width`` s.

    Returns p_switch, switched, trials, the 95 % Wilson interval (ci_low, ci_high), the
    current (A, signed), ratio, pulse_width, relax_time, dt (s), cells and delta_grid.
    """
    _check(device)
    check_range("ratio", ratio, "1", 0.0, 100.0, lo_open=True, what="I / Ic0")
    check_range("pulse_width", pulse_width, "s", 0.0, 1e-7, lo_open=True)
    trials = check_int("trials", trials, "", 1, 100_000)
    check_range("equilibrate", equilibrate, "s", 0.0, 1e-8)
    current = -ratio * device.ic0
    on = DM.from_device(device, cell=cell, current=current)
    off = on.with_(stt=type(on.stt)(0.0, on.stt.eta, on.stt.p, on.stt.beta))
    relax = 2.0 * device.tau_d if relax_time is None else \
        check_range("relax_time", relax_time, "s", 0.0, 1e-7)
    dt = stable_dt(on) if dt is None else dt
    ms = macrospin_device(device, on)
    rng = np.random.Generator(np.random.PCG64(seed))
    u = np.asarray(device.easy_axis, float)
    h_axial = float(np.dot(device.applied_field, u)) / ms.anisotropy_field_total
    dirs = sample_directions(trials, ms.delta, u, +1, rng, h_axial)
    mask = on.grid.mask
    P_on, P_off = on.pack(), off.pack()
    k = 0
    for lo in range(0, trials, CHUNK):  # chunks keep the work arrays in cache
        d = dirs[lo:lo + CHUNK]
        m = np.zeros((len(d), 3) + on.grid.shape)
        for c in range(3):
            m[:, c] = d[:, c, None, None, None] * mask
        st = EnsembleStepper(on, len(d), dt, seed=int(rng.integers(2 ** 63)))
        st.run(m, P_off, equilibrate)
        st.run(m, P_on, pulse_width)
        st.run(m, P_off, relax)
        proj = np.einsum("ec...,c->e...", m, u)[:, mask].mean(axis=1)
        k += int((proj < 0).sum())
    lo, hi = wilson_interval(k, trials, 0.95)
    return {"p_switch": k / trials, "switched": k, "trials": trials, "ci_low": float(lo),
            "ci_high": float(hi), "current": current, "ratio": ratio,
            "pulse_width": pulse_width, "relax_time": relax, "dt": dt,
            "cells": int(mask.sum()), "delta_grid": ms.delta}


def macrospin_probability(device: Device, system_cell: float, ratio: float,
                          pulse_width: float, trials: int = 20000, seed: int = 0,
                          relax_time: float | None = None) -> dict:
    """The macrospin Monte Carlo (llg.switching) for the same grid volume, a_J and protocol."""
    from ..switching import switching_probability as macro

    _check(device)
    grid_sys = DM.from_device(device, cell=system_cell)
    ms = macrospin_device(device, grid_sys)
    relax = 2.0 * device.tau_d if relax_time is None else relax_time
    pt = macro(ms, pulse_width=pulse_width, current=-ratio * ms.ic0, direction="P-AP",
               trials=trials, seed=seed, relax_time=relax)
    return {"p_switch": pt.p_switch, "switched": pt.switched, "trials": pt.trials,
            "ci_low": pt.ci_low, "ci_high": pt.ci_high, "current": pt.current,
            "ratio": ratio, "pulse_width": pulse_width, "relax_time": relax, "dt": pt.dt}


def binomial_z(a: dict, b: dict) -> float:
    """(p_a - p_b) / combined binomial standard error (with the +2/+4 Agresti-Coull guard)."""
    def var(r):
        p = (r["switched"] + 2) / (r["trials"] + 4)
        return p * (1 - p) / r["trials"]

    return (a["p_switch"] - b["p_switch"]) / math.sqrt(var(a) + var(b))
