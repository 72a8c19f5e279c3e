"""``cramsim explore run | frontier | plot``: design-space sweeps from device physics."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from llg import cli_params as cp
from llg.cli_util import emit_json, emit_table

RESULT_HELP = ("Result file of `explore run` (.h5), or a shipped name in data/explore "
               "(default: the shipped sweep).")


def result_path(text: str) -> Path:
    """A result path, or data/explore/NAME.h5 for a bare name."""
    from llg.paths import data_dir

    if Path(text).suffix or "/" in text:
        return Path(text)
    return data_dir() / "explore" / f"{text}.h5"


class ResultFile:
    """Parse-time check of a result argument: a path must be a cramsim explore result (a bare
    name is resolved and read in the command, like the shipped tables)."""

    def __call__(self, value):
        from .store import read_result

        text = str(value)
        if Path(text).suffix or "/" in text:
            from llg.errors import ParameterError

            try:
                read_result(Path(text))
            except ParameterError as exc:
                raise ParameterError(f"RESULT: {exc}") from None
        return text


class AxisName:
    """Parse-time check of an axis name: a device or circuit key (whether it is swept in the
    result is checked against the file)."""

    def __init__(self, flag: str):
        self.flag = flag

    def __call__(self, value):
        from .config import CIRCUIT_KEYS, _device_numeric_keys, _unknown

        text = str(value)
        known = list(_device_numeric_keys()) + list(CIRCUIT_KEYS)
        if text not in known:
            raise _unknown(text, known, self.flag)
        return text


explore_app = typer.Typer(help="Design-space exploration: which device and circuit make the "
                          "CRAM gates reliable and the energy ratio reach 10x / 50x.",
                          no_args_is_help=True)


@explore_app.command("run")
def run(config: str = cp.data_file(..., "--config", "-c", kind="explore",
                                  what="explore config",
                                  load="arrays.explore.config:load_config",
                                  help="Sweep config TOML (path, or a shipped name in "
                                  "data/explore, e.g. default)."),
        out: Path = cp.output(..., "--out", "-o", suffixes=(".h5", ".hdf5"),
                              help="Result file, .h5."),
        workers: int = cp.number(1, "--workers", "-w", unit="", lo=1, hi=1024, integer=True,
                                 help="Local worker processes (1: this process)."),
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
def frontier_cmd(result: str = typer.Argument(..., parser=ResultFile(), help=RESULT_HELP),
                 json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Along each axis, the smallest value where all gates of a workload meet the target,
    and where, in addition, the energy ratio reaches 10x and 50x (None: nowhere)."""
    from .frontier import frontier
    from .store import read_result

    fr = frontier(read_result(result_path(result)))
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
def plot(result: str = typer.Argument(..., parser=ResultFile(), help=RESULT_HELP),
         out: Path = cp.output(..., "--out", "-o", kind="dir", help="Directory for the PNGs."),
         x: Optional[str] = typer.Option(None, "--x", parser=AxisName("--x"),
                                         help="Axis across (default: the first swept)."),
         y: Optional[str] = typer.Option(None, "--y", parser=AxisName("--y"),
                                         help="Axis up (default: the second swept)."),
         json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Heat maps of the max gate error and the energy ratio over two axes, per workload."""
    from .plots import heatmaps
    from .store import read_result

    paths = heatmaps(read_result(result_path(result)), out, x, y)
    if json_out:
        emit_json({"files": [str(p) for p in paths]})
        return
    for p in paths:
        typer.echo(str(p))


def register(app: typer.Typer) -> None:
    """Attach ``cramsim explore ...`` to the top-level app."""
    app.add_typer(explore_app, name="explore")
