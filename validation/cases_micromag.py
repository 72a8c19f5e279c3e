"""Validation cases for the finite-difference micromagnetic solver (llg.micromag, issue 15).

References are independent of the code: Aharoni's closed-form prism factors, mumax3's
standard-problem-4 regression numbers, the macrospin's closed forms (Ic0, the T = 0
polar-angle equation), the Boltzmann law, and the coherent / domain-wall barrier formulas.
The quick mode runs reduced versions (seconds); the full mode adds standard problem 4's
1 ns reversal, the critical current and the large-disk wall barriers.
"""
from __future__ import annotations

import math

from .registry import CaseResult, case

N_SIGMA = 4.5


def _device(**changes):
    from llg import load_device

    dev = load_device("default")
    return dev.with_(A_ex=dev.A_ex or 2e-11, **changes)


@case("micromag_demag_prism",
      "Volume-averaged demagnetizing factors of a uniformly magnetized 120 x 40 x 6 nm prism "
      "(30 x 10 x 2 cells), from the FFT convolution with the Newell tensor (near) and the "
      "averaged dipole (far).",
      "Aharoni, J. Appl. Phys. 83, 3432 (1998), eq. (1); Newell, Williams & Dunlop, JGR 98, "
      "9551 (1993)")
def demag_prism(quick, out_dir):
    from llg.micromag import demag, grid
    from llg.micromag.convolution import DemagField

    g = grid.rectangle(120e-9, 40e-9, 6e-9, 4e-9, 3e-9)
    n = DemagField(g, 1e6).average_factors()
    a, b, c = 60e-9, 20e-9, 3e-9
    ref = [demag.aharoni_nz(b, c, a), demag.aharoni_nz(c, a, b), demag.aharoni_nz(a, b, c)]
    err = max(abs(x / r - 1) for x, r in zip(n, ref))
    return CaseResult("micromag_demag_prism", bool(err < 1e-6), err, 0.0, 1e-6, "1",
                      f"(Nxx, Nyy, Nzz) = {tuple(round(x, 8) for x in n)} vs Aharoni "
                      f"{tuple(round(x, 8) for x in ref)}; largest relative deviation {err:.2e}")


@case("micromag_sp4",
      "mu-MAG standard problem 4 (permalloy 500 x 125 x 3 nm, 128 x 32 x 1 cells): the relaxed "
      "S-state <m> (quick) and, in full mode, <m> after 1 ns in field 1 "
      "(mu0 H = (-24.6, 4.3, 0) mT) and field 2 ((-35.5, -6.3, 0) mT), RK45 at rtol 1e-6 "
      "(converged: 1e-5 and 1e-7 agree to 1e-6).",
      "mumax3 regression test test/standardproblem4.mx3 (github.com/mumax/3, same grid): "
      "relaxed (0.96697, 0.12527, 0), field 1 at 1 ns (-0.98461, 0.12604, 0.04327); "
      "mumax3 test/cert/standardproblem4b.go: field 2 at 1 ns (-0.9687, -0.1186, -0.00569); "
      "mu-MAG problem at https://www.ctcms.nist.gov/~rdm/std4/spec4.html")
def sp4_case(quick, out_dir):
    import numpy as np

    from llg.micromag import sp4

    if quick:
        s = sp4.build()
        m = s.average(sp4.s_state(s))
        err = float(np.abs(m - sp4.REFERENCE["relaxed"]).max())
        return CaseResult("micromag_sp4", bool(err < 1e-4), err, 0.0, 1e-4, "1",
                          f"relaxed <m> = {np.round(m, 6).tolist()} (quick: S-state only)")
    r1, r2 = sp4.run(1), sp4.run(2)
    err = max(r1["final_error"], r2["final_error"])
    ok = r1["relaxed_error"] < 1e-4 and err < 0.02
    return CaseResult("micromag_sp4", bool(ok), err, 0.0, 0.02, "1",
                      f"relaxed <m> deviates by {r1['relaxed_error']:.1e} (tolerance 1e-4); "
                      f"<m>(1 ns) field 1 = {np.round(r1['final_m'], 5).tolist()} vs mumax3 "
                      f"{np.round(sp4.REFERENCE['field1_1ns'], 5).tolist()}, field 2 = "
                      f"{np.round(r2['final_m'], 5).tolist()} vs "
                      f"{np.round(sp4.REFERENCE['field2_1ns'], 5).tolist()} (tolerance 0.02 "
                      f"per component: mumax3 runs in single precision with its own kernel); "
                      f"first <m_x> = 0 at {r1['t_first_mx_zero'] * 1e9:.3f} ns (field 1), "
                      f"{r2['t_first_mx_zero'] * 1e9:.3f} ns (field 2)",
                      extra={"final_m_field1": r1["final_m"], "final_m_field2": r2["final_m"]})


