"""Validation cases for the Fokker-Planck WER solver, thermal activation and retention.

References are closed forms, quadratures and Monte Carlo of the stochastic LLG
(:func:`llg.simulate`), never earlier FP output:

* the Boltzmann density (:mod:`llg.equilibrium`) for the discrete stationary state;
* Butler et al., IEEE Trans. Magn. 48, 4684 (2012), and the exact-drift asymptote of
  :mod:`llg.wer_analytic` for the long-pulse tail;
* Brown's high-barrier escape rate and the exact mean first-passage quadrature
  (:mod:`llg.retention`) for the zero-current spectrum;
* ensembles of the stochastic LLG where both resolve (binomial / first-passage standard
  errors, 4.5 sigma).
"""
from __future__ import annotations

import math

import numpy as np

from .registry import CaseResult, case

N_SIGMA = 4.5
#: Relative time-step bias allowed on Monte Carlo first-passage times at dt = 2 ps
#: (measured: MC/exact - 1 = +0.3 .. +1.5 % at Delta = 6, alpha = 1, level 0.8; see tests).
MFPT_DT_BUDGET = 0.01


def _plot(out_dir, name, series, title, xlabel, ylabel, logy=True):
    if out_dir is None:
        return None
    import matplotlib.pyplot as plt

    from . import plots

    fig, ax = plt.subplots(figsize=(6.4, 4.2), constrained_layout=True)
    for label, (x, y, style) in series.items():
        if style.startswith("err"):
            ax.errorbar(x, y[0], yerr=y[1], fmt="o", capsize=3, label=label)
        else:
            ax.plot(x, y, style, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)
    return plots.save(fig, plots.target(out_dir, name))


@case("fp_equilibrium_boltzmann",
      "Zero current: the discrete Fokker-Planck operator's stationary state, divided by the "
      "cell lengths, against the exact Boltzmann density exp(Delta (u + h)^2) at the cell "
      "centres (Delta = 2, 13, 64, h = H_z/H_K = 0 and 0.2); and probability conservation "
      "of the time propagation (uniformization) from that state over 100 tau_D.",
      "Boltzmann equilibrium of E = -E_b (u^2 + 2 h u) (statistical mechanics); "
      "llg.equilibrium.density_u for h = 0")
def fp_equilibrium(quick, out_dir):
    from llg.equilibrium import density_u
    from llg.fokker_planck import Grid, propagate_functional

    worst, worst_mass, rows = 0.0, 0.0, []
    for delta in (2.0, 13.0, 64.0):
        for h in (0.0, 0.2):
            g = Grid(delta, 400)
            op = g.operator(h)
            p = op.stationary() / g.sizes
            u = g.centers
            exact = density_u(u, delta) if h == 0 else np.exp(delta * ((u + h) ** 2 - (1 + h) ** 2))
            ratio = p / exact
            dev = float(np.max(np.abs(ratio / ratio.mean() - 1)))
            mass = propagate_functional(op, op.stationary(), np.ones(g.n), [1.0, 100.0])
            dm = float(np.max(np.abs(mass - 1)))
            worst, worst_mass = max(worst, dev), max(worst_mass, dm)
            rows.append(f"Delta={delta:g}, h={h:g}: max |p/p_exact / mean - 1| = {dev:.1e}, "
                        f"mass drift {dm:.1e}")
    # mass: each uniformization step rounds (~1e-16); 1e5-1e6 steps over 100 tau_D
    tol = 1e-11
    return CaseResult("fp_equilibrium_boltzmann", worst < tol and worst_mass < 1e-9, worst,
                      0.0, tol, "1", "; ".join(rows))


def _tail_fit(delta, i):
    """FP WER ~ A exp(-r s) fitted through WER ~ 1e-9 and 1e-12 (reduced units)."""
    from llg.fokker_planck import wer_reduced

    s = np.log(delta * 3.0 / np.array([1e-9, 1e-12])) / (2 * (i - 1))
    w, err = wer_reduced(delta, i, s, relaxation=0.0)
    r = math.log(w[0] / w[1]) / (s[1] - s[0])
    return r, w[0] * math.exp(r * s[0]), float(err.max())


