"""The fast evaluation path (default) gives the reference path's operating points.

The reference (circuits.fastpath.reference: sparse LU in every Newton step, bisection for the
write's voltage range, no memos) is the brute-force evaluation the speed work started from.
Both optimize the same criterion on the same grids, so the chosen pulse width must be the
same grid point and the voltage, the errors and the energies equal to the fast path's
root-finding and rounding tolerance (1e-12 relative in the voltage; stated below: 1e-6
relative, far below the grid's resolution of ~1e-3 in V).
"""
import math

import pytest

from circuits import fastpath, operating_point
from llg import load_device

RTOL = 1e-6


def _both(fn):
    fast = fn()
    with fastpath.reference():
        ref = fn()
    assert fastpath.FAST
    return fast, ref


def _same_point(fast, ref):
    assert fast.pulse_width == ref.pulse_width                 # the same grid point
    assert fast.feasible == ref.feasible
    for a, b in ((fast.v_operating, ref.v_operating), (fast.v_min, ref.v_min),
                 (fast.v_max, ref.v_max), (fast.max_error_rate, ref.max_error_rate),
                 (fast.mean_energy, ref.mean_energy)):
        assert a == pytest.approx(b, rel=RTOL)
    for p, e in ref.error_rate_by_pattern.items():
        assert fast.error_rate_by_pattern[p] == pytest.approx(e, rel=RTOL, abs=1e-300)
    for p, e in ref.energy_by_pattern.items():
        assert fast.energy_by_pattern[p] == pytest.approx(e, rel=RTOL)
    for a, b in zip(fast.error_vs_pulse_width, ref.error_vs_pulse_width):
        assert a["max_error_rate"] == pytest.approx(b["max_error_rate"], rel=RTOL)
        if b["current_ratio_needed"] is not None:
            assert a["current_ratio_needed"] == pytest.approx(b["current_ratio_needed"],
                                                              rel=RTOL)


KW = dict(pulse_range=(1e-9, 1e-7), n_voltages=41)


@pytest.mark.parametrize("gate, rows, overrides, target, feasible", [
    ("NOT", 1, None, 1e-6, False),            # default device: the least-error branch
    ("NOT", 1, {"TMR0": 4.0}, 1e-3, True),    # least energy on the feasible interval's edge
    ("MAJ3", 16, None, 1e-6, False),          # rows > 1: spline currents, representatives
])
def test_gate_operating_point_fast_equals_reference(gate, rows, overrides, target, feasible):
    fast, ref = _both(lambda: operating_point(gate, rows=rows, circuit_overrides=overrides,
                                              target_error=target, **KW))
    assert ref.feasible == feasible
    _same_point(fast, ref)


@pytest.mark.parametrize("factor", [1.05, 1.5])
def test_near_the_feasibility_boundary(factor):
    """Targets just above NOT's least reachable error: a feasible interval narrower than the
    grid (1.05) or a few grid steps wide (1.5); both paths must find the same point."""
    least = operating_point("NOT", **KW).max_error_rate
    assert least > 1e-6
    fast, ref = _both(lambda: operating_point("NOT", target_error=factor * least, **KW))
    assert ref.feasible
    _same_point(fast, ref)


def test_writes_fast_equal_reference():
    from arrays.explore.writes import fp_write_cost
    from circuits.fpsource import fp_source
    from circuits.technology import load_technology

    dev = load_device("default")
    src = fp_source(dev, (1e-9, 1e-7))
    tech = load_technology("45nm")
    for value in (0, 1):
        (wf, okf, _), (wr, okr, _) = _both(
            lambda: fp_write_cost(value, dev, tech, 16, 1e-6, src, 41))
        assert okf == okr and wf.latency == pytest.approx(wr.latency, rel=1e-12)
        for a, b in ((wf.energy, wr.energy), (wf.error, wr.error), (wf.voltage, wr.voltage)):
            assert a == pytest.approx(b, rel=RTOL) and math.isfinite(a)
