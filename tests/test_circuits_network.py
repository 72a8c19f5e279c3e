"""Nodal analysis against hand-solvable networks; elements; technology data; bad input."""
import math

import numpy as np
import pytest
from scipy.optimize import brentq

from circuits.elements import MTJElement, TransistorElement
from circuits.network import Circuit, build_gate_network, solve
from circuits.technology import load_technology, technology_from_dict
from llg import kernels, load_device
from llg.errors import ParameterError


def test_two_resistors_divider_and_power():
    c = Circuit()
    a, b, g = c.node(), c.node(), c.node()
    c.source(a, "V")
    c.ground(g)
    c.resistor(a, b, 1000.0)
    c.resistor(b, g, 3000.0)
    s = solve(c, [[1.0], [2.0]])
    np.testing.assert_allclose(s.node_voltage[:, b], [0.75, 1.5], rtol=1e-13)
    np.testing.assert_allclose(s.source_current[:, 0], [1 / 4000, 2 / 4000], rtol=1e-13)
    np.testing.assert_allclose(s.power, [1 / 4000, 4 / 4000], rtol=1e-13)


def test_r2r_ladder_halves_each_node():
    """R-2R ladder: every node sees R to its right, so V_k = V / 2^k exactly."""
    R, N = 1000.0, 12
    c = Circuit()
    nodes = [c.node() for _ in range(N + 1)]
    g = c.node()
    c.source(nodes[0], "V")
    c.ground(g)
    for k in range(1, N + 1):
        c.resistor(nodes[k - 1], nodes[k], R)
        c.resistor(nodes[k], g, 2 * R)
    c.resistor(nodes[N], g, 2 * R)
    s = solve(c, [[1.0]])
    np.testing.assert_allclose(s.node_voltage[0, nodes], 0.5 ** np.arange(N + 1), rtol=1e-12)
    assert s.source_current[0, 0] == pytest.approx(1 / (2 * R), rel=1e-12)


def test_shunt_ladder_hyperbolic_closed_form():
    """Series r, shunt R_s, end shunt 2 R_s: V_k = V0 cosh((N-k) th) / cosh(N th),
    cosh th = 1 + r / (2 R_s) (the discrete line equation, exactly)."""
    r, Rs, N = 3.0, 500.0, 40
    c = Circuit()
    nodes = [c.node() for _ in range(N + 1)]
    g = c.node()
    c.source(nodes[0], "V")
    c.ground(g)
    for k in range(1, N + 1):
        c.resistor(nodes[k - 1], nodes[k], r)
        c.resistor(nodes[k], g, Rs if k < N else 2 * Rs)
    s = solve(c, [[0.8]])
    th = math.acosh(1 + r / (2 * Rs))
    k = np.arange(N + 1)
    np.testing.assert_allclose(s.node_voltage[0, nodes],
                               0.8 * np.cosh((N - k) * th) / np.cosh(N * th), rtol=1e-11)


def test_mtj_element_calls_the_kernel_law():
    dev = load_device("default")
    el = MTJElement.from_device(dev)
    v = np.linspace(-0.8, 0.8, 7)
    for cos in (1.0, -1.0):
        ref = np.array([kernels.mtj_resistance(cos, x, 1 / dev.r_p, dev.TMR0, dev.V_half)
                        for x in v])
        np.testing.assert_allclose(el.resistance(cos, v), ref, rtol=1e-14)
    assert el.r_ap(0.0) == pytest.approx(dev.r_ap, rel=1e-14)
    assert el.r_ap(dev.V_half) == pytest.approx(dev.r_p * (1 + dev.TMR0 / 2), rel=1e-14)
    i, g = el.current_and_slope(-1.0, v)
    h = 1e-4
    np.testing.assert_allclose(g, (el.current(-1.0, v + h) - el.current(-1.0, v - h)) / (2 * h),
                               rtol=1e-6)


