"""Accuracy of every workload against a per-gate device error probability, with the
largest gate error at the circuits operating points marked."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ...energy.evaluate import accuracy_vs_error
from .base import Section

#: error probability per gate evaluation and preset swept (1)
ERROR_RATES = (1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1)
CAPTION = "Accuracy vs device error rate"


def _compute(ctx):
    if not ctx.options.error_sweep:
        return None
    ctx.say("accuracy vs device error rate")
    rates = np.array(ERROR_RATES)
    curves = {r.name: accuracy_vs_error(r.workload, ctx.setup, rates).tolist()
              for r in ctx.results}
    gates = ctx.setup.costs.gates
    by_err: dict = {}
    for r in ctx.results:      # the error line of the gates each workload uses
        used = [g for g in r.run.gate_evaluations if g in gates]
        if used:
            e = max(float(np.max(gates[g].error_by_pattern)) for g in used)
            by_err.setdefault(e, []).append(r.name)
    op = {f"largest gate error of {', '.join(n)}": e for e, n in by_err.items()}
    return {"error_rates": list(ERROR_RATES), "curves": curves, "operating": op}


def _render(ctx, d) -> list:
    from .. import plots

    fig = plots.plot_accuracy(np.array(d["error_rates"]), {k: np.array(v) for k, v in
                                                           d["curves"].items()},
                              ctx.out_dir / "accuracy.png", d["operating"])
    L = [f"### {CAPTION}", "", f"![{CAPTION}]({Path(fig).name})", "",
         "Fraction correct vs error probability p per gate evaluation and preset:", "",
         "| workload | " + " | ".join(f"p={p:g}" for p in d["error_rates"]) + " |",
         "|---|" + "---|" * len(d["error_rates"])]
    L += [f"| {k} | " + " | ".join(f"{a:.3f}" for a in v) + " |" for k, v in d["curves"].items()]
    return L + [""]


ACCURACY = Section("accuracy", _compute, _render)
