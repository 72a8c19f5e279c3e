"""Itemized energy and latency ledgers: the CRAM side, from a simulated program run.

A :class:`Ledger` is a list of items, each with its energy (J), the count it is made of, the
energy per unit and the source of that number; the total is the sum of the items and
nothing else (``Ledger.add`` refuses a key twice, so nothing is booked twice). Latency is
itemized the same way (sequential components, s).

CRAM items, per workload (N rows of work, simulated on one array of R rows, ``passes =
ceil(N / R)`` array passes; P arrays compute in parallel, so ``ceil(N / (R P))`` sequential
rounds):

* gate current: sum over gate types g and input patterns p of (row evaluations with pattern
  p) x E_g(p), E_g(p) the circuits layer's source energy per evaluation (MTJs, access
  transistors and the resistive part of the lines: the DC network it solves). If circuits
  splits E_g(p) by element, the ledger shows that split instead of the sum.
* preset writes and constant writes: cells written x write energy for the value written.
* line charging (capacitive): per gate cycle the k input bit-select lines (BSL, along
  columns, R cells long) swing to V_gate and the k+1 word lines to V_DD; per write cycle the
  written columns' BSL and WL swing (C V^2 from the supply per charge/discharge cycle).
  The circuits layer already includes these in its gate and write energies
  (``CostModel.includes_line_charging``); they are then not booked again. Each computing
  row's logic line (C cols long) charges to at most V_gate per gate cycle: booked as an
  upper bound (the logic line floats between the drive levels), circuits omits it.
* column decoders: per column selected, ``decoder_wires`` predecode lines spanning the array
  width swing V_DD.
* data in (operands written from the host, "streamed" scenario only) and data out (results
  the host needs): array write/read energy per bit (NVSim-class, periphery included) plus
  host I/O energy per bit; control: one sequencer command per array cycle and round. These
  three are the system boundary every compared row shares (:mod:`arrays.energy.boundary`).
* drivers and supply conversion (:mod:`arrays.energy.supply`): producing the gate and write
  voltages from V_DD, and the column drivers' buffer chains.

Not modelled (stated in the report): distributing the sequencer's commands across the die,
leakage of the periphery during the run, refresh-free retention (MRAM needs none).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from llg.errors import ParameterError, check_range

from .costs import CostModel
from ..sim.executor import RunResult
from ..sim.gates import GATES
from ..sim.program import Preset, Program, schedule
from .techdata import DataCard, load_card

#: Declared entries of a peripherals card (data/peripherals/*.toml).
PERIPHERAL_DECLARED = {
    ("array", "rows"): ("1", 1, 1 << 20, "rows per subarray"),
    ("array", "cols"): ("1", 1, 1 << 20, "columns per subarray"),
    ("periphery", "decoder_wires"): ("1", 0, 64, "predecode lines switched per column select"),
    ("periphery", "cycle_setup_time"): ("s", 0.0, 1e-6, "column-address decode per cycle"),
    ("periphery", "read_energy_per_bit"): ("J", 0.0, 1e-9, "array read energy per bit"),
    ("periphery", "write_energy_per_bit"): ("J", 0.0, 1e-9, "array write energy per bit"),
    ("interface", "io_energy_per_bit"): ("J", 0.0, 1e-9, "host I/O energy per bit"),
    ("interface", "io_bandwidth"): ("bit/s", 1e3, 1e15, "host I/O bandwidth"),
}

SCENARIOS = {
    "resident": "operands already in the CRAM arrays (CRAM is the memory); results stay there "
                "except what the host needs (e.g. class labels)",
    "streamed": "operands written into the arrays from the host over the memory interface and "
                "all results read back",
}


def load_peripherals(name_or_path="cram_45nm") -> DataCard:
    """A validated peripherals card (every number with unit and source)."""
    return load_card("peripherals", name_or_path, PERIPHERAL_DECLARED)


@dataclass(frozen=True)
class LedgerItem:
    """One booked energy: ``energy = count * unit_energy`` (J) where that product applies."""

    key: str
    label: str
    category: str
    energy: float
    count: float = math.nan
    unit_energy: float = math.nan
    source: str = ""


@dataclass
class Ledger:
    """Energy items (J) and latency items (s) of one workload on one system."""

    system: str
    workload: str
    items: list = field(default_factory=list)
    latency_items: list = field(default_factory=list)   # (key, label, seconds, source)
    pending: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    #: how the work is laid out: passes, rounds, parallel_arrays, t_pass (s, one round of
    #: gate and write cycles), t_io (s, host transfers) -- for the parallelism rule
    structure: dict = field(default_factory=dict)

    def add(self, key, label, category, energy, count=math.nan, unit_energy=math.nan,
            source="") -> None:
        if any(i.key == key for i in self.items):
            raise ParameterError(f"ledger item {key!r} booked twice")
        e = float(energy)
        if not math.isfinite(e) or e < 0:
            raise ParameterError(f"ledger item {key!r}: energy {e!r} J must be finite and >= 0")
        self.items.append(LedgerItem(key, label, category, e, float(count),
                                     float(unit_energy), source))

    def add_latency(self, key, label, seconds, source="") -> None:
        if any(k == key for k, *_ in self.latency_items):
            raise ParameterError(f"latency item {key!r} booked twice")
        s = float(seconds)
        if not math.isfinite(s) or s < 0:
            raise ParameterError(f"latency item {key!r}: {s!r} s must be finite and >= 0")
        self.latency_items.append((key, label, s, source))

    @property
    def energy(self) -> float:
        """Total energy, J: the sum of the items."""
        return float(sum(i.energy for i in self.items))

    @property
    def latency(self) -> float:
        """Total latency, s: the sum of the sequential latency items."""
        return float(sum(s for _, _, s, _ in self.latency_items))

    def by_category(self) -> dict:
        out: dict = {}
        for i in self.items:
            out[i.category] = out.get(i.category, 0.0) + i.energy
        return out

    def to_dict(self) -> dict:
        return {"system": self.system, "workload": self.workload, "energy": self.energy,
                "latency": self.latency, "items": [asdict(i) for i in self.items],
                "latency_items": [{"key": k, "label": lab, "seconds": s, "source": src}
                                  for k, lab, s, src in self.latency_items],
                "pending": list(self.pending), "notes": list(self.notes),
                "structure": dict(self.structure)}


@dataclass
class CycleCounts:
    """Per-array-pass cycle structure of a program (from :func:`arrays.sim.program.schedule`)."""

    gate_cycles: dict           # gate -> cycles
    write_cycles: int           # batched write cycles
    bsl_gate: dict              # gate -> input BSLs charged per cycle (fan-in k)
    write_columns: dict         # (value, purpose) -> columns written per pass

    @classmethod
    def of(cls, program: Program, batch_presets: bool = True) -> "CycleCounts":
        sch = schedule(program, batch_presets)
        gc: dict = {}
        for g in sch.gate_sequence:
            gc[g] = gc.get(g, 0) + 1
        wc: dict = {}
        for s in program.steps:
            if isinstance(s, Preset):
                k = (s.value, s.purpose)
                wc[k] = wc.get(k, 0) + len(s.columns)
        return cls(gc, len(sch.write_cycles), {g: GATES[g].fan_in for g in gc}, wc)


def cram_ledger(*, workload: str, program: Program, run: RunResult, costs: CostModel,
                periphery: DataCard, technology, n_items: int, scenario: str = "resident",
                in_bits_per_item: float = 0.0, out_bits_per_item: float = 0.0,
                utilization: float = 1.0, batch_presets: bool = True,
                parallel_arrays: int = 1, drivers: DataCard | None = None,
                system: DataCard | None = None) -> Ledger:
    """The CRAM ledger of ``n_items`` rows of work, scaled from one simulated array pass.

    ``run`` is the execution of ``program`` on one array (its ``active_rows`` rows). Items
    fill ``utilization`` of each array's rows, so ``passes = ceil(N / (R u))``; every row of
    a used array computes (there is no per-row enable), so per-row quantities (gate and
    write energies, logic lines) scale with ``passes * R`` computing rows and per-pass
    quantities (bit-select and word lines, decoders, cycle times) with ``passes``.
    in/out_bits_per_item: bits moved between host and array per item (data in is booked
    only in the "streamed" scenario). ``parallel_arrays``: arrays computing at once (derived
    from the system card by :mod:`arrays.energy.system`); ``drivers``: the driver/regulator
    card (items of :mod:`arrays.energy.supply`); ``system``: the system card (control
    energy per command). Data movement and control are the system boundary every row shares
    (:mod:`arrays.energy.boundary`).
    """
    if scenario not in SCENARIOS:
        raise ParameterError(f"scenario = {scenario!r} is unknown; known: {list(SCENARIOS)}")
    R_arr = int(periphery["array.rows"])
    A = run.active_rows
    if A < 1:
        raise ParameterError("the simulated run has no active rows")
    check_range("utilization", utilization, "", 0.0, 1.0, lo_open=True,
                what="fraction of each array's rows holding useful items")
    rows_per_pass = max(1, int(R_arr * utilization))
    passes = math.ceil(n_items / rows_per_pass)          # array passes
    # every row of a used array evaluates every gate: the word lines that select the gate's
    # columns run along the columns through all rows (no per-row enable in logic mode)
    rows_computing = passes * R_arr
    per_row = rows_computing / A                # scale from the simulated rows
    check_range("parallel_arrays", parallel_arrays, "", 1, 1 << 30,
                what="sub-arrays computing at once")
    rounds = math.ceil(passes / int(parallel_arrays))
    led = Ledger("CRAM", workload)
    cyc = CycleCounts.of(program, batch_presets)

    # -- cell energies (per row, from the circuits layer) ----------------------------------
    used = sorted(run.gate_evaluations)
    missing = [g for g in used if g not in costs.gates]
    if missing:
        why = "no circuits operating point" if any(g in costs.infeasible for g in missing) \
            else "; ".join(p for p in costs.pending if "gate" in p) or "not in the cost model"
        led.pending.append(f"gate energy and latency of {', '.join(missing)}: {why}")
    else:
        split_keys = None
        if all(costs.gates[g].breakdown for g in used):
            split_keys = sorted(set().union(*(costs.gates[g].breakdown for g in used)))
        if split_keys:
            for part in split_keys:
                e = sum(float(run.pattern_counts[g] @ costs.gates[g].breakdown.get(
                    part, np.zeros_like(costs.gates[g].energy_by_pattern))) for g in used)
                # charging of the driven column lines is periphery; the rest is the cell
                # network (MTJs, access transistors, line resistance)
                cat = "periphery" if "charg" in part else "cell"
                led.add(f"gate_{part}", f"gate pulses: {part.replace('_', ' ')}", cat,
                        e * per_row, run.total_gate_evaluations * per_row, math.nan,
                        costs.source)
        else:
            e = sum(float(run.pattern_counts[g] @ costs.gates[g].energy_by_pattern)
                    for g in used)
            n_ev = run.total_gate_evaluations * per_row
            label = ("gate pulses: MTJs, access transistors, line resistance" +
                     (" and driven column-line charging" if costs.includes_line_charging
                      else "") + " (circuits source energy, pattern-weighted)")
            led.add("gate_current", label, "cell",
                    e * per_row, n_ev, e * per_row / n_ev if n_ev else math.nan,
                    costs.source)
    for purpose, key, label in (("preset", "preset_writes", "preset writes of gate outputs"),
                                ("constant", "constant_writes",
                                 "constant writes (weights, thresholds, zero column)")):
        cols = {v: n for (v, p), n in cyc.write_columns.items() if p == purpose}
        if not cols:
            continue
        if not all(v in costs.writes for v in cols):
            why = "no circuits write operating point at this array size" if any(
                f"write {v}" in costs.infeasible for v in cols) else \
                "single-cell write costs not available from circuits"
            led.pending.append(f"{label}: {why}")
            continue
        cells = sum(cols.values()) * A
        e = sum(n * A * costs.writes[v].energy for v, n in cols.items())
        vals = sorted(cols)
        if len(vals) > 1:      # mixed 0 and 1 writes: name both operating points
            label += " (" + " and ".join(f"{cols[v]} x {v}" for v in vals) + " per pass)"
        led.add(key, label, "cell", e * per_row, cells * per_row,
                e / cells if cells else math.nan,
                "; ".join(f"write {v}: {costs.writes[v].source}" for v in vals))

    # -- periphery: line charging and decoders (per array pass) ----------------------------
    tech = technology
    R_lines = R_arr                       # BSL / WL span the whole array height
    c_bsl, c_wl = tech.c_bsl_cell, tech.c_wl_cell
    c_ll_row = tech.get("wire", "capacitance_per_length") * tech.get("cell", "column_pitch") \
        * periphery["array.cols"]
    vdd = tech.v_dd
    dec_wire = tech.get("wire", "capacitance_per_length") * tech.get("cell", "column_pitch") \
        * periphery["array.cols"]
    e_dec = periphery["periphery.decoder_wires"] * dec_wire * vdd ** 2
    tech_src = f"technology card {tech.name!r} (data/technology/{tech.name}.toml)"
    if all(g in costs.gates for g in cyc.gate_cycles):
        e_bsl = sum(n * cyc.bsl_gate[g] * R_lines * c_bsl * costs.gates[g].v_operating ** 2
                    for g, n in cyc.gate_cycles.items())
        # every computing row charges its own logic line once per gate cycle
        e_ll = sum(n * rows_computing * c_ll_row * costs.gates[g].v_operating ** 2
                   for g, n in cyc.gate_cycles.items())
    else:
        e_bsl = e_ll = None
    n_sel_gate = sum(n * (cyc.bsl_gate[g] + 1) for g, n in cyc.gate_cycles.items())
    n_sel_write = sum(cyc.write_columns.values())
    if costs.writes and all(v in costs.writes for v, _ in cyc.write_columns):
        e_bsl_w = sum(n * R_lines * c_bsl * costs.writes[v].voltage ** 2
                      for (v, _), n in cyc.write_columns.items())
    else:
        e_bsl_w = None if cyc.write_columns else 0.0
    n_wl = n_sel_gate + n_sel_write
    if e_bsl is None or e_bsl_w is None:
        led.pending.append("bit-select and logic-line charging: needs the gate and write "
                           "voltages from circuits")
    else:
        if not costs.includes_line_charging:
            led.add("bsl_charging", "bit-select-line charging (C V^2 per swing)",
                    "periphery", (e_bsl + e_bsl_w) * passes, math.nan, math.nan, tech_src)
        led.add("logic_line_charging", "logic-line charging (upper bound, V_LL <= V_gate)",
                "periphery", e_ll, math.nan, math.nan, tech_src)
    if not costs.includes_line_charging:
        led.add("wordline_charging", "word-line charging (wire + access-transistor gates, "
                "V_DD)", "periphery", n_wl * R_lines * c_wl * vdd ** 2 * passes,
                n_wl * passes, R_lines * c_wl * vdd ** 2, tech_src)
    else:
        led.notes.append("bit-select and word-line charging of the driven columns is inside "
                         "the circuits gate and write energies (shared by the rows), so it "
                         "is not booked again here")
    led.add("column_decoders", "column decoders (predecode lines, V_DD)", "periphery",
            n_wl * e_dec * passes, n_wl * passes, e_dec,
            periphery.item("periphery.decoder_wires").source)

    # -- drivers and supply conversion ------------------------------------------------------
    if drivers is not None and not led.pending:
        from .supply import book_supply, line_energy_by_voltage
        lines = line_energy_by_voltage(costs, cyc, rows_computing * c_ll_row,
                                       None if costs.includes_line_charging
                                       else R_lines * c_bsl, passes)
        book_supply(led, costs=costs, run=run, cyc=cyc, per_row=per_row, passes=passes,
                    rows=R_arr, lines_by_voltage=lines, drivers=drivers, technology=tech)
    elif drivers is not None:
        led.pending.append("driver and supply-conversion energy: needs every gate and write "
                           "operating point")

    # -- system boundary: data movement and control ----------------------------------------
    from .boundary import add_to, boundary_items, boundary_latency
    commands = (sum(cyc.gate_cycles.values()) + cyc.write_cycles) * rounds
    add_to(led, boundary_items(periphery, system, n_items=n_items,
                               in_bits=in_bits_per_item, out_bits=out_bits_per_item,
                               scenario=scenario, commands=commands))

    # -- latency ---------------------------------------------------------------------------
    setup = periphery["periphery.cycle_setup_time"]
    if all(g in costs.gates for g in cyc.gate_cycles):
        t_gate = sum(n * (costs.gates[g].latency + setup) for g, n in cyc.gate_cycles.items())
        led.add_latency("gate_cycles", f"{sum(cyc.gate_cycles.values())} gate cycles x "
                        f"{rounds} rounds", t_gate * rounds, costs.source)
    else:
        led.pending.append("gate-cycle latency: gate pulse widths from circuits")
    if cyc.write_cycles:
        if costs.writes:
            t_w = max(w.latency for w in costs.writes.values()) + setup
            led.add_latency("write_cycles", f"{cyc.write_cycles} batched write cycles x "
                            f"{rounds} rounds", cyc.write_cycles * t_w * rounds,
                            costs.writes[next(iter(costs.writes))].source)
        else:
            led.pending.append("write-cycle latency: write pulse widths from circuits")
    for item in boundary_latency(periphery, n_items=n_items, in_bits=in_bits_per_item,
                                 out_bits=out_bits_per_item, scenario=scenario):
        led.add_latency(*item)
    t_cycles = sum(s for k, _, s, _ in led.latency_items if k in ("gate_cycles",
                                                                  "write_cycles"))
    led.structure.update({"passes": passes, "rounds": rounds,
                          "parallel_arrays": int(parallel_arrays),
                          "t_pass": t_cycles / rounds,
                          "t_io": sum(s for k, _, s, _ in led.latency_items
                                      if k.startswith("data_")),
                          "array_energy_per_pass": sum(
                              i.energy for i in led.items
                              if i.category in ("cell", "periphery", "driver")) / passes})
    led.notes.append(f"{n_items} items on {R_arr}-row arrays at utilization {utilization:g}: "
                     f"{passes} array passes, "
                     f"{int(parallel_arrays)} arrays in parallel -> "
                     f"{rounds} sequential rounds; scenario {scenario!r}: {SCENARIOS[scenario]}")
    return led
