"""The preset: writing one cell per row to a known state before a gate.

Every CRAM gate first presets its output cell (logic 0 = P or 1 = AP). A preset is a plain
STT write of one column, all ``rows`` rows at once (:func:`circuits.network.build_write_network`:
BSL driven at row 0, a return line grounded there, ``BSL -- MTJ -- transistor -- return`` per
row). Writing 0 switches AP -> P, writing 1 P -> AP; a cell already in the target state is only
pushed deeper into it.

* error rate: the write error rate WER(|I|, t) of the far row while every other row draws the
  most current (cells in P), the cell under test in the start state - the worst case;
* energy per cell (J): source energy ``int V I dt`` of the step divided by the rows, averaged
  over the two start states (uniform data): a cell that switches draws its start-state current
  until the mean switching time (table), the target-state current after; plus charging the
  column's bit-select line (``C V^2``) and word line (``C V_DD^2``), shared by the rows;
* latency (s): pulse width plus the Elmore delay of the column lines.

:func:`write_operating_point` picks (V, t) of least energy with WER <= target_error, or reports
why none exists, like :func:`circuits.operating_point`, from the same switching source as the
gates (:mod:`.context`): the Fokker-Planck solver (pulses over ``pulse_range``, default
1 ns - 1 us; WER resolved down to 1e-30) where it applies and no table is given, else the table
(its own pulse widths; WER only as small as its statistics resolve).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from llg.errors import ParameterError, check_range

from .elements import MTJElement
from .network import build_write_network
from .context import _switching_source, with_circuit_overrides
from .fpsource import FPSwitching
from .operating_point import _pulse_grid
from .technology import load_technology
from .windows import V_SEARCH_MAX

_BISECT = 40


@dataclass
class WriteOperatingPoint:
    """A preset's operating point (SI units)."""

    value: int
    voltage: float | None
    pulse_width: float | None
    error_rate: float
    energy: float
    latency: float | None
    feasible: bool
    reason: str
    target_error: float
    rows: int
    direction: str
    current_sign: int
    technology: str
    device: str
    table: str
    switching_source: str = "table"
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


class _WriteModel:
    def __init__(self, value: int, device, technology, rows: int):
        if value not in (0, 1):
            raise ParameterError(f"value = {value!r} must be 0 (P) or 1 (AP)")
        self.value = value
        self.direction = "AP-P" if value == 0 else "P-AP"
        self.start = 1 - value
        self.device = device
        self.technology = load_technology(technology)
        self.net = build_write_network(MTJElement.from_device(device), self.technology, rows)
        self.rows = self.net.rows

    def far_current(self, v) -> np.ndarray:
        """|I| of the far row in the start state, every other row in P (worst case), A."""
        v = np.atleast_1d(np.asarray(v, dtype=float))
        st = np.zeros((v.size, self.rows), dtype=int)
        st[:, -1] = self.start
        i, _ = self.net.solve(v, st)
        return np.abs(i[:, -1])

    def powers(self, v):
        """Source power per cell (W) with all rows in the start state / the target state."""
        v = np.atleast_1d(np.asarray(v, dtype=float))
        i_start, p_start = self.net.solve(v, np.full((v.size, self.rows), self.start))
        _, p_target = self.net.solve(v, np.full((v.size, self.rows), self.value))
        return p_start / self.rows, p_target / self.rows, np.abs(i_start).mean(axis=1)

    def voltage_for_current(self, target: float) -> float:
        """|V| at which the far row carries ``target`` (A); inf if beyond V_SEARCH_MAX."""
        lo, hi = 1e-4, 1.0
        while self.far_current(hi)[0] < target:
            lo, hi = hi, 2 * hi
            if hi > V_SEARCH_MAX:
                return math.inf
        from . import fastpath

        if fastpath.FAST:   # Brent in ln V: ~8 network solves instead of ~40 (same root)
            from scipy.optimize import brentq

            def f(x):
                return math.log(self.far_current(math.exp(x))[0] / target)

            x = brentq(f, math.log(lo), math.log(hi), xtol=1e-13, rtol=1e-13)
            return math.exp(x)
        for _ in range(60):
            mid = math.sqrt(lo * hi)
            if self.far_current(mid)[0] < target:
                lo = mid
            else:
                hi = mid
            if hi / lo - 1 < 1e-12:
                break
        return hi

    def capacitive_energy(self, v) -> np.ndarray:
        t = self.technology
        v = np.asarray(v, dtype=float)
        return (self.rows * t.c_bsl_cell * v ** 2 + self.rows * t.c_wl_cell * t.v_dd ** 2) \
            / self.rows

    def settle_time(self) -> float:
        t = self.technology
        R = self.rows
        return float(max(t.r_wl_cell * t.c_wl_cell, t.r_bsl_cell * t.c_bsl_cell)
                     * R * (R + 1) / 2 + t.driver_resistance * t.c_bsl_cell * R)


def _electrical(m: _WriteModel, v) -> dict:
    """Currents (A) and powers (W per cell) on a voltage grid; independent of the pulse."""
    p_start, p_target, i_mean = m.powers(v)
    return dict(v=np.atleast_1d(np.asarray(v, dtype=float)), i_far=m.far_current(v),
                p_start=p_start, p_target=p_target, i_mean=i_mean)


