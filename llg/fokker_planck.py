"""Write error rate of the axially symmetric macrospin from its 1-D Fokker-Planck equation.

Monte Carlo cannot reach a WER of 1e-9 (it needs ~1e11 trajectories); the Fokker-Planck (FP)
equation for the distribution of ``u = cos(theta) = m . z`` gives it directly.

Model and equation
------------------
Perpendicular free layer: easy axis, reference layer and spin polarization all along z;
uniaxial anisotropy field ``H_K = device.anisotropy_field_total`` (A/m), optional applied field
``H_z`` along z, Slonczewski damping-like torque with *constant* efficiency, field-like ratio
``beta``, current ``I`` (A, positive drives m toward +z, AP -> P). :mod:`llg.kernels`
integrates the explicit Landau-Lifshitz form with ``gamma' = gamma mu0 / (1 + alpha^2)``::

    dm/dt = -gamma' [ m x H_prec + m x (m x H_damp) ],
    H_damp = alpha (H + H_th) + (1 + alpha beta) a_J z,   a_J = (stt_field_per_ampere) I,

with H_th white noise of per-component variance ``2 alpha k_B T / (gamma mu0^2 Ms V dt)``
(Stratonovich). ``m x H_prec`` rotates m about z and leaves u unchanged; the projection of the
damping term gives the drift ``du/dt = gamma' (1 - u^2) [alpha (H_K u + H_z) + (1 + alpha beta)
a_J]``. The noise enters as ``-gamma' (m x h - alpha P_perp h)`` whose covariance is
``gamma'^2 (1 + alpha^2) P_perp`` times that of h: isotropic diffusion on the sphere with
``k = alpha gamma' k_B T / (mu0 Ms V)`` (1/s), i.e. the Laplace-Beltrami operator, which for a
function of u is ``d/du (1 - u^2) d/du`` (Brown, Phys. Rev. 130, 1677 (1963)). With reduced time
``s = t / tau_D``, ``tau_D = (1 + alpha^2) / (alpha gamma mu0 H_K)`` (``device.tau_d``)::

    dp/ds = d/du { D(u) [ dp/du - Phi'(u) p ] } = d/du { D(u) e^Phi d/du (e^-Phi p) }

    D(u) = (1 - u^2) / (2 Delta),   Phi(u) = Delta (u + h + i)^2,
    h = H_z / H_K,   i = (1 + alpha beta) I / Ic0,   Ic0 = alpha H_K / stt_field_per_ampere,

with no flux through the poles u = +-1 (D vanishes there). The stationary solution is
``p ~ exp(Phi)``; at I = 0, H_z = 0 it is ``exp(Delta u^2)``, the Boltzmann density of
:mod:`llg.equilibrium`. For I != 0, ``Phi`` is the "effective potential" whose barrier
``Delta (1 - |i|)^2`` gives the thermally activated regime (see :mod:`llg.wer_analytic`).

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
decayed by e^-40 relative to the slowest, and ``P(s) = P_st + exp(-lambda1 (s - s0)) (P(s0) - P_st)``; lambda1, lambda2
come from a Sturm-sequence bisection written so that tiny eigenvalues (e^-Delta) keep full
relative accuracy. The relaxation with the current off is applied with the adjoint
(backward) equation: ``r = exp(A0^T s_relax) 1_wrong`` is the probability of ending in the
wrong half from each cell, and WER = r . P(pulse end).

Error control
-------------
Every result is computed on ``n`` and ``2n`` cells; the order-2 Richardson extrapolation in
log(WER) (the grid error is mostly an error in an exponential rate) is returned with its
estimate ``|ln(WER_2n / WER_n)| / 3`` as the relative discretization error (the error of
the 2n value; the extrapolated value is measured to be ~100x more accurate, and the tests
check that the estimate bounds its actual error). Time integration adds no error beyond the
truncation above. :data:`FLOOR` = 1e-30 is the smallest WER reported as resolved (17 orders
of magnitude above the truncation bound, leaving room for round-off in ~1e7 steps); WER
targets below it are refused. Default grid: n = 2 ceil(50 sqrt(Delta)) (the thermal cone is
~1/sqrt(Delta) wide in theta), i.e. ~800/1600 cells at Delta = 64.

Conventions: P = m along +z; WER = probability that, at the end (after the optional
relaxation), m is on the starting side of the equator u = 0.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numba as nb
import numpy as np
from scipy.special import logsumexp

from .device import Device
from .errors import ParameterError, check_range

#: Smallest WER the solver reports as resolved (truncation error < 1e-47, see module doc).
FLOOR = 1e-30
#: Directions: (start sign of u, sign of the current that drives it, target sign).
DIRECTIONS = {"P-AP": (+1, -1, -1), "AP-P": (-1, +1, +1)}
_LOG_EPS = -110.0          # Poisson weights below e^-110 are dropped
_TAIL_DECAY = 40.0         # (lambda2 - lambda1) s0: the two-mode tail takes over after s0
_GAUSS = np.polynomial.legendre.leggauss(16)
#: Most uniformization steps one propagation may take (about 10 s on the fine grid).
MAX_STEPS = 20_000_000


# --------------------------------------------------------------------------------------------
# reduced model
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReducedModel:
    """The dimensionless 1-D problem of a device (see module doc).

    delta : thermal stability factor (H_K based). tau_d : s, time unit.
    h : H_z / H_K. i_per_ampere : 1/A, reduced current i = i_per_ampere * I.
    """

    delta: float
    tau_d: float
    h: float
    i_per_ampere: float

    @classmethod
    def from_device(cls, device: Device) -> "ReducedModel":
        """Check the FP solver's assumptions on ``device`` and reduce it."""
        check_fp_device(device)
        hk = device.anisotropy_field_total
        i_per_a = (1.0 + device.alpha * device.field_like_ratio) * \
            device.stt_field_per_ampere / (device.alpha * hk)
        return cls(delta=device.delta, tau_d=device.tau_d, h=device.applied_field[2] / hk,
                   i_per_ampere=i_per_a)

    def shift(self, current: float, target: int) -> float:
        """c in Phi = Delta (v + c)^2 for v = target * u (start well at v < 0)."""
        return target * (self.h + self.i_per_ampere * current)


