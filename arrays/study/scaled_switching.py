"""The switching source of a maturity scenario's device.

:func:`scenario_switching` is what the report uses: the scenario's device (the shipped device
with the scenario's TMR0, RA, V_half and eta) gets its own Fokker-Planck source, the gates'
default (:mod:`circuits.context`), over the gates' pulse range 1 ns - 1 us capped at the
scenario's ``max_pulse_width`` (a speed target) - so the scenario rows and the as-shipped rows
come from one switching model. Only when the report is given a table (``--table``) do the
scenarios re-use it, rescaled as follows (:func:`scenario_source`).

A device's switching table re-used for a device with another spin-torque efficiency.

For the constant-efficiency Slonczewski torque (``stt_model = "constant"``, the shipped
devices) the damping-like torque is ``a_J = eta hbar I / (2 e mu0 Ms V)`` (Slonczewski, JMMM
159, L1 (1996)) and eta enters the stochastic LLG only through the product ``eta I``. A device
that differs from the table's only in ``eta' = eta / s`` therefore switches at current ``I'``
exactly as the table's device does at ``I' / s``: same probabilities, same mean switching
times, and ``Ic0' = s Ic0`` (Ic0 = 2 e alpha mu0 Ms Hk_eff V / (hbar eta), Sun, PRB 62, 570
(2000)). The resistance parameters (RA, TMR0, V_half) do not enter current-driven switching
at all (circuits' ``CIRCUIT_ONLY``). So a maturity scenario may change TMR0, RA and eta and
still take its switching statistics from the shipped table, exactly, with the current axis
scaled by ``s = eta_table / eta'``. A largest pulse width (a speed target) keeps only the
table's pulse widths at or below it.

Nothing here is an approximation beyond the table's own; any other device change (volume,
Ms, Hk, alpha) needs a table built for that device (``cramsim table build``).
"""
from __future__ import annotations

import numpy as np

from circuits.tablesource import TableSwitching, resolve_source
from llg.errors import ParameterError

#: Device parameters a scenario may change while re-using the table (see module docstring).
TABLE_EXACT = ("TMR0", "RA", "V_half", "polarization")


class ScaledSwitching(TableSwitching):
    """``TableSwitching`` of a device whose eta differs from the table's (module docstring)."""

    def __init__(self, base: TableSwitching, device, current_scale: float,
                 max_pulse_width: float | None = None):
        self.__dict__.update(base.__dict__)
        self.scale = float(current_scale)
        self.current_axis = np.asarray(base.current_axis, dtype=float) * self.scale
        pw = np.asarray(base.pulse_widths, dtype=float)
        if max_pulse_width is not None:
            keep = pw <= max_pulse_width * (1 + 1e-12)
            if not keep.any():
                raise ParameterError(f"max_pulse_width = {max_pulse_width:g} s is below the "
                                     f"table's shortest pulse {pw[0]:g} s")
            pw = pw[keep]
        self.pulse_widths = pw
        self.device = device
        self.path = (f"{base.path} (currents x {self.scale:.4g}: eta {base.device.polarization:g}"
                     f" -> {device.polarization:g}"
                     + (f"; pulses <= {max_pulse_width:g} s" if max_pulse_width else "") + ")")

    def _q(self, names, direction, current, pulse_width):
        return super()._q(names, direction, np.asarray(current, dtype=float) / self.scale,
                          pulse_width)


_CACHE: dict = {}


def scenario_source(device: str = "default", changes: tuple = (),
                    max_pulse_width: float | None = None, table: str | None = None):
    """(switching source, Device) for ``device`` with ``changes`` (``(("TMR0", 3.0), ...)``).

    Only :data:`TABLE_EXACT` parameters may change. Cached per arguments, so the same object
    (and the circuits cost model cached on it) is reused within a process.
    """
    key = (str(device), tuple(changes), max_pulse_width, table)
    if key in _CACHE:
        return _CACHE[key]
    bad = sorted({k for k, _ in changes} - set(TABLE_EXACT))
    if bad:
        raise ParameterError(f"scenario device overrides may change only "
                             f"{', '.join(TABLE_EXACT)} (these keep the switching table exact);"
                             f" got {bad}")
    base, dev0 = resolve_source(device, table)
    dev = dev0.with_(**dict(changes))
    if dev0.stt_model != "constant" and dev.polarization != dev0.polarization:
        raise ParameterError(f"polarization can be changed on the table only for "
                             f"stt_model = 'constant' (device {dev0.name!r} uses "
                             f"{dev0.stt_model!r})")
    s = dev0.polarization / dev.polarization
    out = (ScaledSwitching(base, dev, s, max_pulse_width), dev)
    _CACHE[key] = out
    return out


def scenario_switching(device: str = "default", changes: tuple = (),
                       max_pulse_width: float | None = None, table: str | None = None) -> dict:
    """:func:`arrays.energy.costs.circuit_costs` arguments for ``device`` with ``changes``:
    ``{"device": Device, "table": source or None, "pulse_range": (s, s) or None,
    "source": words}``.

    No table: the Fokker-Planck source of the changed device (its own Ic0), pulses from the
    gates' shortest to min(their longest, ``max_pulse_width``). A table: :func:`scenario_source`
    (the table rescaled, its pulse widths up to ``max_pulse_width``).
    """
    from circuits.fpsource import PULSE_RANGE
    from llg.device import Device, load_device
    from llg.errors import check_range

    if table is not None:
        src, dev = scenario_source(device, changes, max_pulse_width, table)
        return {"device": dev, "table": src, "pulse_range": None, "source": src.path}
    dev0 = device if isinstance(device, Device) else load_device(str(device))
    dev = dev0.with_(**dict(changes))
    hi = PULSE_RANGE[1]
    if max_pulse_width is not None:
        hi = min(hi, check_range("max_pulse_width", max_pulse_width, "s", PULSE_RANGE[0], None,
                                 lo_open=True, what="longest gate/write pulse (above the "
                                 "gates' shortest pulse)"))
    return {"device": dev, "table": None, "pulse_range": (PULSE_RANGE[0], hi),
            "source": f"Fokker-Planck (direct) for the scenario's device, pulses "
                      f"{PULSE_RANGE[0]:g}-{hi:g} s"}
