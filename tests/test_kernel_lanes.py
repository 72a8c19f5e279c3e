"""The ensemble kernel's lanes: a trajectory's result does not depend on where it runs.

With ``stop_on_switch`` a block of lanes works through a queue of trajectories, refilling a
lane when its trajectory stops, so the lane (and the step at which a trajectory enters it)
depends on the ensemble size and on the other trajectories. Each trajectory's result must
depend only on its initial state and its own random stream.
"""
import numpy as np

from llg import current_pulse, simulate
from llg.equilibrium import sample_directions


def _run(device, m0, n, **kw):
    # ramps, so that the per-lane pulse (refill mode) and the block's pulse (lockstep) both
    # go through the ramp branches
    pulse = current_pulse(-1.6 * device.ic0, 2e-9, rise=2e-10, fall=3e-10)
    return simulate(device, drive=pulse, duration=3e-9,
                    dt=1e-12, n_trajectories=n, seed=77, initial=m0[:n], target=-1,
                    stop_on_switch=True, commit_level=0.9, settle_time=2.4e-9,
                    compute_energy=True, **kw)


def test_trajectory_result_independent_of_ensemble_size_and_lane(default_device):
    u = np.asarray(default_device.easy_axis, dtype=float)
    m0 = sample_directions(700, default_device.delta, u, +1, np.random.default_rng(3))
    small = _run(default_device, m0, 40)       # one partial block, no refill
    large = _run(default_device, m0, 700)      # 3 groups of ~233 on 64 lanes, refilled
    # the runs must really differ in how lanes were used: many trajectories stopped early
    assert np.mean(large.stop_time < 3e-9) > 0.3
    for name in ("m_final", "switch_time", "stop_time", "energy"):
        a, b = getattr(small, name), getattr(large, name)[:40]
        assert a.tobytes() == b.tobytes(), name


def test_recording_follows_the_trajectory_through_refills(default_device):
    u = np.asarray(default_device.easy_axis, dtype=float)
    m0 = sample_directions(300, default_device.delta, u, +1, np.random.default_rng(4))
    r = _run(default_device, m0, 300, record=3, record_every=10)
    for k in range(3):
        rec = r.trajectories[k]
        n_ok = int(np.sum(np.isfinite(rec[:, 0])))
        # samples up to the stop, NaN after it; the last one is the final state when the
        # stop fell on a sample step
        assert n_ok == int(np.rint(r.stop_time[k] / 1e-12)) // 10 + 1
        assert np.array_equal(rec[0], m0[k])
