"""The report's sections, in the order they appear in report.md.

Each section (:class:`.base.Section`) computes its data from the :class:`.base.Context` (the
setup and the evaluated workloads, computed once by the builder) and renders its own
markdown and figures; the builder (:func:`arrays.study.report.build_report`) only loops
over :data:`SECTIONS`. A section that needs another's data asks ``ctx.data(name)``; no
section imports the builder or another section. To add a section: a module with a
``Section``, and its place in :data:`SECTIONS`.

    overview          title and setup; status of the physics inputs
    verdict           the verdict paragraph and table first (arrays.study.verdict)
    summary           the headline table; every ledger scenario against every baseline
    budgets           the cell energy budget for 10x / 50x; the arrays a 1000x speedup needs
    claims            the published claims and the configurations that reproduce them
    parallelism       arrays computing at once vs die capacity and power budget
    scenarios         maturity scenarios (data/scenarios) against the 2-5x / 10-30x / ~50x
    memtech           other memories (data/memtech); a training step vs inference
    crossbar          the analog MRAM crossbar (arrays.crossbar.report)
    ai_workloads      the paper's targeted workloads: GEMV / int8 MLP vs a GPU and a hybrid
    figures           energy and latency per workload, breakdown by ledger item
    accuracy          accuracy vs device error rate
    sensitivity       the energy ratio vs the switching, periphery, utilization, DRAM scale
    tmr               the TMR what-if (circuit side)
    ledgers           the itemized headline ledgers
    inputs            gate operating points, assumptions, every data-card number
    subcritical       the gate verdict under both sub-critical switching models (after the
                      gate operating points)
    explore           what would make it hold: the shipped design-space sweep (data/explore)
"""
from . import (accuracy, ai, budgets, claims, crossbar, explore, figures, inputs, ledgers,
               memtech, overview, parallelism, scenarios, sensitivity, subcritical, summary,
               tmr, verdict)
from .base import Context, Options, Section

SECTIONS = (overview.SETUP, verdict.VERDICT_TABLE, verdict.VERDICT, overview.STATUS,
            summary.HEADLINE, summary.ALL_PAIRS, budgets.CELL_BUDGETS, budgets.SPEED_1000X,
            claims.CLAIMS, parallelism.PARALLELISM,
            scenarios.SCENARIO_STUDY, memtech.MEMTECH, crossbar.CROSSBAR, ai.AI_WORKLOADS,
            figures.FIGURES, accuracy.ACCURACY, sensitivity.SENSITIVITY, tmr.TMR_STUDY,
            ledgers.LEDGERS, inputs.OPERATING_POINTS, subcritical.SUBCRITICAL,
            explore.EXPLORE, inputs.ASSUMPTIONS, inputs.DATA_CARDS)

__all__ = ["Context", "Options", "SECTIONS", "Section"]
