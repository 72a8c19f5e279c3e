"""Ledgers: items sum to the total, each item equals its hand-computed formula, data cards
refuse numbers without unit or source. The gate and write costs below are test fixtures
(round numbers chosen to make the hand computation easy), not results."""
import math

import numpy as np
import pytest

from arrays.sim import programs
from arrays.energy.baseline import BaselineWork, baseline_ledger, load_baseline, op_energy
from arrays.energy.costs import CostModel, GateCost, WriteCost
from arrays.sim.executor import run
from arrays.sim.gates import GATES
from arrays.energy.ledger import Ledger, cram_ledger, load_peripherals
from arrays.sim.program import ProgramBuilder
from arrays.sim.state import ArrayState
from arrays.energy.techdata import available, card_from_dict
from llg.errors import ParameterError

V_GATE, V_WRITE, T_GATE, T_WRITE = 0.5, 0.4, 2e-9, 3e-9
E_WRITE = {0: 3e-15, 1: 4e-15}


def fixture_costs() -> CostModel:
    gates = {n: GateCost(n, (1 + np.arange(2 ** g.fan_in)) * 1e-15, np.zeros(2 ** g.fan_in),
                         T_GATE, T_GATE, V_GATE) for n, g in GATES.items()}
    writes = {v: WriteCost(v, E_WRITE[v], 0.0, T_WRITE, V_WRITE, "fixture") for v in (0, 1)}
    return CostModel("fixture", "default", "test fixture", gates, writes)


@pytest.fixture(scope="module")
def tech():
    from circuits.technology import load_technology
    return load_technology("45nm")


def _periphery(rows, cols=1024):
    return load_peripherals().with_values(array__rows=rows, array__cols=cols)


def _run(name, rows):
    k = programs.build(name)
    state = ArrayState(rows, k.program.n_cols)
    inputs = k.make_inputs(np.random.default_rng(0), rows)
    for op, c in k.program.operands.items():
        state.write_uint(c, inputs[op])
    return k.program, run(k.program, state)


@pytest.mark.parametrize("name", ["add8", "mul4", "popcount16", "mac2x3"])
@pytest.mark.parametrize("scenario", ["resident", "streamed"])
def test_items_sum_to_total(name, scenario, tech):
    prog, res = _run(name, 256)
    led = cram_ledger(workload=name, program=prog, run=res, costs=fixture_costs(),
                      periphery=_periphery(256), technology=tech, n_items=10_000,
                      scenario=scenario, in_bits_per_item=16, out_bits_per_item=9)
    assert not led.pending
    assert led.energy == pytest.approx(math.fsum(i.energy for i in led.items), rel=1e-12)
    assert all(i.energy >= 0 for i in led.items)
    assert len({i.key for i in led.items}) == len(led.items)
    keys = {i.key for i in led.items}
    assert ("data_in_io" in keys) == (scenario == "streamed")
    assert led.latency == pytest.approx(sum(s for _, _, s, _ in led.latency_items), rel=1e-9)


def test_items_equal_hand_formulas(tech):
    """n NOT gates over R rows with k zeros in the input column, one array pass."""
    R, n, k0 = 128, 5, 40
    b = ProgramBuilder("nots")
    (x,) = b.operand("x", 1)
    for _ in range(n):
        b.gate("NOT", [x])
    prog = b.build()
    state = ArrayState(R, n + 1)
    state.write_column(x, np.r_[np.zeros(k0), np.ones(R - k0)].astype(np.uint8))
    res = run(prog, state)
    per = _periphery(R, cols=64)
    led = cram_ledger(workload="nots", program=prog, run=res, costs=fixture_costs(),
                      periphery=per, technology=tech, n_items=R)
    item = {i.key: i.energy for i in led.items}
    e0, e1 = 1e-15, 2e-15                    # fixture NOT energies of patterns "0", "1"
    assert item["gate_current"] == pytest.approx(n * (k0 * e0 + (R - k0) * e1), rel=1e-12)
    assert item["preset_writes"] == pytest.approx(n * R * E_WRITE[0], rel=1e-12)
    c_bsl, c_wl, vdd = tech.c_bsl_cell, tech.c_wl_cell, tech.v_dd
    assert item["bsl_charging"] == pytest.approx(
        n * R * c_bsl * V_GATE ** 2 + n * R * c_bsl * V_WRITE ** 2, rel=1e-12)
    c_ll = tech.get("wire", "capacitance_per_length") * tech.get("cell", "column_pitch") * 64
    assert item["logic_line_charging"] == pytest.approx(n * R * c_ll * V_GATE ** 2, rel=1e-12)
    # word lines: 2 per gate cycle (input + output column), 1 per written column
    assert item["wordline_charging"] == pytest.approx(3 * n * R * c_wl * vdd ** 2, rel=1e-12)
    # all presets are hoisted into one write cycle before the first gate
    lat = {k: s for k, _, s, _ in led.latency_items}
    setup = per["periphery.cycle_setup_time"]
    assert lat["gate_cycles"] == pytest.approx(n * (T_GATE + setup), rel=1e-9)
    assert lat["write_cycles"] == pytest.approx(T_WRITE + setup, rel=1e-9)