@case("fp_vs_butler_long_pulse",
      "Supercritical current (i = I/Ic0 = 1.5 .. 5), long pulses, high barrier: the FP write "
      "error rate between 1e-9 and 1e-12 is A exp(-r t/tau_D). Checks: r = 2 (i - 1) (Butler's "
      "exponent) within 4/Delta; the FP prefactor A over Butler's (pi^2 Delta/4)(i-1)/i "
      "equals the exact-drift factor 2^(2i/(i+1)) ((i-1)/i)^(2/(i+1)) / (pi^2/4) of "
      "llg.wer_analytic within 12/Delta (Butler's Gaussian extrapolation to pi/2 misses it). "
      "Delta = 200 (quick) / 1000 (full); the default device (Delta = 64) is shown for scale.",
      "Butler et al., IEEE Trans. Magn. 48, 4684 (2012): WER = 1 - exp{-(pi^2 Delta/4)(i-1)/"
      "(i e^{2(i-1)t/tau_D} - 1)}; exact zero-temperature switching time from the same paper")
def fp_vs_butler(quick, out_dir):
    from llg.wer_analytic import butler_tail, butler_wer, tail_prefactor_ratio
    from llg.fokker_planck import wer_reduced

    delta = 200.0 if quick else 1000.0
    currents = (1.5, 2.0, 3.0) if quick else (1.5, 2.0, 3.0, 5.0)
    rows, passed, worst = [], True, 0.0
    for i in currents:
        r, a, err = _tail_fit(delta, i)
        rate_dev = r / (2 * (i - 1)) - 1
        pref = a / float(butler_tail(delta, i, 0.0))
        pref_dev = pref / tail_prefactor_ratio(i) - 1
        ok = abs(rate_dev) <= 4 / delta and abs(pref_dev) <= 12 / delta
        passed &= ok
        worst = max(worst, abs(pref_dev) * delta / 12, abs(rate_dev) * delta / 4)
        rows.append(f"i={i:g}: r/(2(i-1)) - 1 = {rate_dev:+.2e} (tol {4 / delta:.1e}); "
                    f"A_FP/A_Butler = {pref:.4f} vs exact-drift factor "
                    f"{tail_prefactor_ratio(i):.4f} ({pref_dev:+.2e}, tol {12 / delta:.1e}); "
                    f"FP rel. error {err:.1e}{'' if ok else '  FAIL'}")
    # the default device for scale: FP vs Butler at WER ~ 1e-9, i = 2
    d64 = 64.2
    s = math.log(d64 * 3 / 1e-9) / 2.0
    w64, _ = wer_reduced(d64, 2.0, [s], relaxation=0.0)
    rows.append(f"Delta={d64}: i=2, t = {s:.2f} tau_D: FP {w64[0]:.3e}, Butler "
                f"{float(butler_wer(d64, 2.0, s)):.3e}")
    plot = None
    if out_dir is not None:
        from llg.wer_analytic import wer_tail_asymptote

        ss = np.linspace(0.5, 16, 60)
        wf, _ = wer_reduced(d64, 2.0, ss, relaxation=0.0)
        plot = _plot(out_dir, "fp_vs_butler_long_pulse", {
            "FP, Delta = 64.2, i = 2": (ss, wf, "k-"),
            "Butler 2012": (ss, butler_wer(d64, 2.0, ss), "b--"),
            "exact-drift asymptote": (ss, wer_tail_asymptote(d64, 2.0, ss), "r:")},
            "WER vs pulse length", "t / tau_D", "write error rate")
    return CaseResult("fp_vs_butler_long_pulse", bool(passed), worst, 0.0, 1.0,
                      "fraction of tolerance", "; ".join(rows), plot)


