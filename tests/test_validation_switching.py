"""The switching validation cases pass in quick mode (they compare with closed forms)."""
from validation import cases_switching


def test_write_energy_matches_closed_form():
    res = cases_switching.write_energy_fixed_resistance(True, None)
    assert res.passed, res.details
    assert abs(res.value / res.reference - 1) < 1e-6


def test_tunnel_thresholds_match_slonczewski_ratio():
    res = cases_switching.tunnel_asymmetry(True, None)
    assert res.passed, res.details
