"""Validation cases for gates at rare-event accuracy (issue 11).

* the Fokker-Planck equation with a state-dependent current (voltage drive through a series
  resistance, :mod:`llg.fokker_planck.circuit`) against ensembles of the stochastic LLG driven
  by the same voltage through the same resistance (binomial standard errors, 4 sigma);
* the gate error's exponential fall with the TMR ratio and with Delta at t = 50 ns, the trend
  H. Mahmoudi reports for MTJ logic gates (dissertation, TU Wien, Institute for
  Microelectronics, sec. 4, Figs. 4.23-4.24: "the error decreases exponentially with
  [Delta]", https://iue.tuwien.ac.at/phd/mahmoudi/dissse17.html; and H. Mahmoudi et al.,
  Adv. Mater. Res. 854, 89-95 (2014): "The IMP error probability decreases exponentially with
  increasing TMR and Delta"; both checked against the pages' text). The window-vs-fan-in
  trend stays in :mod:`validation.cases_circuits`.
"""
from __future__ import annotations

import math

import numpy as np

from .registry import CaseResult, case

N_SIGMA = 4.0


@case("fp_state_dependent_current_vs_llg",
      "low-delta-fast device (Delta = 12.9): a voltage pulse through R_series = R_P, initial "
      "current 1.6 Ic0 in P (P -> AP; the current falls as the MTJ's resistance rises). FP "
      "with i(u) = V / (R_series + R(u, V)) against the stochastic-LLG ensemble with the same "
      "voltage drive (kernel R(theta, V), bias solved self-consistently), thermal start, "
      "2 tau_D relaxation; pulses 6, 12 ns (full: 3, 6, 12, 24 ns, n = 10000), P_sw in "
      "1e-3..0.999, |MC - FP| within 4 binomial s.e. The constant-current FP at the initial "
      "current is shown too and must miss somewhere by more than 4 s.e. (the test resolves "
      "the coupling).",
      "Monte Carlo of the stochastic LLG (llg.simulate with llg.voltage_pulse), the equation "
      "the FP is derived from")
def fp_state_dependent(quick, out_dir):
    from llg import load_device, simulate, voltage_pulse
    from llg.fokker_planck import switching_probabilities, voltage_switching

    dev = load_device("low-delta-fast")
    rs = dev.r_p
    volt = -1.6 * dev.ic0 * (rs + dev.r_p)
    widths = np.array([6e-9, 12e-9] if quick else [3e-9, 6e-9, 12e-9, 24e-9])
    n = 2000 if quick else 10000
    coupled = voltage_switching(dev, volt, rs, widths)
    const = switching_probabilities(dev, volt / (rs + dev.r_p), widths)
    rows, worst, worst_const = [], 0.0, 0.0
    mc_all = []
    for k, w in enumerate(widths):
        res = simulate(dev, drive=voltage_pulse(volt, w, series_resistance=rs),
                       duration=w + coupled.relaxation, dt=2e-12, n_trajectories=n,
                       seed=700 + k, initial="P", thermal_initial=True)
        p_fp = float(coupled.p_switch[k])
        se = math.sqrt(max(p_fp * (1 - p_fp), 1e-4) / n)
        z = (res.p_switch - p_fp) / se
        z_c = (res.p_switch - float(const.p_switch[k])) / se
        worst, worst_const = max(worst, abs(z)), max(worst_const, abs(z_c))
        mc_all.append((w * 1e9, res.p_switch, N_SIGMA * se))
        rows.append(f"t = {w * 1e9:g} ns: MC {res.p_switch:.4f} (n = {n}), FP coupled "
                    f"{p_fp:.4f} (z = {z:+.2f}), FP constant current "
                    f"{float(const.p_switch[k]):.4f} (z = {z_c:+.2f})")
    in_range = bool(np.all((coupled.p_switch > 1e-3) & (coupled.p_switch < 0.999)))
    passed = worst <= N_SIGMA and worst_const > N_SIGMA and in_range
    plot = None
    if out_dir is not None:
        plot = _plot_coupled(out_dir, dev, volt, rs, widths, mc_all)
    return CaseResult("fp_state_dependent_current_vs_llg", bool(passed), worst, 0.0, N_SIGMA,
                      "s.e.", "; ".join(rows) + f"; constant-current model worst |z| = "
                      f"{worst_const:.1f}", plot)


def _plot_coupled(out_dir, dev, volt, rs, widths, mc):
    import matplotlib.pyplot as plt

    from llg.fokker_planck import switching_probabilities, voltage_switching

    from . import plots

    grid = np.linspace(1e-9, 1.1 * widths.max(), 40)
    fig, ax = plt.subplots(figsize=(6.4, 4.2), constrained_layout=True)
    ax.plot(grid * 1e9, voltage_switching(dev, volt, rs, grid).p_switch, "-",
            label="FP, i(u) = V / (R_s + R(u, V))")
    ax.plot(grid * 1e9, switching_probabilities(dev, volt / (rs + dev.r_p), grid).p_switch,
            "--", label="FP, constant initial current")
    ax.errorbar([m[0] for m in mc], [m[1] for m in mc], yerr=[m[2] for m in mc], fmt="o",
                capsize=3, label="stochastic LLG, voltage drive (4 s.e.)")
    ax.set_xlabel("pulse width (ns)")
    ax.set_ylabel("switching probability")
    ax.set_title("low-delta-fast, voltage drive through R_s = R_P")
    ax.legend(fontsize=8)
    return plots.save(fig, plots.target(out_dir, "fp_state_dependent_current_vs_llg"))


