"""Energy minimization on the unit sphere by steepest descent with Barzilai-Borwein steps.

The descent direction of cell i is ``g_i = m_i x (m_i x H_i)`` (minus the torque; zero at an
equilibrium), the update ``m <- norm(m - tau g)``, with tau from the alternating
Barzilai-Borwein rules (Exl et al., J. Appl. Phys. 115, 17D118 (2014), the method behind
mumax3's Minimize): ``tau = s.s / s.y`` on even and ``s.y / y.y`` on odd iterations, with
``s`` the change of m and ``y`` the change of g. Much faster than damped dynamics for relaxing
to a minimum; the string method uses the same direction.
"""
from __future__ import annotations

import numpy as np

from ..constants import GAMMA_E, MU0
from ..errors import ParameterError
from .system import System


def descent_direction(m, H):
    """g = m x (m x H) = m (m.H) - H per cell (A/m); zero where m is parallel to H."""
    return m * (m * H).sum(axis=0) - H


def _normalize(v, mask):
    n = np.sqrt((v * v).sum(axis=0))
    n[~mask] = 1.0
    return v / n


def minimize(system: System, m0: np.ndarray, tol: float = 1e-1, max_iter: int = 100_000,
             raise_on_fail: bool = True) -> np.ndarray:
    """The local energy minimum near m0; stops when max |m x H| < tol (A/m)."""
    mask = system.grid.mask
    m = m0.copy()
    P = system.pack()
    g = descent_direction(m, system.field(m, P))
    tau = 1e-3 / system.Ms  # first step: a small rotation, 1/(A/m)
    for it in range(max_iter):
        if np.sqrt((g * g).sum(axis=0)).max() < tol:
            return m
        m_new = _normalize(m - tau * g, mask)
        g_new = descent_direction(m_new, system.field(m_new, P))
        s, y = m_new - m, g_new - g
        sy = (s * y).sum()
        if sy > 0:
            tau = (s * s).sum() / sy if it % 2 == 0 else sy / (y * y).sum()
        else:
            tau = 1e-3 / system.Ms
        m, g = m_new, g_new
    if raise_on_fail:
        raise ParameterError(f"minimize: max_iter = {max_iter} iterations did not reach "
                             f"torque tolerance {tol:g} A/m; valid: more iterations")
    return m
