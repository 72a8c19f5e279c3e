"""The headline table (CRAM, data resident, vs the processor reading DDR DRAM) and every
ledger scenario against every baseline."""
from __future__ import annotations

from ...energy.evaluate import HEADLINE_BASELINE, HEADLINE_SCENARIO
from ...energy.ledger import SCENARIOS
from .base import Section, fmt

_NOTE = ("Energy ratio = baseline energy / CRAM energy; speedup = baseline latency / CRAM "
         "latency, for the whole workload. '≥' / '≤': the CRAM ledger is incomplete (pending "
         "items left out), so its energy is a lower bound and the ratio an upper bound. "
         "Accuracy = fraction of items whose result is exactly right (classification "
         "accuracy for bnn_digits) with errors drawn at the circuits operating points; "
         "'array = reference': the perfect-mode array result equals the independent numpy "
         "reference bit for bit.")


def _workloads(ctx):
    """Each workload against the user's first baseline card, with its claim band and, for
    the AI workloads, energies per token/image and accuracy only where a model exists."""
    from ..ai_section import workload_json

    return [workload_json(r, ctx.setup.baselines[0].name) for r in ctx.results]


def _headline_row(r) -> str:
    cl, bl = r.cram[HEADLINE_SCENARIO], r.baseline[HEADLINE_BASELINE]
    q = r.ratio()
    n = r.workload.n_items
    ce = fmt(cl.energy / n, "J") if q["complete"] else f"≥ {fmt(cl.energy / n, 'J')}"
    tag = "" if r.gates_meet_target else " (gates fail)"
    ratio = fmt(q["energy_ratio"]) + "x" + tag if q["complete"] else \
        (f"≤ {fmt(q['energy_ratio_upper_bound'])}x" if q["energy_ratio_upper_bound"]
         else "pending")
    return (f"| {r.name} | {n} | {ce} | {fmt(bl.energy / n, 'J')} | {ratio} | "
            f"{fmt(cl.latency, 's') if q['complete'] else 'pending'} | "
            f"{fmt(bl.latency, 's')} | "
            f"{fmt(q['speedup'])}{'x' + tag if q['speedup'] else ''}"
            f" | {fmt(r.accuracy_errors) if r.accuracy_errors is not None else 'pending'}"
            f" | {fmt(r.accuracy_perfect)} | {'yes' if r.functional_ok else '**NO**'} |")


def _render_headline(ctx, data) -> list:
    L = ["## Summary (headline: CRAM with data resident in the arrays vs a processor reading "
         f"DDR DRAM, `{HEADLINE_BASELINE}`)", "",
         "| workload | items | CRAM J/item | baseline J/item | energy ratio | CRAM latency |"
         " baseline latency | speedup | accuracy (device errors) | accuracy (perfect) | "
         "array = reference |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    return L + [_headline_row(r) for r in ctx.results] + ["", _NOTE, ""]


def _all_pairs(ctx):
    """Energy ratio and speedup of every workload, ledger scenario and baseline."""
    rows = []
    for r in ctx.results:
        for sc in SCENARIOS:
            for b in r.baseline:
                q = r.ratio(sc, b)
                rows.append({"workload": r.name, "scenario": sc, "baseline": b,
                             "gates_meet_target": r.gates_meet_target, **q})
    return rows


def _render_all_pairs(ctx, rows) -> list:
    L = ["## All scenarios and baselines", "",
         "| workload | scenario | baseline | energy ratio | speedup |", "|---|---|---|---|---|"]
    for q in rows:
        tag = "" if q["gates_meet_target"] else " (gates fail)"
        er = fmt(q["energy_ratio"]) + tag if q["complete"] else \
            f"≤ {fmt(q['energy_ratio_upper_bound'])} (incomplete)"
        L.append(f"| {q['workload']} | {q['scenario']} | {q['baseline']} | {er} | "
                 f"{fmt(q['speedup'])}{tag} |")
    return L + ["", "Scenarios: " + "; ".join(f"**{k}**: {v}" for k, v in SCENARIOS.items())
                + ".", ""]


HEADLINE = Section("workloads", _workloads, _render_headline)
ALL_PAIRS = Section("all_pairs", _all_pairs, _render_all_pairs, json=False)
