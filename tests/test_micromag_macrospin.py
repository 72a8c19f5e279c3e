"""The micromagnetic solver in the macrospin limit and in thermal equilibrium.

References: the macrospin's closed forms (Ic0 = 2 e alpha mu0 Ms Hk_eff V / (hbar eta) and
the small-angle growth rate gamma' alpha Hk_eff (I/Ic0 - 1), Sun PRB 62, 570 (2000); the exact
T = 0 polar-angle equation, integrated by quadrature) and the Boltzmann law of independent
uniaxial cells. Tolerances are stated per test.
"""
import math

import numpy as np
import pytest

from llg import load_device
from llg.constants import K_B, MU0
from llg.errors import ParameterError
from llg.micromag import checks, device_model as DM


@pytest.fixture(scope="module")
def small():
    return checks.small_disk_device(load_device("default"))


def test_uniform_states_have_the_macrospin_barrier(small):
    """K_u from Hk_eff and the grid's own demag: E(in-plane) - E(+z) = mu0 Ms Hk_eff V / 2."""
    s = DM.from_device(small, cell=2e-9, temperature=300.0)
    barrier = s.energy(s.uniform((1, 0, 0))) - s.energy(s.uniform((0, 0, 1)))
    expected = 0.5 * MU0 * small.Ms * small.Hk_eff * s.grid.volume
    assert barrier == pytest.approx(expected, rel=1e-9)
    assert DM.macrospin_delta_of_grid(small, s) == pytest.approx(expected / (K_B * 300.0))
    # the staircase disk's area is within 10 % of pi d^2 / 4 at d / cell = 10
    assert s.grid.volume == pytest.approx(small.volume, rel=0.1)


def test_critical_current_brackets_macrospin_ic0(small):
    """Tolerance 3 %: the disk's nonuniform demag field (edge tilt) softens the uniform mode;
    measured 1.4 % below the macrospin Ic0 at 4 nm cells, 1.7 % at 2.5 nm."""
    r = checks.critical_current(small)
    assert r["ratio"] == pytest.approx(1.0, abs=0.03)
    assert r["slope"] == pytest.approx(r["slope_macrospin"], rel=0.05)


def test_switching_time_matches_macrospin_quadrature(small):
    """Tolerance 3 % (measured 0.9 % at 2 nm cells)."""
    r = checks.switching_time(small, ratio=2.0, theta0=0.1)
    assert r["t_micromag"] == pytest.approx(r["t_macrospin"], rel=0.03)


def test_boltzmann_equilibrium_of_independent_cells():
    """Fixed seed; tolerance 4.5 standard errors of the mean (plus 2 % dt bias budget)."""
    r = checks.boltzmann_mz2(delta_cell=3.0, snapshots=30)
    assert abs(r["mz2"] - r["reference"]) < 4.5 * r["se"] + 0.005


def test_missing_exchange_and_large_cells_are_refused():
    dev = load_device("default")
    with pytest.raises(ParameterError, match="A_ex is missing"):
        DM.from_device(dev.with_(A_ex=None))
    with pytest.raises(ParameterError, match="exchange length"):
        DM.from_device(dev.with_(A_ex=2e-11), cell=9e-9)
