"""The gate's view of a switching lookup table (llg.tables): error and timing vs current.

The circuit layer never runs the LLG solver; the MTJ's current-to-switching mapping comes from
a table built by ``cramsim table build``. This adapter asks the table only what a gate needs,
for a current *magnitude* and a switching direction:

* ``p_switch(direction, |I|, t)``: probability that a pulse of width t switches the MTJ. Where
  the table's WER comes from the Fokker-Planck solver (``wer_method`` = 1 in that direction)
  the small probabilities of sub-threshold currents are read as ``1 - WER`` (resolved down to
  round-off); where it is Monte Carlo, a count of zero is read as half a count, ``0.5 / n``
  (the table's own convention for WER): a Monte Carlo table cannot resolve smaller rates;
* ``wer(direction, |I|, t)``: probability that it does not switch;
* ``*_upper``: the 95 % upper bounds (Wilson interval for Monte Carlo, the value for FP);
* ``mean_switching_time(direction, |I|, t)``, s.

Out-of-range currents are never extrapolated silently. The callers use the edge value only
where it is a conservative bound (P_sw below the smallest tabulated current, WER above the
largest), because P_sw is non-decreasing and WER non-increasing in |I|; everything else raises
:class:`~llg.errors.ParameterError` (see :mod:`circuits.gatemodel`).
"""
from __future__ import annotations

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
from pathlib import Path

import numpy as np

from llg.device import Device, device_from_dict
from llg.errors import ParameterError
from llg.paths import data_dir

SIGN = {"P-AP": -1.0, "AP-P": +1.0}


class TableSwitching:
    """Switching statistics of one device from a table (SI units)."""

    def __init__(self, table, temperature=None, variation=None):
        from llg.tables import Table, open_table

        self.table = table if isinstance(table, Table) else open_table(table)
        t = self.table
        if t.amplitude != "current":
            raise ParameterError(
                f"table {t.path} is driven by {t.amplitude}; the gate model needs a current-"
                "driven table (drive = \"current\"): the gate network, not a fixed series "
                "resistor, sets the output current")
        self.directions = tuple(t.axes["direction"].values)
        self.current_axis = np.asarray(t.axes["current"].values)
        self.pulse_widths = np.asarray(t.axes["pulse_width"].values)
        self.path = str(t.path)
        self.extra = {}
        for name, value in (("temperature", temperature), ("variation", variation)):
            if name in t.dims:
                ax = t.axes[name].values
                if value is None and len(ax) > 1:
                    raise ParameterError(f"{name} is required: table {t.path} has {len(ax)} "
                                         f"values in [{ax[0]:g}, {ax[-1]:g}] {t.axes[name].unit}")
                self.extra[name] = ax[0] if value is None else float(value)
            elif value is not None:
                raise ParameterError(f"table {t.path} has no {name} axis")
        self.device = self._device()
        self._fp = {}
        for k, d in enumerate(self.directions):
            methods = np.asarray(t.data["wer_method"])[k]
            self._fp[d] = bool(np.all(methods == 1))
        trials = np.asarray(t.data["trials"], dtype=float)
        self.min_trials = float(trials[trials > 0].min()) if np.any(trials > 0) else 0.0

    # -- identity ------------------------------------------------------------------------
    def _device(self) -> Device | None:
        text = self.table.attrs.get("device_toml")
        if not text:
            return None
        try:
            dev = device_from_dict(tomllib.loads(text), where=f"table {self.path} device")
        except tomllib.TOMLDecodeError as exc:
            raise ParameterError(f"table {self.path}: device_toml is not valid TOML "
                                 f"({exc})") from None
        temp = self.extra.get("temperature")
        if temp is not None and temp != dev.temperature:
            dev = dev.at_temperature(temp)
        return dev

    @property
    def current_range(self) -> tuple:
        return float(self.current_axis[0]), float(self.current_axis[-1])

    @property
    def pulse_width_range(self) -> tuple:
        return float(self.pulse_widths[0]), float(self.pulse_widths[-1])

    def is_fokker_planck(self, direction: str) -> bool:
        self.require(direction)
        return self._fp[direction]

    def resolution(self, direction: str) -> float:
        """Smallest error rate the table resolves in ``direction`` (0.5 / n for Monte Carlo)."""
        if self.is_fokker_planck(direction):
            return 0.0
        return 0.5 / self.min_trials if self.min_trials else 1.0

    def require(self, direction: str) -> None:
        if direction not in self.directions:
            raise ParameterError(
                f"table {self.path} has no {direction} direction (it has "
                f"{', '.join(self.directions)}); this gate needs it - rebuild the table with "
                f"directions = [\"P-AP\", \"AP-P\"]")

    # -- queries ----------------------------------------------------------------------------
    def _q(self, names, direction, current, pulse_width):
        self.require(direction)
        i = np.asarray(current, dtype=float)
        if np.any(i <= 0) or not np.all(np.isfinite(i)):
            raise ParameterError("current magnitudes must be finite and > 0 A")
        return self.table.query(names, current=SIGN[direction] * i, pulse_width=pulse_width,
                                direction=direction, **self.extra)

    def wer(self, direction, current, pulse_width):
        """(estimate, 95 % upper bound) of the write error rate, each like ``current``."""
        q = self._q(["wer", "wer_ci_high"], direction, current, pulse_width)
        return q["wer"], np.maximum(q["wer_ci_high"], q["wer"])

    def p_switch(self, direction, current, pulse_width):
        """(estimate, 95 % upper bound) of the switching probability (see module doc)."""
        if self.is_fokker_planck(direction):
            w = self._q("wer", direction, current, pulse_width)
            p = np.clip(1.0 - w, 0.0, 1.0)
            return p, p
        q = self._q(["p_switch", "p_switch_ci_high"], direction, current, pulse_width)
        floor = self.resolution(direction)
        return np.maximum(q["p_switch"], floor), np.maximum(q["p_switch_ci_high"], floor)

    def mean_switching_time(self, direction, current, pulse_width):
        """Mean switching time (s) of the trajectories that switched; NaN where none did."""
        return self._q("mean_switching_time", direction, current, pulse_width)


