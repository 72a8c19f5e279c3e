"""What a cell would have to cost for 10x and 50x, and how many arrays a 1000x speedup
would need (with the power that implies)."""
from __future__ import annotations

from ...energy.evaluate import HEADLINE_BASELINE, HEADLINE_SCENARIO
from ..verdict import cell_budget, speed_requirement
from .base import Section, fmt

BUDGET_RATIOS = (10.0, 50.0)


def _budgets(ctx):
    return [{"workload": r.name, "baseline": b,
             **cell_budget(r, ctx.setup, x, HEADLINE_SCENARIO, b)}
            for r in ctx.results for b in r.baseline for x in BUDGET_RATIOS]


def _render_budgets(ctx, rows) -> list:
    L = ["## What a cell would have to cost: the energy budget for 10x and 50x", "",
         "Largest mean energy per cell event (one gate evaluation or one cell write in one "
         "row) at which CRAM beats the baseline by 10x or 50x, given this workload's gate "
         "count, the periphery and the data movement (the non-cell items of the CRAM "
         "ledger); '—': impossible even with free cells. Compare with the circuits "
         "layer's actual mean energy per event.", "",
         "| workload | baseline | cell events per item | budget for 10x (J) | budget for "
         "50x (J) | actual (circuits, J) |", "|---|---|---|---|---|---|"]
    by = {(q["workload"], q["baseline"], q["ratio"]): q for q in rows}
    for r in ctx.results:
        for b in r.baseline:
            b10, b50 = (by[(r.name, b, x)] for x in BUDGET_RATIOS)
            note = "" if b10["other_complete"] else " (periphery partly pending)"
            L.append(f"| {r.name} | {b} | {fmt(b10['events_per_item'])} | "
                     f"{fmt(b10['budget'])}{note} | {fmt(b50['budget'])} | "
                     f"{fmt(b10['actual'])} |")
    return L


def _speed(ctx):
    return [{"workload": r.name, **(speed_requirement(r, ctx.setup) or {"pending": True})}
            for r in ctx.results]


def _render_speed(ctx, rows) -> list:
    L = ["", "Arrays that must compute at once for a 1000x speedup over "
         f"`{HEADLINE_BASELINE}` (against those the die's capacity and power budget allow), "
         "the cells that is, and the power those arrays draw:", "",
         "| workload | arrays now | arrays needed | cells (bits) | power (W) | note |",
         "|---|---|---|---|---|---|"]
    for q in rows:
        if q.get("pending"):
            L.append(f"| {q['workload']} | | pending | | | CRAM latency pending |")
        else:
            L.append(f"| {q['workload']} | {q['arrays_now']} | {q['arrays_needed'] or '—'} | "
                     f"{fmt(q.get('cells'))} | {fmt(q['power'])} | {q['reason']} |")
    return L + ["", "Scenario: data resident in the arrays. Streamed data pays the host "
                "interface per operand bit, which alone is comparable to the DRAM traffic it "
                "replaces, so the streamed budgets are smaller or negative (see the scenario "
                "table).", ""]


CELL_BUDGETS = Section("cell_budgets", _budgets, _render_budgets)
SPEED_1000X = Section("speed_1000x", _speed, _render_speed)
