"""The sweep config of ``cramsim explore run`` (TOML), validated from declarations.

Axes may name any numeric device key (validated through :class:`llg.device.Device`'s own
declarations: unit and valid range) or a circuit/system key declared in :data:`CIRCUIT_KEYS`.
An axis is a list of values or a grid ``{start, stop, num}`` (linear; ``log = true`` for
log-spaced). Example::

    base_device = "default"
    workloads = ["add32"]
    target_error = 1e-6
    [axes]
    TMR0 = [1.5, 3.0]
    diameter = { start = 30e-9, stop = 60e-9, num = 4 }
    [constraints]
    retention_years = 10
    retention_temperature = 358.0
    cell_area_max = 5e-14          # m^2 (optional)

Bad input raises :class:`llg.errors.ParameterError` with one line naming the key, its value,
unit and valid range (the CLI exits 2).
"""
from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from llg.device import Device, load_device
from llg.errors import ParameterError, check_range
from llg.paths import read_toml

from .mc import MC_DEFAULTS, MC_INT_KEYS, MC_SETTING_KEYS, check_mc_settings

#: Circuit/system axis keys: name -> (unit, lo, hi, description). Ranges: the transistor
#: width range of circuits.technology, rows per sub-array up to 4096, pulse ranges of
#: circuits.fpsource.check_pulse_range.
CIRCUIT_KEYS = {
    "transistor_width": ("m", 1e-9, 1e-5, "access-transistor width"),
    "rows": ("1", 1, 4096, "rows per sub-array (gate IR drop and array size)"),
    "pulse_max": ("s", 1e-12, 1e-3, "longest gate pulse width the optimizer may use"),
}
#: Top-level keys of the config file.
TOP_KEYS = ("base_device", "workloads", "target_error", "axes", "constraints", "settings")
CONSTRAINT_KEYS = {
    "retention_years": ("yr", 0.0, 1e6, "required retention time"),
    "retention_temperature": ("K", 1.0, 1000.0, "temperature at which retention is judged"),
    "cell_area_max": ("m^2", 1e-18, 1e-9, "largest cell area (row pitch x column pitch, with "
                      "the access transistor at its width); none: not constrained"),
}
SETTING_KEYS = {
    "pulse_min": ("s", 1e-12, 1e-3, "shortest gate pulse width the optimizer may use"),
    "pulse_max": ("s", 1e-12, 1e-3, "longest gate pulse width the optimizer may use"),
    "n_voltages": ("1", 5, 2001, "voltages on the gate optimizer's grid"),
    "sim_rows": ("1", 8, 65536, "rows simulated per workload (accuracy statistics)"),
    "seed": ("1", 0, 2 ** 31 - 1, "seed of the workload instances and of the Monte Carlo "
             "switching data"),
    **MC_SETTING_KEYS,
}
SETTING_TEXT = {"technology": "45nm", "periphery": "cram_45nm", "baseline": "cpu_ddr4_45nm",
                "subcritical": "fp"}
DEFAULT_SETTINGS = {"pulse_min": 1e-9, "pulse_max": 1e-6, "n_voltages": 161,
                    "sim_rows": 256, "seed": 0, **MC_DEFAULTS}


def _device_numeric_keys() -> dict:
    """Device keys an axis may sweep: scalar numeric fields with their declarations."""
    return {f.name: f.metadata for f in dataclasses.fields(Device)
            if not f.metadata["text"] and not f.metadata["vector"]}