def test_driver_supply_and_control_items_by_hand(tech):
    """The NOT program above with the drivers and system cards: supply conversion, column
    drivers and control, each from the card values (arrays/energy/drivers.py formulas)."""
    from arrays.energy.drivers import load_drivers
    from arrays.energy.system import load_system
    R, n = 128, 5
    b = ProgramBuilder("nots")
    (x,) = b.operand("x", 1)
    for _ in range(n):
        b.gate("NOT", [x])
    prog = b.build()
    state = ArrayState(R, n + 1)
    state.write_column(x, np.zeros(R, dtype=np.uint8))
    res = run(prog, state)
    drv, sysc = load_drivers(), load_system()
    led = cram_ledger(workload="nots", program=prog, run=res, costs=fixture_costs(),
                      periphery=_periphery(R, cols=64), technology=tech, n_items=R,
                      drivers=drv, system=sysc)
    item = {i.key: i.energy for i in led.items}
    cat = {i.key: i.category for i in led.items}
    eta, vdd = drv["converter.sc_efficiency"], tech.v_dd
    assert V_GATE / vdd < eta and V_WRITE / vdd < eta     # the converter is the better one
    at_gate = item["gate_current"] + item["logic_line_charging"] + n * R * tech.c_bsl_cell * \
        V_GATE ** 2
    at_write = item["preset_writes"] + n * R * tech.c_bsl_cell * V_WRITE ** 2
    assert item["supply_conversion"] == pytest.approx((at_gate + at_write) * (1 / eta - 1),
                                                      rel=1e-12)
    f, m = drv["driver.fanout"], drv["driver.current_margin"]
    i_w = tech.get("transistor", "drive_current_per_width")
    c_g = tech.get("transistor", "gate_capacitance_per_width")
    i_gate = R * 2e-15 / (V_GATE * T_GATE)          # the NOT's larger pattern energy
    i_write = R * E_WRITE[0] / (V_WRITE * T_WRITE)  # NOT outputs are preset to 0
    per_amp = f / (f - 1) * m / i_w * c_g * vdd ** 2
    assert item["column_drivers"] == pytest.approx(n * (i_gate + i_write) * per_amp, rel=1e-12)
    # n gate cycles + 1 hoisted write cycle, one round
    assert item["control"] == pytest.approx((n + 1) * sysc["control.energy_per_command"], rel=1e-9)
    assert cat["supply_conversion"] == cat["column_drivers"] == "driver"
    assert cat["control"] == "control"


def test_parallel_arrays_set_the_rounds(tech):
    prog, res = _run("add8", 64)
    kw = dict(workload="add8", program=prog, run=res, costs=fixture_costs(),
              periphery=_periphery(64), technology=tech, n_items=64 * 100)
    one, many = cram_ledger(**kw), cram_ledger(**kw, parallel_arrays=7)
    assert one.structure["rounds"] == 100 and many.structure["rounds"] == 15   # ceil(100/7)
    assert many.latency == pytest.approx(one.latency * 15 / 100, rel=1e-9)
    assert many.energy == pytest.approx(one.energy, rel=1e-9)


def test_line_charging_not_booked_twice(tech):
    """Costs that include column-line charging (as circuits' do) suppress those items."""
    prog, res = _run("add8", 64)
    costs = fixture_costs()
    costs.includes_line_charging = True
    led = cram_ledger(workload="add8", program=prog, run=res, costs=costs,
                      periphery=_periphery(64), technology=tech, n_items=64)
    keys = {i.key for i in led.items}
    assert "bsl_charging" not in keys and "wordline_charging" not in keys
    assert "logic_line_charging" in keys and "gate_current" in keys


