"""Finite-difference micromagnetics: demag tensor, terms, standard problem 4 (llg.micromag).

References: the Newell tensor against Aharoni's closed-form prism factors (J. Appl. Phys. 83,
3432 (1998)) and the point-dipole field; the terms' fields against their energies' gradients;
standard problem 4 against mumax3's regression numbers (test/standardproblem4.mx3).
"""
import math

import numpy as np
import pytest

from llg.errors import ParameterError
from llg.micromag import demag, grid as G, sp4
from llg.micromag.convolution import DemagField
from llg.micromag.system import System
from llg.micromag.terms import Exchange, UniaxialAnisotropy, Zeeman


@pytest.mark.parametrize("cell", [(1, 1, 1), (5, 5, 3), (2, 7, 0.5), (1, 1, 20)])
def test_single_cell_sum_rule_and_aharoni(cell):
    n = demag.self_demag(*cell)
    assert n.sum() == pytest.approx(1.0, abs=1e-12)
    a, b, c = (x / 2 for x in cell)
    assert n[2] == pytest.approx(demag.aharoni_nz(a, b, c), rel=1e-9)
    assert n[0] == pytest.approx(demag.aharoni_nz(b, c, a), rel=1e-9)
    assert n[1] == pytest.approx(demag.aharoni_nz(c, a, b), rel=1e-9)


def test_cube_is_one_third():
    assert demag.self_demag(3e-9, 3e-9, 3e-9) == pytest.approx([1 / 3] * 3, abs=1e-12)


def test_far_field_matches_point_dipole_and_newell_at_the_switch():
    d = (5e-9, 5e-9, 3e-9)
    V = d[0] * d[1] * d[2]
    at_switch = [np.array([v]) for v in (70e-9, 35e-9, 6e-9)]      # ~16 cell edges
    far_away = [np.array([v]) for v in (400e-9, 180e-9, 12e-9)]
    R = math.sqrt(sum(v[0] ** 2 for v in far_away))
    for comp in demag.COMPONENTS:
        near = demag.tensor_component(comp, *at_switch, *d, far_cells=1e9)[0]
        far = demag.tensor_component(comp, *at_switch, *d, far_cells=0.0)[0]
        assert far == pytest.approx(near, rel=1e-6, abs=1e-12)
        a, b = "xyz".index(comp[0]), "xyz".index(comp[1])
        r = [v[0] for v in far_away]
        point = -V / (4 * math.pi) * (3 * r[a] * r[b] / R ** 5 - (a == b) / R ** 3)
        got = demag.tensor_component(comp, *far_away, *d)[0]
        assert got == pytest.approx(point, rel=1e-3)


def test_uniform_prism_of_many_cells_has_aharoni_factors():
    g = G.rectangle(120e-9, 40e-9, 6e-9, 4e-9, 3e-9)  # 30 x 10 x 2 cells, far field used
    n = DemagField(g, 1e6).average_factors()
    a, b, c = 60e-9, 20e-9, 3e-9
    ref = [demag.aharoni_nz(b, c, a), demag.aharoni_nz(c, a, b), demag.aharoni_nz(a, b, c)]
    assert n == pytest.approx(ref, rel=1e-6)


def _system(rng):
    g = G.disk(30e-9, 2e-9, 3e-9, 1e-9)
    s = System(g, 1e6, 0.1, exchange=Exchange(1.5e-11),
               anisotropy=UniaxialAnisotropy(3e5, (0.2, 0.1, 1.0)), zeeman=Zeeman((1e4, -2e4, 3e4)))
    m = rng.normal(size=(3,) + g.shape)
    m /= np.linalg.norm(m, axis=0)
    m[:, ~g.mask] = 0.0
    return s, m


def test_field_is_minus_energy_gradient():
    """The kernel's field equals -dE/dm / (mu0 Ms V_cell) from the numpy energies, up to a
    component along m (the exchange self term, which exerts no torque)."""
    from llg.constants import MU0

    s, m = _system(np.random.default_rng(3))
    H = s.field(m)
    cells = np.argwhere(s.grid.mask)
    for idx in map(tuple, cells[:: max(1, len(cells) // 5)]):
        grad = np.empty(3)
        for c in range(3):
            h = 1e-6
            mp, mm = m.copy(), m.copy()
            mp[(c,) + idx] += h
            mm[(c,) + idx] -= h
            grad[c] = (s.energy(mp) - s.energy(mm)) / (2 * h)
        field = -grad / (MU0 * s.Ms * s.grid.cell_volume)
        mi = m[(slice(None),) + idx]
        perp = lambda v: v - (v @ mi) * mi  # noqa: E731
        Hi = H[(slice(None),) + idx]
        assert perp(field) == pytest.approx(perp(Hi), rel=1e-5, abs=1e-4 * np.abs(Hi).max())


def test_exchange_energy_of_a_spiral():
    """m rotating in the x-z plane with wave number k: E = A k^2 V (continuum), the discrete
    pair sum gives 2 A V (1 - cos(k dx)) / dx^2 exactly."""
    g = G.rectangle(64e-9, 4e-9, 1e-9, 1e-9)
    k = 2 * math.pi / 32e-9
    x = (np.arange(g.nx) + 0.5) * g.dx
    m = np.zeros((3,) + g.shape)
    m[0] = np.sin(k * x)
    m[2] = np.cos(k * x)
    A = 1.3e-11
    e = Exchange(A).energy(m, g, 8e5)
    pairs = (g.nx - 1) * g.ny
    exact = pairs * 2 * A * g.cell_volume * (1 - math.cos(k * g.dx)) / g.dx ** 2
    assert e == pytest.approx(exact, rel=1e-12)
    assert e == pytest.approx(A * k ** 2 * g.volume, rel=0.04)


def test_sp4_relaxed_s_state_matches_mumax3():
    s = sp4.build()
    m = sp4.s_state(s)
    assert s.average(m) == pytest.approx(sp4.REFERENCE["relaxed"], abs=1e-4)


# The 1 ns reversals (fields 1 and 2) run in the validation case micromag_sp4 (full mode),
# which CI runs once through tests/test_validate_full.py.


def test_bad_input_one_line_errors():
    with pytest.raises(ParameterError, match="mask = empty"):
        G.Grid(4, 4, 1, 1e-9, 1e-9, 1e-9, np.zeros((1, 4, 4), bool))
    with pytest.raises(ParameterError, match="A_ex"):
        Exchange(0.0)
    with pytest.raises(ParameterError, match="GiB"):
        G.rectangle(1e-6, 1e-6, 1e-9, 1e-10).check_memory()
    with pytest.raises(ParameterError, match="exchange length"):
        G.rectangle(100e-9, 100e-9, 1e-9, 10e-9).check_cells(G.exchange_length(1e-11, 1e6))
