"""What a gate's operating point offers and what the device would need (SI units).

* ``current_ratio_offered``: at the operating point, the output current of the weakest pattern
  that must switch over that of the strongest pattern that must hold (A/A);
* ``current_ratio_needed``: at the same pulse width, the current at which WER = target over the
  largest current at which P_sw <= target (both from the switching source, in the output's
  direction): the contrast the device needs, input disturbs aside;
* ``error_vs_pulse_width``: per pulse width, the least max error over V, its voltage, the
  latency (pulse plus line settling), the needed ratio, and the probability that an idle cell
  loses its state during the pulse (zero-current escape, FP spectrum: retention);
* :func:`tmr_needed`: the smallest TMR0 at which the gate meets the target, by root finding on
  the optimizer itself (every evaluation rebuilds the gate network at that TMR0; switching is
  current-driven, so its statistics do not change with TMR0).
"""
from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq

from llg.errors import ParameterError


def _current_at(fn, level: float, lo: float, hi: float, rising: bool):
    """|I| (A) in [lo, hi] at which ``fn(I)`` crosses ``level`` (log-bisection), or None."""
    def f(x):
        val = float(np.asarray(fn(np.array([math.exp(x)])))[0])
        return math.log(max(val, 1e-300)) - math.log(level)
    a, b = math.log(lo), math.log(hi)
    fa, fb = f(a), f(b)
    if (fa > 0) == (fb > 0):
        return None
    return math.exp(brentq(f, a, b, xtol=1e-6))


def ratio_needed(src, direction: str, pulse_width: float, target: float):
    """(I_switch, I_hold, I_switch / I_hold) for ``target`` at ``pulse_width`` (A, A, 1).

    A property of the switching alone: for the FP source it is kept with the source's shared
    grids, so every gate, width and design of the same switching model finds it once."""
    memo = _ratio_memo(src)
    key = (direction, float(pulse_width), float(target))
    if memo is not None and key in memo:
        return memo[key]
    out = _ratio_needed(src, direction, pulse_width, target)
    if memo is not None:
        memo[key] = out
    return out


def _ratio_memo(src):
    """The FP source's shared memo of ratio_needed (its sub-critical law and the device's
    activation constants in the key), or None for other sources."""
    from . import fastpath
    from .fpsource import FPSwitching

    if not fastpath.FAST or not isinstance(src, FPSwitching):
        return None
    dev = src.device
    law = (src.subcritical, dev.subcritical_exponent, dev.attempt_time) \
        if src.subcritical == "activation" else ("fp",)
    return src._cache.setdefault(("ratio_needed",) + law, {})


def _ratio_needed(src, direction: str, pulse_width: float, target: float):
    lo, hi = src.current_range
    i_sw = _current_at(lambda i: src.wer(direction, i, pulse_width)[0], target, lo, hi, False)
    i_hold = _current_at(lambda i: src.p_switch(direction, i, pulse_width)[0], target, lo, hi,
                         True)
    if i_sw is None or i_hold is None:
        return i_sw, i_hold, None
    return i_sw, i_hold, i_sw / i_hold


def ratio_offered(op) -> float | None:
    """Weakest switching / strongest holding output current at the operating point."""
    cur = op.details.get("output_current_by_pattern") or {}
    sw = [i for p, i in cur.items() if p not in op.details.get("holding_patterns", ())]
    hold = [i for p, i in cur.items() if p in op.details.get("holding_patterns", ())]
    if not sw or not hold:
        return None
    return min(sw) / max(hold)


def retention_time(device) -> float | None:
    """Mean zero-current escape time of a bit (s), FP spectrum; None where FP does not apply."""
    from llg.fokker_planck import check_fp_device, escape_time_reduced

    try:
        check_fp_device(device)
    except ParameterError:
        return None
    return escape_time_reduced(device.delta) * device.tau_d


def error_curve(op, src, settle: float, device, with_needed: bool) -> list:
    """The ``error_vs_pulse_width`` entries of ``op`` (module doc)."""
    tau = retention_time(device)
    out = []
    for row in op.details.get("pulse_scan", []):
        t = row["pulse_width"]
        entry = {"pulse_width": t, "max_error_rate": row["best_max_error"],
                 "v_operating": row["best_voltage"], "latency": t + settle,
                 "retention_error": None if tau is None else float(-math.expm1(-t / tau))}
        if with_needed:
            entry["current_ratio_needed"] = ratio_needed(src, op.direction, t,
                                                         op.target_error)[2]
        out.append(entry)
    return out


def tmr_needed(gate, *, tmr_max: float = 20.0, **kwargs):
    """Smallest TMR0 (ratio) at which ``operating_point(gate, **kwargs)`` is feasible, by
    bisection on TMR0 through the optimizer (module doc); None if not even ``tmr_max``."""
    from .context import _context_device
    from .operating_point import operating_point

    kwargs = dict(kwargs)
    kwargs.pop("circuit_overrides", None)
    tmr0 = _context_device(kwargs).TMR0

    def ok(x):
        return operating_point(gate, circuit_overrides={"TMR0": x}, coupled=False,
                               **kwargs).feasible

    if ok(tmr0):
        lo, hi = 0.0, tmr0
        if ok(lo):
            return 0.0
    else:
        lo, hi = tmr0, tmr_max
        if not ok(hi):
            return None
    while hi - lo > 0.01 * hi:   # 1 % in TMR0
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if ok(mid) else (mid, hi)
    return hi


def delta_needed(gate, *, delta_max: float = 150.0, **kwargs):
    """Smallest Delta at which ``operating_point(gate, **kwargs)`` is feasible, by bisection
    through the optimizer (1 % in Delta). Delta is changed through H_k_eff with everything
    else fixed, so Ic0 and tau_D follow it and every evaluation rebuilds its FP grids (~5 s).
    Raising Delta only lengthens retention; lowering it below the device's is refused where
    the zero-current retention time would fall under ``retention_min`` (s, default 10 years).
    Returns (delta, retention time in s) or None if not even ``delta_max`` suffices."""
    from .context import _context_device
    from .operating_point import operating_point

    kwargs = dict(kwargs)
    if kwargs.get("table") is not None or kwargs.get("switching") == "table":
        raise ParameterError("delta_needed rebuilds the switching statistics at each Delta: it "
                             "needs the Fokker-Planck source (no --table)")
    retention_min = kwargs.pop("retention_min", 10 * 365.25 * 86400.0)
    dev = _context_device(kwargs)
    kwargs.pop("device", None)

    def at(delta):
        return dev.with_(Hk_eff=dev.Hk_eff * delta / dev.delta)

    def ok(delta):
        return operating_point(gate, device=at(delta), coupled=False, **kwargs).feasible

    lo, hi = dev.delta, delta_max
    if ok(lo):
        hi = lo
        lo = dev.delta / 2
        while retention_time(at(lo)) < retention_min:
            lo = 0.5 * (lo + hi)
            if hi - lo < 0.01 * hi:
                return hi, retention_time(at(hi))
        if ok(lo):
            return lo, retention_time(at(lo))
    elif not ok(hi):
        return None
    while hi - lo > 0.01 * hi:
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if ok(mid) else (mid, hi)
    return hi, retention_time(at(hi))
