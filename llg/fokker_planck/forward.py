"""The forward solver: WER after a rectangular current pulse, with its grid error.

Error control
-------------
Every result is computed on ``n`` and ``2n`` cells; the order-2 Richardson extrapolation in
log(WER) (the grid error is mostly an error in an exponential rate) is returned with its
estimate ``|ln(WER_2n / WER_n)| / 3`` as the relative discretization error (the error of
the 2n value; the extrapolated value is measured to be ~100x more accurate, and the tests
check that the estimate bounds its actual error). Time integration adds no error beyond the
truncation above. :data:`FLOOR` = 1e-30 is the smallest WER reported as resolved (17 orders
of magnitude above the truncation bound, leaving room for round-off in ~1e7 steps); WER
targets below it are refused. Default grid: n = 2 ceil(50 sqrt(Delta)) (the thermal cone is
~1/sqrt(Delta) wide in theta), i.e. ~800/1600 cells at Delta = 64.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..device import Device
from ..errors import ParameterError, check_range
from .discretization import Grid
from .model import DIRECTIONS, FLOOR, ReducedModel
from .propagation import propagate_adjoint, propagate_functional, propagate_functionals


def default_cells(delta: float) -> int:
    """Coarse grid size: the thermal cone width scales as 1/sqrt(Delta) in theta."""
    return int(2 * math.ceil(50.0 * math.sqrt(max(delta, 16.0))))


@dataclass
class WERResult:
    """FP write error rate for one current and one or more pulse widths (SI units).

    wer : Richardson-extrapolated WER (n and 2n cells). rel_error : estimated relative
    discretization error of ``wer`` (|ln(WER_2n / WER_n)| / 3, conservative). wer_fine :
    WER on the 2n grid. resolved : wer >= FLOOR and rel_error < 0.1. floor : FLOOR.
    wer_limit : WER of an infinitely long pulse (stationary distribution under the current,
    then the relaxation); no pulse can do better.
    """

    current: float
    direction: str
    pulse_width: np.ndarray
    relaxation: float
    wer: np.ndarray
    rel_error: np.ndarray
    wer_fine: np.ndarray
    wer_limit: float
    reduced_current: float
    delta: float
    tau_d: float
    n_cells: tuple
    floor: float = FLOOR
    method: str = "fokker-planck"

    @property
    def resolved(self) -> np.ndarray:
        return (self.wer >= self.floor) & (self.rel_error < 0.1)

    def points(self) -> list[dict]:
        """One dict per pulse width, for JSON output."""
        return [{"current": self.current, "pulse_width": float(w), "wer": float(x),
                 "rel_error": float(e), "resolved": bool(r), "method": self.method,
                 "direction": self.direction, "relaxation": self.relaxation,
                 "i_over_ic0": self.reduced_current}
                for w, x, e, r in zip(self.pulse_width, self.wer, self.rel_error,
                                      self.resolved)]


def resolve_direction(current: float, direction: str | None) -> str:
    """The direction implied by the current's sign, checked against ``direction`` if given."""
    current = check_range("current", current, "A", -1.0, 1.0)
    if direction is not None and direction not in DIRECTIONS:
        raise ParameterError(f"direction = {direction!r} is invalid; choose one of "
                             f"{', '.join(DIRECTIONS)}")
    if current == 0.0:
        raise ParameterError("current = 0 A drives no switching; give a signed current "
                             "(positive for AP-P, negative for P-AP)")
    implied = "AP-P" if current > 0 else "P-AP"
    if direction is not None and direction != implied:
        need = "negative" if DIRECTIONS[direction][1] < 0 else "positive"
        raise ParameterError(f"current = {current:g} A has the wrong sign for direction "
                             f"{direction}: {direction} needs a {need} current (positive "
                             "drives AP -> P)")
    return implied


def _relaxation_default(tau_d: float, relaxation) -> float:
    if relaxation is None:
        return 2.0 * tau_d
    return check_range("relaxation", relaxation, "s", 0.0, 1.0,
                       what="time with the current off after the pulse")


