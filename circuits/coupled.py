"""MTJs coupled to their circuit: gate errors with state-dependent currents.

The optimizer's errors use each MTJ's current before it switches for the whole pulse. As an
MTJ switches, its resistance changes and with it the current the network drives through it.
At the operating point, for every input pattern (one row), the network is solved with the MTJ
in question before and after its switch - the output preset and switched; each input at risk
of disturb in its state and flipped - and the two (current, MTJ bias) points define the
Thevenin equivalent the MTJ sees, ``V_mtj = V_th - I R_th`` (exact for linear elements, the
chord of the saturating transistor otherwise). The Fokker-Planck equation is then solved with
``i(u) = V_th / (R_th + R(u, V_mtj))`` (:func:`llg.fokker_planck.voltage_switching`,
validated against the voltage-driven LLG ensemble in :mod:`validation.cases_gates`): the
output in the gate's direction, the disturbed inputs in the reverse one. The pattern error
combines them as in :mod:`.gatemodel`.
"""
from __future__ import annotations

import numpy as np

from llg.fokker_planck import voltage_switching

_SIGN = {"P-AP": -1.0, "AP-P": +1.0}


def thevenin(i_pre: float, v_pre: float, i_post: float, v_post: float):
    """(V_th, R_th) in (V, ohm) through two (current A, bias V) points, or None."""
    if abs(i_post - i_pre) < 1e-12 * abs(i_pre):
        return None
    r_th = (v_pre - v_post) / (i_post - i_pre)
    if not r_th >= 0:
        return None
    return v_pre + i_pre * r_th, r_th


class _Solver:
    """FP solves of one device and pulse width, cached per (direction, V_th, R_th)."""

    def __init__(self, device, pulse_width):
        from .fpsource import gate_cells

        self.device, self.t = device, pulse_width
        self.n = gate_cells(device.delta)
        self.cache = {}

    def __call__(self, direction, th):
        # rounded to 4 significant digits: patterns with the same count of low inputs differ
        # by a few ohms of line resistance in kilo-ohms and share one solve
        v_th, r_th = (float(f"{x:.4g}") for x in th)
        key = (direction, v_th, r_th)
        if key not in self.cache:
            r = voltage_switching(self.device, _SIGN[direction] * v_th, r_th, self.t,
                                  n_cells=self.n)
            self.cache[key] = (float(r.wer[0]), float(r.p_switch[0]))
        return self.cache[key]


def coupled_errors(ctx, voltage: float, pulse_width: float) -> dict:
    """Per pattern: coupled output error, coupled input-disturb probability, pattern error,
    and the output's Thevenin equivalent (V, ohm). Rows = 1 only."""
    m, gate = ctx.model, ctx.model.gate
    fp = _Solver(ctx.device, pulse_width)
    P, n = m.bits.shape
    # one batch: every pattern preset, switched, and with each input flipped
    bits = np.concatenate([m.bits, m.bits] + [m.bits ^ (np.arange(n) == j) for j in range(n)])
    outl = np.concatenate([np.full(P, gate.preset), np.full(P, 1 - gate.preset),
                           np.full(P * n, gate.preset)])
    sol = m.net.solve(np.full(len(bits), voltage), bits[:, None, :], outl[:, None])
    i_o, v_o = np.abs(sol.output_current[:, 0]), np.abs(sol.output_bias[:, 0])
    i_in, v_in = np.abs(sol.input_current[:, 0, :]), np.abs(sol.input_bias[:, 0, :])
    out = {}
    for k, p in enumerate(m.patterns):
        th = thevenin(i_o[k], v_o[k], i_o[P + k], v_o[P + k])
        if th is None:   # the current does not follow the state: the source's value is exact
            src = ctx.src.wer if m.switching[k] else ctx.src.p_switch
            e_out = float(src(gate.direction, i_o[k], pulse_width)[0])
        else:
            wer, psw = fp(gate.direction, th)
            e_out = wer if m.switching[k] else psw
        keep = 1.0
        for j in np.nonzero(m.bits[k] == gate.disturbable_input)[0]:
            f = 2 * P + j * P + k
            th_in = thevenin(i_in[k, j], v_in[k, j], i_in[f, j], v_in[f, j])
            keep *= 1.0 - (fp(gate.input_disturb_direction, th_in)[1] if th_in is not None
                           else float(ctx.src.p_switch(gate.input_disturb_direction,
                                                       i_in[k, j], pulse_width)[0]))
        out[p] = {"output_error": e_out, "input_disturb": 1.0 - keep,
                  "error": 1.0 - (1.0 - e_out) * keep,
                  "v_thevenin": None if th is None else th[0],
                  "r_thevenin": None if th is None else th[1]}
    return out
