"""Standard problem 4 against the published traces (data/micromag/sp4_traces).

The vendored traces are checked against published numbers that came by another route
(mumax3's regression values at 1 ns, NIST's OOMMF 1 nm crossing time), the comparison is
shown to fail on a wrong trace, and (slow) our 1 ns reversal in field 1 is compared.
"""
import numpy as np
import pytest

from llg.micromag import sp4, sp4_reference as R


@pytest.mark.parametrize("field", [1, 2])
def test_vendored_traces_are_unit_vectors_every_10_ps(field):
    for tr in R.traces(field):
        assert np.linalg.norm(tr.m, axis=1).max() <= 1.0 + 1e-6
        assert np.diff(tr.t) == pytest.approx(np.full(len(tr.t) - 1, 1e-11), abs=1e-16)
        assert tr.t[-1] == pytest.approx(1e-9)


def test_traces_agree_with_mumax3_at_1ns():
    """Independent sources: OOMMF (field 1) within 2e-3 of mumax3's regression value, the
    4 nm Albuquerque trace (field 2) within 5e-3 of mumax3's certification value (checked
    there to 1e-3; single precision)."""
    f1 = R.traces(1)[0]
    assert np.abs(f1.m[-1] - sp4.REFERENCE["field1_1ns"]).max() < 2e-3
    f2 = {tr.name: tr for tr in R.traces(2)}["field2_albuquerque_4nm"]
    assert np.abs(f2.m[-1] - sp4.REFERENCE["field2_1ns"]).max() < 5e-3


def test_oommf_crossing_matches_nist_1nm_value():
    """The 2.5 nm OOMMF trace's first <m_x> zero is within 0.1 ps of NIST's 1 nm OOMMF run."""
    c = R.published_crossings(1)
    assert c["field1_oommf_2.5nm"] == pytest.approx(c["oommf_1nm_nist"], abs=0.1e-12)


def test_first_zero_interpolates_linearly():
    t = np.array([0.0, 1.0, 2.0, 3.0])
    assert R.first_zero(t, np.array([2.0, 1.0, -1.0, -2.0])) == pytest.approx(1.5)
    assert R.first_zero(t, np.ones(4)) is None


def test_a_published_trace_passes_and_a_delayed_one_fails():
    other = R.traces(1)[1]
    r = R.compare(1, other.t, other.m)
    assert r["ok"] and r["max_dev_nearest"] == 0.0
    assert r["spread"] == pytest.approx(r["max_dev"])
    late = R.compare(1, other.t + 5e-12, other.m)  # 5 ps late: outside 0.5 ps
    assert not late["ok_t_first_mx_zero"] and not late["ok"]
    flipped = R.compare(1, other.t, other.m * np.array([1.0, -1.0, 1.0]))
    assert not flipped["ok_max_dev"]


@pytest.mark.slow
def test_field1_reversal_agrees_with_published_traces():
    """128 x 32 x 1 cells, RK45: within the published spread over 0-1 ns (measured 0.0042
    from magnum.np, 0.0122 from OOMMF; spread 0.0162) and the crossing time (138.49 ps vs
    mean 138.49 ps, tolerance 0.5 ps)."""
    r = sp4.run(1)["published"]
    assert r["ok"], r
