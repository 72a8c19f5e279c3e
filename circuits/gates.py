"""The CRAM gate library, described as data: fan-in, preset, threshold, switching direction.

Conventions (fixed here once, used by every circuit module):

* logic 0 = P (low resistance), logic 1 = AP (high resistance);
* a gate's n input MTJs sit in parallel, in series with one output MTJ that is first preset to
  ``preset``; the gate pulse drives a current through the inputs and the output;
* the output switches iff the number ``m`` of low-resistance (logic-0) inputs satisfies
  ``m >= threshold``: more P inputs means a lower input resistance and a larger current
  (Chowdhury et al. (CRAM gates, 2017-2018; venue details unverified); Zabihi et al., IEEE
  Trans. Comput. 68, 1159 (2019));
* the output switches *away from* its preset: preset 0 (P) switches P -> AP, preset 1 (AP)
  switches AP -> P. In llg a positive current drives AP -> P, a negative one P -> AP.

So NAND2 = (preset 0, threshold 1): any logic-0 input flips the output to 1. The truth table
of every gate follows from the three numbers and is checked against Boolean algebra in
tests/test_circuits_gates.py.

>>> get_gate("MAJ3").evaluate("011")
1
>>> get_gate("XOR2")
Traceback (most recent call last):
...
llg.errors.ParameterError: unknown gate 'XOR2'; known gates: NOT, COPY, NAND2, NOR2, AND2, OR2, MAJ3, MAJ5 (aliases: BUFFER)
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from llg.errors import ParameterError

#: Logic value -> MTJ state, and the state's cos(theta) between free and reference layer.
STATE_OF_LOGIC = {0: "P", 1: "AP"}
COS_OF_STATE = {"P": 1.0, "AP": -1.0}
#: Largest fan-in a threshold gate may have in the trend studies (windows.py).
MAX_TREND_FAN_IN = 15


@dataclass(frozen=True)
class Gate:
    """A CRAM threshold gate (no units: counts and logic values).

    name : library name. n_inputs : fan-in n. preset : logic value the output is preset to.
    threshold : k, the output switches iff at least k inputs are logic 0 (P).
    function : what the gate computes, for documentation.
    """

    name: str
    n_inputs: int
    preset: int
    threshold: int
    function: str = ""

    def __post_init__(self):
        if isinstance(self.n_inputs, bool) or not isinstance(self.n_inputs, int) or \
                not 1 <= self.n_inputs <= MAX_TREND_FAN_IN:
            raise ParameterError(f"gate {self.name}: n_inputs = {self.n_inputs!r} must be an "
                                 f"integer in 1..{MAX_TREND_FAN_IN}")
        if self.preset not in (0, 1):
            raise ParameterError(f"gate {self.name}: preset = {self.preset!r} must be 0 or 1")
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, int) or \
                not 1 <= self.threshold <= self.n_inputs:
            raise ParameterError(f"gate {self.name}: threshold = {self.threshold!r} must be an "
                                 f"integer in 1..n_inputs = {self.n_inputs}")

    # -- derived facts ------------------------------------------------------------------------
    @property
    def preset_state(self) -> str:
        """MTJ state of the preset output: "P" or "AP"."""
        return STATE_OF_LOGIC[self.preset]

    @property
    def switched_state(self) -> str:
        return STATE_OF_LOGIC[1 - self.preset]

    @property
    def direction(self) -> str:
        """Switching direction of the output, as llg names it: "P-AP" or "AP-P"."""
        return f"{self.preset_state}-{self.switched_state}"

    @property
    def input_disturb_direction(self) -> str:
        """Direction the gate current pushes the *inputs*: switched state -> preset state.

        Inputs and output are identical cells on the same lines; the current enters the
        inputs from their bit-select lines and leaves the output into its bit-select line, so
        it crosses the input stacks in the opposite sense to the output stack. Inputs already
        in the preset state are safe (the torque holds them there); inputs in the output's
        switched state (logic ``1 - preset``) can be disturbed into the preset state.
        """
        return f"{self.switched_state}-{self.preset_state}"

    @property
    def disturbable_input(self) -> int:
        """Logic value of the inputs the gate current can flip: ``1 - preset``."""
        return 1 - self.preset

    @property
    def current_sign(self) -> int:
        """Sign of the llg current through the output: -1 for P -> AP, +1 for AP -> P."""
        return -1 if self.direction == "P-AP" else +1

    def patterns(self) -> list[str]:
        """All input patterns as strings of '0'/'1', input 0 first ("00", "01", ...)."""
        return ["".join(p) for p in itertools.product("01", repeat=self.n_inputs)]

    def parse_pattern(self, pattern) -> tuple:
        """A pattern string/sequence -> tuple of ints, checked against the fan-in."""
        bits = tuple(int(c) for c in str(pattern)) if isinstance(pattern, str) else \
            tuple(int(b) for b in pattern)
        if len(bits) != self.n_inputs or any(b not in (0, 1) for b in bits):
            raise ParameterError(
                f"pattern {pattern!r} is invalid for {self.name}: give {self.n_inputs} bits "
                f"of 0/1 (e.g. {'0' * self.n_inputs!r}); fan-in beyond {self.n_inputs} is not "
                f"part of this gate")
        return bits

    def low_count(self, pattern) -> int:
        """m: number of logic-0 (P, low-resistance) inputs."""
        return sum(1 for b in self.parse_pattern(pattern) if b == 0)

    def should_switch(self, pattern) -> bool:
        return self.low_count(pattern) >= self.threshold

    def evaluate(self, pattern) -> int:
        """The logic output: the preset, flipped iff m >= threshold."""
        return 1 - self.preset if self.should_switch(pattern) else self.preset

    def to_dict(self) -> dict:
        return {"name": self.name, "n_inputs": self.n_inputs, "preset": self.preset,
                "threshold": self.threshold, "direction": self.direction,
                "function": self.function}


#: The library. One row per gate: (n inputs, preset, threshold k, function).
_LIBRARY = (
    ("NOT", 1, 0, 1, "NOT a"),
    ("COPY", 1, 1, 1, "a (buffer)"),
    ("NAND2", 2, 0, 1, "NOT (a AND b)"),
    ("NOR2", 2, 0, 2, "NOT (a OR b)"),
    ("AND2", 2, 1, 1, "a AND b"),
    ("OR2", 2, 1, 2, "a OR b"),
    ("MAJ3", 3, 1, 2, "majority of 3"),
    ("MAJ5", 5, 1, 3, "majority of 5"),
)
GATES: dict[str, Gate] = {name: Gate(name, n, p, k, f) for name, n, p, k, f in _LIBRARY}
ALIASES = {"BUFFER": "COPY", "BUF": "COPY", "INV": "NOT"}


def gate_names() -> list[str]:
    return list(GATES)


def get_gate(name) -> Gate:
    """The library gate called ``name`` (case-insensitive; a :class:`Gate` passes through)."""
    if isinstance(name, Gate):
        return name
    if not isinstance(name, str):
        raise ParameterError(f"gate = {name!r} must be a gate name ({', '.join(GATES)})")
    key = ALIASES.get(name.upper(), name.upper())
    if key in GATES:
        return GATES[key]
    known = f"known gates: {', '.join(GATES)} (aliases: BUFFER)"
    m = re.fullmatch(r"([A-Z]+?)(\d+)", key)
    if m:
        family = m.group(1)
        fans = sorted(g.n_inputs for g in GATES.values() if g.name.rstrip("0123456789") ==
                      family)
        if fans:
            raise ParameterError(
                f"gate {name!r}: fan-in {int(m.group(2))} is beyond the library ({family} "
                f"exists with {', '.join(map(str, fans))} inputs); {known}")
    raise ParameterError(f"unknown gate {name!r}; {known}")


def threshold_gate(n_inputs: int, threshold: int, preset: int, name: str = "") -> Gate:
    """A generic threshold gate for trend studies (fan-in up to MAX_TREND_FAN_IN)."""
    return Gate(name or f"T{n_inputs}_{threshold}_{preset}", n_inputs, preset, threshold)
