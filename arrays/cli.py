"""``cramsim report`` and ``cramsim array run``: the array layer's command-line face."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from llg import cli_params as cp
from llg.cli_util import emit_json, emit_table
from llg.errors import ParameterError, check_memory

from .sim.state import MAX_DIM

array_app = typer.Typer(help="Run CRAM programs on a simulated array.", no_args_is_help=True)

DEVICE_OPT = cp.data_file("default", "--device", "-d", kind="devices", what="device",
                          load="llg.device:load_device",
                          help="Shipped device name or TOML path.")
TABLE_OPT = cp.table_file(None, "--table", help="Switching table (HDF5) built for the device "
                          "(default: the device's shipped table).")
#: Most rows a gate's circuit network is solved for (= circuits.network.MAX_ROWS, not imported
#: to keep start-up light; tests/test_cli_guard.py pins the two).
MAX_ROWS = 65536


def report(device: str = DEVICE_OPT, table: Optional[str] = TABLE_OPT,
           workload: Optional[list[str]] = typer.Option(
               None, "--workload", "-w", help="Workload to evaluate (repeatable; default: all: "
               "add32, mul16, mac8x16, popcount64, bnn_digits)."),
           out: Path = cp.output(Path("report"), "--out", kind="dir", help="Folder for "
                                 "report.md and its PNG figures."),
           json_out: bool = typer.Option(False, "--json", help="Print the JSON summary."),
           periphery: str = cp.data_file("cram_45nm", "--periphery", kind="peripherals",
                                         what="peripherals card",
                                         load="arrays.energy.ledger:load_peripherals",
                                         help="Peripherals card (data/peripherals) name or "
                                         "path."),
           baseline: Optional[list[str]] = cp.data_file(
               None, "--baseline", kind="baseline", what="baseline card",
               load="arrays.energy.baseline:load_baseline",
               help="Baseline card(s) (data/baseline), repeatable; default cpu_ddr4_45nm and "
               "near_memory_hbm2; the first is the headline."),
           rows: Optional[int] = cp.number(None, "--rows", unit="", lo=1, hi=MAX_ROWS,
                                           integer=True, help="Rows per array (default: the "
                                           "peripherals card's)."),
           system: Optional[str] = cp.data_file(
               None, "--system", kind="system", what="system card",
               load="arrays.energy.system:load_system",
               help="System card (data/system) name or path: die capacity and power budget, "
               "from which the arrays computing at once are derived (default: the one the "
               "peripherals card names)."),
           drivers: Optional[str] = cp.data_file(
               None, "--drivers", kind="drivers", what="driver card",
               load="arrays.energy.drivers:load_drivers",
               help="Driver / supply-conversion card (data/drivers) name or path (default: "
               "the one the peripherals card names)."),
           target_error: float = cp.number(1e-6, "--target-error", unit="", lo=0.0, hi=0.5,
                                           lo_open=True, help="Gate error rate the circuits "
                                           "optimizer aims for."),
           seed: int = cp.seed("Seed for inputs and device errors."),
           no_sweep: bool = typer.Option(False, "--no-sweep", help="Skip the accuracy vs error "
                                         "rate sweep (faster)."),
           tmr_sweep: bool = typer.Option(False, "--tmr-sweep", help="Also run the TMR what-if "
                                          "study (TMR0 = 1, 1.5, 2.5, 4; slow: one circuits "
                                          "cost model per value)."),
           scenario: Optional[list[str]] = cp.data_file(
               None, "--scenario", kind="scenarios", what="scenario",
               load="arrays.study.scenarios:load_scenario", help="Maturity scenario (data/scenarios name or TOML path) "
               "to run every workload under; repeatable; default: early, hybrid, mature "
               "(one circuits run each, ~10 s)."),
           no_scenarios: bool = typer.Option(False, "--no-scenarios", help="Skip the maturity "
                                             "scenarios (faster)."),
           no_memtech: bool = typer.Option(False, "--no-memtech", help="Skip the technology "
                                           "comparison and the training-step study."),
           no_crossbar: bool = typer.Option(False, "--no-crossbar", help="Skip the analog "
                                            "crossbar section."),
           quick: bool = typer.Option(False, "--quick", help="Quick mode of the analog "
                                      "crossbar section."),
           batch: Optional[int] = cp.number(None, "--batch", unit="", lo=1, hi=1 << 16,
                                            integer=True, help="Tokens per batch for "
                                            "the gemv8_<N>x<K> workloads (GEMM; the GPU "
                                            "reads the weights once per batch).")):
    """Compare CRAM with a conventional processor on every workload and write DIR/report.md.

    Energy and latency per workload for CRAM (data resident in the arrays, or streamed in) and
    the baselines, their ratios, the breakdown by ledger item, accuracy with device errors,
    the sensitivity of the energy ratio, and which published claims the model reproduces.
    --json prints {"verdict" (text), "verdict_table", "workloads": [{"name", "cram_energy"
    (J), "baseline_energy" (J), "energy_ratio", "cram_latency" (s), "baseline_latency" (s),
    "speedup", "accuracy", "gates_meet_target", "parallel_arrays",
    "parallel_arrays_source", "ledger" (items with "category")}...], "claims": [{"claim",
    "wording", "source", "kind" (measured|simulated|projected), "holds" (yes|no|exceeds),
    "why"}...], "parallelism", "setup", "pending", "scenarios" (every workload per maturity
    scenario, with verdicts against the claims), "memtech" (technology cards, stateful-logic comparison,
    training step), "crossbar"} (null where a CRAM number is pending).
    """
    from .energy.evaluate import DEFAULT_BASELINES, make_setup
    from .study.report import build_report
    from .energy.workloads import get_workload

    if batch is not None:
        from .energy.ai import check_batch
        check_batch(batch)
    workload = [get_workload(w, batch if w.startswith("gemv8_") else None).name
                for w in workload or []] or None     # unknown names fail before slow work
    from .study.report import DEFAULT_SCENARIOS
    from .study.scenarios import load_scenario

    scs = () if no_scenarios else tuple(scenario or DEFAULT_SCENARIOS)
    for sc in scs:
        load_scenario(sc)        # so does a bad scenario
    from .energy.baseline import load_baseline
    from .energy.drivers import load_drivers
    from .energy.system import load_system

    for b in baseline or []:
        load_baseline(b)         # and a bad card
    if system:
        load_system(system)
    if drivers:
        load_drivers(drivers)
    say = (lambda m: None) if json_out else (lambda m: typer.echo(m, err=True))
    say("loading cards and circuits operating points (cached per process)")
    setup = make_setup(device, table, periphery=periphery,
                       baselines=_baselines(baseline, DEFAULT_BASELINES),
                       target_error=target_error, rows=rows, seed=seed, system=system,
                       drivers=drivers)
    from .study.sections.tmr import TMR_VALUES

    payload = build_report(setup, workload, out, error_sweep=not no_sweep, progress=say,
                           tmr_values=TMR_VALUES if tmr_sweep else None, scenarios=scs,
                           memtech=not no_memtech, crossbar=not no_crossbar, quick=quick)
    if json_out:
        emit_json(payload)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="CRAM (data resident) vs " + payload["setup"]["baselines"][0])
    for col in ("workload", "CRAM J/item", "baseline J/item", "energy ratio", "speedup",
                "accuracy (errors)", "accuracy (perfect)"):
        table.add_column(col)
    for w in payload["workloads"]:
        n = w["n_items"]
        table.add_row(w["name"], _short(w["cram_energy"] / n if w["cram_energy"] else None),
                      _short(w["baseline_energy"] / n),
                      _short(w["energy_ratio"], "x") if w["energy_ratio"] else "pending",
                      _short(w["speedup"], "x") if w["speedup"] else "pending",
                      _short(w["accuracy"]), _short(w["accuracy_perfect"]))
    Console().print(table)
    for p in payload["pending"]:
        typer.echo(f"pending: {p}")
    typer.echo(f"report: {payload.get('report')}")


def _baselines(given, default) -> tuple:
    """The user's cards first (the first is the one the workload entries compare with);
    the processor headline card is kept for the sections built on it."""
    from .energy.evaluate import HEADLINE_BASELINE

    if not given:
        return tuple(default)
    return tuple(given) + (() if HEADLINE_BASELINE in given else (HEADLINE_BASELINE,))


def _short(x, suffix=""):
    return "-" if x is None else f"{x:.3g}{suffix}"


@array_app.command("run")
def array_run(program: str = typer.Option(..., "--program", "-p", help="Program: fa, add<n>, "
                                           "mul<n>, mac<n>x<k>, popcount<n>, xnor<n>, or a "
                                           "whole int8 GEMV gemv8_<N>x<K> (all its rows)."),
              rows: Optional[int] = cp.number(
                  None, "--rows", unit="", lo=1, hi=MAX_ROWS, integer=True,
                  help="Array rows, all active (default: the peripherals card's, the "
                  "sub-array size the report uses)."),
              cols: int = cp.number(1024, "--cols", unit="", lo=1, hi=MAX_DIM, integer=True,
                                    help="Array columns."),
              errors: str = typer.Option("off", "--errors", help="on: inject the circuits "
                                         "operating points' per-pattern errors; off: perfect."),
              device: str = DEVICE_OPT, table: Optional[str] = TABLE_OPT,
              target_error: float = cp.number(1e-6, "--target-error", unit="", lo=0.0,
                                              hi=0.5, lo_open=True,
                                              help="Gate error-rate target for circuits."),
              ledger: bool = typer.Option(True, "--ledger/--no-ledger", help="Book energy and "
                                          "latency (needs the circuits operating points)."),
              seed: int = cp.seed("Seed for inputs and errors."),
              json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Run one program on random inputs in every row; check it against numpy; book its ledger.

    JSON: {"program", "rows", "cols", "gates", "gate_counts", "cycles", "check":
    {"correct_fraction", "matches_reference"}, "errors": {"on", "injected", ...},
    "ledger" (one array pass, J and s), "wall_time" (s), "gate_bit_ops_per_s"}.
    """
    import numpy as np

    from circuits.technology import load_technology

    from .energy.costs import circuit_costs
    from .energy.evaluate import program_stats
    from .sim.executor import run
    from .energy.ledger import cram_ledger, load_peripherals
    from .sim.programs import build
    from .sim.state import ArrayState

    if errors not in ("on", "off"):
        raise ParameterError(f"--errors = {errors!r} is invalid; valid: on, off")
    from .energy.ai import parse_gemv

    shape = parse_gemv(program)
    if shape is not None:
        return _gemv_run(shape, cols=cols, errors=errors, device=device, table=table,
                        target_error=target_error, ledger=ledger, seed=seed,
                        json_out=json_out)
    per_card = load_peripherals()
    if rows is None:
        rows = int(per_card["array.rows"])
    k = build(program)
    # the state is one bit per cell in uint64 words; the run keeps about two such copies
    check_memory(f"--rows {rows} x --cols {cols}", 2 * cols * 8 * -(-rows // 64),
                 "use fewer --rows or --cols")
    state = ArrayState(rows, cols)
    k.program.check_fits(cols)
    rng = np.random.default_rng(seed)
    inputs = k.make_inputs(rng, rows)
    for op, c in k.program.operands.items():
        state.write_uint(c, inputs[op])
    used = tuple(sorted(k.program.gate_counts()))
    costs = None
    if errors == "on" or ledger:
        costs = circuit_costs(device, table, rows, target_error, None, used)
        _require_operating_points(costs, used, rows, program, device, table, target_error)
    em = None
    if errors == "on":
        em = costs.error_model()
    res = run(k.program, state, errors=em, seed=seed)
    ref = k.reference(inputs)
    ok = np.ones(rows, dtype=bool)
    for r, want in ref.items():
        ok &= state.read_uint(k.program.results[r]) == want
    st = program_stats(k.program)
    out = {"program": k.program.name, "description": k.description, "rows": rows,
           "cols": cols, "gates": st["gates"], "gate_counts": st["gate_counts"],
           "columns_used": st["columns"],
           "cycles": {"gate": st["gate_cycles"], "write": st["write_cycles"]},
           "check": {"correct_fraction": float(ok.mean()),
                     "matches_reference": bool(ok.all())},
           "errors": {"on": errors == "on", "injected": res.injected_errors,
                      "write_failures": res.write_failures,
                      "source": em.source if em else None},
           "wall_time": res.wall_time,
           "gate_bit_ops_per_s": res.total_gate_evaluations / res.wall_time
           if res.wall_time > 0 else None}
    if ledger:
        from .energy.drivers import load_drivers
        from .energy.system import load_system

        per = per_card.with_values(array__rows=rows, array__cols=cols)
        tech = load_technology(per.meta.get("technology", "45nm"))
        led = cram_ledger(workload=k.program.name, program=k.program, run=res, costs=costs,
                          periphery=per, technology=tech, n_items=rows,
                          drivers=load_drivers(per.meta.get("drivers", "cram_45nm")),
                          system=load_system(per.meta.get("system", "cram_die_45nm")))
        out["ledger"] = led.to_dict()
        out["costs"] = costs.summary()
    if json_out:
        emit_json(out)
        return
    emit_table(f"{k.program.name} on {rows} x {cols}", [
        ("gates per row", st["gates"]), ("gate cycles", st["gate_cycles"]),
        ("write cycles", st["write_cycles"]),
        ("correct rows", f"{int(ok.sum())} of {rows} ({100 * ok.mean():.4g} %)"),
        ("injected errors", sum(res.injected_errors.values())),
        ("gate-bit-ops/s", out["gate_bit_ops_per_s"] or 0.0)])
    if ledger:
        led_d = out["ledger"]
        emit_table("ledger (one array pass)", [(i["label"], i["energy"], "J")
                                               for i in led_d["items"]] +
                   [("total", led_d["energy"], "J"), ("latency", led_d["latency"], "s")])
        for p in led_d["pending"]:
            typer.echo(f"pending: {p}", err=True)
    if not ok.all() and errors == "off":
        typer.echo("error: perfect-mode result differs from the numpy reference", err=True)
        sys.exit(1)


def _gemv_run(shape, *, cols, errors, device, table, target_error, ledger, seed, json_out):
    """``array run --program gemv8_<N>x<K>``: the whole small GEMV, every row simulated (the
    report's mac8x<k> row program, :mod:`arrays.sim.gemv`), outputs reduced and checked
    against numpy's integer matmul, its ledger booked through the workload's own hooks."""
    import numpy as np

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
            ("gates per row", stats["gates"])] +
            ([("energy per token", out["ledger"]["energy"] / b, "J")] if ledger else []))
    if not ok.all() and errors == "off":
        typer.echo("error: perfect-mode result differs from the numpy reference", err=True)
        sys.exit(1)