def check_fp_device(device: Device) -> None:
    """Raise :class:`ParameterError` unless the device is the axially symmetric macrospin."""
    if not isinstance(device, Device):
        raise ParameterError(f"device must be a llg.Device, got {type(device).__name__}")
    assume = ("the Fokker-Planck WER solver assumes an axially symmetric macrospin: a "
              "perpendicular device (easy axis, reference layer and field along z), "
              "Nx = Ny, constant spin-torque efficiency and T > 0")
    if device.geometry != "perpendicular":
        raise ParameterError(f"geometry = {device.geometry!r}: {assume}; use the Monte Carlo "
                             "(cramsim switch) for in-plane devices")
    if device.stt_model != "constant":
        raise ParameterError(f"stt_model = {device.stt_model!r}: {assume}; use the Monte Carlo "
                             "(cramsim switch) for the angle-dependent efficiency")
    nx, ny, _ = device.demag_factors
    if nx != ny:
        raise ParameterError(f"demag_factors = {device.demag_factors}: Nx != Ny breaks the "
                             f"axial symmetry; {assume}")
    hx, hy, _ = device.applied_field
    if hx != 0.0 or hy != 0.0:
        raise ParameterError(f"applied_field = {device.applied_field} A/m has a transverse "
                             f"component; {assume}")
    if device.temperature <= 0.0:
        raise ParameterError(f"temperature = {device.temperature} K: {assume}")
    if abs(device.applied_field[2]) >= device.anisotropy_field_total:
        raise ParameterError(
            f"applied_field[2] = {device.applied_field[2]:g} A/m must be smaller in magnitude "
            f"than H_K = {device.anisotropy_field_total:g} A/m (two stable wells)")


# --------------------------------------------------------------------------------------------
# discretization
# --------------------------------------------------------------------------------------------
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
        logw = d * (self.centers + c) ** 2 + np.log(self.sizes)
        log_i = logsumexp(-d * (self._u_q + c) ** 2 + self._logq, axis=1)
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


