"""The plain-numpy stochastic Heun (benchmarks/numpy_reference.py) against the numba kernel.

The numpy version is a second, independent implementation of the same equation, written from
the device parameters without llg.terms or llg.kernels. Agreement checks the kernel's
arithmetic and its random numbers; the numpy reference itself is anchored to physics by a
closed-form damped precession (T = 0) and the exact Boltzmann <m_z^2> (thermal).
Statistical comparisons use fixed seeds and 4.5-sigma tolerances from the standard error.
"""
from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

import llg
from llg.constants import GAMMA_E, MU0
from llg.equilibrium import mean_u2, sample_directions

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "numpy_reference.py"
_spec = importlib.util.spec_from_file_location("numpy_reference", _PATH)
numpy_reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(numpy_reference)
NumpyHeun = numpy_reference.NumpyHeun

Z_TOL = 4.5  # sigmas


def _tilted(n, u, angles):
    """n unit vectors tilted by ``angles`` (rad) from u toward a perpendicular direction."""
    u = np.asarray(u, dtype=float)
    perp = np.array([1.0, 0.0, 0.0]) if abs(u[0]) < 0.9 else np.array([0.0, 0.0, 1.0])
    side = np.cross(u, perp)
    phi = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    a = np.asarray(angles)[:, None]
    return (np.cos(a) * u + np.sin(a) * (np.cos(phi)[:, None] * perp
                                         + np.sin(phi)[:, None] * side))


def _variants():
    d = llg.load_device("default").with_(temperature=0.0)
    pulse = llg.current_pulse(-2.0 * d.ic0, 5e-9, rise=0.3e-9, fall=0.5e-9, delay=0.2e-9)
    yield pytest.param(d, pulse, id="default")
    # field-like torque, angle-dependent (tunnel) efficiency and a tilted applied field
    d2 = d.with_(field_like_ratio=0.3, stt_model="tunnel", applied_field=(2e3, -1e3, 5e3))
    yield pytest.param(d2, llg.current_pulse(-3.0 * d.ic0, 5e-9, rise=0.3e-9, fall=0.5e-9),
                       id="tunnel+field-like+Zeeman")
    # in-plane device: shape demagnetization enters A as -Ms N
    d3 = d.with_(geometry="in-plane", Hk_eff=2e4, demag_factors=(0.05, 0.08, 0.87),
                 free_layer_thickness=2.0e-9)
    yield pytest.param(d3, llg.current_pulse(-1.5 * d3.ic0, rise=0.1e-9), id="in-plane+demag")


@pytest.mark.parametrize("device,pulse", list(_variants()))
def test_deterministic_trajectories_agree_with_kernel(device, pulse):
    """T = 0: same Heun steps, so the two agree to rounding over a whole switching event."""
    dt = 1e-12
    n_steps = 6000
    m0 = _tilted(6, device.easy_axis, np.linspace(0.05, 0.3, 6))
    # same scheme on both sides: arithmetic agreement, not accuracy, is under test here
    res = llg.simulate(device, duration=n_steps * dt, dt=dt, drive=pulse, n_trajectories=6,
                       initial=m0, target=-1, allow_coarse_dt=True)
    m0_before = m0.copy()
    ref = NumpyHeun(device, pulse, dt).run(m0, n_steps, np.random.default_rng(0))
    np.testing.assert_array_equal(m0, m0_before)  # the input is not advanced in place
    u = np.asarray(device.easy_axis)
    # the run must actually move m far (otherwise agreement would prove little)
    assert np.max(np.abs(ref @ u - m0 @ u)) > 0.5
    np.testing.assert_allclose(res.m_final, ref, rtol=0, atol=1e-9)


