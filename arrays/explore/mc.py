"""Monte Carlo switching data for designs the Fokker-Planck model does not cover.

Where :func:`llg.fokker_planck.check_fp_device` refuses a design's device (in-plane geometry,
angle-dependent spin-torque efficiency, Nx != Ny, a transverse field), its gates and writes
read a compact Monte Carlo table built for that device (:mod:`llg.tables.compact`: the table
build's physics on a small grid, cached by content hash in ``$CRAMSIM_CACHE_DIR``) through
the gate layer's table source. Where FP applies it stays the only source: FP's own mean
switching time (of its crossing-time distribution) carries the energy there. Checked on the
default device against a compact MC table (1000 trials, 1 - 100 ns, 8 currents 0.3 - 3
Ic0): where P_sw >= 0.7 the two mean switching times agree within 0.2 - 3 %, and the NOT
gate's energy at its FP operating point (0.30 V, 100 ns) moves by 0.25 % with the MC times
in place of FP's; an MC build (minutes per device) would buy nothing there.

Error floor: a Monte Carlo estimate of an error rate is only as good as its trials. The gates
here read every error as its 95 % upper bound (:class:`MCSwitching`), so a design is feasible
only where the bound meets the target - never by a lucky zero count - and the smallest error
the data can show is the Wilson upper bound at zero failures, ``z^2 / (n + z^2)`` (~3.84 / n;
the one-sided exact bound is ~3.0 / n). A target below that floor is refused before any
trajectory is run: "cannot reach target error X with N trials (floor Y)".

``settings.subcritical`` concerns FP designs only: the MC trajectories carry the thermal
activation below the critical current themselves (as far as the trial budget resolves it).

Settings (``[settings]`` of the sweep config, declared in :data:`MC_SETTING_KEYS`): the trial
budget, the pulse widths (log-spaced from ``pulse_min`` to ``mc_pulse_max``) and the currents
(log-spaced in units of the device's critical currents). Their defaults keep one table at a
few minutes on one busy core: longer pulses cost proportionally more trajectory steps.
"""
from __future__ import annotations

import numpy as np

from circuits.tablesource import TableSwitching
from llg.errors import ParameterError

#: name -> (unit, lo, hi, description); merged into the sweep's SETTING_KEYS.
MC_SETTING_KEYS = {
    "mc_trials": ("1", 10, 1e7, "Monte Carlo trajectories per switching-data point where "
                  "the Fokker-Planck model does not apply (error floor ~3.84 / mc_trials)"),
    "mc_pulse_max": ("s", 1e-12, 1e-6, "longest pulse of the Monte Carlo switching data "
                     "(its pulses are log-spaced from settings.pulse_min)"),
    "mc_pulses": ("1", 1, 50, "pulse widths of the Monte Carlo switching data"),
    "mc_currents": ("1", 2, 100, "current magnitudes of the Monte Carlo switching data "
                    "(log-spaced from mc_current_min x the smaller to mc_current_max x the "
                    "larger critical current of the two directions)"),
    "mc_current_min": ("1", 1e-3, 100.0, "smallest Monte Carlo current / critical current"),
    "mc_current_max": ("1", 1e-3, 100.0, "largest Monte Carlo current / critical current"),
}
#: Defaults: 1000 trials (floor 3.8e-3), 1 ns - 100 ns in 4 pulses, 0.5 - 3 Ic in 16 currents
#: (steps of 13 %, 18 % where the tunnel efficiency's two critical currents differ by 2.1x at
#: eta = 0.6: the table interpolates P_sw linearly between them, and a gate's window is a few
#: tens of percent wide; below 0.5 Ic P_sw of a Delta ~ 60 device stays under the floor, above
#: 3 Ic WER does; the gate layer reads the edge values there, conservative bounds).
MC_DEFAULTS = {"mc_trials": 1000, "mc_pulse_max": 1e-7, "mc_pulses": 4, "mc_currents": 16,
               "mc_current_min": 0.5, "mc_current_max": 3.0}
MC_INT_KEYS = ("mc_trials", "mc_pulses", "mc_currents")
CONFIDENCE = 0.95


def check_mc_settings(s: dict) -> None:
    """Cross-checks of the MC settings (each key's own range is checked by the config)."""
    if not s["mc_current_min"] < s["mc_current_max"]:
        raise ParameterError(f"settings.mc_current_min = {s['mc_current_min']:g} must be "
                             f"below settings.mc_current_max = {s['mc_current_max']:g} "
                             "(x critical current)")
    if not s["pulse_min"] <= s["mc_pulse_max"]:
        raise ParameterError(f"settings.mc_pulse_max = {s['mc_pulse_max']:g} s must be >= "
                             f"settings.pulse_min = {s['pulse_min']:g} s")


def error_floor(trials: int) -> float:
    """Smallest error rate an MC point of ``trials`` trajectories can show: the 95 % Wilson
    upper bound at zero counts, z^2 / (n + z^2)."""
    from llg.statistics import wilson_interval

    return float(wilson_interval(0, int(trials), CONFIDENCE)[1])


def mc_grid(settings: dict, pulse_max: float):
    """The :class:`llg.tables.compact.CompactGrid` of the sweep settings; ``pulse_max`` the
    design's longest gate pulse (the grid stops at the smaller of it and mc_pulse_max)."""
    from llg.tables.compact import CompactGrid

    s = settings
    hi = min(pulse_max, s["mc_pulse_max"])
    n = s["mc_pulses"] if hi > s["pulse_min"] else 1
    widths = np.geomspace(s["pulse_min"], hi, n) if n > 1 else np.array([s["pulse_min"]])
    return CompactGrid(int(s["mc_trials"]), tuple(float(t) for t in widths),
                       (s["mc_current_min"], s["mc_current_max"]), int(s["mc_currents"]),
                       int(s["seed"]))


class MCSwitching(TableSwitching):
    """A Monte Carlo table read conservatively: every error (WER and P_sw) is its 95 % upper
    bound, and the resolution is :func:`error_floor` (module doc)."""

    def __init__(self, table):
        super().__init__(table)
        self.floor = error_floor(self.min_trials)

    def resolution(self, direction: str) -> float:
        self.require(direction)
        return self.floor

    def wer(self, direction, current, pulse_width):
        _, hi = super().wer(direction, current, pulse_width)
        hi = np.maximum(hi, self.floor)         # 1 - (1 - floor) loses the last bits
        return hi, hi

    def p_switch(self, direction, current, pulse_width):
        _, hi = super().p_switch(direction, current, pulse_width)
        return hi, hi


def mc_source(device, settings: dict, pulse_max: float) -> tuple[MCSwitching, str]:
    """(source, "hit" | "miss") for ``device``: its compact MC table from the disk cache
    (checked against its checksum on every use, so a damaged entry is never read)."""
    from llg.tables.compact import compact_table

    path, status = compact_table(device, mc_grid(settings, pulse_max))
    return MCSwitching(path), status


def cache_counts(records) -> dict:
    """Build attributes: switching data (FP grids, MC tables) read from the cache (hits) and
    computed (misses) by the designs ``records``."""
    return {"cache_hits": sum(int(r.get("cache_hits", 0)) for r in records),
            "cache_misses": sum(int(r.get("cache_misses", 0)) for r in records)}


def preflight(cfg) -> None:
    """Before any work: the cache folder must be writable (a ParameterError naming it, else);
    every design keeps its switching data there."""
    from llg.tables.cache import cache_dir

    cache_dir()
