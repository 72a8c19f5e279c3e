"""The two non-Monte-Carlo inputs of a table: Fokker-Planck WER and the retention time.

Both come from their own modules (:mod:`llg.fokker_planck`, :mod:`llg.retention`); this file
only decides where they apply and adapts the calls to table points.
"""
from __future__ import annotations

import math


def _fp_module():
    try:
        from .. import fokker_planck
    except ImportError:
        return None
    return fokker_planck


def fp_applies(cfg) -> bool:
    """The FP equation on the polar angle holds for the axially symmetric problem: a
    perpendicular device (Nx = Ny, field along z), constant spin-torque efficiency, one
    device (no variation sampling), a rectangular current pulse (no rise/fall)."""
    fp = _fp_module()
    if fp is None or cfg.has_variation or cfg.drive != "current" or cfg.rise or cfg.fall:
        return False
    try:
        for T in cfg.axes["temperature"]:
            fp.check_fp_device(cfg.device_at(T))
    except Exception:  # the solver's own assumption check says no
        return False
    return True


def fp_wer(cfg, device, current: float, pulse_width: float, direction: str):
    """(wer, low, high) from the Fokker-Planck solver, same relaxation as the Monte Carlo.

    low/high bracket the discretization error: the solver's relative error estimate e of
    the Richardson value (in log) gives wer * exp(-e) .. wer * exp(+e). Below the solver's
    resolved floor (fokker_planck.FLOOR) the value is reported as the floor with bounds
    [0, floor].
    """
    fp = _fp_module()
    r = fp.write_error_rate(device, current, pulse_width, direction=direction)
    w, e = float(r.wer[0]), float(r.rel_error[0])
    if not w >= fp.FLOOR:
        return fp.FLOOR, 0.0, fp.FLOOR
    return w, w * math.exp(-e), min(1.0, w * math.exp(e))


def fp_description(cfg) -> str:
    if fp_applies(cfg):
        return ("llg.fokker_planck.write_error_rate: 1-D Fokker-Planck equation on "
                "cos(theta), finite volumes on n and 2n cells with Richardson extrapolation, "
                "exact uniformization in time, relaxation 2 tau_D after the pulse; "
                "wer_ci_low/high = wer exp(-+ rel_error) (discretization error), values below "
                "1e-30 stored as 1e-30 with bounds [0, 1e-30]")
    return ("Monte Carlo: wer = 1 - p_switch with the Wilson interval (Fokker-Planck needs a "
            "perpendicular device, constant spin-torque efficiency, a rectangular current "
            "pulse and no process variation)")


def retention_time(device) -> float:
    """Mean escape time (s) of a bit from its well at zero current: the Neel-Brown
    ``tau_0 exp(Delta)`` of :func:`llg.retention.escape_time` (what
    ``llg.retention.retention`` reports as retention_time). NaN where that axially symmetric
    formula does not hold (in-plane devices) or the module is missing."""
    try:
        from ..retention import escape_time
    except ImportError:
        return math.nan
    if device.geometry != "perpendicular" or not device.temperature > 0:
        return math.nan
    if device.delta > 700:  # exp overflows: retention is effectively infinite
        return math.inf
    return float(escape_time(device.delta, device.tau_d))


def retention_description() -> str:
    return ("llg.retention.escape_time: Neel-Brown mean escape time tau_D sqrt(pi/Delta) "
            "exp(Delta) (Brown 1963), perpendicular devices only (NaN otherwise)")
