"""The hybrid MRAM + GPU system (data/hybrid): CRAM dies hold the weights and run the GEMV
rows; the GPU runs the rest of the model (attention, nonlinearities, softmax) and stays
powered; activations and results cross a die-to-die link.

Per workload (the same n_items as the CRAM ledger), itemized:

* the CRAM ledger of the workload (resident weights), every item of it;
* link traffic: the activations in and the results out (the workload's
  ``link_bits_per_unit`` per token/image), at the link's energy per bit; the CRAM ledger's
  host-interface items are replaced by it;
* GPU static power over the hybrid's latency (the GPU waits for the MRAM dies; its own work
  on the rest of the model is the same with or without MRAM and is not counted on either
  side).

Latency: the CRAM latency plus the link transfers (no overlap assumed).
"""
from __future__ import annotations

from .ledger import Ledger
from .techdata import load_card

HYBRID_DECLARED = {
    ("interface", "energy_per_bit"): ("J", 0.0, 1e-9, "die-to-die link energy per bit"),
    ("interface", "bandwidth"): ("B/s", 1e6, 1e15, "link bandwidth per direction"),
}


#: CRAM items the link replaces: the host interface carries nothing in the hybrid
_REPLACED = ("activation_io", "data_out_io", "data_out", "data_in_io", "data_in")


def load_hybrid(name_or_path="mram_gpu_c2c"):
    return load_card("hybrid", name_or_path, HYBRID_DECLARED)


def hybrid_ledger(result, gpu_card, card=None, link_bits_per_unit: float | None = None
                  ) -> Ledger:
    """Hybrid ledger of an evaluated AI workload (module docstring)."""
    card = card or load_hybrid()
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
    p = gpu_card["power.static_power"]
    led.add("gpu_static", "GPU static power while it waits for the MRAM dies", "static",
            p * led.latency, led.latency, p, gpu_card.item("power.static_power").source)
    led.pending = list(cram.pending)
    led.notes = list(cram.notes)
    return led
