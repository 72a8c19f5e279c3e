"""Gate error, energy, latency and the optimizer, read from a small switching table.

The table is built here with the tables API (64 trajectories per point, Fokker-Planck WER;
about 10 s): the circuit layer reads switching statistics only through a table.
"""
import json
import math
import subprocess
import sys

import numpy as np
import pytest

from circuits import evaluate_gate, operating_point
from circuits.gatemodel import GateModel
from circuits.operating_point import _pattern_terms, error_curves
from circuits.tablesource import TableSwitching
from circuits.technology import load_technology, technology_from_dict
from llg import load_device
from llg.errors import ParameterError

CONFIG = """
[table]
name = "circuits-test"
device = "default"
drive = "current"
directions = ["P-AP", "AP-P"]
trials = 64
seed = 11
dt = 1e-12
[axes.current]
start = 13.5e-6
stop = 108e-6
num = 9
[axes.pulse_width]
values = [2e-9, 5e-9, 1e-8]
"""


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    from llg.tables import build_table, load_config

    d = tmp_path_factory.mktemp("table")
    (d / "t.toml").write_text(CONFIG)
    out = d / "t.h5"
    build_table(load_config(d / "t.toml"), out, workers=1, progress=False)
    return str(out)


def test_output_error_monotone_in_voltage(table):
    for name in ("NAND2", "MAJ3"):
        c = error_curves(name, 5e-9, table=table, n_voltages=41)
        dv = np.diff(c["output_error"], axis=1)
        sw = c["should_switch"]
        assert np.all(dv[sw] <= 1e-12), name       # switching patterns: WER falls with V
        assert np.all(dv[~sw] >= -1e-12), name     # holding patterns: P_sw rises with V
        assert np.all(np.diff(c["input_disturb"], axis=1) >= -1e-12)
        assert np.all(np.diff(c["output_current"], axis=1) > 0)


def test_operating_point_meets_a_reachable_target_on_its_edge(table):
    target = 0.4
    op = operating_point("NOT", table=table, target_error=target, n_voltages=61)
    assert op.feasible and op.max_error_rate <= target
    assert set(op.error_rate_by_pattern) == {"0", "1"} and op.current_sign == -1
    # the optimum sits on the lower edge of the feasible voltages at its pulse width
    below = evaluate_gate("NOT", op.v_operating * (1 - 2e-3), op.pulse_width, table=table)
    assert below.max_error_rate > target
    again = evaluate_gate("NOT", op.v_operating, op.pulse_width, table=table)
    assert again.mean_energy == pytest.approx(op.mean_energy, rel=1e-9)
    assert op.latency == pytest.approx(op.pulse_width + GateModel(
        "NOT", load_device("default"), "45nm").settle_time(), rel=1e-9)
    # no cheaper feasible point on the pulse grid at its own best voltage
    for row in op.details["pulse_scan"]:
        if row["best_max_error"] <= target:
            ev = evaluate_gate("NOT", row["best_voltage"], row["pulse_width"], table=table)
            assert ev.mean_energy >= op.mean_energy * (1 - 1e-9)


def test_unreachable_target_says_why(table):
    op = operating_point("MAJ3", table=table, target_error=1e-6, n_voltages=41)
    assert not op.feasible
    assert "window is too narrow" in op.reason
    assert op.max_error_rate > 1e-6 and op.v_operating is not None
    assert set(op.energy_by_pattern) == set(op.error_rate_by_pattern) == \
        {f"{a}{b}{c}" for a in "01" for b in "01" for c in "01"}
    assert op.max_error_rate == max(op.error_rate_by_pattern.values())


def _stub_source(t_frac=0.4, wer=0.25):
    class Stub:
        current_range = (1e-9, 1.0)

        def wer(self, d, i, t):
            return np.full(np.shape(i), wer), np.full(np.shape(i), wer)

        def p_switch(self, d, i, t):
            return np.full(np.shape(i), 1e-3), np.full(np.shape(i), 1e-3)

        def mean_switching_time(self, d, i, t):
            return np.full(np.shape(i), t_frac * t)

    return Stub()


def _linear_45nm():
    base = load_technology("45nm")
    data = {"name": "45nm-linear", "transistor": {"model": "linear"}}
    for (sec, key), q in base.values.items():
        data.setdefault(sec, {})[key] = {"value": q.value, "unit": q.unit, "source": q.source}
    return technology_from_dict(data)


