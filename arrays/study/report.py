"""``cramsim report``: where does CRAM's advantage hold? Energy, latency, accuracy, claims.

:func:`build_report` evaluates every workload (:mod:`arrays.energy.evaluate`) for one device and
switching table, writes ``DIR/report.md`` with PNG figures next to it (energy and latency per
workload, the breakdown by ledger item, accuracy vs device error rate, the sensitivity of the
energy ratio) and returns the JSON summary. The report states which published claims the
model reproduces, for which workloads and under which assumptions, and where it does not;
anything the physics layers cannot yet supply is listed as pending, never filled in.
"""
from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np

from . import plots
from . import sections
from .claims import assess_claims
from .parallelism import parallelism_markdown, parallelism_study
from .verdict import (cell_budget, speed_requirement, verdict_markdown, verdict_text,
                      workload_verdict)
from ..energy.evaluate import (HEADLINE_BASELINE, HEADLINE_SCENARIO, Setup,
                               accuracy_vs_error, evaluate, sensitivity)
from ..energy.ledger import SCENARIOS
from ..energy.workloads import WORKLOADS, get_workload

ERROR_RATES = np.array([1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1])
SENS_FACTORS = np.array([0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0])
UTIL_FACTORS = np.array([0.05, 0.1, 0.2, 0.5, 1.0])
#: Maturity scenarios the default report runs (data/scenarios; one circuits run each).
DEFAULT_SCENARIOS = ("early", "hybrid", "mature")


def _fmt(x, unit="", digits=3):
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    return f"{x:.{digits}g}{(' ' + unit) if unit else ''}"


def _write_atomic(path: Path, text: str) -> None:
    from llg.outputs import write_text_atomic

    write_text_atomic(path, text)


BUDGET_RATIOS = (10.0, 50.0)


TMR_VALUES = (1.0, 1.5, 2.5, 4.0)


def tmr_study(setup: Setup, names, values=TMR_VALUES, say=lambda m: None) -> dict:
    """Energy ratio and accuracy vs the TMR ratio (circuit-side what-if, circuits layer's
    ``circuit_overrides``; the current-driven switching table stays exact)."""
    import dataclasses

    from ..energy.costs import circuit_costs

    rows = []
    for v in values:
        say(f"TMR what-if: TMR0 = {v:g}")
        costs = circuit_costs(setup.device, setup.table, setup.rows, setup.target_error,
                              setup.technology.name, None, (("TMR0", float(v)),))
        su = dataclasses.replace(setup, costs=costs)
        for n in names:
            r = evaluate(n, su)
            q = r.ratio()
            rows.append({"workload": n, "tmr": float(v), "energy_ratio": q["energy_ratio"],
                         "energy_ratio_upper_bound": q["energy_ratio_upper_bound"],
                         "speedup": q["speedup"], "accuracy": r.accuracy_errors,
                         "computes_correctly": r.computes_correctly,
                         "off_target": sorted(costs.off_target),
                         "infeasible": sorted(costs.infeasible), "notes": list(costs.notes)})
    return {"values": [float(v) for v in values], "rows": rows}


