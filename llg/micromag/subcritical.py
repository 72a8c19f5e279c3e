"""The sub-critical switching law fitted to micromagnetic Monte Carlo escape times (SI units).

Below the critical current a bit leaves its well by thermal activation, at a mean time

    tau(i) = tau0 exp(Delta_eff (1 - i)^b),      i = |I| / Ic0 < 1,

(Koch, Katine & Sun, PRL 92, 088302 (2004)). For the axially symmetric macrospin the 1-D
Fokker-Planck equation gives an effective barrier Delta (1 - i)^2 (Taniguchi & Imamura 2011;
Butler et al. 2012); fits to larger junctions often give b ~ 1. :func:`measure` runs
stochastic-LLG ensembles of the micromagnetic free layer (:mod:`.integrate`) at several
sub-critical currents on a *reduced-barrier* device -- the same material at a small
diameter, so Delta ~ 10-15 and escapes take 5-100 tau_D -- and fits b and tau0 by weighted
least squares, with Delta_eff fixed to the string-method barrier of that device
(:func:`.barriers.device_barrier`), not fitted.

Time unit: in reduced currents the macrospin law scales with tau_D = (1 + alpha^2) /
(alpha gamma mu0 H_K) only, so tau0 is reported as tau0 / tau_D and a device's attempt time
is that ratio times its own tau_D. That is why the ensembles may use a raised damping (runs
4x shorter at alpha = 0.5 than at 0.1): an assumption exact for the macrospin, checked for
the small disk by the comparison below, and not established for domain-wall reversal.

Independent check (:func:`fp_escape_times`, :func:`macrospin_limit`): the exact mean
first-passage time of the 1-D macrospin Fokker-Planck equation
(:func:`llg.retention.mean_first_passage_time`) for the same Delta, currents and start
(Boltzmann in the well at zero current). A one-cell disk -- the micromagnetic model with no
non-uniform modes, i.e. a macrospin -- must agree point by point within the standard errors
(it does). Multi-cell disks escape faster than the macrospin at the same Delta: their
non-uniform thermal modes are softer at the saddle than in the well (an entropic prefactor,
Langer, Ann. Phys. 54, 258 (1969)); measured here, not assumed. That speed-up grows with the
number of cells (at Delta (1 - i)^2 = 2.5, one seed each: 20 nm disk on 4 nm cells (21)
0.48 +- 0.03 of the FP time, on 2.5 nm cells (52) 0.32 +- 0.06; 10 nm disk at 75 K on 2.5 nm
cells (12) 0.61 +- 0.10; one cell 1.0): the law is not converged in the cell size.

Start and stop: each trajectory starts along +easy axis (P), relaxes 1 tau_D at zero current
(thermal equilibrium of all modes), then the current I = -i Ic0 is switched on; the escape
time is the first time <m>.u crosses zero (recorded every tau_D / 50), censored at t_max.
Mean and standard error: sum of times / escapes (the censored-exponential maximum
likelihood), standard error tau / sqrt(escapes) (sample std / sqrt(n) when none censored).
"""
from __future__ import annotations

import math

import numpy as np

from ..constants import K_B
from ..device import Device
from ..errors import ParameterError, check_range
from ..seeding import child

#: Where the ensembles' currents sit: Delta (1 - i)^2 = these values (the macrospin law only
#: places the currents where escapes take ~5-100 tau_D; the fit does not assume b = 2).
ACTIVATION_TARGETS = (1.5, 2.25, 3.0, 3.75, 4.5)
#: Relaxation at zero current before the current is switched on, in tau_D.
EQUILIBRATION = 1.0
#: <m> recorded every tau_D / RECORDS_PER_TAU_D while waiting for the escape.
RECORDS_PER_TAU_D = 50
#: Standard errors (sigma) a measured time may lie from the Fokker-Planck one.
N_SIGMA = 4.5


def reduced_device(device: Device, diameter: float = 20e-9, alpha: float = 0.5) -> Device:
    """``device``'s material as a small disk (diameter m) with damping ``alpha``."""
    check_range("diameter", diameter, "m", 2e-9, 1e-6, what="reduced-device diameter")
    check_range("alpha", alpha, "1", 1e-3, 2.0, what="Gilbert damping of the ensembles")
    device.require("A_ex", "the micromagnetic sub-critical law (cramsim micromag subcritical)")
    return device.with_(diameter=float(diameter), alpha=float(alpha))


def currents_for(delta: float, targets=ACTIVATION_TARGETS) -> np.ndarray:
    """Reduced currents i with Delta (1 - i)^2 = each target (placement only)."""
    t = np.asarray(targets, dtype=float)
    if delta <= t.max():
        raise ParameterError(f"delta = {delta:.4g} (reduced device) must exceed the largest "
                             f"activation target {t.max():g}: choose a larger --diameter")
    return 1.0 - np.sqrt(t / delta)


