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


class AtValue:
    """Parse-time check of ``--at AXIS=VALUE``: a device or circuit key and a number (SI);
    whether the value is on the swept grid is checked against the file."""

    def __call__(self, value):
        from llg.errors import ParameterError

        text = str(value)
        key, sep, num = text.partition("=")
        if not sep:
            raise ParameterError(f"--at {text!r}: write AXIS=VALUE (SI units), e.g. "
                                 "transistor_width=1.8e-7")
        AxisName("--at")(key.strip())
        try:
            v = float(num)
        except ValueError:
            raise ParameterError(f"--at {key.strip()}={num!r}: the value must be a number "
                                 "(SI units)") from None
        return f"{key.strip()}={v!r}"


def _at(values) -> dict:
    return {k: float(v) for k, v in (t.split("=", 1) for t in values or [])}


AT_HELP = ("AXIS=VALUE (SI, on the swept grid): keep only the slices through it; repeat for "
           "several axes.")


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
        no_progress: bool = typer.Option(False, "--no-progress", help="No progress bar (it "
                                         "goes to stderr, also with --json)."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Evaluate every design of CONFIG (device -> retention -> FP gates -> workloads) and
    write one HDF5 dataset (dims = the swept axes) atomically to OUT. OUT.lock refuses a
    second run on the same OUT while this one runs.

    JSON: {"designs", "out", "seconds", "computed", "reused", "gates", "points": [{"params",
    "delta", "retention_time" (s), "max_gate_error": {gate: e}, "energy_ratio": {workload:
    r}, "speedup": {workload: s}, "feasible", "reason"}]}.
    """
    from .config import load_config
    from .run import run_sweep

    cfg = load_config(config)
    summary = run_sweep(cfg, out, workers=workers, scheduler=scheduler, resume=resume,
                        overwrite=overwrite, progress=not no_progress)
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
                 axis: Optional[list[str]] = typer.Option(None, "--axis",
                                                          parser=AxisName("--axis"),
                                                          help="Only along this swept axis "
                                                          "(repeatable; default: every one)."),
                 at: Optional[list[str]] = typer.Option(None, "--at", parser=AtValue(),
                                                        help=AT_HELP),
                 json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Along each axis, on every slice of the others: where all gates of a workload meet the
    target, where the energy ratio crosses 10x and 50x (alone, and with working gates and the
    constraints met), where retention and area hold; log10(error) and the ratio interpolated
    linearly between grid points; "not reached in the swept range" with the best value
    otherwise. Plus the Pareto designs (error, ratio, speedup) per workload.

    JSON: {"target_error", "levels", "constraints", "at", "workloads": {w: {"gates",
    "gates_work_anywhere", "least_max_error", "max_energy_ratio", "reachable", "pareto",
    "axes": {axis: {"units", criterion: [{"fixed", "smallest", "smallest_on_grid",
    "segments", "boundaries", "best", "text"}]}}, "summary": {axis: {criterion:
    {"smallest", "at", "slices_reached", "slices"}}}}}, "gates": {g: {...}}}.
    """
    from .frontier import frontier
    from .store import read_result

    fr = frontier(read_result(result_path(result)), at=_at(at), axes=axis)
    if json_out:
        emit_json(fr)
        return
    rows = []
    for w, e in fr["workloads"].items():
        mx = e["max_energy_ratio"]
        rows.append((w, "gates work anywhere / least max error",
                     f"{e['gates_work_anywhere']} / {_g(e['least_max_error'])}"))
        rows += [(w, f"reachable {k}", str(v)) for k, v in e["reachable"].items()]
        rows.append((w, "max energy ratio", _g(mx)))
        for a, crits in e["axes"].items():
            for name, lines in crits.items():
                if name != "units":
                    rows += [(w, f"{name} along {a}" + _fixed(ln["fixed"]), ln["text"])
                             for ln in lines]
        rows += [(w, "pareto " + ", ".join(f"{k}={v:.3g}" for k, v in p["params"].items()),
                  f"error {p['max_gate_error']:.3g}, ratio {p['energy_ratio']:.3g}, "
                  f"speedup {p['speedup']:.3g}") for p in e["pareto"]]
    for g, e in fr["gates"].items():
        rows.append((g, "works anywhere / least max error",
                     f"{e['works_anywhere']} / {_g(e['least_max_error'])}"))
        for a, lines in e["axes"].items():
            rows += [(g, f"works along {a}" + _fixed(ln["fixed"]), ln["text"]) for ln in lines]
    emit_table(f"frontier (target error {fr['target_error']:g})", rows)


def _g(v) -> str:
    return "-" if v is None else f"{v:.3g}"


def _fixed(fixed: dict) -> str:
    return (" at " + ", ".join(f"{k}={v:.3g}" for k, v in fixed.items())) if fixed else ""


@explore_app.command("plot")
def plot(result: str = typer.Argument(..., parser=ResultFile(), help=RESULT_HELP),
         out: Path = cp.output(..., "--out", "-o", kind="dir", help="Directory for the PNGs."),
         x: Optional[str] = typer.Option(None, "--x", parser=AxisName("--x"),
                                         help="Axis across (default: the first swept)."),
         y: Optional[str] = typer.Option(None, "--y", parser=AxisName("--y"),
                                         help="Axis up (default: the second swept)."),
         at: Optional[list[str]] = typer.Option(None, "--at", parser=AtValue(),
                                                help="AXIS=VALUE (SI, on the grid): where "
                                                "the heat maps fix the other axes (default: "
                                                "their first value)."),
         best: bool = typer.Option(False, "--best", help="Heat maps: reduce the other axes "
                                   "to the best case per cell (least error, largest ratio) "
                                   "instead of fixing them."),
         json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Per workload: heat maps of the max gate error and the energy ratio over two axes (the
    others fixed or best-case reduced, said in the title; needs two swept axes) and the
    Pareto front (energy ratio vs max gate error, speedup as colour, constraint failures
    marked, target error and 10x / 50x drawn)."""
    from .plots import heatmaps, pareto_plots
    from .store import read_result

    res = read_result(result_path(result))
    paths = pareto_plots(res, out)
    if len(res["dims"]) >= 2 or x or y:
        paths += heatmaps(res, out, x, y, at=_at(at), best=best)
    if json_out:
        emit_json({"files": [str(p) for p in paths]})
        return
    for p in paths:
        typer.echo(str(p))


def register(app: typer.Typer) -> None:
    """Attach ``cramsim explore ...`` to the top-level app."""
    app.add_typer(explore_app, name="explore")
