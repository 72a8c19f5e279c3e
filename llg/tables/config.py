"""Table configuration: which device, which axes and grids, how many trials, which seed.

A table config is a TOML file (see ``data/tables/default.toml``)::

    [table]
    name = "default"
    device = "default"            # shipped device name, or a path relative to this file
    drive = "current"             # amplitude axis: "current" (A) or "voltage" (V)
    directions = ["P-AP", "AP-P"]
    trials = 1000                 # trajectories per grid point
    seed = 2024                   # one SeedSequence; point i uses its child at key (i,)
    dt = 1e-12                    # s

    [axes.current]                # magnitudes |I|, A (the sign follows the direction)
    start = 10e-6
    stop = 110e-6
    num = 25                      # or: values = [...]
    spacing = "linear"            # or "log"

    [axes.pulse_width]            # s, full width at half maximum
    [axes.temperature]            # K (default: the device file's temperature)
    [axes.bias_voltage]           # V, only for R_AP(V) in the device group (default 0..1 V)

    [variation]                   # optional: sample the device per trial group
    n_devices = 20                # devices drawn per grid point, trials / n_devices each
    sigma_rel = { diameter = 0.03, Ms = 0.03, Hk_eff = 0.05, RA = 0.05 }
    [axes.variation]              # optional: scale factors k, sigma = k * sigma_rel
    values = [0.0, 1.0, 2.0]

Every grid must be non-empty and strictly increasing; every error names the key, the value
and what is allowed. :meth:`TableConfig.fingerprint` hashes everything that changes the
numbers, so a resumed build can refuse a config that changed under it.
"""
from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..device import Device, available_devices, device_from_dict
from ..errors import ParameterError, check_int, check_range
from ..paths import data_dir, parse_toml, read_text, resolve_data_file
from ..switching import DIRECTIONS

#: Grid axes, declared once: name -> (unit, long_name, valid range (lo, hi), lo_open).
AXES = {
    "direction": ("", "switching direction: P-AP (negative current/voltage) or AP-P "
                  "(positive)", None),
    "temperature": ("K", "operating temperature", (0.0, 1500.0, True)),
    "variation": ("1", "process-variation scale k: each parameter's relative sigma is "
                  "k * sigma_rel", (0.0, 10.0, False)),
    "pulse_width": ("s", "pulse full width at half maximum", (0.0, 1e-6, True)),
    "current": ("A", "pulse current magnitude |I| (sign set by direction)",
                (0.0, 1.0, True)),
    "voltage": ("V", "pulse source voltage magnitude |V| across MTJ + series resistance "
                "(sign set by direction)", (0.0, 100.0, True)),
    "bias_voltage": ("V", "MTJ bias voltage for R_AP(V)", (0.0, 100.0, False)),
}
#: Order of the per-point dimensions in every dataset (the amplitude axis last).
POINT_AXES = ("direction", "temperature", "variation", "pulse_width")
DRIVES = ("current", "voltage")
#: Device parameters that may carry a process spread.
VARIATION_PARAMETERS = ("diameter", "free_layer_thickness", "Ms", "Hk_eff", "RA", "alpha",
                        "polarization", "TMR0")
#: Largest relative sigma: with the +-3 sigma truncation every sample stays above 25 % of
#: the nominal value, far inside the device's valid ranges.
MAX_SIGMA_REL = 0.25
DEFAULT_BIAS = {"start": 0.0, "stop": 1.0, "num": 11, "spacing": "linear"}

_TABLE_KEYS = {"name", "description", "device", "drive", "directions", "trials", "seed", "dt",
               "rise", "fall", "series_resistance"}
_GRID_KEYS = {"values", "start", "stop", "num", "spacing"}
_VARIATION_KEYS = {"n_devices", "sigma_rel"}