def escape_ensemble(device: Device, i: float, trials: int, seed, cell: float,
                    t_max: float, progress=None, dt: float | None = None) -> dict:
    """Escape times (s) of ``trials`` micromagnetic trajectories under I = -i Ic0 from P.

    Returns times (s; t_max where censored), escaped (bool), tau (s), tau_se (s).
    """
    from . import device_model as DM
    from .integrate import run, stable_dt

    check_range("i", i, "1", 0.0, 1.0, hi_open=True, what="reduced sub-critical current")
    check_range("trials", trials, "1", 2, 100_000)
    s0 = DM.from_device(device, cell=cell, current=0.0)
    s = DM.from_device(device, cell=cell, current=-i * device.ic0)
    dt = stable_dt(s) if dt is None else dt
    td = device.tau_d
    up = DM.tilted(s0, 0.0, device.easy_axis)
    times, escaped = np.empty(trials), np.zeros(trials, dtype=bool)
    for k in range(trials):
        m = run(s0, up, EQUILIBRATION * td, dt=dt, seed=child(seed, k, 0)).m
        tr = run(s, m, t_max, dt=dt, seed=child(seed, k, 1), record_every=td / RECORDS_PER_TAU_D,
                 axis=device.easy_axis, stop_on_switch=True)
        escaped[k] = math.isfinite(tr.switch_time)
        times[k] = tr.switch_time if escaped[k] else t_max
        if progress is not None:
            progress(1)
    return {"times": times, "escaped": escaped, **mean_escape_time(times, escaped)}


def mean_escape_time(times, escaped) -> dict:
    """tau (s) and its standard error from possibly censored times (module doc)."""
    times, escaped = np.asarray(times, float), np.asarray(escaped, bool)
    n_esc = int(escaped.sum())
    if n_esc == 0:
        raise ParameterError("t_max: no trajectory escaped; raise --max-time (s) or the "
                             "current")
    tau = float(times.sum() / n_esc)
    if n_esc == len(times):
        se = float(times.std(ddof=1) / math.sqrt(len(times)))
    else:
        se = tau / math.sqrt(n_esc)
    return {"tau": tau, "tau_se": se, "escapes": n_esc}


def fit_law(i, tau, tau_se, delta: float) -> dict:
    """Weighted least squares of ln tau = ln tau0 + Delta (1 - i)^b for b and ln tau0.

    sigma(ln tau) = tau_se / tau; Delta fixed. Returns exponent, exponent_se, ln_tau0,
    ln_tau0_se, their covariance, chi2 and dof (uncertainties from the covariance with
    absolute sigma, i.e. from the standard errors, not rescaled by chi2).
    """
    from scipy.optimize import curve_fit

    i, tau, se = (np.asarray(a, dtype=float) for a in (i, tau, tau_se))
    if len(i) < 3:
        raise ParameterError(f"currents: {len(i)} given, the fit of b and tau0 needs >= 3")
    x, y, sy = 1.0 - i, np.log(tau), se / tau

    def law(xx, ln_tau0, b):
        return ln_tau0 + delta * xx ** b

    p, cov = curve_fit(law, x, y, p0=(y.min() - delta * x.min() ** 2, 2.0), sigma=sy,
                       absolute_sigma=True, maxfev=20_000)
    chi2 = float((((y - law(x, *p)) / sy) ** 2).sum())
    return {"exponent": float(p[1]), "exponent_se": float(math.sqrt(cov[1, 1])),
            "ln_tau0": float(p[0]), "ln_tau0_se": float(math.sqrt(cov[0, 0])),
            "covariance": cov.tolist(), "chi2": chi2, "dof": len(i) - 2}


def fp_escape_times(delta: float, i, tau_d: float) -> np.ndarray:
    """Exact macrospin mean first-passage times (s) to m.u = 0 under reduced currents i,
    from the zero-current Boltzmann start in the well (1-D Fokker-Planck; independent of
    the micromagnetic code)."""
    from ..retention import mean_first_passage_time

    return np.array([tau_d * mean_first_passage_time(delta, 0.0, c=float(x), c0=0.0)
                     for x in np.atleast_1d(i)])


