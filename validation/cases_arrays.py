"""Validation cases for the array layer: gate-level programs against arithmetic, the baseline
card against Horowitz's published table, error injection against the binomial law, and the
digits BNN on the array against its integer reference."""
from __future__ import annotations

import itertools

import numpy as np

from .registry import CaseResult, case


@case("cram_full_adder_maj",
      "The MAJ-based full adder run on the simulated array: all 8 input combinations, sum and "
      "carry against integer addition; gate structure 1 MAJ3 (carry) + inverted carry + "
      "1 MAJ5 (sum).",
      "Cout = MAJ3(A, B, C), S = MAJ5(A, B, C, not Cout, not Cout): Navi et al., "
      "Microelectronics J. 41, 820 (2010); used for STT-CRAM by Chowdhury et al. "
      "(2017-2018; venue details unverified) and Zabihi et al., IEEE Trans. Comput. 68, 1159 (2019)")
def full_adder(quick, out_dir):
    from arrays.sim import programs
    from arrays.sim.executor import run
    from arrays.sim.state import ArrayState

    k = programs.build("fa")
    combos = np.array(list(itertools.product((0, 1), repeat=3)), dtype=np.uint64)
    state = ArrayState(8, k.program.n_cols)
    for i, op in enumerate(("a", "b", "cin")):
        state.write_uint(k.program.operands[op], combos[:, i])
    run(k.program, state)
    got = state.read_uint(k.program.results["sum"])
    correct = int(np.sum(got == combos.sum(axis=1)))
    counts = k.program.gate_counts()
    structure = counts.get("MAJ3") == 1 and counts.get("MAJ5") == 1 and \
        set(counts) <= {"MAJ3", "MAJ5", "NOT"}
    return CaseResult("cram_full_adder_maj", correct == 8 and structure, correct, 8, 0,
                      "rows", f"gate counts {counts}: the inverted carry is computed twice "
                      "(two NOT gates) because one cell can feed a gate only once, so the "
                      "adder takes 4 gate steps and 4 presets")


@case("horowitz_baseline_card",
      "The operation and memory energies of the shipped baseline card against Horowitz's "
      "45 nm table (largest relative deviation).",
      "Horowitz, 'Computing's energy problem (and what we can do about it)', ISSCC 2014: "
      "8/32-bit add 0.03/0.1 pJ, 8/32-bit multiply 0.2/3.1 pJ, 64-bit 8 kB SRAM 10 pJ, DRAM "
      "1.3-2.6 nJ per 64 bits")
def horowitz(quick, out_dir):
    from arrays.energy.baseline import load_baseline, op_energy

    card = load_baseline("cpu_ddr4_45nm")
    published = {"ops.int_add8": 0.03e-12, "ops.int_add32": 0.1e-12,
                 "ops.int_mult8": 0.2e-12, "ops.int_mult32": 3.1e-12,
                 "memory.l1_access_64bit": 10e-12}
    dev = max(abs(card[k] / v - 1) for k, v in published.items())
    dram_ok = 1.3e-9 <= card["memory.dram_access_64bit"] <= 2.6e-9
    # the power-law interpolation must return the published points exactly
    interp = max(abs(op_energy(card, "add", 8) / 0.03e-12 - 1),
                 abs(op_energy(card, "mult", 32) / 3.1e-12 - 1))
    worst = max(dev, interp)
    return CaseResult("horowitz_baseline_card", worst < 1e-9 and dram_ok, worst, 0.0, 1e-9, "1",
                      f"DRAM energy {card['memory.dram_access_64bit']:.3g} J per 64 bits "
                      "(published range 1.3-2.6 nJ)")


@case("cram_add32_rows_vs_numpy",
      "A 32-bit ripple-carry add (128 gates) in every row of a 1024-row array on random "
      "operands: fraction of rows equal to numpy's sum.",
      "integer arithmetic (numpy) on the same operands")
def add32(quick, out_dir):
    from arrays.energy.workloads import get_workload
    from arrays.sim.executor import run

    inst = get_workload("add32").make(1024 if quick else 4096, 1024, 7)
    run(inst.program, inst.state)
    frac = inst.score(inst.state)
    return CaseResult("cram_add32_rows_vs_numpy", frac == 1.0, frac, 1.0, 0.0, "1",
                      f"{inst.program.n_gates()} gates per row")


@case("cram_error_injection_binomial",
      "Per-pattern failure probabilities injected into NAND2 gates on the array; the observed "
      "failure count per pattern against n p (largest deviation in binomial sigmas).",
      "binomial law: |k - n p| <= 4.5 sqrt(n p (1 - p)) for independent failures")
