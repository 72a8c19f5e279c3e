"""Tests that kill mutants which survived the mutation pass over llg/ (tools/mutate.py).

Each reference is written from raw SI inputs and a published formula, not through the code's
derived quantities.
"""
import math

import pytest

from llg import load_device

MU0, E, HBAR = 1.25663706212e-6, 1.602176634e-19, 6.62607015e-34 / (2 * math.pi)  # CODATA 2018


def test_in_plane_critical_current_with_all_three_demag_factors():
    """Sun, PRB 62, 570 (2000): Ic0 = (2 e alpha mu0 Ms V / (hbar eta)) (H_K + H_perp / 2),
    with the mean transverse stiffness Hk + Ms ((Ny - Nx) + (Nz - Nx)) / 2 for an easy axis x.
    Nx != 0 here (an earlier test used Nx = 0, where n_i - n_x and n_i + n_x agree)."""
    ms, hk, alpha, eta = 1.1e6, 2e4, 0.01, 0.6
    nx, ny, nz = 0.02, 0.08, 0.90
    vol = math.pi * (45e-9) ** 2 / 4 * 1.1e-9
    h_eff = hk + ms * ((ny - nx) + (nz - nx)) / 2
    ref = 2 * E * alpha * MU0 * ms * vol / (HBAR * eta) * h_eff
    d = load_device("default").with_(geometry="in-plane", Hk_eff=hk,
                                      demag_factors=(nx, ny, nz))
    assert d.ic0 == pytest.approx(ref, rel=1e-9, abs=0)
    # the barrier is set by the softer transverse axis: Hk + Ms (Ny - Nx)
    assert d.anisotropy_field_total == pytest.approx(hk + ms * (ny - nx), rel=1e-12)


@pytest.mark.parametrize("delta", [0.5, 1.0, 3.0])
def test_well_cdf_at_low_barrier_against_quadrature(delta):
    """int_0^u e^{Delta s^2} ds / int_0^1 e^{Delta s^2} ds, also for Delta <= 1 (not uniform)."""
    from scipy import integrate

    from llg.equilibrium import well_cdf

    w = lambda s: math.exp(delta * s * s)  # noqa: E731
    norm = integrate.quad(w, 0, 1)[0]
    for u in (0.2, 0.5, 0.9):
        assert float(well_cdf(u, delta)) == pytest.approx(integrate.quad(w, 0, u)[0] / norm,
                                                          rel=1e-10)


def test_sample_directions_normalizes_the_axis():
    import numpy as np

    from llg.equilibrium import sample_directions

    m = sample_directions(500, 20.0, (0.0, 0.0, 2.5), -1, np.random.default_rng(3))
    np.testing.assert_allclose(np.linalg.norm(m, axis=1), 1.0, rtol=1e-12)
    assert np.all(m[:, 2] < -0.5)  # the -z well of a Delta = 20 barrier


@pytest.mark.parametrize("c, c0", [(0.2, 0.2), (0.3, -0.15)])
def test_mean_first_passage_time_with_a_field_in_the_start_density(c, c0):
    """Gardiner's MFPT of a 1-D diffusion (Handbook of Stochastic Methods, ch. 5) by nested
    quadrature: D(v) = (1 - v^2)/(2 Delta), stationary density e^{Delta (v + c)^2}, reflecting
    at -1, absorbing at b, start density e^{Delta (v + c0)^2} on [-1, 0] (c0 != 0 untested
    before: the Dawson form's scaling by (1 - c0) survived a sign mutation)."""
    from scipy import integrate

    from llg.retention import mean_first_passage_time

    delta, b = 6.0, 0.3
    ps = lambda v, a: math.exp(delta * (v + a) ** 2)  # noqa: E731
    z0 = integrate.quad(ps, -1, 0, args=(c0,), epsrel=1e-12)[0]
    f0 = lambda y: min(1.0, integrate.quad(ps, -1, min(y, 0.0), args=(c0,),  # noqa: E731
                                           epsrel=1e-12)[0] / z0)
    inner = lambda y: integrate.quad(ps, -1, y, args=(c,), epsrel=1e-12)[0]  # noqa: E731
    ref = integrate.quad(lambda y: f0(y) * 2 * delta / (1 - y * y) / ps(y, c) * inner(y),
                         -1, b, epsrel=1e-10, limit=200)[0]
    assert mean_first_passage_time(delta, b, c=c, c0=c0) == pytest.approx(ref, rel=1e-7)