# --------------------------------------------------------------------------------------------
# uniformization kernels
# --------------------------------------------------------------------------------------------
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
    M = lam.shape[0]
    out = np.zeros(M)
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
    gv = 0.0
    for j in range(v.shape[0]):
        gv += g[j] * v[j]
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
                out[m] += wgt[m] * gv
            m += 1
        while first < M and khi[first] <= k:
            first += 1
        if k < kmax:
            gv = _step_forward(v, tmp, up, dn, diag, g)
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
    s = np.atleast_1d(np.asarray(s, dtype=float))
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
    vals = _forward_functional(p0, g, op.kp, op.km, sigma, sigma * times, _C_WIN)
    out = np.empty_like(ss)
    out[direct] = vals[:direct.sum()]
    if need_tail:
        g_st = float(g @ op.stationary())
        g_s0 = vals[-1]
        out[~direct] = g_st + (g_s0 - g_st) * np.exp(-lam1 * (ss[~direct] - s0))
    res = np.empty_like(out)
    res[order] = out
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
    return g_st + (r0 - g_st) * math.exp(-lam1 * (s - s0))


# --------------------------------------------------------------------------------------------
# write error rate
# --------------------------------------------------------------------------------------------
def default_cells(delta: float) -> int:
    """Coarse grid size: the thermal cone width scales as 1/sqrt(Delta) in theta."""
    return int(2 * math.ceil(50.0 * math.sqrt(max(delta, 16.0))))


@dataclass
class WERResult:
    """FP write error rate for one current and one or more pulse widths (SI units).

    wer : Richardson-extrapolated WER (n and 2n cells). rel_error : estimated relative
    discretization error of ``wer`` (|ln(WER_2n / WER_n)| / 3, conservative). wer_fine :
    WER on the 2n grid. resolved : wer >= FLOOR and rel_error < 0.1. floor : FLOOR.
    wer_limit : WER of an infinitely long pulse (stationary distribution under the current,
    then the relaxation); no pulse can do better.
    """

    current: float
    direction: str
    pulse_width: np.ndarray
    relaxation: float
    wer: np.ndarray
    rel_error: np.ndarray
    wer_fine: np.ndarray
    wer_limit: float
    reduced_current: float
    delta: float
    tau_d: float
    n_cells: tuple
    floor: float = FLOOR
    method: str = "fokker-planck"

    @property
    def resolved(self) -> np.ndarray:
        return (self.wer >= self.floor) & (self.rel_error < 0.1)

    def points(self) -> list[dict]:
        """One dict per pulse width, for JSON output."""
        return [{"current": self.current, "pulse_width": float(w), "wer": float(x),
                 "rel_error": float(e), "resolved": bool(r), "method": self.method,
                 "direction": self.direction, "relaxation": self.relaxation,
                 "i_over_ic0": self.reduced_current}
                for w, x, e, r in zip(self.pulse_width, self.wer, self.rel_error,
                                      self.resolved)]


def resolve_direction(current: float, direction: str | None) -> str:
    """The direction implied by the current's sign, checked against ``direction`` if given."""
    current = check_range("current", current, "A", -1.0, 1.0)
    if direction is not None and direction not in DIRECTIONS:
        raise ParameterError(f"direction = {direction!r} is invalid; choose one of "
                             f"{', '.join(DIRECTIONS)}")
    if current == 0.0:
        raise ParameterError("current = 0 A drives no switching; give a signed current "
                             "(positive for AP-P, negative for P-AP)")
    implied = "AP-P" if current > 0 else "P-AP"
    if direction is not None and direction != implied:
        need = "negative" if DIRECTIONS[direction][1] < 0 else "positive"
        raise ParameterError(f"current = {current:g} A has the wrong sign for direction "
                             f"{direction}: {direction} needs a {need} current (positive "
                             "drives AP -> P)")
    return implied


def _relaxation_default(tau_d: float, relaxation) -> float:
    if relaxation is None:
        return 2.0 * tau_d
    return check_range("relaxation", relaxation, "s", 0.0, 1.0,
                       what="time with the current off after the pulse")


