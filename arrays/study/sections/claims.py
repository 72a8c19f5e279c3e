"""The published claims (data/claims/published.toml): whether the model reproduces each,
judged over the workloads and the maturity scenarios (:mod:`arrays.study.claims`)."""
from __future__ import annotations

import math

from ..claims import assess_claims
from .base import Section

_BASIS = ("What these verdicts rest on: the energy ratio is dominated by what the baseline "
          "pays to move operands (DDR DRAM ~20 pJ/bit at the low end of Horowitz's range; HBM2 "
          "~3.9 pJ/bit) against what CRAM pays per gate (gate current and presets) times the "
          "gates per item (4 per full-adder bit); the speedup by how many arrays compute at "
          "once (derived from the die's capacity and power budget) against the baseline's "
          "memory bandwidth. The energy ratio is varied in the sensitivity figure, the "
          "speedup in the parallelism section. The published 2,500x / 1,700x figures compare "
          "one classifier with a 16 nm near-memory system (`near_memory_16nm`, a modelled "
          "stand-in: its published microarchitecture was not available); this model "
          "compares the same work item for item against sourced processor and memory "
          "energies.")


def _compute(ctx):
    return assess_claims(ctx.results, (ctx.data("scenarios") or {}).get("rows", ()))


def _row(cl) -> str:
    rng = (f">= {cl['range'][0]:g}x" if math.isinf(cl['range'][1]) else
           f"{cl['range'][0]:g}-{cl['range'][1]:g}x")
    return (f"| {cl['claim']} | \"{cl['wording']}\" | {cl['kind']} | "
            f"`{cl['baseline']}`{', ' + cl['scenario'] if cl['scenario'] else ''} | "
            f"{rng} | **{cl['holds']}** | {cl['why']} | {cl['source']} |")


def _render(ctx, claims) -> list:
    L = ["## The published claims", "",
         "Each claim as published (data/claims/published.toml), what kind of figure it is, "
         "the baseline it was stated against, and whether the model reproduces it: 'yes' "
         "in its range, 'exceeds' above it (more than claimed), 'no' below it or with "
         "failing gates. Only configurations whose gates compute correctly count.", "",
         "| claim | wording (exact) | kind | vs | range | holds | why | source |",
         "|---|---|---|---|---|---|---|---|"]
    return L + [_row(cl) for cl in claims] + ["", "", _BASIS, ""]


CLAIMS = Section("claims", _compute, _render)
