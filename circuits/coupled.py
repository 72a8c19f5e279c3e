"""The output MTJ coupled to its circuit: errors with a state-dependent current.

The optimizer's errors use the output current before switching for the whole pulse. As the
output MTJ switches its resistance changes, and with it the current the network drives
through it. At the operating point, per input pattern (all rows computing it), the network is
solved with the output preset and switched; the two (current, MTJ bias) points define the
network's Thevenin equivalent seen by the output MTJ, ``V_mtj = V_th - I R_th`` (exact for
linear elements, the chord of the saturating transistor otherwise). The Fokker-Planck
equation is then solved with ``i(u) = V_th / (R_th + R(u, V_mtj))``
(:func:`llg.fokker_planck.voltage_switching`, validated against the voltage-driven LLG
ensemble in :mod:`validation.cases_gates`). The inputs' disturb currents are sub-critical and
stay uncoupled here.
"""
from __future__ import annotations

import numpy as np

from llg.fokker_planck import voltage_switching

from .gates import COS_OF_STATE

_SIGN = {"P-AP": -1.0, "AP-P": +1.0}


def _bias(element, cos, current):
    """MTJ bias (V) carrying ``current`` (A) at cos(theta) (fixed point, bias-dependent R)."""
    v = current * element.r_p
    for _ in range(40):
        v = current * float(element.resistance(cos, v))
    return v


def thevenin(element, preset: int, i_pre: float, i_post: float):
    """(V_th, R_th) in (V, ohm) from the output currents before and after switching."""
    state = {0: "P", 1: "AP"}
    c_pre, c_post = COS_OF_STATE[state[preset]], COS_OF_STATE[state[1 - preset]]
    v_pre, v_post = _bias(element, c_pre, i_pre), _bias(element, c_post, i_post)
    if abs(i_post - i_pre) < 1e-12 * abs(i_pre):
        return None
    r_th = (v_pre - v_post) / (i_post - i_pre)
    return v_pre + i_pre * r_th, r_th


def coupled_output_errors(ctx, voltage: float, pulse_width: float) -> dict:
    """Per pattern: the output error with the state-dependent current (module doc)."""
    from .fpsource import gate_cells

    m = ctx.model
    cur = m.currents(np.array([voltage]))
    out, cache = {}, {}
    for k, p in enumerate(m.patterns):
        i_pre, i_post = float(cur.output_uniform[k, 0]), float(cur.output_post[k, 0])
        key = (round(i_pre, 15), round(i_post, 15))
        if key not in cache:
            th = thevenin(m.element, m.gate.preset, i_pre, i_post)
            if th is None or not th[1] >= 0:
                cache[key] = None
            else:
                v_th, r_th = th
                res = voltage_switching(ctx.device, _SIGN[m.gate.direction] * v_th, r_th,
                                        pulse_width, n_cells=gate_cells(ctx.device.delta))
                cache[key] = (float(res.wer[0]), float(res.p_switch[0]), v_th, r_th)
        r = cache[key]
        if r is not None:
            out[p] = {"error": r[0] if m.switching[k] else r[1], "v_thevenin": r[2],
                      "r_thevenin": r[3]}
    return out