def build_report(setup: Setup, workloads=None, out_dir: Path | None = None,
                 error_sweep: bool = True, progress=None, tmr_values=None,
                 scenarios=DEFAULT_SCENARIOS, memtech: bool = True,
                 crossbar: bool = True, quick: bool = False) -> dict:
    """Evaluate ``workloads`` (default: all) and write the report; returns the JSON dict.

    ``tmr_values``: also run the TMR what-if study at these TMR ratios (slow: one circuits
    cost model per value). ``scenarios``: maturity scenarios (data/scenarios) to run every
    workload under (one circuits cost model each; None or () skips them). ``memtech``: the
    technology comparison and the training-step study. ``crossbar``: the analog crossbar
    section (:mod:`arrays.crossbar.report`, ``quick`` passed on) if that module exists.
    """
    t0 = time.perf_counter()
    names = list(WORKLOADS) if not workloads else [get_workload(w).name for w in workloads]
    say = progress or (lambda msg: None)
    results = []
    for n in names:
        say(f"evaluating {n}")
        results.append(evaluate(n, setup))
    budgets = [{"workload": r.name, "baseline": b, **cell_budget(r, setup, x, HEADLINE_SCENARIO, b)}
               for r in results for b in r.baseline for x in BUDGET_RATIOS]
    payload = {"workloads": [r.to_json() for r in results], "cell_budgets": budgets,
               "speed_1000x": [{"workload": r.name, **(speed_requirement(r, setup) or
                                                     {"pending": True})} for r in results],
               "setup": setup.describe(),
               "pending": sorted({p for r in results for p in r.cram[HEADLINE_SCENARIO].pending}
                                 | set(setup.costs.pending))}
    if tmr_values:
        payload["tmr_study"] = tmr_study(setup, names, tmr_values, say)
    extra_md: list = []
    if scenarios:
        payload["scenarios"] = sections.scenario_study(setup, names, scenarios, say, results)
    claims = assess_claims(results, (payload.get("scenarios") or {}).get("rows", ()))
    payload["claims"] = claims
    rows = [workload_verdict(r, setup, payload.get("scenarios")) for r in results]
    payload["verdict"] = verdict_text(rows, claims, setup)
    payload["verdict_table"] = rows
    payload["parallelism"] = parallelism_study(results, setup)
    cb_md = None
    if crossbar:
        cb_md, payload["crossbar"] = _crossbar_section(out_dir, quick, say)
    if memtech:
        payload["memtech"] = sections.memtech_study(results, setup, say,
                                                    payload.get("crossbar"))
    if out_dir is not None:
        out_dir = Path(out_dir)
        figs = _figures(results, setup, out_dir, error_sweep, say)
        if tmr_values:
            figs["tmr"] = plots.plot_tmr(payload["tmr_study"], out_dir / "tmr.png")
        if "scenarios" in payload:
            extra_md += sections.scenario_markdown(payload["scenarios"], sections.plot_scenarios(
                payload["scenarios"], out_dir / "scenarios.png"))
        if "memtech" in payload:
            extra_md += sections.memtech_markdown(payload["memtech"], sections.plot_memtech(
                payload["memtech"], out_dir / "memtech.png"))
        if crossbar:
            if not (cb_md or "").lstrip().startswith("#"):   # the section brings its own
                extra_md += ["## Analog MRAM crossbar", ""]
            extra_md += [cb_md or payload["crossbar"].get("pending", ""), ""]
        md = _markdown(results, setup, claims, figs, payload, extra_md)
        _write_atomic(out_dir / "report.md", md)
        payload["report"] = str(out_dir / "report.md")
    payload["seconds"] = time.perf_counter() - t0
    return payload


def _crossbar_section(out_dir, quick, say):
    """(markdown, dict) of :func:`arrays.crossbar.report.report_section`, or a clear
    'pending' entry while that module does not exist."""
    try:
        from ..crossbar.report import report_section
    except ImportError as exc:
        why = (f"pending: the analog crossbar section needs arrays.crossbar.report."
               f"report_section, which is not available ({type(exc).__name__}: {exc})")
        return None, {"pending": why}
    say("analog crossbar section")
    md, data = report_section(Path(out_dir) if out_dir is not None else None, quick=quick)
    return md, data


