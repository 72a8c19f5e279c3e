"""The hybrid MRAM + GPU system (data/hybrid): CRAM dies hold the weights and run the GEMV
rows; the GPU runs the rest of the model (attention, nonlinearities, softmax) and stays
powered; activations and results cross a die-to-die link.

Per workload (the same n_items as the CRAM ledger), itemized:

* the CRAM ledger of the workload (resident weights), every item of it;
* link traffic: the activations in and the results out (the workload's
  ``link_bits_per_unit`` per token/image), at the link's energy per bit; the CRAM ledger's
  host-interface items are replaced by it;
* the GPU while it waits for the MRAM dies (its own work on the rest of the model is the
  same with or without MRAM and is not counted on either side), in the state the card's
  ``gpu_wait`` names -- a design variable, since it decides the hybrid's energy:

  - ``static``: the GPU stays powered: its static power (GPU card) x the wait;
  - ``power_gated``: it sleeps at the card's ``power_gating.residual_power`` for the wait
    and pays one wake-up (``power_gating.wake_energy``; ``power_gating.wake_latency`` is
    added to the latency, not hidden) per invocation of the workload;
  - ``busy_elsewhere``: it runs other work meanwhile (other requests), which carries its
    static power: nothing is charged here (an optimistic bound: it needs enough independent
    work to fill the wait).

Latency: the CRAM latency plus the link transfers (no overlap assumed), plus the wake-up
when power-gated. :func:`hybrid_by_gpu_wait` gives the ledger under every state.
"""
from __future__ import annotations

from llg.errors import ParameterError

from .ledger import Ledger
from .techdata import load_card

HYBRID_DECLARED = {
    ("interface", "energy_per_bit"): ("J", 0.0, 1e-9, "die-to-die link energy per bit"),
    ("interface", "bandwidth"): ("B/s", 1e6, 1e15, "link bandwidth per direction"),
    ("power_gating", "residual_power"): ("W", 0.0, 1e4, "GPU power while power-gated"),
    ("power_gating", "wake_latency"): ("s", 0.0, 1.0, "GPU wake-up time from power gating"),
    ("power_gating", "wake_energy"): ("J", 0.0, 1e3, "GPU energy of one wake-up"),
}

#: States of the GPU while it waits for the MRAM dies (module docstring).
GPU_WAIT_MODES = ("static", "power_gated", "busy_elsewhere")


#: CRAM items the link replaces: the host interface carries nothing in the hybrid
_REPLACED = ("activation_io", "data_out_io", "data_out", "data_in_io", "data_in")


def load_hybrid(name_or_path="mram_gpu_c2c"):
    """The hybrid card, its ``gpu_wait`` state checked against :data:`GPU_WAIT_MODES`."""
    card = load_card("hybrid", name_or_path, HYBRID_DECLARED)
    check_gpu_wait(card.meta.get("gpu_wait"), f"{card.path}: gpu_wait")
    return card


def check_gpu_wait(mode, where="gpu_wait") -> str:
    if mode not in GPU_WAIT_MODES:
        raise ParameterError(f"{where} = {mode!r} is invalid; valid values: "
                             f"{', '.join(GPU_WAIT_MODES)}")
    return mode


def hybrid_ledger(result, gpu_card, card=None, link_bits_per_unit: float | None = None,
                  gpu_wait: str | None = None) -> Ledger:
    """Hybrid ledger of an evaluated AI workload (module docstring); ``gpu_wait`` replaces
    the card's state of the waiting GPU."""
    card = card or load_hybrid()
    mode = check_gpu_wait(card.meta["gpu_wait"] if gpu_wait is None else gpu_wait)
    wl = result.workload
    cram = result.cram["resident"]
    units = wl.n_items / wl.items_per_unit
    bits = (wl.link_bits_per_unit if link_bits_per_unit is None else link_bits_per_unit) \
        * units
    led = Ledger(f"hybrid {card.name}", wl.name)
    for i in cram.items:
        if i.key in _REPLACED:
            continue
        led.add(i.key, i.label, i.category, i.energy, i.count, i.unit_energy, i.source)
    e = card["interface.energy_per_bit"]
    led.add("link", "GPU <-> MRAM link: activations in, results out", "data movement",
            bits * e, bits, e, card.item("interface.energy_per_bit").source)
    for k, lab, s, src in cram.latency_items:
        if k not in _REPLACED:
            led.add_latency(k, lab, s, src)
    led.add_latency("link", "link transfers", bits / 8 / card["interface.bandwidth"],
                    card.item("interface.bandwidth").source)
    _book_gpu_wait(led, mode, gpu_card, card)
    led.pending = list(cram.pending)
    led.notes = list(cram.notes)
    led.structure = {"gpu_wait": mode}
    return led


def _book_gpu_wait(led, mode, gpu_card, card) -> None:
    """The waiting GPU's item (module docstring); the wait is the latency booked so far."""
    wait = led.latency
    if mode == "static":
        p = gpu_card["power.static_power"]
        led.add("gpu_static", "GPU static power while it waits for the MRAM dies", "static",
                p * wait, wait, p, gpu_card.item("power.static_power").source)
    elif mode == "power_gated":
        p, e_w = card["power_gating.residual_power"], card["power_gating.wake_energy"]
        led.add("gpu_gated", "GPU power-gated while it waits (residual power)", "static",
                p * wait, wait, p, card.item("power_gating.residual_power").source)
        led.add("gpu_wake", "GPU wake-up from power gating (once per invocation)", "static",
                e_w, 1.0, e_w, card.item("power_gating.wake_energy").source)
        led.add_latency("gpu_wake", "GPU wake-up (not hidden)",
                        card["power_gating.wake_latency"],
                        card.item("power_gating.wake_latency").source)
    else:
        led.add("gpu_busy_elsewhere", "GPU runs other work while it waits (its static power "
                "is charged to that work)", "static", 0.0, wait, 0.0,
                "assumption: enough independent work (other requests) to fill the wait")


def hybrid_by_gpu_wait(result, gpu_card, card=None) -> dict:
    """{state: hybrid ledger} over :data:`GPU_WAIT_MODES` (the report's sensitivity)."""
    card = card or load_hybrid()
    return {m: hybrid_ledger(result, gpu_card, card, gpu_wait=m) for m in GPU_WAIT_MODES}