@case("micromag_macrospin_limit",
      "A 20 nm disk of the default device's material (alpha raised to 0.1, A_ex = 20 pJ/m, "
      "4 nm cells) at T = 0: time from a 0.1 rad tilt to <m_z> = 0 under -2 Ic0 and, in full "
      "mode, Ic0 from the zero of the small-angle growth rate between 0.9 and 1.1 Ic0.",
      "Macrospin: the T = 0 polar-angle equation d theta/dt = gamma' sin theta (|a_J| - alpha "
      "Hk cos theta) integrated by quadrature; Ic0 = 2 e alpha mu0 Ms Hk_eff V / (hbar eta) "
      "(Sun, PRB 62, 570 (2000))")
def macrospin_limit(quick, out_dir):
    from llg.micromag import checks

    dev = _device(diameter=20e-9, alpha=0.1)
    r = checks.switching_time(dev, ratio=2.0, theta0=0.1)
    err_t = r["t_micromag"] / r["t_macrospin"] - 1
    details = (f"switching time {r['t_micromag'] * 1e9:.4f} ns vs macrospin "
               f"{r['t_macrospin'] * 1e9:.4f} ns ({err_t:+.2%}, tolerance 3 %)")
    ok = bool(abs(err_t) < 0.03)
    value = err_t
    if not quick:
        c = checks.critical_current(dev)
        details += (f"; Ic0 {c['ic0_micromag'] * 1e6:.2f} uA vs macrospin "
                    f"{c['ic0_macrospin'] * 1e6:.2f} uA ({c['ratio'] - 1:+.2%}, tolerance 3 %: "
                    f"the disk's edge canting softens the uniform mode)")
        ok = ok and abs(c["ratio"] - 1) < 0.03
    return CaseResult("micromag_macrospin_limit", ok, value, 0.0, 0.03, "1", details)


@case("micromag_boltzmann",
      "Thermal equilibrium of the discrete system: n x n independent cells (A = 0, no demag, "
      "K_u V_cell = 3 k_B T, alpha = 0.1, per-cell thermal field with the cell volume), "
      "<m_z^2> from snapshots one relaxation time apart (fixed seed).",
      "Boltzmann law p(cos theta) ~ exp(Delta cos^2 theta) (Brown, Phys. Rev. 130, 1677 "
      "(1963)); tolerance 4.5 standard errors plus 0.005 for the Heun time-step bias")
def boltzmann(quick, out_dir):
    from llg.micromag import checks

    r = checks.boltzmann_mz2(delta_cell=3.0, n=32, snapshots=20 if quick else 100)
    tol = N_SIGMA * r["se"] + 0.005
    return CaseResult("micromag_boltzmann", bool(abs(r["mz2"] - r["reference"]) < tol), r["mz2"],
                      r["reference"], tol, "1",
                      f"{r['samples']} samples, standard error {r['se']:.4f}")


@case("micromag_barrier_limits",
      "Zero-current barrier by the simplified string method (both a coherent and a "
      "domain-wall initial chain, lower saddle kept): a 20 nm disk of the default device "
      "(2 nm cells) and, in full mode, 150 and 200 nm disks (4 nm cells).",
      "Small disk: the macrospin barrier mu0 Ms Hk_eff V / 2 on the same cells, coherent "
      "(tolerance 2 %). Large disks: domain wall, barrier between 0.7 and 1.0 sigma_w d t "
      "(sigma_w = 4 sqrt(A K_eff); the stray field lowers a wall's energy in a perpendicular "
      "film), growing linearly in d (ratio constant within 5 %). E, Ren & Vanden-Eijnden, "
      "J. Chem. Phys. 126, 164103 (2007); Sun et al., PRB 84, 064413 (2011)")
