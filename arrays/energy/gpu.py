"""The GPU baseline: a roofline model of a datacenter GPU with HBM (data/baseline/gpu_*.toml).

LLM decode is a matrix-vector product per token: every weight byte comes from HBM once per
batch of B tokens, and each weight is used for B multiply-accumulates. Per workload of
``n_items`` items (counts per item from :class:`~arrays.energy.baseline.BaselineWork`):

* operations: ``2 x tensor_macs`` int8 tensor-core operations (a MAC is two operations, the
  datasheet's convention) or, for non-matrix work, the ALU operations of ``ops`` on the
  CUDA cores (int32 peak);
* bytes: ``dram_bits / 8`` (weights once per batch, activations in, results out);
* time: ``max(t_compute, t_memory)`` with ``t_compute = ops / peak`` and ``t_memory = bytes /
  HBM bandwidth`` (a roofline: the kernel streams, so the two overlap);
* energy: ``ops x E_op + bits x E_HBM + P_static x time``.

Arithmetic intensity is ``2 B`` operations per weight byte; the GPU becomes compute-bound at
``B* = peak / (2 x bandwidth)`` (about 295 on an H100 SXM), so decode at small batch runs at
a few percent of the tensor-core peak and pays static power for the memory time.
"""
from __future__ import annotations

import math

from .ledger import Ledger

GPU_DECLARED = {
    ("compute", "int8_tensor_ops"): ("op/s", 1e9, 1e18, "dense int8 tensor-core peak"),
    ("compute", "int32_ops"): ("op/s", 1e9, 1e17, "CUDA-core int32 peak"),
    ("compute", "int8_op_energy"): ("J", 0.0, 1e-9, "energy per int8 tensor operation"),
    ("compute", "int32_op_energy"): ("J", 0.0, 1e-9, "energy per CUDA-core int operation"),
    ("memory", "hbm_bandwidth"): ("B/s", 1e9, 1e15, "HBM bandwidth"),
    ("memory", "hbm_energy_per_bit"): ("J", 0.0, 1e-9, "HBM access energy per bit"),
    ("power", "board_power"): ("W", 1.0, 1e4, "board power (TDP)"),
    ("power", "static_power"): ("W", 0.0, 1e4, "power drawn whatever the GPU computes"),
    # where a value above is unverified, the range the report's sensitivity spans
    ("range", "hbm_energy_per_bit_low"): ("J", 0.0, 1e-9, "HBM energy per bit, low end"),
    ("range", "hbm_energy_per_bit_high"): ("J", 0.0, 1e-9, "HBM energy per bit, high end"),
    ("range", "static_power_low"): ("W", 0.0, 1e4, "static power, low end"),
    ("range", "static_power_high"): ("W", 0.0, 1e4, "static power, high end"),
}


def is_gpu(card) -> bool:
    return card.meta.get("kind") == "gpu"


def gpu_times(work, n_items: int, card) -> tuple:
    """(t_compute, t_memory) in s of ``n_items`` items of ``work``."""
    if work.tensor_macs:
        t_c = 2.0 * work.tensor_macs * n_items / card["compute.int8_tensor_ops"]
    else:
        t_c = sum(work.ops.values()) * n_items / card["compute.int32_ops"]
    return t_c, work.dram_bits * n_items / 8.0 / card["memory.hbm_bandwidth"]


def gpu_ledger(workload: str, work, n_items: int, card) -> Ledger:
    """Itemized GPU energy and roofline latency of ``n_items`` items (module docstring)."""
    led = Ledger(f"baseline {card.name}", workload)
    src = lambda k: card.item(k).source  # noqa: E731
    if work.tensor_macs:
        n_ops = 2.0 * work.tensor_macs * n_items
        led.add("tensor_ops", "int8 tensor-core operations (2 per MAC)", "compute",
                n_ops * card["compute.int8_op_energy"], n_ops,
                card["compute.int8_op_energy"], src("compute.int8_op_energy"))
    else:
        n_ops = float(sum(work.ops.values())) * n_items
        led.add("alu_ops", "CUDA-core integer operations", "compute",
                n_ops * card["compute.int32_op_energy"], n_ops,
                card["compute.int32_op_energy"], src("compute.int32_op_energy"))
    bits = work.dram_bits * n_items
    led.add("hbm", "HBM traffic (weights once per batch, activations, results)",
            "data movement", bits * card["memory.hbm_energy_per_bit"], bits,
            card["memory.hbm_energy_per_bit"], src("memory.hbm_energy_per_bit"))
    t_c, t_m = gpu_times(work, n_items, card)
    t = max(t_c, t_m)
    led.add("static_power", f"static power x roofline time ({t:.3g} s)", "static",
            card["power.static_power"] * t, t, card["power.static_power"],
            src("power.static_power"))
    bound = "memory" if t_m >= t_c else "compute"
    led.add_latency("roofline", f"max(compute {t_c:.3g} s, memory {t_m:.3g} s): "
                    f"{bound}-bound", t, f"{src('memory.hbm_bandwidth')}; "
                    f"{src('compute.int8_tensor_ops')}")
    led.structure = {"t_compute": t_c, "t_memory": t_m, "bound": bound,
                     "utilization": t_c / t if t > 0 else math.nan}
    led.notes += list(work.assumptions)
    return led


def ridge_batch(card) -> float:
    """Batch size at which an int8 GEMM turns compute-bound: peak / (2 x bandwidth)."""
    return card["compute.int8_tensor_ops"] / (2.0 * card["memory.hbm_bandwidth"])