def _least_error(gate, device, overrides=None, subcritical=None):
    """Least max error of ``gate`` over V at t = 50 ns (the target set unreachably low)."""
    from circuits import operating_point

    op = operating_point(gate, device=device, pulse_widths=[50e-9], target_error=1e-30,
                         circuit_overrides=overrides, n_voltages=321, subcritical=subcritical)
    return op.max_error_rate


def _exponential(x, err):
    """(strictly falling, R^2 of ln(err) linear in x, slope)."""
    y = np.log(np.asarray(err, dtype=float))
    slope, icpt = np.polyfit(x, y, 1)
    ss_res = float(np.sum((y - (slope * np.asarray(x) + icpt)) ** 2))
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    return bool(np.all(np.diff(y) < 0)), 1.0 - ss_res / ss_tot, float(slope)


#: Least acceptable R^2 of ln(error) linear in TMR or Delta ("falls exponentially").
R2_MIN = 0.97


@case("gate_error_exponential_in_tmr_and_delta",
      "Default device, 45 nm access transistor, t = 50 ns: the least max error of NOT (full: "
      "also NAND2 with the activation law; NAND2 with FP is reported, not held: at 50 ns it "
      "is not thermally activated) over V falls strictly and exponentially (ln error linear, "
      "R^2 >= 0.97) with TMR0 = 1.5, 3, 4.5 (full: 1.5 .. 6; circuit only) and, in the full "
      "run, with Delta = 48 .. 96 (H_k scaled, Ic0 with it); macrospin FP sub-critical model "
      "(full: also the thermal-activation law b = 1, tau0 = 1 ns, Mahmoudi's regime).",
      "H. Mahmoudi, dissertation, TU Wien (IUE), sec. 4 (Figs. 4.23-4.24); H. Mahmoudi et al., "
      "Adv. Mater. Res. 854, 89 (2014): error falls exponentially with TMR and Delta")
def gate_error_trend(quick, out_dir):
    from llg import load_device

    dev = load_device("default")
    tmrs = [1.5, 3.0, 4.5] if quick else [1.5, 2.5, 3.5, 4.5, 6.0]
    scales = [0.75, 1.0, 1.25, 1.5]
    # (gate, sub-critical model, held to the exponential criterion)
    runs = [("NOT", None, True)] if quick else \
        [("NOT", None, True), ("NOT", "activation", True), ("NAND2", "activation", True),
         ("NAND2", None, False)]
    rows, passed, worst_r2, series = [], True, 1.0, {}
    for gate, sub, strict in runs:
        tag = f"{gate}, {sub or 'fp'}"
        e_tmr = [_least_error(gate, dev, {"TMR0": x}, sub) for x in tmrs]
        checks = [("TMR0", tmrs, e_tmr)]
        if not quick:  # every Delta needs its own FP grids (~5 s each)
            devs = [dev.with_(Hk_eff=dev.Hk_eff * f) for f in scales]
            checks.append(("Delta", [d.delta for d in devs],
                           [_least_error(gate, d, None, sub) for d in devs]))
        for what, x, e in checks:
            falls, r2, slope = _exponential(x, e)
            if strict:
                passed &= falls and r2 >= R2_MIN
                worst_r2 = min(worst_r2, r2)
            series[f"{tag} vs {what}"] = (x, e)
            rows.append(f"{tag} vs {what}: errors {', '.join(f'{v:.3g}' for v in e)} at "
                        f"{', '.join(f'{v:.3g}' for v in x)}; d ln(err)/d {what} = "
                        f"{slope:.3g}, R^2 = {r2:.3f}"
                        + ("" if strict else " (reported only: at 50 ns the FP NAND2 "
                           "is not thermally activated - its errors stay ~0.2, the "
                           "window is narrower than the switching spread)"))
    plot = _plot_trend(out_dir, series) if out_dir is not None else None
    return CaseResult("gate_error_exponential_in_tmr_and_delta", bool(passed), worst_r2,
                      R2_MIN, 0.0, "R^2", "; ".join(rows), plot)


def _plot_trend(out_dir, series):
    import matplotlib.pyplot as plt

    from . import plots

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    for label, (x, e) in series.items():
        (a1 if label.endswith("TMR0") else a2).semilogy(x, e, "o-", label=label)
    a1.set_xlabel("TMR0")
    a2.set_xlabel("Delta")
    for a in (a1, a2):
        a.set_ylabel("least max gate error at 50 ns")
        a.legend(fontsize=7)
    return plots.save(fig, plots.target(out_dir, "gate_error_exponential_in_tmr_and_delta"))
