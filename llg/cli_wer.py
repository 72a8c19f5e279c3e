"""``cramsim wer`` (Fokker-Planck write error rate) and ``cramsim retention``."""
from __future__ import annotations

from typing import Optional

import typer

from . import cli_params as cp
from .cli_util import emit_json, emit_table
from .device import load_device
from .errors import ParameterError, check_memory

DEVICE_OPT = cp.data_file("default", "--device", "-d", kind="devices", what="device",
                          load="llg.device:load_device",
                          help="Shipped device name (see `cramsim device list`) or a TOML path.")
#: Largest --cells: the solver keeps about BYTES_PER_CELL bytes per coarse cell (both grids)
#: and its eigenvalue bisection is linear in the cells, so this bounds memory and time.
MAX_CELLS = 10**7
BYTES_PER_CELL = 400


def _multi(flag: str, a: str, b: str) -> str:
    """Help text for a multi-value option (the expansion is done in cramsim.main)."""
    return (f"Several values: repeat the option ({flag} {a} {flag} {b}) or list them after one "
            f"flag ({flag} {a} {b}).")


def wer(device: str = DEVICE_OPT,
        current: Optional[list[float]] = cp.number(
            None, "--current", unit="A", lo=-1.0, hi=1.0, help="Pulse current(s), signed: "
            "positive drives AP -> P, negative P -> AP. " + _multi("--current", "-3e-5",
                                                                   "-4e-5")),
        pulse_width: Optional[list[float]] = cp.number(
            None, "--pulse-width", unit="s", lo=0.0, hi=1.0, lo_open=True,
            help="Rectangular pulse width(s). " + _multi("--pulse-width", "5e-9", "1e-8")),
        direction: Optional[str] = typer.Option(
            None, "--direction", help="P-AP or AP-P. Default: implied by the sign of each "
            "current (an explicit direction must match it); P-AP when solving for the "
            "current."),
        target: Optional[float] = cp.number(
            None, "--target", unit="", lo=0.0, hi=0.5, lo_open=True,
            help="Solve for the WER target (e.g. 1e-9): with --current, the pulse width that "
            "reaches it; with --pulse-width instead, the current. Down to 1e-30."),
        relaxation: Optional[float] = cp.number(
            None, "--relaxation", unit="s", lo=0.0, hi=1.0,
            help="Time with the current off after the pulse before the state is read "
            "(default 2 tau_D, as `cramsim switch`; 0: read at the pulse end)."),
        cells: Optional[int] = cp.number(
            None, "--cells", unit="", lo=8, hi=MAX_CELLS, integer=True,
            help="Coarse grid size (even); the fine grid has twice as many. Default 100 "
            "sqrt(Delta)."),
        json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Write error rate from the 1-D Fokker-Planck equation (WER down to 1e-30).

    Perpendicular device, constant spin-torque efficiency, rectangular current pulse from a
    Boltzmann start in the starting well; WER = probability of ending on the starting side of
    the equator. Every value is computed on two grids and Richardson-extrapolated; "rel_error"
    is the estimated relative discretization error. JSON: {"points": [{"current" (A),
    "pulse_width" (s), "wer", "method", "rel_error", "resolved", "direction", ...}...]}.
    With --target the points carry the solved pulse width or current and its "error".
    """
    from . import fokker_planck as fp

    dev = load_device(device)
    if cells is not None:
        if cells % 2:
            raise ParameterError(f"--cells = {cells} is invalid (must be even); valid range: "
                                 f"even integers 8..{MAX_CELLS}")
        check_memory(f"--cells = {cells}", BYTES_PER_CELL * cells, "use fewer --cells")
    currents = list(current or [])
    widths = list(pulse_width or [])
    header = {"device": dev.name, "delta": dev.delta, "ic0": dev.ic0, "tau_d": dev.tau_d,
              "floor": fp.FLOOR}
    if target is None:
        if not currents or not widths:
            raise ParameterError("give --current and --pulse-width (or --target with one of "
                                 "them)")
        points = []
        for cur in currents:
            res = fp.write_error_rate(dev, cur, widths, direction=direction,
                                      relaxation=relaxation, n_cells=cells)
            points += res.points()
    else:
        try:
            fp.check_target(target)
        except ParameterError as exc:
            raise ParameterError(f"--{exc}") from None
        if currents and widths:
            raise ParameterError("with --target give --current (to solve for the pulse width) "
                                 "or --pulse-width (to solve for the current), not both")
        if currents:
            points = [fp.pulse_width_for_wer(dev, cur, target, direction=direction,
                                             relaxation=relaxation, n_cells=cells).point()
                      for cur in currents]
        elif widths:
            points = [fp.current_for_wer(dev, w, target, direction=direction or "P-AP",
                                         relaxation=relaxation, n_cells=cells).point()
                      for w in widths]
        else:
            raise ParameterError("--target needs --current or --pulse-width")
    if json_out:
        emit_json({**header, "points": points})
        return
    rows = []
    for p in points:
        unit = {"pulse_width": "s", "current": "A"}.get(p.get("solved_for"), "")
        extra = (f"{p.get('solved_for', 'solved value')} error {p['error']:.2g} {unit}"
                 if "error" in p else
                 f"rel. err {p['rel_error']:.1e}" + ("" if p["resolved"] else " (unresolved)"))
        rows.append((f"I = {p['current'] * 1e6:.3f} uA ({p['i_over_ic0']:+.3f} Ic0)",
                     f"t = {p['pulse_width'] * 1e9:.4g} ns", f"WER = {p['wer']:.3e}", extra))
    emit_table(f"write error rate (Fokker-Planck), {dev.name}, Delta = {dev.delta:.1f}", rows)


def retention(device: str = DEVICE_OPT,
              temperature: Optional[list[float]] = cp.number(
                  None, "--temperature", unit="K", lo=0.0, hi=1e4,
                  help="Temperature(s); Ms and Hk_eff rescaled by the device's Bloch / "
                  "Callen-Callen laws, below its Curie temperature (default: the device's). "
                  + _multi("--temperature", "300", "358")),
              bits: float = cp.number(1.0, "--bits", unit="", lo=1.0, hi=1e18,
                                      help="Number of bits in the array."),
              storage_time: float = cp.number(
                  3.15576e8, "--storage-time", unit="s", lo=0.0, hi=1e12,
                  help="Storage time (default 10 years)."),
              json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Thermal stability and retention: Delta(T), Brown's attempt time, Neel-Brown escape time.

    retention_time = tau_0 exp(Delta), the mean time for one bit to leave its well (Brown's
    axially symmetric prefactor tau_0 = tau_D sqrt(pi/Delta)); retention_time_fp is the same
    from the exact 1-D Fokker-Planck spectrum. failure_probability = 1 - exp(-N t /
    retention_time) for N = --bits over t = --storage-time. JSON: one object
    {"delta", "attempt_time" (s), "retention_time" (s), "temperature" (K), ...}, or a list
    of them when several temperatures are given.
    """
    from .retention import NEEL_BROWN_MIN_DELTA
    from .retention import retention as compute

    dev = load_device(device)
    temps = list(temperature) if temperature else [None]
    results = [compute(dev, t, bits=bits, storage_time=storage_time).to_dict() for t in temps]
    for r in results:  # the high-barrier formula says nothing at a low barrier: say so
        r["neel_brown_valid"] = r["delta"] >= NEEL_BROWN_MIN_DELTA
        if not r["neel_brown_valid"]:
            r["note"] = (f"Delta = {r['delta']:.3g} < {NEEL_BROWN_MIN_DELTA:g}: the Neel-Brown "
                         "retention_time (high-barrier asymptote) is not valid here; use "
                         "retention_time_fp (exact 1-D Fokker-Planck)")
    if json_out:
        emit_json(results[0] if len(results) == 1 else results)
        return
    rows = []
    for r in results:
        rows += [("temperature", r["temperature"], "K"), ("delta", r["delta"], "1"),
                 ("attempt_time", r["attempt_time"], "s"),
                 ("retention_time", r["retention_time"], "s"),
                 ("retention_time_fp", r["retention_time_fp"] or float("nan"), "s"),
                 (f"failure_probability ({r['bits']:.3g} bits, {r['storage_time']:.3g} s)",
                  r["failure_probability"], "1")]
    emit_table(f"retention, {dev.name}", rows)
    for r in results:
        if "note" in r:
            typer.echo(f"note (T = {r['temperature']:g} K): {r['note']}", err=True)


def register(app: typer.Typer) -> None:
    """Attach ``wer`` and ``retention`` to the top-level app."""
    app.command("wer")(wer)
    app.command("retention")(retention)
