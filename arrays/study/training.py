"""Inference vs training on an in-memory array: the weight writes of a training step.

A training step on ``B`` samples does ``c B M`` multiply-accumulates (M per inference, c = 3
for forward + backward, data/training card) and then writes the updated weights into the
array: ``n_w = f W`` cell writes (W weight cells, f the fraction rewritten per step). Per
technology card (data/memtech) the step's ledger is

    E_step = c B M e_mac  +  n_w e_write                        (J; items sum to the total)
    t_write = ceil(n_w / P) t_w                                 (s; P cells written at once)
    expected write errors per step = n_w p_write
    steps to wear-out = endurance / f  (uniform writes: each cell written f times per step)
    write-limited lifetime = (endurance / f) t_step,  t_step >= t_write        (s)

Inference costs ``M e_mac`` per item and writes nothing, so the training/inference gap per
sample is ``(c M e_mac + n_w e_write / B) / (M e_mac)``. The baseline (a processor with the
weights in its cache) pays ``c`` times its inference energy per sample plus the weight
update through its L1 cache.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from llg.errors import ParameterError

from ..energy.ledger import Ledger
from ..energy.techdata import DataCard, load_card

TRAINING_DECLARED = {
    ("step", "batch"): ("1", 1, 1 << 20, "samples per training step"),
    ("step", "compute_factor"): ("1", 1.0, 10.0, "training / forward operations per sample"),
    ("step", "update_fraction"): ("1", 0.0, 1.0, "weight cells rewritten per step"),
    ("step", "steps"): ("1", 1, 1e12, "steps of one training run"),
}


def load_training(name_or_path="bnn_digits") -> DataCard:
    """A validated training-step card (data/training/NAME.toml)."""
    return load_card("training", name_or_path, TRAINING_DECLARED)


@dataclass(frozen=True)
class NetworkShape:
    """What one inference of the network costs in weights and MACs."""

    name: str
    weights: int          # weight cells (one bit each)
    macs: int             # multiply-accumulates per inference


def bnn_shape(hidden: int = 128) -> NetworkShape:
    """The digits BNN (arrays/sim/bnn.py): 64 inputs -> hidden -> 10 classes, binary weights."""
    from ..sim.bnn import N_CLASSES, N_IN
    w = N_IN * hidden + hidden * N_CLASSES
    return NetworkShape("bnn_digits", w, w)


@dataclass
class TrainingResult:
    """One technology: step ledger and the derived figures (SI units)."""

    technology: str
    step: Ledger
    writes_per_step: float
    write_latency_per_step: float
    write_errors_per_step: float
    steps_to_wearout: float
    lifetime_write_limited: float
    run_fraction_of_endurance: float
    inference_energy_per_item: float
    training_energy_per_sample: float

    @property
    def gap(self) -> float:
        """Training energy per sample / inference energy per item."""
        return self.training_energy_per_sample / self.inference_energy_per_item

    @property
    def write_share(self) -> float:
        return self.step.by_category().get("cell writes", 0.0) / self.step.energy

    def to_json(self) -> dict:
        return {"technology": self.technology, "step_energy": self.step.energy,
                "items": [{"key": i.key, "energy": i.energy, "count": i.count,
                           "unit_energy": i.unit_energy, "source": i.source}
                          for i in self.step.items],
                "writes_per_step": self.writes_per_step,
                "write_latency_per_step": self.write_latency_per_step,
                "write_errors_per_step": self.write_errors_per_step,
                "steps_to_wearout": self.steps_to_wearout,
                "lifetime_write_limited": self.lifetime_write_limited,
                "run_fraction_of_endurance": self.run_fraction_of_endurance,
                "inference_energy_per_item": self.inference_energy_per_item,
                "training_energy_per_sample": self.training_energy_per_sample,
                "gap": self.gap, "write_share": self.write_share}


def training_step(tech: DataCard, shape: NetworkShape, card: DataCard,
                  parallel_writes: int, inference_energy_per_item: float | None = None
                  ) -> TrainingResult:
    """The training step of ``shape`` on technology ``tech`` (module docstring).

    ``parallel_writes``: cells written at once (one array row: the array's columns).
    ``inference_energy_per_item``: J per inference if known from elsewhere (e.g. the
    simulated CRAM ledger); default ``macs * mvm.energy_per_mac`` of the card.
    """
    if parallel_writes < 1:
        raise ParameterError(f"parallel_writes = {parallel_writes!r} must be >= 1 cell")
    B, c = card["step.batch"], card["step.compute_factor"]
    f, steps = card["step.update_fraction"], card["step.steps"]
    e_inf = shape.macs * tech["mvm.energy_per_mac"] if inference_energy_per_item is None \
        else float(inference_energy_per_item)
    led = Ledger(f"{tech.name} training step", shape.name)
    led.add("forward_backward", f"forward + backward passes ({c:g} x forward) on {B:g} "
            "samples", "compute", c * B * e_inf, c * B, e_inf,
            f"{card.item('step.compute_factor').source}; inference: "
            f"{tech.item('mvm.energy_per_mac').source if inference_energy_per_item is None else 'given'}")
    n_w = f * shape.weights
    e_w = tech["cell.write_energy"]
    led.add("weight_writes", "weight cells rewritten", "cell writes", n_w * e_w, n_w, e_w,
            tech.item("cell.write_energy").source)
    t_w = math.ceil(n_w / parallel_writes) * tech["cell.write_latency"]
    led.add_latency("weight_writes", f"{math.ceil(n_w / parallel_writes)} row writes of "
                    f"{parallel_writes} cells", t_w, tech.item("cell.write_latency").source)
    endurance = tech["cell.endurance"]
    to_wear = endurance / f if f > 0 else math.inf
    life = to_wear * t_w if f > 0 else math.inf
    return TrainingResult(tech.name, led, n_w, t_w, n_w * tech["cell.write_error"], to_wear,
                          life, steps / to_wear, e_inf, led.energy / B)


def baseline_training_per_sample(baseline_inference_per_item: float, card: DataCard,
                                 shape: NetworkShape, baseline: DataCard) -> float:
    """Baseline training energy per sample (J): c x inference + the weight update through
    the L1 cache (read-modify-write of the weight words) shared by the batch."""
    words = math.ceil(shape.weights * card["step.update_fraction"] / 64)
    return card["step.compute_factor"] * baseline_inference_per_item + \
        2 * words * baseline["memory.l1_access_64bit"] / card["step.batch"]
