"""Producing the gate and write voltages, and driving them onto the column lines.

The circuits layer books energy drawn at the pulse voltage V (0.25-0.65 V). The die is fed
at V_DD; a converter of efficiency eta draws ``E / eta`` from V_DD, so converting costs

    regulator loss = E (1 / eta - 1)                                          (J)

with ``eta = V / V_DD`` for a linear regulator (its pass device drops V_DD - V at the load
current) and the card's stated efficiency for a switched-capacitor converter. The card's
``topology`` is ``"linear"``, ``"switched_capacitor"`` or ``"best"`` (default: per voltage
the topology with the smaller loss, what a designer would pick).

Column drivers: a driver that sources the worst-case current I of all rows of a pulse is
W = m I / I_W wide (I_W the drive current per width of the technology card, m the card's
current margin); built as a fan-out-f buffer chain from minimum logic, its input
capacitances sum to about ``f / (f - 1)`` times the last stage's ``W C_g``, charged from
V_DD once per pulse:

    driver energy = f / (f - 1) x W C_g x V_DD^2   per pulse                   (J)
"""
from __future__ import annotations

from llg.errors import ParameterError

from .techdata import DataCard, load_card

DRIVER_DECLARED = {
    ("converter", "sc_efficiency"): ("1", 0.01, 1.0, "switched-capacitor converter efficiency"),
    ("driver", "fanout"): ("1", 1.5, 20.0, "stage effort of the driver's buffer chain"),
    ("driver", "current_margin"): ("1", 1.0, 10.0, "driver current / worst-case row current"),
}
TOPOLOGIES = ("best", "linear", "switched_capacitor")


def load_drivers(name_or_path="cram_45nm") -> DataCard:
    """A validated driver/regulator card (data/drivers); ``topology`` one of TOPOLOGIES."""
    card = load_card("drivers", name_or_path, DRIVER_DECLARED)
    topo = card.meta.get("topology", "best")
    if topo not in TOPOLOGIES:
        raise ParameterError(f"{card.path}: topology = {topo!r} is unknown; valid: "
                             f"{', '.join(TOPOLOGIES)}")
    return card


def efficiency(card: DataCard, v: float, v_dd: float) -> tuple[float, str]:
    """(eta, topology used) to produce ``v`` volts from ``v_dd`` (module docstring)."""
    if not 0 < v_dd:
        raise ParameterError(f"V_DD = {v_dd!r} V must be > 0")
    if not 0 < v:
        raise ParameterError(f"pulse voltage = {v!r} V must be > 0")
    topo = card.meta.get("topology", "best")
    sc = float(card["converter.sc_efficiency"])
    lin = v / v_dd if v <= v_dd else None          # a linear regulator cannot step up
    if topo == "linear":
        if lin is None:
            raise ParameterError(f"a linear regulator cannot make {v:g} V from V_DD = "
                                 f"{v_dd:g} V; use topology 'best' or 'switched_capacitor'")
        return lin, "linear"
    if topo == "switched_capacitor" or lin is None or sc >= lin:
        return sc, "switched_capacitor"
    return lin, "linear"


def regulator_loss(card: DataCard, energy_by_voltage: dict, v_dd: float) -> tuple[float, list]:
    """Total loss (J) of producing each ``{voltage (V): energy drawn at it (J)}`` from V_DD,
    and one ``{"voltage", "energy", "efficiency", "topology", "loss"}`` row per voltage."""
    rows, total = [], 0.0
    for v, e in sorted(energy_by_voltage.items()):
        eta, topo = efficiency(card, float(v), v_dd)
        loss = float(e) * (1.0 / eta - 1.0)
        rows.append({"voltage": float(v), "energy": float(e), "efficiency": eta,
                     "topology": topo, "loss": loss})
        total += loss
    return total, rows


def driver_energy_per_pulse(card: DataCard, current: float, drive_current_per_width: float,
                            gate_capacitance_per_width: float, v_dd: float) -> float:
    """Energy (J) to switch a driver chain that sources ``current`` (A) once (docstring)."""
    if current < 0:
        raise ParameterError(f"driver current = {current!r} A must be >= 0")
    f = float(card["driver.fanout"])
    width = float(card["driver.current_margin"]) * current / drive_current_per_width
    return f / (f - 1.0) * width * gate_capacitance_per_width * v_dd ** 2
