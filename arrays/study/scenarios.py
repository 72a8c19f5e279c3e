"""Maturity scenarios (data/scenarios/{early,hybrid,mature}.toml): device, periphery and
integration parameters that the published 2-5x / 10-30x / ~50x claims assume.

A scenario file gives, each as ``{value, unit, source}``:

* ``[device]``: ``TMR0``, ``RA``, ``V_half``, ``polarization`` (the Slonczewski efficiency
  eta, which sets Ic0 = 2 e alpha mu0 Ms Hk_eff V / (hbar eta)) and ``max_pulse_width`` (a
  speed target: the circuits optimizer may use only pulse widths up to it). The changed
  device gets its own Fokker-Planck switching source, the gates' as shipped, pulses
  1 ns - min(1 us, max_pulse_width) (:mod:`arrays.study.scaled_switching`); with a
  ``--table`` the table is rescaled instead, exactly for these four parameters;
* ``[array]``, ``[periphery]``, ``[interface]``: any entry of the peripherals card
  (data/peripherals), replacing the card's value; ``[die]``, ``[control]``: any entry of
  the system card (data/system: die capacity and power budget, from which the arrays
  computing at once are derived);
* top level: ``name``, ``description``, ``rationale`` and ``claim`` (the published claim the
  scenario is judged against, a claim of the claims card, data/claims/published.toml).

:func:`scenario_setup` turns a scenario into an :class:`arrays.energy.evaluate.Setup` by the
same path as the report's default (circuits operating points through
:func:`arrays.energy.costs.circuit_costs`, the ledgers of :mod:`arrays.energy.ledger`), so every workload
runs under it unchanged.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from llg.errors import ParameterError
from llg.paths import read_toml, resolve_data_file

from ..energy.ledger import PERIPHERAL_DECLARED
from ..energy.system import SYSTEM_DECLARED
from ..energy.techdata import Sourced, _sourced, check_declared

SCENARIOS = ("early", "hybrid", "mature")

DEVICE_DECLARED = {
    ("device", "TMR0"): ("1", 0.05, 20.0, "zero-bias TMR ratio"),
    ("device", "RA"): ("ohm m^2", 1e-14, 1e-9, "resistance-area product"),
    ("device", "V_half"): ("V", 0.05, 5.0, "bias at which TMR halves"),
    ("device", "polarization"): ("1", 0.05, 1.0, "Slonczewski spin-torque efficiency eta"),
    ("device", "max_pulse_width"): ("s", 1e-12, 1e-6, "longest gate/write pulse allowed"),
}
SCENARIO_DECLARED = {**DEVICE_DECLARED, **PERIPHERAL_DECLARED, **SYSTEM_DECLARED}
_SYSTEM_SECTIONS = {s for s, _ in SYSTEM_DECLARED}


@dataclass(frozen=True)
class Scenario:
    """One maturity scenario (SI units): what it changes, and why (module docstring)."""

    name: str
    description: str
    rationale: str
    claim: str
    values: dict = field(default_factory=dict)     # (section, key) -> Sourced
    path: str = ""

    @property
    def device_changes(self) -> tuple:
        """``(("TMR0", 1.0), ...)`` for :func:`arrays.study.scaled_switching.scenario_source`."""
        return tuple(sorted((k, v.value) for (s, k), v in self.values.items()
                            if s == "device" and k != "max_pulse_width"))

    @property
    def max_pulse_width(self) -> float | None:
        v = self.values.get(("device", "max_pulse_width"))
        return None if v is None else v.value

    @property
    def periphery_changes(self) -> dict:
        """``{"interface__io_energy_per_bit": 3.9e-12, ...}`` for ``DataCard.with_values``."""
        return {f"{s}__{k}": v.value for (s, k), v in self.values.items()
                if s != "device" and s not in _SYSTEM_SECTIONS}

    @property
    def system_changes(self) -> dict:
        """``{"die__capacity": 4 Gb, ...}`` for the system card's ``with_values``."""
        return {f"{s}__{k}": v.value for (s, k), v in self.values.items()
                if s in _SYSTEM_SECTIONS}

    def sources(self) -> list[dict]:
        return [{"key": f"{s}.{k}", "value": q.value, "unit": q.unit, "source": q.source}
                for (s, k), q in self.values.items()]


def load_scenario(name_or_path) -> Scenario:
    """A validated scenario (data/scenarios/NAME.toml or a path)."""
    path = resolve_data_file("scenarios", name_or_path, "scenario")
    data = read_toml(path, "scenario")
    where = str(path)
    for key in ("name", "description", "rationale", "claim"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise ParameterError(f"{where}: needs a top-level {key} = \"...\"")
    from .claims import claims_by_key
    CLAIMS = claims_by_key()
    if data["claim"] not in CLAIMS:
        raise ParameterError(f"{where}: claim = {data['claim']!r} is not a known claim; "
                             f"known: {', '.join(CLAIMS)}")
    values: dict = {}
    for sec, body in data.items():
        if not isinstance(body, dict):
            continue
        for key, raw in body.items():
            check_declared(sec, key, SCENARIO_DECLARED, where,
                           "; a scenario may set device TMR0, RA, V_half, polarization, "
                           "max_pulse_width and any peripherals- or system-card entry")
            values[(sec, key)] = _sourced(sec, key, raw, SCENARIO_DECLARED[(sec, key)], where)
    return Scenario(data["name"], data["description"].strip(), data["rationale"].strip(),
                    data["claim"], values, where)


def scenario_setup(scenario: Scenario | str, base, costs=None, gates=None):
    """The :class:`~arrays.energy.evaluate.Setup` of ``base`` under ``scenario``.

    Device changes go through :func:`~arrays.study.scaled_switching.scenario_switching` (the
    changed device's FP source, or the rescaled table) and :func:`~arrays.energy.costs.circuit_costs` (cached per device/table/rows, so
    one circuits run per scenario and process); periphery changes through
    ``DataCard.with_values``. ``costs`` skips the circuits run (tests); ``gates`` restricts
    the circuits run to these gates (the ones the workloads use: faster).
    """
    from ..energy.costs import circuit_costs
    from .scaled_switching import scenario_switching

    sc = load_scenario(scenario) if isinstance(scenario, str) else scenario
    per = base.periphery.with_values(**sc.periphery_changes) if sc.periphery_changes \
        else base.periphery
    rows = int(per["array.rows"])
    label = f"{base.device} [{sc.name}: " + ", ".join(
        f"{k}={v:g}" for k, v in sc.device_changes) + \
        (f", pulse<={sc.max_pulse_width:g} s" if sc.max_pulse_width else "") + "]"
    if costs is None:
        sw = scenario_switching(base.device, sc.device_changes, sc.max_pulse_width,
                                base.table)
        raw = circuit_costs(sw["device"], sw["table"], rows, base.target_error,
                            base.technology.name, tuple(sorted(gates)) if gates else None,
                            None, sw["pulse_range"])
        costs = dataclasses.replace(raw, device=label,
                                    source=f"circuits.operating_point at scenario "
                                           f"{sc.name!r} ({label}; {sw['source']})")
    sysc = base.system.with_values(**sc.system_changes) \
        if sc.system_changes and base.system is not None else base.system
    return dataclasses.replace(base, device=label, periphery=per, costs=costs, system=sysc)


__all__ = ["SCENARIOS", "Scenario", "Sourced", "load_scenario", "scenario_setup"]