def _unknown(key: str, known, where: str) -> ParameterError:
    close = difflib.get_close_matches(key, list(known), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return ParameterError(f"{where}: unknown key '{key}'{hint}; known: {', '.join(known)}")


def _grid(name: str, spec, unit: str) -> list:
    """The values of one axis: a non-empty list, or {start, stop, num[, log]} with start < stop."""
    if isinstance(spec, dict):
        bad = set(spec) - {"start", "stop", "num", "log"}
        if bad:
            raise _unknown(sorted(bad)[0], ("start", "stop", "num", "log"), f"axes.{name}")
        try:
            start, stop, num = spec["start"], spec["stop"], spec["num"]
        except KeyError as exc:
            raise ParameterError(f"axes.{name} = {spec!r} needs start, stop and num "
                                 f"(in {unit or 'dimensionless units'})") from None
        start = check_range(f"axes.{name}.start", start, unit)
        stop = check_range(f"axes.{name}.stop", stop, unit)
        if isinstance(num, bool) or not isinstance(num, int) or not 1 <= num <= 1000:
            raise ParameterError(f"axes.{name}.num = {num!r} must be an integer in 1..1000")
        if num > 1 and not start < stop:
            raise ParameterError(f"axes.{name} = {{start = {start:g}, stop = {stop:g}}} "
                                 f"{unit} is inverted or empty; valid: start < stop")
        if spec.get("log", False):
            if start <= 0:
                raise ParameterError(f"axes.{name}.start = {start:g} {unit}: a log grid "
                                     "needs start > 0")
            return [float(v) for v in np.geomspace(start, stop, num)]
        return [float(v) for v in np.linspace(start, stop, num)]
    if not isinstance(spec, list) or not spec:
        raise ParameterError(f"axes.{name} = {spec!r} is empty or not a list; give a list of "
                             f"values or {{start, stop, num}} (in {unit or 'dimensionless'})")
    vals = [check_range(f"axes.{name}", v, unit) for v in spec]
    if len(set(vals)) != len(vals):
        raise ParameterError(f"axes.{name} = {spec!r} repeats a value; list each once")
    return vals


def _check_axis_values(name: str, values: list, base: Device) -> None:
    """Each value inside the key's declared range (device keys: the device's own check)."""
    if name in CIRCUIT_KEYS:
        unit, lo, hi, what = CIRCUIT_KEYS[name]
        for v in values:
            check_range(f"axes.{name}", v, unit, lo, hi, lo_open=(name == "transistor_width"),
                        what=what)
            if name == "rows" and v != int(v):
                raise ParameterError(f"axes.rows = {v!r} must be an integer (rows)")
        return
    meta = _device_numeric_keys()[name]
    for v in values:
        check_range(f"axes.{name}", v, meta["unit"], meta["lo"], meta["hi"],
                    lo_open=meta["lo_open"], hi_open=meta["hi_open"],
                    what=meta["description"])


def _numbers(section: dict, decl: dict, where: str, defaults: dict) -> dict:
    out = dict(defaults)
    for key, value in section.items():
        if key not in decl:
            continue
        unit, lo, hi, what = decl[key]
        out[key] = check_range(f"{where}.{key}", value, unit, lo, hi, what=what)
    return out


@dataclass
class SweepConfig:
    """A validated sweep: base device, axes (name -> values, SI), workloads and settings."""

    name: str
    base_device: Device
    axes: dict                                   # axis name -> list of float (SI)
    workloads: tuple
    target_error: float
    retention_years: float = 10.0
    retention_temperature: float = 358.0
    settings: dict = field(default_factory=dict)
    source_text: str = ""
    cell_area_max: float | None = None           # m^2; None: not constrained

    @property
    def dims(self) -> tuple:
        return tuple(self.axes)

    @property
    def shape(self) -> tuple:
        return tuple(len(v) for v in self.axes.values())

    @property
    def n_points(self) -> int:
        return int(np.prod(self.shape)) if self.axes else 1

    def design(self, index: int) -> dict:
        """Axis values of design ``index`` (C order over the axes)."""
        idx = np.unravel_index(int(index), self.shape) if self.axes else ()
        return {k: self.axes[k][int(i)] for k, i in zip(self.axes, idx)}

    def unit(self, axis: str) -> str:
        if axis in CIRCUIT_KEYS:
            return CIRCUIT_KEYS[axis][0]
        return _device_numeric_keys()[axis]["unit"]

    def long_name(self, axis: str) -> str:
        if axis in CIRCUIT_KEYS:
            return CIRCUIT_KEYS[axis][3]
        return _device_numeric_keys()[axis]["description"]

    def numbers(self) -> dict:
        """Everything a result depends on, as plain values (the fingerprint's input; an
        unset area constraint is left out, so older sweeps keep their fingerprint)."""
        out = {"base_device": self.base_device.to_dict(), "axes": self.axes,
               "workloads": list(self.workloads), "target_error": self.target_error,
               "retention_years": self.retention_years,
               "retention_temperature": self.retention_temperature,
               "settings": self.settings}
        if self.cell_area_max is not None:
            out["cell_area_max"] = self.cell_area_max
        return out

    def fingerprint(self) -> str:
        """sha256 of :meth:`numbers` (canonical JSON): equal fingerprints, equal results."""
        text = json.dumps(self.numbers(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    # the table checkpoint's header reads these (a sweep has no separate device file)
    @property
    def device_path(self) -> str:
        return self.name

    @property
    def device_text(self) -> str:
        return self.source_text

    @property
    def device_sha256(self) -> str:
        return self.fingerprint()


def config_from_dict(raw: dict, name: str = "sweep", source_text: str = "") -> SweepConfig:
    """Validate a parsed sweep config (module doc); ParameterError on the first bad entry."""
    for key in raw:
        if key not in TOP_KEYS:
            raise _unknown(key, TOP_KEYS, "explore config")
    base_name = raw.get("base_device", "default")
    base = load_device(base_name) if isinstance(base_name, str) else None
    if base is None:
        raise ParameterError(f"base_device = {base_name!r} must be a device name or TOML path")
    axes = {}
    known = list(_device_numeric_keys()) + list(CIRCUIT_KEYS)
    for axis, spec in (raw.get("axes") or {}).items():
        if axis not in known:
            raise _unknown(axis, known, "axes")
        unit = CIRCUIT_KEYS[axis][0] if axis in CIRCUIT_KEYS else \
            _device_numeric_keys()[axis]["unit"]
        values = _grid(axis, spec, unit)
        _check_axis_values(axis, values, base)
        axes[axis] = values
    if not axes:
        raise ParameterError("axes: a sweep needs at least one axis ([axes] KEY = [values] or "
                             "{start, stop, num}); known keys: " + ", ".join(known))
    workloads = raw.get("workloads", ["add32"])
    if not isinstance(workloads, list) or not workloads:
        raise ParameterError(f"workloads = {workloads!r} must be a non-empty list of names")
    from arrays.energy.workloads import get_workload

    for w in workloads:
        get_workload(w)
    target = check_range("target_error", raw.get("target_error", 1e-6), "1", 0.0, 0.5,
                         lo_open=True, what="gate error target")
    cons = raw.get("constraints") or {}
    for key in cons:
        if key not in CONSTRAINT_KEYS:
            raise _unknown(key, CONSTRAINT_KEYS, "constraints")
    c = _numbers(cons, CONSTRAINT_KEYS, "constraints",
                 {"retention_years": 10.0, "retention_temperature": 358.0,
                  "cell_area_max": None})
    settings = _settings(raw.get("settings") or {})
    return SweepConfig(name, base, axes, tuple(workloads), target, c["retention_years"],
                       c["retention_temperature"], settings, source_text, c["cell_area_max"])


def _settings(section: dict) -> dict:
    for key in section:
        if key not in SETTING_KEYS and key not in SETTING_TEXT:
            raise _unknown(key, list(SETTING_KEYS) + list(SETTING_TEXT), "settings")
    out = _numbers(section, SETTING_KEYS, "settings", DEFAULT_SETTINGS)
    for key in ("n_voltages", "sim_rows", "seed") + MC_INT_KEYS:
        if out[key] != int(out[key]):
            raise ParameterError(f"settings.{key} = {out[key]!r} must be an integer")
        out[key] = int(out[key])
    if not out["pulse_min"] < out["pulse_max"]:
        raise ParameterError(f"settings.pulse_min = {out['pulse_min']:g} s must be below "
                             f"settings.pulse_max = {out['pulse_max']:g} s")
    check_mc_settings(out)
    for key, default in SETTING_TEXT.items():
        value = section.get(key, default)
        if not isinstance(value, str):
            raise ParameterError(f"settings.{key} = {value!r} must be a name (text)")
        out[key] = value
    from circuits.fpsource import SUBCRITICAL_MODELS

    if out["subcritical"] not in SUBCRITICAL_MODELS:
        raise ParameterError(f"settings.subcritical = {out['subcritical']!r}; choose one of "
                             f"{', '.join(SUBCRITICAL_MODELS)}")
    return out


def load_config(path: str | Path) -> SweepConfig:
    """Read and validate a sweep config: a TOML path or a shipped name in data/explore."""
    from llg.paths import resolve_data_file

    path = resolve_data_file("explore", path, "explore config")
    text = path.read_text()
    return config_from_dict(read_toml(path, "explore config"), path.stem, text)
