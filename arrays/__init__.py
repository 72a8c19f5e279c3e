"""Array-level CRAM: simulation of gate programs, energy and latency ledgers, the report.

Layers (each module one job)::

    gates      the gate library as the array sees it (fan-in, preset, switching threshold)
    state      ArrayState: rows x columns of cells, bit-packed in uint64 words by column
    program    Program / ProgramBuilder (gates with presets, column constants), schedule()
    kernels    the numba kernel: a whole program over all rows, per-pattern counts, errors
    executor   run(program, state, errors=ErrorModel | None, seed) -> RunResult
    programs   full adder (MAJ), ripple add, multiply, MAC, popcount, XNOR; build("add32")
    bnn        a binary network on sklearn's digits, trained here, run image-per-row
    costs      CostModel: THE source of gate/write energy, error and latency (from circuits)
    techdata   data cards (every number with unit and source): data/peripherals, data/baseline
    ledger     Ledger, cram_ledger(): itemized energy (J) and latency (s) of a workload
    baseline   baseline_ledger(): the same workload on a processor + DRAM/HBM (Horowitz 2014)
    workloads  the report's workloads (program + reference + baseline op counts)
    evaluate   make_setup(), evaluate(): functional check, accuracy, ledgers, sensitivity
    report     build_report(): DIR/report.md with figures, and the claims verdicts
    scenarios  maturity scenarios (data/scenarios): device/periphery/integration what-ifs
    scaled_switching  the shipped switching table re-used exactly for another eta / TMR
    memtech    technology cards (data/memtech): SRAM CIM, ReRAM, PCM, MRAM (from our layers)
    training   training step vs inference: weight writes, write errors, endurance lifetime
    report_sections  the report's scenario, technology and training sections
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
memory): reuse :mod:`.workloads` (the same items and their baseline op counts; the digits BNN
via :func:`.workloads.bnn_model` and :func:`.bnn.load_data`), :class:`.ledger.Ledger` for the
itemized ledger and :mod:`.techdata` for sourced technology cards; a new engine produces a
``{scenario: Ledger}`` and an accuracy per workload, which the report compares against the
same baseline ledgers.
"""
from .executor import ErrorModel, RunResult, run
from .programs import build
from .state import ArrayState

__all__ = ["ArrayState", "ErrorModel", "RunResult", "build", "run"]
