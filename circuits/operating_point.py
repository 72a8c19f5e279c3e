"""Gate operating points: error, energy, latency, and the optimizer.

:func:`evaluate_gate` gives, at a chosen gate voltage V and pulse width t, every input
pattern's error probability, energy and the latency (the model is described in
:mod:`circuits.gatemodel`). :func:`operating_point` searches (V, t) - and, with
``transistor_width="auto"``, the access-transistor width - for the lowest mean energy (inputs
uniformly distributed) subject to ``max_p error(p) <= target_error``:

* switching statistics: the Fokker-Planck solver (:mod:`.fpsource`) where it applies and no
  table is given, else the table (:mod:`.tablesource`); see :mod:`.context`;
* pulse widths: the FP source's log grid (default 1 ns - 1 us, 10 per decade), or the table's
  grid and three log-spaced points between neighbours (the table is linear in log t there);
* voltages: the range the source covers for this gate - from the voltage at which the
  weakest switching pattern draws its smallest current to the one at which the strongest
  holding pattern draws its largest - on a grid of ``n_voltages`` points;
* at fixed t the errors of switching patterns fall with V and those of holding patterns rise,
  so the feasible voltages form an interval and, energy rising with V, the optimum sits on its
  lower edge; that edge is refined by bisection;
* transistor width ("auto"): WIDTH_FACTORS x the card's width, the smallest that meets the
  target (area is the price of width), else the one of least max error.

Every result also carries the curve of least max error vs pulse width (with latency and the
retention loss during the pulse), the current ratio the circuit offers and the one the device
needs (:mod:`.what_it_takes`), and for the FP source the output errors with the output's
current coupled to its own switching (:mod:`.coupled`).

When no (V, t) meets the target the result says why: the best reachable error, where, which
pattern limits it (a switching pattern that fails, a holding pattern that switches, or an input
that is disturbed), whether the critical-current window is closed, and whether the table's
statistics can resolve the target at all.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
from scipy.interpolate import CubicSpline

from llg.errors import ParameterError, check_range

from . import fastpath
from .gatemodel import GateModel, PatternCurrents
from .context import CIRCUIT_ONLY, SWITCHING_SOURCES, _Context, _context_device  # noqa: F401
from .fpsource import FPSwitching
from .tablesource import TableSwitching
from .technology import load_technology
from .windows import V_SEARCH_MAX

_BISECT = 40
#: Where a gate's energy goes: Joule heat in the MTJs, the access transistors and the line
#: resistance (their sum is the source energy, Tellegen), and charging the lines.
ENERGY_PARTS = ("mtj", "transistor", "line_resistance", "line_charging")
#: Above this many unknowns per voltage grid, currents are solved on a coarse grid and
#: interpolated with a cubic spline (they are smooth in V).
_DIRECT_LIMIT = 20_000
_N_COARSE = 17


@dataclass
class GateOperatingPoint:
    """A gate's operating point (SI units: V, s, J). See the module doc and ``to_dict``."""

    gate: str
    v_min: float
    v_max: float
    v_operating: float | None
    pulse_width: float | None
    error_rate_by_pattern: dict
    max_error_rate: float
    energy_by_pattern: dict
    mean_energy: float
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
    energy_breakdown_by_pattern: dict = field(default_factory=dict)
    error_vs_pulse_width: list = field(default_factory=list)
    shortest_pulse_meeting_target: float | None = None
    current_ratio_offered: float | None = None
    current_ratio_needed: float | None = None
    tmr_needed: float | None = None
    delta_needed: dict | None = None
    transistor_width: float | None = None
    cell_area: float | None = None
    subcritical_model: str = "table"
    switching_source: str = "table"
    details: dict = field(default_factory=dict)

    JSON_KEYS = ("gate", "v_min", "v_max", "v_operating", "pulse_width", "error_rate_by_pattern",
                 "max_error_rate", "energy_by_pattern", "mean_energy", "latency",
                 "current_ratio_offered", "current_ratio_needed", "error_vs_pulse_width",
                 "tmr_needed", "transistor_width", "cell_area", "subcritical_model")

    def to_dict(self) -> dict:
        """The CLI's JSON: the fields of the issue first, then the context."""
        d = asdict(self)
        out = {k: d.pop(k) for k in self.JSON_KEYS}
        d.pop("JSON_KEYS", None)
        out.update(d)
        return out