@case("fp_neel_brown_rate",
      "Zero current: the smallest non-zero eigenvalue lambda1 of the discrete FP operator "
      "(Sturm bisection, Richardson in the grid) against (a) Brown's high-barrier rate "
      "(2/sqrt(pi)) Delta^(1/2) e^(-Delta) / tau_D, within 1.5/Delta (its asymptotic error is "
      "-1/Delta), and (b) the exact mean first-passage time T from the Boltzmann-weighted well "
      "to the saddle (quadrature, any Delta): lambda1 T = 1 within 5 exp(-Delta) + 1e-8 (the two "
      "agree up to exponentially small terms; 1e-8 covers the grid error of lambda1).",
      "Brown, Phys. Rev. 130, 1677 (1963); Coffey & Kalmykov, J. Appl. Phys. 112, 121301 "
      "(2012): tau = tau_N (sqrt(pi)/2) Delta^(-3/2) e^Delta, tau_N = Delta tau_D")
def fp_neel_brown(quick, out_dir):
    from llg.fokker_planck import relaxation_rate
    from llg.retention import mean_first_passage_time

    rows, passed, worst = [], True, 0.0
    for delta in (5.0, 13.0, 20.0, 40.0, 80.0):
        lam, lam_err = relaxation_rate(delta)
        brown = 2 / math.sqrt(math.pi) * math.sqrt(delta) * math.exp(-delta)
        t_sad = mean_first_passage_time(delta, 0.0)
        dev_b = lam / brown - 1
        dev_t = lam * t_sad - 1
        tol_t = 5.0 * math.exp(-delta) + 1e-8
        ok = abs(dev_b) <= 1.5 / delta and abs(dev_t) <= tol_t
        passed &= ok
        worst = max(worst, abs(dev_b) * delta / 1.5)
        rows.append(f"Delta={delta:g}: lambda1 tau_D = {lam:.6e} (+-{lam_err / lam:.0e} rel.); "
                    f"lambda1/Brown - 1 = {dev_b:+.4f} (x Delta = {dev_b * delta:+.3f}); "
                    f"lambda1 T_saddle - 1 = {dev_t:+.2e} (tol {tol_t:.1e})"
                    f"{'' if ok else '  FAIL'}")
    return CaseResult("fp_neel_brown_rate", bool(passed), worst, 0.0, 1.0,
                      "fraction of tolerance", "; ".join(rows))


def _mc_wer(dev, current, width, relaxation, n, seed):
    from llg import current_pulse, simulate

    res = simulate(dev, drive=current_pulse(current, width), duration=width + relaxation,
                   dt=2e-12, n_trajectories=n, seed=seed, initial="P" if current < 0 else "AP",
                   thermal_initial=True)
    return 1.0 - res.p_switch


@case("fp_vs_monte_carlo_wer",
      "low-delta-fast device (Delta = 12.9, alpha = 0.01): FP WER against the stochastic-LLG "
      "ensemble (stochastic Heun, dt = 2 ps, thermal start in the P well, same pulse and "
      "relaxation), at I = -1.5 Ic0 (pulse 10, 20 ns; full: also 5 ns; then 2 tau_D with the "
      "current off) and -3 Ic0 (2 ns; full: also 4 ns; read at the pulse end); |MC - FP| "
      "within 4.5 binomial standard errors.",
      "Monte Carlo of the stochastic LLG (llg.simulate), the equation the FP is derived from")
def fp_vs_monte_carlo(quick, out_dir):
    from llg import load_device
    from llg.fokker_planck import write_error_rate

    dev = load_device("low-delta-fast")
    n = 2000 if quick else 10000
    cases = [(-1.5, (10e-9, 20e-9) if quick else (5e-9, 10e-9, 20e-9), None),
             (-3.0, (2e-9,) if quick else (2e-9, 4e-9), 0.0)]
    rows, passed, worst, series = [], True, 0.0, {}
    k = 0
    for ratio, widths, relax in cases:
        fp = write_error_rate(dev, ratio * dev.ic0, widths, relaxation=relax)
        pts = []
        for w, wer in zip(widths, fp.wer):
            mc = _mc_wer(dev, ratio * dev.ic0, w, fp.relaxation, n, 100 + k)
            k += 1
            se = math.sqrt(max(wer * (1 - wer), 1e-4) / n)
            z = (mc - wer) / se
            passed &= abs(z) <= N_SIGMA
            worst = max(worst, abs(z))
            pts.append((w * 1e9, mc, N_SIGMA * se))
            rows.append(f"I={ratio:g} Ic0, t={w * 1e9:g} ns, relax {fp.relaxation * 1e9:.2f} ns: "
                        f"FP {wer:.4f}, MC {mc:.4f} (n={n}, z = {z:+.2f})")
        if out_dir is not None:
            grid = np.linspace(0.5e-9, 1.1 * max(widths), 60)
            curve = write_error_rate(dev, ratio * dev.ic0, grid, relaxation=relax).wer
            series[f"FP, I = {ratio:g} Ic0"] = (grid * 1e9, curve, "-")
            series[f"MC, I = {ratio:g} Ic0"] = ([p[0] for p in pts],
                                                ([p[1] for p in pts], [p[2] for p in pts]),
                                                "err")
    plot = _plot(out_dir, "fp_vs_monte_carlo_wer", series,
                 "low-delta-fast: FP vs Monte Carlo (error bars 4.5 s.e.)", "pulse width (ns)",
                 "write error rate", logy=False)
    return CaseResult("fp_vs_monte_carlo_wer", bool(passed), worst, 0.0, N_SIGMA, "s.e.",
                      "; ".join(rows), plot)


