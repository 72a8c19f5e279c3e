"""Voltage windows: the analytic inequality, the network edges, trends, published numbers."""
import numpy as np
import pytest
from scipy.optimize import brentq

from circuits.elements import MTJElement
from circuits.gates import GATES
from circuits.windows import (PUBLISHED_WINDOWS, analytic_window, family_gate, gate_window,
                              relative_window_ideal, window_trend)
from llg import load_device
from llg.errors import ParameterError
from llg.switching import critical_current


def test_published_relative_windows_at_tmr_133():
    """Chowdhury 2018 / Zabihi 2019: 24 % NAND2, 12.5 % NOR2, 4.5 % MAJ3, 1.7 % MAJ5."""
    for name, pub in PUBLISHED_WINDOWS.items():
        assert relative_window_ideal(name, 1.33) == pytest.approx(pub, rel=0.02), name


def test_analytic_window_by_hand_nand2():
    # R_P = 1, R_AP = 2: V_min = Ic (1/(1 + 1/2) + 1), V_max = Ic (1/(1/2 + 1/2) + 1)
    w = analytic_window("NAND2", 1.0, 2.0, 1.0)
    assert (w.v_min, w.v_max) == pytest.approx((1 + 2 / 3, 2.0))
    assert w.relative == pytest.approx((2 - 5 / 3) / (11 / 6))


@pytest.mark.parametrize("name", ["NOT", "COPY", "NAND2", "NOR2", "AND2", "OR2", "MAJ3",
                                  "MAJ5"])
def test_network_edges_equal_inequality_for_ideal_lines(name):
    dev = load_device("default")
    w = gate_window(name, dev, None, bias_dependent=False)
    ic = critical_current(dev, GATES[name].direction)
    ref = analytic_window(name, dev.r_p, dev.r_ap, ic)
    assert w.v_min == pytest.approx(ref.v_min, rel=1e-9)
    assert w.v_max == pytest.approx(ref.v_max, rel=1e-9)


def test_bias_dependent_edges_vs_scalar_roots():
    """Ideal lines, TMR(V): at an edge the output carries I_c; solve the output bias and the
    input bias as two scalar equations (brentq) and add them."""
    dev = load_device("default")
    el = MTJElement.from_device(dev)
    g = GATES["MAJ3"]
    ic = critical_current(dev, g.direction)
    cos_out = -1.0  # MAJ3 preset AP

    def edge(m):
        v_out = brentq(lambda v: el.current(cos_out, v) - ic, 0, 5, xtol=1e-15)
        v_in = brentq(lambda v: m * el.current(1.0, v) + (3 - m) * el.current(-1.0, v) - ic,
                      0, 5, xtol=1e-15)
        return v_out + v_in

    w = gate_window("MAJ3", dev, None)
    assert w.v_min == pytest.approx(edge(2), rel=1e-9)
    assert w.v_max == pytest.approx(edge(1), rel=1e-9)


def test_tunnel_model_uses_direction_critical_current():
    dev = load_device("default").with_(stt_model="tunnel")
    eta2 = dev.polarization ** 2
    nand = gate_window("NAND2", dev, None, bias_dependent=False)   # P -> AP
    maj = gate_window("MAJ3", dev, None, bias_dependent=False)     # AP -> P
    assert nand.critical_current == pytest.approx(dev.ic0 * (1 + eta2), rel=1e-9)
    assert maj.critical_current == pytest.approx(dev.ic0 * (1 - eta2), rel=1e-9)
    assert nand.v_min == pytest.approx(
        analytic_window("NAND2", dev.r_p, dev.r_ap, dev.ic0 * (1 + eta2)).v_min, rel=1e-9)


def test_windows_shrink_with_fan_in_and_grow_with_tmr():
    rows = window_trend(("NAND", "NOR", "MAJ"), range(1, 10), (0.5, 1.33, 3.0))
    for fam in ("NAND", "NOR", "MAJ"):
        for tmr in (0.5, 1.33, 3.0):
            rel = [r["relative"] for r in rows if r["family"] == fam and r["tmr"] == tmr]
            ns = [r["n"] for r in rows if r["family"] == fam and r["tmr"] == tmr]
            if fam != "MAJ":
                assert ns[0] == 1
            # strictly shrinking beyond fan-in 1 (NAND1 = NOR1 = NOT)
            assert np.all(np.diff(rel[1:] if fam != "MAJ" else rel) < 0), (fam, tmr, rel)
        for n in (2, 3, 5):
            if fam == "MAJ" and n % 2 == 0:
                continue
            g = family_gate(fam, n)
            assert relative_window_ideal(g, 0.5) < relative_window_ideal(g, 1.33) < \
                relative_window_ideal(g, 3.0)


def test_transistors_and_rows_shrink_the_window():
    dev = load_device("default")
    ideal = gate_window("NAND2", dev, None)
    tech = gate_window("NAND2", dev, "45nm")
    rows = gate_window("NAND2", dev, "45nm", rows=16)
    assert ideal.relative > tech.relative > rows.relative > 0
    assert rows.v_min > tech.v_min   # the far row needs more voltage


def test_bad_window_inputs():
    with pytest.raises(ParameterError, match="negative resistances"):
        analytic_window("NAND2", -1.0, 2.0, 1e-5)
    with pytest.raises(ParameterError, match="critical current"):
        analytic_window("NAND2", 1.0, 2.0, 0.0)
    with pytest.raises(ParameterError, match="odd"):
        family_gate("MAJ", 4)
    with pytest.raises(ParameterError, match="rows"):
        gate_window("NAND2", "default", None, rows=0)
