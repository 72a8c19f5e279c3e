"""Time stepping: exact propagation of the semi-discrete FP equation by uniformization.

Time integration (exact for the semi-discrete system)
------------------------------------------------------
The current is piecewise constant, so ``P(s) = exp(A s) P(0)``. It is evaluated by
uniformization (A. Jensen, Skand. Aktuarietidskr. 36, 87 (1953); W. K. Grassmann, Comput.
Oper. Res. 4, 47 (1977)): ``exp(A s) = sum_k Pois(k; sigma s) T^k``,
``T = 1 + A / sigma``, sigma = the largest exit rate. T is non-negative, so every term is
non-negative: each component, however small, is a sum of positive terms and keeps its
*relative* accuracy (no cancellation; this is what makes WER = 1e-30 meaningful). Poisson
weights below ``exp(-110)`` are dropped (absolute error < 1e-47). Past
``s0 = 40 / (lambda2 - lambda1)`` every mode but the stationary one and the slowest has
decayed by e^-40 relative to the slowest, and
``P(s) = P_st (1 - exp(-lambda1 (s - s0))) + exp(-lambda1 (s - s0)) P(s0)`` (written as two
non-negative terms, so small functionals keep their relative accuracy); lambda1, lambda2
come from a Sturm-sequence bisection written so that tiny eigenvalues (e^-Delta) keep full
relative accuracy. The relaxation with the current off is applied with the adjoint
(backward) equation: ``r = exp(A0^T s_relax) 1_wrong`` is the probability of ending in the
wrong half from each cell, and WER = r . P(pulse end).
"""
from __future__ import annotations

import math

import numba as nb
import numpy as np

from ..errors import ParameterError
from .discretization import Operator

_LOG_EPS = -110.0          # Poisson weights below e^-110 are dropped
_TAIL_DECAY = 40.0         # (lambda2 - lambda1) s0: the two-mode tail takes over after s0
#: Most uniformization steps one propagation may take (about 10 s on the fine grid).
MAX_STEPS = 20_000_000


@nb.njit(cache=True)
def _window(lam, c):
    """Poisson(lam) index window holding all but ~2 exp(-c^2/2) of the mass."""
    if lam <= 0.0:
        return 0, 0
    r = c * math.sqrt(lam)
    lo = max(0, int(math.floor(lam - r)))
    hi = int(math.ceil(lam + r + c * c))
    return lo, hi


@nb.njit(cache=True)
def _step_forward(v, out, up, dn, diag, g):
    """out = T v with T = 1 + A/sigma (up = k+/sigma, dn = k-/sigma); returns g . out.

    Every term is non-negative. Interior loop without branches so numba vectorizes it.
    """
    n = v.shape[0]
    out[0] = diag[0] * v[0] + dn[0] * v[1]
    gv = g[0] * out[0]
    for j in range(1, n - 1):
        x = diag[j] * v[j] + up[j - 1] * v[j - 1] + dn[j] * v[j + 1]
        out[j] = x
        gv += g[j] * x
    out[n - 1] = diag[n - 1] * v[n - 1] + up[n - 2] * v[n - 2]
    return gv + g[n - 1] * out[n - 1]


@nb.njit(cache=True)
def _step_forward2(v, out, up, dn, diag, g, g2):
    """out = T v; returns (g . out, g2 . out) in the same pass (two functionals)."""
    n = v.shape[0]
    out[0] = diag[0] * v[0] + dn[0] * v[1]
    a = g[0] * out[0]
    b = g2[0] * out[0]
    for j in range(1, n - 1):
        x = diag[j] * v[j] + up[j - 1] * v[j - 1] + dn[j] * v[j + 1]
        out[j] = x
        a += g[j] * x
        b += g2[j] * x
    x = diag[n - 1] * v[n - 1] + up[n - 2] * v[n - 2]
    out[n - 1] = x
    return a + g[n - 1] * x, b + g2[n - 1] * x


@nb.njit(cache=True)
def _step_adjoint(v, out, up, dn, diag):
    """out = T^T v (the backward equation); every term non-negative."""
    n = v.shape[0]
    out[0] = diag[0] * v[0] + up[0] * v[1]
    for j in range(1, n - 1):
        out[j] = diag[j] * v[j] + up[j] * v[j + 1] + dn[j - 1] * v[j - 1]
    out[n - 1] = diag[n - 1] * v[n - 1] + dn[n - 2] * v[n - 2]


@nb.njit(cache=True)
def _diag(kp, km, sigma):
    n = kp.shape[0] + 1
    d = np.empty(n)
    for j in range(n):
        r = 0.0
        if j < n - 1:
            r += kp[j]
        if j > 0:
            r += km[j - 1]
        d[j] = max(0.0, 1.0 - r / sigma)
    return d


@nb.njit(cache=True)
def _forward_functional(p0, g, kp, km, sigma, lam, c):
    """out[m] = g . exp(A s_m) p0 for lam[m] = sigma s_m (ascending)."""
    G = np.empty((1, g.shape[0]))
    G[0, :] = g
    return _forward_functionals(p0, G, kp, km, sigma, lam, c)[0]


