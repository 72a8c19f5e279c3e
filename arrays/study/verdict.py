"""The report's opening: a one-paragraph verdict and, per workload, the energy ratio and the
speedup, whether the gates it uses work, and what must change (as factors) for 10x and 50x.

* cell-event energy: the largest mean energy per gate evaluation or cell write at which CRAM
  still beats the baseline by 10x / 50x (:func:`cell_budget`), over the actual one;
* gate error: the largest error rate of the gates the workload uses over the target;
* TMR: the smallest maturity scenario TMR at which the workload's gates meet the target;
* parallelism: the sub-arrays needed for a 10x / 50x speedup (:func:`speed_requirement`)
  over those the die's capacity and power budget allow (data/system), and the power
  budget that would take.

Every ratio computed with gates that miss their target carries "(gates fail)" next to it.
"""
from __future__ import annotations

import math

import numpy as np

from llg.errors import ParameterError

from ..energy.evaluate import HEADLINE_BASELINE, HEADLINE_SCENARIO

TARGETS = (10.0, 50.0)


def cell_budget(result, setup, ratio: float, scenario=HEADLINE_SCENARIO,
                baseline=HEADLINE_BASELINE) -> dict:
    """Largest mean energy per cell event (gate evaluation or cell write) for CRAM to beat
    the baseline by ``ratio`` on this workload.

    ``E_base / ratio = E_other + events_per_item * e_cell``, with E_other the CRAM ledger's
    non-cell items per item (periphery, column drivers, control, data movement) and events
    counted per computing row (all rows of a used array compute); the supply conversion is
    proportional to the cell energy, so the budget is per event at the pulse source.
    Independent of the circuits numbers, so it answers "what would a device have to reach"
    even while they are pending.
    """
    n = result.workload.n_items
    c = result.cram[scenario]
    e_base = result.baseline[baseline].energy / n
    # supply conversion scales with the pulse energies: it rides on each cell event
    scaled = {i.key for i in c.items if i.category == "cell"} | {"supply_conversion"}
    e_other = sum(i.energy for i in c.items if i.key not in scaled) / n
    e_cell = sum(i.energy for i in c.items if i.category == "cell")
    conv = sum(i.energy for i in c.items if i.key == "supply_conversion")
    overhead = 1.0 + (conv / e_cell if e_cell > 0 else 0.0)
    A = result.run.active_rows
    per_row = (result.run.total_gate_evaluations + sum(result.run.cell_writes.values())) / A
    passes = math.ceil(n / setup.rows)
    events = per_row * passes * setup.rows / n
    budget = (e_base / ratio - e_other) / (events * overhead)
    actual = None
    cells = [i.energy for i in c.items if i.category == "cell"]
    if not c.pending and cells:
        actual = sum(cells) / n / events
    return {"ratio": ratio, "budget": budget if budget > 0 else None, "events_per_item": events,
            "other_per_item": e_other, "actual": actual, "other_complete": not c.pending,
            "conversion_overhead": overhead}


def speed_requirement(result, setup, speedup: float = 1000.0, scenario=HEADLINE_SCENARIO,
                      baseline=HEADLINE_BASELINE) -> dict | None:
    """Arrays computing at once needed for ``speedup`` over the baseline, the CRAM power
    that implies (W) and the factor over the arrays the die allows. None while pending.

    CRAM latency = ceil(passes / P) t_pass + t_io; the host-interface time t_io does not
    shrink with P, so the speedup is impossible if t_io alone exceeds the target latency.
    """
    c = result.cram[scenario]
    if c.pending:
        return None
    st, n = c.structure, result.workload.n_items
    passes, t_pass, t_io = st["passes"], st["t_pass"], st["t_io"]
    have = st["parallel_arrays"]
    target = result.baseline[baseline].latency / speedup
    base = {"speedup": speedup, "arrays_now": have, "arrays_needed": None, "power": None,
            "factor": None}
    if t_io >= target:
        return {**base, "short": "impossible: host transfers alone are slower",
                "reason": f"the host interface alone takes {t_io:.3g} s > "
                f"{target:.3g} s, at any size (both scale with the item count)"}
    if t_pass > target - t_io:
        n_min = math.ceil(n * t_pass / (target - t_io))
        return {**base, "min_items": n_min,
                "short": f"impossible at {n} items: one array pass ({t_pass:.2g} s) is "
                         f"longer than the target time ({target:.2g} s)",
                "reason": f"one array pass takes {t_pass:.3g} s > the target {target:.3g} s "
                          f"at {n} items; needs >= {n_min:.3g} items"}
    arrays = math.ceil(passes / math.floor((target - t_io) / t_pass))
    p_array = st["array_energy_per_pass"] / t_pass if t_pass > 0 else 0.0
    return {**base, "arrays_needed": arrays, "power": arrays * p_array,
            "factor": arrays / have, "cells": arrays * setup.rows * setup.cols, "reason": ""}