def test_nonlinear_series_mtj_and_saturating_transistor_vs_scalar_root():
    """Source - AP MTJ - saturating transistor - ground: the current solves
    V = V_mtj(I) + V_tr(I); check against brentq on the scalar equation."""
    el = MTJElement.from_device(load_device("default"))
    tr = TransistorElement("saturating", 3000.0, 60e-6)
    c = Circuit()
    a, m, g = c.node(), c.node(), c.node()
    c.source(a, "V")
    c.ground(g)
    c.mtj(a, m, el)
    c.transistor(m, g, tr)
    volts = np.array([0.1, 0.4, 0.9])
    s = solve(c, volts[:, None], np.full((3, 1), -1.0))
    for V, got in zip(volts, s.source_current[:, 0]):
        v_tr = lambda i: tr.r_on * tr.i_sat * np.arctanh(i / tr.i_sat)  # noqa: E731
        v_mtj = lambda i: brentq(lambda x: el.current(-1.0, x) - i, 0, 10)  # noqa: E731
        ref = brentq(lambda i: v_mtj(i) + v_tr(i) - V, 1e-12, tr.i_sat * (1 - 1e-12),
                     xtol=1e-18)
        assert got == pytest.approx(ref, rel=1e-9)


def test_gate_network_bias_independent_is_series_parallel():
    dev = load_device("default")
    el = MTJElement.from_device(dev, bias_dependent=False)
    net = build_gate_network("MAJ3", el, "ideal")
    pats = np.array([[[a, b, c]] for a in (0, 1) for b in (0, 1) for c in (0, 1)])
    sol = net.solve(0.3, pats)
    rp, rap = dev.r_p, dev.r_ap
    for p, i_out in zip(pats[:, 0], sol.output_current[:, 0]):
        g_in = sum(1 / rp if b == 0 else 1 / rap for b in p)
        assert i_out == pytest.approx(0.3 / (1 / g_in + rap), rel=1e-12)  # MAJ3 preset AP
    # Tellegen: source power equals the dissipation in the MTJs
    np.testing.assert_allclose(sol.power, 0.3 * sol.output_current[:, 0], rtol=1e-12)
    np.testing.assert_allclose(sol.input_current.sum(axis=2)[:, 0], sol.output_current[:, 0],
                               rtol=1e-12)


def test_batch_equals_individual_solves():
    net = build_gate_network("NAND2", MTJElement.from_device(load_device("default")), "45nm",
                             rows=3)
    rng = np.random.default_rng(1)
    bits = rng.integers(0, 2, size=(5, 3, 2))
    v = np.linspace(0.2, 0.6, 5)
    both = net.solve(v, bits)
    for k in range(5):
        one = net.solve(v[k:k + 1], bits[k:k + 1])
        np.testing.assert_allclose(one.output_current[0], both.output_current[k], rtol=1e-10)


def test_ir_drop_grows_with_row_count():
    dev = load_device("default")
    el = MTJElement.from_device(dev)
    drops = []
    for rows in (1, 4, 16, 64):
        net = build_gate_network("COPY", el, "45nm", rows=rows)
        sol = net.solve(0.4, np.zeros((1, rows, 1), dtype=int))
        i = sol.output_current[0]
        assert np.all(np.diff(i) < 0) or rows == 1       # far rows get less current
        drops.append(1 - i[-1] / i[0] if rows > 1 else 0.0)
    assert np.all(np.diff(drops) > 0), drops


def test_row_parallel_matches_coupled_ladder_closed_form():
    """COPY gate with fixed resistances (TMR0 = 0, linear transistors): the two column lines
    are mirror images, so the far row's voltage is V cosh(th/2) / cosh((N + 1/2) th),
    cosh th = 1 + r / R_row (see validation/cases_circuits.py)."""
    dev = load_device("default").with_(TMR0=0.0)
    tech = _linear_tech()
    N = 50
    net = build_gate_network("COPY", MTJElement.from_device(dev), tech, rows=N)
    sol = net.solve(0.5, np.zeros((1, N, 1), dtype=int))
    r_row = 2 * dev.r_p + 2 * tech.transistor_r_on + tech.r_ll_cell
    th = math.acosh(1 + tech.r_bsl_cell / r_row)
    k = np.arange(1, N + 1)
    ref = 0.5 * np.cosh((N - k + 0.5) * th) / np.cosh((N + 0.5) * th) / r_row
    np.testing.assert_allclose(sol.output_current[0], ref, rtol=1e-10)


