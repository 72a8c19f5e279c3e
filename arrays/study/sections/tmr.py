"""TMR what-if (circuit side): the energy ratio and accuracy when only the circuit sees a
different TMR ratio (the current-driven switching stays exact: resistances do not enter it)."""
from __future__ import annotations

import dataclasses

from ...energy.costs import circuit_costs
from ...energy.evaluate import Setup, evaluate
from .base import Section, fmt, switching_words

TMR_VALUES = (1.0, 1.5, 2.5, 4.0)       # TMR0 (1) of the what-if (--tmr-sweep)


def tmr_study(setup: Setup, names, values=TMR_VALUES, say=lambda m: None) -> dict:
    """Energy ratio and accuracy vs the TMR ratio (circuit-side what-if, circuits layer's
    ``circuit_overrides``, gates and writes; the current-driven switching stays exact)."""
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


def _compute(ctx):
    values = ctx.options.tmr_values
    return tmr_study(ctx.setup, ctx.names, values, ctx.say) if values else None


def _cell(q) -> str:
    if q["energy_ratio"] is None:
        return "pending"
    return f"{q['energy_ratio']:.3g}x, acc {fmt(q['accuracy'])}"


def _render(ctx, st) -> list:
    from .. import plots

    L = ["### TMR what-if (circuit side)", "",
         "Energy ratio (headline comparison) and accuracy with device errors when the "
         "TMR ratio of the device is changed on the circuit side only "
         "(`circuit_overrides`, gates and preset writes; the current-driven switching stays "
         f"exact). Switching: {switching_words(ctx.setup.costs)}.", "",
         "| workload | " + " | ".join(f"TMR {v:g}" for v in st["values"]) + " |",
         "|---|" + "---|" * len(st["values"])]
    for n in dict.fromkeys(r["workload"] for r in st["rows"]):
        cells = [_cell(next(r for r in st["rows"] if r["workload"] == n and r["tmr"] == v))
                 for v in st["values"]]
        L.append(f"| {n} | " + " | ".join(cells) + " |")
    notes = sorted({x for r in st["rows"] for x in r["notes"]})
    plots.plot_tmr(st, ctx.out_dir / "tmr.png")
    return L + [""] + [f"* {x}" for x in notes] + ["", "![TMR what-if](tmr.png)", ""]


TMR_STUDY = Section("tmr_study", _compute, _render)