def _max_gate_error(result) -> float | None:
    costs = result.costs
    used = [g for g in result.run.gate_evaluations if costs is not None and g in costs.gates]
    if not used:
        return None
    errs = [float(np.max(costs.gates[g].error_by_pattern)) for g in used]
    errs += [w.error for w in costs.writes.values()]
    return max(errs)


def _tmr_needed(name, scenario_study) -> str:
    if not scenario_study:
        return "not studied (--no-scenarios)"
    ok = [r for r in scenario_study["rows"] if r["workload"] == name and r["claim"]
          and r.get("gates_meet_target")]
    tmr = {m["name"]: next((s["value"] for s in m["sources"] if s["key"] == "device.TMR0"),
                           None) for m in scenario_study["scenarios"]}
    vals = sorted(tmr[r["scenario"]] for r in ok if tmr.get(r["scenario"]) is not None)
    if vals:
        return f"TMR {100 * vals[0]:.0f} % ({'scenario ' + ok[0]['scenario']})"
    top = max((v for v in tmr.values() if v is not None), default=None)
    return "more than " + (f"{100 * top:.0f} %" if top else "the scenarios'") + \
        " (no scenario's gates meet the target)"


def workload_verdict(result, setup, scenario_study=None) -> dict:
    """One row of the verdict table (module docstring), JSON-able."""
    q = result.ratio()
    ok = result.gates_meet_target
    err = _max_gate_error(result)
    row = {"workload": result.name, "energy_ratio": q["energy_ratio"],
           "speedup": q["speedup"], "gates_meet_target": ok,
           "computes_correctly": result.computes_correctly,
           "parallel_arrays": result.cram[HEADLINE_SCENARIO].structure.get("parallel_arrays"),
           "parallel_arrays_source": (result.parallelism.source
                                      if result.parallelism is not None else None),
           "gate_error": err, "gate_error_factor": (err / setup.target_error
                                                    if err is not None else None),
           "tmr_needed": _tmr_needed(result.name, scenario_study), "targets": {},
           "energy_ratio_linear_regulator": ratio_with_topology(result, setup, "linear")}
    for x in TARGETS:
        b = cell_budget(result, setup, x)
        s = speed_requirement(result, setup, x)
        row["targets"][f"{x:g}x"] = {
            "cell_energy_factor": (b["actual"] / b["budget"]
                                   if b["budget"] and b["actual"] else None),
            "cell_budget": b["budget"], "cell_actual": b["actual"],
            "parallelism_factor": s and s["factor"], "arrays_needed": s and s["arrays_needed"],
            "power_needed": s and s["power"],
            "speed_reason": s and (s.get("short") or s["reason"])}
    return row


def ratio_with_topology(result, setup, topology: str) -> float | None:
    """Energy ratio (headline) with the drivers card's converter topology forced (e.g.
    ``"linear"``): the supply-conversion sensitivity; the parallelism is kept."""
    import dataclasses

    from ..energy.evaluate import _program_of, cram_ledgers

    c = result.cram[HEADLINE_SCENARIO]
    if c.pending or setup.drivers is None:
        return None
    drv = dataclasses.replace(setup.drivers, meta={**setup.drivers.meta,
                                                   "topology": topology})
    try:
        leds, _ = cram_ledgers(result.workload, _program_of(result, setup), result.run,
                               dataclasses.replace(setup, drivers=drv),
                               parallel=c.structure["parallel_arrays"])
    except ParameterError:                  # e.g. a pulse above V_DD: no linear regulator
        return None
    e = leds[HEADLINE_SCENARIO].energy
    return result.baseline[HEADLINE_BASELINE].energy / e if e > 0 else None


def mark(value, ok: bool, suffix="x") -> str:
    """A ratio with "(gates fail)" next to it when computed with failing gates."""
    if value is None:
        return "pending"
    return f"{value:.3g}{suffix}" + ("" if ok else " (gates fail)")