@dataclass
class _Grid:
    """Currents on a voltage grid, with an interpolant for off-grid voltages."""

    model: GateModel
    currents: PatternCurrents
    splines: dict | None = None

    @classmethod
    def build(cls, model: GateModel, v_lo: float, v_hi: float, n: int) -> "_Grid":
        v = np.linspace(v_lo, v_hi, n)
        # network unknowns of one grid solve: 3 nodes per cell, up to n + 1 representative
        # patterns (rows > 1), three configurations, n voltages
        unknowns = model.rows * (model.gate.n_inputs + 1) * 3 * (model.gate.n_inputs + 1) * 3 * n
        if model.rows == 1 or unknowns <= _DIRECT_LIMIT:
            return cls(model, model.currents(v))
        # Chebyshev nodes cluster at the ends, where splines are least accurate
        k = np.arange(_N_COARSE)
        xc = 0.5 * (v_lo + v_hi) - 0.5 * (v_hi - v_lo) * np.cos(np.pi * k / (_N_COARSE - 1))
        coarse = model.currents(xc)
        g = cls(model, None, _splines(xc, coarse))
        g.currents = g.at(v)
        return g

    def at(self, v, errors_only: bool = False) -> PatternCurrents:
        """Currents at off-grid voltages: cubic splines through the grid (smooth in V; the
        final operating point is always re-solved directly, see :func:`_terms_at`).
        ``errors_only``: only the currents the error terms need (the others None)."""
        v = np.atleast_1d(np.asarray(v, dtype=float))
        if self.splines is None:
            self.splines = _splines(self.currents.voltages, self.currents)
        if errors_only:
            none = dict.fromkeys(("output_uniform", "power_pre", "power_post"))
            return PatternCurrents(voltages=v, output=self.splines["output"](v),
                                   inputs=self.splines["inputs"](v), **none)
        return PatternCurrents(voltages=v, **{k: s(v) for k, s in self.splines.items()})


def _splines(x, cur: PatternCurrents) -> dict:
    return {name: CubicSpline(x, getattr(cur, name), axis=1)
            for name in ("output", "output_uniform", "inputs", "power_pre", "power_post",
                         "split_pre", "split_post", "output_post")}


