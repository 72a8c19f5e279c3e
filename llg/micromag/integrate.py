"""Time integration: stochastic Heun (Stratonovich) over all cells, and relaxation.

One step of size dt with the thermal field h held fixed over the step (Stratonovich, as the
macrospin solver; Garcia-Palacios & Lazaro, PRB 58, 14937 (1998)):

    k1 = f(m, H(m) + h);  m' = norm(m + dt k1);  k2 = f(m', H(m') + h);
    m <- norm(m + dt (k1 + k2) / 2)

At T = 0 this is the explicit Heun (second-order) method. The thermal normals come from one
numpy PCG64 stream seeded by ``seed``, drawn in a fixed order, so the result does not depend
on the number of numba threads.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..constants import GAMMA_E, MU0
from ..errors import check_range
from . import kernels as K
from .system import System


@dataclass
class Trajectory:
    """Recorded averages: times (s), <m> (n, 3), energy (J) if recorded, final m."""

    t: np.ndarray
    m_avg: np.ndarray
    m: np.ndarray
    energy: np.ndarray | None = None
    switch_time: float = math.nan  # first time <m>.u crosses zero, s (nan: never)


def stable_dt(system: System, safety: float = 0.35) -> float:
    """A time step (s) that resolves the fastest precession: safety / (gamma mu0 H_max).

    H_max bounds the field a cell can feel: exchange from all its neighbours, anisotropy,
    demag (Ms), the applied field and the spin-torque field. Heun's numerical anti-damping
    ~x^3/8 per step (x = gamma mu0 H dt) stays below the damping for x < ~sqrt(8 alpha).
    """
    P = system.pack()
    h = (4.0 * (P[K.P_CX] + P[K.P_CY] + (P[K.P_CZ] if system.grid.nz > 1 else 0.0))
         + abs(P[K.P_HK]) + system.Ms + float(np.linalg.norm(P[K.P_HAPP:K.P_HAPP + 3]))
         + abs(P[K.P_AJ]))
    x = min(safety, math.sqrt(8.0 * max(system.alpha, 1e-3)) * 0.5)
    return x / (GAMMA_E * MU0 * h)


class Stepper:
    """Holds the work arrays of the Heun step for one system and parameter vector."""

    def __init__(self, system: System, dt: float, seed: int = 0, precess: bool = True):
        self.s = system
        self.dt = check_range("dt", dt, "s", 0.0, 1e-9, lo_open=True, what="time step")
        self.P = system.pack(precess)
        shape = (3,) + system.grid.shape
        self.H, self.k1, self.k2, self.m1 = (np.empty(shape) for _ in range(4))
        self.h = np.zeros(shape)
        self.sigma = system.thermal.sigma(system.alpha, system.Ms, system.grid, dt)
        self.rng = np.random.Generator(np.random.PCG64(seed))
        self.mask = system.grid.mask

    def step(self, m: np.ndarray) -> None:
        """Advance m (in place) by one step."""
        s, P, mask = self.s, self.P, self.mask
        if self.sigma > 0.0:
            self.rng.standard_normal(out=self.h)
            self.h *= self.sigma
        K.effective_field(m, s.demag_field(m), self.h, mask, P, self.H)
        K.llg_rhs(m, self.H, mask, P, self.k1)
        K.axpy_normalize(m, self.k1, self.k1, self.dt, 0.0, mask, self.m1)
        K.effective_field(self.m1, s.demag_field(self.m1), self.h, mask, P, self.H)
        K.llg_rhs(self.m1, self.H, mask, P, self.k2)
        K.axpy_normalize(m, self.k1, self.k2, 0.5 * self.dt, 0.5 * self.dt, mask, m)


def run(system: System, m0: np.ndarray, duration: float, dt: float | None = None,
        seed: int = 0, record_every: float | None = None, axis=(0.0, 0.0, 1.0),
        stop_on_switch: bool = False, progress: bool = False) -> Trajectory:
    """Integrate from m0 for ``duration`` s; record <m> every ``record_every`` s."""
    check_range("duration", duration, "s", 0.0, 1e-5, lo_open=True, what="simulated time")
    dt = stable_dt(system) if dt is None else dt
    n = max(1, int(math.ceil(duration / dt - 1e-9)))
    dt = duration / n
    every = max(1, int(round((record_every or duration / 200) / dt)))
    st = Stepper(system, dt, seed)
    m = m0.copy()
    u = np.asarray(axis, float)
    ts, ms = [0.0], [system.average(m)]
    switch_time = math.nan
    start = float(ms[0] @ u)
    bar = _bar(n, progress)
    for i in range(1, n + 1):
        st.step(m)
        if i % every == 0 or i == n:
            avg = system.average(m)
            ts.append(i * dt)
            ms.append(avg)
            if math.isnan(switch_time) and (avg @ u) * start < 0:
                prev = ms[-2] @ u
                switch_time = ts[-2] + (ts[-1] - ts[-2]) * prev / (prev - avg @ u)
                if stop_on_switch:
                    break
        if bar is not None and i % 500 == 0:
            bar.update(500)
    if bar is not None:
        bar.close()
    return Trajectory(np.array(ts), np.array(ms), m, switch_time=switch_time)


def _bar(n, progress):
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(total=n, desc="micromag", unit="step", leave=False)


def run_deterministic(system: System, m0: np.ndarray, duration: float,
                      record_every: float = 1e-12, rtol: float = 1e-6,
                      progress: bool = False) -> Trajectory:
    """T = 0 dynamics by scipy's adaptive Dormand-Prince RK45 (solve_ivp), recording <m>.

    Faster than fixed-step Heun where the time step is set by accuracy, not by noise; the
    LLG right-hand side keeps |m| = 1 to the integration tolerance.
    """
    from scipy.integrate import solve_ivp

    check_range("duration", duration, "s", 0.0, 1e-5, lo_open=True, what="simulated time")
    shape = (3,) + system.grid.shape
    P = system.pack()
    mask = system.grid.mask
    out = np.empty(shape)
    bar = _bar(1000, progress)
    state = {"shown": 0}

    def rhs(t, y):
        m = y.reshape(shape)
        K.llg_rhs(m, system.field(m, P), mask, P, out)
        if bar is not None:
            done = int(1000 * t / duration)
            if done > state["shown"]:
                bar.update(done - state["shown"])
                state["shown"] = done
        return out.ravel().copy()

    n = int(round(duration / record_every))
    t_eval = np.linspace(0.0, duration, n + 1)
    sol = solve_ivp(rhs, (0.0, duration), m0.ravel(), method="RK45", t_eval=t_eval,
                    rtol=rtol, atol=rtol, first_step=1e-14)
    if bar is not None:
        bar.close()
    ms = np.array([system.average(y.reshape(shape)) for y in sol.y.T])
    m_end = sol.y[:, -1].reshape(shape)
    return Trajectory(sol.t, ms, m_end / np.where(mask, np.linalg.norm(m_end, axis=0), 1.0))