class _Solver:
    """The FP problem of one device, current and relaxation on one grid size."""

    def __init__(self, model: ReducedModel, target: int, n: int, relaxation: float):
        self.model = model
        self.target = target
        self.grid = Grid(model.delta, n)
        c0 = target * model.h
        self.p0 = self.grid.boltzmann_start(c0)
        g = self.grid.start.astype(float)
        s_relax = relaxation / model.tau_d
        if s_relax > 0:
            g = propagate_adjoint(self.grid.operator(c0), g, s_relax)
        self.g = np.clip(g, 0.0, 1.0)

    def wer(self, current: float, s) -> np.ndarray:
        op = self.grid.operator(self.model.shift(current, self.target))
        return propagate_functional(op, self.p0, self.g, s)

    def limit(self, current: float) -> float:
        op = self.grid.operator(self.model.shift(current, self.target))
        return float(self.g @ op.stationary())


def _richardson_log(coarse, fine):
    coarse = np.maximum(np.asarray(coarse, float), 1e-300)
    fine = np.maximum(np.asarray(fine, float), 1e-300)
    d = np.log(fine) - np.log(coarse)
    return np.exp(np.log(fine) + d / 3.0), np.abs(d) / 3.0


def write_error_rate(device: Device, current: float, pulse_width, *,
                     direction: str | None = None, relaxation: float | None = None,
                     n_cells: int | None = None) -> WERResult:
    """WER after a rectangular current pulse, from the 1-D Fokker-Planck equation.

    Parameters (SI units)
    ----------
    current : A, signed (positive drives AP -> P). pulse_width : s, scalar or array (> 0).
    direction : "P-AP" or "AP-P"; default: implied by the sign of the current (an explicit
        direction must match it).
    relaxation : s with the current off after the pulse before the state is read
        (default 2 tau_D, as in :mod:`llg.switching`; 0 reads it at the end of the pulse).
    n_cells : coarse grid size (even); the fine grid has twice as many. Default
        :func:`default_cells`.

    The start state is the Boltzmann distribution of the starting well.

    >>> from llg import load_device
    >>> dev = load_device("default")
    >>> r = write_error_rate(dev, -2 * dev.ic0, 20e-9)   # I = 2 Ic0, 20 ns, P -> AP
    >>> 1e-7 < float(r.wer[0]) < 1e-6
    True
    >>> write_error_rate(dev, -2e-5, 0.0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    llg.errors.ParameterError: pulse_width = 0.0 s is invalid (pulse duration); valid range: ...
    """
    model = ReducedModel.from_device(device)
    direction = resolve_direction(current, direction)
    widths = np.atleast_1d(np.asarray(pulse_width, dtype=float))
    if widths.size == 0:
        raise ParameterError("pulse_width must not be empty")
    for w in widths:
        check_range("pulse_width", float(w), "s", 0.0, 1.0, lo_open=True, what="pulse duration")
    relax = _relaxation_default(model.tau_d, relaxation)
    n = default_cells(model.delta) if n_cells is None else int(n_cells)
    target = DIRECTIONS[direction][2]
    s = widths / model.tau_d
    coarse = _Solver(model, target, n, relax)
    fine = _Solver(model, target, 2 * n, relax)
    w_c, w_f = coarse.wer(current, s), fine.wer(current, s)
    wer, err = _richardson_log(w_c, w_f)
    return WERResult(current=float(current), direction=direction, pulse_width=widths,
                     relaxation=relax, wer=wer, rel_error=err, wer_fine=w_f,
                     wer_limit=fine.limit(current),
                     reduced_current=model.i_per_ampere * float(current),
                     delta=model.delta, tau_d=model.tau_d, n_cells=(n, 2 * n))


# --------------------------------------------------------------------------------------------
# inverse problems: pulse width or current for a target WER
# --------------------------------------------------------------------------------------------
@dataclass
class TargetResult:
    """The pulse width (or current) at which the FP WER equals ``target`` (SI units).

    value : s (pulse width) or A (current), Richardson-extrapolated from n and 2n cells;
    error : estimated discretization error of ``value`` (|v_2n - v_n| / 3), same unit.
    """

    solve_for: str
    value: float
    error: float
    target: float
    current: float
    pulse_width: float
    direction: str
    relaxation: float
    reduced_current: float
    delta: float
    n_cells: tuple
    floor: float = FLOOR
    method: str = "fokker-planck"

    def point(self) -> dict:
        return {"current": self.current, "pulse_width": self.pulse_width, "wer": self.target,
                "solved_for": self.solve_for, "error": self.error, "method": self.method,
                "direction": self.direction, "relaxation": self.relaxation,
                "i_over_ic0": self.reduced_current}