def _linear_tech():
    base = load_technology("45nm")
    data = {"name": "45nm-linear", "transistor": {"model": "linear"}}
    for (sec, key), q in base.values.items():
        data.setdefault(sec, {})[key] = {"value": q.value, "unit": q.unit, "source": q.source}
    data["transistor"]["model"] = "linear"
    return technology_from_dict(data)


def test_technology_numbers_need_sources():
    t = load_technology("45nm")
    assert all(q.source for q in t.values.values())
    assert t.transistor_r_on == pytest.approx(0.75 * 1.0 / (1360.0 * 180e-9))
    assert t.wire_resistance_per_length == pytest.approx(3e-8 / (80e-9 * 144e-9))
    data = {"name": "x", "transistor": {"model": "ideal"},
            "wire": {"resistivity": 1e-8, "width": {"value": 1e-7, "unit": "m", "source": "s"},
                     "thickness": {"value": 1e-7, "unit": "m", "source": "s"},
                     "capacitance_per_length": {"value": 0.0, "unit": "F/m", "source": "s"}},
            "cell": {"row_pitch": {"value": 1e-7, "unit": "m", "source": "s"},
                     "column_pitch": {"value": 1e-7, "unit": "m", "source": "s"}},
            "driver": {"resistance": {"value": 0.0, "unit": "ohm", "source": "s"}}}
    with pytest.raises(ParameterError, match="bare number"):
        technology_from_dict(data)
    data["wire"]["resistivity"] = {"value": 1e-8, "unit": "ohm m", "source": " "}
    with pytest.raises(ParameterError, match="without a source is refused"):
        technology_from_dict(data)
    data["wire"]["resistivity"] = {"value": 1e-8, "unit": "ohm cm", "source": "x"}
    with pytest.raises(ParameterError, match="expected 'ohm m'"):
        technology_from_dict(data)
    data["wire"]["resistivity"] = {"value": -1e-8, "unit": "ohm m", "source": "x"}
    with pytest.raises(ParameterError, match="resistivity"):
        technology_from_dict(data)


def test_bad_networks_and_negative_resistances():
    c = Circuit()
    a, b = c.node(), c.node()
    with pytest.raises(ParameterError, match="negative resistances"):
        c.resistor(a, b, -5.0)
    with pytest.raises(ParameterError, match="R_on"):
        TransistorElement("linear", -1.0)
    with pytest.raises(ParameterError, match="g_p"):
        MTJElement(-1e-3, 1.0, 0.5)
    c.source(a, "V")
    c.ground(b)
    c.resistor(a, b, 0.0)
    with pytest.raises(ParameterError, match="shorts"):
        solve(c, [[1.0]])
    c2 = Circuit()
    a, b, f = c2.node(), c2.node(), c2.node()
    c2.source(a, "V")
    c2.ground(b)
    c2.resistor(a, b, 10.0)
    c2.resistor(f, c2.node(), 10.0)   # an island
    with pytest.raises(ParameterError, match="floating node"):
        solve(c2, [[1.0]])


def test_banded_cholesky_matches_sparse_lu(monkeypatch):
    """The banded Cholesky Newton step (default) and the general sparse LU (the reference)
    give the same solution, also when the batch is split into chunks of networks."""
    import circuits.network as network

    net = build_gate_network("MAJ5", MTJElement.from_device(load_device("default")), "45nm",
                             rows=8)
    rng = np.random.default_rng(3)
    bits = rng.integers(0, 2, size=(7, 8, 5))
    v = np.linspace(0.3, 0.9, 7)
    cos = net.mtj_cos(bits, np.ones((7, 8), dtype=int))
    ref = solve(net.circuit, v[:, None], cos, linear_solver="superlu")
    got = solve(net.circuit, v[:, None], cos, linear_solver="banded")
    monkeypatch.setattr(network, "_BAND_BYTES", 1)          # one network per chunk
    chunked = solve(net.circuit, v[:, None], cos, linear_solver="banded")
    for s in (got, chunked):
        np.testing.assert_allclose(s.node_voltage, ref.node_voltage, rtol=0, atol=1e-12)
        np.testing.assert_allclose(s.mtj_current, ref.mtj_current, rtol=1e-10)
    with pytest.raises(ParameterError, match="linear_solver"):
        solve(net.circuit, v[:, None], cos, linear_solver="dense")
