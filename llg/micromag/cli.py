"""``cramsim micromag barrier | sp4 | trajectory``: the micromagnetic solver's CLI face.

Heavy imports (numba kernels, scipy) happen inside the commands, so registering this group
costs nothing at start-up.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Optional

import typer

from .. import cli_params as cp

micromag_app = typer.Typer(help="Finite-difference micromagnetics of the free layer "
                           "(exchange, demag, anisotropy, spin torque, thermal field).",
                           no_args_is_help=True)

DEVICE_OPT = cp.data_file("default", "--device", "-d", kind="devices", what="device",
                          load="llg.device:load_device",
                          help="Shipped device name or a TOML path; needs A_ex (exchange "
                          "stiffness, J/m).")
CELL_OPT = cp.number(1e-9, "--cell", unit="m", lo=1e-10, hi=1e-7,
                     help="Cell edge (<= the exchange length).")


def _progress_bar(total: int, desc: str, enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="it", leave=False)


@micromag_app.command("barrier")
def barrier_cmd(device: str = DEVICE_OPT, cell: float = CELL_OPT,
                images: int = cp.number(24, "--images", unit="", lo=5, hi=400, integer=True,
                                        help="String images."),
                json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Zero-current energy barrier by the string method: minimum energy path, saddle,
    Delta_eff and the reversal mechanism (coherent, nonuniform or domain wall).

    JSON: {"delta_macrospin", "delta_micromagnetic", "mechanism", "saddle_energy" (J),
    "path": [{"s", "energy" (J, from the start state)}], "cell" (m), "images"} and context
    keys (delta_domain_wall, crossover_diameter (m), delta_macrospin_grid, converged).
    """
    from ..cli_util import emit_json, emit_table
    from ..device import load_device
    from ..errors import check_range
    from .barriers import device_barrier

    check_range("images", images, "", 5, 400, what="number of string images")
    dev = load_device(device)
    dev.require("A_ex", "the micromagnetic solver (cramsim micromag)")
    bars = []  # created on the first report, after every input check has passed

    def progress(it, _e):
        if not bars:
            bars.append(_progress_bar(2 * 3000, "string method", not json_out))
        if bars[0] is not None:
            bars[0].update(25)

    r = device_barrier(dev, cell=cell, images=images, progress=progress)
    if bars and bars[0] is not None:
        bars[0].close()
    if json_out:
        emit_json(r)
        return
    emit_table(f"micromagnetic barrier of {dev.name}", [
        ("delta_macrospin", r["delta_macrospin"], "1"),
        ("delta_micromagnetic", r["delta_micromagnetic"], "1"),
        ("mechanism", r["mechanism"]), ("saddle_energy", r["saddle_energy"], "J"),
        ("delta_domain_wall", r["delta_domain_wall"], "1"),
        ("crossover_diameter", r["crossover_diameter"], "m"),
        ("cell", cell, "m"), ("images", images)])


