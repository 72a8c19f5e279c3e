"""The validation references themselves, checked against independent numerics.

The closed forms and quadratures in validation/references_llg.py are the yardsticks of the
macrospin validation cases, so each is checked here against a different route to the same
number: a general ODE integrator on the full LLG equation, a direct 1-D integration, a nested
quadrature, an eigenvalue computation of Brown's Fokker-Planck operator, or a known limit.
"""
import math

import numpy as np
import pytest
from numpy.polynomial import legendre
from scipy import integrate
from scipy.linalg import eigh

from validation import references_llg as ref

GP = 2.2127e5  # gamma' in m/(A s), any positive value will do


def _llg_rhs(hk, h_app, alpha):
    """Explicit LLG dm/dt = -gamma' [m x H + alpha m x (m x H)], H = hk m_z z + h_app."""
    h_app = np.asarray(h_app, dtype=float)

    def f(t, m):
        H = h_app + np.array([0.0, 0.0, hk * m[2]])
        mxh = np.cross(m, H)
        return -GP * (mxh + alpha * np.cross(m, mxh))

    return f


@pytest.mark.parametrize("hk", [0.0, 2.2e5])
def test_axial_precession_matches_ode_integration(hk):
    field, alpha, theta0 = 1.1e5, 0.05, 1.2
    t_end = 5 * 2 * math.pi / (GP * (field + hk))
    ts = np.linspace(0.0, t_end, 7)
    m0 = [math.sin(theta0), 0.0, math.cos(theta0)]
    sol = integrate.solve_ivp(_llg_rhs(hk, [0, 0, field], alpha), (0, t_end), m0,
                              method="DOP853", t_eval=ts, rtol=1e-12, atol=1e-14)
    exact = ref.axial_precession(ts, theta0, field, hk, alpha, GP)
    assert np.max(np.abs(sol.y.T - exact)) < 1e-9
    if hk == 0.0:
        closed = ref.isotropic_precession(ts, theta0, field, alpha, GP)
        assert np.max(np.abs(closed - exact)) < 1e-12


