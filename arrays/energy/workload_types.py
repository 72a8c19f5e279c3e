"""The workload types: a program instance with its scorer, and a workload's description
(what one item is, its CRAM program, its baseline cost, the bits it moves). Kept apart from
the registry (:mod:`arrays.energy.workloads`) so workload builders import them one way."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .baseline import BaselineWork
from ..sim.program import Program
from ..sim.state import ArrayState

#: Default number of items per workload: a stream of 2^20 operations / images.
DEFAULT_ITEMS = 1 << 20


@dataclass
class Instance:
    """A program with its inputs written into a fresh array state and a scorer."""

    program: Program
    state: ArrayState
    score: Callable           # (state after the run) -> fraction of items correct
    check: Callable           # (state after a perfect run) -> equals the numpy reference?
    reference_note: str = ""
    #: (error model, seed) -> accuracy, for workloads whose scoring runs further programs
    #: with the same errors (the int8 MLP's second layer); None: score the state
    score_errors: Callable | None = None


@dataclass
class Workload:
    """One workload (see module docstring). Bits are per item."""

    name: str
    description: str
    make: Callable            # (rows, cols, seed) -> Instance (rows: simulated rows)
    baseline: BaselineWork
    in_bits: float            # operand bits per item (written in the "streamed" scenario)
    out_bits: float           # result bits per item (read back in the "streamed" scenario)
    host_bits: float = 0.0    # result bits the host needs even when data stays resident
    n_items: int = DEFAULT_ITEMS
    notes: list = field(default_factory=list)
    #: hook (ledger, setup, scenario, n_items) booking CRAM items outside the row program
    #: (e.g. a GEMV's activation writes and reduction, :mod:`arrays.energy.ai`)
    extra: Callable | None = None
    unit: str = "item"          # what the report quotes energy per (item, token, image)
    items_per_unit: float = 1.0
    link_bits_per_unit: float = 0.0   # bits a hybrid GPU link carries per unit (in + out)

    def out_bits_for(self, scenario: str) -> float:
        return self.out_bits if scenario == "streamed" else self.host_bits
