"""The micromagnetic switching ensemble (llg.micromag.ensemble) and its macrospin limit.

References: the FFT demag operator and the single-trajectory Heun stepper (same equations,
other code path), and the macrospin Monte Carlo (llg.switching) of the same device with the
grid's volume: P_sw within 4.5 combined binomial standard errors. The full curve (4 currents,
256 trajectories each) is the validation case micromag_switching_macrospin_limit.
"""
import numpy as np
import pytest

from llg import load_device
from llg.errors import ParameterError
from llg.micromag import checks, device_model as DM, ensemble as E
from llg.micromag.integrate import Stepper


@pytest.fixture(scope="module")
def cold():
    """The 20 nm disk at 30 K: 2 A_ex t / (k_B T) = 106, internal spin waves frozen out."""
    dev = load_device("default")
    return checks.small_disk_device(dev.with_(A_ex=dev.A_ex or 2e-11)).with_(temperature=30.0)


def test_dense_demag_is_the_fft_operator(cold):
    s = DM.from_device(cold, cell=4e-9)
    rng = np.random.default_rng(3)
    m = rng.normal(size=(4, 3) + s.grid.shape)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    dense = E.DenseDemag(s).field(m, np.zeros_like(m))
    assert np.abs(dense - s.demag_field(m)).max() < 1e-12 * s.Ms


def test_one_member_at_zero_temperature_follows_the_single_stepper(cold):
    s = DM.from_device(cold, cell=4e-9, current=-2 * cold.ic0, temperature=0.0)
    m1 = DM.tilted(s, 0.2)
    me = m1[None].copy()
    one, ens = Stepper(s, 1e-13), E.EnsembleStepper(s, 1, 1e-13)
    P = s.pack()
    for _ in range(200):
        one.step(m1)
        ens.step(me, P)
    assert np.abs(me[0] - m1).max() < 1e-12
    assert s.average(m1)[2] < np.cos(0.2)  # it moved


def test_switching_probability_matches_the_macrospin(cold):
    """3 Ic0, 0.3 ns at 30 K (P ~ 0.53): 128 micromagnetic trajectories vs 20000 macrospin
    ones, within 4.5 combined standard errors (measured: 0.527 vs 0.527 with 256)."""
    a = E.switching_probability(cold, 3.0, 0.3e-9, trials=128, seed=11)
    b = E.macrospin_probability(cold, 4e-9, 3.0, 0.3e-9, trials=20000, seed=12)
    assert 0.2 < b["p_switch"] < 0.8  # a point where the test has power
    assert abs(E.binomial_z(a, b)) < 4.5


def test_same_seed_same_thermal_trajectories(cold):
    s = DM.from_device(cold, cell=4e-9, current=-3 * cold.ic0)
    runs = []
    for seed in (5, 5, 6):
        m = np.repeat(s.uniform((0, 0, 1))[None], 3, axis=0)
        E.EnsembleStepper(s, 3, 1e-13, seed=seed).run(m, s.pack(), 5e-12)
        runs.append(m)
    assert np.array_equal(runs[0], runs[1]) and not np.array_equal(runs[0], runs[2])


@pytest.mark.parametrize("change, match", [
    (dict(stt_model="tunnel"), "constant spin-torque"),
    (dict(temperature=0.0), "temperature = 0 K"),
])
def test_refuses_what_it_does_not_model(cold, change, match):
    with pytest.raises(ParameterError, match=match):
        E.switching_probability(cold.with_(**change), 3.0, 0.3e-9, trials=4)