def test_retention_at_one_kelvin_is_infinite_not_an_error():
    from llg.retention import retention

    r = retention(load_device("default"), 1.0)
    assert r.retention_time == math.inf and r.failure_probability == 0.0


def test_boundaries_at_zero_barrier_and_zero_temperature():
    import numpy as np

    from llg import ParameterError
    from llg.equilibrium import well_cdf
    from llg.retention import retention

    u = np.array([0.0, 0.3, 1.0])
    np.testing.assert_array_equal(well_cdf(u, 0.0), u)  # no barrier: uniform in u
    with pytest.raises(ParameterError, match="temperature = 0 K"):
        retention(load_device("default"), 0.0)


def test_trapezoid_pulse_geometry():
    """Vertices of a trapezoid with FWHM ``width``: 0 at delay, full at delay + rise, full until
    delay + rise/2 + width - fall/2, 0 at end = delay + rise/2 + width + fall/2."""
    import numpy as np

    from llg import current_pulse

    a, w, r, f, d = -3e-4, 4e-9, 1e-9, 2e-9, 0.5e-9
    p = current_pulse(a, w, rise=r, fall=f, delay=d)
    end = d + r / 2 + w + f / 2
    assert p.end == pytest.approx(end, rel=1e-15)
    t = np.linspace(0, end + 1e-9, 301)
    ref = np.interp(t, [d, d + r, d + r / 2 + w - f / 2, end], [0, a, a, 0], left=0, right=0)
    np.testing.assert_allclose(p.value(t), ref, rtol=0, atol=1e-12 * abs(a))


def test_pulse_amplitude_and_width_limits():
    from llg import ParameterError, current_pulse, voltage_pulse

    voltage_pulse(50.0, 1e-9)  # up to 100 V for a voltage source
    current_pulse(-0.95, 1e-9)
    voltage_pulse(-95.0, 1e-9)
    for make, amp, unit in ((current_pulse, 1.05, "A"), (current_pulse, -1.05, "A"),
                            (voltage_pulse, 105.0, "V"), (voltage_pulse, -105.0, "V")):
        with pytest.raises(ParameterError, match=f"amplitude = {amp!r} {unit}"):
            make(amp, 1e-9)
    current_pulse(1e-4, 1e-9, rise=1e-9, fall=1e-9)  # width = (rise + fall)/2: a triangle
    with pytest.raises(ParameterError, match="pulse_width"):
        current_pulse(1e-4, 0.9e-9, rise=1e-9, fall=1e-9)


def test_voltage_drive_reports_the_flat_top_current_of_the_p_state():
    """P state: R = RA / area at any bias (TMR only adds to the AP resistance), so the
    flat-top current is V / (RA / (pi d^2 / 4) + R_series); low-delta-fast: RA = 3e-12 ohm m^2,
    d = 30 nm."""
    from llg.switching import switching_probability

    v, rs = -0.3, 1000.0
    p = switching_probability(load_device("low-delta-fast"), voltage=v, pulse_width=2e-9,
                              rise=1e-9, fall=1e-9, series_resistance=rs, trials=8, dt=2e-12,
                              seed=1)
    r_p = 3e-12 / (math.pi * (30e-9) ** 2 / 4)
    assert p.current == pytest.approx(v / (r_p + rs), rel=1e-9, abs=0)


def test_tilted_initial_state_and_no_recording_by_default(default_device):
    import numpy as np

    from llg import simulate

    dev = default_device.with_(temperature=0.0)
    for start, sign in (("P", 1), ("AP", -1)):
        r = simulate(dev, duration=1e-12, dt=1e-12, initial=start, initial_angle=0.3)
        np.testing.assert_allclose(r.m_initial[0], [math.sin(0.3), 0.0, sign * math.cos(0.3)],
                                   rtol=0, atol=1e-15)
        assert r.trajectories is None