def _pattern_terms(model: GateModel, src: TableSwitching, cur: PatternCurrents, t: float,
                   energy: bool = True):
    """Per-pattern error terms on the voltage grid of ``cur``; see gatemodel's doc.
    ``energy`` False: the error terms only (no energy, energy_split).

    Returns dict with err, err_upper, out_err, in_err (P, V), energy (P, V) and
    supported (V,) - False where a current lies outside the table in a direction where the
    edge value would not be a conservative bound.
    """
    gate = model.gate
    i_lo, i_hi = src.current_range
    sw = model.switching[:, None]
    I = cur.output
    supported = np.all(np.where(sw, I >= i_lo * (1 - 1e-9), I <= i_hi * (1 + 1e-9)), axis=0)
    i_sw = np.clip(I, i_lo, i_hi)
    wer, wer_hi = src.wer(gate.direction, i_sw, t)
    psw, psw_hi = src.p_switch(gate.direction, i_sw, t)
    out_err = np.where(sw, wer, psw)
    out_hi = np.where(sw, wer_hi, psw_hi)
    # input disturb: inputs in the output's switched state, pushed toward the preset state
    at_risk = (model.bits == gate.disturbable_input)[:, None, :] & \
        np.ones_like(cur.inputs, dtype=bool)
    I_in = cur.inputs
    supported &= np.all(np.where(at_risk, I_in <= i_hi * (1 + 1e-9), True), axis=(0, 2))
    i_in = np.clip(I_in, i_lo, i_hi)
    d_in = gate.input_disturb_direction
    p_in, p_in_hi = src.p_switch(d_in, i_in, t)
    p_in = np.where(at_risk, p_in, 0.0)
    p_in_hi = np.where(at_risk, p_in_hi, 0.0)
    keep = np.prod(1.0 - p_in, axis=2)
    keep_hi = np.prod(1.0 - p_in_hi, axis=2)
    in_err = 1.0 - keep
    err = 1.0 - (1.0 - out_err) * keep
    err_hi = 1.0 - (1.0 - out_hi) * keep_hi
    if not energy:
        return dict(err=err, err_upper=err_hi, out_err=out_err, in_err=in_err,
                    supported=supported)
    # energy: switching at the mean switching time (table), at the all-rows current
    i_uni = np.clip(cur.output_uniform, i_lo, i_hi)
    t_sw = src.mean_switching_time(gate.direction, i_uni, t)
    t_sw = np.where(np.isfinite(t_sw), np.minimum(t_sw, t), t)
    p_ok = np.where(sw, 1.0 - wer, 0.0)

    def expected(pre, post):   # E[int P dt] over switching at t_sw with probability p_ok
        return p_ok * (pre * t_sw + post * (t - t_sw)) + (1.0 - p_ok) * pre * t

    cap = np.broadcast_to(model.capacitive_energy(cur.voltages)[None, :], I.shape)
    energy = expected(cur.power_pre, cur.power_post) + cap
    split = {name: expected(cur.split_pre[..., k], cur.split_post[..., k])
             for k, name in enumerate(ENERGY_PARTS[:3])}
    split[ENERGY_PARTS[3]] = cap
    return dict(err=err, err_upper=err_hi, out_err=out_err, in_err=in_err, energy=energy,
                energy_split=split, supported=supported)


def _pulse_grid(src, pulse_widths=None) -> np.ndarray:
    lo, hi = src.pulse_width_range
    if pulse_widths is not None:
        pw = np.atleast_1d(np.asarray(pulse_widths, dtype=float))
        for t in pw:
            check_range("pulse_width", t, "s", lo, hi,
                        what="must lie inside the table's pulse_width axis"
                        if isinstance(src, TableSwitching) else "inside the pulse range")
        return np.unique(pw)
    if isinstance(src, FPSwitching):
        return src.pulse_widths.copy()
    tw = np.asarray(src.pulse_widths, dtype=float)
    if tw.size == 1:
        return tw.copy()
    # the table's own widths exactly, plus three log-spaced widths inside each interval
    inner = [np.exp(np.linspace(np.log(a), np.log(b), 5)[1:-1]) for a, b in zip(tw[:-1], tw[1:])]
    return np.sort(np.concatenate([tw] + inner))


def _result(ctx: _Context, v: float | None, t: float | None, terms: dict | None,
            feasible: bool, reason: str, target: float, extra: dict) -> GateOperatingPoint:
    m = ctx.model
    pats = m.patterns
    if terms is not None:
        err = {p: float(terms["err"][k, 0]) for k, p in enumerate(pats)}
        energy = {p: float(terms["energy"][k, 0]) for k, p in enumerate(pats)}
        extra = dict(extra)
        extra.update(
            error_upper_by_pattern={p: float(terms["err_upper"][k, 0])
                                    for k, p in enumerate(pats)},
            output_error_by_pattern={p: float(terms["out_err"][k, 0])
                                     for k, p in enumerate(pats)},
            input_disturb_by_pattern={p: float(terms["in_err"][k, 0])
                                      for k, p in enumerate(pats)},
            output_current_by_pattern={p: float(terms["i_out"][k]) for k, p in enumerate(pats)})
        breakdown = {part: {p: float(terms["energy_split"][part][k, 0])
                            for k, p in enumerate(pats)} for part in ENERGY_PARTS}
        max_err = max(err.values())
        mean_e = float(np.mean(list(energy.values())))
        latency = t + m.settle_time()
    else:
        err, energy, max_err, mean_e, latency = {}, {}, math.nan, math.nan, None
        breakdown = {}
    extra.setdefault("holding_patterns", [p for k, p in enumerate(pats) if not m.switching[k]])
    extra.setdefault("window_relative", ctx.window.relative)
    extra.setdefault("critical_current", m.i_c)
    extra.setdefault("table_voltage_range", [ctx.v_lo, ctx.v_hi])
    extra.setdefault("table_resolution", {d: ctx.src.resolution(d) for d in
                                          (m.gate.direction, m.gate.input_disturb_direction)})
    return GateOperatingPoint(
        gate=m.gate.name, v_min=ctx.window.v_min, v_max=ctx.window.v_max,
        v_operating=v, pulse_width=t,
        error_rate_by_pattern=err, max_error_rate=float(max_err), energy_by_pattern=energy,
        mean_energy=mean_e, latency=latency, feasible=feasible, reason=reason,
        target_error=target, rows=m.rows, direction=m.gate.direction,
        current_sign=m.gate.current_sign, technology=m.technology.name,
        device=ctx.device.name, table=ctx.src.path, energy_breakdown_by_pattern=breakdown,
        transistor_width=m.technology.transistor_width, cell_area=m.technology.cell_area,
        subcritical_model=getattr(ctx.src, "subcritical", "table"),
        switching_source="fp" if isinstance(ctx.src, FPSwitching) else "table",
        details=extra)


