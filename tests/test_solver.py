"""Solver mechanics: thermal initial states, reproducibility, energy, bad input, NaN guard."""
import json
import math
import subprocess
import sys

import numpy as np
import pytest
from scipy import optimize

from llg import ParameterError, SolverDivergence, current_pulse, simulate, voltage_pulse
from llg import kernels as K


def test_trajectory_k_depends_only_on_seed_and_k(default_device):
    """Initial state and noise of trajectory k follow from (seed, k) alone, not from N."""
    kw = dict(drive=current_pulse(-2 * default_device.ic0, 0.2e-9), duration=0.3e-9,
              dt=1e-12, seed=5, thermal_initial=True)
    runs = [simulate(default_device, n_trajectories=n, **kw) for n in (64, 100, 130)]
    for r in runs[1:]:
        assert np.array_equal(r.m_initial[:64], runs[0].m_initial)
        assert np.array_equal(r.m_final[:64], runs[0].m_final)
    assert not np.array_equal(runs[0].m_initial[0], runs[0].m_initial[1])


def test_thermal_initial_state_is_boltzmann_in_polar_and_azimuth(default_device):
    """u = cos(theta) follows exp(Delta u^2) on [0, 1] and phi is uniform and independent of u.

    The reference density is built here from raw SI inputs (Delta = mu0 Ms Hk V / (2 k_B T))
    and integrated numerically, independently of llg.device and llg.equilibrium.
    """
    from scipy import integrate, stats

    mu0, kb = 1.25663706212e-6, 1.380649e-23  # CODATA 2018, T m/A and J/K
    ms, hk, d, t, temp = 1.1e6, 2.0e4, 45e-9, 1.1e-9, 300.0
    delta = mu0 * ms * hk * (math.pi * d * d / 4 * t) / (2 * kb * temp)  # 5.3
    dev = default_device.with_(Hk_eff=hk)
    r = simulate(dev, duration=1e-12, dt=1e-12, n_trajectories=20000, seed=8,
                 thermal_initial=True)
    u = r.m_initial[:, 2]
    phi = np.arctan2(r.m_initial[:, 1], r.m_initial[:, 0]) % (2 * math.pi)
    grid = np.linspace(0.0, 1.0, 200001)
    cdf = integrate.cumulative_trapezoid(np.exp(delta * (grid ** 2 - 1)), grid, initial=0)
    cdf /= cdf[-1]
    assert stats.kstest(u, lambda x: np.interp(x, grid, cdf)).pvalue > 1e-4
    assert stats.kstest(phi / (2 * math.pi), "uniform").pvalue > 1e-4
    rho = stats.spearmanr(u, phi).statistic  # independence: rank correlation ~ N(0, 1/n)
    assert abs(rho) < 4.5 / math.sqrt(u.size)


def test_same_seed_same_result_different_seed_differs(default_device):
    kw = dict(drive=current_pulse(-1.5 * default_device.ic0, 2e-9), duration=2e-9, dt=1e-12,
              n_trajectories=64, thermal_initial=True)
    a = simulate(default_device, seed=9, **kw)
    b = simulate(default_device, seed=9, **kw)
    c = simulate(default_device, seed=10, **kw)
    assert np.array_equal(a.m_final, b.m_final)
    assert not np.array_equal(a.m_final, c.m_final)


_THREAD_SCRIPT = """
import json, numpy as np
from llg import load_device, simulate, current_pulse
d = load_device('default')
r = simulate(d, drive=current_pulse(-1.5 * d.ic0, 3e-9), duration=4e-9, dt=1e-12,
             n_trajectories=257, seed=123, thermal_initial=True, compute_energy=True)
print(json.dumps([r.m_final.tobytes().hex(), r.energy.tobytes().hex(),
                  r.switch_time.tobytes().hex()]))
"""


def test_result_independent_of_thread_count():
    outs = []
    for threads in ("1", "2"):
        env = {"NUMBA_NUM_THREADS": threads, "PATH": "/usr/bin:/bin"}
        import os

        env = {**os.environ, **env}
        p = subprocess.run([sys.executable, "-c", _THREAD_SCRIPT], capture_output=True,
                           text=True, env=env, check=True)
        outs.append(json.loads(p.stdout.strip().splitlines()[-1]))
    assert outs[0] == outs[1]


def _trapezoid_w2(width, rise, fall):
    """int w(t)^2 dt for the trapezoid: flat part + rise/3 + fall/3."""
    return width - 0.5 * (rise + fall) + rise / 3 + fall / 3


def test_energy_fixed_resistance_current_pulse(default_device):
    dev = default_device.with_(TMR0=0.0, temperature=0.0)
    I, w, r, f = -50e-6, 5e-9, 0.2e-9, 0.4e-9
    res = simulate(dev, drive=current_pulse(I, w, rise=r, fall=f, series_resistance=1000.0),
                   duration=7e-9, dt=1e-12, initial="P", compute_energy=True)
    expected = I ** 2 * (dev.r_p + 1000.0) * _trapezoid_w2(w, r, f)
    assert res.energy[0] == pytest.approx(expected, rel=1e-6)


def test_energy_fixed_resistance_voltage_pulse(default_device):
    dev = default_device.with_(TMR0=0.0, temperature=0.0)
    V, w, r, f, rs = 0.3, 4e-9, 0.1e-9, 0.1e-9, 2000.0
    res = simulate(dev, drive=voltage_pulse(V, w, rise=r, fall=f, series_resistance=rs),
                   duration=5e-9, dt=1e-12, initial="P", compute_energy=True)
    expected = V ** 2 / (dev.r_p + rs) * _trapezoid_w2(w, r, f)
    assert res.energy[0] == pytest.approx(expected, rel=1e-6)


