"""Independent references for the macrospin validation cases (SI units).

Closed forms and 1-D quadratures derived here from the published equations, never from the
solver: the damped precession about an axial field, the exact T = 0 spin-torque switching
time and its small-angle asymptote (Sun 2000), and the exact mean first-passage time of the
axially symmetric uniaxial macrospin with its high-barrier asymptote (Brown 1963).

Notation: ``gamma' = gamma mu0 / (1 + alpha^2)`` (m/(A s)), fields in A/m, ``u = m . z``.
For an axially symmetric problem (field and anisotropy along z, spin polarization along z)
the Landau-Lifshitz-Gilbert-Slonczewski equation splits into

    du/dt   = gamma' (alpha H(u) + H_J) (1 - u^2)            (polar motion)
    dphi/dt = gamma' (H(u) - alpha H_J)                        (azimuthal precession)

with ``H(u) = H_applied + H_K u`` and ``H_J`` the damping-like spin-torque field
(positive: toward +z). Brown's Fokker-Planck equation for the same system reduces to one
variable, ``2 tau_N dW/dt = d/du[(1 - u^2)(dW/du - 2 Delta u W)]``, with the free-diffusion
time ``tau_N = Delta (1 + alpha^2) / (alpha gamma mu0 H_K) = Delta tau_D``.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import integrate, optimize, special

# -- damped precession ------------------------------------------------------------------------


def isotropic_precession(t, theta0: float, field: float, alpha: float,
                         gamma_prime: float) -> np.ndarray:
    """m(t), shape (len(t), 3), for a constant field ``field`` (A/m) along +z, T = 0.

    Closed form of the LLG equation: ``tan(theta/2) = tan(theta0/2) exp(-alpha gamma' H t)``,
    ``phi = gamma' H t`` (counter-clockwise about +z), starting from
    ``m0 = (sin theta0, 0, cos theta0)``. ``t`` in s, ``theta0`` in rad.
    """
    t = np.atleast_1d(np.asarray(t, dtype=float))
    w = gamma_prime * field
    theta = 2.0 * np.arctan(math.tan(0.5 * theta0) * np.exp(-alpha * w * t))
    phi = w * t
    return np.stack([np.sin(theta) * np.cos(phi), np.sin(theta) * np.sin(phi),
                     np.cos(theta)], axis=-1)


def axial_precession(t, theta0: float, field: float, hk: float, alpha: float,
                     gamma_prime: float) -> np.ndarray:
    """m(t), shape (len(t), 3), for ``H(u) = field + hk u`` along z (uniaxial + applied), T = 0.

    Exact solution in the variable ``x = atanh(u) = ln cot(theta/2)``: since
    ``dphi/du = 1 / (alpha (1 - u^2))``, the azimuth is ``phi = (x - x0) / alpha``, and
    partial fractions of ``dt = du / (alpha gamma' H(u) (1 - u^2))`` give, with ``a = field``,
    ``b = hk`` and ``L(x) = ln cosh x``::

        alpha gamma' t = b/(b^2 - a^2) ln((a + b tanh x)/(a + b u0))
                         + (x + L - x0 - L0)/(2 (a + b)) + (x - L - x0 + L0)/(2 (a - b))

    inverted for x(t) by root finding (every term is well conditioned in x). Needs
    ``H(u) > 0`` on the path (u then grows monotonically toward 1) and ``a != b``. With
    ``b = 0`` it reduces to :func:`isotropic_precession`.
    """
    t = np.atleast_1d(np.asarray(t, dtype=float))
    a, b = float(field), float(hk)
    u0 = math.cos(theta0)
    if a + b * u0 <= 0 or a + b <= 0:
        raise ValueError("axial_precession needs field + hk * u > 0 on [u0, 1]")
    if abs(a - b) <= 1e-9 * (abs(a) + abs(b)):
        raise ValueError("axial_precession: field == hk is a removable singularity of the "
                         "closed form; use a different field")
    x0 = math.atanh(u0)

    def lncosh(x):
        return abs(x) + math.log1p(math.exp(-2.0 * abs(x))) - math.log(2.0)

    l0 = lncosh(x0)

    def scaled_time(x):  # alpha gamma' t(x)
        lx = lncosh(x)
        first = 0.0 if b == 0.0 else b / (b * b - a * a) * math.log(
            (a + b * math.tanh(x)) / (a + b * u0))
        return first + (x + lx - x0 - l0) / (2.0 * (a + b)) + (x - lx - x0 + l0) / (
            2.0 * (a - b))

    out = np.empty((t.size, 3))
    for k, tk in enumerate(t):
        target = alpha * gamma_prime * tk
        x = x0
        if target > 0.0:
            hi = x0 + 1.0
            while scaled_time(hi) < target:
                hi = x0 + 2.0 * (hi - x0)
            x = optimize.brentq(lambda y: scaled_time(y) - target, x0, hi, xtol=1e-15,
                                rtol=1e-15, maxiter=500)
        phi = (x - x0) / alpha
        sin_theta = 1.0 / math.cosh(x)
        out[k] = (sin_theta * math.cos(phi), sin_theta * math.sin(phi), math.tanh(x))
    return out


# -- spin-torque switching time at T = 0 --------------------------------------------------------


def switching_time_exact(ratio: float, theta0: float, tau_d: float) -> float:
    """Exact T = 0 time (s) from polar angle ``theta0`` (rad) to the equator at ``I/Ic0 = ratio``.

    Constant-efficiency Slonczewski torque on the uniaxial macrospin without applied field:
    ``du/dt = -(1/tau_D) (i - u)(1 - u^2)`` for a current driving m away from +z (i = I/Ic0 > 1,
    ``tau_D = 1/(alpha gamma' H_K)``). Partial fractions give, from ``u0 = cos theta0`` to 0::

        t / tau_D = ln(i / (i - u0)) / (1 - i^2) + ln(1 / (1 - u0)) / (2 (i - 1))
                    + ln(1 + u0) / (2 (i + 1))
    """
    i = float(ratio)
    if i <= 1.0:
        return math.inf
    u0 = math.cos(theta0)
    one_minus_u0 = 2.0 * math.sin(0.5 * theta0) ** 2  # 1 - cos(theta0) without cancellation
    return tau_d * (math.log(i / (i - u0)) / (1.0 - i * i)
                    - math.log(one_minus_u0) / (2.0 * (i - 1.0))
                    + math.log(1.0 + u0) / (2.0 * (i + 1.0)))


def sun_switching_time(ratio: float, theta0: float, tau_d: float) -> float:
    """Sun's switching time (s): ``tau_D ln(pi / (2 theta0)) / (I/Ic0 - 1)`` (Sun, PRB 62, 570)."""
    return tau_d * math.log(math.pi / (2.0 * theta0)) / (ratio - 1.0)


def sun_relative_error(ratio: float, theta0: float) -> float:
    """Relative error of Sun's formula against the exact switching time (leading order).

    For small theta0 the exact time is ``tau_D [ln(sqrt(2)/theta0) + g(i)] / (i - 1)`` with
    ``g(i) = (i - 1) ln 2 / (2 (i + 1)) - ln(i / (i - 1)) / (i + 1)``; Sun keeps
    ``ln(pi/(2 theta0))``, so it is off by ``[ln(pi / (2 sqrt 2)) - g(i)] / [ln(sqrt 2/theta0) +
    g(i)]``: an O(1 / ln(1/theta0)) error, not a small one at theta0 ~ 0.01.
    """
    i = float(ratio)
    g = (i - 1.0) * math.log(2.0) / (2.0 * (i + 1.0)) - math.log(i / (i - 1.0)) / (i + 1.0)
    return (math.log(math.pi / (2.0 * math.sqrt(2.0))) - g) / (
        math.log(math.sqrt(2.0) / theta0) + g)


# -- thermal escape (retention) ----------------------------------------------------------------


def neel_time(delta: float, tau_d: float) -> float:
    """Brown's free-diffusion time tau_N = beta mu0 Ms V (1 + alpha^2) / (2 gamma mu0 alpha), s.

    With ``mu0 Ms V = 2 Delta k_B T / H_K`` this is ``Delta tau_D``.
    """
    return delta * tau_d


def brown_escape_time(delta: float, tau_n: float) -> float:
    """Brown's high-barrier mean lifetime of one well (s): ``tau_N sqrt(pi) Delta^(-3/2) e^Delta``.

    Brown (Phys. Rev. 130, 1677 (1963)) gives the longest relaxation time of the axially
    symmetric uniaxial macrospin, ``1/lambda_1 ~ (tau_N sqrt(pi) / 2) Delta^(-3/2) e^Delta``
    (see also Coffey & Kalmykov, J. Appl. Phys. 112, 121301 (2012)); the magnetization
    difference of two symmetric wells decays at twice the escape rate, so the mean time to
    leave one well is ``2/lambda_1``. Equivalently ``tau = tau_0 e^Delta`` with
    ``1/tau_0 = alpha gamma' H_K sqrt(Delta/pi)``. Relative accuracy O(1/Delta): the Laplace
    expansion of :func:`mfpt_uniaxial` gives ``1 + 1/Delta + ...`` for passage deep into the
    other well.
    """
    return tau_n * math.sqrt(math.pi) * delta ** -1.5 * math.exp(delta)


def _tail_scaled(v: float, delta: float) -> float:
    """``exp(-Delta v^2) int_v^1 exp(Delta w^2) dw`` (finite for any Delta), via Dawson's F.

    ``int_0^x e^{s^2} ds = e^{x^2} F(x)``, so the tail is
    ``[e^{Delta (1 - v^2)} F(sqrt Delta) - F(sqrt Delta v)] / sqrt(Delta)``; close to v = 1 the
    difference cancels, and the integral is taken by quadrature instead.
    """
    if 1.0 - v < 0.05:
        return integrate.quad(lambda w: math.exp(delta * (w * w - v * v)), v, 1.0,
                              epsabs=0.0, epsrel=1e-13)[0]
    r = math.sqrt(delta)
    return (math.exp(delta * (1.0 - v * v)) * special.dawsn(r) - special.dawsn(r * v)) / r


def mfpt_uniaxial(delta: float, level: float, tau_n: float, u0: float | None = None) -> float:
    """Exact mean first-passage time (s) from the u > 0 well down to ``u = level`` (< u0).

    Backward Kolmogorov equation of Brown's 1-D Fokker-Planck equation with a reflecting end
    at u = 1 (the diffusion coefficient ``(1 - u^2)/(2 tau_N)`` vanishes there) and an
    absorbing one at ``level``::

        T(u0) = 2 tau_N int_level^u0 dv e^{-Delta v^2} / (1 - v^2) int_v^1 e^{Delta w^2} dw

    With ``u0=None`` T is averaged over the Boltzmann density of the u > 0 well (what
    ``simulate(..., thermal_initial=True)`` draws), i.e. the outer integrand is weighted by
    ``P(u0 > v) = 1 - CDF_well(v)``. Exact for any Delta: the polar angle of an axially
    symmetric macrospin is itself a Markov diffusion, whatever alpha.
    """
    from llg.equilibrium import well_cdf

    if not -1.0 < level < 1.0:
        raise ValueError("level must lie in (-1, 1)")

    def integrand(v):
        occupied = 1.0
        if u0 is None and v > 0.0:
            occupied = 1.0 - float(well_cdf(v, delta))
        return 2.0 * _tail_scaled(v, delta) / (1.0 - v * v) * occupied

    hi = 1.0 if u0 is None else float(u0)
    pts = [0.0] if level < 0.0 < hi else None
    val = integrate.quad(integrand, level, hi, epsabs=0.0, epsrel=1e-11, limit=400,
                         points=pts)[0]
    return tau_n * val
