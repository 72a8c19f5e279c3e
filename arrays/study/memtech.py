"""Memory-technology cards (data/memtech): SRAM CIM, ReRAM, PCM and MRAM side by side.

A card holds what a system comparison needs of a memory cell, each number with unit and
source (the loader of :mod:`arrays.energy.techdata` refuses a bare number or a missing source):

    cell.on_off_ratio     1    high / low resistance (or current) ratio of the two states
    cell.write_energy     J    energy per one-bit write (the card says what it includes)
    cell.write_latency    s    write pulse / cycle
    cell.write_error      1    probability one binary write leaves the wrong state (no verify)
    cell.read_energy      J    array-level read energy per bit
    cell.endurance        1    write cycles a cell survives
    cell.retention        s    unpowered retention (0: volatile)
    cell.variation        1    relative spread (sigma of ln G) of the stored conductance
    mvm.energy_per_mac    J    macro-level energy per multiply-accumulate (ADC included)

MRAM's card does not copy numbers our own layers produce: an entry written as
``{ from = "circuits.write_energy", unit, source }`` is filled in at load time from the
device card, the circuits write operating points or the peripherals card
(:data:`REFERENCES`), for the device and array size in use. The source stays mandatory.

For binary cells without write-verify the state-overlap error is
``P = Phi(-ln(r) / (2 sigma))`` (log-normal conductances with relative spread sigma around
the two states, read threshold at their geometric mean ``sqrt(G_on G_off)``): the ReRAM and
PCM cards' ``write_error`` entries are derived that way and :func:`overlap_error` checks them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from llg.errors import ParameterError

from ..energy.techdata import DataCard, card_from_dict

MEMTECH_DECLARED = {
    ("cell", "on_off_ratio"): ("1", 1.0, 1e9, "high/low resistance ratio"),
    ("cell", "write_energy"): ("J", 0.0, 1e-9, "energy per one-bit write"),
    ("cell", "write_latency"): ("s", 0.0, 1e-3, "write pulse / cycle"),
    ("cell", "write_error"): ("1", 0.0, 0.5, "wrong state after one binary write"),
    ("cell", "read_energy"): ("J", 0.0, 1e-9, "array-level read energy per bit"),
    ("cell", "endurance"): ("1", 1.0, 1e20, "write cycles a cell survives"),
    ("cell", "retention"): ("s", 0.0, 1e40, "unpowered retention (0: volatile)"),
    ("cell", "variation"): ("1", 0.0, 2.0, "relative spread of the stored conductance"),
    ("mvm", "energy_per_mac"): ("J", 0.0, 1e-9, "macro-level energy per MAC"),
}

#: Shipped technologies, in report order.
TECHNOLOGIES = ("mram", "sram_cim", "reram", "pcm")


@dataclass
class MramContext:
    """Where MRAM's referenced numbers come from: a device, a circuits cost model (with
    write operating points) and a peripherals card. ``None`` fields load the defaults."""

    device: object = "default"
    costs: object = None
    periphery: object = None
    target_error: float = 1e-6

    def resolved_periphery(self) -> DataCard:
        if self.periphery is None:
            from ..energy.ledger import load_peripherals
            self.periphery = load_peripherals()
        return self.periphery

    def resolved_costs(self):
        if self.costs is None:
            from ..energy.costs import circuit_costs
            per = self.resolved_periphery()
            self.costs = circuit_costs(str(self.device), None, int(per["array.rows"]),
                                       float(self.target_error),
                                       per.meta.get("technology", "45nm"), ("NOT",))
        return self.costs

    def device_obj(self):
        from llg.device import Device, load_device
        return self.device if isinstance(self.device, Device) else load_device(self.device)


def _writes(ctx: MramContext) -> dict:
    costs = ctx.resolved_costs()
    if set(costs.writes) != {0, 1}:
        why = "; ".join(f"{k}: {v}" for k, v in costs.infeasible.items() if "write" in k) or \
            "; ".join(costs.pending) or "not available"
        raise ParameterError(f"MRAM card: the circuits layer has no write operating points "
                             f"for device {costs.device!r} ({why})")
    return costs.writes


def _retention(ctx: MramContext) -> float:
    from llg.retention import escape_time
    d = ctx.device_obj()
    return float(escape_time(d.delta, d.tau_d))


#: ``from`` references a card may use -> function of the :class:`MramContext`.
REFERENCES = {
    "device.on_off_ratio": lambda c: float(c.device_obj().r_ap / c.device_obj().r_p),
    "device.retention": _retention,
    "circuits.write_energy": lambda c: 0.5 * sum(w.energy for w in _writes(c).values()),
    "circuits.write_latency": lambda c: max(w.latency for w in _writes(c).values()),
    "circuits.write_error": lambda c: max(w.error for w in _writes(c).values()),
    "peripherals.read_energy_per_bit":
        lambda c: float(c.resolved_periphery()["periphery.read_energy_per_bit"]),
}


def _resolve_refs(data: dict, ctx: MramContext | None, where: str) -> dict:
    out = {}
    for sec, body in data.items():
        if not isinstance(body, dict):
            out[sec] = body
            continue
        out[sec] = {}
        for key, raw in body.items():
            if isinstance(raw, dict) and "from" in raw:
                ref = raw["from"]
                if ref not in REFERENCES:
                    raise ParameterError(f"{where}: {sec}.{key} refers to {ref!r}, which is "
                                         f"not a known reference; known: {sorted(REFERENCES)}")
                if "value" in raw:
                    raise ParameterError(f"{where}: {sec}.{key} has both a value and a "
                                         "reference ('from'); give one")
                ctx = ctx or MramContext()
                v = REFERENCES[ref](ctx)
                raw = {k: x for k, x in raw.items() if k != "from"}
                raw["value"] = v
                raw["note"] = (raw.get("note", "") + f" [value taken from {ref} at load "
                               "time]").strip()
            out[sec][key] = raw
    return out


def load_memtech(name_or_path, context: MramContext | None = None) -> DataCard:
    """A validated technology card (data/memtech/NAME.toml or a path); ``from`` references
    are filled in from ``context`` (default device / array / target error if None)."""
    from llg.paths import read_toml, resolve_data_file

    path = resolve_data_file("memtech", name_or_path, "memtech card")
    data = read_toml(path, "memtech card")
    return card_from_dict("memtech", _resolve_refs(data, context, str(path)),
                          MEMTECH_DECLARED, str(path))


def load_all(context: MramContext | None = None) -> dict:
    """{name: card} for :data:`TECHNOLOGIES` (one context shared by the MRAM references)."""
    ctx = context or MramContext()
    return {t: load_memtech(t, ctx) for t in TECHNOLOGIES}


def overlap_error(on_off_ratio: float, variation: float) -> float:
    """Binary state-overlap error ``Phi(-ln(r) / (2 sigma))`` (module docstring); 0 if sigma
    is 0 and r > 1."""
    if variation <= 0:
        return 0.0 if on_off_ratio > 1 else 0.5
    x = -math.log(on_off_ratio) / (2.0 * variation)
    return 0.5 * math.erfc(-x / math.sqrt(2.0))
