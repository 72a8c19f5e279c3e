"""How the headline energy ratio moves when one assumption is scaled: the switching
energy, the periphery, the array row utilization, the baseline's DRAM energy, the supply
converter's efficiency; and the ratio against the 16 nm near-memory stand-in (the published
claims' baseline) when its node-scaled operation energies move."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ...energy.evaluate import HEADLINE_BASELINE, sensitivity
from .base import Section

SCALE_FACTORS = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)     # (1)
UTILIZATIONS = (0.05, 0.1, 0.2, 0.5, 1.0)                 # fraction of rows holding items
#: switched-capacitor converter efficiencies (data/drivers: 0.81, not verified; published
#: fully integrated SC converters report roughly 70-90 % at their best points)
CONVERTER_EFFICIENCIES = (0.6, 0.7, 0.81, 0.9, 1.0)
#: the 16 nm near-memory card's operation energies are Horowitz's 45 nm x 0.3 (an unverified
#: node factor): scales 0.5-2 span factors 0.15-0.6
NODE_SCALES = (0.5, 1.0, 2.0)
#: panel -> (factors, axis label[, parameter, baseline]), in panel order; the parameter is
#: the panel's name and the baseline the headline one unless given
PANELS = {"cell": (SCALE_FACTORS, "switching (gate + write) energy scale"),
          "periphery": (SCALE_FACTORS, "periphery (lines, decoders) scale"),
          "utilization": (UTILIZATIONS, "array row utilization"),
          "dram": (SCALE_FACTORS, "baseline DRAM energy scale"),
          "converter": (CONVERTER_EFFICIENCIES, "SC converter efficiency"),
          "near_memory_16nm": (NODE_SCALES, "16 nm op-energy scale (node "
                               "factor 0.15-0.6)", "ops", "near_memory_16nm")}
CAPTION = ("Sensitivity of the energy ratio (headline comparison, or the baseline a panel "
           "names; shaded: 2-5x and 10-30x, dotted: 50x)")


def _compute(ctx):
    complete = [r for r in ctx.results if r.complete()]
    if not complete:
        return {"pending": "needs complete CRAM ledgers"}
    out = {}
    for p, (f, _, *how) in PANELS.items():
        param, kw = (how[0], {"baseline": how[1]}) if how else (p, {})
        ratios = {r.name: sensitivity(r, ctx.setup, param, np.array(f), **kw).tolist()
                  for r in complete if kw.get("baseline", HEADLINE_BASELINE) in r.baseline}
        if ratios:
            out[p] = {"factors": list(f), "ratios": ratios}
    return out or {"pending": "needs complete CRAM ledgers against the headline baseline"}


def _render(ctx, d) -> list:
    if "pending" in d:
        return ["The sensitivity study needs complete CRAM ledgers; it is pending with them.",
                ""]
    from .. import plots

    panels = {p: (np.array(v["factors"]), PANELS[p][1],
                  {k: np.array(x) for k, x in v["ratios"].items()}) for p, v in d.items()}
    fig = plots.plot_sensitivity(panels, ctx.out_dir / "sensitivity.png")
    return [f"### {CAPTION}", "", f"![{CAPTION}]({Path(fig).name})", ""]


SENSITIVITY = Section("sensitivity", _compute, _render)
