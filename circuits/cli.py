"""``cramsim gate``: a CRAM gate's window, error rates, energy and latency from the tables."""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Tuple

import typer

from llg import cli_params as cp
from llg.cli_util import emit_json, emit_table


def plot_gate(curves: dict, op, out: Path) -> Path:
    """Error probability vs |V| per input pattern at the operating pulse width (PNG, atomic)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    curve = getattr(op, "error_vs_pulse_width", None) or []
    if curve:
        fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
        tw = np.array([e["pulse_width"] for e in curve])
        err = np.array([e["max_error_rate"] for e in curve])
        ax2.loglog(tw, np.clip(err, 1e-18, 1.0), "o-", ms=3, label="best max error")
        ax2.axhline(op.target_error, color="gray", lw=0.8, ls=":", label="target")
        ax2.set_xlabel("pulse width (s)")
        ax2.set_ylabel("least max error over V")
        ax2.set_title(f"{op.gate}: error vs pulse width ({op.subcritical_model})")
        ax2.legend(fontsize=7)
    else:
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


def _width_option(text):
    """--transistor-width at parse time: 'auto' or a width in m, 1e-9 < W <= 1e-5."""
    return text if text in (None, "auto") else _parse_width(str(text))


def _subcritical_option(text):
    """--subcritical at parse time: fp, activation or micromag."""
    from llg.errors import ParameterError

    if text not in ("fp", "activation", "micromag"):
        raise ParameterError(f"subcritical = {text!r} is invalid; choose fp, activation or "
                             "micromag")
    return text


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
         pulse_range: Optional[Tuple[float, float]] = typer.Option(
             None, "--pulse-range", parser=cp.Number("--pulse-range", "s", 1e-12, 1e-3),
             help="Shortest and longest pulse width the optimizer "
             "searches, s (default 1e-9 1e-6; Fokker-Planck source only; valid range "
             "1e-12 <= lo < hi <= 1e-3 s)."),
         transistor_width: Optional[str] = typer.Option(
             None, "--transistor-width", parser=_width_option, help="Access-transistor width in m (1e-9 < W <= "
             "1e-5), or 'auto' (the optimizer chooses it; its cell area is reported). "
             "Default: the technology's."),
         subcritical: Optional[str] = typer.Option(
             None, "--subcritical", parser=_subcritical_option, help="Sub-critical switching model for holding and "
             "disturb patterns: fp (macrospin Fokker-Planck, default) or activation "
             "(tau0 exp(Delta (1 - I/Ic0)^b), device keys subcritical_exponent, attempt_time) or "
             "micromag (the same law, b, tau0 and Delta_eff from the device's micromagnetic "
             "card data/micromag/subcritical_<device>.toml)."),
         tmr_needed: bool = typer.Option(True, "--tmr-needed/--no-tmr-needed", help="Also "
                                         "find the smallest TMR0 that meets the target (a "
                                         "root search through the optimizer, ~10 s)."),
         delta_needed: bool = typer.Option(False, "--delta-needed", help="Also find the "
                                           "smallest Delta (via H_k, Ic0 following) that meets "
                                           "the target (FP source; slow: ~5 s per step)."),
         plot: Optional[Path] = cp.output(None, "--plot", suffixes=(".png",),
                                          help="PNG of error vs voltage per input pattern "
                                          "and of the best max error vs pulse width."),
         json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Window, per-pattern error rate, energy and latency of a CRAM gate (SI units).

    Without --voltage: the (V, t) of least mean energy with every pattern's error <= the
    target, or, if none exists, the point of least max error with "feasible": false and a
    "reason". JSON keys: gate, v_min, v_max (critical-current window, V), v_operating (V),
    pulse_width (s), error_rate_by_pattern, max_error_rate, energy_by_pattern (J per gate),
    mean_energy (J), latency (s), current_ratio_offered, current_ratio_needed,
    error_vs_pulse_width ([{pulse_width, max_error_rate, v_operating, latency,
    retention_error, current_ratio_needed}]), tmr_needed (ratio, like TMR0), transistor_width
    (m), cell_area (m^2), subcritical_model, then feasible, reason and details (one row,
    FP source: details.coupled_max_error_rate with the currents following the MTJs'
    switching, and details.coupled_refined, the best (V, t) under that coupled model near
    the choice, with the change).
    """
    from llg.errors import ParameterError

    from .operating_point import error_curves, evaluate_gate, operating_point

    from .fpsource import check_pulse_range
    from .what_it_takes import tmr_needed as find_tmr

    width = _parse_width(transistor_width)
    common = dict(device=device, table=None if table is None else str(table),
                  technology=technology, rows=rows, temperature=temperature,
                  variation=variation, subcritical=subcritical,
                  pulse_range=None if pulse_range is None else check_pulse_range(pulse_range))
    if voltage is not None:
        if pulse_width is None:
            raise ParameterError("--voltage needs --pulse-width (s)")
        if width == "auto":
            raise ParameterError("--transistor-width auto needs the optimizer (drop --voltage) "
                                 "or give a width in m")
        op = evaluate_gate(gate_name, voltage, pulse_width, target_error=target_error,
                           transistor_width=width, **common)
    else:
        if pulse_width is not None:
            raise ParameterError("--pulse-width is only used with --voltage; without it the "
                                 "optimizer chooses the pulse width")
        op = operating_point(gate_name, target_error=target_error, transistor_width=width,
                             **common)
        if tmr_needed:
            op.tmr_needed = find_tmr(gate_name, target_error=target_error,
                                     transistor_width=op.transistor_width, **common)
        if delta_needed:
            from .what_it_takes import delta_needed as find_delta

            found = find_delta(gate_name, target_error=target_error,
                               transistor_width=op.transistor_width, **common)
            op.delta_needed = None if found is None else {"delta": found[0],
                                                          "retention_time": found[1]}
    if plot is not None:
        fixed = dict(common, transistor_width=op.transistor_width)
        plot_gate(error_curves(gate_name, op.pulse_width, **fixed), op, plot)
    if json_out:
        emit_json(op.to_dict())
        return
    rows_out = [("gate", op.gate), ("feasible", str(op.feasible)),
                ("v_min", op.v_min, "V"), ("v_max", op.v_max, "V"),
                ("v_operating", op.v_operating, "V"), ("pulse_width", op.pulse_width, "s"),
                ("max_error_rate", op.max_error_rate), ("mean_energy", op.mean_energy, "J"),
                ("latency", op.latency, "s")]
    rows_out += [("current_ratio_offered", op.current_ratio_offered),
                 ("current_ratio_needed", op.current_ratio_needed),
                 ("tmr_needed", op.tmr_needed), ("transistor_width", op.transistor_width, "m"),
                 ("cell_area", op.cell_area, "m^2"), ("subcritical_model", op.subcritical_model),
                 ("shortest_pulse_meeting_target", op.shortest_pulse_meeting_target, "s")]
    ref = op.details.get("coupled_refined")
    if ref:   # the currents following the MTJs' switching: at the choice and at its best
        rows_out += [("coupled_max_error_rate", op.details.get("coupled_max_error_rate")),
                     ("coupled_best_voltage", ref["voltage"], "V"),
                     ("coupled_best_pulse_width", ref["pulse_width"], "s"),
                     ("coupled_best_max_error_rate", ref["max_error_rate"])]
    rows_out += [(f"error {p}", e) for p, e in op.error_rate_by_pattern.items()]
    rows_out += [(f"energy {p}", e, "J") for p, e in op.energy_by_pattern.items()]
    emit_table(f"gate {op.gate} ({op.rows} row(s), {op.technology})",
               [r if r[1] is not None else (r[0], "-") for r in rows_out])
    typer.echo(op.reason)


def _parse_width(text: Optional[str]):
    """None, 'auto' or a width in m (> 0)."""
    from llg.errors import ParameterError

    if text is None or text == "auto":
        return text
    try:
        w = float(text)
    except ValueError:
        raise ParameterError(f"transistor_width = {text!r} is invalid; give a width in m "
                             "(valid range: 1e-09 < width <= 1e-05 m) or 'auto'") from None
    if not w > 0:
        raise ParameterError(f"transistor_width = {w:g} m is invalid; valid range: "
                             "1e-09 < width <= 1e-05 m")
    return w


def register(app: typer.Typer) -> None:
    """Attach ``cramsim gate`` to the top-level app."""
    app.command("gate")(gate)
