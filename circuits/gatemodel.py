"""A gate in its array: currents, error probability, energy and latency per input pattern.

For a gate, device, technology and row count, :class:`GateModel` computes per input pattern p
and gate voltage V (V, magnitude; the polarity follows the output's switching direction):

Currents (network.py), in the worst case of a row-parallel step:

* output current: patterns that must switch are evaluated in the *far* row while every other
  row draws the most current (inputs 0, output P); patterns that must not switch in the
  *near* row while the others draw the least (inputs 1, output preset) - the same corners
  that set the window edges (windows.py);
* input currents: with every row computing p (the largest of the rows).

With ``rows = 1`` all corners coincide and every pattern is solved exactly. With ``rows > 1``
one representative pattern per count m of logic-0 inputs is solved (input cells 0..m-1 at
logic 0) and shared by the patterns with that m: inputs differ only in their position on the
row's logic line, a few ohms beside kilo-ohm cells.

Error probability (tables only, tablesource.py), for pulse width t:

* output: a pattern that must switch fails with WER(|I_out|, t) in the output's direction; one
  that must not switch fails with P_sw(|I_out|, t);
* input disturb: the gate current crosses the input stacks in the opposite sense
  (gates.Gate.input_disturb_direction); inputs in the output's switched state can flip into
  the preset state with P_sw(|I_in|, t) in that direction;
* pattern error ``1 - (1 - e_out) prod_i (1 - e_in,i)`` (independent events).

Energy per gate and pattern (J): the source energy ``E = int V I_source dt`` of the step with
every row computing p, divided by the rows. The output switches at the mean switching time
t_sw from the table, so ``E = V [I_pre t_sw + I_post (t - t_sw)]`` weighted with P_sw (and
``V I_pre t`` when it stays); I_pre/I_post are the source currents with the output before and
after switching, transistors and line resistance included. Charging the driven bit-select
lines (``C V^2``) and the word lines of the n + 1 columns (``C V_DD^2``) is added and shared by
the rows.

Latency (s): pulse width plus the Elmore delay of the slowest column line (word line or
bit-select line, distributed RC: ``r c N (N + 1) / 2``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from llg.device import Device
from llg.errors import ParameterError
from llg.switching import critical_current

from . import fastpath
from .elements import MTJElement
from .gates import get_gate
from .network import build_gate_network
from .technology import load_technology
from .windows import edge_voltages


@dataclass
class PatternCurrents:
    """Currents (A, magnitudes) and powers (W per gate) on a voltage grid (V,)."""

    voltages: np.ndarray          # (V,)
    output: np.ndarray            # (P, V) worst-case output current
    output_uniform: np.ndarray    # (P, V) output current, mean over rows, all rows computing p
    inputs: np.ndarray            # (P, V, n) input currents (largest over rows)
    power_pre: np.ndarray         # (P, V) source power per gate, output preset
    power_post: np.ndarray        # (P, V) source power per gate, output switched
    split_pre: np.ndarray = None  # (P, V, 3) of power_pre: MTJs, transistors, line resistance
    split_post: np.ndarray = None # (P, V, 3) of power_post
    output_post: np.ndarray = None  # (P, V) like output_uniform, with the output switched


class GateModel:
    """Everything about one gate in one array setting except the table (see module doc)."""

    def __init__(self, gate, device: Device, technology="45nm", rows: int = 1):
        self.gate = get_gate(gate)
        if not isinstance(device, Device):
            raise ParameterError(f"device must be a llg Device, got {type(device).__name__}")
        self.device = device
        self.technology = load_technology(technology)
        self.element = MTJElement.from_device(device)
        self.net = build_gate_network(self.gate, self.element, self.technology, rows)
        self.rows = self.net.rows
        self.patterns = self.gate.patterns()
        self.bits = np.array([[int(c) for c in p] for p in self.patterns], dtype=int)
        self.low = (self.bits == 0).sum(axis=1)
        self.switching = self.low >= self.gate.threshold
        self.i_c = critical_current(device, self.gate.direction)

    # -- network configurations ------------------------------------------------------------
    def _representatives(self):
        """Patterns to solve (indices into self.patterns) and the map pattern -> solved."""
        if self.rows == 1:
            idx = np.arange(len(self.patterns))
            return idx, idx
        reps = {}
        for j, m in enumerate(self.low):
            want = tuple([0] * m + [1] * (self.gate.n_inputs - m))
            if tuple(self.bits[j]) == want:
                reps[m] = j
        solved = np.array(sorted(reps.values()))
        pos = {j: k for k, j in enumerate(solved)}
        return solved, np.array([pos[reps[m]] for m in self.low])

    def _corner(self, pats: np.ndarray, switching: np.ndarray):
        """row bits, output logic and test row for the worst-case output current."""
        R, n = self.rows, self.gate.n_inputs
        bits = np.empty((len(pats), R, n), dtype=int)
        out = np.empty((len(pats), R), dtype=int)
        rows = np.where(switching, R - 1, 0)
        for k, (p, s) in enumerate(zip(pats, switching)):
            bits[k] = 0 if s else 1
            out[k] = 0 if s else self.gate.preset
            bits[k, rows[k]] = p
            out[k, rows[k]] = self.gate.preset
        return bits, out, rows

    def currents(self, voltages) -> PatternCurrents:
        """Solve the configurations of the module doc on a voltage grid (V)."""
        v = np.asarray(voltages, dtype=float)
        if v.ndim != 1 or v.size == 0 or np.any(v <= 0) or not np.all(np.isfinite(v)):
            raise ParameterError("voltages must be a non-empty 1-D array of positive volts")
        solved, back = self._representatives()
        pats = self.bits[solved]
        S, V, R, n = len(solved), v.size, self.rows, self.gate.n_inputs
        vv = np.repeat(v[None, :], S, axis=0).ravel()
        uni_bits = np.repeat(np.repeat(pats[:, None, :], R, axis=1), V, axis=0)
        pre = self.net.solve(vv, uni_bits, np.full((S * V, R), self.gate.preset))
        warm = pre.node_voltage if fastpath.FAST else None   # the others start from it
        post = self.net.solve(vv, uni_bits, np.full((S * V, R), 1 - self.gate.preset),
                              start=warm)
        if R == 1:
            i_out = pre.output_current[:, 0]
        else:
            bits, out, rows = self._corner(pats, self.switching[solved])
            corner = self.net.solve(vv, np.repeat(bits, V, axis=0), np.repeat(out, V, axis=0),
                                    start=warm)
            i_out = corner.output_current[np.arange(S * V), np.repeat(rows, V)]
        i_in = np.max(pre.input_current, axis=1)            # largest over rows
        shape = (S, V)
        return PatternCurrents(
            voltages=v, output=i_out.reshape(shape)[back],
            output_uniform=pre.output_current.mean(axis=1).reshape(shape)[back],
            inputs=i_in.reshape(S, V, n)[back],
            power_pre=(pre.power / R).reshape(shape)[back],
            power_post=(post.power / R).reshape(shape)[back],
            split_pre=(pre.dissipation / R).reshape(S, V, 3)[back],
            split_post=(post.dissipation / R).reshape(S, V, 3)[back],
            output_post=post.output_current.mean(axis=1).reshape(shape)[back])

    # -- ranges ----------------------------------------------------------------------------
    def voltage_for_current(self, target_current: float, which: str) -> float:
        """Gate voltage (V) at which the weakest switching pattern ('switching') or the
        strongest non-switching pattern ('holding') carries ``target_current`` (A)."""
        solved, _ = self._representatives()
        sel = solved[self.switching[solved]] if which == "switching" else \
            solved[~self.switching[solved]]
        pats = self.bits[sel]
        if which == "switching":
            pats = pats[(pats == 0).sum(axis=1) == self.gate.threshold]
        else:
            pats = pats[(pats == 0).sum(axis=1) == self.gate.threshold - 1]
        sw = np.full(len(pats), which == "switching")
        bits, out, rows = self._corner(pats, sw)
        guess = target_current * (self.element.r_p * 2 + self.technology.transistor_r_on * 2)
        res = edge_voltages(self.net, bits, out, int(rows[0]), target_current,
                            np.full(len(pats), guess))
        return float(res.max() if which == "switching" else res.min())

    # -- energy and time ---------------------------------------------------------------------
    def capacitive_energy(self, voltage) -> np.ndarray:
        """Line charging energy per gate, J: driven BSLs (C V^2) and word lines (C V_DD^2)."""
        t = self.technology
        R, n = self.rows, self.gate.n_inputs
        c_bsl = R * t.c_bsl_cell
        c_wl = R * t.c_wl_cell
        v = np.asarray(voltage, dtype=float)
        return (n * c_bsl * v ** 2 + (n + 1) * c_wl * t.v_dd ** 2) / R

    def settle_time(self) -> float:
        """Elmore delay (s) of the slowest column line (word line or bit-select line)."""
        t = self.technology
        R = self.rows
        tau_wl = t.r_wl_cell * t.c_wl_cell * R * (R + 1) / 2
        tau_bsl = t.r_bsl_cell * t.c_bsl_cell * R * (R + 1) / 2 + \
            t.driver_resistance * t.c_bsl_cell * R
        return float(max(tau_wl, tau_bsl))