# -- figures --------------------------------------------------------------------------------
def _figures(results, setup, out_dir, error_sweep, say) -> dict:
    figs = {}
    names = [r.name for r in results]
    e_series, l_series, hatch_e, hatch_l = {}, {}, {}, {}
    words = {"resident": "CRAM, data already in the arrays",
             "streamed": "CRAM, data streamed in from the host"}
    for sc in SCENARIOS:
        lab = words.get(sc, f"CRAM {sc}")
        e_series[lab] = [r.cram[sc].energy / r.workload.n_items for r in results]
        l_series[lab] = [r.cram[sc].latency for r in results]
        hatch_e[lab] = hatch_l[lab] = [bool(r.cram[sc].pending) for r in results]
    for b in setup.baselines:
        lab = b.description or b.name
        e_series[lab] = [r.baseline[b.name].energy / r.workload.n_items for r in results]
        l_series[lab] = [r.baseline[b.name].latency for r in results]
    figs["energy"] = plots.plot_bars(names, e_series, out_dir / "energy_per_item.png",
                                     "energy per item (J)", "energy per item (hatched: CRAM "
                                     "ledger incomplete, a lower bound)", hatch_e)
    figs["latency"] = plots.plot_bars(names, l_series, out_dir / "latency.png",
                                      f"latency for {results[0].workload.n_items} items (s)",
                                      "workload latency (hatched: incomplete)", hatch_l)
    rows = []
    for r in results:
        rows.append((f"{r.name}: CRAM",
                     {_short_label(i.label): i.energy for i in r.cram[HEADLINE_SCENARIO].items}))
        rows.append((f"{r.name}: processor + DDR4",
                     {_short_label(i.label): i.energy
                      for i in r.baseline[HEADLINE_BASELINE].items}))
    figs["breakdown"] = plots.plot_breakdown(rows, out_dir / "breakdown.png",
                                             "where the energy goes (per ledger item)")
    if error_sweep:
        say("accuracy vs device error rate")
        curves = {r.name: accuracy_vs_error(r.workload, setup, ERROR_RATES) for r in results}
        by_err: dict = {}
        for r in results:      # the error line of the gates each workload uses
            used = [g for g in r.run.gate_evaluations if g in setup.costs.gates]
            if used:
                e = max(float(np.max(setup.costs.gates[g].error_by_pattern)) for g in used)
                by_err.setdefault(e, []).append(r.name)
        op = {f"largest gate error of {', '.join(n)}": e for e, n in by_err.items()}
        figs["accuracy"] = plots.plot_accuracy(ERROR_RATES, curves, out_dir / "accuracy.png",
                                               op)
        figs["accuracy_data"] = {k: v.tolist() for k, v in curves.items()}
    complete = [r for r in results if r.complete()]
    if complete:
        panels = {}
        for param, factors, xlabel in (
                ("cell", SENS_FACTORS, "switching (gate + write) energy scale"),
                ("periphery", SENS_FACTORS, "periphery (lines, decoders) scale"),
                ("utilization", UTIL_FACTORS, "array row utilization"),
                ("dram", SENS_FACTORS, "baseline DRAM energy scale")):
            panels[param] = (factors, xlabel, {r.name: sensitivity(r, setup, param, factors)
                                               for r in complete})
        figs["sensitivity"] = plots.plot_sensitivity(panels, out_dir / "sensitivity.png")
        figs["sensitivity_data"] = {p: {"factors": v[0].tolist(),
                                        "ratios": {k: x.tolist() for k, x in v[2].items()}}
                                    for p, v in panels.items()}
    return figs


def _short_label(label: str) -> str:
    """A ledger item's label in words, short enough for a legend."""
    return label.split(" (")[0][:48]


