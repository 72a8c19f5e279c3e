"""``cramsim gate``: a CRAM gate's window, error rates, energy and latency from the tables."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from llg import cli_params as cp
from llg.cli_util import emit_json, emit_table


def plot_gate(curves: dict, op, out: Path) -> Path:
    """Error probability vs |V| per input pattern at the operating pulse width (PNG, atomic)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, ax = plt.subplots(figsize=(7, 4.2), constrained_layout=True)
    v = curves["voltages"]
    for k, p in enumerate(curves["patterns"]):
        style = "-" if curves["should_switch"][k] else "--"
        ax.semilogy(v, np.clip(curves["error"][k], 1e-18, 1.0), style, lw=1,
                    label=f"{p} ({'switch' if curves['should_switch'][k] else 'hold'})")
    lo, hi = curves["window"]
    if np.isfinite(lo) and np.isfinite(hi):
        ax.axvspan(min(lo, hi), max(lo, hi), color="g" if hi > lo else "r", alpha=0.12,
                   label="I_c window" if hi > lo else "I_c window (closed)")
    if op.v_operating is not None:
        ax.axvline(op.v_operating, color="k", lw=0.8, label="operating V")
    ax.axhline(op.target_error, color="gray", lw=0.8, ls=":", label="target")
    ax.set_xlabel("|gate voltage| (V)")
    ax.set_ylabel("error probability")
    ax.set_title(f"{op.gate}, {op.rows} row(s), {op.technology}, t = "
                 f"{curves['pulse_width'] * 1e9:.3g} ns")
    if len(curves["patterns"]) <= 8:
        ax.legend(fontsize=7, loc="best")
    from llg.plots import save_figure

    return save_figure(fig, out)


def gate(gate_name: str = typer.Option(..., "--gate", "-g", help="Gate: NOT, COPY (BUFFER), "
                                       "NAND2, NOR2, AND2, OR2, MAJ3, MAJ5."),
         device: Optional[str] = cp.data_file(None, "--device", "-d", kind="devices",
                                              what="device", load="llg.device:load_device",
                                              help="Device name or TOML path "
                                              "(uses data/tables/<name>.h5)."),
         table: Optional[str] = cp.table_file(None, "--table", help="Switching table (HDF5) "
                                              "built by `cramsim table build`."),
         technology: str = cp.data_file("45nm", "--technology", kind="technology",
                                        what="technology",
                                        load="circuits.technology:load_technology",
                                        help="Technology name in "
                                        "data/technology or a TOML path ('ideal': no "
                                        "transistors or line resistance)."),
         rows: int = cp.number(1, "--rows", unit="", lo=1, hi=65536, integer=True,
                               help="Rows computing the gate in parallel (IR drop on the "
                               "shared column lines)."),
         target_error: float = cp.number(1e-6, "--target-error", unit="", lo=0.0, hi=1.0,
                                         lo_open=True, hi_open=True, help="Largest acceptable "
                                         "error probability of any input pattern."),
         voltage: Optional[float] = cp.number(None, "--voltage", unit="V", lo=0.0, hi=100.0,
                                              lo_open=True, help="Evaluate at this |gate "
                                              "voltage| instead of optimizing."),
         pulse_width: Optional[float] = cp.number(None, "--pulse-width", unit="s", lo=0.0,
                                                  hi=1.0, lo_open=True,
                                                  help="With --voltage: pulse width."),
         temperature: Optional[float] = cp.number(None, "--temperature", unit="K", lo=0.0,
                                                  hi=1e4, help="If the table has several "
                                                  "temperatures."),
         variation: Optional[float] = cp.number(None, "--variation", unit="", lo=0.0,
                                                hi=100.0, help="Process-variation scale, if "
                                                "the table has that axis."),
         plot: Optional[Path] = cp.output(None, "--plot", suffixes=(".png",),
                                          help="PNG of error vs voltage per input pattern."),
         json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Window, per-pattern error rate, energy and latency of a CRAM gate (SI units).

    Without --voltage: the (V, t) of least mean energy with every pattern's error <= the
    target, or, if none exists, the point of least max error with "feasible": false and a
    "reason". JSON keys: gate, v_min, v_max (critical-current window, V), v_operating (V),
    pulse_width (s), error_rate_by_pattern, max_error_rate, energy_by_pattern (J per gate),
    mean_energy (J), latency (s), then feasible, reason and details.
    """
    from llg.errors import ParameterError

    from .operating_point import error_curves, evaluate_gate, operating_point

    common = dict(device=device, table=None if table is None else str(table),
                  technology=technology, rows=rows, temperature=temperature,
                  variation=variation)
    if voltage is not None:
        if pulse_width is None:
            raise ParameterError("--voltage needs --pulse-width (s)")
        op = evaluate_gate(gate_name, voltage, pulse_width, target_error=target_error,
                           **common)
    else:
        if pulse_width is not None:
            raise ParameterError("--pulse-width is only used with --voltage; without it the "
                                 "optimizer chooses the pulse width")
        op = operating_point(gate_name, target_error=target_error, **common)
    if plot is not None:
        plot_gate(error_curves(gate_name, op.pulse_width, **common), op, plot)
    if json_out:
        emit_json(op.to_dict())
        return
    rows_out = [("gate", op.gate), ("feasible", str(op.feasible)),
                ("v_min", op.v_min, "V"), ("v_max", op.v_max, "V"),
                ("v_operating", op.v_operating, "V"), ("pulse_width", op.pulse_width, "s"),
                ("max_error_rate", op.max_error_rate), ("mean_energy", op.mean_energy, "J"),
                ("latency", op.latency, "s")]
    rows_out += [(f"error {p}", e) for p, e in op.error_rate_by_pattern.items()]
    rows_out += [(f"energy {p}", e, "J") for p, e in op.energy_by_pattern.items()]
    emit_table(f"gate {op.gate} ({op.rows} row(s), {op.technology})",
               [r if r[1] is not None else (r[0], "-") for r in rows_out])
    typer.echo(op.reason)


def register(app: typer.Typer) -> None:
    """Attach ``cramsim gate`` to the top-level app."""
    app.command("gate")(gate)