@case("thermal_activation_exponent",
      "Sub-critical current (thermally activated regime): FP mean escape time "
      "1/(lambda1 (1 - P_st,start)) at Delta = 60 and i = 0.2, 0.4, 0.6 against "
      "tau_D sqrt(pi/Delta) e^{Delta (1-i)^2} / ((1-i)^2 (1+i)) (n = 2) within 1.5/Delta_eff, "
      "Delta_eff = Delta (1-i)^2; the linear law e^{Delta (1-i)} (n = 1) is reported and must "
      "miss by more than a factor 10. Monte Carlo meets FP at Delta = 12.9, alpha = 1, "
      "i = 0.4, pulse = one FP escape time (WER within 4.5 s.e.), where the n = 2 formula is "
      "still 1/Delta_eff ~ 20 % off.",
      "Taniguchi & Imamura, arXiv:1010.5845 (2010) and Butler et al. 2012 (barrier "
      "Delta (1 - I/Ic0)^2); Koch, Katine & Sun, PRL 92, 088302 (2004) (linear law); Kramers' "
      "high-barrier MFPT of the 1-D FP for the prefactor")
def thermal_activation(quick, out_dir):
    from llg import load_device
    from llg.fokker_planck import escape_time_reduced, write_error_rate
    from llg.wer_analytic import thermal_switching_time

    rows, passed, worst = [], True, 0.0
    delta = 60.0
    for i in (0.2, 0.4, 0.6):
        t_fp = escape_time_reduced(delta, i)
        t2 = thermal_switching_time(delta, i, 2)
        t1 = thermal_switching_time(delta, i, 1)
        d_eff = delta * (1 - i) ** 2
        dev2 = t2 / t_fp - 1
        ok = abs(dev2) <= 1.5 / d_eff and t1 / t_fp > 10
        passed &= ok
        worst = max(worst, abs(dev2) * d_eff / 1.5)
        rows.append(f"Delta={delta:g}, i={i:g} (Delta_eff {d_eff:.1f}): tau_FP = {t_fp:.4e} "
                    f"tau_D; n=2 formula/FP - 1 = {dev2:+.3f} (tol {1.5 / d_eff:.3f}); "
                    f"n=1 formula/FP = {t1 / t_fp:.3g}{'' if ok else '  FAIL'}")
    base = load_device("low-delta-fast")
    dev = base.with_(alpha=1.0)
    i = 0.4
    tau = escape_time_reduced(dev.delta, i) * dev.tau_d
    fp = write_error_rate(dev, -i * dev.ic0, [tau])
    n = 2000 if quick else 10000
    mc = _mc_wer(dev, -i * dev.ic0, tau, fp.relaxation, n, 7)
    wer = float(fp.wer[0])
    se = math.sqrt(wer * (1 - wer) / n)
    z = (mc - wer) / se
    formula = math.exp(-tau / (thermal_switching_time(dev.delta, i, 2) * dev.tau_d))
    passed &= abs(z) <= N_SIGMA
    rows.append(f"MC point: Delta={dev.delta:.2f}, alpha=1, i={i}, pulse {tau * 1e9:.2f} ns: "
                f"FP WER {wer:.4f}, MC {mc:.4f} (n={n}, z={z:+.2f}), n=2 formula "
                f"e^(-t/tau) = {formula:.4f}")
    return CaseResult("thermal_activation_exponent", bool(passed), worst, 0.0, 1.0,
                      "fraction of tolerance", "; ".join(rows))


