"""Process variation: sample devices around the nominal one, pool their switching statistics.

Model: each varied parameter x is independently normal around its nominal value,
``x = x0 (1 + k sigma_rel z)``, with z ~ N(0, 1) truncated to |z| <= 3 (redrawn beyond), and
``k`` the table's variation scale. The truncation keeps every sample physical (sigma_rel <=
0.25, so x >= 0.25 x0) and changes the variance by under 3 %.

Why groups of devices: the solver integrates an ensemble for one Device, so a grid point
draws ``n_devices`` devices and runs ``trials / n_devices`` trajectories on each. The pooled
fraction p estimates the population switching probability E_dev[p(dev)]. Its trials are
*not* independent Bernoulli draws (trajectories on one device share its parameters), so the
interval uses the cluster-sampling variance: Var(p) = s^2_between / n_devices, with s^2 the
sample variance of the per-device fractions (this includes their binomial noise), and the
Wilson interval is evaluated at the effective size n_eff = p (1 - p) / Var(p) (Kish's design
effect), capped at the number of trials.
"""
from __future__ import annotations

import math

import numpy as np

from ..device import Device
from ..statistics import wilson_interval

TRUNCATION = 3.0


def sample_devices(device: Device, sigma_rel: dict, scale: float, n: int,
                   seed: np.random.SeedSequence) -> list[Device]:
    """``n`` devices with the parameters in ``sigma_rel`` (relative sigmas) drawn around
    ``device``; ``scale`` multiplies every sigma. Deterministic for a given ``seed``."""
    names = sorted(sigma_rel)
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, len(names)))
    bad = np.abs(z) > TRUNCATION
    while bad.any():  # redraw the tails: a truncated normal, reproducible draw by draw
        z[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(z) > TRUNCATION
    out = []
    for row in z:
        changes = {k: getattr(device, k) * (1.0 + scale * sigma_rel[k] * row[j])
                   for j, k in enumerate(names)}
        out.append(device.with_(**changes))
    return out


def pooled_interval(switched, trials, confidence: float = 0.95):
    """Pooled p, its interval and n_eff from per-device counts (equal trials per device)."""
    switched = np.asarray(switched, dtype=float)
    trials = np.asarray(trials, dtype=float)
    n = trials.sum()
    p = switched.sum() / n
    frac = switched / trials
    var = frac.var(ddof=1) / frac.size if frac.size > 1 else 0.0
    n_eff = n if var <= 0 else min(n, p * (1 - p) / var)
    n_eff = max(n_eff, 1.0)
    lo, hi = wilson_interval(p * n_eff, n_eff, confidence)
    return p, float(lo), float(hi), float(n_eff)


def pooled_mean_std(means, stds):
    """Mean and standard deviation of a mixture of equal-size groups (law of total
    variance: mean of the within-group variances plus the variance of the group means)."""
    means = np.asarray(means, dtype=float)
    stds = np.asarray(stds, dtype=float)
    # math.fsum: exactly rounded, so the table is bit-identical whatever the memory layout
    n = means.size
    mean = math.fsum(means) / n
    var = math.fsum(stds ** 2) / n + math.fsum((means - mean) ** 2) / n
    return mean, math.sqrt(max(var, 0.0))
