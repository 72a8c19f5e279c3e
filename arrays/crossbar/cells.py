"""Crossbar cells: one MTJ in series with its access transistor, as a read conductance.

Cell law at the read bias ``V`` (V) across the cell: the current ``I`` (A) solves
``V = V_mtj + V_tr`` with ``I = V_mtj / R(theta, V_mtj)`` (the MTJ law of
:class:`circuits.elements.MTJElement`: ``R_AP(V) = R_P (1 + TMR0 / (1 + (V/V_half)^2))``) and
``I = I_sat tanh(V_tr / (R_on I_sat))`` (the access transistor of
:class:`circuits.elements.TransistorElement`). The crossbar uses the *chord* conductance
``G = I / V`` at the nominal read bias; IR drop moves a cell's bias by a few percent, which
changes its chord conductance only to second order (checked against the full non-linear
nodal solver in the tests).

Signed binary weights on differential column pairs: ``w = +1`` puts the "+" cell in P (high
conductance) and the "-" cell in AP; ``w = -1`` the reverse, so
``I+ - I- = V dG sum_i x_i w_i`` with ``dG = G_P - G_AP`` (ideal lines). A multi-level weight
``m`` in ``-k..k`` would use ``k`` cells per column of the pair, ``(k + m) / 2`` of the "+"
cells in P (grouping); the digits network needs only ``k = 1``.

Device-to-device variation: per cell ``d = d0 (1 + s_d z1)`` and ``RA = RA0 (1 + s_RA z2)``,
``z ~ N(0, 1)`` truncated at 3 sigma (the truncation of :mod:`llg.tables.variation`), so
``G_P = (pi d^2 / 4) / RA`` per cell, TMR unchanged.
"""
from __future__ import annotations

import math

import numpy as np

from circuits.elements import MTJElement, TransistorElement
from llg.errors import ParameterError
from llg.kernels import mtj_resistance
from llg.tables.variation import TRUNCATION

_mtj_resistance = mtj_resistance.py_func  # numpy-vectorized over cells

COS_P, COS_AP = 1.0, -1.0


def chord_conductance(g_p, cos_theta, v_read: float, element: MTJElement,
                      transistor: TransistorElement) -> np.ndarray:
    """Chord conductance I/V (S) of cells (arrays broadcast) at cell voltage ``v_read`` (V).

    g_p : zero-bias P conductance of each cell's MTJ (S); cos_theta : +1 (P) or -1 (AP).
    Solved by bisection on the MTJ voltage (the residual is monotone), to 1e-15 V.
    """
    g_p = np.asarray(g_p, dtype=float)
    if np.any(~np.isfinite(g_p)) or np.any(g_p <= 0):
        bad = g_p[~(np.isfinite(g_p) & (g_p > 0))].ravel()[0]
        raise ParameterError(f"cell conductance g_p = {bad!r} S is invalid; valid range: "
                             "0 < g_p < inf S (a negative conductance is not physical)")
    cos = np.broadcast_to(np.asarray(cos_theta, dtype=float), g_p.shape)
    v = float(v_read)
    if not (v > 0 and math.isfinite(v)):
        raise ParameterError(f"read voltage = {v_read!r} V must be > 0")

    def i_mtj(vm):  # the solver's resistance law, R(theta, V)
        return vm / _mtj_resistance(cos, vm, g_p, element.tmr0, element.v_half)

    def v_tr(i):
        if transistor.model == "ideal":
            return np.zeros_like(i)
        if transistor.model == "linear":
            return i * transistor.r_on
        x = np.minimum(i / transistor.i_sat, 1.0 - 1e-15)
        return transistor.r_on * transistor.i_sat * np.arctanh(x)

    lo, hi = np.zeros_like(g_p), np.full_like(g_p, v)
    for _ in range(60):                      # 2^-60 of 1 V: below 1e-15 V
        mid = 0.5 * (lo + hi)
        over = mid + v_tr(i_mtj(mid)) > v
        hi = np.where(over, mid, hi)
        lo = np.where(over, lo, mid)
    return i_mtj(0.5 * (lo + hi)) / v


def sample_g_p(g_p0: float, shape, sigma_ra_rel: float, sigma_d_rel: float,
               rng: np.random.Generator) -> np.ndarray:
    """Per-cell zero-bias P conductance with RA and diameter variation (module doc), S."""
    def z():
        a = rng.standard_normal(shape)
        bad = np.abs(a) > TRUNCATION
        while bad.any():
            a[bad] = rng.standard_normal(int(bad.sum()))
            bad = np.abs(a) > TRUNCATION
        return a
    d = 1.0 + sigma_d_rel * z()
    ra = 1.0 + sigma_ra_rel * z()
    return g_p0 * d * d / ra


def differential_states(w_sign: np.ndarray) -> np.ndarray:
    """cos(theta) of the cells of a (R, C) +-1 weight matrix on (R, 2C) columns: column 2j is
    the '+' cell of weight j, column 2j + 1 the '-' cell (P = +1 for w = +1 on '+')."""
    w = np.asarray(w_sign)
    if not np.all(np.isin(w, (-1, 1))):
        raise ParameterError("binary crossbar weights must be -1 or +1")
    cos = np.empty((w.shape[0], 2 * w.shape[1]))
    cos[:, 0::2] = np.where(w > 0, COS_P, COS_AP)
    cos[:, 1::2] = -cos[:, 0::2]
    return cos