def test_energy_is_integral_of_v_i_for_fixed_resistances():
    """TMR0 = 0 and linear transistors: E = V^2 t / R_total + line charging, whatever the
    switching does; R_total of NOT = 2 (R_P + R_on) + r_LL + 2 r_BSL."""
    dev = load_device("default").with_(TMR0=0.0)
    tech = _linear_45nm()
    m = GateModel("NOT", dev, tech, rows=1)
    v = np.array([0.3, 0.55])
    t = 4e-9
    terms = _pattern_terms(m, _stub_source(), m.currents(v), t)
    r_tot = 2 * (dev.r_p + tech.transistor_r_on) + tech.r_ll_cell + 2 * tech.r_bsl_cell
    e_cap = 1 * tech.c_bsl_cell * v ** 2 + 2 * tech.c_wl_cell * tech.v_dd ** 2
    np.testing.assert_allclose(terms["energy"], np.broadcast_to(v ** 2 / r_tot * t + e_cap,
                                                                (2, 2)), rtol=1e-10)


def test_energy_switches_resistance_at_the_mean_switching_time():
    """Ideal lines, NOT gate (P -> AP): the source sees R_in + R_P until t_sw, then R_in +
    R_AP(V); the expectation weights it with P_sw = 1 - WER."""
    dev = load_device("default")
    m = GateModel("NOT", dev, "ideal")
    v, t, frac, wer = 0.4, 5e-9, 0.3, 0.2
    terms = _pattern_terms(m, _stub_source(frac, wer), m.currents(np.array([v])), t)

    def current(r_out_cos, r_in_cos):
        # series of two MTJs: find the current by bisection on the exact law
        lo, hi = 0.0, v / m.element.r_p
        for _ in range(200):
            i = 0.5 * (lo + hi)
            vin = _bias(m.element, r_in_cos, i)
            vout = _bias(m.element, r_out_cos, i)
            lo, hi = (i, hi) if vin + vout < v else (lo, i)
        return 0.5 * (lo + hi)

    i_pre, i_post = current(1.0, 1.0), current(-1.0, 1.0)  # pattern "0": input P
    e0 = (1 - wer) * v * (i_pre * frac * t + i_post * (1 - frac) * t) + wer * v * i_pre * t
    assert terms["energy"][0, 0] == pytest.approx(e0, rel=1e-9)
    i_hold = current(1.0, -1.0)                              # pattern "1": holds
    assert terms["energy"][1, 0] == pytest.approx(v * i_hold * t, rel=1e-9)


def _bias(el, cos, i):
    lo, hi = 0.0, 5.0
    for _ in range(200):
        x = 0.5 * (lo + hi)
        lo, hi = (x, hi) if el.current(cos, x) < i else (lo, x)
    return 0.5 * (lo + hi)


def test_bad_input(table):
    with pytest.raises(ParameterError, match="outside the range the table covers"):
        evaluate_gate("NAND2", 5.0, 5e-9, table=table)
    with pytest.raises(ParameterError, match="pulse_width"):
        evaluate_gate("NAND2", 0.4, 1e-6, table=table)
    with pytest.raises(ParameterError, match="unknown gate"):
        operating_point("XOR2", table=table)
    with pytest.raises(ParameterError, match="beyond the library"):
        operating_point("NAND4", table=table)
    with pytest.raises(ParameterError, match="target_error"):
        operating_point("NOT", table=table, target_error=0.0)
    src = TableSwitching(table)
    src.directions = ("P-AP",)
    with pytest.raises(ParameterError, match="no AP-P direction"):
        src.require("AP-P")
    with pytest.raises(ParameterError, match="does not match"):
        operating_point("NOT", table=table, device="high-retention")


def test_cli_gate_json_and_errors(table):
    p = subprocess.run([sys.executable, "-m", "cramsim", "gate", "--gate", "NOT", "--table",
                        table, "--target-error", "0.4", "--json"], capture_output=True,
                       text=True)
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    keys = ["gate", "v_min", "v_max", "v_operating", "pulse_width", "error_rate_by_pattern",
            "max_error_rate", "energy_by_pattern", "mean_energy", "latency"]
    assert list(d)[:len(keys)] == keys and d["feasible"] is True
    assert math.isclose(d["mean_energy"], np.mean(list(d["energy_by_pattern"].values())))
    p = subprocess.run([sys.executable, "-m", "cramsim", "gate", "--gate", "MAJ7", "--table",
                        table], capture_output=True, text=True)
    assert p.returncode == 2 and "Traceback" not in p.stderr and "MAJ3" in p.stderr


