"""Monte Carlo switching probability: intervals, symmetry, errors, energy bookkeeping."""
import numpy as np
import pytest
from scipy import stats

from llg import ParameterError, current_pulse, load_device, simulate
from llg.statistics import clopper_pearson_interval, trials_for_width, wilson_interval
from llg.switching import COMMIT_LEVEL, critical_current, switching_probability


def test_wilson_interval_published_values():
    # Wilson (1927) score interval, 95 %: 0/10 -> [0, 0.2775], 5/10 -> [0.2366, 0.7634]
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.27753), abs=1e-5)
    assert wilson_interval(5, 10) == pytest.approx((0.23659, 0.76341), abs=1e-5)
    lo, hi = clopper_pearson_interval(0, 10)
    assert lo == 0 and hi == pytest.approx(0.30850, abs=1e-5)  # 1 - 0.025^(1/10)


def test_trials_for_width_is_the_smallest_sufficient_n():
    for p, width in [(0.5, 0.02), (0.05, 0.01), (0.0, 0.001)]:
        n = trials_for_width(p, width)
        k = p * n
        lo, hi = wilson_interval(k, n)
        lo1, hi1 = wilson_interval(p * (n - 1), n - 1)
        assert hi - lo <= width + 1e-12 and hi1 - lo1 > width


def _two_sided_binomial_z(k1, n1, k2, n2):
    p = (k1 + k2) / (n1 + n2)
    se = np.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    return abs(k1 / n1 - k2 / n2) / se


@pytest.fixture(scope="module")
def fast_device():
    return load_device("low-delta-fast")


def test_constant_efficiency_is_symmetric(fast_device):
    d = fast_device
    kw = dict(pulse_width=5e-9, trials=3000, dt=2e-12)
    a = switching_probability(d, current=-2.0 * d.ic0, direction="P-AP", seed=1, **kw)
    b = switching_probability(d, current=+2.0 * d.ic0, direction="AP-P", seed=2, **kw)
    assert 0.05 < a.p_switch < 0.95  # an informative point
    assert _two_sided_binomial_z(a.switched, a.trials, b.switched, b.trials) < 4.5


def test_tunnel_efficiency_makes_ap_to_p_easier(fast_device):
    d = fast_device.with_(stt_model="tunnel")
    assert critical_current(d, "AP-P") < d.ic0 < critical_current(d, "P-AP")
    kw = dict(pulse_width=5e-9, trials=2000, dt=2e-12)
    a = switching_probability(d, current=-2.0 * d.ic0, direction="P-AP", seed=1, **kw)
    b = switching_probability(d, current=+2.0 * d.ic0, direction="AP-P", seed=2, **kw)
    assert b.p_switch > a.p_switch
    assert _two_sided_binomial_z(a.switched, a.trials, b.switched, b.trials) > 5


def test_ci_contains_estimate_and_adaptive_width_is_reached(fast_device):
    d = fast_device
    p = switching_probability(d, current=-2.0 * d.ic0, pulse_width=5e-9, trials=200,
                              ci_width=0.06, dt=2e-12, seed=4)
    assert p.ci_high - p.ci_low <= 0.06
    # the reported interval is the Wilson interval of the reported counts (scipy's binomtest
    # as the independent reference), not merely one that contains the estimate
    assert p.p_switch == p.switched / p.trials
    ref = stats.binomtest(p.switched, p.trials).proportion_ci(0.95, method="wilson")
    assert (p.ci_low, p.ci_high) == pytest.approx((ref.low, ref.high), abs=1e-12)
    assert p.trials > 200


def test_early_stop_keeps_the_energy(fast_device):
    # The early exit of committed trajectories replaces the rest of the pulse by the frozen
    # target state; compare with integrating every trajectory to the end, same seeds.
    d = fast_device
    I, w = -2.0 * d.ic0, 4e-9
    ss = np.random.SeedSequence(17)
    full = simulate(d, drive=current_pulse(I, w), duration=w, dt=2e-12, n_trajectories=400,
                    seed=ss, thermal_initial=True, compute_energy=True)
    early = simulate(d, drive=current_pulse(I, w), duration=w, dt=2e-12, n_trajectories=400,
                     seed=ss, thermal_initial=True, compute_energy=True, stop_on_switch=True,
                     commit_level=COMMIT_LEVEL)
    assert np.array_equal(full.switched, early.switched)
    assert np.any(early.stop_time < w)
    assert early.energy.mean() == pytest.approx(full.energy.mean(), rel=5e-3)


@pytest.mark.parametrize("kwargs,fragment", [
    (dict(current=3e-5, direction="P-AP"), "wrong sign for direction P-AP"),
    (dict(current=-3e-5, direction="AP-P"), "wrong sign for direction AP-P"),
    (dict(current=-3e-5, pulse_width=0.0), "pulse_width = 0.0 s"),
    (dict(current=-3e-5, trials=0), "trials = 0"),
    (dict(current=-3e-5, direction="up"), "direction = 'up'"),
    (dict(current=-3e-5, voltage=-0.3), "exactly one of current"),
    (dict(current=-3e-5, trials=100, ci_width=1e-5), "more than max_trials"),
])
def test_bad_input(fast_device, kwargs, fragment):
    kw = dict(pulse_width=1e-9, trials=50, dt=2e-12)
    kw.update(kwargs)
    with pytest.raises(ParameterError) as exc:
        switching_probability(fast_device, **kw)
    assert fragment in str(exc.value)
