"""The report study: ``cramsim report`` and what it compares.

Imports :mod:`arrays.energy` and :mod:`arrays.sim` (and the crossbar's report section);
nothing imports it except the CLI.

    claims            the published claims (data/claims card) and assess_claims()
    verdict           the verdict paragraph and table (what must change for 10x, 50x)
    parallelism       arrays at once vs die capacity and power budget
    report            build_report(): evaluates the workloads once, loops over the sections
    sections/         the report's sections in order, each computing its data and rendering
                      its own markdown and figures (Section, Context, SECTIONS)
    scenarios         maturity scenarios (data/scenarios): device/periphery/integration what-ifs
    scaled_switching  a scenario device's switching source (its own FP grids; a --table rescaled)
    memtech           technology cards (data/memtech): SRAM CIM, ReRAM, PCM, MRAM
    training          training step vs inference: weight writes, write errors, endurance
    plots             the report's figures (matplotlib, Agg)
"""
