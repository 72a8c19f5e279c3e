"""Finite-volume discretization of the FP operator and its slowest decay rates.

Discretization (conservative finite volumes, exact discrete equilibrium)
-------------------------------------------------------------------------
``n`` cells uniform in theta (faces ``u = -cos(pi j / n)``, n even so u = 0 is a face), cell
probabilities ``P_j``. The flux between neighbouring cell centres is the exponentially fitted
(Scharfetter-Gummel type) flux with the exact integral of the Slotboom resistance::

    J_{j+1/2} = [ P_j / w_j - P_{j+1} / w_{j+1} ] / I_{j+1/2},
    w_j = |cell_j| exp(Phi(u_j)),   I_{j+1/2} = int_{u_j}^{u_{j+1}} exp(-Phi) / D du

(16-point Gauss-Legendre in theta). It is upwind when drift dominates, second order in
1/n, conserves probability to round-off, and its stationary state is exactly
``P_j ~ w_j``: the density at the nodes is exactly proportional to ``exp(Phi(u_j))``. It is a
birth-death chain with rates ``k+_j = 1 / (w_j I_{j+1/2})`` and ``k-_j = 1 / (w_{j+1}
I_{j+1/2})``, all computed from local log-differences so nothing overflows at any Delta.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numba as nb
import numpy as np
from scipy.special import logsumexp

from ..errors import ParameterError

_GAUSS = np.polynomial.legendre.leggauss(16)


class Grid:
    """``n`` finite-volume cells on v in [-1, 1], uniform in theta; u = 0 is face n/2."""

    def __init__(self, delta: float, n: int):
        if n < 8 or n % 2:
            raise ParameterError(f"n_cells = {n} must be an even integer >= 8")
        self.delta = float(delta)
        self.n = int(n)
        th_f = np.linspace(0.0, np.pi, n + 1)
        self.theta_faces = th_f
        self.faces = -np.cos(th_f)
        th_c = 0.5 * (th_f[1:] + th_f[:-1])
        self.centers = -np.cos(th_c)
        # cell lengths in u, from the half-angle form (no cancellation near the poles)
        self.sizes = 2.0 * np.sin(0.5 * (th_f[1:] - th_f[:-1])) * np.sin(th_c)
        x, w = _GAUSS
        a, b = th_c[:-1], th_c[1:]
        self._th_q = 0.5 * (a + b)[:, None] + 0.5 * (b - a)[:, None] * x[None, :]
        # log of (quadrature weight * 2 Delta / sin(theta)): du / D(u) = 2 Delta dtheta / sin
        self._logq = np.log(0.5 * (b - a)[:, None] * w[None, :] * 2.0 * self.delta
                            / np.sin(self._th_q))
        self._u_q = -np.cos(self._th_q)
        self.start = self.centers < 0.0   # start well / wrong side, in v = target * u

    def operator(self, c: float) -> "Operator":
        """The birth-death generator for Phi(v) = Delta (v + c)^2."""
        d = self.delta
        return self.operator_phi(lambda v: d * (v + c) ** 2)

    def operator_phi(self, phi) -> "Operator":
        """The generator for a general potential: ``phi(v)`` (array in, array out) is Phi at
        any v in [-1, 1] (used for a state-dependent current, :mod:`.circuit`)."""
        logw = phi(self.centers) + np.log(self.sizes)
        log_i = logsumexp(-phi(self._u_q) + self._logq, axis=1)
        kp = np.exp(-(logw[:-1] + log_i))
        km = np.exp(-(logw[1:] + log_i))
        return Operator(logw, kp, km)

    def boltzmann_start(self, c0: float) -> np.ndarray:
        """Cell probabilities of the equilibrium (Phi = Delta (v + c0)^2) restricted to v < 0."""
        logw = self.delta * (self.centers + c0) ** 2 + np.log(self.sizes)
        lw = np.where(self.start, logw, -np.inf)
        return np.exp(lw - logsumexp(lw))


@dataclass
class Operator:
    """Rates of the discrete FP generator A (1/tau_D): k+_j: j -> j+1, k-_j: j+1 -> j."""

    logw: np.ndarray
    kp: np.ndarray
    km: np.ndarray
    _eig: tuple | None = field(default=None, repr=False)

    @property
    def sigma(self) -> float:
        """Uniformization rate: the largest exit rate (1/tau_D)."""
        out = np.zeros(self.kp.size + 1)
        out[:-1] += self.kp
        out[1:] += self.km
        return float(out.max())

    def stationary(self) -> np.ndarray:
        """Stationary cell probabilities P_st ~ w_j."""
        return np.exp(self.logw - logsumexp(self.logw))

    def eigenvalues(self) -> tuple[float, float]:
        """(lambda1, lambda2): the two smallest non-zero decay rates of A (1/tau_D)."""
        if self._eig is None:
            hi = 4.0 * self.sigma
            self._eig = (_sturm_eigenvalue(self.kp, self.km, 1, hi),
                         _sturm_eigenvalue(self.kp, self.km, 2, hi))
        return self._eig


@nb.njit(cache=True)
def _sturm_count(kp, km, lam):
    """Number of eigenvalues of -A below lam (Sylvester inertia of the LDL^T pivots).

    Pivots written as d_j = k+_j + e_j with e_0 = -lam, e_j = -lam + k-_{j-1} e_{j-1}/d_{j-1}:
    at lam -> 0 the e_j are small and of one sign, so tiny eigenvalues keep relative accuracy.
    """
    n = kp.shape[0] + 1
    cnt = 0
    e_prev = 0.0
    d_prev = 1.0
    for j in range(n):
        kpj = kp[j] if j < n - 1 else 0.0
        if j == 0:
            e = -lam
        else:
            e = -lam + km[j - 1] * e_prev / d_prev
        d = kpj + e
        if d == 0.0:
            d = -1e-300
        if d < 0.0:
            cnt += 1
        e_prev = e
        d_prev = d
    return cnt


@nb.njit(cache=True)
def _sturm_eigenvalue(kp, km, k, hi):
    """k-th smallest non-zero eigenvalue of -A by bisection in log(lambda)."""
    lo_l = math.log(1e-300)
    hi_l = math.log(hi)
    for _ in range(400):
        mid = 0.5 * (lo_l + hi_l)
        if _sturm_count(kp, km, math.exp(mid)) > k:
            hi_l = mid
        else:
            lo_l = mid
        if hi_l - lo_l < 1e-14:
            break
    return math.exp(0.5 * (lo_l + hi_l))
