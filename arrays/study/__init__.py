"""The report study: ``cramsim report`` and what it compares.

Imports :mod:`arrays.energy` and :mod:`arrays.sim` (and the crossbar's report section);
nothing imports it except the CLI.

    claims            the published claims (CLAIMS) and assess_claims()
    report            build_report(): DIR/report.md with figures, and the claims verdicts
    sections          the report's scenario, technology and training sections
    scenarios         maturity scenarios (data/scenarios): device/periphery/integration what-ifs
    scaled_switching  the shipped switching table re-used exactly for another eta / TMR
    memtech           technology cards (data/memtech): SRAM CIM, ReRAM, PCM, MRAM
    training          training step vs inference: weight writes, write errors, endurance
    plots             the report's figures (matplotlib, Agg)
"""
