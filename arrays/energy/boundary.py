"""One system boundary for every in-memory row: input delivery, output return and control.

Every engine compared with the conventional baseline (digital CRAM, the other memories'
stateful logic, MVM macros, the analog crossbar, training steps) pays the same costs to get
an item's operands into the memory, its result back to the host and its commands issued;
only the engine in between differs. Per workload and scenario (see
:data:`arrays.ledger.SCENARIOS`), from the peripherals and system cards:

* input delivery (``"streamed"`` only): ``in_bits x (array write per bit + host I/O per bit)``;
* output return: ``out_bits x (array read per bit + host I/O per bit)``;
* control: ``commands x E_command`` (the sequencer issues one command per array cycle, shared
  by every array of that round; an MVM engine one per layer and item).

Category ``"data movement"`` for the first two, ``"control"`` for the last; latency: the bits
over the interface bandwidth.
"""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class BoundaryItem:
    key: str
    label: str
    category: str
    energy: float          # J, all items
    count: float
    unit_energy: float     # J per unit
    source: str


def boundary_items(periphery, system, *, n_items: int, in_bits: float, out_bits: float,
                   scenario: str, commands: float) -> list:
    """The boundary items (module docstring) for ``n_items`` items; bits are per item."""
    io = periphery["interface.io_energy_per_bit"]
    w, r = periphery["periphery.write_energy_per_bit"], periphery["periphery.read_energy_per_bit"]
    src = periphery.item
    out = []
    bits_in = in_bits * n_items if scenario == "streamed" else 0.0
    bits_out = out_bits * n_items
    if bits_in:
        out += [BoundaryItem("data_in_array", "data in: array writes of operands",
                             "data movement", bits_in * w, bits_in, w,
                             src("periphery.write_energy_per_bit").source),
                BoundaryItem("data_in_io", "data in: host I/O", "data movement", bits_in * io,
                             bits_in, io, src("interface.io_energy_per_bit").source)]
    if bits_out:
        out += [BoundaryItem("data_out_array", "data out: array reads (sense amplifiers, "
                             "decoders)", "data movement", bits_out * r, bits_out, r,
                             src("periphery.read_energy_per_bit").source),
                BoundaryItem("data_out_io", "data out: host I/O", "data movement",
                             bits_out * io, bits_out, io,
                             src("interface.io_energy_per_bit").source)]
    if system is not None and commands:
        e = system["control.energy_per_command"]
        out.append(BoundaryItem("control", "control: sequencer commands (one per array "
                                "cycle, broadcast to the arrays of a round)", "control",
                                commands * e, commands, e,
                                system.item("control.energy_per_command").source))
    return out


def boundary_latency(periphery, *, n_items: int, in_bits: float, out_bits: float,
                     scenario: str) -> list:
    """(key, label, seconds, source) of the host transfers."""
    bw = periphery["interface.io_bandwidth"]
    src = periphery.item("interface.io_bandwidth").source
    out = []
    if scenario == "streamed" and in_bits:
        out.append(("data_in", "operand transfer over the host interface",
                    in_bits * n_items / bw, src))
    if out_bits:
        out.append(("data_out", "result transfer over the host interface",
                    out_bits * n_items / bw, src))
    return out


def boundary_per_item(items, n_items: int) -> float:
    """Energy per item (J) of a list of boundary items."""
    return math.fsum(i.energy for i in items) / n_items


def add_to(ledger, items) -> None:
    """Book boundary items into a :class:`~arrays.ledger.Ledger`."""
    for i in items:
        ledger.add(i.key, i.label, i.category, i.energy, i.count, i.unit_energy, i.source)
