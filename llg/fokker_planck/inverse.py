"""Inverse solves: the pulse width or the current at which the FP WER equals a target."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..device import Device
from ..errors import ParameterError, check_range
from .forward import _relaxation_default, _Solver, default_cells, resolve_direction
from .model import DIRECTIONS, FLOOR, ReducedModel
from .propagation import _TAIL_DECAY


@dataclass
class TargetResult:
    """The pulse width (or current) at which the FP WER equals ``target`` (SI units).

    value : s (pulse width) or A (current), Richardson-extrapolated from n and 2n cells;
    error : estimated discretization error of ``value`` (|v_2n - v_n| / 3), same unit.
    """

    solve_for: str
    value: float
    error: float
    target: float
    current: float
    pulse_width: float
    direction: str
    relaxation: float
    reduced_current: float
    delta: float
    n_cells: tuple
    floor: float = FLOOR
    method: str = "fokker-planck"

    def point(self) -> dict:
        return {"current": self.current, "pulse_width": self.pulse_width, "wer": self.target,
                "solved_for": self.solve_for, "error": self.error, "method": self.method,
                "direction": self.direction, "relaxation": self.relaxation,
                "i_over_ic0": self.reduced_current}


def check_target(target: float) -> float:
    """A WER target must lie in [FLOOR, 0.5]."""
    return check_range("target", target, "1", FLOOR, 0.5,
                       what=f"target write error rate; below {FLOOR:g} the Fokker-Planck "
                       "solver does not resolve it, above 0.5 it is not an error rate")


def _width_on_grid(solver: _Solver, current: float, target: float, s_guess: float,
                   dense: tuple | None = None) -> float:
    """Reduced pulse width s at which the solver's WER(s) = target.

    One propagation gives WER at many times (257 up to the bracket end, plus 401 in
    ``dense`` if given); the crossing is interpolated linearly in log WER, which is close to
    linear in s there (exponential tail). Without a dense bracket a second pass refines it.
    """
    s_hi = max(s_guess, 1e-3)
    for _ in range(40):
        s = np.linspace(0.0, s_hi, 257)[1:]
        if dense is not None:
            s = np.unique(np.concatenate([s, np.linspace(dense[0], dense[1], 401)]))
        w = solver.wer(current, s)
        below = np.nonzero(w <= target)[0]
        if not below.size:
            s_hi *= 2.0
            dense = None
            continue
        k = int(below[0])
        if k == 0:
            s_hi = s[0]
            dense = None
            continue
        fine_enough = dense is not None and dense[0] <= s[k - 1] and s[k] <= dense[1]
        if not fine_enough:
            s2 = np.linspace(s[k - 1], s[k], 129)
            w2 = solver.wer(current, s2)
            k2 = int(np.nonzero(w2 <= target)[0][0])
            if k2 > 0:
                s, w, k = s2, w2, k2
        la, lb = math.log(w[k - 1]), math.log(max(w[k], 1e-300))
        return float(s[k - 1] + (math.log(target) - la) * (s[k] - s[k - 1]) / (lb - la))
    raise ParameterError("no pulse width up to 1 s reaches the target WER")  # pragma: no cover


def pulse_width_for_wer(device: Device, current: float, target: float, *,
                        direction: str | None = None, relaxation: float | None = None,
                        n_cells: int | None = None) -> TargetResult:
    """The pulse width (s) at which the FP WER of a rectangular pulse of ``current`` (A)
    falls to ``target``. Errors: target outside [FLOOR, 0.5]; target at or below the WER of
    an infinitely long pulse (``wer_limit``: thermal back-switching sets a floor of its own).
    """
    model = ReducedModel.from_device(device)
    direction = resolve_direction(current, direction)
    target = check_target(target)
    relax = _relaxation_default(model.tau_d, relaxation)
    n = default_cells(model.delta) if n_cells is None else int(n_cells)
    tgt = DIRECTIONS[direction][2]
    coarse = _Solver(model, tgt, n, relax)
    fine = _Solver(model, tgt, 2 * n, relax)
    limit = max(coarse.limit(current), fine.limit(current))
    if target <= 2.0 * limit:
        raise ParameterError(
            f"target = {target:g} is unreachable at current = {current:g} A: even an infinitely "
            f"long pulse leaves WER = {limit:.3g} (thermal back-switching); raise the current "
            "or the target")
    i = abs(model.i_per_ampere * current)
    if i > 1.0:  # Butler's tail, WER ~ Delta e^{-2 (i - 1) s}, as the first bracket
        guess = math.log(max(model.delta, 1.0) * 3.0 / target) / (2.0 * (i - 1.0)) + 2.0
    else:
        lam1, lam2 = fine.grid.operator(model.shift(current, tgt)).eigenvalues()
        guess = _TAIL_DECAY / (lam2 - lam1) + math.log(1.0 / target) / lam1
    s_c = _width_on_grid(coarse, current, target, guess)
    s_f = _width_on_grid(fine, current, target, s_c * 1.15, (0.9 * s_c, 1.1 * s_c))
    s_x = s_f + (s_f - s_c) / 3.0
    width = s_x * model.tau_d
    if width > 1.0:
        raise ParameterError(f"target = {target:g} needs a pulse longer than 1 s "
                             f"({width:.3g} s) at current = {current:g} A")
    return TargetResult("pulse_width", width, abs(s_f - s_c) / 3.0 * model.tau_d, target,
                        float(current), width, direction, relax,
                        model.i_per_ampere * float(current), model.delta, (n, 2 * n))


def current_for_wer(device: Device, pulse_width: float, target: float, *,
                    direction: str = "P-AP", relaxation: float | None = None,
                    n_cells: int | None = None) -> TargetResult:
    """The current magnitude (A, signed for ``direction``) at which a rectangular pulse of
    ``pulse_width`` (s) reaches WER = ``target`` (bisection in log WER, FP on n and 2n cells).
    """
    from scipy.optimize import brentq

    model = ReducedModel.from_device(device)
    if direction not in DIRECTIONS:
        raise ParameterError(f"direction = {direction!r} is invalid; choose one of "
                             f"{', '.join(DIRECTIONS)}")
    check_range("pulse_width", pulse_width, "s", 0.0, 1.0, lo_open=True, what="pulse duration")
    target = check_target(target)
    relax = _relaxation_default(model.tau_d, relaxation)
    n = default_cells(model.delta) if n_cells is None else int(n_cells)
    sign, tgt = DIRECTIONS[direction][1], DIRECTIONS[direction][2]
    s = pulse_width / model.tau_d
    ic = 1.0 / model.i_per_ampere  # the current with i = 1

    def solve(solver):
        def f(x):  # x = i (reduced current magnitude)
            return math.log(max(float(solver.wer(sign * x * ic, [s])[0]), 1e-300)) - \
                math.log(target)
        lo, hi = 0.05, 1.5
        while f(hi) > 0:
            lo, hi = hi, hi * 1.5
            if hi > 1e3:
                raise ParameterError(f"target = {target:g} is not reached below 1000 Ic0 with "
                                     f"pulse_width = {pulse_width:g} s")
        if f(lo) < 0:
            raise ParameterError(f"target = {target:g} is already met at 0.05 Ic0 for "
                                 f"pulse_width = {pulse_width:g} s")
        return brentq(f, lo, hi, xtol=1e-7, rtol=1e-9)

    x_c = solve(_Solver(model, tgt, n, relax))
    x_f = solve(_Solver(model, tgt, 2 * n, relax))
    x = x_f + (x_f - x_c) / 3.0
    cur = sign * x * ic
    if abs(cur) > 1.0:
        raise ParameterError(f"target = {target:g} needs |current| = {abs(cur):.3g} A > 1 A")
    return TargetResult("current", cur, abs(x_f - x_c) / 3.0 * ic, target, cur,
                        float(pulse_width), direction, relax, x * sign, model.delta,
                        (n, 2 * n))
