"""Binomial confidence intervals for switching probabilities and trial planning.

Wilson score interval (Wilson, J. Am. Stat. Assoc. 22, 209 (1927)): good coverage at every p,
including 0 and 1 where the normal (Wald) interval collapses. Clopper-Pearson (exact, from the
beta distribution) is offered for conservative bounds.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats

from .errors import ParameterError, check_range


def _z(confidence: float) -> float:
    check_range("confidence", confidence, "1", 0.0, 1.0, lo_open=True, hi_open=True)
    return float(stats.norm.ppf(0.5 + 0.5 * confidence))


def wilson_interval(k, n, confidence: float = 0.95):
    """Wilson score interval (lo, hi) for k successes in n trials (arrays broadcast)."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    if np.any(n <= 0):
        raise ParameterError("trials must be >= 1 for a confidence interval")
    z = _z(confidence)
    p = k / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # exact ends: the interval reaches 0 at k = 0 and 1 at k = n (round-off would miss them)
    lo = np.where(k == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    hi = np.where(k == n, 1.0, np.clip(centre + half, 0.0, 1.0))
    return (lo[()], hi[()])


def clopper_pearson_interval(k, n, confidence: float = 0.95):
    """Exact (conservative) binomial interval (lo, hi)."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    a = 1.0 - confidence
    lo = np.where(k > 0, stats.beta.ppf(a / 2, k, n - k + 1), 0.0)
    hi = np.where(k < n, stats.beta.ppf(1 - a / 2, k + 1, n - k), 1.0)
    return lo, hi


def trials_for_width(p: float, width: float, confidence: float = 0.95) -> int:
    """Trials n for which the Wilson interval around probability p has full width <= width.

    Solves the Wilson half-width for n by bisection (monotone in n); p is clipped to
    [0, 1]. At p = 0 or 1 the width is ~ z^2 / n.
    """
    check_range("ci_width", width, "1", 0.0, 1.0, lo_open=True)
    z = _z(confidence)
    p = min(max(p, 0.0), 1.0)

    def w(n):
        denom = 1.0 + z * z / n
        return 2 * z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom

    if w(1) <= width:
        return 1
    lo, hi = 1, 2  # invariant: w(lo) > width >= w(hi) once hi is found
    while w(hi) > width:
        lo, hi = hi, 2 * hi
        if hi > 2 ** 62:
            return hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if w(mid) > width:
            lo = mid
        else:
            hi = mid
    return hi