class _Solver:
    """The FP problem of one device, current and relaxation on one grid size.

    ``g`` (``g_switched``) is the probability, from each cell at the pulse end, of being read
    on the start (target) side after the relaxation; both come from their own adjoint
    propagation, so neither is computed as 1 minus the other (no cancellation).
    """

    def __init__(self, model: ReducedModel, target: int, n: int, relaxation: float):
        self.model = model
        self.target = target
        self.grid = Grid(model.delta, n)
        c0 = target * model.h
        self.p0 = self.grid.boltzmann_start(c0)
        g = self.grid.start.astype(float)
        g_sw = 1.0 - g
        s_relax = relaxation / model.tau_d
        if s_relax > 0:
            op0 = self.grid.operator(c0)
            g = propagate_adjoint(op0, g, s_relax)
            g_sw = propagate_adjoint(op0, g_sw, s_relax)
        self.g = np.clip(g, 0.0, 1.0)
        self.g_switched = np.clip(g_sw, 0.0, 1.0)

    def operator(self, current: float):
        return self.grid.operator(self.model.shift(current, self.target))

    def wer(self, current: float, s) -> np.ndarray:
        return propagate_functional(self.operator(current), self.p0, self.g, s)

    def both(self, op, s) -> np.ndarray:
        """(WER, P_sw) at reduced times ``s`` under the generator ``op``, shape (2, M)."""
        return propagate_functionals(op, self.p0, np.stack([self.g, self.g_switched]), s)

    def limit(self, current: float) -> float:
        return float(self.g @ self.operator(current).stationary())


def _richardson_log(coarse, fine):
    coarse = np.maximum(np.asarray(coarse, float), 1e-300)
    fine = np.maximum(np.asarray(fine, float), 1e-300)
    d = np.log(fine) - np.log(coarse)
    return np.exp(np.log(fine) + d / 3.0), np.abs(d) / 3.0


def write_error_rate(device: Device, current: float, pulse_width, *,
                     direction: str | None = None, relaxation: float | None = None,
                     n_cells: int | None = None) -> WERResult:
    """WER after a rectangular current pulse, from the 1-D Fokker-Planck equation.

    Parameters (SI units)
    ----------
    current : A, signed (positive drives AP -> P). pulse_width : s, scalar or array (> 0).
    direction : "P-AP" or "AP-P"; default: implied by the sign of the current (an explicit
        direction must match it).
    relaxation : s with the current off after the pulse before the state is read
        (default 2 tau_D, as in :mod:`llg.switching`; 0 reads it at the end of the pulse).
    n_cells : coarse grid size (even); the fine grid has twice as many. Default
        :func:`default_cells`.

    The start state is the Boltzmann distribution of the starting well.

    >>> from llg import load_device
    >>> dev = load_device("default")
    >>> r = write_error_rate(dev, -2 * dev.ic0, 20e-9)   # I = 2 Ic0, 20 ns, P -> AP
    >>> 1e-7 < float(r.wer[0]) < 1e-6
    True
    >>> write_error_rate(dev, -2e-5, 0.0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    llg.errors.ParameterError: pulse_width = 0.0 s is invalid (pulse duration); valid range: ...
    """
    model = ReducedModel.from_device(device)
    direction = resolve_direction(current, direction)
    widths = np.atleast_1d(np.asarray(pulse_width, dtype=float))
    if widths.size == 0:
        raise ParameterError("pulse_width must not be empty")
    for w in widths:
        check_range("pulse_width", float(w), "s", 0.0, 1.0, lo_open=True, what="pulse duration")
    relax = _relaxation_default(model.tau_d, relaxation)
    n = default_cells(model.delta) if n_cells is None else int(n_cells)
    target = DIRECTIONS[direction][2]
    s = widths / model.tau_d
    coarse = _Solver(model, target, n, relax)
    fine = _Solver(model, target, 2 * n, relax)
    w_c, w_f = coarse.wer(current, s), fine.wer(current, s)
    wer, err = _richardson_log(w_c, w_f)
    return WERResult(current=float(current), direction=direction, pulse_width=widths,
                     relaxation=relax, wer=wer, rel_error=err, wer_fine=w_f,
                     wer_limit=fine.limit(current),
                     reduced_current=model.i_per_ampere * float(current),
                     delta=model.delta, tau_d=model.tau_d, n_cells=(n, 2 * n))


