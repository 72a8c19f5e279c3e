"""Tests that kill mutants which survived the mutation pass over circuits/ (tools/mutate.py)."""
import numpy as np

from circuits.network import Circuit, solve


def test_source_current_does_not_depend_on_branch_orientation():
    """Kirchhoff: a source driving R1 + R2 to ground delivers V / (R1 + R2), whichever
    terminal of each resistor the source node is written on (b terminal here)."""
    c = Circuit()
    a, b, g = c.node(), c.node(), c.node()
    c.source(a, "V")
    c.ground(g)
    c.resistor(b, a, 1000.0)   # the source node is this branch's second terminal
    c.resistor(g, b, 3000.0)   # and ground is this one's first
    s = solve(c, [[1.0], [2.0]])
    np.testing.assert_allclose(s.source_current[:, 0], [1 / 4000, 2 / 4000], rtol=1e-13)
    np.testing.assert_allclose(s.node_voltage[:, b], [0.75, 1.5], rtol=1e-13)


def test_write_line_energy_and_elmore_settle_time():
    """Per-row line charging C_BSL v^2 + C_WL V_DD^2, and the Elmore delay of an R-row RC
    ladder, sum_k k r c = r c R (R + 1) / 2, plus the driver's R_drv C_BSL R (Elmore, J. Appl.
    Phys. 19, 55 (1948))."""
    from circuits.write import _WriteModel
    from llg import load_device

    rows = 16
    m = _WriteModel(1, load_device("default"), "45nm", rows)
    t = m.technology
    v = np.array([0.3, 0.6])
    np.testing.assert_allclose(m.capacitive_energy(v),
                               t.c_bsl_cell * v ** 2 + t.c_wl_cell * t.v_dd ** 2, rtol=1e-12)
    rc = max(t.r_wl_cell * t.c_wl_cell, t.r_bsl_cell * t.c_bsl_cell)
    ref = rc * sum(range(1, rows + 1)) + t.driver_resistance * t.c_bsl_cell * rows
    np.testing.assert_allclose(m.settle_time(), ref, rtol=1e-12)
    assert t.v_dd > 0 and t.c_bsl_cell > 0 and t.c_wl_cell > 0