def check_target(target: float) -> float:
    """A WER target must lie in [FLOOR, 0.5]."""
    return check_range("target", target, "1", FLOOR, 0.5,
                       what=f"target write error rate; below {FLOOR:g} the Fokker-Planck "
                       "solver does not resolve it, above 0.5 it is not an error rate")


def _width_on_grid(solver: _Solver, current: float, target: float, s_guess: float,
                   dense: tuple | None = None) -> float:
    """Reduced pulse width s at which the solver's WER(s) = target.

    One propagation gives WER at many times (257 up to the bracket end, plus 401 in
    ``dense`` if given); the crossing is interpolated linearly in log WER, which is close to
    linear in s there (exponential tail). Without a dense bracket a second pass refines it.
    """
    s_hi = max(s_guess, 1e-3)
    for _ in range(40):
        s = np.linspace(0.0, s_hi, 257)[1:]
        if dense is not None:
            s = np.unique(np.concatenate([s, np.linspace(dense[0], dense[1], 401)]))
        w = solver.wer(current, s)
        below = np.nonzero(w <= target)[0]
        if not below.size:
            s_hi *= 2.0
            dense = None
            continue
        k = int(below[0])
        if k == 0:
            s_hi = s[0]
            dense = None
            continue
        fine_enough = dense is not None and dense[0] <= s[k - 1] and s[k] <= dense[1]
        if not fine_enough:
            s2 = np.linspace(s[k - 1], s[k], 129)
            w2 = solver.wer(current, s2)
            k2 = int(np.nonzero(w2 <= target)[0][0])
            if k2 > 0:
                s, w, k = s2, w2, k2
        la, lb = math.log(w[k - 1]), math.log(max(w[k], 1e-300))
        return float(s[k - 1] + (math.log(target) - la) * (s[k] - s[k - 1]) / (lb - la))
    raise ParameterError("no pulse width up to 1 s reaches the target WER")  # pragma: no cover


def pulse_width_for_wer(device: Device, current: float, target: float, *,
                        direction: str | None = None, relaxation: float | None = None,
                        n_cells: int | None = None) -> TargetResult:
    """The pulse width (s) at which the FP WER of a rectangular pulse of ``current`` (A)
    falls to ``target``. Errors: target outside [FLOOR, 0.5]; target at or below the WER of
    an infinitely long pulse (``wer_limit``: thermal back-switching sets a floor of its own).
    """
    model = ReducedModel.from_device(device)
    direction = resolve_direction(current, direction)
    target = check_target(target)
    relax = _relaxation_default(model.tau_d, relaxation)
    n = default_cells(model.delta) if n_cells is None else int(n_cells)
    tgt = DIRECTIONS[direction][2]
    coarse = _Solver(model, tgt, n, relax)
    fine = _Solver(model, tgt, 2 * n, relax)
    limit = max(coarse.limit(current), fine.limit(current))
    if target <= 2.0 * limit:
        raise ParameterError(
            f"target = {target:g} is unreachable at current = {current:g} A: even an infinitely "
            f"long pulse leaves WER = {limit:.3g} (thermal back-switching); raise the current "
            "or the target")
    i = abs(model.i_per_ampere * current)
    if i > 1.0:  # Butler's tail, WER ~ Delta e^{-2 (i - 1) s}, as the first bracket
        guess = math.log(max(model.delta, 1.0) * 3.0 / target) / (2.0 * (i - 1.0)) + 2.0
    else:
        lam1, lam2 = fine.grid.operator(model.shift(current, tgt)).eigenvalues()
        guess = _TAIL_DECAY / (lam2 - lam1) + math.log(1.0 / target) / lam1
    s_c = _width_on_grid(coarse, current, target, guess)
    s_f = _width_on_grid(fine, current, target, s_c * 1.15, (0.9 * s_c, 1.1 * s_c))
    s_x = s_f + (s_f - s_c) / 3.0
    width = s_x * model.tau_d
    if width > 1.0:
        raise ParameterError(f"target = {target:g} needs a pulse longer than 1 s "
                             f"({width:.3g} s) at current = {current:g} A")
    return TargetResult("pulse_width", width, abs(s_f - s_c) / 3.0 * model.tau_d, target,
                        float(current), width, direction, relax,
                        model.i_per_ampere * float(current), model.delta, (n, 2 * n))


