"""Absolute references: numbers in seconds and amperes from raw SI inputs, not llg/device.py.

Every other physics test expresses its reference through ``Device.delta``, ``Device.ic0`` or
``Device.tau_d``; an error there would cancel. These tests write the inputs out (default.toml:
d = 45 nm, t_F = 1.1 nm, Ms = 1.1e6 A/m, Hk_eff = 2.2e5 A/m, alpha = 0.01, eta = 0.6,
T = 300 K; CODATA 2018 constants) and run the validation cases of validation/cases_absolute.py.
"""
import math

import pytest

from llg import load_device
from llg.paths import shipped
from validation import cases_absolute as ca

MU0, KB, GAMMA = 1.25663706212e-6, 1.380649e-23, 1.76085963023e11  # T m/A, J/K, rad/(s T)
E, HBAR = 1.602176634e-19, 6.62607015e-34 / (2 * math.pi)  # C, J s


def _hand_default():
    ms, hk, alpha, eta, temp = 1.1e6, 2.2e5, 0.01, 0.6, 300.0
    vol = math.pi * (45e-9) ** 2 / 4 * 1.1e-9  # m^3
    delta = MU0 * ms * hk * vol / (2 * KB * temp)
    ic0 = 2 * E * alpha * MU0 * ms * hk * vol / (HBAR * eta)  # Sun (2000), A
    tau_d = (1 + alpha ** 2) / (alpha * GAMMA * MU0 * hk)  # s
    return delta, ic0, tau_d


def test_hand_values_of_the_default_card():
    """Delta = 64.22, Ic0 = 26.94 uA, tau_D = 2.054 ns, by hand and by the validation helper."""
    delta, ic0, tau_d = _hand_default()
    assert (delta, ic0, tau_d) == pytest.approx((64.224, 26.943e-6, 2.0544e-9), rel=1e-4,
                                                abs=0)  # no 1e-12 slack on A and s
    raw = ca.raw_si()
    assert (raw["delta"], raw["ic0"], raw["tau_d"]) == pytest.approx((delta, ic0, tau_d),
                                                                      rel=1e-8, abs=0)


@pytest.mark.parametrize("name", shipped("devices"))
def test_device_derived_quantities_equal_the_raw_si_formulas(name):
    """llg/device.py against the textbook formulas for every shipped perpendicular card with
    its demagnetization folded into Hk_eff (the case the formulas describe)."""
    dev = load_device(name)
    if dev.geometry != "perpendicular" or any(dev.demag_factors):
        pytest.skip("shape anisotropy: the closed forms below do not apply")
    raw = ca.raw_si(name)
    assert dev.delta == pytest.approx(raw["delta"], rel=1e-8)
    assert dev.ic0 == pytest.approx(raw["ic0"], rel=1e-8, abs=0)
    assert dev.tau_d == pytest.approx(raw["tau_d"], rel=1e-8, abs=0)
    assert dev.precession_period == pytest.approx(raw["period"], rel=1e-8, abs=0)


def test_switching_time_in_seconds():
    res = ca.switching_time_abs(True, None)
    assert res.passed, res.details
    # Butler's exact time at I = 2 Ic0 from theta0 = 0.01, by hand (9.94 ns), and Sun's
    # asymptote tau_D ln(pi / (2 theta0)) / (i - 1) (10.39 ns), which overestimates it
    _, _, tau_d = _hand_default()
    x0 = math.cos(0.01)
    t2 = tau_d * (-math.log(1 - x0) / 2 + math.log(1 + x0) / 6 + math.log((2 - x0) / 2) / 3)
    assert res.extra["times"][1] == pytest.approx(t2, rel=1e-3, abs=0)
    sun = tau_d * math.log(math.pi / 0.02)
    assert 0.03 < sun / res.extra["times"][1] - 1 < 0.06


def test_monte_carlo_wer_in_absolute_units():
    res = ca.wer_monte_carlo_abs(True, None)
    assert res.passed, res.details
    assert res.reference == pytest.approx(0.1028, abs=1e-3)  # exact-drift Butler, by hand


def test_thermal_field_gives_the_boltzmann_equilibrium_of_the_raw_delta():
    res = ca.equilibrium_noise_abs(True, None)
    assert res.passed, res.details
    assert res.extra["delta"] == pytest.approx(4.0136, rel=1e-3)


def test_retention_time_in_seconds():
    res = ca.retention_abs(True, None)
    assert res.passed, res.details
    delta, _, tau_d = _hand_default()
    assert res.value == pytest.approx(tau_d * math.sqrt(math.pi / delta) * math.exp(delta),
                                      rel=1e-6)
    assert res.value / 3.15576e7 == pytest.approx(1.123e11, rel=1e-3)  # years


def test_fokker_planck_pulse_width_for_1e_9():
    res = ca.fp_wer_abs(True, None)
    assert res.passed, res.details