def verdict_text(rows, claims, setup) -> str:
    """The one-paragraph verdict, generated from the table and the claims."""
    working = [r for r in rows if r["gates_meet_target"]]
    failing = [r for r in rows if not r["gates_meet_target"]]
    best_e = max((r for r in rows if r["energy_ratio"]), key=lambda r: r["energy_ratio"],
                 default=None)
    parts = [f"On device `{setup.device}` with {setup.rows} x {setup.cols} sub-arrays, "]
    if failing and not working:
        errs = [r["gate_error"] for r in rows if r["gate_error"] is not None]
        parts.append("no workload's gates reach the target error "
                     f"{setup.target_error:g} (largest gate error "
                     f"{max(errs):.2g}), so every CRAM ratio below comes from failing gates "
                     "and its results are wrong. ")
    elif failing:
        parts.append(f"the gates work for {', '.join(r['workload'] for r in working)} and "
                     f"fail for {', '.join(r['workload'] for r in failing)}. ")
    else:
        parts.append("every workload's gates meet the target error. ")
    if best_e is not None:
        parts.append(f"The ledger's largest energy ratio against `{HEADLINE_BASELINE}` is "
                     f"{mark(best_e['energy_ratio'], best_e['gates_meet_target'])} "
                     f"({best_e['workload']}); the range over workloads is "
                     + ", ".join(f"{r['workload']} "
                                 f"{mark(r['energy_ratio'], r['gates_meet_target'])}"
                                 for r in rows) + ". ")
    held = [c for c in claims if c["holds"] in ("yes", "exceeds")]
    parts.append("Of the published claims, " + (
        ", ".join(f"`{c['claim']}` {'holds' if c['holds'] == 'yes' else 'is exceeded'}"
                  for c in held) if held else "none holds")
        + f" ({len(claims) - len(held)} of {len(claims)} do not: see 'The published claims'). ")
    lim = sorted({r["parallel_arrays_source"] for r in rows if r["parallel_arrays_source"]})
    if lim:
        parts.append("Speed is set by the sub-arrays computing at once, derived from the die's "
                     f"capacity and power budget (limited by: {', '.join(lim)}).")
    return "".join(parts)


def verdict_markdown(rows, text) -> list:
    L = ["## Verdict", "", text, "",
         f"Per workload, data resident in the arrays vs `{HEADLINE_BASELINE}`. "
         "'(gates fail)': computed with gates that miss the target error. Factors: how much "
         "the quantity must change (cell-event energy: must fall by; gate error: must fall "
         "by; parallelism: sub-arrays needed for that speedup over those the die allows).",
         "", "| workload | energy ratio | speedup | gates meet target | parallel arrays | "
         "cell energy / for 10x | cell energy / for 50x | gate error / target | TMR needed "
         "| arrays for 10x speed | arrays for 50x speed |",
         "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ok = r["gates_meet_target"]
        t10, t50 = r["targets"]["10x"], r["targets"]["50x"]

        def cf(t):
            if t["cell_budget"] is None:
                return "impossible (the rest alone exceeds it)"
            return "—" if t["cell_energy_factor"] is None else \
                f"{t['cell_energy_factor']:.3g}x lower" if t["cell_energy_factor"] > 1 else "met"

        def pf(t):
            if t["parallelism_factor"] is None:
                return t["speed_reason"] or "pending"
            if t["parallelism_factor"] <= 1:
                return "met"
            return f"{t['parallelism_factor']:.3g}x more ({t['power_needed']:.3g} W)"

        ge = "—" if r["gate_error_factor"] is None else f"{r['gate_error_factor']:.3g}x"
        L.append(f"| {r['workload']} | {mark(r['energy_ratio'], ok)} | "
                 f"{mark(r['speedup'], ok)} | {'yes' if ok else '**no**'} | "
                 f"{r['parallel_arrays']} ({r['parallel_arrays_source']}) | {cf(t10)} | "
                 f"{cf(t50)} | {ge} | {r['tmr_needed']} | {pf(t10)} | {pf(t50)} |")
    lin = [f"{r['workload']} {mark(r['energy_ratio_linear_regulator'], r['gates_meet_target'])}"
           for r in rows if r.get("energy_ratio_linear_regulator")]
    if lin:
        L += ["", "Supply conversion is a design choice: per voltage the model uses the converter "
              "with the smaller loss (data/drivers). With linear regulators instead (loss "
              "E (V_DD / V - 1)) the energy ratios would be: " + ", ".join(lin) + "."]
    return L + [""]
