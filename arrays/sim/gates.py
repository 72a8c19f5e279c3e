"""The CRAM gate library as the array sees it: logic, preset and switching rule, as data.

A CRAM gate (Chowdhury et al., IEEE JXCDC 2018; Zabihi et al., IEEE Trans. Computers 2019)
puts the input MTJs in parallel, in series with an output MTJ that was first *preset* to a
known state. The current through the output grows with the number ``m`` of inputs in the
low-resistance state, and the gate voltage is chosen so the output switches exactly when
``m >= m_switch``. Conventions (shared with ``circuits/``): logic 0 = P (low R), 1 = AP.

So a gate is fully described by three numbers, not a class per gate:

* ``fan_in`` k,
* ``preset``: the state written into the output before the gate (0 or 1),
* ``m_switch``: the output switches to ``1 - preset`` iff at least ``m_switch`` inputs are 0.

Examples: NAND2 = (2, preset 0, m >= 1): any 0 input switches the output to 1. MAJ3 =
(3, preset 1, m >= 2): two or more 0 inputs pull the output to 0.

Input patterns are strings with input 0 first (``"01"``: input 0 is 0, input 1 is 1); the
integer index of a pattern is ``int(pattern, 2)``.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np

from llg.errors import ParameterError


@dataclass(frozen=True)
class GateSpec:
    """One gate: fan-in, output preset state and switching threshold (count of 0 inputs)."""

    name: str
    fan_in: int
    preset: int
    m_switch: int
    description: str

    @property
    def patterns(self) -> list[str]:
        """All input patterns, input 0 first, in index order."""
        return [format(p, f"0{self.fan_in}b") for p in range(2 ** self.fan_in)]

    def switches(self, pattern: str) -> bool:
        """True if the output switches away from the preset for this input pattern."""
        return pattern.count("0") >= self.m_switch

    def output(self, pattern: str) -> int:
        """Logic output for an input pattern, given a correct preset."""
        return 1 - self.preset if self.switches(pattern) else self.preset

    def switch_table(self) -> np.ndarray:
        """Boolean array over pattern indices: does the output switch?"""
        return np.array([self.switches(p) for p in self.patterns], dtype=np.bool_)

    def truth(self, *inputs: np.ndarray) -> np.ndarray:
        """Vectorized logic function on 0/1 integer arrays (the reference for tests)."""
        if len(inputs) != self.fan_in:
            raise ParameterError(f"gate {self.name} takes {self.fan_in} inputs, got "
                                 f"{len(inputs)}")
        zeros = sum((np.asarray(x) == 0).astype(np.int64) for x in inputs)
        return np.where(zeros >= self.m_switch, 1 - self.preset, self.preset).astype(np.uint8)


#: The library, declared once. MAJ5 with m >= 3 zeros -> 0 is the 5-input majority.
GATES: dict[str, GateSpec] = {g.name: g for g in (
    GateSpec("NOT", 1, 0, 1, "inverter: preset 0, a 0 input switches the output to 1"),
    GateSpec("COPY", 1, 1, 1, "buffer: preset 1, a 0 input switches the output to 0"),
    GateSpec("NAND2", 2, 0, 1, "NAND: preset 0, at least one 0 input switches to 1"),
    GateSpec("NOR2", 2, 0, 2, "NOR: preset 0, two 0 inputs switch to 1"),
    GateSpec("AND2", 2, 1, 1, "AND: preset 1, at least one 0 input switches to 0"),
    GateSpec("OR2", 2, 1, 2, "OR: preset 1, two 0 inputs switch to 0"),
    GateSpec("MAJ3", 3, 1, 2, "3-input majority: preset 1, two or more 0 inputs switch to 0"),
    GateSpec("MAJ5", 5, 1, 3, "5-input majority: preset 1, three or more 0 inputs switch to 0"),
)}

#: Largest fan-in in the library (sizes the kernel's pattern tables).
MAX_FAN_IN = max(g.fan_in for g in GATES.values())


def gate_spec(name: str) -> GateSpec:
    """Look a gate up by name; an unknown name gets the list of known ones."""
    key = str(name).upper()
    if key not in GATES:
        close = difflib.get_close_matches(key, list(GATES), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ParameterError(f"gate = {name!r} is not in the CRAM gate library{hint}; known "
                             f"gates: {', '.join(GATES)}")
    return GATES[key]
