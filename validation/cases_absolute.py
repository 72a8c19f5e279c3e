"""Absolute references: switching, WER, equilibrium and retention in seconds and amperes.

The other cases compare the solver with references expressed through ``Device.delta``,
``Device.ic0`` and ``Device.tau_d``, so an error in those derived quantities (llg/device.py)
would cancel. Here every reference starts from the raw SI values of a device card, read with
``tomllib`` (not through :mod:`llg.device`), and physical constants from ``scipy.constants``
(CODATA, not :mod:`llg.constants`):

* Delta = mu0 Ms Hk V / (2 k_B T), V = (pi d^2 / 4) t_F (Stoner-Wohlfarth barrier);
* Ic0 = 2 e alpha mu0 Ms Hk V / (hbar eta) (Slonczewski, JMMM 159, L1 (1996); Sun, PRB 62,
  570 (2000));
* tau_D = (1 + alpha^2) / (alpha gamma mu0 Hk) (the unit of Butler et al.'s reduced time,
  IEEE Trans. Magn. 48, 4684 (2012), with the Landau-Lifshitz factor 1 + alpha^2).

A 10 % error in Ic0 or tau_D changes the Monte Carlo WER below by a factor of 2-3 and the
switching time by 10 %; an error in Delta or the thermal field moves the equilibrium <m_z^2>
and Brown's escape time by many standard errors.
"""
from __future__ import annotations

import math
import tomllib

import numpy as np

from . import references_llg as ref
from .registry import CaseResult, case

N_SIGMA = 4.5


def raw_si(card: str = "default", **override) -> dict:
    """Delta, Ic0 (A), tau_D (s) and the precession period (s) from a card's raw SI values."""
    from scipy import constants as c

    from llg.paths import data_dir

    with open(data_dir() / "devices" / f"{card}.toml", "rb") as f:
        p = {**tomllib.load(f), **override}
    gamma = c.physical_constants["electron gyromag. ratio"][0]  # rad/(s T)
    vol = math.pi * p["diameter"] ** 2 / 4 * p["free_layer_thickness"]
    barrier = c.mu_0 * p["Ms"] * p["Hk_eff"] * vol / 2
    gamma_p = gamma * c.mu_0 / (1 + p["alpha"] ** 2)
    return dict(delta=barrier / (c.k * p["temperature"]) if p["temperature"] > 0 else math.inf,
                ic0=4 * c.e * p["alpha"] * barrier / (c.hbar * p["polarization"]),
                tau_d=1 / (p["alpha"] * gamma_p * p["Hk_eff"]),
                period=2 * math.pi / (gamma_p * p["Hk_eff"]))


def exact_drift_wer(delta: float, i: float, s: float) -> float:
    """Long-pulse WER of Butler et al. (2012) with the exact-drift prefactor.

    Butler's ``1 - exp{-(pi^2 Delta/4)(i - 1)/(i e^{2(i-1)s} - 1)}`` with pi^2/4 replaced by
    ``2^(2i/(i+1)) ((i-1)/i)^(2/(i+1))``, the critical start angle of Butler's own exact T = 0
    switching time (llg/wer_analytic.py, item 2; 0.94 x Butler at i = 3). The 1-D FP value
    lies within ``[1 - 1.5 s/Delta, 1.02]`` times this at Delta = 64.
    """
    pref = 2 ** (2 * i / (i + 1)) * ((i - 1) / i) ** (2 / (i + 1))
    return -math.expm1(-delta * (i - 1) / i * pref * math.exp(-2 * (i - 1) * s))


@case("absolute_switching_time_T0",
      "T = 0, default card: switching time (s) to the equator from 0.01 rad at I = 1.5, 2, 3 "
      "x Ic0, with Ic0 (A) and tau_D (s) computed from the card's raw SI values (RK4).",
      "Butler et al., IEEE Trans. Magn. 48, 4684 (2012), exact T = 0 switching time; "
      "Sun, PRB 62, 570 (2000) for Ic0")
def switching_time_abs(quick, out_dir):
    from llg import current_pulse, load_device, simulate

    raw = raw_si()
    dev = load_device("default").with_(temperature=0.0)
    theta0, errs, times = 0.01, [], []
    for i in (1.5, 2.0, 3.0):
        t_ref = ref.switching_time_exact(i, theta0, raw["tau_d"])
        r = simulate(dev, drive=current_pulse(-i * raw["ic0"]), duration=1.2 * t_ref,
                     dt=raw["period"] / 100, initial="P", initial_angle=theta0, scheme="rk4",
                     stop_on_switch=True, allow_coarse_dt=True)
        times.append(float(r.switch_time[0]))
        errs.append(times[-1] / t_ref - 1)
    worst = float(np.max(np.abs(errs)))
    return CaseResult("absolute_switching_time_T0", worst < 1e-3, worst, 0.0, 1e-3,
                      "1 (relative)", "t_solver / t_exact - 1 at I/Ic0 = 1.5, 2, 3: "
                      + ", ".join(f"{e:+.1e}" for e in errs), extra=dict(errors=errs, times=times))


@case("absolute_wer_monte_carlo",
      "Default card, 300 K: Monte Carlo WER of a 3.5 ns pulse at I = -3 Ic0 (Ic0 in A from the "
      "raw card) against Butler's long-pulse formula with the exact-drift prefactor, all from "
      "raw SI values (Delta = 64.2, tau_D = 2.054 ns).",
      "Butler et al., IEEE Trans. Magn. 48, 4684 (2012)")