def test_isotropic_precession_decay_law():
    field, alpha, theta0 = 2e5, 0.1, 1.0
    t = np.linspace(0, 1e-10, 5)
    m = ref.isotropic_precession(t, theta0, field, alpha, GP)
    theta = np.arccos(m[:, 2])
    assert np.allclose(np.tan(theta / 2), math.tan(theta0 / 2) * np.exp(-alpha * GP * field * t),
                       rtol=1e-12)
    phi = np.unwrap(np.arctan2(m[:, 1], m[:, 0]))
    assert np.allclose(phi, GP * field * t, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("ratio", [1.2, 2.0, 4.0])
@pytest.mark.parametrize("theta0", [1e-2, 0.3])
def test_switching_time_matches_direct_integration(ratio, theta0):
    tau_d = 2e-9

    def du(t, u):
        return [-(ratio - u[0]) * (1 - u[0] ** 2) / tau_d]

    def equator(t, u):
        return u[0]

    equator.terminal = True
    sol = integrate.solve_ivp(du, (0, 100 * tau_d), [math.cos(theta0)], events=equator,
                              method="DOP853", rtol=1e-12, atol=1e-15, max_step=0.5 * tau_d)
    t_num = sol.t_events[0][0]
    # abs=0: times are ~1e-9 s, below pytest's default absolute slack of 1e-12 (which made
    # this a 1e-3 check); DOP853's event location is good to ~1e-7 here
    assert ref.switching_time_exact(ratio, theta0, tau_d) == pytest.approx(t_num, rel=1e-6,
                                                                           abs=0)


def test_sun_formula_error_estimate():
    tau_d = 1e-9
    assert math.isinf(ref.switching_time_exact(0.99, 0.01, tau_d))
    for ratio in (1.5, 2.5, 4.0):
        for theta0 in (1e-2, 1e-3):
            exact = ref.switching_time_exact(ratio, theta0, tau_d)
            sun = ref.sun_switching_time(ratio, theta0, tau_d)
            # the estimate drops only O(theta0^2) terms
            assert sun / exact - 1 == pytest.approx(ref.sun_relative_error(ratio, theta0),
                                                    abs=10 * theta0 ** 2)
    # and Sun's error shrinks like 1 / ln(1/theta0)
    assert abs(ref.sun_relative_error(1.5, 1e-6)) < 0.5 * abs(ref.sun_relative_error(1.5, 1e-2))


def _mfpt_nested(delta, level, u0=None):
    """MFPT / tau_N by nested quadrature of the backward equation (no Dawson function)."""
    def inner(v):
        return integrate.quad(lambda w: math.exp(delta * (w * w - v * v)), v, 1.0,
                              epsrel=1e-12)[0]

    def T(u):
        return 2 * integrate.quad(lambda v: inner(v) / (1 - v * v), level, u, epsrel=1e-10,
                                  limit=200)[0]

    if u0 is not None:
        return T(u0)
    z = integrate.quad(lambda u: math.exp(delta * (u * u - 1)), 0, 1, epsrel=1e-12)[0]
    return integrate.quad(lambda u: math.exp(delta * (u * u - 1)) * T(u), 0, 1,
                          epsrel=1e-8)[0] / z


@pytest.mark.parametrize("delta,level", [(3.0, -0.5), (6.0, -0.8)])
def test_mfpt_matches_nested_quadrature(delta, level):
    assert ref.mfpt_uniaxial(delta, level, 1.0) == pytest.approx(
        _mfpt_nested(delta, level), rel=1e-6)
    assert ref.mfpt_uniaxial(delta, level, 1.0, u0=0.9) == pytest.approx(
        _mfpt_nested(delta, level, u0=0.9), rel=1e-8)


def test_mfpt_free_diffusion_limit():
    # Delta -> 0: T(u0) = 2 tau_N ln((1 + u0) / (1 + level)) (free rotational diffusion)
    assert ref.mfpt_uniaxial(1e-9, -0.5, 3.0, u0=0.7) == pytest.approx(
        2 * 3.0 * math.log(1.7 / 0.5), rel=1e-7)


def _slowest_odd_rate(delta, nmax=80):
    """Smallest eigenvalue (units 1/tau_N) of Brown's operator for odd functions of u.

    Galerkin on Legendre polynomials: K c = lam M c with K = int (1-u^2) W P_i' P_j',
    M = int W P_i P_j, W = e^{Delta u^2}; the rate is lam / 2 (2 tau_N dW/dt = ...).
    """
    x, w = legendre.leggauss(600)
    weq = np.exp(delta * (x * x - 1))
    idx = [n for n in range(nmax) if n % 2 == 1]
    eye = np.eye(nmax)
    P = np.array([legendre.legval(x, eye[n]) for n in idx])
    dP = np.array([legendre.legval(x, legendre.legder(eye[n])) for n in idx])
    K = (dP * (1 - x * x) * weq * w) @ dP.T
    M = (P * weq * w) @ P.T
    return eigh(K, M, eigvals_only=True)[0] / 2.0


@pytest.mark.parametrize("delta", [10.0, 20.0])
def test_brown_formula_is_twice_the_longest_relaxation_time(delta):
    # Brown's asymptote is the well lifetime 2/lambda_1 (lambda_1: decay rate of <m_z>)
    lifetime = 2.0 / _slowest_odd_rate(delta)
    brown = ref.brown_escape_time(delta, 1.0)
    assert 1.0 < lifetime / brown < 1.0 + 1.5 / delta
    # and the exact mean first passage deep into the other well approaches the same time
    assert ref.mfpt_uniaxial(delta, -0.99, 1.0) / lifetime == pytest.approx(1.0, abs=1.0 / delta)


def test_brown_prefactor_identity():
    # tau = tau_0 e^Delta with 1/tau_0 = alpha gamma' H_K sqrt(Delta/pi) = sqrt(Delta/pi)/tau_D
    tau_d, delta = 2e-9, 7.0
    assert ref.brown_escape_time(delta, ref.neel_time(delta, tau_d)) == pytest.approx(
        tau_d * math.sqrt(math.pi / delta) * math.exp(delta), rel=1e-13)


@pytest.mark.parametrize("delta", [3.0, 8.0])
@pytest.mark.parametrize("level", [0.0, 0.8])
def test_mfpt_agrees_with_llg_retention(delta, level):
    # two independent implementations of the same quadrature (mirrored: llg.retention starts
    # in the u < 0 well and works in units of tau_D = tau_N / Delta)
    retention = pytest.importorskip("llg.retention")
    assert ref.mfpt_uniaxial(delta, -level, delta) == pytest.approx(
        retention.mean_first_passage_time(delta, level), rel=1e-9)
    assert ref.brown_escape_time(delta, delta) == pytest.approx(
        retention.escape_time(delta, 1.0), rel=1e-12)
