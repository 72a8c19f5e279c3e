"""Numba kernels over cells: the fused local effective field and the LLG right-hand side.

Written as plain serial loops over the cells of the (nz, ny, nx) grid: the step's cost is the
FFT demag field, and numba's parallel loops stalled under load on the shared 2-core
machines (40 ms instead of 0.01 ms per call on a 64 x 64 grid), so they are not used. The
parameter vector ``P`` is packed by :meth:`llg.micromag.system.System.pack` from the
declarative terms in :mod:`llg.micromag.terms`; the kernels only evaluate that description.
The LLG form is the macrospin kernel's: Gilbert damping and Slonczewski torques written as
``dm/dt = -gamma' [m x H_p + m x (m x H_d)]`` with ``H_p = H + (beta - alpha) a_J p`` and
``H_d = alpha H + (1 + alpha beta) a_J p``, evaluated per cell by the same inlined helper
:func:`llg.kernels.llgs_torque` (one copy of the algebra).
"""
from __future__ import annotations

import math

import numba as nb
import numpy as np

from ..kernels import llgs_torque

# Layout of the parameter vector P (float64).
P_CX, P_CY, P_CZ = 0, 1, 2      # exchange 2 A / (mu0 Ms d^2), A/m, per axis
P_HK = 3                        # 2 K_u / (mu0 Ms), A/m
P_U = 4                         # easy axis (3)
P_HAPP = 7                      # applied field (3), A/m
P_AJ = 10                       # Slonczewski field a_J, A/m
P_BETA = 11                     # field-like / damping-like ratio
P_P = 12                        # spin polarization direction (3)
P_ALPHA = 15                    # Gilbert damping
P_GAMMA = 16                    # gamma mu0 / (1 + alpha^2), m/(A s)
P_PRECESS = 17                  # 1: full LLG; 0: damping only (relaxation)
N_PARAMS = 18


@nb.njit(cache=True)
def effective_field(m, hd, hth, mask, P, H):
    """H = demag hd + exchange + anisotropy + applied + thermal hth (all A/m), in place."""
    nz, ny, nx = mask.shape
    cx, cy, cz, hk = P[P_CX], P[P_CY], P[P_CZ], P[P_HK]
    u0, u1, u2 = P[P_U], P[P_U + 1], P[P_U + 2]
    for row in range(nz * ny):
        k = row // ny
        j = row % ny
        for i in range(nx):
            if not mask[k, j, i]:
                for c in range(3):
                    H[c, k, j, i] = 0.0
                continue
            mu = m[0, k, j, i] * u0 + m[1, k, j, i] * u1 + m[2, k, j, i] * u2
            # Neumann boundary: a missing neighbour contributes nothing (dm/dn = 0)
            wxm = cx if (i > 0 and mask[k, j, i - 1]) else 0.0
            wxp = cx if (i < nx - 1 and mask[k, j, i + 1]) else 0.0
            wym = cy if (j > 0 and mask[k, j - 1, i]) else 0.0
            wyp = cy if (j < ny - 1 and mask[k, j + 1, i]) else 0.0
            wzm = cz if (k > 0 and mask[k - 1, j, i]) else 0.0
            wzp = cz if (k < nz - 1 and mask[k + 1, j, i]) else 0.0
            im, ip = max(i - 1, 0), min(i + 1, nx - 1)
            jm, jp = max(j - 1, 0), min(j + 1, ny - 1)
            km, kp = max(k - 1, 0), min(k + 1, nz - 1)
            wsum = wxm + wxp + wym + wyp + wzm + wzp
            for c in range(3):
                ex = (wxm * m[c, k, j, im] + wxp * m[c, k, j, ip] + wym * m[c, k, jm, i]
                      + wyp * m[c, k, jp, i] + wzm * m[c, km, j, i] + wzp * m[c, kp, j, i]
                      - wsum * m[c, k, j, i])
                H[c, k, j, i] = (hd[c, k, j, i] + ex + hk * mu * P[P_U + c]
                                 + P[P_HAPP + c] + hth[c, k, j, i])


@nb.njit(cache=True)
def llg_rhs(m, H, mask, P, out):
    """dm/dt (1/s) per cell from the total field H (A/m), in place; 0 off the mask."""
    nz, ny, nx = mask.shape
    a, beta, alpha, g = P[P_AJ], P[P_BETA], P[P_ALPHA], P[P_GAMMA]
    prec = P[P_PRECESS]
    p0, p1, p2 = P[P_P], P[P_P + 1], P[P_P + 2]
    for row in range(nz * ny):
        k = row // ny
        j = row % ny
        for i in range(nx):
            if not mask[k, j, i]:
                out[0, k, j, i] = 0.0
                out[1, k, j, i] = 0.0
                out[2, k, j, i] = 0.0
                continue
            d0, d1, d2 = llgs_torque(m[0, k, j, i], m[1, k, j, i], m[2, k, j, i],
                                     H[0, k, j, i], H[1, k, j, i], H[2, k, j, i],
                                     p0, p1, p2, a, alpha, beta, prec, -g)
            out[0, k, j, i] = d0
            out[1, k, j, i] = d1
            out[2, k, j, i] = d2


@nb.njit(cache=True)
def axpy_normalize(m, k1, k2, c1, c2, mask, out):
    """out = normalize(m + c1 k1 + c2 k2) per magnetic cell (Heun predictor and corrector)."""
    nz, ny, nx = mask.shape
    for row in range(nz * ny):
        k = row // ny
        j = row % ny
        for i in range(nx):
            if not mask[k, j, i]:
                continue
            v0 = m[0, k, j, i] + c1 * k1[0, k, j, i] + c2 * k2[0, k, j, i]
            v1 = m[1, k, j, i] + c1 * k1[1, k, j, i] + c2 * k2[1, k, j, i]
            v2 = m[2, k, j, i] + c1 * k1[2, k, j, i] + c2 * k2[2, k, j, i]
            inv = 1.0 / math.sqrt(v0 * v0 + v1 * v1 + v2 * v2)
            out[0, k, j, i] = v0 * inv
            out[1, k, j, i] = v1 * inv
            out[2, k, j, i] = v2 * inv


@nb.njit(cache=True)
def ensemble_field_rhs(m, hd, hth, mask, P, H, out):
    """effective_field then llg_rhs for each member of an ensemble (leading axis), in place."""
    for e in range(m.shape[0]):
        effective_field(m[e], hd[e], hth[e], mask, P, H[e])
        llg_rhs(m[e], H[e], mask, P, out[e])


@nb.njit(cache=True)
def ensemble_axpy_normalize(m, k1, k2, c1, c2, mask, out):
    """axpy_normalize for each member of an ensemble (leading axis)."""
    for e in range(m.shape[0]):
        axpy_normalize(m[e], k1[e], k2[e], c1, c2, mask, out[e])
