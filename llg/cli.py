"""``cramsim device ...`` and ``cramsim trajectory``: the solver's command-line face."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Optional

import typer

from .cli_util import emit_json, emit_table
from .device import DERIVED, available_devices, load_device, parameter_table

device_app = typer.Typer(help="Inspect the MTJ device models (data/devices/*.toml).",
                         no_args_is_help=True)

DEVICE_OPT = typer.Option("default", "--device", "-d",
                          help="Shipped device name (see `cramsim device list`) or a TOML path.")


@device_app.command("show")
def device_show(device: str = DEVICE_OPT,
                json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Print every input parameter of a device and its derived quantities (SI units).

    Derived: delta (thermal stability factor E_b/k_B T), ic0 (A, zero-temperature critical
    current), jc0 (A/m^2), volume (m^3), r_p and r_ap (ohm, zero bias), tau_d (s,
    (1+alpha^2)/(alpha gamma mu0 H_K), the time unit of Sun's switching time and Butler's WER).
    """
    dev = load_device(device)
    inputs = dev.to_dict()
    derived = dev.derived()
    if json_out:
        emit_json({**inputs, **derived, "units": {
            **{p["name"]: p["unit"] for p in parameter_table()},
            **{k: v[1] for k, v in DERIVED.items()}}})
        return
    units = {p["name"]: (p["unit"], p["description"]) for p in parameter_table()}
    rows = [(k, v, *units[k]) for k, v in inputs.items() if k not in ("source", "description")]
    rows += [(k, v, DERIVED[k][1], DERIVED[k][2]) for k, v in derived.items()]
    emit_table(f"device {dev.name}: {dev.description}", rows)
    typer.echo(f"source: {dev.source}")


