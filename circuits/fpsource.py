"""The gate's switching statistics straight from the Fokker-Planck solver (no table).

Where the 1-D FP equation applies (perpendicular macrospin, constant efficiency;
:func:`llg.fokker_planck.check_fp_device`) the gate layer computes, per switching direction,
on a log-spaced grid of current magnitudes and of pulse widths (default 1 ns - 1 us):

* ``WER`` and ``P_sw`` *each directly* (:func:`llg.fokker_planck.solve_pair`): the probability
  of still being on the start side and that of having crossed, so the small one keeps its
  relative accuracy (a holding pattern's P_sw of 1e-12 is not 1 - (1 - 1e-12));
* interpolated in the log of each, with a cubic spline in log |I| and linearly in log t.

Same interface as :class:`circuits.tablesource.TableSwitching` (magnitudes, a direction).
The mean switching time (energy) of pulses of width t is that of the crossing-time
distribution up to t, ``t - int_0^t P_sw(t') dt' / P_sw(t)``, P_sw(t) taken as its CDF.

Sub-critical model (``subcritical``): ``"fp"`` (default) uses the FP result everywhere (for
the macrospin the barrier under current is Delta (1 - i)^2: Taniguchi & Imamura 2011; Butler
et al. 2012). ``"activation"`` replaces P_sw below the critical current (i < 1, i.e. for the
holding patterns and input disturbs) with the thermal-activation law
``P_sw = 1 - exp(-t / tau)``, ``tau = tau0 exp(Delta (1 - i)^b)`` with b and tau0 from the
device (``subcritical_exponent``, ``attempt_time``; Koch, Katine & Sun, PRL 92, 088302
(2004), who fit b = 1 to larger junctions). ``"micromag"`` is the same law with b, tau0 and
Delta_eff from the device's micromagnetic card (:func:`llg.micromag.subcritical_card.
subcritical_inputs`: fitted to stochastic-LLG escape times, Delta_eff by the string method).
"""
from __future__ import annotations

import math

import numpy as np
from scipy.interpolate import CubicSpline, PPoly

from llg.device import Device
from llg.errors import ParameterError, check_range

#: Default pulse-width search range of the gate optimizer, s.
PULSE_RANGE = (1e-9, 1e-6)
#: Pulse widths per decade on the optimizer's grid.
PULSES_PER_DECADE = 10
#: Current grid: reduced currents |i| = |I| / Ic from I_RANGE[0] to I_RANGE[1], log-spaced.
I_RANGE = (0.1, 4.0)
N_CURRENTS = 56
SUBCRITICAL_MODELS = ("fp", "activation", "micromag")
_LOG_TINY = math.log(1e-300)


def gate_cells(delta: float) -> int:
    """Coarse FP grid of the gate layer (fine = twice): a quarter of the solver's default
    (``llg.fokker_planck.default_cells``). Against the default grid at Delta = 64: sub-critical
    P_sw (holding, disturb) within 1 % down to 1e-15 (tested), WER within ~1 % where it
    matters; super-critical P_sw below ~1e-6 at 1-2 ns pulses (far tail of the thermal
    cone) up to ~25 % high. ``details["fp_rel_error"]`` carries the Richardson estimate."""
    return int(2 * math.ceil(12.5 * math.sqrt(max(delta, 16.0))))


def check_pulse_range(pulse_range) -> tuple:
    """A (lo, hi) pulse-width range in s inside 1e-12..1e-3, lo < hi."""
    try:
        lo, hi = (float(x) for x in pulse_range)
    except (TypeError, ValueError):
        raise ParameterError(f"pulse_range = {pulse_range!r} must be two pulse widths "
                             "(lo, hi) in s") from None
    lo = check_range("pulse_range", lo, "s", 1e-12, 1e-3, what="shortest pulse width")
    hi = check_range("pulse_range", hi, "s", 1e-12, 1e-3, what="longest pulse width")
    if not lo < hi:
        raise ParameterError(f"pulse_range = ({lo:g}, {hi:g}) s is inverted or empty; valid "
                             "range: 1e-12 <= lo < hi <= 0.001 s")
    return lo, hi


def pulse_grid(pulse_range=PULSE_RANGE) -> np.ndarray:
    """Log-spaced pulse widths (s), PULSES_PER_DECADE per decade, both ends included."""
    lo, hi = check_pulse_range(pulse_range)
    n = max(2, int(math.ceil(PULSES_PER_DECADE * math.log10(hi / lo))) + 1)
    return np.geomspace(lo, hi, n)


#: Where FP grids may be kept between processes: None (compute them), or an object whose
#: ``grid(src, direction, widths, solve)`` returns ``solve(direction, widths)``, possibly
#: stored (``cramsim explore`` sets its content-hash disk cache, arrays.explore.fpcache).
GRID_STORE = None


