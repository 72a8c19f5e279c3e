"""The setting of one gate evaluation: switching source, device, technology, voltage range.

The switching source is the Fokker-Planck solver (:class:`.fpsource.FPSwitching`: pulses from
1 ns to 1 us, P_sw and WER each computed directly) where it applies and no table is given, or
the table (:class:`.tablesource.TableSwitching`). The access-transistor width is a design
variable (:meth:`.technology.Technology.with_transistor_width`).
"""
from __future__ import annotations

import math
from functools import cached_property

from llg.errors import ParameterError, check_range

from .fpsource import SUBCRITICAL_MODELS, FPSwitching, fp_source
from .gatemodel import GateModel
from .tablesource import resolve_source
from .technology import load_technology
from .windows import V_SEARCH_MAX, gate_window


#: Device parameters a what-if study may change on the circuit side only: a current-driven
#: table's switching statistics do not depend on them (they set resistances, not torques).
CIRCUIT_ONLY = ("RA", "TMR0", "V_half")


SWITCHING_SOURCES = ("fp", "table")


def _switching_source(device, table, temperature, variation, switching, pulse_range,
                      subcritical):
    """(source, device) for the user's choice; see :class:`_Context`."""
    from llg.device import Device, load_device
    from llg.fokker_planck import check_fp_device

    if switching is not None and switching not in SWITCHING_SOURCES:
        raise ParameterError(f"switching = {switching!r} is invalid; choose one of "
                             f"{', '.join(SWITCHING_SOURCES)}")
    if subcritical is not None and subcritical not in SUBCRITICAL_MODELS:
        raise ParameterError(f"subcritical = {subcritical!r} is invalid; choose one of "
                             f"{', '.join(SUBCRITICAL_MODELS)}")
    if switching is None:
        switching = "table" if table is not None else "fp"
        if switching == "fp":
            dev = device if isinstance(device, Device) else load_device(
                "default" if device is None else device)
            try:
                check_fp_device(dev)
            except ParameterError:
                switching = "table" if subcritical is None else "fp"
    if switching == "table":
        if subcritical is not None or pulse_range is not None:
            raise ParameterError("subcritical and pulse_range need the Fokker-Planck source "
                                 "(no --table; a perpendicular, constant-efficiency device)")
        return resolve_source(device, table, temperature, variation)
    if table is not None or variation is not None:
        raise ParameterError("the Fokker-Planck gate source takes no table or variation axis; "
                             "drop --table/--variation or use the table source")
    dev = device if isinstance(device, Device) else load_device(
        "default" if device is None else device)
    if temperature is not None:
        dev = dev.at_temperature(temperature)
    return fp_source(dev, pulse_range, subcritical or "fp"), dev


def with_circuit_overrides(src, device, overrides):
    """(source, device) with the circuit-side what-if ``overrides`` ({"TMR0": 3.0}) applied:
    only :data:`CIRCUIT_ONLY` keys, which leave the current-driven switching unchanged."""
    if not overrides:
        return src, device
    bad = set(overrides) - set(CIRCUIT_ONLY)
    if bad:
        raise ParameterError(f"circuit_overrides may change only {', '.join(CIRCUIT_ONLY)}"
                             f" (resistance, not switching); got {sorted(bad)}")
    device = device.with_(**overrides)
    return (src.view(device) if isinstance(src, FPSwitching) else src), device


class _Context:
    """Model + switching source + voltage range of one gate setting.

    The switching source is the Fokker-Planck solver (:class:`.fpsource.FPSwitching`) when
    ``switching`` is "fp", or None with no table given and a device FP applies to; otherwise
    the table (:class:`.tablesource.TableSwitching`).
    """

    def __init__(self, gate, device, table, technology, rows, temperature, variation,
                 circuit_overrides=None, switching=None, pulse_range=None, subcritical=None,
                 transistor_width=None):
        self.src, self.device = _switching_source(device, table, temperature, variation,
                                                  switching, pulse_range, subcritical)
        self.src, self.device = with_circuit_overrides(self.src, self.device, circuit_overrides)
        tech = load_technology(technology)
        if transistor_width is not None:
            tech = tech.with_transistor_width(transistor_width)
        self.model = GateModel(gate, self.device, tech, rows)
        gate = self.model.gate
        self.src.require(gate.direction)
        self.src.require(gate.input_disturb_direction)
        i_lo, i_hi = self.src.current_range
        self.v_lo = self.model.voltage_for_current(i_lo, "switching")
        self.v_hi = self.model.voltage_for_current(i_hi, "holding")
        if not math.isfinite(self.v_hi):  # the holding pattern never reaches i_hi (e.g. a
            self.v_hi = V_SEARCH_MAX      # saturated transistor): search up to the cap

    @cached_property
    def window(self):
        """The critical-current window (computed on first use: a width search needs it only
        for the width it keeps)."""
        return gate_window(self.model.gate, self.device, self.model.technology,
                           self.model.rows)

    def check_voltage(self, voltage) -> float:
        v = check_range("voltage", voltage, "V", 0.0, None, lo_open=True,
                        what="gate voltage magnitude")
        if not (self.v_lo <= v <= self.v_hi):
            i_lo, i_hi = self.src.current_range
            raise ParameterError(
                f"voltage = {v:g} V is outside the range the table covers for "
                f"{self.model.gate.name}: [{self.v_lo:.4g}, {self.v_hi:.4g}] V (the table's "
                f"current axis [{i_lo:g}, {i_hi:g}] A must hold the output currents)")
        return v


def _context_device(kwargs: dict):
    """The device operating_point(**kwargs) would use (for what-if studies)."""
    return _switching_source(kwargs.get("device"), kwargs.get("table"),
                             kwargs.get("temperature"), kwargs.get("variation"),
                             kwargs.get("switching"), kwargs.get("pulse_range"),
                             kwargs.get("subcritical"))[1]
