"""Functional tests of the CRAM array simulator: gates and programs against numpy/Boolean logic.

Every reference here is independent of the simulator: Python's Boolean operators for the gate
library, numpy integer arithmetic for the programs.
"""
import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrays.sim import programs
from arrays.sim.executor import run
from arrays.sim.gates import GATES, gate_spec
from arrays.sim.program import Gate, Preset, Program, ProgramBuilder, schedule
from arrays.sim.state import ArrayState
from llg.errors import ParameterError

#: Boolean definitions, written independently of the (preset, m_switch) description.
BOOLEAN = {
    "NOT": lambda a: not a,
    "COPY": lambda a: a,
    "NAND2": lambda a, b: not (a and b),
    "NOR2": lambda a, b: not (a or b),
    "AND2": lambda a, b: a and b,
    "OR2": lambda a, b: a or b,
    "MAJ3": lambda a, b, c: a + b + c >= 2,
    "MAJ5": lambda *x: sum(x) >= 3,
}


def _run_kernel(name, rows=300, cols=None, seed=0):
    k = programs.build(name)
    cols = cols or k.program.n_cols
    state = ArrayState(rows, cols)
    rng = np.random.default_rng(seed)
    inputs = k.make_inputs(rng, rows)
    for op, c in k.program.operands.items():
        state.write_uint(c, inputs[op])
    res = run(k.program, state)
    return k, state, inputs, res


def test_library_matches_boolean_definitions():
    assert set(BOOLEAN) == set(GATES)
    for name, spec in GATES.items():
        for bits in itertools.product((0, 1), repeat=spec.fan_in):
            assert spec.output("".join(map(str, bits))) == int(BOOLEAN[name](*bits)), name


@pytest.mark.parametrize("name", list(GATES))
def test_each_gate_on_the_array_all_patterns(name):
    """Every input pattern in its own row; the array output equals the Boolean function."""
    spec = GATES[name]
    pats = np.array(list(itertools.product((0, 1), repeat=spec.fan_in)), dtype=np.uint8)
    rows = len(pats) * 3                               # each pattern three times
    pats = np.tile(pats, (3, 1))
    b = ProgramBuilder(name)
    ins = [b.operand(f"x{i}", 1)[0] for i in range(spec.fan_in)]
    out = b.gate(name, ins)
    state = ArrayState(rows, spec.fan_in + 1)
    for i, c in enumerate(ins):
        state.write_column(c, pats[:, i])
    state.fill_column(out, 1 - spec.preset)            # garbage: the preset must clear it
    run(b.build(), state)
    want = np.array([int(BOOLEAN[name](*p)) for p in pats])
    assert np.array_equal(state.read_column(out), want)


def test_gate_without_preset_does_what_hardware_does():
    """No preset: the output only moves in the switching direction (AND2 switches 1 -> 0)."""
    state = ArrayState(4, 3)
    state.write_column(0, [0, 0, 1, 1])
    state.write_column(1, [0, 1, 0, 1])
    state.fill_column(2, 0)                            # wrong start state for AND2 (preset 1)
    run(Program("raw", [Gate("AND2", (0, 1), 2)]), state)
    assert state.read_column(2).tolist() == [0, 0, 0, 0]   # a 1 can never appear


def test_full_adder_truth_table_exhaustive():
    k = programs.build("fa")
    state = ArrayState(8, k.program.n_cols)
    combos = np.array(list(itertools.product((0, 1), repeat=3)), dtype=np.uint64)
    for i, op in enumerate(("a", "b", "cin")):
        state.write_uint(k.program.operands[op], combos[:, i])
    run(k.program, state)
    assert np.array_equal(state.read_uint(k.program.results["sum"]), combos.sum(axis=1))
    assert k.program.gate_counts() == {"MAJ3": 1, "NOT": 2, "MAJ5": 1}


@pytest.mark.parametrize("name", ["add1", "add8", "add32", "add63", "mul1", "mul3", "mul8",
                                  "mul16", "mac4x3", "mac3x1", "popcount1", "popcount7",
                                  "popcount64", "xnor1", "xnor64"])
def test_program_equals_numpy(name):
    k, state, inputs, res = _run_kernel(name)
    ref = k.reference(inputs)
    for r, want in ref.items():
        assert np.array_equal(state.read_uint(k.program.results[r]), want), r
    # operands are not overwritten by the program
    for op, c in k.program.operands.items():
        assert np.array_equal(state.read_uint(c), inputs[op]), op
    assert res.total_gate_evaluations == k.program.n_gates() * state.rows


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(width=st.integers(1, 20), data=st.data())
def test_add_and_multiply_property(width, data):
    rows = data.draw(st.integers(1, 130))
    hi = (1 << width) - 1
    a = np.array(data.draw(st.lists(st.integers(0, hi), min_size=rows, max_size=rows)),
                 dtype=np.uint64)
    b = np.array(data.draw(st.lists(st.integers(0, hi), min_size=rows, max_size=rows)),
                 dtype=np.uint64)
    for kind, ref in (("add", a + b), ("mul", a * b)):
        if kind == "mul" and width > 12:
            continue
        k = programs.build(f"{kind}{width}")
        state = ArrayState(rows, k.program.n_cols)
        state.write_uint(k.program.operands["a"], a)
        state.write_uint(k.program.operands["b"], b)
        run(k.program, state)
        (res_cols,) = k.program.results.values()
        assert np.array_equal(state.read_uint(res_cols), ref)


