"""A compact switching table for one in-memory device: the table build's physics on a small grid.

Where the 1-D Fokker-Planck model does not apply (in-plane geometry, angle-dependent spin-torque
efficiency, Nx != Ny, a transverse field), the gate layer needs Monte Carlo switching data
built for the device. :func:`compact_table` makes it with the machinery of ``cramsim table
build`` - the same :class:`~llg.tables.config.TableConfig`, the same per-point physics
(:func:`llg.tables.build.compute_point`: macrospin LLGS Monte Carlo, Wilson intervals, FP WER
where it applies, seeds ``SeedSequence(seed, spawn_key=(i,))``), the same HDF5 schema - on a
grid given by :class:`CompactGrid`: both directions, the device temperature, a few pulse widths
and a few current magnitudes in units of the device's critical current. The result is an
ordinary current-driven table (``circuits.tablesource.TableSwitching`` reads it), stored in
the content-hash cache (:mod:`.cache`) so a repeated sweep reuses it.

The cache key leaves out what current-driven switching does not depend on (the device's
text fields, its resistance keys RA, TMR0 and V_half, and :data:`llg.device.NOT_IN_TABLES`):
designs that differ only there share one table; the gate layer applies their own resistances
(``circuit_overrides``). Time step: :func:`llg.switching.default_dt` at the grid's largest
current (1 ps or 1/5 of the stability limit).
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..device import Device
from ..errors import ParameterError

#: Device keys that set resistances, not current-driven torques (circuits.context.CIRCUIT_ONLY).
RESISTANCE_KEYS = ("RA", "TMR0", "V_half")
TEXT_KEYS = ("name", "description", "source", "subcritical_source")
KIND = "switching-mc"


@dataclass(frozen=True)
class CompactGrid:
    """Build settings of a compact table (SI units).

    trials : trajectories per point (1..1e7). pulse_widths : s, strictly increasing, in
    (0, 1e-6]. current_range : (lo, hi) in units of the critical current, 0 < lo < hi: the
    currents run log-spaced from lo x the smaller critical current of the two directions to
    hi x the larger (an angle-dependent efficiency makes them differ: each direction gets
    its own lo..hi). n_currents : >= 2. seed : the table's seed.
    """

    trials: int
    pulse_widths: tuple
    current_range: tuple
    n_currents: int
    seed: int = 0

    def numbers(self) -> dict:
        return {"trials": int(self.trials), "pulse_widths": [float(t) for t in self.pulse_widths],
                "current_range": [float(f) for f in self.current_range],
                "n_currents": int(self.n_currents), "seed": int(self.seed)}


def device_toml(device: Device) -> str:
    """The device as TOML text (what a table records in ``device_toml``)."""
    def value(v):
        if isinstance(v, str):
            return json.dumps(v)          # JSON string escapes are valid TOML basic strings
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, float) and not math.isfinite(v):
            raise ParameterError(f"device value {v!r} cannot be stored")
        return repr(v)
    return "".join(f"{k} = {value(v)}\n" for k, v in device.to_dict().items())


def switching_dict(device: Device) -> dict:
    """The device keys current-driven switching depends on (module doc)."""
    from ..device import NOT_IN_TABLES

    skip = set(RESISTANCE_KEYS) | set(TEXT_KEYS) | set(NOT_IN_TABLES)
    return {k: v for k, v in device.to_dict().items() if k not in skip}


def compact_config(device: Device, grid: CompactGrid):
    """The :class:`~llg.tables.config.TableConfig` of the compact table (validated like a
    table config file)."""
    from ..switching import critical_current, default_dt
    from ..waveform import Pulse

    ics = [critical_current(device, d) for d in ("P-AP", "AP-P")]
    if not all(ic > 0 and math.isfinite(ic) for ic in ics):
        raise ParameterError(f"device {device.name!r}: critical currents {ics} A; a compact "
                             "table needs finite positive ones")
    lo, hi = grid.current_range
    currents = [float(i) for i in np.geomspace(lo * min(ics), hi * max(ics), grid.n_currents)]
    widths = [float(t) for t in grid.pulse_widths]
    dt = default_dt(device, Pulse(currents[-1], widths[0], 0.0, 0.0, 0.0, "current", 0.0))
    return _config(device, grid, currents, widths, dt)


def _config(device, grid, currents, widths, dt):
    """Through the table config's own validation (which reads the device from a file)."""
    import tempfile
    from dataclasses import replace

    from .config import config_from_dict

    text = device_toml(device)
    with tempfile.TemporaryDirectory() as tmp:   # the config reads its device from a file
        path = Path(tmp) / "device.toml"
        path.write_text(text)
        raw = {"table": {"name": f"compact-{device.name}", "device": str(path),
                         "drive": "current", "directions": ["P-AP", "AP-P"],
                         "trials": int(grid.trials), "seed": int(grid.seed), "dt": dt,
                         "description": "compact Monte Carlo table (llg.tables.compact)"},
               "axes": {"current": {"values": currents}, "pulse_width": {"values": widths},
                        "temperature": {"values": [float(device.temperature)]}}}
        cfg = config_from_dict(raw, Path(tmp))
    return replace(cfg, device_ref=f"in memory ({device.name})", device_path="")


def build_compact(device: Device, grid: CompactGrid, out: str | Path) -> dict:
    """Compute every point of the compact table in this process and write it to ``out``
    (HDF5, atomically). Returns the build summary (points, seconds)."""
    from .build import compute_point, device_statistics, provenance
    from .schema import POINT_QUANTITIES, write_table

    cfg = compact_config(device, grid)
    t0 = time.perf_counter()
    done = [compute_point(cfg, i) for i in range(cfg.n_points)]
    data = {q.name: np.array([d[q.name] for d in done], dtype=q.dtype).reshape(cfg.shape)
            for q in POINT_QUANTITIES}
    build = {"seconds": round(time.perf_counter() - t0, 3), "points_computed": cfg.n_points,
             "points_reused": 0, "workers": 1, "scheduler": "", "builder": __name__}
    write_table(Path(out), cfg, data, device_statistics(cfg), provenance(cfg, build))
    return {"points": cfg.n_points, "seconds": build["seconds"], "out": str(out)}


def compact_key(device: Device, grid: CompactGrid) -> str:
    """The content key of the compact table of ``device`` and ``grid`` (module doc)."""
    from .cache import content_key

    return content_key(KIND, {"device": switching_dict(device), "grid": grid.numbers()})


def compact_table(device: Device, grid: CompactGrid, cache=None) -> tuple[Path, str]:
    """(path, "hit" | "miss") of the cached compact table of ``device`` (built on a miss);
    ``cache`` a :class:`~.cache.DiskCache` (default: kind "switching-mc" in the cache root)."""
    from .cache import DiskCache

    cache = DiskCache(KIND, suffix=".h5") if cache is None else cache
    return cache.get_or_build(compact_key(device, grid),
                              lambda p: build_compact(device, grid, p))
