"""Macrospin-limit and thermal-equilibrium checks of the micromagnetic solver.

Shared by the tests and the validation cases; each returns the measured numbers and the
independent reference: the macrospin's closed forms (Ic0, the T = 0 polar-angle equation),
and the Boltzmann distribution of independent uniaxial cells. SI units.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.integrate import quad

from ..constants import GAMMA_E, K_B, MU0
from ..device import Device
from . import device_model as DM
from .grid import rectangle
from .integrate import Stepper, run_deterministic
from .system import System
from .terms import ThermalField, UniaxialAnisotropy


def small_disk_device(base: Device, diameter=20e-9, alpha=0.1, A_ex=2e-11) -> Device:
    """A small disk of ``base``'s material (damping raised so runs stay short)."""
    return base.with_(diameter=diameter, alpha=alpha, A_ex=base.A_ex or A_ex)


def growth_rate(device: Device, ratio: float, cell: float, theta0=0.05, duration=0.8e-9):
    """Exponential growth rate (1/s) of the transverse <m> under I = -ratio Ic0 at T = 0."""
    s = DM.from_device(device, cell=cell, temperature=0.0, current=-ratio * device.ic0)
    tr = run_deterministic(s, DM.tilted(s, theta0), duration, 1e-11)
    amp = np.hypot(tr.m_avg[:, 0], tr.m_avg[:, 1])
    sel = tr.t > 0.25 * duration
    return float(np.polyfit(tr.t[sel], np.log(amp[sel]), 1)[0])


def critical_current(device: Device, cell: float = 4e-9) -> dict:
    """Ic0 from the zero of the growth rate between 0.9 and 1.1 Ic0 vs the macrospin Ic0.

    Macrospin reference: small-angle rate gamma' (|a_J| - alpha Hk_eff) (Sun, PRB 62, 570
    (2000)), zero at Ic0 = 2 e alpha mu0 Ms Hk_eff V / (hbar eta).
    """
    r_lo, r_hi = growth_rate(device, 0.9, cell), growth_rate(device, 1.1, cell)
    ratio = 0.9 - 0.2 * r_lo / (r_hi - r_lo)
    gp = GAMMA_E * MU0 / (1 + device.alpha ** 2)
    slope_ref = gp * device.alpha * device.Hk_eff
    return {"ic0_micromag": ratio * device.ic0, "ic0_macrospin": device.ic0,
            "ratio": ratio, "slope": (r_hi - r_lo) / 0.2, "slope_macrospin": slope_ref}


def macrospin_switch_time(device: Device, ratio: float, theta0: float) -> float:
    """T = 0 macrospin time (s) from theta0 to m_z = 0 under I = -ratio Ic0 (quadrature of
    d theta/dt = gamma' sin theta (|a_J| - alpha Hk cos theta))."""
    gp = GAMMA_E * MU0 / (1 + device.alpha ** 2)
    a = ratio * device.alpha * device.Hk_eff
    def f(th):
        return 1.0 / (gp * math.sin(th) * (a - device.alpha * device.Hk_eff * math.cos(th)))

    return quad(f, theta0, math.pi / 2)[0]


def switching_time(device: Device, ratio=2.0, theta0=0.1, cell=4e-9) -> dict:
    """Micromagnetic time to <m_z> = 0 vs the macrospin quadrature, T = 0."""
    s = DM.from_device(device, cell=cell, temperature=0.0, current=-ratio * device.ic0)
    ref = macrospin_switch_time(device, ratio, theta0)
    tr = run_deterministic(s, DM.tilted(s, theta0), 2.0 * ref, 2e-12)
    mz = tr.m_avg[:, 2]
    k = int(np.argmax(mz < 0))
    t_sw = float(np.interp(0.0, [mz[k], mz[k - 1]], [tr.t[k], tr.t[k - 1]])) if k else math.nan
    return {"t_micromag": t_sw, "t_macrospin": ref}


def boltzmann_mz2(delta_cell=3.0, n=32, snapshots=40, alpha=0.1, step_fraction=0.01,
                  seed=1, temperature=300.0) -> dict:
    """<m_z^2> of n x n independent cells (A = 0, no demag) vs the Boltzmann law.

    Each cell has barrier K_u V_cell = delta_cell k_B T, so p(cos theta) ~ exp(delta_cell
    cos^2 theta); the noise variance uses the cell volume. Snapshots one relaxation time
    1/(alpha gamma' H_k) apart after five of equilibration; dt = step_fraction x period.
    """
    g = rectangle(n * 2e-9, n * 2e-9, 2e-9, 2e-9)
    Ms = 1e6
    K_u = delta_cell * K_B * temperature / g.cell_volume
    s = System(g, Ms, alpha, anisotropy=UniaxialAnisotropy(K_u),
               thermal=ThermalField(temperature), demag=False)
    Hk = 2 * K_u / (MU0 * Ms)
    gp = GAMMA_E * MU0 / (1 + alpha ** 2)
    tau = 1.0 / (alpha * gp * Hk)
    dt = step_fraction * 2 * math.pi / (gp * Hk)
    st = Stepper(s, dt, seed=seed)
    m = s.uniform((0, 0, 1))
    for _ in range(int(5 * tau / dt)):
        st.step(m)
    xs = []
    for _ in range(snapshots):
        for _ in range(max(1, int(tau / dt))):
            st.step(m)
        xs.append(m[2][g.mask] ** 2)
    x = np.concatenate(xs)
    num = quad(lambda u: u * u * math.exp(delta_cell * u * u), 0, 1)[0]
    den = quad(lambda u: math.exp(delta_cell * u * u), 0, 1)[0]
    return {"mz2": float(x.mean()), "se": float(x.std() / math.sqrt(x.size)),
            "reference": num / den, "samples": int(x.size)}