def current_for_wer(device: Device, pulse_width: float, target: float, *,
                    direction: str = "P-AP", relaxation: float | None = None,
                    n_cells: int | None = None) -> TargetResult:
    """The current magnitude (A, signed for ``direction``) at which a rectangular pulse of
    ``pulse_width`` (s) reaches WER = ``target`` (bisection in log WER, FP on n and 2n cells).
    """
    from scipy.optimize import brentq

    model = ReducedModel.from_device(device)
    if direction not in DIRECTIONS:
        raise ParameterError(f"direction = {direction!r} is invalid; choose one of "
                             f"{', '.join(DIRECTIONS)}")
    check_range("pulse_width", pulse_width, "s", 0.0, 1.0, lo_open=True, what="pulse duration")
    target = check_target(target)
    relax = _relaxation_default(model.tau_d, relaxation)
    n = default_cells(model.delta) if n_cells is None else int(n_cells)
    sign, tgt = DIRECTIONS[direction][1], DIRECTIONS[direction][2]
    s = pulse_width / model.tau_d
    ic = 1.0 / model.i_per_ampere  # the current with i = 1

    def solve(solver):
        def f(x):  # x = i (reduced current magnitude)
            return math.log(max(float(solver.wer(sign * x * ic, [s])[0]), 1e-300)) - \
                math.log(target)
        lo, hi = 0.05, 1.5
        while f(hi) > 0:
            lo, hi = hi, hi * 1.5
            if hi > 1e3:
                raise ParameterError(f"target = {target:g} is not reached below 1000 Ic0 with "
                                     f"pulse_width = {pulse_width:g} s")
        if f(lo) < 0:
            raise ParameterError(f"target = {target:g} is already met at 0.05 Ic0 for "
                                 f"pulse_width = {pulse_width:g} s")
        return brentq(f, lo, hi, xtol=1e-7, rtol=1e-9)

    x_c = solve(_Solver(model, tgt, n, relax))
    x_f = solve(_Solver(model, tgt, 2 * n, relax))
    x = x_f + (x_f - x_c) / 3.0
    cur = sign * x * ic
    if abs(cur) > 1.0:
        raise ParameterError(f"target = {target:g} needs |current| = {abs(cur):.3g} A > 1 A")
    return TargetResult("current", cur, abs(x_f - x_c) / 3.0 * ic, target, cur,
                        float(pulse_width), direction, relax, x * sign, model.delta,
                        (n, 2 * n))


# --------------------------------------------------------------------------------------------
# spectrum: escape rates
# --------------------------------------------------------------------------------------------
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


def wer_reduced(delta: float, reduced_current: float, s, *, h: float = 0.0,
                relaxation: float = 0.0, n_cells: int | None = None):
    """WER in reduced units: pulse lengths ``s`` and ``relaxation`` in tau_D, i = I/Ic0 > 0
    drives out of the start well. Returns (wer, rel_error) arrays (see WERResult)."""
    check_range("delta", delta, "1", 0.0, 5000.0, lo_open=True, what="thermal stability factor")
    model = ReducedModel(delta=float(delta), tau_d=1.0, h=float(h), i_per_ampere=1.0)
    n = default_cells(delta) if n_cells is None else int(n_cells)
    s = np.atleast_1d(np.asarray(s, dtype=float))
    w_c = _Solver(model, 1, n, relaxation).wer(reduced_current, s)
    w_f = _Solver(model, 1, 2 * n, relaxation).wer(reduced_current, s)
    return _richardson_log(w_c, w_f)