def _require_operating_points(costs, used, rows, program, device, table, target_error):
    """A size where some gate or write of ``program`` has no circuits operating point is an
    error naming --rows and the largest power-of-two size that works (never a ledger of
    decoders alone)."""
    from .energy.costs import circuit_costs

    def missing(c):
        bad = [g for g in used if g not in c.gates]
        bad += [k for k in c.infeasible if k.startswith("write")]
        return bad

    bad = missing(costs)
    if not bad and not costs.pending:
        return
    first = next((costs.infeasible[g] for g in bad if g in costs.infeasible), "")
    why = (f"{', '.join(bad)}" + (f"; e.g. {first.split(' (')[0]}" if first else "")) \
        if bad else "; ".join(costs.pending)
    best = None
    r = 1 << (max(1, rows - 1).bit_length() - 1)      # largest power of two below rows
    while r >= 1 and best is None:
        if not missing(circuit_costs(device, table, r, target_error, None, used)):
            best = r
        r //= 2
    hint = f"the largest size that works is --rows {best}" if best else \
        "no array size down to 1 row works for this device"
    raise ParameterError(f"--rows = {rows}: no circuits operating point for {program} "
                         f"({why}); {hint}")


def register(app: typer.Typer) -> None:
    """Attach ``report`` and ``array run`` to the top-level app."""
    app.command("report")(report)
    app.add_typer(array_app, name="array")
