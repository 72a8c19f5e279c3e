"""Validation cases for switching statistics: write-energy integral and direction asymmetry."""
from __future__ import annotations

import numpy as np

from .registry import CaseResult, case


@case("write_energy_fixed_resistance",
      "Energy drawn from a current source over a trapezoidal pulse through a fixed resistance "
      "(TMR0 = 0) plus a series resistor, integrated along the trajectory by the solver.",
      "Closed form E = I^2 (R_P + R_s) (t_flat + t_rise/3 + t_fall/3) (Joule heating of a "
      "trapezoidal pulse)")
def write_energy_fixed_resistance(quick, out_dir):
    from llg import current_pulse, load_device, simulate

    dev = load_device("default").with_(TMR0=0.0)
    I, w, r, f, rs = -2 * dev.ic0, 5e-9, 0.2e-9, 0.3e-9, 1500.0
    res = simulate(dev, drive=current_pulse(I, w, rise=r, fall=f, series_resistance=rs),
                   duration=w + 1e-9, dt=1e-12, n_trajectories=64 if quick else 512, seed=3,
                   thermal_initial=True, compute_energy=True)
    expected = I ** 2 * (dev.r_p + rs) * (w - 0.5 * (r + f) + r / 3 + f / 3)
    worst = float(np.max(np.abs(res.energy / expected - 1)))
    return CaseResult("write_energy_fixed_resistance", worst < 1e-6, float(res.energy.mean()),
                      expected, 1e-6, "J",
                      f"largest relative deviation over {res.n} switching trajectories: "
                      f"{worst:.2e} (resistance independent of angle, so the integral must "
                      "equal the closed form whatever the trajectory does)")


def _threshold(dev, direction, lo, hi, iters):
    """Bisection of the T = 0 switching threshold (A) for ``direction`` between lo and hi."""
    from llg import current_pulse, simulate

    sign, start = (-1, "P") if direction == "P-AP" else (1, "AP")
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        r = simulate(dev, drive=current_pulse(sign * mid), duration=150e-9, dt=1e-12,
                     initial=start, initial_angle=0.01)
        lo, hi = (lo, mid) if r.switched[0] else (mid, hi)
    return 0.5 * (lo + hi)


@case("tunnel_stt_asymmetry_T0",
      "T = 0 switching thresholds of the tunnel-junction spin-torque efficiency "
      "eta / (1 + eta^2 cos theta), found by bisection in both directions.",
      "Slonczewski, PRB 71, 024411 (2005): the efficiency in the starting state gives "
      "Ic(AP->P) = Ic0 (1 - eta^2) and Ic(P->AP) = Ic0 (1 + eta^2)")
def tunnel_asymmetry(quick, out_dir):
    from llg import load_device

    dev = load_device("default").with_(temperature=0.0, stt_model="tunnel")
    iters = 6 if quick else 10
    ap_p = _threshold(dev, "AP-P", 0.3 * dev.ic0, 1.2 * dev.ic0, iters)
    p_ap = _threshold(dev, "P-AP", 1.0 * dev.ic0, 1.8 * dev.ic0, iters)
    eta2 = dev.polarization ** 2
    ratio, ref = p_ap / ap_p, (1 + eta2) / (1 - eta2)
    # bisection bracket width sets the resolution; 150 ns just above threshold adds ~1 %
    tol = 0.9 * dev.ic0 / 2 ** iters / ap_p + 0.8 * dev.ic0 / 2 ** iters / p_ap + 0.02
    return CaseResult("tunnel_stt_asymmetry_T0", abs(ratio / ref - 1) < tol, ratio, ref, tol,
                      "1", f"Ic(AP->P) = {ap_p * 1e6:.2f} uA (expected "
                      f"{(1 - eta2) * dev.ic0 * 1e6:.2f}), Ic(P->AP) = {p_ap * 1e6:.2f} uA "
                      f"(expected {(1 + eta2) * dev.ic0 * 1e6:.2f})")
