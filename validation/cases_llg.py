"""Validation cases for the macrospin solver (issue: foundation and LLGS core)."""
from __future__ import annotations

import math

import numpy as np

from .registry import CaseResult, case


@case("critical_current_T0",
      "T = 0: a current just above Ic0 switches the macrospin, one just below does not "
      "(initial tilt 0.01 rad, 200 ns).",
      "Slonczewski, JMMM 159, L1 (1996); Sun, PRB 62, 570 (2000): "
      "Ic0 = 2 e alpha mu0 Ms Hk_eff V / (hbar eta)")
def critical_current(quick, out_dir):
    from llg import current_pulse, load_device, simulate

    dev = load_device("default").with_(temperature=0.0)
    margin = 0.03
    res = {}
    for f in (1 - margin, 1 + margin):
        r = simulate(dev, drive=current_pulse(-f * dev.ic0), duration=200e-9, dt=2e-12,
                     initial="P", initial_angle=0.01)
        res[f] = bool(r.switched[0])
    passed = res[1 + margin] and not res[1 - margin]
    return CaseResult("critical_current_T0", passed, dev.ic0 * (1 + margin), dev.ic0,
                      margin, "A", f"switched at 0.97 Ic0: {res[1 - margin]}, at 1.03 Ic0: "
                      f"{res[1 + margin]}")