def test_energy_bias_dependent_ap_resistance(default_device):
    # Frozen AP state (T = 0, m exactly antiparallel: no torque): E = I^2 R_AP(V*) t where
    # V* solves V = I R_P (1 + TMR0 / (1 + (V/V_half)^2)).
    dev = default_device.with_(temperature=0.0)
    I, w = 60e-6, 3e-9
    v_star = optimize.brentq(lambda v: v - I * dev.r_p * (1 + dev.tmr(v)), 0.0, 2.0)
    res = simulate(dev, drive=current_pulse(I, w), duration=w, dt=1e-12, initial="AP",
                   target=1, compute_energy=True)
    assert res.m_final[0, 2] == pytest.approx(-1.0)
    assert res.energy[0] == pytest.approx(I * v_star * w, rel=1e-4)


def test_positive_current_switches_ap_to_p_and_negative_p_to_ap(default_device):
    dev = default_device.with_(temperature=0.0)
    up = simulate(dev, drive=current_pulse(3 * dev.ic0), duration=20e-9, dt=1e-12,
                  initial="AP", initial_angle=0.01)
    down = simulate(dev, drive=current_pulse(-3 * dev.ic0), duration=20e-9, dt=1e-12,
                    initial="P", initial_angle=0.01)
    assert up.m_final[0, 2] > 0.99 and down.m_final[0, 2] < -0.99
    assert up.switched[0] and down.switched[0]


def test_recording_is_decimated_to_fit_memory(default_device):
    r = simulate(default_device, duration=2e-9, dt=1e-12, n_trajectories=10, record=10,
                 record_every=1, max_record_bytes=10 * 3 * 8 * 101)
    assert r.trajectories.nbytes <= 10 * 3 * 8 * 101
    assert r.trajectories.shape[1] == r.times.size
    assert np.all(np.isfinite(r.trajectories))
    assert np.allclose(r.trajectories[:, 0], r.m_initial)


@pytest.mark.parametrize("kwargs,fragment", [
    (dict(duration=1e-9, dt=5e-11), "dt = 5e-11 s is too large"),
    (dict(duration=0.0, dt=1e-12), "duration = 0.0 s"),
    (dict(duration=1e-9, dt=-1e-12), "dt = -1e-12 s"),
    (dict(duration=1e-9, dt=1e-12, n_trajectories=0), "n_trajectories = 0"),
    (dict(duration=1e-9, dt=1e-12, scheme="rk4"), "needs temperature = 0 K"),
    (dict(duration=1e-9, dt=1e-12, scheme="euler"), "scheme = 'euler' is unknown"),
    (dict(duration=1e-9, dt=1e-12, initial="up"), "initial = 'up'"),
    (dict(duration=1e-9, dt=1e-12, initial=[0, 0, 0]), "zero vector"),
])
def test_bad_input_names_the_parameter(default_device, kwargs, fragment):
    with pytest.raises(ParameterError) as exc:
        simulate(default_device, **kwargs)
    assert fragment in str(exc.value)


def test_non_finite_state_is_never_returned_silently(default_device, monkeypatch):
    from llg import terms

    orig = terms.Model.pack

    def poisoned(self, *a, **k):
        P = orig(self, *a, **k)
        P[K.P_GAMMA] = math.inf
        return P

    monkeypatch.setattr(terms.Model, "pack", poisoned)
    with pytest.raises(SolverDivergence, match="reduce dt"):
        simulate(default_device, duration=1e-10, dt=1e-12, n_trajectories=3,
                 initial_angle=0.1)


def test_reusing_a_seed_sequence_object_is_reproducible(default_device):
    ss = np.random.SeedSequence(2024)
    kw = dict(duration=1e-10, dt=1e-12, n_trajectories=8, thermal_initial=True, seed=ss)
    a = simulate(default_device, **kw)
    b = simulate(default_device, **kw)
    assert np.array_equal(a.m_final, b.m_final)


def test_thermal_initial_state_includes_axial_field(default_device):
    # Boltzmann density in the +z well with a reduced axial field h: exp(Delta (u^2 + 2 h u))
    from scipy import integrate

    h = -0.3
    dev = default_device.with_(Hk_eff=2.2e4, applied_field=(0.0, 0.0, h * 2.2e4))
    delta = dev.delta
    w = lambda u: np.exp(delta * (u * u + 2 * h * u) - delta * (1 + 2 * h))  # noqa: E731
    mean = integrate.quad(lambda u: u * w(u), 0, 1)[0] / integrate.quad(w, 0, 1)[0]
    var = integrate.quad(lambda u: u * u * w(u), 0, 1)[0] / integrate.quad(w, 0, 1)[0] - mean ** 2
    r = simulate(dev, duration=1e-12, dt=1e-12, n_trajectories=20000, seed=4,
                 thermal_initial=True)
    u0 = r.m_initial[:, 2]
    assert abs(u0.mean() - mean) < 4.5 * np.sqrt(var / u0.size)
    # and it differs measurably from the zero-field distribution
    w0 = lambda u: np.exp(delta * (u * u - 1))  # noqa: E731
    mean0 = integrate.quad(lambda u: u * w0(u), 0, 1)[0] / integrate.quad(w0, 0, 1)[0]
    assert abs(u0.mean() - mean0) > 10 * np.sqrt(var / u0.size)
