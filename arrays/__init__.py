"""Array-level CRAM: simulation of gate programs, energy and latency ledgers, the report.

Four sub-packages, imports in one direction only (``tests/test_arrays_layout.py``)::

    sim/       the bit-level simulator: state, gates, program, kernels, executor, programs, bnn
    energy/    the energy/latency model and its cards: techdata, costs, ledger, baseline,
               workloads, evaluate                                      (imports sim)
    study/     the report study: claims, report, sections, scenarios, scaled_switching,
               memtech, training, plots                       (imports energy and sim)
    crossbar/  the analog MTJ crossbar, its report section and ``cramsim crossbar``
               (stands beside them; uses energy's cards and sim's BNN, never study)
    cli        ``cramsim report``, ``cramsim array run``

Example::

    >>> import numpy as np
    >>> from arrays import ArrayState, build, run
    >>> k = build("add8")
    >>> s = ArrayState(rows=4, cols=k.program.n_cols)
    >>> s.write_uint(k.program.operands["a"], [1, 2, 200, 255])
    >>> s.write_uint(k.program.operands["b"], [1, 3, 100, 255])
    >>> _ = run(k.program, s)
    >>> s.read_uint(k.program.results["sum"]).tolist()
    [2, 5, 300, 510]

Extending to other in-memory technologies (analog crossbars, SRAM/ReRAM/PCM compute-in-
memory): reuse :mod:`.energy.workloads` (the same items and their baseline op counts; the
digits BNN via :func:`.energy.workloads.bnn_model` and :func:`.sim.bnn.load_data`),
:class:`.energy.ledger.Ledger` for the itemized ledger and :mod:`.energy.techdata` for sourced
technology cards; a new engine produces a ``{scenario: Ledger}`` and an accuracy per
workload, which the report compares against the same baseline ledgers.
"""
from llg.lazy import lazy_exports

# imported on first use (numba kernels)
__getattr__, __dir__ = lazy_exports(__name__, {
    ".sim.executor": ["ErrorModel", "RunResult", "run"],
    ".sim.programs": ["build"],
    ".sim.state": ["ArrayState"],
})

__all__ = ["ArrayState", "ErrorModel", "RunResult", "build", "run"]
