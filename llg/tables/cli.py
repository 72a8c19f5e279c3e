"""``cramsim table build | info | query | plot``: switching lookup tables on the command line."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .. import cli_params as cp
from ..cli_util import emit_json, emit_table
from ..errors import ParameterError

table_app = typer.Typer(help="Switching lookup tables (HDF5): build them from the solver, "
                        "inspect and query them.", no_args_is_help=True)


@table_app.command("build")
def build(config: str = cp.data_file(..., "--config", "-c", kind="tables", what="table config",
                                     load="llg.tables.config:load_config",
                                     help="Table config TOML (path, or a shipped name in "
                                     "data/tables)."),
          out: Path = cp.output(..., "--out", "-o", suffixes=(".h5", ".hdf5", ".nc"),
                                help="Output table, .h5."),
          workers: Optional[int] = cp.number(
              None, "--workers", "-w", unit="", lo=1, hi=1024, integer=True,
              help="Local worker processes (default: one per CPU core; 1 runs in this "
              "process)."),
          scheduler: Optional[str] = typer.Option(
              None, "--scheduler", help="Dask scheduler address (tcp://host:8786) instead of "
              "local workers; the cluster's workers need cramsim installed."),
          resume: bool = typer.Option(False, "--resume", help="Continue from OUT.checkpoint, "
                                      "computing only the missing points."),
          overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing OUT "
                                         "(only once the new table is complete)."),
          json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Compute every grid point of CONFIG and write the table atomically to OUT.

    Local default: a process pool with one worker per CPU core. Each point's seed is the
    child of the config's seed at the point's index, so the table is bit-identical for any
    --workers or --scheduler. Finished points go to OUT.checkpoint as
    they arrive; an interrupted build continues with --resume. JSON: {"out", "points",
    "computed", "reused", "seconds", "workers", "scheduler", "shape", "wer_solver"}.
    """
    from .build import build_table
    from .config import load_config

    if scheduler is not None and workers is not None:
        raise ParameterError("give either --workers (local processes) or --scheduler (Dask), "
                             "not both")
    if workers is None:
        import os

        workers = os.cpu_count() or 1
    cfg = load_config(config)
    summary = build_table(cfg, out, workers=workers, scheduler=scheduler, resume=resume,
                          overwrite=overwrite, progress=True)
    if json_out:
        emit_json(summary)
        return
    emit_table(f"table {cfg.name}", [(k, str(v)) for k, v in summary.items()])


@table_app.command("info")
def info(path: Path = cp.table_file(),
         json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Axes (name, unit, min, max, n), quantities, schema version and provenance."""
    from .query import open_table

    data = open_table(path).info()
    if json_out:
        emit_json(data)
        return
    rows = [(a["name"], f"{a.get('min', '')} .. {a.get('max', '')}" if "min" in a
             else ", ".join(a["values"]), a["unit"], f"n = {a['n']}") for a in data["axes"]]
    emit_table(f"{path}: schema {data['schema_version']}", rows)
    emit_table("quantities", [(q["name"], q["group"], q["unit"], q["long_name"])
                              for q in data["quantities"]])
    prov = data["provenance"]
    emit_table("provenance", [(k, str(prov.get(k, ""))) for k in (
        "name", "device_name", "created", "cramsim_version", "git_revision", "seed",
        "trials", "dt", "wer_solver", "build_seconds", "build_workers")])


@table_app.command("query")
def query(path: Path = cp.table_file(),
          current: Optional[list[float]] = cp.number(
              None, "--current", unit="A", lo=-1.0, hi=1.0, help="Current, signed "
              "(negative: P-AP); repeat for several points."),
          voltage: Optional[list[float]] = cp.number(
              None, "--voltage", unit="V", lo=-100.0, hi=100.0,
              help="Voltage, signed, for voltage-drive tables."),
          pulse_width: list[float] = cp.number(..., "--pulse-width", unit="s", lo=0.0, hi=1.0,
                                               lo_open=True, help="Pulse FWHM."),
          temperature: Optional[list[float]] = cp.number(None, "--temperature", unit="K",
                                                         lo=0.0, hi=1e4, help="Temperature."),
          variation: Optional[list[float]] = cp.number(None, "--variation", unit="", lo=0.0,
                                                       hi=100.0, help="Variation scale."),
          direction: Optional[str] = typer.Option(None, "--direction",
                                                  help="P-AP or AP-P (checked against the "
                                                  "sign of the amplitude)."),
          quantity: Optional[list[str]] = typer.Option(None, "--quantity", "-q",
                                                       help="Quantity (repeatable; "
                                                       "default all)."),
          extrapolate: bool = typer.Option(False, "--extrapolate", help="Hold the edge value "
                                           "outside the grid instead of failing."),
          json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Interpolated quantities at the given points (inputs broadcast; SI units).

    Negative values are fine: --current -6e-5. JSON: {"table", "inputs":
    {axis: [...]}, "values": {quantity: [...]}, "units": {quantity: unit}}.
    """
    import numpy as np

    from .query import open_table
    from .schema import QUANTITIES

    table = open_table(path)
    names = quantity or table.quantities
    inputs = {"current": current or None, "voltage": voltage or None,
              "pulse_width": pulse_width, "temperature": temperature or None,
              "variation": variation or None}
    values = table.query(names, direction=direction, extrapolate=extrapolate,
                         **{k: (np.asarray(v) if v is not None else None)
                            for k, v in inputs.items()})
    result = {"table": str(path),
              "inputs": {k: v for k, v in inputs.items() if v is not None},
              "values": {k: np.atleast_1d(v).tolist() for k, v in values.items()},
              "units": {k: QUANTITIES[k].unit for k in values}}
    if json_out:
        emit_json(result)
        return
    rows = []
    for k, v in result["values"].items():
        rows.append((k, ", ".join(f"{x:.6g}" for x in v), result["units"][k]))
    emit_table(f"query {path}", rows)


@table_app.command("plot")
def plot(path: Path = cp.table_file(),
         out: Path = cp.output(..., "--out", "-o", kind="dir", help="Folder for the PNG files."),
         json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """P_sw and WER maps over (amplitude, pulse width), one PNG per direction/temperature."""
    from .plots import plot_maps
    from .query import open_table

    files = plot_maps(open_table(path), out)
    if json_out:
        emit_json({"files": [str(f) for f in files]})
        return
    for f in files:
        typer.echo(str(f))


def register(app: typer.Typer) -> None:
    """Attach ``cramsim table ...`` to the top-level app."""
    app.add_typer(table_app, name="table")
