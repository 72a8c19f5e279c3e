"""The itemized ledgers of the headline comparison (CRAM resident and the DDR baseline) per
workload, with each item's count, unit energy, share and source, and the program's shape."""
from __future__ import annotations

import math

from ...energy.evaluate import HEADLINE_BASELINE, HEADLINE_SCENARIO
from .base import Section, fmt


def _ledger_lines(led, n: int, name: str) -> list:
    tot = led.energy
    L = [f"### {name}: {led.system}", "",
         f"Total {fmt(tot, 'J')} for {n} items ({fmt(tot / n, 'J')} per item), "
         f"latency {fmt(led.latency, 's')}.", "",
         "| item | category | count | per unit (J) | energy (J) | share | source |",
         "|---|---|---|---|---|---|---|"]
    for i in led.items:
        share = i.energy / tot if tot > 0 else math.nan
        L.append(f"| {i.label} | {i.category} | {fmt(i.count)} | {fmt(i.unit_energy)} | "
                 f"{fmt(i.energy)} | {fmt(share, '', 2)} | {i.source} |")
    L += [f"| latency: {lab} | time | | | {fmt(s, 's')} | | {src} |"
          for k, lab, s, src in led.latency_items]
    L += [f"| **pending**: {p} | | | | | | |" for p in led.pending]
    return L + [""] + [f"* {x}" for x in led.notes] + [""]


def _program_line(r) -> str:
    st = r.stats
    return (f"Program: {st['gates']} gates per row ({st['gate_counts']}), "
            f"{st['cell_writes_per_row']} cell writes per row, {st['columns']} columns, "
            f"{st['gate_cycles']} gate cycles + {st['write_cycles']} batched write cycles "
            "per pass." + (f" {r.error_note}." if r.error_note else ""))


def _render(ctx, data) -> list:
    L = ["## Ledgers (headline comparison)", ""]
    for r in ctx.results:
        for led in (r.cram[HEADLINE_SCENARIO], r.baseline[HEADLINE_BASELINE]):
            L += _ledger_lines(led, r.workload.n_items, r.name)
        L += [_program_line(r), ""]
    return L


# the ledgers' numbers are in the JSON of the workloads; the section only renders them
LEDGERS = Section("ledgers", lambda ctx: {}, _render, json=False)