def _terms(m: _WriteModel, src, el: dict, t: float) -> dict:
    i_lo, i_hi = src.current_range
    wer, wer_hi = src.wer(m.direction, np.clip(el["i_far"], i_lo, i_hi), t)
    t_sw = src.mean_switching_time(m.direction, np.clip(el["i_mean"], i_lo, i_hi), t)
    t_sw = np.where(np.isfinite(t_sw), np.minimum(t_sw, t), t)
    p_ok = 1.0 - wer
    e_switching = p_ok * (el["p_start"] * t_sw + el["p_target"] * (t - t_sw)) + \
        wer * el["p_start"] * t
    energy = 0.5 * (e_switching + el["p_target"] * t) + m.capacitive_energy(el["v"])
    supported = el["i_far"] >= i_lo * (1 - 1e-9)
    return dict(wer=wer, wer_upper=wer_hi, energy=energy, current=el["i_far"],
                supported=supported)


def write_operating_point(value: int, *, device=None, table=None, technology="45nm",
                          rows: int = 1, target_error: float = 1e-6, temperature=None,
                          variation=None, pulse_widths=None, n_voltages: int = 121,
                          switching: str | None = None, pulse_range=None,
                          subcritical: str | None = None, transistor_width=None,
                          circuit_overrides: dict | None = None) -> WriteOperatingPoint:
    """The (V, t) of least energy per cell with WER <= target_error for a preset to ``value``.

    Arguments as :func:`circuits.operating_point` (``switching`` "fp" | "table",
    ``pulse_range`` (s, s) of the FP source, ``transistor_width`` m, ``circuit_overrides``
    RA / TMR0 / V_half); ``value`` 0 writes P, 1 writes AP. ``table`` may also be a
    switching-source object with the table interface (a scaled or Monte Carlo table).
    """
    check_range("target_error", target_error, "1", 0.0, 1.0, lo_open=True, hi_open=True,
                what="largest acceptable write error rate")
    src, dev = _switching_source(device, table, temperature, variation, switching,
                                 pulse_range, subcritical)
    src, dev = with_circuit_overrides(src, dev, circuit_overrides)
    tech = load_technology(technology)
    if transistor_width is not None:
        tech = tech.with_transistor_width(transistor_width)
    m = _WriteModel(value, dev, tech, rows)
    src.require(m.direction)
    i_lo, i_hi = src.current_range
    v_lo = m.voltage_for_current(i_lo)
    v_hi = m.voltage_for_current(i_hi)
    common = dict(value=value, target_error=target_error, rows=m.rows,
                  direction=m.direction, current_sign=-1 if m.direction == "P-AP" else 1,
                  technology=m.technology.name, device=dev.name, table=src.path,
                  switching_source="fp" if isinstance(src, FPSwitching) else "table")
    if not math.isfinite(v_lo):
        return WriteOperatingPoint(
            voltage=None, pulse_width=None, error_rate=1.0, energy=math.nan, latency=None,
            feasible=False, reason=f"with {m.rows} rows the IR drop on the column lines keeps "
            f"the far cell below the switching source's smallest current {i_lo:g} A up to "
            f"{V_SEARCH_MAX:g} V", **common)
    if not math.isfinite(v_hi):
        v_hi = V_SEARCH_MAX
    v = np.linspace(v_lo, v_hi, n_voltages)
    best, closest = _scan(m, src, v, _pulse_grid(src, pulse_widths), target_error)
    if best is None:
        err, t, j = closest
        vv = float(v[j])
        reason = (f"no (V, t) in the switching source's range reaches WER <= "
                  f"{target_error:g}: the best is {err:.3g} at V = {vv:.4g} V, t = {t:.3g} s "
                  "(its largest current or pulse width is too small for this target)")
    else:
        _, t, j = best
        vv = _lower_edge(m, src, v, j, t, target_error)
        reason = f"minimum energy per cell with WER <= {target_error:g}"
    terms = _terms(m, src, _electrical(m, [vv]), t)
    return WriteOperatingPoint(
        voltage=vv, pulse_width=t, error_rate=float(terms["wer"][0]),
        energy=float(terms["energy"][0]), latency=t + m.settle_time(),
        feasible=best is not None, reason=reason,
        details={"current": float(terms["current"][0]),
                 "error_upper": float(terms["wer_upper"][0]),
                 "table_voltage_range": [v_lo, v_hi],
                 "pulse_range": list(src.pulse_width_range)}, **common)


def _scan(m: _WriteModel, src, v: np.ndarray, pulses, target_error: float):
    """(best, closest) over the (V, t) grid: best = (energy, t, j) of least energy with
    WER <= target (None if none), closest = (WER, t, j) of least WER."""
    grid = _electrical(m, v)
    best, closest = None, None
    for t in pulses:
        terms = _terms(m, src, grid, t)
        err = np.where(terms["supported"], terms["wer"], np.inf)
        j = int(np.argmin(err))
        if closest is None or err[j] < closest[0]:
            closest = (float(err[j]), float(t), j)
        ok = np.nonzero(err <= target_error)[0]
        if ok.size:
            j0 = int(ok[np.argmin(terms["energy"][ok])])
            if best is None or terms["energy"][j0] < best[0]:
                best = (float(terms["energy"][j0]), float(t), j0)
    return best, closest


def _lower_edge(m: _WriteModel, src, v: np.ndarray, j: int, t: float,
                target_error: float) -> float:
    """The smallest V meeting the target at pulse width t, between grid points j - 1 and j
    (WER falls with V; energy rises with it)."""
    if j == 0:
        return float(v[0])
    lo, hi = float(v[j - 1]), float(v[j])
    for _ in range(_BISECT):
        mid = 0.5 * (lo + hi)
        if _terms(m, src, _electrical(m, [mid]), t)["wer"][0] <= target_error:
            hi = mid
        else:
            lo = mid
        if hi - lo < 1e-7 * hi:
            break
    return hi