def test_mac_dot_product():
    k, state, inputs, _ = _run_kernel("mac8x16", rows=200)
    want = sum(inputs[f"a{j}"] * inputs[f"b{j}"] for j in range(16))
    assert np.array_equal(state.read_uint(k.program.results["dot"]), want)


def test_partial_rows_leave_inactive_rows_untouched():
    k = programs.build("add8")
    state = ArrayState(100, k.program.n_cols, active_rows=60)
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 256, 100), rng.integers(0, 256, 100)
    state.write_uint(k.program.operands["a"], a)
    state.write_uint(k.program.operands["b"], b)
    before = state.read_uint(k.program.results["sum"])
    run(k.program, state)
    after = state.read_uint(k.program.results["sum"])
    assert np.array_equal(after[:60], (a + b)[:60])
    assert np.array_equal(after[60:], before[60:])


def test_schedule_batches_presets_without_changing_results():
    k = programs.build("add16")
    serial, batched = schedule(k.program, False), schedule(k.program, True)
    assert batched.gate_sequence == serial.gate_sequence
    assert len(batched.write_cycles) < len(serial.write_cycles)
    n_serial = sum(sum(c.values()) for _, c in serial.write_cycles)
    n_batched = sum(sum(c.values()) for _, c in batched.write_cycles)
    assert n_serial == n_batched == k.program.n_cell_writes()


def test_schedule_respects_last_access():
    """A preset cannot move before a gate that still reads its column."""
    p = Program("order", [Preset((2,), 0), Gate("NOT", (0,), 2), Gate("COPY", (2,), 3),
                          Preset((2,), 0), Gate("NOT", (1,), 2)])
    sch = schedule(p)
    assert len(sch.write_cycles) == 2


def test_gate_library_agrees_with_circuits():
    circuits = pytest.importorskip("circuits")
    for name, spec in GATES.items():
        g = circuits.get_gate(name)
        assert (g.n_inputs, g.preset, g.threshold) == (spec.fan_in, spec.preset, spec.m_switch)


# -- bad input -------------------------------------------------------------------------------
def test_program_referencing_missing_columns():
    k = programs.build("add32")
    state = ArrayState(16, 64)
    with pytest.raises(ParameterError, match="does not exist"):
        run(k.program, state)


def test_operand_too_wide():
    state = ArrayState(4, 8)
    with pytest.raises(ParameterError, match="does not fit in 4 bit"):
        state.write_uint(range(4), [1, 2, 3, 16])
    with pytest.raises(ParameterError, match="valid range"):
        programs.build("add64")
    with pytest.raises(ParameterError, match="known programs"):
        programs.build("sub8")


def test_gate_input_rules():
    b = ProgramBuilder("bad")
    with pytest.raises(ParameterError, match="only once"):
        b.gate("MAJ3", [0, 0, 1])
    with pytest.raises(ParameterError, match="takes 2 inputs"):
        b.gate("NAND2", [0])
    with pytest.raises(ParameterError, match="known gates"):
        gate_spec("XOR2")
    with pytest.raises(ParameterError, match="rows"):
        ArrayState(0, 4)


@pytest.mark.parametrize("n_values,width", [(2, 3), (10, 8), (5, 1)])
def test_argmax_and_compare(n_values, width):
    rows = 400
    rng = np.random.default_rng(n_values)
    vals = rng.integers(0, 1 << width, (n_values, rows))
    vals[:, :50] = vals[0, :50]                       # ties: the lowest index must win
    b = programs.Builder("argmax")
    cols = [b.operand(f"v{i}", width) for i in range(n_values)]
    b.result("ge", [programs.greater_equal(b, cols[0], cols[1])])
    b.result("idx", programs.argmax(b, cols))
    prog = b.build()
    state = ArrayState(rows, prog.n_cols)
    for i, c in enumerate(cols):
        state.write_uint(c, vals[i])
    run(prog, state)
    assert np.array_equal(state.read_uint(prog.results["idx"]), np.argmax(vals, axis=0))
    assert np.array_equal(state.read_column(prog.results["ge"][0]),
                          (vals[0] >= vals[1]).astype(np.uint8))