def wer_monte_carlo_abs(quick, out_dir):
    from llg import current_pulse, load_device, simulate

    raw = raw_si()
    n, i, width = (6000 if quick else 40000), 3.0, 3.5e-9
    s = width / raw["tau_d"]
    wer_ref = exact_drift_wer(raw["delta"], i, s)
    r = simulate(load_device("default"), drive=current_pulse(-i * raw["ic0"], width),
                 duration=width + 2 * raw["tau_d"], dt=1e-12, n_trajectories=n, seed=31,
                 initial="P", thermal_initial=True, stop_on_switch=True, commit_level=0.9,
                 settle_time=width)
    wer = 1.0 - r.p_switch
    se = math.sqrt(wer_ref * (1 - wer_ref) / n)
    tol = N_SIGMA * se + 1.5 * s / raw["delta"] * wer_ref  # statistics + the formula's band
    return CaseResult("absolute_wer_monte_carlo", abs(wer - wer_ref) < tol, wer, wer_ref, tol,
                      "1", f"{n} trials, WER {wer:.4f} vs {wer_ref:.4f} (s = {s:.3f})",
                      extra=dict(n=n, s=s))


@case("absolute_equilibrium_noise",
      "Thermal field amplitude: an ensemble started exactly at +z (no thermal draw) relaxes "
      "for 12 tau_D under the stochastic field alone; <m_z^2> against the Boltzmann value for "
      "Delta = mu0 Ms Hk V / (2 k_B T) = 4.0 from raw SI values (alpha = 0.1).",
      "Brown, Phys. Rev. 130, 1677 (1963) (fluctuation-dissipation); Boltzmann statistics")
def equilibrium_noise_abs(quick, out_dir):
    from scipy import integrate

    from llg import load_device, simulate

    hk, alpha, n = 1.375e4, 0.1, (10000 if quick else 40000)
    raw = raw_si(Hk_eff=hk, alpha=alpha)
    w = lambda u: math.exp(raw["delta"] * (u * u - 1))  # noqa: E731
    u2_ref = integrate.quad(lambda u: u * u * w(u), 0, 1)[0] / integrate.quad(w, 0, 1)[0]
    dev = load_device("default").with_(Hk_eff=hk, alpha=alpha)
    r = simulate(dev, duration=12 * raw["tau_d"], dt=raw["period"] / 100, n_trajectories=n,
                 seed=41, initial="P")
    u2 = r.m_final[:, 2] ** 2
    se = float(u2.std(ddof=1) / math.sqrt(n))
    z = (float(u2.mean()) - u2_ref) / se
    return CaseResult("absolute_equilibrium_noise", abs(z) < N_SIGMA, float(u2.mean()), u2_ref,
                      N_SIGMA * se, "1", f"<m_z^2> = {u2.mean():.4f} +- {se:.4f} vs "
                      f"{u2_ref:.4f} (Delta = {raw['delta']:.3f}, z = {z:+.2f})",
                      extra=dict(z=z, delta=raw["delta"]))


@case("absolute_retention_brown",
      "Default card at 300 K: Brown's escape time (s) from raw SI values against "
      "llg.retention (Delta = 64.2, about 1.1e11 years).",
      "Brown, Phys. Rev. 130, 1677 (1963); Coffey & Kalmykov, J. Appl. Phys. 112, 121301 "
      "(2012): tau = 2 tau_N (sqrt(pi)/2) Delta^(-3/2) e^Delta, tau_N = Delta tau_D")
def retention_abs(quick, out_dir):
    from llg import load_device
    from llg.retention import retention

    raw = raw_si()
    delta = raw["delta"]
    t_ref = 2 * delta * raw["tau_d"] * math.sqrt(math.pi) / 2 * delta ** -1.5 * math.exp(delta)
    got = retention(load_device("default")).retention_time
    err = got / t_ref - 1
    return CaseResult("absolute_retention_brown", abs(err) < 1e-6, got, t_ref, 1e-6 * t_ref,
                      "s", f"retention time {got:.6e} s vs {t_ref:.6e} s")


@case("absolute_fp_wer",
      "Default card: the 1-D Fokker-Planck pulse width for WER = 1e-9 at I = -2 Ic0 (raw SI) "
      "puts the WER within the exact-drift Butler band [1 - 1.5 s/Delta, 1.02].",
      "Butler et al., IEEE Trans. Magn. 48, 4684 (2012)")
def fp_wer_abs(quick, out_dir):
    from llg import load_device
    from llg.fokker_planck import pulse_width_for_wer

    raw = raw_si()
    t = pulse_width_for_wer(load_device("default"), -2 * raw["ic0"], 1e-9, relaxation=0.0)
    s = t.value / raw["tau_d"]
    ratio = 1e-9 / exact_drift_wer(raw["delta"], 2.0, s)
    lo = 1 - 1.5 * s / raw["delta"]
    return CaseResult("absolute_fp_wer", lo < ratio < 1.02, ratio, 1.0, 1.5 * s / raw["delta"],
                      "1 (WER ratio)", f"pulse width {t.value * 1e9:.3f} ns (s = {s:.3f}); "
                      f"WER / asymptote = {ratio:.3f}, band [{lo:.3f}, 1.02]")
