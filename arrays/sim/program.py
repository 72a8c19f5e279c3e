"""CRAM programs as data: a list of gate steps and column presets over named operands.

A program is what a CRAM controller would issue to one array: ``Preset(columns, value)``
writes a constant into whole columns (every active row at once), ``Gate(name, inputs,
output)`` evaluates one library gate on the same columns of every active row. Programs are
built with :class:`ProgramBuilder`, which hands out scratch columns, emits the preset each
gate needs and records which columns hold the operands and results.

Timing (:func:`schedule`): gates run one per cycle, because all cells of a row share that
row's logic line. A preset only has to happen after the last access of its column, so
presets are hoisted to the earliest legal point and presets of the same value that land
between the same two gates share one write cycle (their columns are driven together; the
logic line is held at its reference). Hoisting never changes what the program computes.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from llg.errors import ParameterError

from .gates import GATES, MAX_FAN_IN, gate_spec

#: Order of the gates in the compiled gate-id table.
GATE_IDS = {name: i for i, name in enumerate(GATES)}
KIND_GATE, KIND_PRESET = 0, 1


@dataclass(frozen=True)
class Gate:
    """Evaluate ``gate`` with input cells in ``inputs`` into the (preset) cell ``output``."""

    gate: str
    inputs: tuple
    output: int


@dataclass(frozen=True)
class Preset:
    """Write ``value`` into every active row of ``columns``.

    ``purpose`` is ``"preset"`` for a gate's output preset and ``"constant"`` for data
    written as a column constant (weights, thresholds); the ledger books them separately.
    """

    columns: tuple
    value: int
    purpose: str = "preset"


@dataclass
class Program:
    """A gate sequence with its operand and result columns (LSB first)."""

    name: str
    steps: list
    operands: dict = field(default_factory=dict)
    results: dict = field(default_factory=dict)
    description: str = ""

    @property
    def n_cols(self) -> int:
        """Columns the program needs (highest referenced column + 1)."""
        key = (id(self.steps), len(self.steps))
        cached = getattr(self, "_n_cols", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        cols = [0]
        for s in self.steps:
            cols += list(s.columns) if isinstance(s, Preset) else [*s.inputs, s.output]
        for c in (*self.operands.values(), *self.results.values()):
            cols += list(c)
        self._n_cols = (key, max(cols) + 1)
        return self._n_cols[1]

    def gate_counts(self) -> dict:
        """Number of evaluations of each gate type (per row)."""
        out: dict = defaultdict(int)
        for s in self.steps:
            if isinstance(s, Gate):
                out[s.gate] += 1
        return dict(out)

    def n_gates(self) -> int:
        return sum(isinstance(s, Gate) for s in self.steps)

    def n_cell_writes(self, purpose: str | None = None) -> int:
        """Cells written by presets per row (optionally only one ``purpose``)."""
        return sum(len(s.columns) for s in self.steps if isinstance(s, Preset)
                   and (purpose is None or s.purpose == purpose))

    def check_fits(self, cols: int) -> None:
        """Raise ParameterError if the program references columns the array lacks."""
        need = self.n_cols
        if need > cols:
            raise ParameterError(
                f"program {self.name!r} references column {need - 1}, which does not exist in "
                f"an array with {cols} columns (valid columns 0..{cols - 1}); use an array with "
                f"at least {need} columns or a narrower operand width")


class ProgramBuilder:
    """Allocates columns and emits gates with their presets.

    >>> b = ProgramBuilder("demo")
    >>> a, c = b.operand("a", 1), b.operand("c", 1)
    >>> y = b.gate("NAND2", [a[0], c[0]])
    >>> b.result("y", [y]); p = b.build()
    >>> [type(s).__name__ for s in p.steps]
    ['Preset', 'Gate']
    """

    def __init__(self, name: str, description: str = "", max_cols: int | None = None):
        self.name, self.description, self.max_cols = name, description, max_cols
        self.steps: list = []
        self.operands: dict = {}
        self.results: dict = {}
        self._next = 0
        self._free: list[int] = []

    # -- columns ------------------------------------------------------------------------
    def alloc(self, width: int = 1) -> list[int]:
        """``width`` scratch columns (reusing freed ones, lowest first)."""
        cols = []
        self._free.sort(reverse=True)
        for _ in range(width):
            if self._free:
                cols.append(self._free.pop())
            else:
                cols.append(self._next)
                self._next += 1
        if self.max_cols is not None and self._next > self.max_cols:
            raise ParameterError(
                f"program {self.name!r} needs more than {self.max_cols} columns; use a wider "
                "array or a smaller operand width")
        return cols

    def free(self, cols) -> None:
        """Return columns to the pool (their content is dead from here on)."""
        for c in cols:
            if c in self._free:
                raise ParameterError(f"column {c} freed twice in program {self.name!r}")
            self._free.append(int(c))

    def operand(self, name: str, width: int) -> list[int]:
        """Columns for an input operand (LSB first), written before the program runs."""
        cols = self.alloc(width)
        self.operands[name] = tuple(cols)
        return cols

    def result(self, name: str, cols) -> None:
        self.results[name] = tuple(int(c) for c in cols)

    # -- steps --------------------------------------------------------------------------
    def gate(self, name: str, inputs, out: int | None = None) -> int:
        """Emit the preset and the gate; returns the output column."""
        spec = gate_spec(name)
        inputs = tuple(int(c) for c in inputs)
        if len(inputs) != spec.fan_in:
            raise ParameterError(f"gate {spec.name} takes {spec.fan_in} inputs, got "
                                 f"{len(inputs)} ({inputs})")
        if len(set(inputs)) != len(inputs):
            raise ParameterError(f"gate {spec.name}: an input cell can take part only once, "
                                 f"got columns {inputs}")
        if out is None:
            (out,) = self.alloc(1)
        if out in inputs:
            raise ParameterError(f"gate {spec.name}: output column {out} is also an input")
        self.steps.append(Preset((out,), spec.preset))
        self.steps.append(Gate(spec.name, inputs, int(out)))
        return out

    def constant(self, cols, value: int) -> None:
        """Write a constant bit into whole columns (weights, thresholds)."""
        self.steps.append(Preset(tuple(int(c) for c in cols), int(value), "constant"))

    def build(self) -> Program:
        return Program(self.name, list(self.steps), dict(self.operands), dict(self.results),
                       self.description)


@dataclass
class Compiled:
    """A program flattened into arrays for the kernel: one entry per gate or preset cell."""

    kind: np.ndarray        # (n,) int8: KIND_GATE or KIND_PRESET
    gate_id: np.ndarray     # (n,) int16: GATE_IDS index, -1 for presets
    value: np.ndarray       # (n,) int8: target state after switching (gates) / preset value
    fan_in: np.ndarray      # (n,) int8
    inputs: np.ndarray      # (n, MAX_FAN_IN) int32, -1 padded
    output: np.ndarray      # (n,) int32
    purpose: np.ndarray     # (n,) int8: 0 gate, 1 preset, 2 constant
    switch_table: np.ndarray  # (n_gate_types, 2**MAX_FAN_IN) bool


PURPOSE_CODES = {"gate": 0, "preset": 1, "constant": 2}


def _switch_tables() -> np.ndarray:
    table = np.zeros((len(GATES), 2 ** MAX_FAN_IN), dtype=np.bool_)
    for name, gid in GATE_IDS.items():
        t = GATES[name].switch_table()
        table[gid, :t.size] = t
    return table


_SWITCH_TABLE = _switch_tables()


def compile_program(program: Program) -> Compiled:
    """Flatten ``program`` (multi-column presets become one entry per column).

    The result is cached on the program (keyed by its step list and length): programs are
    built once and run many times.
    """
    key = (id(program.steps), len(program.steps))
    cached = getattr(program, "_compiled", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    comp = _compile(program)
    program._compiled = (key, comp)
    return comp


def _compile(program: Program) -> Compiled:
    rows = []
    for s in program.steps:
        if isinstance(s, Gate):
            spec = GATES[s.gate]
            ins = list(s.inputs) + [-1] * (MAX_FAN_IN - len(s.inputs))
            rows.append((KIND_GATE, GATE_IDS[s.gate], 1 - spec.preset, spec.fan_in, ins,
                         s.output, 0))
        else:
            if s.value not in (0, 1):
                raise ParameterError(f"preset value {s.value!r} must be 0 or 1")
            for c in s.columns:
                rows.append((KIND_PRESET, -1, s.value, 0, [-1] * MAX_FAN_IN, c,
                             PURPOSE_CODES[s.purpose]))
    n = len(rows)
    return Compiled(
        kind=np.array([r[0] for r in rows], dtype=np.int8).reshape(n),
        gate_id=np.array([r[1] for r in rows], dtype=np.int16).reshape(n),
        value=np.array([r[2] for r in rows], dtype=np.int8).reshape(n),
        fan_in=np.array([r[3] for r in rows], dtype=np.int8).reshape(n),
        inputs=np.array([r[4] for r in rows], dtype=np.int32).reshape(n, MAX_FAN_IN),
        output=np.array([r[5] for r in rows], dtype=np.int32).reshape(n),
        purpose=np.array([r[6] for r in rows], dtype=np.int8).reshape(n),
        switch_table=_SWITCH_TABLE)


@dataclass
class Schedule:
    """Cycle structure of a program: gate cycles and (batched) preset/constant write cycles.

    ``write_cycles`` holds one ``(value, {"preset": n_columns, "constant": n_columns})``
    per write cycle.
    """

    gate_sequence: list
    write_cycles: list

    @property
    def n_cycles(self) -> int:
        return len(self.gate_sequence) + len(self.write_cycles)


def schedule(program: Program, batch_presets: bool = True) -> Schedule:
    """Assign steps to cycles (see module docstring); ``batch_presets=False``: one cycle per
    preset step, in program order."""
    gates = [s.gate for s in program.steps if isinstance(s, Gate)]
    if not batch_presets:
        writes = [(s.value, {s.purpose: len(s.columns)}) for s in program.steps
                  if isinstance(s, Preset)]
        return Schedule(gates, writes)
    last_access: dict = {}
    n_gate = 0
    # (slot, value) -> {purpose: columns}; slot k = after the k-th gate (-1: before any)
    slots: dict = defaultdict(lambda: defaultdict(int))
    for s in program.steps:
        if isinstance(s, Gate):
            for c in (*s.inputs, s.output):
                last_access[c] = n_gate
            n_gate += 1
        else:
            for c in s.columns:
                slot = last_access.get(c, -1)
                slots[(slot, s.value)][s.purpose] += 1
                # the write is an access too: a later write of c lands after it
                last_access[c] = slot
    writes = [(v, dict(cols)) for (_, v), cols in sorted(slots.items())]
    return Schedule(gates, writes)