def barrier_limits(quick, out_dir):
    from llg.micromag.barriers import device_barrier

    r = device_barrier(_device(diameter=20e-9), cell=2e-9, images=12)
    err = r["delta_micromagnetic"] / r["delta_macrospin_grid"] - 1
    ok = bool(abs(err) < 0.02) and r["mechanism"] == "coherent"
    details = (f"d = 20 nm: Delta {r['delta_micromagnetic']:.3f} vs macrospin "
               f"{r['delta_macrospin_grid']:.3f} on the grid ({err:+.2%}), {r['mechanism']}; "
               f"crossover diameter {r['crossover_diameter'] * 1e9:.1f} nm")
    if not quick:
        ratios = []
        for d in (150e-9, 200e-9):
            q = device_barrier(_device(diameter=d), cell=4e-9, images=16)
            ratios.append(q["delta_micromagnetic"] / q["delta_domain_wall"])
            ok = ok and q["mechanism"] == "domain wall" and 0.7 < ratios[-1] < 1.0
            details += (f"; d = {d * 1e9:.0f} nm: Delta {q['delta_micromagnetic']:.1f} vs "
                        f"wall {q['delta_domain_wall']:.1f} (ratio {ratios[-1]:.3f}), "
                        f"macrospin {q['delta_macrospin']:.0f}, {q['mechanism']}")
        ok = ok and abs(ratios[1] / ratios[0] - 1) < 0.05
    return CaseResult("micromag_barrier_limits", ok, err, 0.0, 0.02, "1", details)


# --- sub-critical law from micromagnetic Monte Carlo (issue 15 item 4; llg.micromag.subcritical)

@case("micromag_subcritical_macrospin_limit",
      "Stochastic-LLG escape times in the macrospin limit of the micromagnetic model: a one-cell "
      "(4 nm) disk of the default device's material, alpha 0.5, at the temperature that gives "
      "the 20 nm reduced device's grid Delta (13.6): relaxed 1 tau_D at zero current, then "
      "I = -i Ic0 with Delta (1 - i)^2 = 1.0 (quick: 12 trajectories) or 1.5 and 2.5 (full: "
      "32 each), first <m_z> = 0; full mode also "
      "re-checks the shipped card's macrospin-limit ensembles "
      "(data/micromag/subcritical_default.toml) against freshly computed reference times.",
      "Exact mean first-passage time of the 1-D macrospin Fokker-Planck equation from the "
      "zero-current Boltzmann start (llg.retention.mean_first_passage_time; Brown, Phys. Rev. "
      "130, 1677 (1963); Gardiner, Handbook of Stochastic Methods, ch. 5); tolerance 4.5 "
      "standard errors of each mean")
def subcritical_macrospin_limit(quick, out_dir):
    import numpy as np

    from llg.micromag import subcritical as SC
    from llg.micromag.subcritical_card import card_path, load_card

    red = SC.reduced_device(_device())
    targets = (1.0,) if quick else (1.5, 2.5)
    r = SC.macrospin_limit(red, 4e-9, 12 if quick else 32, 11, 400.0, targets=targets)
    z = list(r["z"])
    details = "; ".join(f"i = {i:.3f}: tau = {t / r['tau_d']:.2f} +- {s / r['tau_d']:.2f} "
                        f"tau_D vs FP {f / r['tau_d']:.2f}" for i, t, s, f in
                        zip(r["reduced_current"], r["tau"], r["tau_se"], r["fp_tau"]))
    if not quick:
        card = load_card(card_path("default"))
        lim = card["macrospin_limit"]
        fp = SC.fp_escape_times(lim["delta_macrospin_grid"], lim["reduced_current"],
                                lim["tau_d"])
        zc = (np.asarray(lim["tau"]) - fp) / np.asarray(lim["tau_se"])
        z += zc.tolist()
        details += f"; shipped card: z = {', '.join(f'{x:+.2f}' for x in zc)}"
    worst = float(np.abs(z).max())
    return CaseResult("micromag_subcritical_macrospin_limit", bool(worst < SC.N_SIGMA), worst,
                      0.0, SC.N_SIGMA, "sigma", details)