def wer_reduced(delta: float, reduced_current: float, s, *, h: float = 0.0,
                relaxation: float = 0.0, n_cells: int | None = None):
    """WER in reduced units: pulse lengths ``s`` and ``relaxation`` in tau_D, i = I/Ic0 > 0
    drives out of the start well. Returns (wer, rel_error) arrays (see WERResult)."""
    check_range("delta", delta, "1", 0.0, 5000.0, lo_open=True, what="thermal stability factor")
    model = ReducedModel(delta=float(delta), tau_d=1.0, h=float(h), i_per_ampere=1.0)
    n = default_cells(delta) if n_cells is None else int(n_cells)
    s = np.atleast_1d(np.asarray(s, dtype=float))
    w_c = _Solver(model, 1, n, relaxation).wer(reduced_current, s)
    w_f = _Solver(model, 1, 2 * n, relaxation).wer(reduced_current, s)
    return _richardson_log(w_c, w_f)


@dataclass
class SwitchingResult:
    """FP probabilities of one drive at one or more pulse widths (SI units), each computed
    directly: ``wer`` (read on the start side) and ``p_switch`` (read on the other side), so the
    small one of the two keeps its relative accuracy down to FLOOR. ``*_rel_error``: estimated
    relative discretization errors (Richardson in log, as :class:`WERResult`)."""

    direction: str
    pulse_width: np.ndarray
    relaxation: float
    wer: np.ndarray
    p_switch: np.ndarray
    wer_rel_error: np.ndarray
    p_switch_rel_error: np.ndarray
    n_cells: tuple
    drive: dict


def solve_pair(model: ReducedModel, target: int, n: int, relax: float, s, operator_of):
    """(wer, p_sw, wer_err, p_sw_err) on n and 2n cells; ``operator_of(solver)`` builds the
    generator on that solver's grid."""
    out = []
    for m in (n, 2 * n):
        solver = _Solver(model, target, m, relax)
        out.append(solver.both(operator_of(solver), s))
    wer, wer_err = _richardson_log(out[0][0], out[1][0])
    psw, psw_err = _richardson_log(out[0][1], out[1][1])
    return wer, psw, wer_err, psw_err


def switching_probabilities(device: Device, current: float, pulse_width, *,
                            direction: str | None = None, relaxation: float | None = None,
                            n_cells: int | None = None) -> SwitchingResult:
    """WER and P_sw (each directly, see :class:`SwitchingResult`) after a rectangular pulse
    of ``current`` (A, signed) for ``pulse_width`` (s, scalar or array); arguments as
    :func:`write_error_rate`."""
    model = ReducedModel.from_device(device)
    direction = resolve_direction(current, direction)
    widths = _check_widths(pulse_width)
    relax = _relaxation_default(model.tau_d, relaxation)
    n = default_cells(model.delta) if n_cells is None else int(n_cells)
    target = DIRECTIONS[direction][2]
    wer, psw, we, pe = solve_pair(model, target, n, relax, widths / model.tau_d,
                                  lambda solver: solver.operator(current))
    return SwitchingResult(direction, widths, relax, wer, psw, we, pe, (n, 2 * n),
                           {"current": float(current)})


def _check_widths(pulse_width) -> np.ndarray:
    widths = np.atleast_1d(np.asarray(pulse_width, dtype=float))
    if widths.size == 0:
        raise ParameterError("pulse_width must not be empty")
    for w in widths:
        check_range("pulse_width", float(w), "s", 0.0, 1.0, lo_open=True, what="pulse duration")
    return widths