# -- markdown -------------------------------------------------------------------------------
def _markdown(results, setup, claims, figs, payload, extra=()) -> str:
    c = setup.costs
    L = ["# CRAM vs conventional processing: where does the advantage hold?", "",
         f"Device `{setup.device}`, switching table `{setup.table or 'shipped default'}`, "
         f"technology `{setup.technology.name}`, periphery `{setup.periphery.name}` "
         f"({setup.rows} x {setup.cols} arrays; the arrays computing at once derived from "
         f"die `{setup.system.name if setup.system else '—'}` per workload), drivers "
         f"`{setup.drivers.name if setup.drivers else '—'}`, baselines "
         f"{', '.join('`' + b.name + '`' for b in setup.baselines)}; "
         f"gate target error {setup.target_error:g}; seed {setup.seed}.", ""]
    L += verdict_markdown(payload["verdict_table"], payload["verdict"])
    L += ["## Status of the physics inputs", ""]
    if c.meets_target:
        L.append("All gates and both write values have operating points meeting the target "
                 "error rate; every CRAM number below comes from them.")
    else:
        if c.pending:
            L += ["Pending (not yet provided by the circuits layer; the affected ledger items "
                  "are left out and marked, never estimated):", ""]
            L += [f"* {p}" for p in c.pending]
            L.append("")
        if c.infeasible:
            L += ["Gates and writes without any operating point at this array size "
                  f"({setup.rows} rows share each column line; shorter arrays, e.g. "
                  "`cramsim report --rows 64`, reduce the IR drop):", ""]
            L += [f"* **{g}**: {why}" for g, why in c.infeasible.items()]
            L.append("")
        if c.off_target:
            L += ["Gates whose best operating point misses the target error (their real, "
                  "higher error rates are used):", ""]
            L += [f"* **{g}**: {why}" for g, why in c.off_target.items()]
            L.append("")
    L += ["## Summary (headline: CRAM with data resident in the arrays vs a processor reading "
          f"DDR DRAM, `{HEADLINE_BASELINE}`)", "",
          "| workload | items | CRAM J/item | baseline J/item | energy ratio | CRAM latency |"
          " baseline latency | speedup | accuracy (device errors) | accuracy (perfect) | "
          "array = reference |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        cl, bl = r.cram[HEADLINE_SCENARIO], r.baseline[HEADLINE_BASELINE]
        q = r.ratio()
        n = r.workload.n_items
        ce = _fmt(cl.energy / n, "J") if q["complete"] else f"≥ {_fmt(cl.energy / n, 'J')}"
        tag = "" if r.gates_meet_target else " (gates fail)"
        ratio = _fmt(q["energy_ratio"]) + "x" + tag if q["complete"] else \
            (f"≤ {_fmt(q['energy_ratio_upper_bound'])}x" if q["energy_ratio_upper_bound"]
             else "pending")
        L.append(f"| {r.name} | {n} | {ce} | {_fmt(bl.energy / n, 'J')} | {ratio} | "
                 f"{_fmt(cl.latency, 's') if q['complete'] else 'pending'} | "
                 f"{_fmt(bl.latency, 's')} | "
                 f"{_fmt(q['speedup'])}{'x' + tag if q['speedup'] else ''}"
                 f" | {_fmt(r.accuracy_errors) if r.accuracy_errors is not None else 'pending'}"
                 f" | {_fmt(r.accuracy_perfect)} | {'yes' if r.functional_ok else '**NO**'} |")
    L += ["", "Energy ratio = baseline energy / CRAM energy; speedup = baseline latency / CRAM "
          "latency, for the whole workload. '≥' / '≤': the CRAM ledger is incomplete (pending "
          "items left out), so its energy is a lower bound and the ratio an upper bound. "
          "Accuracy = fraction of items whose result is exactly right (classification "
          "accuracy for bnn_digits) with errors drawn at the circuits operating points; "
          "'array = reference': the perfect-mode array result equals the independent numpy "
          "reference bit for bit.", ""]
    L += ["## All scenarios and baselines", "",
          "| workload | scenario | baseline | energy ratio | speedup |", "|---|---|---|---|---|"]
    for r in results:
        for sc in SCENARIOS:
            for b in r.baseline:
                q = r.ratio(sc, b)
                tag = "" if r.gates_meet_target else " (gates fail)"
                er = _fmt(q["energy_ratio"]) + tag if q["complete"] else \
                    f"≤ {_fmt(q['energy_ratio_upper_bound'])} (incomplete)"
                L.append(f"| {r.name} | {sc} | {b} | {er} | {_fmt(q['speedup'])}{tag} |")
    L += ["", "Scenarios: " + "; ".join(f"**{k}**: {v}" for k, v in SCENARIOS.items()) + ".",
          ""]
    L += ["## What a cell would have to cost: the energy budget for 10x and 50x", "",
          "Largest mean energy per cell event (one gate evaluation or one cell write in one "
          "row) at which CRAM beats the baseline by 10x or 50x, given this workload's gate "
          "count, the periphery and the data movement (the non-cell items of the CRAM "
          "ledger); '—': impossible even with free cells. Compare with the circuits "
          "layer's actual mean energy per event.", "",
          "| workload | baseline | cell events per item | budget for 10x (J) | budget for "
          "50x (J) | actual (circuits, J) |", "|---|---|---|---|---|---|"]
    for r in results:
        for b in r.baseline:
            b10, b50 = (cell_budget(r, setup, x, HEADLINE_SCENARIO, b) for x in BUDGET_RATIOS)
            note = "" if b10["other_complete"] else " (periphery partly pending)"
            L.append(f"| {r.name} | {b} | {_fmt(b10['events_per_item'])} | "
                     f"{_fmt(b10['budget'])}{note} | {_fmt(b50['budget'])} | "
                     f"{_fmt(b10['actual'])} |")
    L += ["", "Arrays that must compute at once for a 1000x speedup over "
          f"`{HEADLINE_BASELINE}` (against those the die's capacity and power budget allow), "
          "the cells that is, and the power those arrays draw:", "",
          "| workload | arrays now | arrays needed | cells (bits) | power (W) | note |",
          "|---|---|---|---|---|---|"]
    for r in results:
        q = speed_requirement(r, setup)
        if q is None:
            L.append(f"| {r.name} | | pending | | | CRAM latency pending |")
        else:
            L.append(f"| {r.name} | {q['arrays_now']} | {q['arrays_needed'] or '—'} | "
                     f"{_fmt(q.get('cells'))} | "
                     f"{_fmt(q['power'])} | {q['reason']} |")
    L += ["", "Scenario: data resident in the arrays. Streamed data pays the host interface "
          "per operand bit, which alone is comparable to the DRAM traffic it replaces, so the "
          "streamed budgets are smaller or negative (see the scenario table).", ""]
    L += ["## The published claims", "",
          "Each claim as published (data/claims/published.toml), what kind of figure it is, "
          "the baseline it was stated against, and whether the model reproduces it: 'yes' "
          "in its range, 'exceeds' above it (more than claimed), 'no' below it or with "
          "failing gates. Only configurations whose gates compute correctly count.", "",
          "| claim | wording (exact) | kind | vs | range | holds | why | source |",
          "|---|---|---|---|---|---|---|---|"]
    for cl in claims:
        rng = (f">= {cl['range'][0]:g}x" if math.isinf(cl['range'][1]) else
               f"{cl['range'][0]:g}-{cl['range'][1]:g}x")
        L.append(f"| {cl['claim']} | \"{cl['wording']}\" | {cl['kind']} | "
                 f"`{cl['baseline']}`{', ' + cl['scenario'] if cl['scenario'] else ''} | "
                 f"{rng} | **{cl['holds']}** | {cl['why']} | {cl['source']} |")
    L.append("")
    L += ["", "What these verdicts rest on: the energy ratio is dominated by what the baseline "
          "pays to move operands (DDR DRAM ~20 pJ/bit at the low end of Horowitz's range; HBM2 "
          "~3.9 pJ/bit) against what CRAM pays per gate (gate current and presets) times the "
          "gates per item (4 per full-adder bit); the speedup by how many arrays compute at "
          "once (derived from the die's capacity and power budget) against the baseline's "
          "memory bandwidth. The energy ratio is varied in the sensitivity figure, the "
          "speedup in the parallelism section. The published 2,500x / 1,700x figures compare "
          "one classifier with a 16 nm near-memory system (`near_memory_16nm`, a modelled "
          "stand-in: its published microarchitecture was not available); this model "
          "compares the same work item for item against sourced processor and memory "
          "energies.", ""]
    L += parallelism_markdown(payload.get("parallelism") or {}, setup)
    L += list(extra)
    L += ["## Figures", ""]
    for key, cap in (("energy", "Energy per item"), ("latency", "Latency of each workload"),
                     ("breakdown", "Breakdown by ledger item"),
                     ("accuracy", "Accuracy vs device error rate"),
                     ("sensitivity", "Sensitivity of the energy ratio (headline comparison; "
                                     "shaded: 2-5x and 10-30x, dotted: 50x)")):
        if key in figs:
            L += [f"### {cap}", "", f"![{cap}]({Path(figs[key]).name})", ""]
    if "accuracy_data" in figs:
        L += ["Fraction correct vs error probability p per gate evaluation and preset:", "",
              "| workload | " + " | ".join(f"p={p:g}" for p in ERROR_RATES) + " |",
              "|---|" + "---|" * len(ERROR_RATES)]
        for k, v in figs["accuracy_data"].items():
            L.append(f"| {k} | " + " | ".join(f"{a:.3f}" for a in v) + " |")
        L.append("")
    if "tmr_study" in payload:
        st = payload["tmr_study"]
        L += ["### TMR what-if (circuit side)", "",
              "Energy ratio (headline comparison) and accuracy with device errors when the "
              "TMR ratio of the device is changed on the circuit side only "
              "(`circuit_overrides`; the current-driven switching table stays exact).", "",
              "| workload | " + " | ".join(f"TMR {v:g}" for v in st["values"]) + " |",
              "|---|" + "---|" * len(st["values"])]
        for n in dict.fromkeys(r["workload"] for r in st["rows"]):
            cells = []
            for v in st["values"]:
                q = next(r for r in st["rows"] if r["workload"] == n and r["tmr"] == v)
                if q["energy_ratio"] is not None:
                    cells.append(f"{q['energy_ratio']:.3g}x, acc {_fmt(q['accuracy'])}")
                else:
                    cells.append("pending")
            L.append(f"| {n} | " + " | ".join(cells) + " |")
        notes = sorted({x for r in st["rows"] for x in r["notes"]})
        L += [""] + [f"* {x}" for x in notes] + [""]
        if "tmr" in figs:
            L += ["![TMR what-if](tmr.png)", ""]
    if "sensitivity" not in figs:
        L += ["The sensitivity study needs complete CRAM ledgers; it is pending with them.", ""]
    L += ["## Ledgers (headline comparison)", ""]
    for r in results:
        n = r.workload.n_items
        for led in (r.cram[HEADLINE_SCENARIO], r.baseline[HEADLINE_BASELINE]):
            tot = led.energy
            L += [f"### {r.name}: {led.system}", "",
                  f"Total {_fmt(tot, 'J')} for {n} items ({_fmt(tot / n, 'J')} per item), "
                  f"latency {_fmt(led.latency, 's')}.", "",
                  "| item | category | count | per unit (J) | energy (J) | share | source |",
                  "|---|---|---|---|---|---|---|"]
            for i in led.items:
                share = i.energy / tot if tot > 0 else math.nan
                L.append(f"| {i.label} | {i.category} | {_fmt(i.count)} | "
                         f"{_fmt(i.unit_energy)} | {_fmt(i.energy)} | {_fmt(share, '', 2)} | "
                         f"{i.source} |")
            for k, lab, s, src in led.latency_items:
                L.append(f"| latency: {lab} | time | | | {_fmt(s, 's')} | | {src} |")
            for p in led.pending:
                L.append(f"| **pending**: {p} | | | | | | |")
            L += [""] + [f"* {x}" for x in led.notes] + [""]
        st = r.stats
        L += [f"Program: {st['gates']} gates per row ({st['gate_counts']}), "
              f"{st['cell_writes_per_row']} cell writes per row, {st['columns']} columns, "
              f"{st['gate_cycles']} gate cycles + {st['write_cycles']} batched write cycles "
              "per pass." + (f" {r.error_note}." if r.error_note else ""), ""]
    L += ["## Gate operating points (circuits layer)", ""]
    if c.gates:
        L += ["| gate | V (V) | pulse (s) | latency (s) | mean energy (J) | max error |",
              "|---|---|---|---|---|---|"]
        for g, gc in c.gates.items():
            L.append(f"| {g} | {_fmt(gc.v_operating)} | {_fmt(gc.pulse_width)} | "
                     f"{_fmt(gc.latency)} | {_fmt(float(np.mean(gc.energy_by_pattern)))} | "
                     f"{_fmt(float(np.max(gc.error_by_pattern)))} |")
    else:
        L.append("None available (see the status section).")
    L += ["", "## Assumptions and what is not modelled", ""]
    L += ["* Every row of a used array evaluates every gate (the word lines that select a "
          "gate's columns run through all rows), so partly filled arrays cost full-array gate "
          "energy; presets are hoisted and batched per value between gates.",
          "* Logic-line charging is booked as an upper bound (the logic line floats below "
          "the gate voltage).",
          "* Gate and preset error rates are the circuits layer's worst-case-row values "
          "(far row for patterns that must switch, near row for those that must hold), "
          "applied to every row: a pessimistic accuracy.",
          "* Not modelled: distributing the sequencer's commands to the arrays across the die "
          "(one command energy per cycle and round is booked), periphery leakage during the run, "
          "the host's own energy while waiting; for the baseline, cache misses beyond "
          "streaming DRAM traffic and the memory controller.",
          "* Workload items are independent rows; no data moves between rows inside the "
          "array."]
    for card in [c for c in (setup.periphery, setup.system, setup.drivers, *setup.baselines) if c]:
        for s in card.sources():
            if s["source"].lower().startswith("assumption"):
                L.append(f"* `{card.name}` {s['key']} = {s['value']:g} {s['unit']}: "
                         f"{s['source']}")
    for r in results:
        for x in r.baseline[HEADLINE_BASELINE].notes:
            L.append(f"* {x}")
    L += ["", "## Every number used (data cards)", "",
          "| card | entry | value | unit | source |", "|---|---|---|---|---|"]
    for card in [c for c in (setup.periphery, setup.system, setup.drivers, *setup.baselines) if c]:
        for s in card.sources():
            L.append(f"| {card.name} | {s['key']} | {s['value']:g} | {s['unit']} | "
                     f"{s['source']} |")
    for k, q in sorted(setup.technology.sources().items()):
        L.append(f"| technology {setup.technology.name} | {k} | {q['value']:g} | {q['unit']} | "
                 f"{q['source']} |")
    L += ["", "Generated by `cramsim report`; the same numbers as JSON: "
          "`cramsim report --json`."]
    return "\n".join(L) + "\n"