def _terms_at(ctx: _Context, v: float, t: float) -> dict:
    cur = ctx.model.currents(np.array([v]))
    terms = _pattern_terms(ctx.model, ctx.src, cur, t)
    terms["i_out"] = cur.output[:, 0]
    return terms


def _check_pulse(ctx: _Context, pulse_width: float) -> float:
    lo, hi = ctx.src.pulse_width_range
    return check_range("pulse_width", pulse_width, "s", lo, hi,
                       what="must lie inside the table's pulse_width axis"
                       if isinstance(ctx.src, TableSwitching) else "inside the pulse range "
                       "(--pulse-range)")


def evaluate_gate(gate, voltage: float, pulse_width: float, *, device=None, table=None,
                  technology="45nm", rows: int = 1, temperature=None, variation=None,
                  target_error: float = 1e-6, switching: str | None = None,
                  pulse_range=None, subcritical: str | None = None,
                  transistor_width: float | None = None) -> GateOperatingPoint:
    """Errors, energies and latency of ``gate`` at a given |V| (V) and pulse width (s).

    ``feasible`` says whether every pattern's error is <= ``target_error`` there. The other
    arguments as :func:`operating_point` (a fixed transistor width only).
    """
    ctx = _Context(gate, device, table, technology, rows, temperature, variation, None,
                   switching, pulse_range, subcritical, transistor_width)
    v = ctx.check_voltage(voltage)
    t = _check_pulse(ctx, pulse_width)
    terms = _terms_at(ctx, v, t)
    if not terms["supported"][0]:
        raise ParameterError(f"voltage = {v:g} V drives an input current beyond the table's "
                             f"current axis (max {ctx.src.current_range[1]:g} A)")
    max_err = float(terms["err"][:, 0].max())
    ok = max_err <= target_error
    reason = f"max error {max_err:.3g} {'meets' if ok else 'exceeds'} the target " \
        f"{target_error:g} at the given V and t"
    return _result(ctx, v, t, terms, ok, reason, target_error, {})


#: Candidate access-transistor widths of ``transistor_width="auto"``, in units of the
#: technology card's width (the card's 4F at 45 nm: 0.5x = 2F ... 8x = 32F).
WIDTH_FACTORS = (0.5, 1.0, 2.0, 4.0, 8.0)