@case("retention_escape_mc",
      "Retention at Delta = 6 (low-delta-fast at 643 K, alpha = 1): Monte Carlo mean "
      "first-passage time from the Boltzmann P well to m.z = -0.8 (deep in the AP well, so "
      "saddle recrossings do not count and discrete-time monitoring biases it by < 0.2 %) "
      "against the exact quadrature of llg.retention to the same level (4.5 s.e. + 1 % dt "
      "budget), at zero current and with a read current of 0.3 Ic0 plus H_z = 0.1 H_K "
      "(read disturb); at zero current also against the Neel-Brown retention time "
      "tau_0 e^Delta (within 2/Delta + 4.5 s.e.) and the FP spectral value 2/lambda1.",
      "Brown, Phys. Rev. 130, 1677 (1963); exact 1-D mean first-passage time (Gardiner, "
      "Handbook of Stochastic Methods, ch. 5)")
def retention_escape(quick, out_dir):
    from llg import current_pulse, load_device, simulate
    from llg.fokker_planck import ReducedModel
    from llg.retention import mean_first_passage_time, retention

    base = load_device("low-delta-fast")
    n = 2000 if quick else 10000
    level = 0.8
    rows, passed, worst = [], True, 0.0
    for k, (ratio, hz) in enumerate(((0.0, 0.0), (0.3, 0.1))):
        dev = base.with_(alpha=1.0, temperature=300.0 * base.delta / 6.0,
                         applied_field=(0.0, 0.0, -hz * base.Hk_eff))
        model = ReducedModel.from_device(dev)
        current = -ratio * dev.ic0
        # P -> AP: v = -u, c = -(h + i I); the start well is P (v < 0). simulate draws the
        # thermal start from the zero-field Boltzmann density, so c0 = 0 here.
        c = model.shift(current, -1)
        exact = mean_first_passage_time(dev.delta, level, c=c, c0=0.0) * dev.tau_d
        res = simulate(dev, drive=current_pulse(current), duration=60 * exact, dt=2e-12,
                       n_trajectories=n, seed=40 + k, initial="P", thermal_initial=True,
                       switch_level=level, stop_on_switch=True)
        t = res.switch_time
        if not np.all(np.isfinite(t)):
            raise RuntimeError("retention_escape_mc: some trajectories did not escape")
        mean, se = float(t.mean()), float(t.std(ddof=1) / math.sqrt(n))
        tol = N_SIGMA * se + MFPT_DT_BUDGET * exact
        ok = abs(mean - exact) <= tol
        worst = max(worst, abs(mean - exact) / tol)
        line = (f"i={ratio:g}, h={model.h:+g}: MC {mean:.4e} +- {se:.1e} s vs exact {exact:.4e} s "
                f"(MC/exact - 1 = {mean / exact - 1:+.3f}, tol {tol / exact:.3f})")
        if ratio == 0.0:
            r = retention(dev)
            tol_b = 2.0 / dev.delta + N_SIGMA * se / mean
            ok_b = abs(mean / r.retention_time - 1) <= tol_b
            ok = ok and ok_b
            line += (f"; Neel-Brown retention_time {r.retention_time:.4e} s (MC/Brown - 1 = "
                     f"{mean / r.retention_time - 1:+.3f}, tol {tol_b:.3f}); FP 2/lambda1 "
                     f"{r.retention_time_fp:.4e} s (MC/FP - 1 = "
                     f"{mean / r.retention_time_fp - 1:+.3f})")
        passed &= ok
        rows.append(line + ("" if ok else "  FAIL"))
    return CaseResult("retention_escape_mc", bool(passed), worst, 0.0, 1.0,
                      "fraction of tolerance", "; ".join(rows))