@nb.njit(cache=True)
def _forward_functionals(p0, G, kp, km, sigma, lam, c):
    """out[q, m] = G[q] . exp(A s_m) p0 for lam[m] = sigma s_m (ascending).

    Several functionals (e.g. "still on the start side" and "crossed") share one propagation;
    each is a sum of non-negative terms and keeps its relative accuracy.
    """
    M = lam.shape[0]
    Q = G.shape[0]
    out = np.zeros((Q, M))
    klo = np.empty(M, np.int64)
    khi = np.empty(M, np.int64)
    for m in range(M):
        klo[m], khi[m] = _window(lam[m], c)
    wgt = np.zeros(M)
    diag = _diag(kp, km, sigma)
    up = kp / sigma
    dn = km / sigma
    v = p0.copy()
    tmp = np.empty_like(v)
    gv = np.zeros(Q)
    for q in range(Q):
        for j in range(v.shape[0]):
            gv[q] += G[q, j] * v[j]
    g0 = G[0]
    kmax = khi[M - 1]
    first = 0
    for k in range(kmax + 1):
        m = first
        while m < M and klo[m] <= k:
            if k <= khi[m]:
                if lam[m] <= 0.0:
                    wgt[m] = 1.0
                elif k == klo[m]:
                    wgt[m] = math.exp(-lam[m] + k * math.log(lam[m]) - math.lgamma(k + 1.0))
                else:
                    wgt[m] *= lam[m] / k
                for q in range(Q):
                    out[q, m] += wgt[m] * gv[q]
            m += 1
        while first < M and khi[first] <= k:
            first += 1
        if k < kmax and Q == 2:
            gv[0], gv[1] = _step_forward2(v, tmp, up, dn, diag, g0, G[1])
            v, tmp = tmp, v
        elif k < kmax:
            gv[0] = _step_forward(v, tmp, up, dn, diag, g0)
            for q in range(1, Q):
                acc = 0.0
                for j in range(v.shape[0]):
                    acc += G[q, j] * tmp[j]
                gv[q] = acc
            v, tmp = tmp, v
    return out


@nb.njit(cache=True)
def _vector(v0, kp, km, sigma, lam, c, adjoint):
    """exp(A s) v0 (or exp(A^T s) v0) for lam = sigma s."""
    lo, hi = _window(lam, c)
    acc = np.zeros_like(v0)
    if lam <= 0.0:
        acc[:] = v0
        return acc
    diag = _diag(kp, km, sigma)
    up = kp / sigma
    dn = km / sigma
    dummy = np.zeros_like(v0)
    v = v0.copy()
    tmp = np.empty_like(v)
    w = 0.0
    for k in range(hi + 1):
        if k == lo:
            w = math.exp(-lam + k * math.log(lam) - math.lgamma(k + 1.0))
        elif k > lo:
            w *= lam / k
        if k >= lo:
            for j in range(v.shape[0]):
                acc[j] += w * v[j]
        if k < hi:
            if adjoint:
                _step_adjoint(v, tmp, up, dn, diag)
            else:
                _step_forward(v, tmp, up, dn, diag, dummy)
            v, tmp = tmp, v
    return acc


_C_WIN = math.sqrt(-2.0 * _LOG_EPS)


def _check_work(sigma: float, s: float) -> None:
    steps = sigma * s
    if steps > MAX_STEPS:
        raise ParameterError(
            f"this Fokker-Planck propagation needs {steps:.3g} uniformization steps (more than "
            f"{MAX_STEPS:g}); the pulse is too long for the current's time scale. Use fewer "
            "cells (n_cells) or a shorter pulse width")


def propagate_functional(op: Operator, p0: np.ndarray, g: np.ndarray, s) -> np.ndarray:
    """g . P(s) for the reduced times ``s`` (array, in tau_D), P(0) = p0, exact in time."""
    return propagate_functionals(op, p0, np.asarray(g, dtype=float)[None, :], s)[0]


def propagate_functionals(op: Operator, p0: np.ndarray, G: np.ndarray, s) -> np.ndarray:
    """G[q] . P(s) for each row q of ``G`` and reduced times ``s`` (tau_D): shape (Q, M)."""
    s = np.atleast_1d(np.asarray(s, dtype=float))
    G = np.ascontiguousarray(G, dtype=float)
    order = np.argsort(s)
    ss = s[order]
    lam1, lam2 = op.eigenvalues()
    s0 = _TAIL_DECAY / max(lam2 - lam1, 1e-300)
    sigma = op.sigma
    direct = ss <= s0
    times = ss[direct]
    need_tail = not direct.all()
    if need_tail:
        times = np.append(times, s0)
    _check_work(sigma, float(times.max()) if times.size else 0.0)
    vals = _forward_functionals(p0, G, op.kp, op.km, sigma, sigma * times, _C_WIN)
    out = np.empty((G.shape[0], ss.size))
    out[:, direct] = vals[:, :direct.sum()]
    if need_tail:
        g_st = G @ op.stationary()
        g_s0 = vals[:, -1]
        x = lam1 * (ss[~direct] - s0)
        # P_st (1 - e^-x) + P(s0) e^-x: two non-negative terms, so a small functional (a rare
        # crossing under a current that favours the other well) keeps its relative accuracy
        out[:, ~direct] = g_st[:, None] * (-np.expm1(-x))[None, :] + \
            g_s0[:, None] * np.exp(-x)[None, :]
    res = np.empty_like(out)
    res[:, order] = out
    return res


def propagate_adjoint(op: Operator, g: np.ndarray, s: float) -> np.ndarray:
    """exp(A^T s) g: the expectation of g at time s from each starting cell."""
    lam1, lam2 = op.eigenvalues()
    s0 = _TAIL_DECAY / max(lam2 - lam1, 1e-300)
    sigma = op.sigma
    if s <= s0:
        _check_work(sigma, s)
        return _vector(g, op.kp, op.km, sigma, sigma * s, _C_WIN, True)
    _check_work(sigma, s0)
    r0 = _vector(g, op.kp, op.km, sigma, sigma * s0, _C_WIN, True)
    g_st = float(g @ op.stationary())
    x = lam1 * (s - s0)
    return g_st * -math.expm1(-x) + r0 * math.exp(-x)   # non-negative terms, as above