@micromag_app.command("sp4")
def sp4_cmd(field: int = cp.number(1, "--field", unit="", lo=1, hi=2, integer=True,
                                   help="Applied field 1 or 2."),
            plot: Optional[Path] = cp.output(None, "--plot", suffixes=(".png",),
                                             help="Write <m>(t) to this PNG."),
            json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """mu-MAG standard problem 4 (128 x 32 x 1 cells) against mumax3 and the published traces.

    JSON: relaxed_m, final_m, t_first_mx_zero (s), extrema, mumax3's reference numbers and
    their source, the deviations (relaxed_error, final_error), t (s), m, and ``published``:
    max |<m_i> - trace| over 0-1 ns per published trace (OOMMF, magnum.np, Albuquerque et
    al.), its tolerance (the published solvers' spread), the first <m_x> zero against theirs
    (s), pass flags. ``--plot`` overlays the published traces.
    """
    from ..cli_util import emit_json, emit_table
    from . import sp4

    r = sp4.run(field, progress=not json_out)
    if plot is not None:
        _plot_sp4(r, plot)
    if json_out:
        emit_json(r)
        return
    rows = [("relaxed <m>", ", ".join(f"{x:.5f}" for x in r["relaxed_m"])),
            ("mumax3 relaxed", ", ".join(f"{x:.5f}" for x in r["reference"]["relaxed"])),
            ("<m> at 1 ns", ", ".join(f"{x:.5f}" for x in r["final_m"]))]
    rows.append(("mumax3 at 1 ns", ", ".join(f"{x:.5f}" for x in
                                             r["reference"][f"field{field}_1ns"])))
    rows.append(("max deviation at 1 ns", r["final_error"]))
    p = r["published"]
    rows += [("first <m_x> = 0", r["t_first_mx_zero"], "s"),
             ("published first <m_x> = 0 (mean)", p["t_first_mx_zero_mean"], "s"),
             ("  tolerance (published spread)", p["t_first_mx_zero_tolerance"], "s"),
             (f"max |<m> - {p['reference']}| over 0-1 ns", p["max_dev"]),
             ("max |<m> - nearest published trace|", p["max_dev_nearest"]),
             ("  tolerance (published spread)", p["spread"]),
             ("agrees with the published traces", "yes" if p["ok"] else "NO"),
             ("wall time", r["seconds_relax"] + r["seconds_dynamics"], "s")]
    emit_table(f"standard problem 4, field {field}", rows)


def _plot_sp4(r, path: Path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    t = np.asarray(r["t"]) * 1e9
    m = np.asarray(r["m"])
    from .sp4_reference import traces

    fig, ax = plt.subplots(figsize=(6, 3.5))
    colors = ("C0", "C1", "C2")
    for c, name in enumerate(("<m_x>", "<m_y>", "<m_z>")):
        ax.plot(t, m[:, c], color=colors[c], label=name + " cramsim")
    for k, tr in enumerate(traces(r["field"])):
        for c in range(3):
            ax.plot(tr.t * 1e9, tr.m[:, c], color=colors[c], lw=0.8, alpha=0.6,
                    ls=("--", ":")[k % 2], label=tr.name if c == 0 else None)
    ax.set_xlabel("t (ns)")
    ax.set_ylabel("<m>")
    ax.set_title(f"standard problem 4, field {r['field']}")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    tmp = path.with_name(path.name + ".tmp.png")
    fig.savefig(tmp, dpi=120)
    plt.close(fig)
    tmp.replace(path)  # atomic


@micromag_app.command("trajectory")
def trajectory_cmd(device: str = DEVICE_OPT,
                   current: float = cp.number(..., "--current", unit="A", lo=-1.0, hi=1.0,
                                              help="Current (signed: positive drives "
                                              "AP -> P)."),
                   duration: float = cp.number(..., "--duration", unit="s", lo=0.0, hi=1e-6,
                                               lo_open=True, help="Simulated time."),
                   temperature: Optional[float] = cp.number(
                       None, "--temperature", unit="K", lo=0.0, hi=1e4,
                       help="Temperature (below the device's Curie temperature; default: "
                       "the device's)."),
                   cell: float = cp.number(2e-9, "--cell", unit="m", lo=1e-10, hi=1e-7,
                                           help="Cell edge (<= the exchange length)."),
                   initial_angle: float = cp.number(
                       0.05, "--initial-angle", unit="rad", lo=0.0, hi=math.pi / 2,
                       help="Tilt of the P start state."),
                   seed: int = cp.seed("Random seed (thermal field)."),
                   json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """One micromagnetic trajectory from P (tilted by --initial-angle): <m>(t), switch time.

    T > 0: stochastic Heun with the per-cell thermal field; T = 0: adaptive RK45. JSON:
    "times" (s), "m" (<m>), "switch_time" (s, first <m>.u = 0; null if none), "switched",
    "grid", "cell" (m), "ic0" (A, macrospin), "temperature" (K).
    """
    import numpy as np

    from ..cli_util import emit_json, emit_table
    from ..device import load_device
    from ..errors import check_range
    from . import device_model as DM
    from .integrate import run, run_deterministic

    check_range("initial_angle", initial_angle, "rad", 0.0, math.pi / 2)
    dev = load_device(device)
    T = dev.temperature if temperature is None else check_range(
        "temperature", temperature, "K", 0.0, dev.curie_temperature, hi_open=True)
    s = DM.from_device(dev, cell=cell, current=current, temperature=T)
    m0 = DM.tilted(s, initial_angle, dev.easy_axis)
    if T > 0:
        tr = run(s, m0, duration, seed=seed, axis=dev.easy_axis, progress=not json_out)
    else:
        tr = run_deterministic(s, m0, duration, record_every=duration / 200,
                               progress=not json_out)
        u = tr.m_avg @ np.asarray(dev.easy_axis)
        if (u < 0).any():
            k = int((u < 0).argmax())
            tr.switch_time = float(tr.t[k - 1] + (tr.t[k] - tr.t[k - 1]) * u[k - 1]
                                   / (u[k - 1] - u[k]))
    sw = tr.switch_time
    out = {"device": dev.name, "current": current, "duration": duration, "temperature": T,
           "cell": cell, "grid": list(s.grid.shape[::-1]), "ic0": dev.ic0,
           "switch_time": sw if math.isfinite(sw) else None, "switched": math.isfinite(sw),
           "times": tr.t, "m": tr.m_avg}
    if json_out:
        emit_json(out)
        return
    emit_table("micromagnetic trajectory", [
        ("device", dev.name), ("current", current, "A"), ("I/Ic0", current / dev.ic0),
        ("grid", " x ".join(map(str, out["grid"]))), ("switched", str(out["switched"])),
        ("switch_time", sw, "s"), ("final <m>", ", ".join(f"{x:.4f}" for x in tr.m_avg[-1]))])


@micromag_app.command("subcritical")
def subcritical_cmd(device: str = DEVICE_OPT,
                    diameter: float = cp.number(20e-9, "--diameter", unit="m", lo=5e-9,
                                                hi=200e-9, help="Disk of the ensembles (the "
                                                "device's material, Delta ~ 8-15)."),
                    alpha: float = cp.number(0.5, "--alpha", unit="", lo=0.01, hi=2.0,
                                             help="Damping of the ensembles (the law is "
                                             "reported in units of tau_D)."),
                    cell: float = cp.number(4e-9, "--cell", unit="m", lo=1e-9, hi=1e-8,
                                            help="Cell edge (<= the exchange length)."),
                    trials: int = cp.number(32, "--trials", unit="", lo=4, hi=100_000,
                                            integer=True, help="Trajectories per current."),
                    limit_trials: int = cp.number(24, "--limit-trials", unit="", lo=4,
                                                  hi=100_000, integer=True,
                                                  help="Trajectories per current of the "
                                                  "macrospin-limit check."),
                    max_time: float = cp.number(2000.0, "--max-time", unit="tau_D", lo=10.0,
                                                hi=1e5, help="Censoring time per trajectory."),
                    seed: int = cp.seed("Random seed (thermal fields).", default=1),
                    out: Optional[Path] = cp.output(None, "--out", suffixes=(".toml",),
                                                    help="Write the card (TOML) here."),
                    json_out: bool = typer.Option(False, "--json", help="Print JSON.")):
    """The sub-critical switching law tau = tau0 exp(Delta_eff (1 - I/Ic0)^b) fitted to
    micromagnetic escape-time ensembles on a small disk of the device's material, checked
    against the macrospin Fokker-Planck times; Delta_eff(diameter) by the string method.

    JSON (and the card): material, reduced_device, ensembles (reduced_current, current (A),
    tau, tau_se, fp_tau (s), z), law (exponent, exponent_se, attempt_time (s),
    attempt_time_over_tau_d, ln_attempt_time_se, delta_eff, fp_exponent, ...),
    macrospin_limit, delta_eff_curve (diameter (m), energy (J), mechanism, ...).
    """
    from ..cli_util import emit_json, emit_table
    from ..device import load_device
    from .subcritical import ACTIVATION_TARGETS, CARD_UNITS, build_card, reduced_device
    from .subcritical_card import write_card

    from . import device_model as DM
    from .subcritical import currents_for

    dev = load_device(device)
    red = reduced_device(dev, diameter, alpha)  # input checks before any work: cells vs
    currents_for(DM.macrospin_delta_of_grid(red, DM.from_device(red, cell=cell)))  # l_ex, Delta
    bar = _progress_bar(len(ACTIVATION_TARGETS) * trials + 3 * limit_trials,
                        "escape trajectories", not json_out)
    card = build_card(dev, diameter, alpha, cell, trials, seed, max_time, limit_trials,
                      command=f"cramsim micromag subcritical --device {device} --diameter "
                      f"{diameter:g} --alpha {alpha:g} --cell {cell:g} --trials {trials} "
                      f"--limit-trials {limit_trials} --max-time {max_time:g} --seed {seed}",
                      progress=bar.update if bar is not None else None)
    if bar is not None:
        bar.close()
    if out is not None:
        write_card(card, CARD_UNITS, out)
    if json_out:
        emit_json(card)
        return
    law, lim = card["law"], card["macrospin_limit"]
    emit_table(f"micromagnetic sub-critical law of {dev.name} "
               f"({diameter * 1e9:g} nm disk, alpha {alpha:g})", [
        ("exponent b", f"{law['exponent']:.3f} +- {law['exponent_se']:.3f}"),
        ("attempt time tau0 / tau_D", f"{law['attempt_time_over_tau_d']:.3g} "
         f"(ln +- {law['ln_attempt_time_se']:.2f})"),
        ("Delta_eff (string method)", law["delta_eff"], "1"),
        ("macrospin FP, same fit: b", law["fp_exponent"], "1"),
        ("macrospin FP, same fit: tau0 / tau_D", law["fp_attempt_time_over_tau_d"], "1"),
        ("largest |z| vs FP", law["max_abs_z"], "sigma"),
        ("macrospin limit, largest |z|", lim["max_abs_z"], "sigma"),
        ("card", str(out) if out else "(not written: --out)")])


def register(app: typer.Typer) -> None:
    """Add the ``micromag`` group to the cramsim CLI."""
    app.add_typer(micromag_app, name="micromag")
