"""``cramsim explore run | frontier | plot``: design-space sweeps from device physics."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from llg.cli_util import emit_json, emit_table

explore_app = typer.Typer(help="Design-space exploration: which device and circuit make the "
                          "CRAM gates reliable and the energy ratio reach 10x / 50x.",
                          no_args_is_help=True)


@explore_app.command("run")
def run(config: Path = typer.Option(..., "--config", "-c", help="Sweep config TOML (see "
                                    "data/explore/default.toml)."),
        out: Path = typer.Option(..., "--out", "-o", help="Result file, .h5."),
        workers: int = typer.Option(1, "--workers", "-w", help="Local worker processes "
                                    "(1: this process)."),
        scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler "
                                                "address (tcp://host:8786) instead of local "
                                                "workers."),
        resume: bool = typer.Option(False, "--resume", help="Continue from OUT.checkpoint."),
        overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing OUT "
                                       "(only once the new result is complete)."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Evaluate every design of CONFIG (device -> retention -> FP gates -> workloads) and
    write one HDF5 dataset (dims = the swept axes) atomically to OUT.

    JSON: {"designs", "out", "seconds", "computed", "reused", "gates", "points": [{"params",
    "delta", "retention_time" (s), "max_gate_error": {gate: e}, "energy_ratio": {workload:
    r}, "speedup": {workload: s}, "feasible", "reason"}]}.
    """
    from .config import load_config
    from .run import run_sweep

    cfg = load_config(config)
    summary = run_sweep(cfg, out, workers=workers, scheduler=scheduler, resume=resume,
                        overwrite=overwrite, progress=not json_out)
    if json_out:
        emit_json(summary)
        return
    rows = [(f"{i}: " + ", ".join(f"{k}={v:.3g}" for k, v in p["params"].items()),
             "ok" if p["feasible"] else "no", p["reason"][:90])
            for i, p in enumerate(summary["points"])]
    emit_table(f"explore {cfg.name}: {summary['designs']} designs in "
               f"{summary['seconds']:.1f} s -> {summary['out']}", rows)


@explore_app.command("frontier")
def frontier_cmd(result: Path = typer.Argument(..., help="Result file of `explore run`."),
                 json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Along each axis, the smallest value where all gates of a workload meet the target,
    and where, in addition, the energy ratio reaches 10x and 50x (None: nowhere)."""
    from .frontier import frontier
    from .store import read_result

    fr = frontier(read_result(result))
    if json_out:
        emit_json(fr)
        return
    rows = []
    for w, e in fr["workloads"].items():
        rows.append((w, "gates work anywhere", str(e["gates_work_anywhere"])))
        rows += [(w, f"reachable {k}", str(v)) for k, v in e["reachable"].items()]
        rows.append((w, "max energy ratio", str(e["max_energy_ratio"])))
        for axis, a in e["axes"].items():
            for what in [k for k in a if k != "units"]:
                vals = [r["smallest"] for r in a[what]]
                rows.append((w, f"smallest {axis} ({a['units']}): {what}",
                             ", ".join("-" if v is None else f"{v:.3g}" for v in vals)))
    for g, e in fr["gates"].items():
        rows.append((g, "works anywhere / least max error",
                     f"{e['works_anywhere']} / {e['least_max_error']:.3g}"))
        for axis, lst in e["axes"].items():
            rows.append((g, f"smallest {axis} where it works",
                         ", ".join("-" if r["smallest"] is None else f"{r['smallest']:.3g}"
                                   for r in lst)))
    emit_table(f"frontier (target error {fr['target_error']:g})", rows)


@explore_app.command("plot")
def plot(result: Path = typer.Argument(..., help="Result file of `explore run`."),
         out: Path = typer.Option(..., "--out", "-o", help="Directory for the PNGs."),
         x: Optional[str] = typer.Option(None, "--x", help="Axis across (default: first)."),
         y: Optional[str] = typer.Option(None, "--y", help="Axis up (default: second)."),
         json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Heat maps of the max gate error and the energy ratio over two axes, per workload."""
    from .plots import heatmaps
    from .store import read_result

    paths = heatmaps(read_result(result), out, x, y)
    if json_out:
        emit_json({"files": [str(p) for p in paths]})
        return
    for p in paths:
        typer.echo(str(p))


def register(app: typer.Typer) -> None:
    """Attach ``cramsim explore ...`` to the top-level app."""
    app.add_typer(explore_app, name="explore")
