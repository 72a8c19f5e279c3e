"""The energy and latency model: sourced data cards, gate costs, itemized ledgers.

Imports :mod:`arrays.sim` (programs, run results) and nothing above it.

    techdata   data cards (every number with unit and source): data/peripherals, data/baseline
    costs      CostModel: THE source of gate/write energy, error and latency (from circuits)
    ledger     Ledger, cram_ledger(): itemized energy (J) and latency (s) of a workload
    system     the die (data/system): arrays at once from capacity and power budget
    drivers    supply conversion and column drivers (data/drivers): the formulas
    supply     the ledger's driver items (supply conversion, column drivers)
    boundary   data movement and control: the system boundary every compared row pays
    baseline   baseline_ledger(): the same workload on a processor + DRAM/HBM (Horowitz 2014)
    workloads  the report's workloads (program + reference + baseline op counts)
    evaluate   make_setup(), evaluate(): functional check, accuracy, ledgers, sensitivity
"""