def test_utilization_and_passes(tech):
    prog, res = _run("add8", 256)
    kw = dict(workload="add8", program=prog, run=res, costs=fixture_costs(),
              periphery=_periphery(256), technology=tech, n_items=256 * 8)
    full = {i.key: i.energy for i in cram_ledger(**kw).items}
    half = {i.key: i.energy for i in cram_ledger(**kw, utilization=0.5).items}
    for key in full:                        # twice the arrays, every row computes
        assert half[key] == pytest.approx(2 * full[key], rel=1e-12), key


def test_pending_without_costs(tech):
    prog, res = _run("add8", 64)
    led = cram_ledger(workload="add8", program=prog, run=res,
                      costs=CostModel("none", "default", "", pending=["nothing yet"]),
                      periphery=_periphery(64), technology=tech, n_items=64)
    assert led.pending and not any(i.category == "cell" for i in led.items)
    with pytest.raises(ParameterError, match="scenario"):
        cram_ledger(workload="add8", program=prog, run=res, costs=fixture_costs(),
                    periphery=_periphery(64), technology=tech, n_items=64, scenario="cloud")


def test_ledger_refuses_double_booking():
    led = Ledger("x", "y")
    led.add("a", "a", "cell", 1.0)
    with pytest.raises(ParameterError, match="twice"):
        led.add("a", "again", "cell", 1.0)
    with pytest.raises(ParameterError, match=">= 0"):
        led.add("b", "negative", "cell", -1.0)


# -- baseline -------------------------------------------------------------------------------
def test_horowitz_points_and_power_law():
    card = load_baseline("cpu_ddr4_45nm")
    assert op_energy(card, "add", 8) == pytest.approx(0.03e-12, rel=1e-9)
    assert op_energy(card, "add", 32) == pytest.approx(0.1e-12, rel=1e-9)
    assert op_energy(card, "mult", 32) == pytest.approx(3.1e-12, rel=1e-9)
    # multiply energy ~ n^2 between the published points: 16-bit ~ 3.1 / 4 pJ within 5 %
    assert op_energy(card, "mult", 16) == pytest.approx(3.1e-12 / 4, rel=0.05)
    assert op_energy(card, "add", 1) == op_energy(card, "add", 8)


def test_baseline_ledger_add32():
    card = load_baseline("cpu_ddr4_45nm")
    work = BaselineWork({("add", 32): 1}, 4, 97, 97)
    n = 1000
    led = baseline_ledger("add32", work, n, card)
    item = {i.key: i.energy for i in led.items}
    assert item["dram"] == pytest.approx(n * 97 / 64 * 1.3e-9, rel=1e-9)
    assert item["alu_add"] == pytest.approx(n * 0.1e-12, rel=1e-9)
    assert item["instruction_overhead"] == pytest.approx(n * 4 / 8 * 70e-12, rel=1e-9)
    assert led.energy == pytest.approx(math.fsum(item.values()), rel=1e-9)
    t_mem = n * 97 / 8 / 51.2e9
    t_cpu = n * 4 / 8 / (4 * 3e9 * 1.0)
    assert led.latency == pytest.approx(max(t_mem, t_cpu), rel=1e-9)


# -- data cards -----------------------------------------------------------------------------
DECL = {("a", "x"): ("J", 0.0, 1.0, "test")}


def test_card_refuses_unsourced_numbers():
    good = {"name": "t", "a": {"x": {"value": 0.5, "unit": "J", "source": "ref"}}}
    assert card_from_dict("peripherals", good, DECL)["a.x"] == 0.5
    bad_cases = [
        ({"name": "t", "a": {"x": 0.5}}, "bare value"),
        ({"name": "t", "a": {"x": {"value": 0.5, "unit": "J"}}}, "no source"),
        ({"name": "t", "a": {"x": {"value": 0.5, "unit": "J", "source": " "}}}, "no source"),
        ({"name": "t", "a": {"x": {"value": 0.5, "unit": "pJ", "source": "r"}}}, "unit"),
        ({"name": "t", "a": {"x": {"value": 5.0, "unit": "J", "source": "r"}}}, "valid range"),
        ({"name": "t", "a": {"y": {"value": 0.5, "unit": "J", "source": "r"}}}, "unknown"),
        ({"name": "t", "a": {}}, "missing"),
    ]
    for data, msg in bad_cases:
        with pytest.raises(ParameterError, match=msg):
            card_from_dict("peripherals", data, DECL)