def compare_with_fp(i, tau, tau_se, delta_grid: float, tau_d: float, law: dict) -> dict:
    """Point-by-point z-scores (tau - tau_FP) / tau_se and the FP times' own fit of the law
    (same weights), with the exponent difference in units of the fit's standard error."""
    tau_fp = fp_escape_times(delta_grid, i, tau_d)
    z = (np.asarray(tau) - tau_fp) / np.asarray(tau_se)
    rel = np.asarray(tau_se) / np.asarray(tau)
    fp_law = fit_law(i, tau_fp, rel * tau_fp, delta_grid)
    z_b = (law["exponent"] - fp_law["exponent"]) / law["exponent_se"]
    z_t0 = (law["ln_tau0"] - fp_law["ln_tau0"]) / law["ln_tau0_se"]
    return {"fp_tau": tau_fp.tolist(), "z": z.tolist(), "max_abs_z": float(np.abs(z).max()),
            "fp_exponent": fp_law["exponent"], "fp_ln_tau0": fp_law["ln_tau0"],
            "exponent_z": float(z_b), "ln_tau0_z": float(z_t0),
            "agrees": bool(np.abs(z).max() < N_SIGMA and abs(z_b) < N_SIGMA
                           and abs(z_t0) < N_SIGMA)}


def ensembles(device: Device, i, trials: int, seed, cell: float, t_max: float,
              progress=None) -> dict:
    """Escape-time ensembles at each reduced current (seeded per current) as lists."""
    rows = [escape_ensemble(device, float(x), trials, child(seed, j), cell, t_max, progress)
            for j, x in enumerate(i)]
    return {"reduced_current": [float(x) for x in i],
            "current": [-float(x) * device.ic0 for x in i],
            "tau": [r["tau"] for r in rows], "tau_se": [r["tau_se"] for r in rows],
            "escapes": [r["escapes"] for r in rows]}


def fit_reduced_device(device: Device, cell: float, trials: int, seed, t_max: float,
                       progress=None, images: int = 16) -> tuple:
    """Ensembles, the law (Delta from the string method) and the FP comparison on one
    reduced device; returns (device block, ensembles, law)."""
    from . import device_model as DM
    from .barriers import device_barrier
    from .integrate import stable_dt

    bar = device_barrier(device, cell=cell, images=images)
    d_grid = bar["delta_macrospin_grid"]
    i = currents_for(d_grid)
    ens = ensembles(device, i, trials, seed, cell, t_max, progress)
    law = fit_law(i, ens["tau"], ens["tau_se"], bar["delta_micromagnetic"])
    cmp = compare_with_fp(i, ens["tau"], ens["tau_se"], d_grid, device.tau_d, law)
    td = device.tau_d
    dt = stable_dt(DM.from_device(device, cell=cell, current=-float(i[0]) * device.ic0))
    block = {"diameter": device.diameter, "alpha": device.alpha,
             "temperature": device.temperature, "cell": cell,
             "delta_string_method": bar["delta_micromagnetic"],
             "delta_macrospin_grid": d_grid, "mechanism": bar["mechanism"], "tau_d": td,
             "ic0": device.ic0, "trials": trials, "max_time": t_max,
             "equilibration": EQUILIBRATION * td, "dt_at_largest_current": dt}
    ens.update(fp_tau=cmp["fp_tau"], z=cmp["z"])
    out = {"exponent": law["exponent"], "exponent_se": law["exponent_se"],
           "ln_attempt_time": law["ln_tau0"], "ln_attempt_time_se": law["ln_tau0_se"],
           "attempt_time": math.exp(law["ln_tau0"]),
           "attempt_time_over_tau_d": math.exp(law["ln_tau0"]) / td,
           "delta_eff": bar["delta_micromagnetic"],
           "delta_source": "string method on the reduced device (fixed in the fit)",
           "chi2": law["chi2"], "dof": law["dof"],
           "fp_exponent": cmp["fp_exponent"],
           "fp_attempt_time_over_tau_d": math.exp(cmp["fp_ln_tau0"]) / td,
           "exponent_z": cmp["exponent_z"], "ln_attempt_time_z": cmp["ln_tau0_z"],
           "max_abs_z": cmp["max_abs_z"], "agrees_with_macrospin": cmp["agrees"]}
    return block, ens, out


def macrospin_limit(device: Device, cell: float, trials: int, seed, t_max_tau_d: float,
                    targets=(1.5, 2.5, 3.5), progress=None) -> dict:
    """The independent check: a one-cell disk (diameter = ``cell``, no non-uniform modes:
    the micromagnetic model is a macrospin) of the same material and damping at the
    temperature that gives it the reduced device's grid Delta; its escape times against the
    exact 1-D Fokker-Planck times, point by point (z within N_SIGMA). This tests the thermal
    field, the integrator, the spin torque and the escape detection; multi-cell disks differ
    from it by their non-uniform modes (the report states by how much)."""
    from . import device_model as DM

    d_red = DM.macrospin_delta_of_grid(device, DM.from_device(device, cell=cell))
    one = device.with_(diameter=cell)
    d_one = DM.macrospin_delta_of_grid(one, DM.from_device(one, cell=cell))
    lim = one.with_(temperature=device.temperature * d_one / d_red)
    d_grid = DM.macrospin_delta_of_grid(lim, DM.from_device(lim, cell=cell))
    i = currents_for(d_grid, targets)
    ens = ensembles(lim, i, trials, seed, cell, t_max_tau_d * lim.tau_d, progress)
    fp = fp_escape_times(d_grid, i, lim.tau_d)
    z = (np.asarray(ens["tau"]) - fp) / np.asarray(ens["tau_se"])
    return {"diameter": lim.diameter, "cells": int(DM.device_grid(lim, cell).mask.sum()),
            "temperature": lim.temperature, "cell": cell, "alpha": lim.alpha,
            "tau_d": lim.tau_d, "delta_macrospin_grid": d_grid, "trials": trials, **ens,
            "fp_tau": fp.tolist(), "z": z.tolist(), "max_abs_z": float(np.abs(z).max()),
            "agrees": bool(np.abs(z).max() < N_SIGMA)}