def _unknown(keys, known, where) -> ParameterError:
    parts = []
    for k in sorted(keys):
        close = difflib.get_close_matches(k, sorted(known), n=1)
        parts.append(f"'{k}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
    return ParameterError(f"{where}: unknown key(s) {', '.join(parts)}; known: "
                          f"{', '.join(sorted(known))}")


def _int(name, value, lo, hi=None) -> int:
    return check_int(name, value, "", lo, hi)


def parse_grid(name: str, spec) -> tuple:
    """An axis grid from ``values = [...]`` or ``start/stop/num/spacing``, validated.

    The grid must be non-empty, finite, inside the axis's valid range and strictly increasing
    (interpolation and the dimension scales need a monotone axis).
    """
    unit, _, valid = AXES[name]
    where = f"[axes.{name}]"
    if not isinstance(spec, dict):
        raise ParameterError(f"{where} must be a table with 'values' or start/stop/num")
    unknown = set(spec) - _GRID_KEYS
    if unknown:
        raise _unknown(unknown, _GRID_KEYS, where)
    if "values" in spec:
        if set(spec) - {"values"}:
            raise ParameterError(f"{where}: give either 'values' or start/stop/num/spacing, "
                                 "not both")
        raw = spec["values"]
        if not isinstance(raw, list):
            raise ParameterError(f"{where} values = {raw!r} must be a list of numbers")
        values = [check_range(f"{name}[{i}]", v, unit) for i, v in enumerate(raw)]
    else:
        missing = {"start", "stop", "num"} - set(spec)
        if missing:
            raise ParameterError(f"{where}: missing {', '.join(sorted(missing))} (or give "
                                 "values = [...])")
        start = check_range(f"{name}.start", spec["start"], unit)
        stop = check_range(f"{name}.stop", spec["stop"], unit)
        num = _int(f"{name}.num", spec["num"], 0, 100_000)
        spacing = spec.get("spacing", "linear")
        if spacing not in ("linear", "log"):
            raise ParameterError(f"{where} spacing = {spacing!r} is invalid; choose linear "
                                 "or log")
        if spacing == "log":
            if start <= 0 or stop <= 0:
                raise ParameterError(f"{where}: log spacing needs start > 0 and stop > 0 "
                                     f"{unit}, got {start:g} and {stop:g}")
            values = list(np.geomspace(start, stop, num)) if num else []
        else:
            values = list(np.linspace(start, stop, num)) if num else []
        values = [float(v) for v in values]
    if not values:
        raise ParameterError(f"{where}: the grid is empty; give at least one value")
    if valid is not None:
        lo, hi, lo_open = valid
        for i, v in enumerate(values):
            check_range(f"{name}[{i}]", v, unit, lo, hi, lo_open=lo_open,
                        what=AXES[name][1])
    diffs = np.diff(values)
    if np.any(diffs <= 0):
        j = int(np.argmax(diffs <= 0))
        raise ParameterError(
            f"{where}: the grid must be strictly increasing, but {name}[{j}] = "
            f"{values[j]:g} {unit} is followed by {name}[{j + 1}] = {values[j + 1]:g} {unit}")
    return tuple(values)


@dataclass(frozen=True)
class TableConfig:
    """A validated table configuration (SI units). Build it with :func:`load_config`."""

    name: str
    description: str
    device_ref: str
    device_path: str
    device_text: str
    device: Device
    drive: str
    axes: dict              # name -> tuple of values (direction: tuple of str)
    bias_voltage: tuple
    trials: int
    seed: int
    dt: float
    rise: float = 0.0
    fall: float = 0.0
    series_resistance: float = 0.0
    sigma_rel: dict = field(default_factory=dict)
    n_devices: int = 1
    config_text: str = ""

    # -- grid ----------------------------------------------------------------------------
    @property
    def dims(self) -> tuple:
        """Per-point dimensions of every point dataset, outermost first."""
        return tuple(a for a in POINT_AXES if a in self.axes) + (self.drive,)

    @property
    def shape(self) -> tuple:
        return tuple(len(self.axes[d]) for d in self.dims)

    @property
    def n_points(self) -> int:
        return int(np.prod(self.shape))

    @property
    def has_variation(self) -> bool:
        return bool(self.sigma_rel)

    def point(self, index: int) -> dict:
        """Axis values of grid point ``index`` (C order over :attr:`dims`)."""
        idx = np.unravel_index(int(index), self.shape)
        return {d: self.axes[d][i] for d, i in zip(self.dims, idx)}

    # -- identity ------------------------------------------------------------------------
    def numbers(self) -> dict:
        """Everything that changes the table's numbers, as plain JSON values (device keys a
        table does not depend on, :data:`llg.device.NOT_IN_TABLES`, are left out)."""
        from ..device import NOT_IN_TABLES

        dev = {k: v for k, v in self.device.to_dict().items() if k not in NOT_IN_TABLES}
        return {"device": dev, "drive": self.drive,
                "axes": {k: list(v) for k, v in self.axes.items()},
                "bias_voltage": list(self.bias_voltage), "trials": self.trials,
                "seed": self.seed, "dt": self.dt, "rise": self.rise, "fall": self.fall,
                "series_resistance": self.series_resistance,
                "sigma_rel": dict(sorted(self.sigma_rel.items())),
                "n_devices": self.n_devices}

    def fingerprint(self) -> str:
        """sha256 of :meth:`numbers` (canonical JSON): equal fingerprints, equal tables."""
        text = json.dumps(self.numbers(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def device_sha256(self) -> str:
        return hashlib.sha256(self.device_text.encode()).hexdigest()

    def device_at(self, temperature: float) -> Device:
        """The nominal device at ``temperature`` (K)."""
        if temperature == self.device.temperature:
            return self.device
        return self.device.at_temperature(temperature)


def _resolve_device(ref, base: Path) -> tuple[str, Path]:
    if not isinstance(ref, str) or not ref:
        raise ParameterError(f"[table] device = {ref!r} must be a shipped device name "
                             f"({', '.join(available_devices())}) or a TOML path")
    candidate = Path(ref)
    if candidate.suffix or "/" in ref:
        path = candidate if candidate.is_absolute() else base / candidate
    else:
        path = data_dir() / "devices" / f"{ref}.toml"
    if not path.is_file():
        raise ParameterError(f"[table] device = {ref!r}: {path} not found (shipped devices: "
                             f"{', '.join(available_devices())})")
    return ref, path


def _device_from_text(text: str, path: Path) -> Device:
    values = parse_toml(text, f"device file {path}")
    return device_from_dict(values, where=f"device file {path}")


def config_from_dict(data: dict, base: Path, text: str = "") -> TableConfig:
    """Validate a parsed config mapping; relative device paths are taken from ``base``."""
    known = {"table", "axes", "variation"}
    if set(data) - known:
        raise _unknown(set(data) - known, known, "table config")
    t = data.get("table")
    if not isinstance(t, dict):
        raise ParameterError("table config: missing the [table] section")
    if set(t) - _TABLE_KEYS:
        raise _unknown(set(t) - _TABLE_KEYS, _TABLE_KEYS, "[table]")
    for key in ("device", "trials", "seed"):
        if key not in t:
            raise ParameterError(f"[table]: missing required key '{key}'")
    ref, path = _resolve_device(t["device"], base)
    device_text = read_text(path, "device file")
    device = _device_from_text(device_text, path)
    drive = t.get("drive", "current")
    if drive not in DRIVES:
        raise ParameterError(f"[table] drive = {drive!r} is invalid; choose one of "
                             f"{', '.join(DRIVES)}")
    directions = t.get("directions", ["P-AP"])
    if isinstance(directions, str):
        directions = [directions]
    if not isinstance(directions, list) or not directions:
        raise ParameterError(f"[table] directions = {directions!r} must be a non-empty list "
                             f"drawn from {', '.join(DIRECTIONS)}")
    for d in directions:
        if d not in DIRECTIONS:
            raise ParameterError(f"[table] directions: {d!r} is invalid; choose from "
                                 f"{', '.join(DIRECTIONS)}")
    if len(set(directions)) != len(directions):
        raise ParameterError(f"[table] directions = {directions} lists a direction twice")
    directions = tuple(sorted(directions, key=list(DIRECTIONS).index))

    axes_in = data.get("axes", {})
    if not isinstance(axes_in, dict):
        raise ParameterError("[axes] must be a table of [axes.NAME] sections")
    allowed = {drive, "pulse_width", "temperature", "bias_voltage", "variation"}
    if set(axes_in) - allowed:
        other = [d for d in DRIVES if d != drive]
        extra = set(axes_in) - allowed
        if set(other) & extra:
            raise ParameterError(f"[axes.{other[0]}] given but [table] drive = {drive!r}; "
                                 f"use [axes.{drive}] or set drive = {other[0]!r}")
        raise _unknown(extra, allowed, "[axes]")
    for req in (drive, "pulse_width"):
        if req not in axes_in:
            raise ParameterError(f"table config: missing the [axes.{req}] grid "
                                 f"({AXES[req][1]}, {AXES[req][0]})")
    axes = {"direction": directions}
    axes["temperature"] = parse_grid("temperature", axes_in["temperature"]) \
        if "temperature" in axes_in else (float(device.temperature),)
    for T in axes["temperature"]:
        if T >= device.curie_temperature:
            raise ParameterError(f"temperature = {T:g} K must be below the device's "
                                 f"curie_temperature = {device.curie_temperature:g} K")

    var = data.get("variation")
    sigma_rel, n_devices = {}, 1
    if var is not None:
        if not isinstance(var, dict):
            raise ParameterError("[variation] must be a table with n_devices and sigma_rel")
        if set(var) - _VARIATION_KEYS:
            raise _unknown(set(var) - _VARIATION_KEYS, _VARIATION_KEYS, "[variation]")
        sr = var.get("sigma_rel")
        if not isinstance(sr, dict) or not sr:
            raise ParameterError("[variation] sigma_rel must be a non-empty table, e.g. "
                                 "{ diameter = 0.03, Hk_eff = 0.05 }")
        for k, v in sr.items():
            if k not in VARIATION_PARAMETERS:
                raise _unknown({k}, VARIATION_PARAMETERS, "[variation] sigma_rel")
            sigma_rel[k] = check_range(f"sigma_rel.{k}", v, "1", 0.0, MAX_SIGMA_REL,
                                       what="relative standard deviation")
        n_devices = _int("[variation] n_devices", var.get("n_devices", 20), 2, 100_000)
        axes["variation"] = parse_grid("variation", axes_in["variation"]) \
            if "variation" in axes_in else (1.0,)
        if max(axes["variation"]) * max(sigma_rel.values()) > MAX_SIGMA_REL:
            raise ParameterError(
                f"variation scale {max(axes['variation']):g} x sigma_rel "
                f"{max(sigma_rel.values()):g} exceeds {MAX_SIGMA_REL} (relative sigma)")
    elif "variation" in axes_in:
        raise ParameterError("[axes.variation] needs a [variation] section with sigma_rel")
    axes["pulse_width"] = parse_grid("pulse_width", axes_in["pulse_width"])
    axes[drive] = parse_grid(drive, axes_in[drive])
    bias = parse_grid("bias_voltage", axes_in.get("bias_voltage", DEFAULT_BIAS))

    trials = _int("[table] trials", t["trials"], 1, 100_000_000)
    if n_devices > 1 and trials % n_devices:
        raise ParameterError(f"[table] trials = {trials} must be a multiple of [variation] "
                             f"n_devices = {n_devices} (each device runs trials / n_devices "
                             "trajectories)")
    seed = _int("[table] seed", t["seed"], 0, 2 ** 63 - 1)
    dt = check_range("[table] dt", t.get("dt", 1e-12), "s", 0.0, 1e-10, lo_open=True)
    rise = check_range("[table] rise", t.get("rise", 0.0), "s", 0.0, 1e-6)
    fall = check_range("[table] fall", t.get("fall", 0.0), "s", 0.0, 1e-6)
    if 0.5 * (rise + fall) > axes["pulse_width"][0]:
        raise ParameterError(f"[axes.pulse_width]: the shortest width "
                             f"{axes['pulse_width'][0]:g} s is below (rise + fall)/2 = "
                             f"{0.5 * (rise + fall):g} s")
    rs = check_range("[table] series_resistance", t.get("series_resistance", 0.0), "ohm",
                     0.0, 1e9)
    name = t.get("name", Path(str(path)).stem)
    description = t.get("description", "")
    for key, val in (("name", name), ("description", description)):
        if not isinstance(val, str):
            raise ParameterError(f"[table] {key} = {val!r} must be a string")
    cfg = TableConfig(name=name, description=description, device_ref=ref,
                      device_path=str(path), device_text=device_text, device=device,
                      drive=drive, axes=axes, bias_voltage=bias, trials=trials, seed=seed,
                      dt=dt, rise=rise, fall=fall, series_resistance=rs, sigma_rel=sigma_rel,
                      n_devices=n_devices, config_text=text)
    _check_time_step(cfg)
    return cfg


def _check_time_step(cfg: TableConfig) -> None:
    """dt must pass the solver's stability check at the hardest point of the grid."""
    from ..solver import max_stable_dt
    from ..waveform import Pulse

    amp = cfg.axes[cfg.drive][-1]
    width = cfg.axes["pulse_width"][0]
    scale = max(cfg.axes.get("variation", (0.0,)))
    for T in cfg.axes["temperature"]:
        dev = cfg.device_at(T)
        # a sampled device is at most 3 sigma stiffer: check the stiffest corner too
        stiff = {k: getattr(dev, k) * (1 + 3 * scale * s) for k, s in cfg.sigma_rel.items()
                 if k in ("Ms", "Hk_eff", "polarization")}
        shrink = {k: getattr(dev, k) * max(1 - 3 * scale * s, 0.25)
                  for k, s in cfg.sigma_rel.items()
                  if k in ("diameter", "free_layer_thickness", "RA")}
        worst = dev.with_(**stiff, **shrink) if (stiff or shrink) else dev
        limit = max_stable_dt(worst, Pulse(amp, width, cfg.rise, cfg.fall, 0.0, cfg.drive,
                                           cfg.series_resistance))
        if cfg.dt > limit:
            raise ParameterError(
                f"[table] dt = {cfg.dt:g} s is too large: at {cfg.drive} = {amp:g} "
                f"{AXES[cfg.drive][0]} and temperature = {T:g} K it must be <= {limit:.3g} s "
                "(1/20 of the shortest precession period)")


def load_config(path: str | Path) -> TableConfig:
    """Read and validate a table config TOML file (shipped name or path)."""
    p = resolve_data_file("tables", path, "table config")
    text = read_text(p, "table config")
    data = parse_toml(text, f"table config {p}")
    try:
        return config_from_dict(data, p.resolve().parent, text)
    except ParameterError as exc:
        raise ParameterError(f"table config {p}: {exc}") from None
