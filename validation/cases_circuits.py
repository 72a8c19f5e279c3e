"""Validation cases for the CRAM circuit layer: windows, the nodal network, the preset write."""
from __future__ import annotations

import math

import numpy as np

from .registry import CaseResult, case


def _linear_45nm():
    """The 45 nm technology with a linear (ohmic) access transistor: closed forms apply."""
    from circuits.technology import load_technology, technology_from_dict

    base = load_technology("45nm")
    data = {"name": "45nm-linear", "transistor": {"model": "linear"}}
    for (sec, key), q in base.values.items():
        data.setdefault(sec, {})[key] = {"value": q.value, "unit": q.unit, "source": q.source}
    return technology_from_dict(data)


@case("cram_window_published",
      "Relative voltage windows (V_max - V_min) / V_mid of NAND2, NOR2, MAJ3, MAJ5 from the "
      "ideal-line inequality I_c (R_in(n, k) + R_out) <= V < I_c (R_in(n, k - 1) + R_out) at "
      "TMR = 133 % with equal critical currents.",
      "Chowdhury et al. (CRAM gates, 2017-2018; venue details unverified); Zabihi et al., "
      "IEEE Trans. Comput. 68, 1159 (2019): ~24 %, 12.5 %, 4.5 %, 1.7 %")
def window_published(quick, out_dir):
    from circuits.windows import PUBLISHED_TMR, PUBLISHED_WINDOWS, relative_window_ideal

    ours = {g: relative_window_ideal(g, PUBLISHED_TMR) for g in PUBLISHED_WINDOWS}
    dev = {g: abs(ours[g] / PUBLISHED_WINDOWS[g] - 1) for g in ours}
    worst = max(dev.values())
    tol = 0.03  # the published values carry 2-3 significant digits
    plot = None
    if out_dir is not None:
        plot = _plot_trend(out_dir)
    from circuits.windows import compare_published

    rows = compare_published("default", "45nm")
    device_txt = "; ".join(
        f"{r['gate']}: TMR0 {100 * r['analytic_device']:.2f} %, bias-dependent TMR "
        f"{100 * r['network_ideal']:.2f} %, + 45 nm transistors/lines "
        f"{100 * r['network_technology']:.2f} %" for r in rows)
    return CaseResult("cram_window_published", worst < tol, ours["MAJ5"],
                      PUBLISHED_WINDOWS["MAJ5"], tol, "1",
                      "ours vs published: " + ", ".join(
                          f"{g} {100 * ours[g]:.2f} % vs {100 * PUBLISHED_WINDOWS[g]:.1f} %"
                          for g in ours) + f"; largest relative deviation {worst:.3f}. "
                      "Default device (why they differ: circuits/windows.py module doc): "
                      + device_txt, plot)


def _plot_trend(out_dir):
    from pathlib import Path

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from circuits.windows import window_trend

    rows = window_trend(("NAND", "NOR", "MAJ"), range(1, 10), (0.5, 1.0, 1.33, 2.0, 3.0))
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4), constrained_layout=True, sharey=True)
    for ax, fam in zip(axes, ("NAND", "NOR", "MAJ")):
        for tmr in (0.5, 1.0, 1.33, 2.0, 3.0):
            sel = [r for r in rows if r["family"] == fam and r["tmr"] == tmr]
            ax.semilogy([r["n"] for r in sel], [100 * r["relative"] for r in sel], "o-",
                        label=f"TMR {100 * tmr:.0f} %")
        ax.set_title(fam)
        ax.set_xlabel("fan-in n")
    axes[0].set_ylabel("relative window (%)")
    axes[0].legend(fontsize=7)
    from llg.outputs import save_figure

    return str(save_figure(fig, Path(out_dir) / "cram_window_trend.png", dpi=110))


@case("cram_window_edges_network",
      "Window edges found by the sparse nodal solver (ideal lines, bias-independent TMR, the "
      "default device) for all eight library gates, against the analytic inequality.",
      "Chowdhury et al. (CRAM gates, 2017-2018; venue details unverified): "
      "I_c (R_in(n, m) + R_out) window inequality")
def window_edges_network(quick, out_dir):
    from circuits.gates import GATES
    from circuits.windows import analytic_window, gate_window
    from llg import load_device
    from llg.switching import critical_current

    dev = load_device("default")
    worst = 0.0
    for name, g in GATES.items():
        w = gate_window(name, dev, None, bias_dependent=False)
        ref = analytic_window(name, dev.r_p, dev.r_ap, critical_current(dev, g.direction))
        worst = max(worst, abs(w.v_min / ref.v_min - 1), abs(w.v_max / ref.v_max - 1))
    tol = 1e-9
    return CaseResult("cram_window_edges_network", worst < tol, worst, 0.0, tol, "1",
                      f"largest relative deviation of an edge over 8 gates: {worst:.2e}")