class FPSwitching:
    """Switching statistics of one device from the FP solver (SI units; see module doc)."""

    directions = ("P-AP", "AP-P")

    def __init__(self, device: Device, pulse_range=PULSE_RANGE, subcritical: str = "fp",
                 n_cells: int | None = None):
        from llg.fokker_planck import ReducedModel, check_fp_device

        if subcritical not in SUBCRITICAL_MODELS:
            raise ParameterError(f"subcritical = {subcritical!r} is invalid; choose one of "
                                 f"{', '.join(SUBCRITICAL_MODELS)}")
        try:
            check_fp_device(device)
        except ParameterError as exc:
            raise ParameterError(f"the Fokker-Planck gate model does not apply to device "
                                 f"{device.name!r}: {exc}") from None
        self.device = device
        self.model = ReducedModel.from_device(device)
        self.subcritical = subcritical
        self.micromag = None  # the card's activation inputs ("micromag" only)
        if subcritical == "micromag":
            from llg.micromag.subcritical_card import subcritical_inputs

            self.micromag = subcritical_inputs(device)
        self.pulse_widths = pulse_grid(pulse_range)
        self.n_cells = gate_cells(self.model.delta) if n_cells is None else int(n_cells)
        self.i_c = 1.0 / self.model.i_per_ampere          # A, the current with i = 1
        self.currents = self.i_c * np.geomspace(*I_RANGE, N_CURRENTS)
        self.path = "fokker-planck (direct, no table)"
        self._cache = {}

    def view(self, device: Device) -> "FPSwitching":
        """The same FP grids for a device that differs only on the circuit side (RA, TMR0,
        V_half: the current-driven switching does not depend on them)."""
        import copy

        from llg.fokker_planck import ReducedModel

        if ReducedModel.from_device(device) != self.model:
            raise ParameterError("view(): the device's switching parameters differ")
        out = copy.copy(self)
        out.device = device
        return out

    # -- interface shared with TableSwitching ----------------------------------------------
    @property
    def current_range(self) -> tuple:
        return float(self.currents[0]), float(self.currents[-1])

    @property
    def pulse_width_range(self) -> tuple:
        return float(self.pulse_widths[0]), float(self.pulse_widths[-1])

    def is_fokker_planck(self, direction: str) -> bool:
        self.require(direction)
        return True

    def resolution(self, direction: str) -> float:
        return 0.0

    def require(self, direction: str) -> None:
        if direction not in self.directions:
            raise ParameterError(f"direction = {direction!r}; choose P-AP or AP-P")

    # -- the FP grid ---------------------------------------------------------------------------
    def _solve(self, direction: str, widths: np.ndarray):
        """log WER, log P_sw (K, T) on the current grid and the largest relative error."""
        from llg.fokker_planck import DIRECTIONS, solve_pair

        sign, target = DIRECTIONS[direction][1], DIRECTIONS[direction][2]
        relax = 2.0 * self.model.tau_d
        s = widths / self.model.tau_d
        K, T = self.currents.size, s.size
        lw, lp, err = np.empty((K, T)), np.empty((K, T)), 0.0
        for k, cur in enumerate(self.currents):
            w, p, we, pe = solve_pair(self.model, target, self.n_cells, relax, s,
                                      lambda solver, c=sign * cur: solver.operator(c))
            lw[k] = np.log(np.maximum(w, 1e-300))
            lp[k] = np.log(np.maximum(p, 1e-300))
            err = max(err, float(np.max(np.where(w > 1e-30, we, 0.0))),
                      float(np.max(np.where(p > 1e-30, pe, 0.0))))
        return lw, lp, err

    def _tables(self, direction: str, pulse_width: float | None = None) -> dict:
        """Splines of log WER and log P_sw in log |I| (columns: the pulse grid, or the single
        off-grid ``pulse_width``) and the mean switching time on the grid."""
        key = (direction, pulse_width)
        if key in self._cache:
            return self._cache[key]
        widths = self.pulse_widths if pulse_width is None else np.array([pulse_width])
        lw, lp, err = self._solve(direction, widths) if GRID_STORE is None else \
            GRID_STORE.grid(self, direction, widths, self._solve)
        x = np.log(self.currents)
        tab = {"log_wer": CubicSpline(x, lw, axis=0), "log_p": CubicSpline(x, lp, axis=0),
               "rel_error": err}
        if pulse_width is None:
            tab["t_sw"] = self._mean_switching_time(np.exp(lp))
        self._cache[key] = tab
        return tab

    def _mean_switching_time(self, p: np.ndarray) -> np.ndarray:
        """(K, T): t - int_0^t P(t') dt' / P(t) (trapezoid on the grid plus 0 at t = 0)."""
        t = np.concatenate([[0.0], self.pulse_widths])
        pp = np.concatenate([np.zeros((p.shape[0], 1)), p], axis=1)
        area = np.cumsum(0.5 * (pp[:, 1:] + pp[:, :-1]) * np.diff(t), axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = self.pulse_widths[None, :] - area / p
        return np.where(p > 0, np.clip(out, 0.0, self.pulse_widths[None, :]), np.nan)

    def rel_error(self, direction: str) -> float:
        """Largest estimated relative discretization error of a resolved value on the grid."""
        return self._tables(direction)["rel_error"]

    def _column(self, pulse_width: float):
        """(j, f): pulse_width lies between grid columns j and j + 1, weight f in log t
        (memoized per width: the optimizer asks for the same few widths thousands of times)."""
        from . import fastpath

        memo = self.__dict__.setdefault("_columns", {})
        key = float(pulse_width)
        if not fastpath.FAST:
            return self._column_of(key)
        if key not in memo:
            memo[key] = self._column_of(key)
        return memo[key]

    def _column_of(self, pulse_width: float):
        lo, hi = self.pulse_width_range
        t = check_range("pulse_width", pulse_width, "s", lo * (1 - 1e-12), hi * (1 + 1e-12),
                        what="inside the gate's pulse range")
        x = np.log(self.pulse_widths)
        j = int(np.clip(np.searchsorted(x, math.log(t)) - 1, 0, x.size - 2))
        f = float(np.clip((math.log(t) - x[j]) / (x[j + 1] - x[j]), 0.0, 1.0))
        return j, f

    def _column_spline(self, direction: str, name: str, j: int):
        """The cubic in log |I| of one pulse-width column (a view of the grid's spline)."""
        tab = self._tables(direction)
        key = (name, j)
        if key not in tab:
            sp = tab[name]
            tab[key] = PPoly(sp.c[:, :, j], sp.x)
        return tab[key]

    def _log_query(self, name, direction, current, pulse_width):
        """log of WER or P_sw: on-grid pulse widths from the grid's column, others solved
        for that width (log P is far from linear in log t at short pulses)."""
        self.require(direction)
        i = np.asarray(current, dtype=float)
        if np.any(i <= 0) or not np.all(np.isfinite(i)):
            raise ParameterError("current magnitudes must be finite and > 0 A")
        lo, hi = self.current_range
        x = np.log(np.clip(i, lo, hi)).ravel()
        j, f = self._column(pulse_width)
        if f < 1e-9 or f > 1.0 - 1e-9:
            out = self._column_spline(direction, name, j + int(round(f)))(x)
        else:
            out = self._tables(direction, float(pulse_width))[name](x)[:, 0]
        return np.minimum(out, 0.0).reshape(i.shape)

    # -- queries ---------------------------------------------------------------------------------
    def wer(self, direction, current, pulse_width):
        """(WER, the same as its upper bound: FP has no sampling error)."""
        w = np.exp(self._log_query("log_wer", direction, current, pulse_width))
        return w, w

    def p_switch(self, direction, current, pulse_width):
        """(P_sw, the same as its upper bound), with the sub-critical model of the source."""
        p = np.exp(self._log_query("log_p", direction, current, pulse_width))
        if self.subcritical != "fp":
            i = np.asarray(current, dtype=float) / self.i_c
            mm = self.micromag
            delta = self.model.delta if mm is None else mm["delta_eff"]
            law = None if mm is None else (mm["exponent"], mm["attempt_time"])
            p = np.where(i < 1.0, activation_p_switch(self.device, delta, i, pulse_width,
                                                      law), p)
        return p, p

    def mean_switching_time(self, direction, current, pulse_width):
        """Mean switching time (s) of the pulses that switched (module doc)."""
        self.require(direction)
        tab = self._tables(direction)["t_sw"]
        j, f = self._column(pulse_width)
        col = (1.0 - f) * tab[:, j] + f * tab[:, j + 1]
        i = np.clip(np.asarray(current, dtype=float), *self.current_range)
        return np.interp(np.log(i), np.log(self.currents), col)


def activation_p_switch(device: Device, delta: float, i, pulse_width: float, law=None):
    """P_sw = 1 - exp(-t / tau), tau = tau0 exp(Delta (1 - i)^b), for reduced currents i < 1
    (Koch, Katine & Sun, PRL 92, 088302 (2004)); (b, tau0 (s)) from ``law`` if given, else
    from the device."""
    i = np.clip(np.asarray(i, dtype=float), 0.0, 1.0)
    b, tau0 = (device.subcritical_exponent, device.attempt_time) if law is None else law
    rate = np.exp(-delta * (1.0 - i) ** b) / tau0
    return -np.expm1(-pulse_width * rate)


#: FP grids already computed in this process, keyed by what the switching depends on (the
#: reduced model, the pulse grid and the cells), shared by every gate, width and what-if.
_SHARED: dict = {}


def fp_source(device: Device, pulse_range=None, subcritical: str = "fp",
              n_cells: int | None = None) -> FPSwitching:
    """An :class:`FPSwitching` for ``device`` whose FP grids are shared in this process."""
    src = FPSwitching(device, PULSE_RANGE if pulse_range is None else pulse_range,
                      subcritical, n_cells)
    key = (src.model, tuple(src.pulse_widths), src.n_cells)
    if key in _SHARED:
        src._cache = _SHARED[key]
    else:
        _SHARED[key] = src._cache
    return src