def error_injection(quick, out_dir):
    from arrays.sim.executor import ErrorModel, run
    from arrays.sim.program import ProgramBuilder
    from arrays.sim.state import ArrayState

    rates = {"00": 1e-3, "01": 0.02, "10": 0.1, "11": 0.3}
    b = ProgramBuilder("nand")
    x, y = b.operand("x", 1)[0], b.operand("y", 1)[0]
    n_g = 50 if quick else 400
    outs = [b.gate("NAND2", [x, y]) for _ in range(n_g)]
    rows = 2048
    rng = np.random.default_rng(21)
    xa = rng.integers(0, 2, rows).astype(np.uint8)
    ya = rng.integers(0, 2, rows).astype(np.uint8)
    state = ArrayState(rows, n_g + 2)
    state.write_column(x, xa)
    state.write_column(y, ya)
    run(b.build(), state, errors=ErrorModel.from_dict({"NAND2": rates}), seed=5)
    want = 1 - (xa & ya)
    wrong = np.stack([state.read_column(o) != want for o in outs])
    z = []
    for pat, p in rates.items():
        sel = (xa == int(pat[0])) & (ya == int(pat[1]))
        n = int(sel.sum()) * n_g
        z.append(abs(int(wrong[:, sel].sum()) - n * p) / np.sqrt(n * p * (1 - p)))
    worst = float(max(z))
    return CaseResult("cram_error_injection_binomial", worst <= 4.5, worst, 0.0, 4.5, "sigma",
                      "deviation per pattern (sigma): " +
                      ", ".join(f"{p} {v:.2f}" for p, v in zip(rates, z)))


@case("bnn_digits_on_array",
      "A binary neural network trained on scikit-learn's digits, run image per row on the "
      "simulated array (XNOR by gates, full-adder popcount, carry-chain threshold): test "
      "accuracy of the array against the integer XNOR-popcount reference.",
      "the same network evaluated with integer numpy (XNOR-popcount; Rastegari et al., ECCV "
      "2016); predictions must agree image by image")
def bnn_case(quick, out_dir):
    from arrays.sim import bnn

    model = bnn.train(hidden=32 if quick else 128, epochs=60 if quick else 200)
    program = bnn.build_program(model)
    _, x_te, _, y_te = bnn.load_data()
    pred, _ = bnn.run_on_array(model, program, x_te)
    acc = float(np.mean(pred == y_te))
    same = bool(np.array_equal(pred, model.predict(x_te)))
    return CaseResult("bnn_digits_on_array", same, acc, model.test_accuracy, 0.0, "1",
                      f"{model.hidden} hidden units, {program.n_gates()} gates per image; "
                      f"array predictions identical to the reference: {same}")


@case("linear_regulator_loss",
      "The CRAM ledger's supply-conversion item for a NOT program on 64 rows, with the "
      "drivers card forced to a linear regulator: equal to the energy drawn at each pulse "
      "voltage V times (V_DD / V - 1), the loss of a series pass device.",
      "a linear (series) regulator draws its load current from V_DD, so its efficiency is "
      "at most V_out / V_in: Rincon-Mora, Analog IC Design with Low-Dropout Regulators "
      "(McGraw-Hill, 2009), ch. 1 (textbook statement; chapter not verified)")
def linear_regulator(quick, out_dir):
    import dataclasses

    from circuits.technology import load_technology

    from arrays.energy.costs import CostModel, GateCost, WriteCost
    from arrays.energy.drivers import load_drivers
    from arrays.energy.ledger import cram_ledger, load_peripherals
    from arrays.sim.executor import run
    from arrays.sim.gates import GATES
    from arrays.sim.program import ProgramBuilder
    from arrays.sim.state import ArrayState

    tech = load_technology("45nm")
    v_gate, v_write = 0.3, 0.6                  # V, a round pair below V_DD
    g = GATES["NOT"]
    costs = CostModel("case", "default", "validation fixture",
                      {"NOT": GateCost("NOT", np.array([1e-13, 2e-13]), np.zeros(2), 2e-8,
                                       2e-8, v_gate)},
                      {v: WriteCost(v, 3e-13, 0.0, 1e-8, v_write, "fixture") for v in (0, 1)},
                      includes_line_charging=True)   # column lines inside the pulse energy
    assert g.fan_in == 1
    b = ProgramBuilder("nots")
    (x,) = b.operand("x", 1)
    for _ in range(4):
        b.gate("NOT", [x])
    prog = b.build()
    st = ArrayState(64, prog.n_cols)
    res = run(prog, st)
    drv = load_drivers()
    lin = dataclasses.replace(drv, meta={**drv.meta, "topology": "linear"})
    per = load_peripherals().with_values(array__rows=64, array__cols=64)
    led = cram_ledger(workload="nots", program=prog, run=res, costs=costs, periphery=per,
                      technology=tech, n_items=64, drivers=lin)
    item = {i.key: i.energy for i in led.items}
    vdd = tech.v_dd
    c_ll = tech.get("wire", "capacitance_per_length") * tech.get("cell", "column_pitch") * 64
    at_gate = item["gate_current"] + 4 * 64 * c_ll * v_gate ** 2
    at_write = item["preset_writes"]
    want = at_gate * (vdd / v_gate - 1) + at_write * (vdd / v_write - 1)
    got = item["supply_conversion"]
    rel = abs(got - want) / want
    return CaseResult("linear_regulator_loss", rel < 1e-9, got, want, 1e-9 * want, "J",
                      f"V_DD = {vdd:g} V, pulses at {v_gate:g} V and {v_write:g} V: loss "
                      f"{got:.4g} J against {want:.4g} J")
