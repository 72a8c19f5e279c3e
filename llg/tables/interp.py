"""Interpolation kernels of the table reader, vectorized over many queries.

* :func:`pchip_rows` - the monotone piecewise-cubic Hermite interpolant (Fritsch & Carlson,
  SIAM J. Numer. Anal. 17, 238 (1980); derivatives as in Fritsch & Butland 1984, the rule
  scipy's ``PchipInterpolator`` uses), evaluated on many rows at once: row q of ``y`` at
  ``xq[q]``. Monotone data give a monotone interpolant without overshoot.
* :func:`isotonic_rows` - weighted isotonic regression (pool-adjacent-violators, Ayer et al.,
  Ann. Math. Stat. 26, 641 (1955)) along the last axis: the least-squares non-decreasing
  sequence, which for binomial fractions weighted by their trials is also the maximum-
  likelihood estimate under the monotonicity constraint.
* :func:`bracket` - interval index and linear weight of each query on a grid.
"""
from __future__ import annotations

import numpy as np


def _edge_slope(h0, h1, m0, m1):
    # one-sided three-point estimate, made shape-preserving (Fritsch-Butland / scipy rule)
    d = ((2.0 * h0 + h1) * m0 - h0 * m1) / (h0 + h1)
    d = np.where(np.sign(d) != np.sign(m0), 0.0, d)
    clip = (np.sign(m0) != np.sign(m1)) & (np.abs(d) > np.abs(3.0 * m0))
    return np.where(clip, 3.0 * m0, d)


def pchip_slopes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Derivatives of the PCHIP interpolant at the nodes; y (R, n), x (n,) increasing."""
    n = x.size
    h = np.diff(x)
    m = np.diff(y, axis=-1) / h
    if n == 2:
        return np.repeat(m, 2, axis=-1)
    d = np.zeros_like(y)
    m0, m1 = m[:, :-1], m[:, 1:]
    w1 = 2.0 * h[1:] + h[:-1]
    w2 = h[1:] + 2.0 * h[:-1]
    same = (np.sign(m0) == np.sign(m1)) & (m0 != 0.0) & (m1 != 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        harmonic = (w1 + w2) / (w1 / m0 + w2 / m1)
    d[:, 1:-1] = np.where(same, harmonic, 0.0)
    d[:, 0] = _edge_slope(h[0], h[1], m[:, 0], m[:, 1])
    d[:, -1] = _edge_slope(h[-1], h[-2], m[:, -1], m[:, -2])
    return d


def pchip_rows(x: np.ndarray, y: np.ndarray, xq: np.ndarray) -> np.ndarray:
    """Evaluate row ``q`` of ``y`` (R, n) at ``xq[q]`` with PCHIP; x (n,) increasing.

    ``xq`` must lie in [x[0], x[-1]] (the caller checks the range). NaN in a row makes the
    neighbouring intervals NaN (no value invented where the data have none).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    xq = np.asarray(xq, dtype=float)
    if x.size == 1:
        return y[:, 0].copy()
    d = pchip_slopes(x, y)
    j = np.clip(np.searchsorted(x, xq, side="right") - 1, 0, x.size - 2)
    rows = np.arange(y.shape[0])
    h = x[j + 1] - x[j]
    t = (xq - x[j]) / h
    t2, t3 = t * t, t * t * t
    h00 = 2 * t3 - 3 * t2 + 1
    h10 = t3 - 2 * t2 + t
    h01 = -2 * t3 + 3 * t2
    h11 = t3 - t2
    return (h00 * y[rows, j] + h10 * h * d[rows, j] + h01 * y[rows, j + 1]
            + h11 * h * d[rows, j + 1])


def isotonic_rows(y: np.ndarray, w: np.ndarray, increasing: bool = True) -> np.ndarray:
    """Weighted least-squares monotone fit along the last axis (pool adjacent violators)."""
    y = np.asarray(y, dtype=float)
    w = np.broadcast_to(np.asarray(w, dtype=float), y.shape)
    flat_y = y.reshape(-1, y.shape[-1])
    flat_w = w.reshape(-1, y.shape[-1])
    out = np.empty_like(flat_y)
    sign = 1.0 if increasing else -1.0
    for r in range(flat_y.shape[0]):
        vals, wts, counts = [], [], []
        for v, wt in zip(sign * flat_y[r], flat_w[r]):
            vals.append(v)
            wts.append(wt)
            counts.append(1)
            while len(vals) > 1 and vals[-2] > vals[-1]:
                v2, w2, c2 = vals.pop(), wts.pop(), counts.pop()
                wsum = wts[-1] + w2
                vals[-1] = (vals[-1] * wts[-1] + v2 * w2) / wsum if wsum > 0 else \
                    0.5 * (vals[-1] + v2)
                wts[-1] = wsum
                counts[-1] += c2
        out[r] = sign * np.repeat(vals, counts)
    return out.reshape(y.shape)


def bracket(grid: np.ndarray, xq: np.ndarray):
    """Lower index j and weight t in [0, 1] with xq = (1 - t) grid[j] + t grid[j + 1].

    ``xq`` must already be inside [grid[0], grid[-1]]. A one-point grid gives j = 0, t = 0
    (and j + 1 is clipped to 0 by the caller).
    """
    grid = np.asarray(grid, dtype=float)
    if grid.size == 1:
        return np.zeros(xq.shape, dtype=np.intp), np.zeros(xq.shape)
    j = np.clip(np.searchsorted(grid, xq, side="right") - 1, 0, grid.size - 2)
    t = (xq - grid[j]) / (grid[j + 1] - grid[j])
    return j, np.clip(t, 0.0, 1.0)