#: Diameters of the Delta_eff curve, as multiples of the device's diameter.
CURVE_FACTORS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5)


def delta_eff_curve_block(device: Device, cell: float = 2e-9, images: int = 16) -> dict:
    """Barrier energy (J, saddle minus start), Delta_eff and the mechanism vs diameter for the device's material
    (string method, :func:`.barriers.device_barrier`), and the crossover diameter (m)."""
    from .barriers import device_barrier

    rows = [device_barrier(device.with_(diameter=f * device.diameter), cell=cell,
                           images=images) for f in CURVE_FACTORS]
    return {"diameter": [f * device.diameter for f in CURVE_FACTORS],
            "energy": [r["delta_micromagnetic"] * K_B * device.temperature for r in rows],
            "delta_micromagnetic": [r["delta_micromagnetic"] for r in rows],
            "delta_macrospin": [r["delta_macrospin"] for r in rows],
            "mechanism": [r["mechanism"] for r in rows],
            "crossover_diameter": rows[0]["crossover_diameter"],
            "temperature": device.temperature, "cell": cell, "images": images}


#: Units of the card's entries (written as comments).
CARD_UNITS = {
    **{f"material.{k}": u for k, u in (("Ms", "A/m"), ("Hk_eff", "A/m"), ("A_ex", "J/m"),
                                        ("free_layer_thickness", "m"), ("temperature", "K"))},
    **{f"reduced_device.{k}": u for k, u in (
        ("diameter", "m"), ("temperature", "K"), ("cell", "m"), ("tau_d", "s"), ("ic0", "A"),
        ("max_time", "s"), ("equilibration", "s"), ("dt_at_largest_current", "s"))},
    **{f"{t}.{k}": u for t in ("ensembles", "macrospin_limit")
       for k, u in (("current", "A"), ("tau", "s"), ("tau_se", "s"), ("fp_tau", "s"),
                    ("diameter", "m"), ("temperature", "K"), ("cell", "m"), ("tau_d", "s"))},
    "law.attempt_time": "s", "law.ln_attempt_time": "ln(tau0 / 1 s)",
    "delta_eff_curve.diameter": "m", "delta_eff_curve.energy": "J",
    "delta_eff_curve.crossover_diameter": "m", "delta_eff_curve.temperature": "K",
    "delta_eff_curve.cell": "m",
}


def build_card(device: Device, diameter=20e-9, alpha=0.5, cell=4e-9, trials=32, seed=1,
               max_time_tau_d=2000.0, limit_trials=24, command="", progress=None) -> dict:
    """Everything ``cramsim micromag subcritical`` writes (see the module doc)."""
    from importlib.metadata import version

    red = reduced_device(device, diameter, alpha)
    block, ens, law = fit_reduced_device(red, cell, trials, child(seed, 0),
                                         max_time_tau_d * red.tau_d, progress)
    limit = macrospin_limit(red, cell, limit_trials, child(seed, 1), max_time_tau_d,
                            progress=progress)
    mat = {k: getattr(device, k) for k in ("Ms", "Hk_eff", "A_ex", "free_layer_thickness",
                                           "polarization", "temperature")}
    return {"kind": "micromag-subcritical", "device": device.name,
            "source": "Fitted by llg/micromag/subcritical.py to stochastic-LLG escape-time "
            "ensembles of the micromagnetic free layer (this card's inputs); law form "
            "tau = tau0 exp(Delta_eff (1 - I/Ic0)^b) after Koch, Katine & Sun, PRL 92, 088302 "
            "(2004); macrospin reference: exact 1-D Fokker-Planck mean first-passage time "
            "(llg.retention.mean_first_passage_time).",
            "command": command, "cramsim_version": version("cramsim"), "seed": int(seed),
            "material": mat, "reduced_device": block, "ensembles": ens, "law": law,
            "macrospin_limit": limit, "delta_eff_curve": delta_eff_curve_block(device)}
