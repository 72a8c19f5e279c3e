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
      "S-state <m> (quick) and, in full mode, <m>(t) over 0-1 ns in field 1 "
      "(mu0 H = (-24.6, 4.3, 0) mT) and field 2 ((-35.5, -6.3, 0) mT), RK45 at rtol 1e-6, "
      "against the published traces: max |<m_i> - trace| (tolerance: the largest deviation "
      "between two published traces) and the first <m_x> zero (tolerance: the range of the "
      "published crossing times, at least 0.5 ps).",
      "mumax3 regression test test/standardproblem4.mx3 (github.com/mumax/3, same grid): "
      "relaxed (0.96697, 0.12527, 0); traces in data/micromag/sp4_traces: field 1 OOMMF "
      "(2.5 nm cells, via fidimag) and magnum.np (5 nm), field 2 Albuquerque, Miltat & "
      "Thiaville (2 nm and 4 nm, NIST mu-MAG submissions); NIST OOMMF 1 nm first-crossing "
      "times 138.419 / 136.685 ps; problem at https://www.ctcms.nist.gov/~rdm/std4/spec4.html")
def sp4_case(quick, out_dir):
    import numpy as np

    from llg.micromag import sp4

    if quick:
        s = sp4.build()
        m = s.average(sp4.s_state(s))
        err = float(np.abs(m - sp4.REFERENCE["relaxed"]).max())
        return CaseResult("micromag_sp4", bool(err < 1e-4), err, 0.0, 1e-4, "1",
                          f"relaxed <m> = {np.round(m, 6).tolist()} (quick: S-state only)")
    rs = [sp4.run(1), sp4.run(2)]
    ok = rs[0]["relaxed_error"] < 1e-4 and all(r["published"]["ok"] for r in rs)
    parts = [f"relaxed <m> deviates from mumax3 by {rs[0]['relaxed_error']:.1e} "
             f"(tolerance 1e-4)"]
    for r in rs:
        p = r["published"]
        mumax3 = sp4.REFERENCE[f"field{r['field']}_1ns"]
        devs = ", ".join(f"{k} {v:.4f}" for k, v in p["max_dev_by_trace"].items())
        pub = ", ".join(f"{k} {v * 1e12:.2f}" for k, v in p["published_t_first_mx_zero"].items())
        parts.append(f"field {r['field']}: max |<m> - trace| over 0-1 ns: {devs} (nearest "
                     f"{p['max_dev_nearest']:.4f}, tolerance = published spread "
                     f"{p['spread']:.4f}); first <m_x> = 0 at "
                     f"{p['t_first_mx_zero'] * 1e12:.2f} ps vs published {pub} ps (mean "
                     f"{p['t_first_mx_zero_mean'] * 1e12:.2f}, tolerance "
                     f"{p['t_first_mx_zero_tolerance'] * 1e12:.2f} ps); <m>(1 ns) "
                     f"{np.round(r['final_m'], 4).tolist()} vs mumax3 "
                     f"{np.round(mumax3, 4).tolist()}")
    worst = max(r["published"]["max_dev_nearest"] / r["published"]["spread"] for r in rs)
    return CaseResult("micromag_sp4", bool(ok), worst, 0.0, 1.0, "1",
                      "; ".join(parts) + " (value: nearest-trace deviation / spread, worst field)",
                      extra={"final_m_field1": rs[0]["final_m"],
                             "final_m_field2": rs[1]["final_m"],
                             "published_field1": rs[0]["published"],
                             "published_field2": rs[1]["published"]})


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


# --- mmval: the micromagnetic switching ensemble in the macrospin limit (issue 15 item 2) ---

MM_PSW_T = 30.0          # K: 2 A_ex t / (k_B T) = 106, the disk's internal spin waves frozen out
MM_PSW_WIDTH = 0.3e-9    # s, rectangular pulse
MM_PSW_RATIOS = (2.5, 3.0, 3.5, 4.0)   # I / Ic0 (full); quick: 3.0


@case("micromag_switching_macrospin_limit",
      "Switching probability of a 20 nm disk of the default device's material (alpha = 0.1, "
      "A_ex = 20 pJ/m, 21 cells of 4 nm, demag, per-cell thermal field) at 30 K under "
      "0.3 ns pulses of 2.5-4 Ic0 (quick: 3 Ic0), P -> AP: an ensemble of 256 (quick: 128) "
      "micromagnetic trajectories from thermal starting states, 2 tau_D relaxation after "
      "the pulse, fixed seed.",
      "The macrospin Monte Carlo (llg.switching, 20000 trajectories) of the same device with "
      "the grid's own volume, same a_J / Ic0 ratio and protocol; tolerance 4.5 combined "
      "binomial standard errors per point")
def micromag_switching(quick, out_dir):
    from llg.micromag import checks, ensemble as E

    dev = checks.small_disk_device(_device()).with_(temperature=MM_PSW_T)
    ratios = (3.0,) if quick else MM_PSW_RATIOS
    trials = 128 if quick else 256
    rows, worst = [], 0.0
    for k, r in enumerate(ratios):
        a = E.switching_probability(dev, r, MM_PSW_WIDTH, trials=trials, seed=10 + k)
        b = E.macrospin_probability(dev, 4e-9, r, MM_PSW_WIDTH, trials=20000, seed=20 + k)
        z = E.binomial_z(a, b)
        worst = max(worst, abs(z))
        rows.append(f"{r:g} Ic0: {a['p_switch']:.3f} vs macrospin {b['p_switch']:.4f} "
                    f"(z = {z:+.2f})")
    return CaseResult("micromag_switching_macrospin_limit", bool(worst < N_SIGMA), worst, 0.0,
                      N_SIGMA, "sigma", "; ".join(rows) + f"; {trials} micromagnetic "
                      f"trajectories per point, Delta {a['delta_grid']:.0f} at 30 K")


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
