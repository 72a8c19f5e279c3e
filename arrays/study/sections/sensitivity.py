"""How the headline energy ratio moves when one assumption is scaled: the switching
energy, the periphery, the array row utilization, the baseline's DRAM energy, the supply
converter's efficiency."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ...energy.evaluate import sensitivity
from .base import Section

SCALE_FACTORS = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)     # (1)
UTILIZATIONS = (0.05, 0.1, 0.2, 0.5, 1.0)                 # fraction of rows holding items
#: switched-capacitor converter efficiencies (data/drivers: 0.81, not verified; published
#: fully integrated SC converters report roughly 70-90 % at their best points)
CONVERTER_EFFICIENCIES = (0.6, 0.7, 0.81, 0.9, 1.0)
#: parameter -> (factors, axis label), in panel order
PANELS = {"cell": (SCALE_FACTORS, "switching (gate + write) energy scale"),
          "periphery": (SCALE_FACTORS, "periphery (lines, decoders) scale"),
          "utilization": (UTILIZATIONS, "array row utilization"),
          "dram": (SCALE_FACTORS, "baseline DRAM energy scale"),
          "converter": (CONVERTER_EFFICIENCIES, "switched-capacitor converter efficiency")}
CAPTION = ("Sensitivity of the energy ratio (headline comparison; shaded: 2-5x and 10-30x, "
           "dotted: 50x)")


def _compute(ctx):
    complete = [r for r in ctx.results if r.complete()]
    if not complete:
        return {"pending": "needs complete CRAM ledgers"}
    return {p: {"factors": list(f),
                "ratios": {r.name: sensitivity(r, ctx.setup, p, np.array(f)).tolist()
                           for r in complete}}
            for p, (f, _) in PANELS.items()}


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