def test_preset_write_meets_target_and_matches_the_table(table):
    from scipy.optimize import brentq

    from circuits import write_operating_point

    wr = write_operating_point(1, table=table, technology="ideal", target_error=1e-3,
                               n_voltages=61)
    assert wr.feasible and wr.direction == "P-AP" and wr.error_rate <= 1e-3
    # ideal lines, one row: the cell starts in P, so |I| = V / R_P exactly
    dev = load_device("default")
    i = wr.voltage / dev.r_p
    src = TableSwitching(table)
    assert wr.error_rate == pytest.approx(float(src.wer("P-AP", i, wr.pulse_width)[0]),
                                          rel=1e-9)
    assert wr.details["current"] == pytest.approx(i, rel=1e-12)
    # writing 0 starts in AP: I solves V = I R_AP(V_mtj) on the bias-dependent law
    w0 = write_operating_point(0, table=table, technology="ideal", target_error=1e-3,
                               n_voltages=61)
    el = GateModel("NOT", dev, "ideal").element
    i0 = float(el.current(-1.0, w0.voltage))
    assert w0.details["current"] == pytest.approx(i0, rel=1e-10)
    assert brentq(lambda x: float(el.current(-1.0, x)) - i0, 0, 2) == \
        pytest.approx(w0.voltage, rel=1e-9)
    with pytest.raises(ParameterError, match="value"):
        write_operating_point(2, table=table)


def test_preset_energy_is_v_squared_over_r_times_t_for_fixed_resistance():
    from circuits.write import _electrical, _terms, _WriteModel

    dev = load_device("default").with_(TMR0=0.0)
    m = _WriteModel(1, dev, "ideal", 1)
    v, t = np.array([0.2, 0.5]), 6e-9
    terms = _terms(m, _stub_source(0.3, 0.1), _electrical(m, v), t)
    np.testing.assert_allclose(terms["energy"], v ** 2 / dev.r_p * t, rtol=1e-10)


def test_row_parallel_interpolated_currents_match_direct_solves(table):
    """rows > 1 uses a cubic spline over a Chebyshev voltage grid; the reported point is
    recomputed directly and must agree with a direct evaluation, and the far row needs more
    voltage than a lone gate."""
    op = operating_point("NAND2", table=table, rows=32, target_error=0.45, n_voltages=41)
    ev = evaluate_gate("NAND2", op.v_operating, op.pulse_width, table=table, rows=32)
    for p in op.error_rate_by_pattern:
        assert op.error_rate_by_pattern[p] == pytest.approx(ev.error_rate_by_pattern[p],
                                                            rel=1e-9)
    from circuits.operating_point import _Context, _Grid
    ctx = _Context("NAND2", None, table, "45nm", 32, None, None)
    grid = _Grid.build(ctx.model, ctx.v_lo, ctx.v_hi, 41)
    assert grid.splines is not None
    v = np.array([0.5 * (ctx.v_lo + ctx.v_hi), ctx.v_lo + 0.1 * (ctx.v_hi - ctx.v_lo)])
    np.testing.assert_allclose(grid.at(v).output, ctx.model.currents(v).output, rtol=1e-6)
    single = _Context("NAND2", None, table, "45nm", 1, None, None)
    assert ctx.window.v_min > single.window.v_min


def test_shipped_default_table_plumbing():
    """data/tables/default.h5 (default device): the per-pattern output errors equal the
    table's WER / P_sw queried directly at the reported output currents, with the sign
    convention of each direction (NAND2 writes P -> AP with a negative current)."""
    from llg.tables import open_table

    op = operating_point("NAND2", target_error=1e-6, n_voltages=61, switching="table")
    assert not op.feasible and op.direction == "P-AP"
    t = open_table("default")
    d = op.details
    lo, hi = t.axes["current"].values[0], t.axes["current"].values[-1]
    for p, i in d["output_current_by_pattern"].items():
        i = min(max(i, lo), hi)   # the circuit layer holds conservative edge values
        should_switch = p != "11"
        w = float(t.query("wer", current=-i, pulse_width=op.pulse_width))
        ref = w if should_switch else 1.0 - w
        assert d["output_error_by_pattern"][p] == pytest.approx(ref, rel=1e-9, abs=1e-15), p


def test_energy_breakdown_sums_to_source_energy():
    """Tellegen: the Joule heat in MTJs, transistors and line resistance adds up to the source
    energy; ideal technology has no transistor or line share."""
    dev = load_device("default")
    v, t = np.array([0.3, 0.5]), 5e-9
    for tech, zero in (("45nm", ()), ("ideal", ("transistor", "line_resistance",
                                                 "line_charging"))):
        m = GateModel("MAJ3", dev, tech, rows=4)
        terms = _pattern_terms(m, _stub_source(0.35, 0.05), m.currents(v), t)
        total = sum(terms["energy_split"].values())
        np.testing.assert_allclose(total, terms["energy"], rtol=1e-9)
        for part in zero:
            assert np.all(terms["energy_split"][part] == 0.0)
        assert np.all(terms["energy_split"]["mtj"] > 0)