def operating_point(gate, *, device=None, table=None, technology="45nm", rows: int = 1,
                    target_error: float = 1e-6, temperature=None, variation=None,
                    pulse_widths=None, n_voltages: int = 161,
                    circuit_overrides: dict | None = None, switching: str | None = None,
                    pulse_range=None, subcritical: str | None = None,
                    transistor_width=None, coupled: bool = True) -> GateOperatingPoint:
    """The (V, t) of least mean energy with max pattern error <= target_error (module doc).

    circuit_overrides : what-if values of RA, TMR0 or V_half for the circuit only (e.g.
    ``{"TMR0": 3.0}``); the switching statistics stay the source's, which is exact for
    current-driven switching (resistance does not enter the current-driven dynamics).
    switching : "fp" (Fokker-Planck, pulse widths over ``pulse_range``, default 1 ns - 1 us)
    or "table"; default FP where it applies and no table is given. subcritical : "fp"
    (default) or "activation" (:mod:`.fpsource`). transistor_width : m, or "auto" (the
    smallest of WIDTH_FACTORS x the card's width that meets the target, else the one of least
    max error), or None (the card's width). coupled : with the FP source and one row, also
    the errors with state-dependent currents at the chosen point and the best point under
    them nearby (``details["coupled_refined"]``, :func:`.coupled.coupled_refine`); False
    skips both (searches that only need feasibility).
    """
    check_range("target_error", target_error, "1", 0.0, 1.0, lo_open=True, hi_open=True,
                what="largest acceptable error probability of any input pattern")
    if isinstance(n_voltages, bool) or not isinstance(n_voltages, int) or n_voltages < 5:
        raise ParameterError(f"n_voltages = {n_voltages!r} must be an integer >= 5")
    args = (gate, device, table, technology, rows, temperature, variation, circuit_overrides,
            switching, pulse_range, subcritical)
    if isinstance(transistor_width, str):
        if transistor_width != "auto":
            raise ParameterError(f"transistor_width = {transistor_width!r}: give a width in m "
                                 "(> 0) or 'auto'")
        return _auto_width(args, target_error, pulse_widths, n_voltages, coupled)
    ctx = _Context(*args, transistor_width=transistor_width)
    return _finish(ctx, _optimize(ctx, target_error, pulse_widths, n_voltages), coupled)