def test_zero_temperature_switching_time_needs_an_angle_inside_zero_one():
    from llg import ParameterError
    from llg.wer_analytic import switching_time_t0

    for x0 in (0.0, 1.0):
        with pytest.raises(ParameterError, match="x0"):
            switching_time_t0(x0, 2.0)


def test_energy_after_an_early_stop_is_the_frozen_state_integral(default_device):
    """A trajectory stopped at t_s draws I^2 (R + R_s) w(t)^2 from t_s to the end of the run
    (TMR0 = 0: R = RA / area in any state); w: the trapezoid, integrated by quadrature."""
    import numpy as np
    from scipy import integrate

    from llg import current_pulse
    from llg.solver import _energy_after_stop
    from llg.terms import Model

    dev = default_device.with_(TMR0=0.0)
    amp, w, r, f, rs, t_end = -5e-5, 4e-9, 0.2e-9, 0.4e-9, 800.0, 5e-9
    pulse = current_pulse(amp, w, rise=r, fall=f, series_resistance=rs)
    P = Model.from_device(dev).pack(pulse, 1e-12, -1)
    stops = np.array([0.7e-9, 2.5e-9, 4.1e-9])
    got = _energy_after_stop(P, stops, t_end, 1e-12, -1)
    r_p = 5e-12 / (math.pi * (45e-9) ** 2 / 4)
    shape = lambda t: np.interp(t, [0, r, r / 2 + w - f / 2, r / 2 + w + f / 2],  # noqa: E731
                                [0, 1, 1, 0], left=0, right=0) ** 2
    for ts, e in zip(stops, got):
        ref = amp ** 2 * (r_p + rs) * integrate.quad(shape, ts, t_end, points=[
            r, r / 2 + w - f / 2, r / 2 + w + f / 2], epsabs=0, epsrel=1e-12)[0]
        # trapezoid rule on the dt grid: O(1e-5) relative; J ~ 1e-14: no absolute slack
        assert e == pytest.approx(ref, rel=1e-4, abs=0)


def test_isotonic_fit_against_scipy_and_with_zero_weights():
    """Pool-adjacent-violators against scipy.optimize.isotonic_regression; a violating pair of
    zero-weight points is pooled to its plain mean."""
    import numpy as np
    from scipy.optimize import isotonic_regression

    from llg.tables.interp import isotonic_rows

    rng = np.random.default_rng(5)
    y, w = rng.random((3, 12)), rng.random((3, 12)) + 0.1
    got = isotonic_rows(y, w)
    for r in range(3):
        np.testing.assert_allclose(got[r], isotonic_regression(y[r], weights=w[r]).x,
                                   rtol=1e-12, atol=0)
    np.testing.assert_allclose(isotonic_rows(np.array([0.3, 0.1]), np.zeros(2)), [0.2, 0.2],
                               rtol=1e-15, atol=0)


def test_thermal_activation_helpers_at_low_barrier_and_unit_time():
    """P_sw = 1 - exp(-t/tau) (Poisson escape); the n = 2 law also for Delta <= 1."""
    from llg.wer_analytic import thermal_switching_probability, thermal_switching_time

    assert float(thermal_switching_probability(1.0)) == pytest.approx(1 - math.exp(-1), abs=0)
    assert float(thermal_switching_probability(0.0)) == 0.0
    d, i = 0.5, 0.2
    ref = math.sqrt(math.pi / d) * math.exp(d * (1 - i) ** 2) / ((1 - i) ** 2 * (1 + i))
    assert thermal_switching_time(d, i, 2) == pytest.approx(ref, rel=1e-12)


def test_equilibrium_density_is_normalized_boltzmann():
    from scipy import integrate

    from llg.equilibrium import density_u

    delta = 7.0
    z = 2 * integrate.quad(lambda u: math.exp(delta * u * u), 0, 1, epsrel=1e-13)[0]
    for u in (-0.9, 0.0, 0.4, 1.0):
        assert float(density_u(u, delta)) == pytest.approx(math.exp(delta * u * u) / z,
                                                           rel=1e-10)
