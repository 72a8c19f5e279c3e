"""Evaluate workloads on CRAM and on the baselines: functional check, accuracy, ledgers.

:func:`make_setup` gathers everything an evaluation depends on (device, switching table,
technology and peripherals cards, baseline cards, the gate :class:`~arrays.energy.costs.CostModel`)
and :func:`evaluate` runs one workload: the program on one simulated array in perfect mode
(its result must equal the independent reference), again with the device errors of the
circuits operating points (the accuracy), then the CRAM ledgers (scenarios "resident" and
"streamed") and the baseline ledgers.

Headline comparison (the framing of the CRAM papers): CRAM with the data resident in the
arrays against the processor fetching operands from DDR DRAM (``cpu_ddr4_45nm``). The other
combinations are reported next to it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from llg.errors import ParameterError, check_range

from .baseline import baseline_ledger, load_baseline
from .costs import CostModel, circuit_costs
from ..sim.executor import ErrorModel, RunResult, run
from .ledger import SCENARIOS, Ledger, cram_ledger, load_peripherals
from ..sim.program import schedule
from .techdata import DataCard
from .workloads import Workload, get_workload

HEADLINE_SCENARIO = "resident"
HEADLINE_BASELINE = "cpu_ddr4_45nm"
DEFAULT_BASELINES = ("cpu_ddr4_45nm", "near_memory_hbm2", "near_memory_16nm", "gpu_h100_sxm")
#: Largest accuracy loss (absolute) to device errors for a configuration to count as working.
ACCURACY_TOLERANCE = 0.01


@dataclass
class Setup:
    """Everything an evaluation depends on (SI units inside the cards)."""

    device: str
    table: str | None
    technology: object
    periphery: DataCard
    baselines: list
    costs: CostModel
    target_error: float
    seed: int = 0
    sim_rows: int = 1024        # rows simulated per workload (statistics of the accuracy)
    system: DataCard | None = None     # die capacity, power budget, control (data/system)
    drivers: DataCard | None = None    # drivers and supply conversion (data/drivers)

    @property
    def rows(self) -> int:
        return int(self.periphery["array.rows"])

    @property
    def cols(self) -> int:
        return int(self.periphery["array.cols"])

    def describe(self) -> dict:
        return {"device": self.device, "table": self.table,
                "technology": getattr(self.technology, "name", str(self.technology)),
                "periphery": self.periphery.name,
                "baselines": [b.name for b in self.baselines],
                "target_error": self.target_error, "seed": self.seed,
                "rows": self.rows, "cols": self.cols,
                "system": self.system.name if self.system is not None else None,
                "drivers": self.drivers.name if self.drivers is not None else None,
                "die_capacity": self.system["die.capacity"] if self.system else None,
                "power_budget": self.system["die.power_budget"] if self.system else None,
                "costs": self.costs.summary()}


def make_setup(device: str = "default", table: str | None = None, *,
               periphery: str = "cram_45nm", baselines=DEFAULT_BASELINES,
               target_error: float = 1e-6, rows: int | None = None, seed: int = 0,
               costs: CostModel | None = None, system: str | None = None,
               drivers: str | None = None) -> Setup:
    """Load the cards and the circuits cost model (``rows`` overrides the card's rows;
    ``system`` / ``drivers`` override the cards the peripherals card names)."""
    from circuits.technology import load_technology

    from .drivers import load_drivers
    from .system import load_system

    check_range("target_error", target_error, "", 0.0, 0.5, lo_open=True,
                what="gate error rate the circuits optimizer aims for")
    per = load_peripherals(periphery)
    if rows is not None:
        per = per.with_values(array__rows=int(check_range("rows", rows, "", 1, 1 << 20,
                                                          what="rows per array")))
    tech = load_technology(per.meta.get("technology", "45nm"))
    bls = [load_baseline(b) for b in baselines]
    # the cards first: a bad card fails before the slow circuits run
    sysc = load_system(system or per.meta.get("system", "cram_die_45nm"))
    drv = load_drivers(drivers or per.meta.get("drivers", "cram_45nm"))
    if costs is None:
        costs = circuit_costs(str(device), table, int(per["array.rows"]), float(target_error),
                              tech.name)
    return Setup(str(device), table, tech, per, bls, costs, float(target_error), int(seed),
                 system=sysc, drivers=drv)


@dataclass
class WorkloadResult:
    """One workload on CRAM and the baselines."""

    workload: Workload
    functional_ok: bool
    accuracy_perfect: float
    accuracy_errors: float | None
    run: RunResult
    cram: dict                      # scenario -> Ledger
    baseline: dict                  # baseline card name -> Ledger
    stats: dict = field(default_factory=dict)
    error_note: str = ""
    parallelism: object = None      # arrays.energy.system.Parallelism (None: pending)
    costs: object = None            # the CostModel the ledgers used

    @property
    def name(self) -> str:
        return self.workload.name

    def complete(self, scenario: str = HEADLINE_SCENARIO) -> bool:
        return not self.cram[scenario].pending

    @property
    def computes_correctly(self) -> bool:
        """True if, with the operating points' device errors, the accuracy stays within one
        point of the perfect-mode accuracy (CRAM numbers of a failing array prove nothing)."""
        return self.accuracy_errors is not None and \
            self.accuracy_errors >= self.accuracy_perfect - ACCURACY_TOLERANCE

    def per_item(self, ledger: Ledger) -> tuple:
        n = self.workload.n_items
        return ledger.energy / n, ledger.latency

    def ratio(self, scenario=HEADLINE_SCENARIO, baseline=HEADLINE_BASELINE) -> dict:
        """Energy ratio (baseline / CRAM) and speedup; None where CRAM is incomplete."""
        c, b = self.cram[scenario], self.baseline[baseline]
        ok = not c.pending
        return {"energy_ratio": b.energy / c.energy if ok and c.energy > 0 else None,
                "speedup": b.latency / c.latency if ok and c.latency > 0 else None,
                "energy_ratio_upper_bound": (b.energy / c.energy if not ok and c.energy > 0
                                             else None),
                "complete": ok}

    @property
    def gates_meet_target(self) -> bool:
        """True if every gate this workload uses (and both writes) meets the target error."""
        costs = self.costs
        if costs is None:
            return False
        used = set(self.run.gate_evaluations)
        bad = set(costs.off_target) | set(costs.infeasible)
        return not (used & bad) and not any(k.startswith("write") for k in bad) \
            and all(g in costs.gates for g in used)

    def to_json(self, scenario=HEADLINE_SCENARIO, baseline=HEADLINE_BASELINE) -> dict:
        c, b = self.cram[scenario], self.baseline[baseline]
        r = self.ratio(scenario, baseline)
        par = self.parallelism
        return {"name": self.name,
                "gates_meet_target": self.gates_meet_target,
                "parallel_arrays": c.structure.get("parallel_arrays"),
                "parallel_arrays_source": (par.source if par is not None else
                                           "fixed by the caller"),
                "parallelism": par.to_json() if par is not None else None,
                "ledger": c.to_dict(), "baseline_ledger": b.to_dict(),
                "cram_energy": c.energy if r["complete"] else None,
                "baseline_energy": b.energy,
                "energy_ratio": r["energy_ratio"],
                "cram_latency": c.latency if r["complete"] else None,
                "baseline_latency": b.latency,
                "speedup": r["speedup"],
                "accuracy": self.accuracy_errors,
                "n_items": self.workload.n_items, "scenario": scenario, "baseline": baseline,
                "functional_ok": self.functional_ok,
                "accuracy_perfect": self.accuracy_perfect,
                "computes_correctly": self.computes_correctly,
                "cram_power": c.energy / c.latency if r["complete"] and c.latency > 0
                else None,
                "pending": list(c.pending)}


def program_stats(program) -> dict:
    sch = schedule(program)
    return {"gates": program.n_gates(), "gate_counts": program.gate_counts(),
            "cell_writes_per_row": program.n_cell_writes(), "columns": program.n_cols,
            "gate_cycles": len(sch.gate_sequence), "write_cycles": len(sch.write_cycles)}


def evaluate(workload: Workload | str, setup: Setup, *, utilization: float = 1.0,
             with_errors: bool = True) -> WorkloadResult:
    """Run ``workload`` on a simulated array and book both sides (see module docstring)."""
    wl = get_workload(workload) if isinstance(workload, str) else workload
    inst = wl.make(setup.sim_rows, setup.cols, setup.seed)
    perfect_state = inst.state.copy()
    res = run(inst.program, perfect_state, errors=None)
    acc_perfect = inst.score(perfect_state)
    functional_ok = bool(inst.check(perfect_state))
    acc_err, note = None, ""
    used = set(inst.program.gate_counts())
    if with_errors and setup.costs.has_gates(used):
        em = setup.costs.error_model()
        if inst.score_errors is not None:
            acc_err = inst.score_errors(em, setup.seed + 1)
        else:
            err_state = inst.state.copy()
            run(inst.program, err_state, errors=em, seed=setup.seed + 1)
            acc_err = inst.score(err_state)
        if not setup.costs.writes:
            note = "preset write errors not included (write costs pending in circuits)"
    elif with_errors:
        missing = sorted(used - set(setup.costs.gates))
        note = f"no error model for {', '.join(missing)} (circuits operating point missing)"
    cram, par = cram_ledgers(wl, inst.program, res, setup, utilization)
    base = {b.name: baseline_ledger(wl.name, wl.baseline, wl.n_items, b)
            for b in setup.baselines}
    return WorkloadResult(wl, functional_ok, acc_perfect, acc_err, res, cram, base,
                          program_stats(inst.program), note, par, setup.costs)


def cram_ledgers(wl: Workload, program, res: RunResult, setup: Setup,
                 utilization: float = 1.0, parallel: int | None = None) -> tuple:
    """({scenario: Ledger}, Parallelism) of a workload.

    Parallelism (:mod:`arrays.energy.system`): one array's power is its energy per pass
    (cells, lines, decoders, drivers) over the pass time, from a first ledger with one
    array; the die's capacity and power budget then give the arrays computing at once, and
    the ledgers are booked with that count. ``parallel`` fixes the count instead.
    """
    from .system import parallel_arrays

    def book(sc, p):
        led = cram_ledger(workload=wl.name, program=program, run=res, costs=setup.costs,
                          periphery=setup.periphery, technology=setup.technology,
                          n_items=wl.n_items, scenario=sc, in_bits_per_item=wl.in_bits,
                          out_bits_per_item=wl.out_bits_for(sc), utilization=utilization,
                          parallel_arrays=p, drivers=setup.drivers, system=setup.system)
        if getattr(wl, "extra", None) is not None:
            wl.extra(led, setup, sc, wl.n_items)
        return led

    par = None
    if parallel is None and setup.system is not None:
        one = book(HEADLINE_SCENARIO, 1)
        st = one.structure
        power = 0.0 if one.pending or st["t_pass"] <= 0 else \
            st["array_energy_per_pass"] / st["t_pass"]
        par = parallel_arrays(setup.system, setup.rows, setup.cols, power)
        parallel = par.count
    return {sc: book(sc, int(parallel or 1)) for sc in SCENARIOS}, par


def accuracy_vs_error(workload: Workload | str, setup: Setup, rates, *,
                      presets: bool = True) -> np.ndarray:
    """Fraction of items correct when every gate (and preset) fails with probability p."""
    wl = get_workload(workload) if isinstance(workload, str) else workload
    inst = wl.make(setup.sim_rows, setup.cols, setup.seed)
    out = []
    for i, p in enumerate(rates):
        em = ErrorModel.uniform(float(p), presets=presets)
        if inst.score_errors is not None:
            out.append(inst.score_errors(em, setup.seed + 100 + i))
            continue
        st = inst.state.copy()
        run(inst.program, st, errors=em, seed=setup.seed + 100 + i)
        out.append(inst.score(st))
    return np.array(out)


def sensitivity(result: WorkloadResult, setup: Setup, parameter: str, factors,
                scenario=HEADLINE_SCENARIO, baseline=HEADLINE_BASELINE) -> np.ndarray:
    """Energy ratio (baseline / CRAM) when one quantity is scaled by each factor.

    parameter: "cell" (gate and write energies: the switching energy), "periphery" (line
    charging and decoders), "utilization" (fraction of each array's rows holding items; the
    factor is the utilization itself), "dram" (the baseline's DRAM energy per access),
    "converter" (the switched-capacitor converter's efficiency; the factor is the efficiency
    itself), "ops" (a processor baseline's operation, instruction and cache energies: all but
    its DRAM traffic, e.g. a node-scaling factor). The ledgers are linear in these
    quantities, so no re-simulation is needed.
    """
    c, b = result.cram[scenario], result.baseline[baseline]
    cats_c = c.by_category()
    out = []
    for f in factors:
        f = float(f)
        if parameter == "cell":
            ec = c.energy + (f - 1) * cats_c.get("cell", 0.0)
            eb = b.energy
        elif parameter == "periphery":
            ec = c.energy + (f - 1) * cats_c.get("periphery", 0.0)
            eb = b.energy
        elif parameter == "dram":
            ec = c.energy
            eb = b.energy + (f - 1) * sum(i.energy for i in b.items if i.key == "dram")
        elif parameter == "ops":
            ec = c.energy
            eb = b.energy + (f - 1) * sum(i.energy for i in b.items if i.key != "dram")
        elif parameter == "converter":
            from .supply import conversion_loss_at

            loss = sum(i.energy for i in c.items if i.key == "supply_conversion")
            ec = c.energy - loss + conversion_loss_at(c, setup.drivers, f)
            eb = b.energy
        elif parameter == "utilization":
            leds, _ = cram_ledgers(result.workload, _program_of(result, setup), result.run,
                                   setup, utilization=f,
                                   parallel=c.structure.get("parallel_arrays", 1))
            ec, eb = leds[scenario].energy, b.energy
        else:
            raise ParameterError(f"sensitivity parameter {parameter!r} unknown; known: cell, "
                                 "periphery, utilization, dram, converter, ops")
        out.append(eb / ec if ec > 0 else math.nan)
    return np.array(out)


def _program_of(result: WorkloadResult, setup: Setup):
    return result.workload.make(setup.sim_rows, setup.cols, setup.seed).program
