"""The report's figures of energy and latency per workload and the energy breakdown by
ledger item (the accuracy, sensitivity and TMR sections add theirs below)."""
from __future__ import annotations

from pathlib import Path

from ...energy.evaluate import HEADLINE_BASELINE, HEADLINE_SCENARIO
from ...energy.ledger import SCENARIOS
from .base import Section

WORDS = {"resident": "CRAM, data already in the arrays",
         "streamed": "CRAM, data streamed in from the host"}


def _short_label(label: str) -> str:
    """A ledger item's label in words, short enough for a legend."""
    return label.split(" (")[0][:48]


def _compute(ctx):
    """Energy per item (J) and latency (s) per system and workload; energy per ledger item
    (J) of the headline pair."""
    res = ctx.results
    energy, latency, lower_bound = {}, {}, {}
    for sc in SCENARIOS:
        lab = WORDS.get(sc, f"CRAM {sc}")
        energy[lab] = [r.cram[sc].energy / r.workload.n_items for r in res]
        latency[lab] = [r.cram[sc].latency for r in res]
        lower_bound[lab] = [bool(r.cram[sc].pending) for r in res]
    for b in ctx.setup.baselines:
        lab = b.description or b.name
        energy[lab] = [r.baseline[b.name].energy / r.workload.n_items for r in res]
        latency[lab] = [r.baseline[b.name].latency for r in res]
    breakdown = []
    for r in res:
        breakdown.append((f"{r.name}: CRAM", {_short_label(i.label): i.energy
                                              for i in r.cram[HEADLINE_SCENARIO].items}))
        breakdown.append((f"{r.name}: processor + DDR4", {
            _short_label(i.label): i.energy for i in r.baseline[HEADLINE_BASELINE].items}))
    return {"energy": energy, "latency": latency, "lower_bound": lower_bound,
            "breakdown": breakdown}


def _render(ctx, d) -> list:
    from .. import plots

    names, out = ctx.names, ctx.out_dir
    figs = [("Energy per item", plots.plot_bars(
                names, d["energy"], out / "energy_per_item.png", "energy per item (J)",
                "energy per item (hatched: CRAM ledger incomplete, a lower bound)",
                d["lower_bound"])),
            ("Latency of each workload", plots.plot_bars(
                names, d["latency"], out / "latency.png",
                f"latency for {ctx.results[0].workload.n_items} items (s)",
                "workload latency (hatched: incomplete)", d["lower_bound"])),
            ("Breakdown by ledger item", plots.plot_breakdown(
                d["breakdown"], out / "breakdown.png",
                "where the energy goes (per ledger item)"))]
    L = ["## Figures", ""]
    for cap, path in figs:
        L += [f"### {cap}", "", f"![{cap}]({Path(path).name})", ""]
    return L


FIGURES = Section("figures", _compute, _render, json=False)
