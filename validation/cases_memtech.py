"""Validation cases for the technology cards and the maturity scenarios: the cards' macro MAC
energies against their sources' headline efficiencies, the binary state-overlap law against
Monte Carlo, and the scenario table re-use and FP source against Sun's Ic0 ~ 1/eta."""
from __future__ import annotations

import math

import numpy as np

from .registry import CaseResult, case

#: card -> (published TOPS/W, what it is) ; 1 MAC = 2 operations
HEADLINES = {"sram_cim": (866.0, "Valavi et al., JSSC 54, 1789 (2019), 1-b"),
             "reram": (53.17, "Xue et al., ISSCC 2019, binary-input mode"),
             "pcm": (10.5, "Khaddam-Aljameh et al., JSSC 57, 1027 (2022), measured"),
             "mram": (405.0, "Jung et al., Nature 601, 211 (2022)")}


@case("memtech_macro_efficiency",
      "Each technology card's macro energy per MAC reproduces its source's headline "
      "efficiency (TOPS/W = 2 operations per MAC / energy per MAC); largest relative "
      "deviation. Also the SRAM card's write energy against Horowitz's 10 pJ per 64 bits.",
      "Valavi et al., IEEE JSSC 54(6), 1789 (2019): 866 TOPS/W; Xue et al., ISSCC 2019: 53.17 "
      "TOPS/W; Khaddam-Aljameh et al., IEEE JSSC 57(4), 1027 (2022): 10.5 TOPS/W; Jung et al., "
      "Nature 601, 211 (2022): 405 TOPS/W; Horowitz, ISSCC 2014: 8 kB SRAM 10 pJ / 64 bit")
def macro_efficiency(quick, out_dir):
    from arrays.study.memtech import load_memtech

    devs, lines = [], []
    for name, (tops_w, what) in HEADLINES.items():
        e = load_memtech(name)["mvm.energy_per_mac"] if name != "mram" else \
            _card_value("mram", "mvm", "energy_per_mac")
        got = 2.0 / e / 1e12
        devs.append(abs(got / tops_w - 1))
        lines.append(f"{name}: {got:.4g} TOPS/W vs {tops_w:g} ({what})")
    sram_w = load_memtech("sram_cim")["cell.write_energy"]
    devs.append(abs(sram_w / (10e-12 / 64) - 1))
    worst = max(devs)
    return CaseResult("memtech_macro_efficiency", worst <= 0.01, worst, 0.0, 0.01, "1",
                      "; ".join(lines) + f"; SRAM write {sram_w:.4g} J vs 10 pJ/64")


def _card_value(name, sec, key):
    """A literal card value without resolving MRAM's references (no circuits run)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    from llg.paths import data_dir
    return float(tomllib.loads((data_dir() / "memtech" / f"{name}.toml").read_text())
                 [sec][key]["value"])


@case("memtech_state_overlap",
      "Binary write error of a resistive cell without verify: Monte Carlo of log-normal "
      "conductances (relative spread sigma) around G_on and G_off = G_on / r, read against the "
      "geometric-mean threshold, vs the closed form Phi(-ln(r) / (2 sigma)) the ReRAM and PCM "
      "cards use (r = 10, sigma = 0.5; tolerance 5 binomial standard errors).",
      "Gaussian tail of ln G: P(ln G_on - ln sqrt(G_on G_off) < 0) = Phi(-ln(r) / (2 sigma)); "
      "variability model as in Ielmini & Wong, Nature Electronics 1, 333 (2018)")
def state_overlap(quick, out_dir):
    from arrays.study.memtech import overlap_error

    r, sigma = 10.0, 0.5
    n = 200_000 if quick else 2_000_000
    rng = np.random.default_rng(20240607)
    ln_on = rng.normal(0.0, sigma, n)                    # ln(G / G_on) of cells written "on"
    ln_off = rng.normal(-math.log(r), sigma, n)          # written "off"
    thr = -0.5 * math.log(r)
    p_mc = 0.5 * (np.mean(ln_on < thr) + np.mean(ln_off > thr))
    p = overlap_error(r, sigma)
    se = math.sqrt(p * (1 - p) / (2 * n))
    return CaseResult("memtech_state_overlap", bool(abs(p_mc - p) <= 5 * se), float(p_mc), p,
                      5 * se, "1", f"{2 * n} simulated writes, seed 20240607")


def _i50(source, t: float) -> float:
    """The AP -> P current (A) of 50 % switching probability at pulse width ``t`` (s), by
    bisection in ln I over the source's current range."""
    lo, hi = source.current_range
    a, b = math.log(lo), math.log(hi)
    for _ in range(60):
        m = 0.5 * (a + b)
        if source.p_switch("AP-P", np.array([math.exp(m)]), t)[0][0] < 0.5:
            a = m
        else:
            b = m
    return math.exp(0.5 * (a + b))


@case("scenario_ic0_scaling",
      "A scenario's eta change re-uses the switching table with the current axis scaled: the "
      "50 % switching current of the rescaled table at the longest pulse, over the table's, "
      "equals Ic0'/Ic0 = eta/eta' (Sun 2000) and the device's own ic0 ratio.",
      "Ic0 = 2 e alpha mu0 Ms Hk_eff V / (hbar eta): Sun, Phys. Rev. B 62, 570 (2000); "
      "a_J proportional to eta I: Slonczewski, JMMM 159, L1 (1996)")
def ic0_scaling(quick, out_dir):
    from arrays.study.scaled_switching import scenario_source
    from circuits.tablesource import resolve_source

    base, dev0 = resolve_source("default", None)
    src, dev = scenario_source("default", (("polarization", 0.75),), None)
    t = float(base.pulse_widths[-1])

    ratio = _i50(src, t) / _i50(base, t)
    want = dev.ic0 / dev0.ic0
    dev_ok = abs(want / (0.6 / 0.75) - 1) < 1e-12
    return CaseResult("scenario_ic0_scaling", dev_ok and abs(ratio / want - 1) < 1e-6, ratio,
                      want, 1e-6, "1", f"I50 at t = {t:.3g} s; eta 0.6 -> 0.75")


@case("scenario_fp_ic0_scaling",
      "A scenario's eta change on the Fokker-Planck source the report uses "
      "(arrays.study.scaled_switching.scenario_switching: the changed device's own FP grids): "
      "the 50 % switching current at a 31.6 ns pulse, over the shipped device's, equals "
      "Ic0'/Ic0 = eta/eta' (Sun 2000).",
      "Ic0 = 2 e alpha mu0 Ms Hk_eff V / (hbar eta): Sun, Phys. Rev. B 62, 570 (2000); "
      "a_J proportional to eta I: Slonczewski, JMMM 159, L1 (1996)")
def fp_ic0_scaling(quick, out_dir):
    from arrays.study.scaled_switching import scenario_switching
    from circuits.fpsource import fp_source
    from llg.device import load_device

    dev0 = load_device("default")
    sw = scenario_switching("default", (("polarization", 0.75),), None)
    base = fp_source(dev0)
    src = fp_source(sw["device"], sw["pulse_range"])
    t = float(base.pulse_widths[15])        # 31.6 ns, a grid column of both sources

    ratio = _i50(src, t) / _i50(base, t)
    want = 0.6 / 0.75
    dev_ok = abs(sw["device"].ic0 / dev0.ic0 / want - 1) < 1e-12
    return CaseResult("scenario_fp_ic0_scaling", dev_ok and abs(ratio / want - 1) < 1e-6,
                      ratio, want, 1e-6, "1", f"I50 at t = {t:.3g} s; eta 0.6 -> 0.75; "
                      f"source: {sw['source']}")