@device_app.command("list")
def device_list(json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """List the shipped devices with their thermal stability and critical current."""
    items = []
    for name in available_devices():
        d = load_device(name)
        items.append({"name": name, "delta": d.delta, "ic0": d.ic0, "description": d.description})
    if json_out:
        emit_json({"devices": items})
        return
    emit_table("shipped devices", [(i["name"], f"delta={i['delta']:.1f}",
                                    f"ic0={i['ic0'] * 1e6:.1f} uA", i["description"])
                                   for i in items])


def trajectory(device: str = DEVICE_OPT,
               current: float = typer.Option(..., "--current", help="Current, A (signed: "
                                             "positive drives AP -> P)."),
               duration: float = typer.Option(..., "--duration", help="Simulated time, s."),
               pulse_width: Optional[float] = typer.Option(
                   None, "--pulse-width", help="Pulse FWHM, s (default: on for the whole run)."),
               temperature: Optional[float] = typer.Option(
                   None, "--temperature", help="Temperature, K (Ms and Hk_eff rescaled per the "
                   "device's Bloch / Callen-Callen laws; default: the device's)."),
               dt: float = typer.Option(1e-12, "--dt", help="Time step, s."),
               initial: str = typer.Option("P", "--initial", help="Start state, P or AP."),
               initial_angle: float = typer.Option(
                   0.05, "--initial-angle", help="Tilt of the start state (rad), used at T = 0."),
               seed: int = typer.Option(0, "--seed", help="Random seed."),
               plot: Optional[Path] = typer.Option(None, "--plot", help="Write m(t) to this PNG."),
               samples: int = typer.Option(200, "--samples",
                                           help="Number of m(t) samples in the JSON output."),
               json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Integrate one macrospin trajectory and print m(t) and the switching time.

    At T > 0 the start state is drawn from the Boltzmann distribution of its well; at T = 0 it
    is tilted by --initial-angle. The JSON has "times" (s), "m" (unit vectors),
    "switch_time" (s, first crossing of the equator toward the other well, null if none),
    "switched" and the device's "ic0" (A) and "delta".
    """
    from .solver import simulate
    from .waveform import current_pulse

    dev = load_device(device)
    if temperature is not None:
        dev = dev.at_temperature(temperature)
    width = math.inf if pulse_width is None else pulse_width
    n_steps = int(round(duration / dt)) if dt > 0 and duration > 0 else 1
    res = simulate(dev, drive=current_pulse(current, width), duration=duration, dt=dt,
                   n_trajectories=1, seed=seed, initial=initial, initial_angle=initial_angle,
                   thermal_initial=dev.temperature > 0, record=1,
                   record_every=max(1, n_steps // max(samples, 1)), compute_energy=True)
    t, m = res.times, res.trajectories[0]
    sw = float(res.switch_time[0])
    out = {"device": dev.name, "current": current, "duration": duration, "dt": dt,
           "temperature": dev.temperature, "ic0": dev.ic0, "delta": dev.delta,
           "switch_time": sw if math.isfinite(sw) else None,
           "switched": bool(res.switched[0]), "energy": float(res.energy[0]),
           "times": t, "m": m}
    if plot is not None:
        from .plots import plot_trajectory

        plot_trajectory(t, m, plot, title=f"{dev.name}: I = {current * 1e6:.1f} uA "
                        f"({current / dev.ic0:.2f} Ic0), T = {dev.temperature:g} K")
    if json_out:
        emit_json(out)
        return
    emit_table("trajectory", [
        ("device", dev.name), ("current", current, "A"), ("I/Ic0", current / dev.ic0),
        ("switched", str(out["switched"])),
        ("switch_time", sw, "s"), ("energy", out["energy"], "J"),
        ("final m", ", ".join(f"{x:.4f}" for x in m[-1]))])


def switch(device: str = DEVICE_OPT,
           current: Optional[list[float]] = typer.Option(
               None, "--current", help="Pulse current(s), A, signed (negative for P-AP). "
               "Several values: --current 3e-5 4e-5 5e-5."),
           voltage: Optional[list[float]] = typer.Option(
               None, "--voltage", help="Instead of --current: source voltage(s), V, across "
               "the MTJ in series with --series-resistance."),
           pulse_width: list[float] = typer.Option(..., "--pulse-width",
                                                   help="Pulse FWHM(s), s."),
           direction: str = typer.Option("P-AP", "--direction", help="P-AP or AP-P."),
           trials: int = typer.Option(1000, "--trials", help="Trajectories per point (the "
                                      "first batch when --ci-width is given)."),
           ci_width: Optional[float] = typer.Option(
               None, "--ci-width", help="Add trials until the 95 % Wilson interval is at most "
               "this wide."),
           seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same result)."),
           dt: Optional[float] = typer.Option(None, "--dt", help="Time step, s (default 1 ps)."),
           rise: float = typer.Option(0.0, "--rise", help="Pulse rise time, s."),
           fall: float = typer.Option(0.0, "--fall", help="Pulse fall time, s."),
           series_resistance: float = typer.Option(
               0.0, "--series-resistance", help="Access transistor + line resistance, ohm."),
           plot: Optional[Path] = typer.Option(None, "--plot", help="Write P_sw vs current "
                                               "(PNG)."),
           json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Monte Carlo switching probability vs pulse current (or voltage) and width.

    Start states are thermal (Boltzmann in the starting well); after the pulse the current
    is off for 2 tau_D so trajectories near the saddle commit to a well. Every point carries
    a 95 % Wilson confidence interval. JSON: {"points": [{"current", "pulse_width",
    "p_switch", "ci_low", "ci_high", "trials", "mean_switching_time", "write_energy"}...]}
    in A, s, J.
    """
    from .switching import switching_curve

    dev = load_device(device)
    pts = switching_curve(dev, pulse_widths=pulse_width, currents=current or None,
                          voltages=voltage or None, seed=seed, progress=not json_out,
                          direction=direction, trials=trials, ci_width=ci_width, dt=dt,
                          rise=rise, fall=fall, series_resistance=series_resistance)
    if plot is not None:
        from .plots import plot_switching

        plot_switching(pts, dev, plot)
    if json_out:
        emit_json({"device": dev.name, "direction": direction, "ic0": dev.ic0,
                   "points": [p.to_dict() for p in pts]})
        return
    emit_table(f"switching probability, {dev.name}, {direction}", [
        (f"I = {p.current * 1e6:.2f} uA, t = {p.pulse_width * 1e9:.3g} ns",
         f"P = {p.p_switch:.4f} [{p.ci_low:.4f}, {p.ci_high:.4f}]",
         f"n = {p.trials}", f"E = {p.write_energy * 1e15:.1f} fJ") for p in pts])


def register(app: typer.Typer) -> None:
    """Attach this package's commands to the top-level app."""
    app.add_typer(device_app, name="device")
    app.command("trajectory")(trajectory)
    app.command("switch")(switch)
