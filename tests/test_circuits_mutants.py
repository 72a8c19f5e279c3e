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
