"""The conventional baseline: the same workload on a processor fetching data from DRAM/HBM.

Energy per workload (every number from a baseline card in data/baseline, with its source):

* ALU operations: count x E_op(width). Horowitz (ISSCC 2014) gives 8- and 32-bit integer add
  and multiply; other widths use the power law through those two points,
  ``E(n) = E_8 (n / 8)^a`` with ``a = log(E_32 / E_8) / log 4`` (a = 0.87 for add, close to
  linear as for a ripple/prefix adder; a = 1.98 for multiply, the n^2 of an array
  multiplier). Widths below 8 bits cost the 8-bit operation (a core has no narrower ALU).
* instruction overhead (fetch, decode, register file, control): instructions x E_instr,
  divided by the SIMD lanes for vectorizable kernels.
* L1 cache accesses: bits / 64 x E(64-bit access to an 8 kB SRAM).
* DRAM (or HBM) traffic: bits / 64 x E(64-bit DRAM access), operands in and results out.

Latency: a roofline, ``max(instructions / (lanes cores f IPC), DRAM bytes / bandwidth)``:
the kernels stream, so compute and memory transfers overlap.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from llg.errors import ParameterError

from .ledger import Ledger
from .techdata import DataCard, load_card

BASELINE_DECLARED = {
    ("ops", "int_add8"): ("J", 0.0, 1e-9, "8-bit integer add"),
    ("ops", "int_add32"): ("J", 0.0, 1e-9, "32-bit integer add"),
    ("ops", "int_mult8"): ("J", 0.0, 1e-9, "8-bit integer multiply"),
    ("ops", "int_mult32"): ("J", 0.0, 1e-9, "32-bit integer multiply"),
    ("memory", "l1_access_64bit"): ("J", 0.0, 1e-9, "64-bit L1 (8 kB SRAM) access"),
    ("memory", "dram_access_64bit"): ("J", 0.0, 1e-7, "64-bit DRAM/HBM access"),
    ("memory", "dram_bandwidth"): ("B/s", 1e6, 1e14, "DRAM/HBM bandwidth"),
    ("core", "instruction_overhead"): ("J", 0.0, 1e-8, "energy per instruction beyond the op"),
    ("core", "simd_lanes"): ("1", 1, 1024, "32-bit lanes per SIMD instruction"),
    ("core", "frequency"): ("Hz", 1e6, 1e11, "core clock"),
    ("core", "cores"): ("1", 1, 1 << 16, "cores working on the kernel"),
    ("core", "instructions_per_cycle"): ("1", 0.01, 64, "instructions per cycle per core"),
}

#: op kind -> (8-bit key, 32-bit key) in the card
_OPS = {"add": ("ops.int_add8", "ops.int_add32"), "mult": ("ops.int_mult8", "ops.int_mult32")}


def load_baseline(name_or_path="cpu_ddr4_45nm") -> DataCard:
    """A validated baseline card (data/baseline/NAME.toml or a path): a processor card, or a
    GPU card (``kind = "gpu"``, :mod:`arrays.energy.gpu`)."""
    from llg.paths import read_toml, resolve_data_file

    from .gpu import GPU_DECLARED
    from .techdata import card_from_dict

    path = resolve_data_file("baseline", name_or_path, "baseline card")
    data = read_toml(path, "baseline card")
    declared = GPU_DECLARED if data.get("kind") == "gpu" else BASELINE_DECLARED
    return card_from_dict("baseline", data, declared, str(path))


def op_energy(card: DataCard, kind: str, bits: int) -> float:
    """Energy (J) of one integer ``kind`` ('add' or 'mult') of ``bits`` width (see module)."""
    if kind not in _OPS:
        raise ParameterError(f"baseline op kind {kind!r} unknown; known: {list(_OPS)}")
    e8, e32 = card[_OPS[kind][0]], card[_OPS[kind][1]]
    if e8 <= 0 or e32 <= 0:
        return e32 if bits > 8 else e8
    a = math.log(e32 / e8) / math.log(4.0)
    return e8 * (max(bits, 8) / 8.0) ** a


@dataclass(frozen=True)
class BaselineWork:
    """What one item of a workload costs a processor (counts per item).

    ops: {(kind, bits): count}; instructions: scalar instructions per item (loads, stores,
    ALU, control); vectorizable: SIMD lanes divide the instruction count; dram_bits: bits
    read from plus written to DRAM; l1_bits: bits moved through the L1 cache.
    """

    ops: dict
    instructions: float
    dram_bits: float
    l1_bits: float
    vectorizable: bool = True
    description: str = ""
    assumptions: list = field(default_factory=list)
    #: int8 multiply-accumulates per item a GPU runs on its tensor cores (0: none)
    tensor_macs: float = 0.0


def baseline_ledger(workload: str, work: BaselineWork, n_items: int,
                    card: DataCard) -> Ledger:
    """Itemized baseline energy and roofline latency for ``n_items`` items (a GPU card goes
    to :func:`arrays.energy.gpu.gpu_ledger`)."""
    from .gpu import gpu_ledger, is_gpu

    if is_gpu(card):
        return gpu_ledger(workload, work, n_items, card)
    led = Ledger(f"baseline {card.name}", workload)
    for kind in sorted({k for k, _ in work.ops}):
        e = sum(c * op_energy(card, k, b) for (k, b), c in work.ops.items() if k == kind)
        cnt = sum(c for (k, _), c in work.ops.items() if k == kind)
        led.add(f"alu_{kind}", f"ALU {kind} operations", "compute", e * n_items,
                cnt * n_items, e / cnt if cnt else math.nan, card.item(_OPS[kind][1]).source)
    lanes = card["core.simd_lanes"] if work.vectorizable else 1.0
    n_instr = work.instructions * n_items / lanes
    led.add("instruction_overhead", f"instruction overhead (fetch/decode/RF/control), "
            f"{lanes:g} lane(s) per instruction", "compute",
            n_instr * card["core.instruction_overhead"], n_instr,
            card["core.instruction_overhead"], card.item("core.instruction_overhead").source)
    led.add("l1_cache", "L1 cache accesses (64-bit)", "memory",
            work.l1_bits * n_items / 64 * card["memory.l1_access_64bit"],
            work.l1_bits * n_items / 64, card["memory.l1_access_64bit"],
            card.item("memory.l1_access_64bit").source)
    led.add("dram", "DRAM/HBM traffic (64-bit accesses)", "data movement",
            work.dram_bits * n_items / 64 * card["memory.dram_access_64bit"],
            work.dram_bits * n_items / 64, card["memory.dram_access_64bit"],
            card.item("memory.dram_access_64bit").source)
    t_compute = n_instr / (card["core.cores"] * card["core.frequency"]
                           * card["core.instructions_per_cycle"])
    t_memory = work.dram_bits * n_items / 8 / card["memory.dram_bandwidth"]
    bound = "memory" if t_memory >= t_compute else "compute"
    led.add_latency("roofline", f"max(compute {t_compute:.3g} s, memory {t_memory:.3g} s): "
                    f"{bound}-bound", max(t_compute, t_memory),
                    f"{card.item('memory.dram_bandwidth').source}; "
                    f"{card.item('core.frequency').source}")
    led.notes += list(work.assumptions)
    return led
