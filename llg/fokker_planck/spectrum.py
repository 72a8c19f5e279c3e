"""Spectrum of the FP operator: relaxation and escape rates (compared with Brown's and the
Neel-Brown analytic results in :mod:`validation.cases_fp`)."""
from __future__ import annotations

import math

from scipy.special import logsumexp

from ..errors import check_range
from .discretization import Grid
from .forward import default_cells


def relaxation_rate(delta: float, reduced_current: float = 0.0, h: float = 0.0,
                    n_cells: int | None = None) -> tuple[float, float]:
    """Smallest non-zero eigenvalue lambda1 of the FP operator (1/tau_D) and its error.

    At zero current this is Brown's longest relaxation time 1/lambda1 (the decay of <m_z>);
    a bit escapes its well at the rate lambda1 / 2 (symmetric wells). Richardson from n and
    2n cells; returns (lambda1, estimated absolute error).
    """
    check_range("delta", delta, "1", 0.0, 700.0, lo_open=True, what="thermal stability factor")
    n = default_cells(delta) if n_cells is None else int(n_cells)
    c = h + reduced_current
    l_c = Grid(delta, n).operator(c).eigenvalues()[0]
    l_f = Grid(delta, 2 * n).operator(c).eigenvalues()[0]
    return l_f + (l_f - l_c) / 3.0, abs(l_f - l_c) / 3.0


def escape_time_reduced(delta: float, reduced_current: float = 0.0, h: float = 0.0,
                        n_cells: int | None = None) -> float:
    """Mean escape time (in tau_D) out of the starting well v < 0, from the FP spectrum.

    Two-state reduction of the slowest mode: lambda1 = k_out + k_back and detailed balance
    k_back / k_out = P_st(v < 0) / P_st(v > 0), so 1/k_out = 1 / (lambda1 (1 - P_st(v < 0))).
    At zero current and field this is 2 / lambda1, the well lifetime. c = h + i as in
    :func:`relaxation_rate` (v = target u: positive i drives out of the start well).
    """
    lam1, _ = relaxation_rate(delta, reduced_current, h, n_cells)
    n = default_cells(delta) if n_cells is None else int(n_cells)
    grid = Grid(delta, 2 * n)
    lw = grid.operator(h + reduced_current).logw
    w_start = math.exp(logsumexp(lw[grid.start]) - logsumexp(lw))
    return 1.0 / (lam1 * (1.0 - w_start))