def test_shipped_cards_load_with_sources():
    assert "cram_45nm" in available("peripherals")
    cards = [load_peripherals(n) for n in available("peripherals")]
    cards += [load_baseline(n) for n in available("baseline")]
    assert len(cards) >= 3
    for card in cards:
        for s in card.sources():
            assert s["source"] and s["unit"] is not None
    with pytest.raises(ParameterError, match="not found"):
        load_baseline("pentium")


def test_evaluate_and_cell_budget_are_consistent():
    """evaluate() with fixture costs: counted cell events match the ledger's cell items, and
    the 10x budget reproduces a 10x ratio when every cell event costs exactly the budget."""
    from arrays.energy.evaluate import evaluate, make_setup
    from arrays.study.verdict import cell_budget

    setup = make_setup(costs=fixture_costs())
    r = evaluate("add32", setup)
    assert r.functional_ok and r.accuracy_errors == 1.0      # fixture gates never fail
    led = r.cram["resident"]
    n = r.workload.n_items
    cells = [i for i in led.items if i.category == "cell"]
    b = cell_budget(r, setup, 10.0)
    assert sum(i.count for i in cells) == pytest.approx(b["events_per_item"] * n, rel=1e-12)
    # J per cell event (~1e-15): an explicit rel, the default abs = 1e-12 would swamp it
    assert b["actual"] == pytest.approx(sum(i.energy for i in cells) / n / b["events_per_item"],
                                        rel=1e-12)
    e_base = r.baseline["cpu_ddr4_45nm"].energy / n
    # the supply conversion rides on every cell event (E (1/eta - 1) of the pulse energy)
    conv = sum(i.energy for i in led.items if i.key == "supply_conversion")
    assert b["conversion_overhead"] == pytest.approx(1 + conv / sum(i.energy for i in cells),
                                                     rel=1e-9)
    assert e_base / (b["other_per_item"] + b["events_per_item"] * b["budget"] *
                     b["conversion_overhead"]) == pytest.approx(10.0, rel=1e-9)
    assert r.ratio()["energy_ratio"] == pytest.approx(led.energy and
                                                      r.baseline["cpu_ddr4_45nm"].energy /
                                                      led.energy, rel=1e-9)
    # converter-efficiency sensitivity: the card's 0.81 gives the ledger's own ratio; a
    # lossless converter (eta = 1 beats every linear regulator) removes the conversion item
    from arrays.energy.evaluate import sensitivity

    eta = setup.drivers["converter.sc_efficiency"]
    q = sensitivity(r, setup, "converter", [eta, 1.0])
    e_b = r.baseline["cpu_ddr4_45nm"].energy
    assert conv > 0 and q[0] == pytest.approx(e_b / led.energy, rel=1e-9)
    assert q[1] == pytest.approx(e_b / (led.energy - conv), rel=1e-9)
    # the 16 nm stand-in's operation energies doubled (node factor 0.6): DRAM unchanged
    nm = r.baseline["near_memory_16nm"]
    e_dram = sum(i.energy for i in nm.items if i.key == "dram")
    q = sensitivity(r, setup, "ops", [2.0], baseline="near_memory_16nm")
    assert 0 < e_dram < nm.energy
    assert q[0] == pytest.approx((2 * nm.energy - e_dram) / led.energy, rel=1e-9)


def test_energy_split_by_element_sums_to_the_total(tech):
    """A cost source that splits each gate energy by element gives one item per element;
    together they equal the unsplit gate energy (nothing lost, nothing twice)."""
    prog, res = _run("add8", 128)
    plain = fixture_costs()
    split = fixture_costs()
    for g, c in list(split.gates.items()):
        e = c.energy_by_pattern
        split.gates[g] = GateCost(g, e, c.error_by_pattern, c.latency, c.pulse_width,
                                  c.v_operating, {"mtj": 0.5 * e, "transistor": 0.3 * e,
                                                  "line_charging": 0.2 * e})
    kw = dict(workload="add8", program=prog, run=res, periphery=_periphery(128),
              technology=tech, n_items=128)
    a = {i.key: i for i in cram_ledger(costs=plain, **kw).items}
    b = {i.key: i for i in cram_ledger(costs=split, **kw).items}
    parts = ("gate_mtj", "gate_transistor", "gate_line_charging")
    assert sum(b[k].energy for k in parts) == pytest.approx(a["gate_current"].energy, rel=1e-12)
    assert b["gate_line_charging"].category == "periphery" and b["gate_mtj"].category == "cell"
    assert sum(i.energy for i in b.values()) == pytest.approx(sum(i.energy for i in a.values()),
                                                              rel=1e-9)