def default_table_path(device_name: str = "default") -> Path:
    """``data/tables/<device>.h5``: the shipped table of a shipped device."""
    return data_dir() / "tables" / f"{device_name}.h5"


def resolve_source(device=None, table=None, temperature=None, variation=None):
    """(TableSwitching, Device) from the user's --device / --table choice.

    table given: its device (``device``, if also given, must match it). Only a device: its
    shipped table ``data/tables/<name>.h5``.
    """
    from llg.device import load_device

    if table is None:
        name = "default" if device is None else (device.name if isinstance(device, Device)
                                                  else str(device))
        path = default_table_path(Path(name).stem)
        if not path.is_file():
            raise ParameterError(
                f"no switching table for device {name!r}: {path} does not exist; build one "
                f"with `cramsim table build --config <config.toml> --out {path}` or pass "
                "--table F.h5")
        table = path
    src = table if isinstance(table, TableSwitching) else \
        TableSwitching(table, temperature=temperature, variation=variation)
    dev = src.device
    if device is not None:
        given = device if isinstance(device, Device) else load_device(device)
        if dev is not None and not _same_circuit_device(given, dev):
            raise ParameterError(
                f"device {given.name!r} does not match the device of table {src.path} "
                f"({dev.name!r}); pass only --table, or a table built for this device")
        dev = given if dev is None else dev
    if dev is None:
        raise ParameterError(f"table {src.path} does not record its device; pass --device")
    return src, dev


def _same_circuit_device(a: Device, b: Device) -> bool:
    keys = ("diameter", "free_layer_thickness", "Ms", "Hk_eff", "alpha", "polarization", "RA",
            "TMR0", "V_half", "stt_model")
    return all(getattr(a, k) == getattr(b, k) for k in keys)