def _auto_width(args, target_error, pulse_widths, n_voltages,
                coupled: bool = True) -> GateOperatingPoint:
    """Width search: the smallest candidate meeting the target (area is the price of width),
    else the candidate of least max error."""
    w0 = load_technology(args[3]).transistor_width
    if w0 is None:
        raise ParameterError(f"technology {args[3]!r} has no access transistor; "
                             "transistor_width = 'auto' needs one")
    scan, best = [], None
    n_scan = max(41, n_voltages // 4)   # candidates on a coarser voltage grid, the kept one
    for f in WIDTH_FACTORS:             # re-optimized on the full grid below
        ctx = _Context(*args, transistor_width=f * w0)
        feasible, err = _scan_only(ctx, target_error, pulse_widths, n_scan)
        scan.append({"transistor_width": f * w0, "cell_area": ctx.model.technology.cell_area,
                     "max_error_rate_on_scan_grid": err, "feasible": feasible})
        key = (not feasible, 0.0 if feasible else err)
        if best is None or key < best[0]:
            best = (key, ctx, None)
    _, ctx, _ = best
    op = _optimize(ctx, target_error, pulse_widths, n_voltages)
    op.details["transistor_width_scan"] = scan
    return _finish(ctx, op, coupled)


def _scan_only(ctx, target_error: float, pulse_widths, n_voltages: int):
    """(feasible, least max error on the grid) of one width candidate: the pulse scan alone
    (no result, reason or window)."""
    if not ctx.v_lo < ctx.v_hi:
        return False, math.inf
    grid = _Grid.build(ctx.model, ctx.v_lo, ctx.v_hi, n_voltages)
    least = math.inf
    for t in _pulse_grid(ctx.src, pulse_widths):
        terms = _pattern_terms(ctx.model, ctx.src, grid.currents, t, energy=not fastpath.FAST)
        mx = np.where(terms["supported"], terms["err"].max(axis=0), np.inf)
        least = min(least, float(mx.min()))
    return least <= target_error, least


def _optimize(ctx, target_error: float, pulse_widths, n_voltages: int,
              refine: bool = True) -> GateOperatingPoint:
    """The search of the module doc for one context (technology, width, source); ``refine``:
    refine every pulse's least error off the voltage grid when the target is missed."""
    m, src = ctx.model, ctx.src
    if not ctx.v_lo < ctx.v_hi:
        i_lo = src.current_range[0]
        if not math.isfinite(ctx.v_lo):
            why = (f"with {m.rows} rows the IR drop along the shared column lines starves the "
                   f"far row: up to {V_SEARCH_MAX:g} V its output current stays below the "
                   f"switching source's smallest current {i_lo:g} A while the other rows draw "
                   f"their largest current (critical-current window: V_min = inf, V_max = "
                   f"{ctx.window.v_max:.4g} V)")
        else:
            why = (f"the switching source's current range {src.current_range} A cannot hold "
                   f"this gate: the weakest switching pattern reaches its smallest current "
                   f"only at {ctx.v_lo:.4g} V, above the {ctx.v_hi:.4g} V at which the "
                   "strongest holding pattern leaves it"
                   + (" (IR drop along the shared column lines)" if m.rows > 1 else ""))
        return _result(ctx, None, None, None, False, why, target_error, {})
    grid = _Grid.build(m, ctx.v_lo, ctx.v_hi, n_voltages)
    v = grid.currents.voltages
    pulses = _pulse_grid(src, pulse_widths)
    best = None            # (energy, t, j)
    closest = None         # (max_err, t, j)
    per_pulse = []
    fast = fastpath.FAST
    for t in pulses:
        # fast path: the energy terms only where they can be used (a feasible voltage, or
        # the new closest point, whose terms the result may report)
        terms = _pattern_terms(m, src, grid.currents, t, energy=not fast)
        mx = np.where(terms["supported"], terms["err"].max(axis=0), np.inf)
        j = int(np.argmin(mx))
        per_pulse.append({"pulse_width": float(t), "best_voltage": float(v[j]),
                          "best_max_error": float(mx[j])})
        ok = np.nonzero(mx <= target_error)[0]
        new_closest = closest is None or mx[j] < closest[0]
        if fast and (ok.size or new_closest):
            terms = _pattern_terms(m, src, grid.currents, t)
        if new_closest:
            closest = (float(mx[j]), float(t), j, terms)
        if ok.size:
            e = terms["energy"].mean(axis=0)
            j0 = int(ok[np.argmin(e[ok])])
            if best is None or e[j0] < best[0]:
                best = (float(e[j0]), float(t), j0)
    extra = {"pulse_scan": per_pulse}
    if best is None:
        reason = _why_not(ctx, closest, target_error)
        j = closest[2]
        # every pulse's least error refined off the voltage grid (the curve and the choice
        # of pulse then do not depend on the grid), the best one solved directly
        for row in per_pulse if refine else ():
            jq = int(np.argmin(np.abs(v - row["best_voltage"])))
            x = _least_error_voltage(ctx, grid, v, jq, row["pulse_width"], row["best_max_error"])
            if x is not None:
                row["best_voltage"], row["best_max_error"] = x[0], x[1]
        row = min(per_pulse, key=lambda r: r["best_max_error"])
        if row["best_max_error"] < closest[0]:
            terms = _terms_at(ctx, row["best_voltage"], row["pulse_width"])
            v_best, t_best = row["best_voltage"], row["pulse_width"]
            err = float(terms["err"][:, 0].max())
            if err <= target_error:   # a feasible interval narrower than the voltage grid
                return _result(ctx, v_best, t_best, terms, True,
                               f"every pattern's error <= {target_error:g} only in a voltage "
                               "interval narrower than the grid: the point of least max "
                               "error (energy not minimized)", target_error, extra)
            if err < closest[0]:
                reason = _why_not(ctx, (err, t_best, 0, terms), target_error)
                return _result(ctx, v_best, t_best, terms, False, reason, target_error, extra)
        terms = {k: (val[:, [j]] if isinstance(val, np.ndarray) and val.ndim == 2 else val)
                 for k, val in closest[3].items()}
        terms["energy_split"] = {k: val[:, [j]] for k, val in closest[3]["energy_split"].items()}
        terms["i_out"] = grid.currents.output[:, closest[2]]
        return _result(ctx, float(v[closest[2]]), closest[1], terms, False, reason,
                       target_error, extra)
    _, t, j = best
    v_opt = float(v[j])
    if j > 0:  # refine the lower edge of the feasible interval between grid points
        lo, hi = float(v[j - 1]), v_opt
        for _ in range(_BISECT):
            mid = 0.5 * (lo + hi)
            tm = _pattern_terms(m, src, grid.at([mid], errors_only=fast), t, energy=not fast)
            if tm["supported"][0] and tm["err"][:, 0].max() <= target_error:
                hi = mid
            else:
                lo = mid
            if hi - lo < 1e-7 * hi:
                break
        v_opt = hi
    terms = _terms_at(ctx, v_opt, t)
    if terms["err"][:, 0].max() > target_error:  # interpolation slack: step up one grid cell
        v_opt = float(v[j])
        terms = _terms_at(ctx, v_opt, t)
    return _result(ctx, v_opt, t, terms, True,
                   f"minimum mean energy with every pattern's error <= {target_error:g}",
                   target_error, extra)


def _least_error_voltage(ctx, grid, v, j: int, t: float, err_j: float):
    """The least max error between the grid neighbours of j, by two levels of a local dense
    scan (33 voltages each, vectorized; resolution 1/256 of the grid step), so the reported
    least error does not depend on the grid. (V, error), or None if j is not improved on."""
    if not math.isfinite(err_j):
        return None
    lo, hi = float(v[max(j - 1, 0)]), float(v[min(j + 1, v.size - 1)])
    best = (None, err_j)
    for _ in range(2):
        x = np.linspace(lo, hi, 33)
        fast = fastpath.FAST
        tm = _pattern_terms(ctx.model, ctx.src, grid.at(x, errors_only=fast), t,
                            energy=not fast)
        mx = np.where(tm["supported"], tm["err"].max(axis=0), np.inf)
        k = int(np.argmin(mx))
        if mx[k] < best[1]:
            best = (float(x[k]), float(mx[k]))
        lo, hi = float(x[max(k - 1, 0)]), float(x[min(k + 1, x.size - 1)])
    return best if best[0] is not None else None


def _finish(ctx: _Context, op: GateOperatingPoint, coupled: bool = True) -> GateOperatingPoint:
    """Add the curve of best error vs pulse width, the shortest pulse meeting the target and
    the current ratios (:mod:`.what_it_takes`); ``coupled``: the coupled errors and the
    coupled refinement (:mod:`.coupled`)."""
    from .what_it_takes import error_curve, ratio_needed, ratio_offered

    fp = isinstance(ctx.src, FPSwitching)
    op.error_vs_pulse_width = error_curve(op, ctx.src, ctx.model.settle_time(), ctx.device,
                                          with_needed=fp)
    meet = [e["pulse_width"] for e in op.error_vs_pulse_width
            if e["max_error_rate"] <= op.target_error]
    op.shortest_pulse_meeting_target = min(meet) if meet else None
    if op.pulse_width is not None and op.v_operating is not None:
        op.current_ratio_offered = ratio_offered(op)
        i_sw, i_hold, r = ratio_needed(ctx.src, op.direction, op.pulse_width, op.target_error)
        op.current_ratio_needed = r
        op.details["current_needed"] = {"switch": i_sw, "hold": i_hold}
    # the coupled FP uses the macrospin law everywhere: not comparable to "activation"
    if coupled and fp and ctx.src.subcritical == "fp" and op.v_operating is not None and \
            ctx.model.rows == 1:
        from .coupled import coupled_errors, coupled_refine

        coupled = coupled_errors(ctx, op.v_operating, op.pulse_width)
        op.details["coupled_error_by_pattern"] = coupled
        if len(coupled) == len(ctx.model.patterns):
            op.details["coupled_max_error_rate"] = max(c["error"] for c in coupled.values())
            # the best point under the coupled model near this one (both are reported)
            op.details["coupled_refined"] = coupled_refine(ctx, op.v_operating,
                                                           op.pulse_width, op.target_error)
    op.details["pulse_range"] = list(ctx.src.pulse_width_range)
    if fp:
        op.details["fp_rel_error"] = max(ctx.src.rel_error(d) for d in
                                         (op.direction, ctx.model.gate.input_disturb_direction))
    return op


def _why_not(ctx: _Context, closest, target: float) -> str:
    """A sentence on why no (V, t) meets the target."""
    m, src = ctx.model, ctx.src
    best_err, t, j, terms = closest
    if not math.isfinite(best_err):
        return "no voltage in the table's range is supported for every pattern"
    err = terms["err"][:, j]
    out, inp = terms["out_err"][:, j], terms["in_err"][:, j]
    k = int(np.argmax(err))
    p = m.patterns[k]
    kind = ("must switch but fails (WER)" if m.switching[k] else
            "must hold but switches (P_sw)")
    if inp[k] > out[k]:
        kind = "has an input disturbed by the gate current"
    parts = [f"no (V, t) reaches max error <= {target:g}: the best is {best_err:.3g} "
             f"(t = {t:.3g} s), limited by pattern {p} which {kind}"]
    sw_errs = terms["out_err"][m.switching, j]
    hold = terms["out_err"][~m.switching, j]
    if sw_errs.size and hold.size and sw_errs.max() > target and hold.max() > target:
        parts.append("the voltage that makes the weakest switching pattern reliable already "
                     "switches the strongest holding one: the window is too narrow for the "
                     "device's thermal switching spread at this TMR")
    if not ctx.window.is_open:
        parts.append(f"the critical-current window is closed here (V_min = "
                     f"{ctx.window.v_min:.4g} V >= V_max = {ctx.window.v_max:.4g} V"
                     + (", IR drop along the shared lines" if m.rows > 1 else "") + ")")
    res = max(src.resolution(m.gate.direction), src.resolution(m.gate.input_disturb_direction))
    if res > target:
        parts.append(f"the table's Monte Carlo statistics resolve error rates only down to "
                     f"{res:.2g}, above the target: use a Fokker-Planck WER or more trials")
    return "; ".join(parts)


def error_curves(gate, pulse_width: float, *, device=None, table=None, technology="45nm",
                 rows: int = 1, temperature=None, variation=None, n_voltages: int = 121,
                 voltages=None, switching: str | None = None, pulse_range=None,
                 subcritical: str | None = None, transistor_width=None) -> dict:
    """Per-pattern error probability and energy vs |V| at one pulse width (SI units).

    Returns {"voltages" (V,), "patterns", "should_switch" (P,), "error" (P, V),
    "output_error", "input_disturb", "energy" (P, V, J), "output_current" (P, V, A),
    "window" (v_min, v_max), "table_voltage_range"}. Default voltages span the range the table
    covers for this gate; explicit ones must lie inside it.
    """
    ctx = _Context(gate, device, table, technology, rows, temperature, variation, None,
                   switching, pulse_range, subcritical, transistor_width)
    t = _check_pulse(ctx, pulse_width)
    if voltages is None:
        if not ctx.v_lo < ctx.v_hi:
            raise ParameterError("the table's current axis cannot hold this gate's currents "
                                 "at any voltage")
        cur = _Grid.build(ctx.model, ctx.v_lo, ctx.v_hi, n_voltages).currents
        v = cur.voltages
    else:
        v = np.array([ctx.check_voltage(x) for x in np.atleast_1d(voltages)])
        cur = ctx.model.currents(v)
    terms = _pattern_terms(ctx.model, ctx.src, cur, t)
    return {"voltages": v, "pulse_width": t, "patterns": ctx.model.patterns,
            "should_switch": ctx.model.switching.copy(), "error": terms["err"],
            "output_error": terms["out_err"], "input_disturb": terms["in_err"],
            "energy": terms["energy"], "output_current": cur.output,
            "supported": terms["supported"],
            "window": (ctx.window.v_min, ctx.window.v_max),
            "table_voltage_range": (ctx.v_lo, ctx.v_hi)}