def test_damped_precession_matches_closed_form():
    """Numpy reference alone, T = 0, static field H along z and negligible anisotropy:
    tan(theta/2) = tan(theta0/2) exp(-alpha gamma' H t), azimuth advancing at gamma' H.
    Heun is second order, so halving dt must cut the error fourfold."""
    H = 2e5  # A/m
    d = llg.load_device("default").with_(temperature=0.0, alpha=0.05, Hk_eff=1e-3,
                                         applied_field=(0.0, 0.0, H))
    t_end, theta0 = 8e-10, 2.5
    gp = GAMMA_E * MU0 / (1.0 + d.alpha ** 2)
    theta = 2.0 * math.atan(math.tan(theta0 / 2) * math.exp(-d.alpha * gp * H * t_end))
    phi = gp * H * t_end  # counter-clockwise about +z for dm/dt = -gamma' m x H
    expected = np.array([math.sin(theta) * math.cos(phi), math.sin(theta) * math.sin(phi),
                         math.cos(theta)])
    m0 = np.array([[math.sin(theta0), 0.0, math.cos(theta0)]])
    errors = []
    for dt in (4e-13, 2e-13):
        m = NumpyHeun(d, llg.current_pulse(0.0), dt).run(m0, round(t_end / dt),
                                                         np.random.default_rng(0))[0]
        errors.append(np.linalg.norm(m - expected))
    assert errors[1] < 1e-3  # 35 rad of precession
    assert 3.5 < errors[0] / errors[1] < 4.5, errors


def test_thermal_switching_statistics_agree_with_kernel():
    """300 K, current pulse with P_switch ~ 0.5: P_switch and the mean final m_z of the numba
    kernel (xoshiro/ziggurat noise) and of numpy (SFC64 noise) agree within 4.5 sigma."""
    d = llg.load_device("default")
    n, dt = 20_000, 1e-12
    pulse = llg.current_pulse(-2.5 * d.ic0, 3.3e-9, rise=0.2e-9, fall=0.2e-9, delay=0.1e-9)
    n_steps = 4300
    m0 = sample_directions(n, d.delta, d.easy_axis, +1, np.random.default_rng(11))
    res = llg.simulate(d, duration=n_steps * dt, dt=dt, drive=pulse, n_trajectories=n,
                       seed=12, initial=m0, target=-1)
    ref = NumpyHeun(d, pulse, dt).run(m0, n_steps, np.random.Generator(np.random.SFC64(13)))
    u = np.asarray(d.easy_axis)
    z_nb, z_np = res.m_final @ u, ref @ u
    p_nb, p_np = np.mean(z_nb < 0), np.mean(z_np < 0)
    assert 0.2 < p_np < 0.8  # a sensitive operating point, not a saturated one
    p = 0.5 * (p_nb + p_np)
    se = math.sqrt(p * (1 - p) * 2 / n)
    assert abs(p_nb - p_np) < Z_TOL * se, (p_nb, p_np, se)
    se_mz = math.sqrt((np.var(z_nb) + np.var(z_np)) / n)
    assert abs(np.mean(z_nb) - np.mean(z_np)) < Z_TOL * se_mz
    np.testing.assert_allclose(np.linalg.norm(ref, axis=1), 1.0, atol=1e-12)


def test_reference_keeps_boltzmann_equilibrium():
    """Numpy reference alone: an ensemble started in the exact equilibrium of a Delta ~ 3
    macrospin keeps <m_z^2> = exact value (Stratonovich noise of the right strength)."""
    d = llg.load_device("default").with_(diameter=10e-9, alpha=0.1)
    delta = d.delta
    assert 2.0 < delta < 5.0
    n, dt, n_steps = 20_000, 1e-12, 2000  # 2 ns ~ 10 relaxation times 1/(alpha gamma' H_K)
    rng = np.random.default_rng(21)
    m0 = sample_directions(n, delta, d.easy_axis, +1, rng)
    m0[: n // 2] *= -1.0  # both wells
    m = NumpyHeun(d, llg.current_pulse(0.0), dt).run(m0, n_steps,
                                                      np.random.Generator(np.random.SFC64(22)))
    u2 = (m @ np.asarray(d.easy_axis)) ** 2
    se = np.std(u2) / math.sqrt(n)
    assert abs(np.mean(u2) - mean_u2(delta)) < Z_TOL * se, (np.mean(u2), mean_u2(delta), se)


def test_voltage_drive_is_rejected():
    d = llg.load_device("default")
    with pytest.raises(llg.ParameterError, match="current drives only"):
        NumpyHeun(d, llg.voltage_pulse(0.5), 1e-12)
