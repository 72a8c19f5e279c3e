"""``cramsim device ...`` and ``cramsim trajectory``: the solver's command-line face."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Optional

import typer

from . import cli_params as cp
from .cli_util import emit_json, emit_table
from .device import DERIVED, available_devices, load_device, parameter_table
from .errors import ParameterError, check_memory

#: = llg.switching.MAX_TRIALS (not imported: that would load numba at start-up; a test pins it).
MAX_TRIALS = 100_000_000
#: Estimated memory of one trajectory of a switching ensemble (m, RNG state, switch time,
#: energy, flags, with the solver's temporaries), bytes.
BYTES_PER_TRAJECTORY = 512

device_app = typer.Typer(help="Inspect the MTJ device models (data/devices/*.toml).",
                         no_args_is_help=True)

DEVICE_OPT = cp.data_file("default", "--device", "-d", kind="devices", what="device",
                          load="llg.device:load_device",
                          help="Shipped device name (see `cramsim device list`) or a TOML path.")
#: Most time steps one ``cramsim trajectory`` integrates (--duration / --dt): bounded work
#: (minutes of one core), not a physical limit.
MAX_TRAJECTORY_STEPS = 10**9


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
               current: float = cp.number(..., "--current", unit="A", lo=-1.0, hi=1.0,
                                          help="Current (signed: positive drives AP -> P)."),
               duration: float = cp.number(..., "--duration", unit="s", lo=0.0, hi=1.0,
                                           lo_open=True, help="Simulated time."),
               pulse_width: Optional[float] = cp.number(
                   None, "--pulse-width", unit="s", lo=0.0, hi=1.0, lo_open=True,
                   help="Pulse FWHM (default: on for the whole run)."),
               temperature: Optional[float] = cp.number(
                   None, "--temperature", unit="K", lo=0.0, hi=1e4,
                   help="Temperature (Ms and Hk_eff rescaled per the device's Bloch / "
                   "Callen-Callen laws, below its Curie temperature; default: the device's)."),
               dt: float = cp.number(1e-12, "--dt", unit="s", lo=0.0, hi=1e-9, lo_open=True,
                                     help="Time step."),
               initial: str = typer.Option("P", "--initial", help="Start state, P or AP."),
               initial_angle: Optional[float] = cp.number(
                   None, "--initial-angle", unit="rad", lo=0.0, hi=math.pi / 2,
                   help="Tilt of the start state at T = 0 (default 0.05 rad; at T > 0 the "
                   "start state is thermal and this option is refused)."),
               seed: int = cp.seed("Random seed."),
               plot: Optional[Path] = cp.output(None, "--plot", suffixes=(".png",),
                                                help="Write m(t) to this PNG."),
               samples: int = cp.number(200, "--samples", unit="", lo=1, hi=10**6, integer=True,
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
    if initial_angle is not None and dev.temperature > 0:
        raise ParameterError(f"--initial-angle = {initial_angle:g} rad is used only at T = 0; "
                             f"at T = {dev.temperature:g} K the start state is drawn from the "
                             "Boltzmann distribution (drop the option or use --temperature 0)")
    width = math.inf if pulse_width is None else pulse_width
    n_steps = int(round(duration / dt))
    if n_steps < 1:
        raise ParameterError(f"--duration = {duration:g} s is shorter than one time step "
                             f"(--dt = {dt:g} s); valid range: --dt <= --duration <= 1 s")
    if n_steps > MAX_TRAJECTORY_STEPS:
        raise ParameterError(f"--duration / --dt = {duration:g} s / {dt:g} s = {n_steps:.3g} "
                             f"steps is too many; valid: at most {MAX_TRAJECTORY_STEPS:.0e} "
                             "steps (shorten --duration or raise --dt)")
    # recorded m(t) and times: 4 numbers per sample as float64, Python floats in the JSON list
    # and JSON text, about 64 bytes each
    check_memory(f"--samples {samples}", 4 * 64 * (samples + 1), "use fewer --samples")
    res = simulate(dev, drive=current_pulse(current, width), duration=duration, dt=dt,
                   n_trajectories=1, seed=seed, initial=initial,
                   initial_angle=0.05 if initial_angle is None else initial_angle,
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
           current: Optional[list[float]] = cp.number(
               None, "--current", unit="A", lo=-1.0, hi=1.0, help="Pulse current(s), signed "
               "(negative for P-AP). Several values: --current 3e-5 4e-5 5e-5."),
           voltage: Optional[list[float]] = cp.number(
               None, "--voltage", unit="V", lo=-100.0, hi=100.0, help="Instead of --current: "
               "source voltage(s) across the MTJ in series with --series-resistance."),
           pulse_width: list[float] = cp.number(..., "--pulse-width", unit="s", lo=0.0,
                                                hi=1e-3, lo_open=True, help="Pulse FWHM(s)."),
           direction: str = typer.Option("P-AP", "--direction", help="P-AP or AP-P."),
           trials: int = cp.number(1000, "--trials", unit="", lo=1, hi=MAX_TRIALS,
                                   integer=True, help="Trajectories per point (the first "
                                   "batch when --ci-width is given)."),
           ci_width: Optional[float] = cp.number(
               None, "--ci-width", unit="", lo=0.0, hi=1.0, lo_open=True,
               help="Add trials until the 95 % Wilson interval is at most this wide."),
           seed: int = cp.seed(),
           dt: Optional[float] = cp.number(None, "--dt", unit="s", lo=0.0, hi=1e-9,
                                           lo_open=True, help="Time step (default 1 ps)."),
           rise: float = cp.number(0.0, "--rise", unit="s", lo=0.0, hi=1e-3,
                                   help="Pulse rise time."),
           fall: float = cp.number(0.0, "--fall", unit="s", lo=0.0, hi=1e-3,
                                   help="Pulse fall time."),
           series_resistance: float = cp.number(
               0.0, "--series-resistance", unit="ohm", lo=0.0, hi=1e9,
               help="Access transistor + line resistance."),
           plot: Optional[Path] = cp.output(None, "--plot", suffixes=(".png",),
                                            help="Write P_sw vs current (PNG)."),
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
    # the ensemble of one point lives in memory at once: state, noise and bookkeeping
    check_memory(f"--trials {trials}", trials * BYTES_PER_TRAJECTORY, "use fewer --trials")
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