@case("cram_row_parallel_ladder",
      "Row-parallel COPY step with fixed resistances (TMR0 = 0, linear access transistors, "
      "45 nm line resistance): output current of every row from the sparse solver against the "
      "closed form of two mirror-image resistive ladders. The far row's drop grows as "
      "~N(N+1)/2 for small drops (quadratic in the row count).",
      "discrete transmission line: V_k = V cosh((N - k + 1/2) th) / cosh((N + 1/2) th), "
      "cosh th = 1 + r / R_row; Zabihi et al., IEEE JXCDC 6, 71 (2020) (IR drop ~ quadratic "
      "in rows)")
def row_parallel_ladder(quick, out_dir):
    from circuits.elements import MTJElement
    from circuits.network import build_gate_network
    from llg import load_device

    tech = _linear_45nm()
    dev = load_device("default").with_(TMR0=0.0)
    el = MTJElement.from_device(dev)
    r_row = 2 * dev.r_p + 2 * tech.transistor_r_on + tech.r_ll_cell
    th = math.acosh(1 + tech.r_bsl_cell / r_row)
    worst, drops = 0.0, {}
    for N in ((16, 128) if quick else (16, 128, 512)):
        net = build_gate_network("COPY", el, tech, rows=N)
        sol = net.solve(0.5, np.zeros((1, N, 1), dtype=int))
        k = np.arange(1, N + 1)
        ref = 0.5 * np.cosh((N - k + 0.5) * th) / np.cosh((N + 0.5) * th) / r_row
        worst = max(worst, float(np.max(np.abs(sol.output_current[0] / ref - 1))))
        drops[N] = 1 - sol.output_current[0, -1] * r_row / 0.5
    tol = 1e-9
    return CaseResult("cram_row_parallel_ladder", worst < tol, worst, 0.0, tol, "1",
                      f"largest relative deviation of a row current: {worst:.2e}; far-row "
                      "relative drop: " + ", ".join(f"{n} rows {100 * d:.3g} %"
                                                    for n, d in drops.items()))


@case("cram_energy_fixed_resistance",
      "Source energy of a NOT gate pulse with fixed resistances (TMR0 = 0, linear transistors, "
      "45 nm lines) from the network model, against V^2 t / R_total (the integral of V I over "
      "a rectangular pulse).",
      "Joule's law for a series resistor chain, R_total = 2 (R_P + R_on) + r_LL + 2 r_BSL")
def energy_fixed_resistance(quick, out_dir):
    from circuits.gatemodel import GateModel
    from llg import load_device

    tech = _linear_45nm()
    dev = load_device("default").with_(TMR0=0.0)
    m = GateModel("NOT", dev, tech, rows=1)
    v, t = np.array([0.2, 0.45, 0.7]), 3e-9
    cur = m.currents(v)
    r_tot = 2 * (dev.r_p + tech.transistor_r_on) + tech.r_ll_cell + 2 * tech.r_bsl_cell
    ref = v ** 2 / r_tot * t
    got = cur.power_pre[0] * t
    worst = float(np.max(np.abs(got / ref - 1)))
    tol = 1e-10
    return CaseResult("cram_energy_fixed_resistance", worst < tol, float(got[1]),
                      float(ref[1]), tol, "J",
                      f"largest relative deviation over V = {list(v)} V: {worst:.2e}")


@case("preset_write_fp_vs_table",
      "The preset write (circuits.write_operating_point, 16 rows, far row worst case, WER "
      "target 1e-6) on the gate layer's Fokker-Planck source (its coarse grid, splines in "
      "log |I|) at a 10.2 ns pulse of the shipped table: the write error rate at its far-row "
      "current lies inside the table's interval there (the table's WER from the full-resolution "
      "FP solver with its discretization bounds), for both write values; the value is the "
      "larger relative distance from the table's WER, the tolerance the table's half-width.",
      "Butler et al., IEEE Trans. Magn. 48, 4684 (2012) (the FP equation); the shipped table "
      "data/tables/default.h5 (llg.tables, WER by llg.fokker_planck at its default grid)")
def preset_write_fp_vs_table(quick, out_dir):
    from circuits import write_operating_point
    from llg.tables import open_table

    table = open_table("default")
    t = float(table.axes["pulse_width"].values[13])
    rel, half, inside, lines = 0.0, 0.0, True, []
    for value in (0, 1):
        op = write_operating_point(value, switching="fp", pulse_widths=[t], rows=16,
                                   n_voltages=61)
        sign = -1.0 if op.direction == "P-AP" else 1.0
        q = table.query(["wer", "wer_ci_low", "wer_ci_high"], current=sign *
                        op.details["current"], pulse_width=t, direction=op.direction)
        lo, w, hi = (float(q[k]) for k in ("wer_ci_low", "wer", "wer_ci_high"))
        inside &= lo <= op.error_rate <= hi
        rel = max(rel, abs(op.error_rate / w - 1))
        half = max(half, (hi - lo) / (2 * w))
        lines.append(f"write {value}: FP {op.error_rate:.4g} at {op.details['current']:.4g} A "
                     f"({op.voltage:.4g} V); table {w:.4g} [{lo:.4g}, {hi:.4g}]")
    return CaseResult("preset_write_fp_vs_table", bool(inside), rel, 0.0, half, "1",
                      f"t = {t:.3g} s; " + "; ".join(lines))
