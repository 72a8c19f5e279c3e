"""``cramsim array run --program gemv8_<N>x<K>``: a whole int8 GEMV, every row simulated.

The small instance of the report's ``gemv8_4096x4096``: the same ``mac8x<k>`` row program
(:mod:`arrays.sim.gemv`), all N K / k rows on one simulated array, the outputs reduced and
checked against numpy's integer matmul, and the ledger of the whole product booked with the
report's sub-array size (data/peripherals) through the workload's own hooks.
"""
from __future__ import annotations

import sys

import numpy as np
import typer

from llg.cli_util import emit_json, emit_table


def gemv_run(shape, *, cols, errors, device, table, target_error, ledger, seed, json_out):
    from .energy.ai import gemv_workload
    from .energy.evaluate import cram_ledgers, make_setup, program_stats
    from .sim import gemv as G
    from .sim.executor import run

    n, k, b = shape
    wl = gemv_workload(n, k, b, cols)
    G.check_memory(n * k // G.terms_per_row(k, cols), cols, f"--program {wl.name}",
                   G.instance_bytes(n, k, cols))      # before any allocation
    rng = np.random.default_rng(seed)
    w, x = G.random_int8(rng, (n, k)), G.random_int8(rng, k)
    inst = G.GemvInstance(w, x, cols)
    setup = make_setup(device, table, target_error=target_error, seed=seed,
                       baselines=("gpu_h100_sxm",)) if (ledger or errors == "on") else None
    em = setup.costs.error_model() if errors == "on" else None
    st = inst.state.copy()
    res = run(inst.program, st, errors=em, seed=seed)
    y, want = inst.outputs(st), G.reference(w, x)
    ok = y == want
    stats = program_stats(inst.program)
    out = {"program": wl.name, "description": wl.description, "rows": inst.state.rows,
           "cols": cols, "terms_per_row": inst.terms, "rows_per_output": inst.chunks,
           "row_program": inst.program.name, "gates_per_row": stats["gates"],
           "gate_counts": stats["gate_counts"],
           "cycles": {"gate": stats["gate_cycles"], "write": stats["write_cycles"]},
           "check": {"correct_fraction": float(ok.mean()), "matches_reference": bool(ok.all()),
                     "reference": "numpy int64 W @ x wrapped to int32"},
           "errors": {"on": errors == "on", "injected": res.injected_errors},
           "wall_time": res.wall_time}
    if ledger:
        leds, par = cram_ledgers(wl, inst.program, res, setup)
        out["ledger"] = leds["resident"].to_dict()
        out["parallel_arrays"] = par.count if par is not None else None
    if json_out:
        emit_json(out)
    else:
        emit_table(f"{wl.name}: {out['rows']} rows of {inst.program.name}", [
            ("outputs correct", out["check"]["correct_fraction"]),
            ("gates per row", stats["gates"]),
            ("energy per token", out["ledger"]["energy"] / b if ledger else 0.0, "J")])
    if not ok.all() and errors == "off":
        typer.echo("error: perfect-mode result differs from the numpy reference", err=True)
        sys.exit(1)
