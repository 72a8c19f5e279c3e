"""Boltzmann equilibrium of the uniaxial macrospin: exact distributions and sampling.

With a field along the easy axis, ``h = H_axial / H_K`` (reduced), the energy is
``E = -E_b (u^2 + 2 h u)`` and the density becomes ``exp(Delta (u^2 + 2 h u))``; the sampling
functions take that ``h`` (transverse field components break the axial symmetry and are not
represented in the initial distribution).

For ``E = -E_b cos^2(theta)`` the equilibrium density of ``u = cos(theta) = m.easy_axis`` on
[-1, 1] is ``p(u) ~ exp(Delta u^2)`` (the ``sin(theta)`` Jacobian of ``p(theta)`` is absorbed by
``du = -sin(theta) dtheta``), with ``Delta = E_b / (k_B T)``. Everything below is computed in the
scaled form ``exp(Delta (u^2 - 1))`` so it stays finite for any Delta.
"""
from __future__ import annotations

import numpy as np
from scipy import integrate, special


def _weight(u, delta):
    return np.exp(delta * (np.asarray(u) ** 2 - 1.0))


def density_u(u, delta: float) -> np.ndarray:
    """Normalized equilibrium density of u = cos(theta) on [-1, 1] (both wells)."""
    norm = 2.0 * integrate.quad(_weight, 0.0, 1.0, args=(delta,), epsabs=0, epsrel=1e-12)[0]
    return _weight(u, delta) / norm


def mean_u2(delta: float) -> float:
    """Exact equilibrium <(m.u)^2> = <cos^2 theta> for thermal stability ``delta``."""
    num = integrate.quad(lambda u: u * u * _weight(u, delta), 0.0, 1.0, epsabs=0,
                         epsrel=1e-12)[0]
    den = integrate.quad(_weight, 0.0, 1.0, args=(delta,), epsabs=0, epsrel=1e-12)[0]
    return num / den


def well_cdf(u, delta: float) -> np.ndarray:
    """CDF of u within one well (u in [0, 1]): int_0^u e^{D s^2} ds / int_0^1 e^{D s^2} ds.

    Uses Dawson's function F: ``int_0^x e^{s^2} ds = e^{x^2} F(x)``, so the ratio is
    ``e^{D (u^2 - 1)} F(sqrt(D) u) / F(sqrt(D))``.
    """
    u = np.asarray(u, dtype=float)
    if delta <= 0:
        return u
    r = np.sqrt(delta)
    return np.exp(delta * (u * u - 1.0)) * special.dawsn(r * u) / special.dawsn(r)


def sample_well(n: int, delta: float, rng: np.random.Generator, h: float = 0.0) -> np.ndarray:
    """``n`` values of u = cos(theta) drawn from the equilibrium density of the u > 0 well.

    Density ``exp(Delta (u^2 + 2 h u))`` on [0, 1] (``h``: reduced axial field); see
    :func:`well_quantile`.
    """
    return well_quantile(rng.random(n), delta, h)


def well_quantile(v, delta: float, h: float = 0.0) -> np.ndarray:
    """u = cos(theta) at cumulative probability ``v`` in [0, 1] of the u > 0 well's density.

    Inverse-CDF on a grid refined toward u = 1, where the density concentrates for large Delta
    (relative CDF error < 1e-6 with 20001 points); the zero-field CDF is exact (Dawson).
    """
    v = np.asarray(v, dtype=float)
    if not np.isfinite(delta):
        return np.ones_like(v)
    x = np.linspace(0.0, 1.0, 20001)
    u_grid = 1.0 - (1.0 - x) ** 3  # dense near u = 1
    if h == 0.0:
        cdf = well_cdf(u_grid, delta)
    else:
        expo = delta * (u_grid * u_grid + 2.0 * h * u_grid)
        w = np.exp(expo - expo.max())
        cdf = np.concatenate([[0.0], np.cumsum(0.5 * (w[1:] + w[:-1]) * np.diff(u_grid))])
        cdf /= cdf[-1]
    cdf[0], cdf[-1] = 0.0, 1.0
    return np.interp(v, cdf, u_grid)


def sample_directions(n: int, delta: float, axis, sign: int,
                      rng: np.random.Generator, h: float = 0.0) -> np.ndarray:
    """Unit vectors (n, 3) in equilibrium in the well around ``sign * axis``.

    ``h`` is the reduced field along ``+axis``; in the ``sign = -1`` well it acts as ``-h``.
    Vector k is drawn from the generator's uniforms 2k and 2k + 1 (polar, then azimuth), so it
    depends only on the generator's seed and k, never on ``n``: an ensemble's first trajectories
    start alike whatever its size, as its noise streams do (:mod:`llg.rng`).
    """
    axis = np.asarray(axis, dtype=float)
    axis = axis / np.linalg.norm(axis)
    v = rng.random((n, 2))  # row k: trajectory k's two uniforms, in draw order
    u = well_quantile(v[:, 0], delta, sign * h)
    phi = 2.0 * np.pi * v[:, 1]
    s = np.sqrt(np.clip(1.0 - u * u, 0.0, None))
    # orthonormal frame (e1, e2, axis)
    helper = np.array([1.0, 0.0, 0.0]) if abs(axis[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    e1 = np.cross(axis, helper)
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(axis, e1)
    return (sign * u)[:, None] * axis + (s * np.cos(phi))[:, None] * e1 + \
        (s * np.sin(phi))[:, None] * e2
