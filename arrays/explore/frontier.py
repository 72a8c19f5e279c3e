"""Answers from a sweep result: where the gates start to work, where the ratio crosses 10x/50x.

A *criterion* is a set of functions h_k sampled on the grid that must all be <= 0:

* ``gates_work`` — every gate the workload uses meets the target:
  h_g = log10(max_gate_error__g) - log10(target_error);
* ``retention`` — h = log10(required retention, s) - log10(retention_time);
* ``area`` (only when the sweep set ``cell_area_max``) — h = cell_area - cell_area_max (m^2);
* ``ratio_<L>x`` — the energy ratio alone: h = L - energy_ratio;
* ``ratio_<L>x_feasible`` — gates, constraints and ratio together.

Along each swept axis, for every combination of the other axes (a *slice*), each h_k is
interpolated linearly between neighbouring grid points (so log10(error) is interpolated
linearly, the ratio linearly) and the set where all hold is found exactly on that
piecewise-linear interpolant: ``segments`` [[lo, hi], ...] in the axis' unit, ``smallest``
(the smallest axis value where it holds), the interior ``boundaries`` with the side on which it
holds, and, when it holds nowhere on the slice, "not reached in the swept range" with the best
value seen there. A NaN (a design not evaluated, its reason in the file) breaks the
interpolation on both sides of its grid point. ``reachable`` counts only evaluated designs,
never interpolated ones. ``summary`` gives, per axis and criterion, the smallest boundary over
all slices and where; ``pareto`` the non-dominated designs (:mod:`.pareto`).
"""
from __future__ import annotations

import itertools
import json
import math

import numpy as np

from llg.errors import ParameterError

from .store import workload_error

LEVELS = (10.0, 50.0)
_TINY = 1e-300               # floor of an error probability before log10 (an exact 0)


def _log10(a) -> np.ndarray:
    return np.log10(np.maximum(np.asarray(a, dtype=float), _TINY))


def segments(x, h) -> list:
    """Intervals of ``x`` (sorted ascending, (n,)) where every row of ``h`` ((k, n)) is <= 0
    on the piecewise-linear interpolant; a non-finite sample is a point where nothing is
    known (neither it nor its two intervals hold)."""
    x = np.asarray(x, dtype=float)
    h = np.atleast_2d(np.asarray(h, dtype=float))
    ok = np.all(np.isfinite(h), axis=0)
    pieces = [(x[i], x[i]) for i in range(len(x)) if ok[i] and np.all(h[:, i] <= 0)]
    for i in range(len(x) - 1):
        if ok[i] and ok[i + 1]:
            piece = _interval(x[i], x[i + 1], h[:, i], h[:, i + 1])
            if piece is not None:
                pieces.append(piece)
    merged = []
    for lo, hi in sorted(pieces):
        tol = 1e-12 * max(abs(lo), abs(hi), 1e-300)
        if merged and lo <= merged[-1][1] + tol:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([float(lo), float(hi)])
    return merged


def _interval(x0, x1, h0, h1):
    """Where all linear h_k (h0 at x0, h1 at x1) are <= 0 on [x0, x1], or None."""
    a, b = x0, x1
    for u, v in zip(h0, h1):
        if u <= 0 and v <= 0:
            continue
        if u > 0 and v > 0:
            return None
        xc = x0 + (x1 - x0) * u / (u - v)
        if u > 0:
            a = max(a, xc)           # holds above the crossing
        else:
            b = min(b, xc)           # holds below it
    return (a, b) if a <= b else None


class Criterion:
    """h functions (nd arrays, hold where all <= 0), and the score whose best is reported
    where the criterion is not reached (``sense`` "min" or "max"; ``eligible`` limits which
    designs count for that best)."""

    def __init__(self, h, score, sense, what, unit, eligible=None):
        self.h, self.score, self.sense, self.what, self.unit = h, score, sense, what, unit
        self.eligible = eligible

    def holds(self) -> np.ndarray:
        """On the grid (evaluated designs only)."""
        return np.all([np.isfinite(a) & (a <= 0) for a in self.h], axis=0)


def _constraints(res: dict) -> dict:
    """The sweep's constraint criteria: retention always, area when the sweep set one."""
    from llg.retention import YEAR

    d, attrs = res["data"], res["attrs"]
    out = {}
    if "retention_time" in d:
        need = float(attrs["retention_years"]) * YEAR
        out["retention"] = Criterion([math.log10(need) - _log10(d["retention_time"])],
                                     d["retention_time"], "max", "retention time", "s")
    amax = area_max(res)
    if amax is not None and "cell_area" in d:
        out["area"] = Criterion([d["cell_area"] - amax], d["cell_area"], "min", "cell area",
                                "m^2")
    return out


def area_max(res: dict):
    """The sweep's cell_area_max (m^2), or None (not constrained, or an older file)."""
    v = res["attrs"].get("cell_area_max")
    v = json.loads(v) if isinstance(v, str) else v
    return None if v is None else float(v)


def criteria(res: dict, workload: str, levels=LEVELS) -> dict:
    """The criteria of ``workload`` (module doc), by name."""
    d = res["data"]
    target = math.log10(float(res["attrs"]["target_error"]))
    gates = json.loads(res["attrs"]["workload_gates"])[workload]
    gate_h = [_log10(d[f"max_gate_error__{g}"]) - target for g in gates]
    err = workload_error(res, workload)
    out = {"gates_work": Criterion(gate_h, err, "min", "max gate error", "1")}
    cons = _constraints(res)
    out.update(cons)
    ratio = d[f"energy_ratio__{workload}"]
    usable = np.all([c.holds() for c in [out["gates_work"], *cons.values()]], axis=0)
    for lv in levels:
        out[f"ratio_{lv:g}x"] = Criterion([lv - ratio], ratio, "max", "energy ratio", "1")
        h = gate_h + [a for c in cons.values() for a in c.h] + [lv - ratio]
        out[f"ratio_{lv:g}x_feasible"] = Criterion(h, ratio, "max",
                                                   "energy ratio with working gates and "
                                                   "constraints met", "1", eligible=usable)
    return out


def _best(crit: Criterion, line_idx, xs, order):
    score = np.asarray(crit.score[line_idx], dtype=float)[order]
    ok = np.isfinite(score)
    if crit.eligible is not None:
        ok &= np.asarray(crit.eligible[line_idx])[order]
    if not ok.any():
        return None
    vals = np.where(ok, score, np.inf if crit.sense == "min" else -np.inf)
    j = int(np.argmin(vals) if crit.sense == "min" else np.argmax(vals))
    return {"value": float(score[j]), "at": float(xs[j])}


def _text(segs, best, crit, xs, unit) -> str:
    u = f" {unit}" if unit and unit != "1" else ""
    if not segs:
        where = f"not reached in the swept range ({xs[0]:.4g}..{xs[-1]:.4g}{u})"
        if best is None:
            return f"{where}; no evaluated design qualifies for a best {crit.what}"
        bu = f" {crit.unit}" if crit.unit != "1" else ""
        return f"{where}; best {crit.what} {best['value']:.3g}{bu} at {best['at']:.4g}{u}"
    parts = []
    for lo, hi in segs:
        if lo == xs[0] and hi == xs[-1]:
            parts.append("holds over the whole swept range")
        elif lo == xs[0]:
            parts.append(f"holds up to {hi:.4g}{u}")
        elif hi == xs[-1]:
            parts.append(f"holds from {lo:.4g}{u}")
        else:
            parts.append(f"holds from {lo:.4g} to {hi:.4g}{u}")
    return "; ".join(parts)


def _line(crit: Criterion, holds, idx, xs, order, unit) -> dict:
    h = np.array([np.asarray(a[idx], dtype=float)[order] for a in crit.h])
    segs = segments(xs, h)
    bounds = [{"value": lo, "holds": "above"} for lo, _ in segs if lo > xs[0]] + \
             [{"value": hi, "holds": "below"} for _, hi in segs if hi < xs[-1]]
    grid = holds[idx][order]
    best = _best(crit, idx, xs, order)
    return {"smallest": segs[0][0] if segs else None,
            "smallest_on_grid": float(xs[np.argmax(grid)]) if grid.any() else None,
            "segments": segs, "boundaries": sorted(bounds, key=lambda b: b["value"]),
            "best": best, "text": _text(segs, best, crit, xs, unit)}


def slices(res: dict, axis: str, at: dict | None = None):
    """(fixed values, index tuple) of every 1-D line along ``axis``; ``at`` (axis -> grid
    value) keeps only the lines through those values."""
    dims, axes = res["dims"], res["axes"]
    others = [d for d in dims if d != axis]
    k = dims.index(axis)
    for combo in itertools.product(*[range(len(axes[d][0])) for d in others]):
        fixed = {d: float(axes[d][0][c]) for d, c in zip(others, combo)}
        if at and any(d in fixed and fixed[d] != v for d, v in at.items()):
            continue
        idx = list(combo)
        idx.insert(k, slice(None))
        yield fixed, tuple(idx)


def along(res: dict, crit: Criterion, axis: str, at: dict | None = None) -> list:
    """The criterion along ``axis`` on every slice (module doc)."""
    values, unit = res["axes"][axis]
    order = np.argsort(values)
    xs = np.asarray(values, dtype=float)[order]
    holds = crit.holds()
    return [{"fixed": fixed, **_line(crit, holds, idx, xs, order, unit)}
            for fixed, idx in slices(res, axis, at)]


def summarize(lines: list) -> dict:
    """Over the slices of one criterion along one axis: the smallest value where it holds,
    the slice it holds there (``at``), and on how many slices it holds anywhere."""
    hit = [ln for ln in lines if ln["smallest"] is not None]
    first = min(hit, key=lambda ln: ln["smallest"]) if hit else None
    return {"smallest": first["smallest"] if first else None,
            "at": first["fixed"] if first else None,
            "slices_reached": len(hit), "slices": len(lines)}


def frontier(res: dict, levels=LEVELS, at: dict | None = None,
             axes: list | None = None) -> dict:
    """The frontier of every workload and gate along every (or each of ``axes``) swept axis,
    on every slice (or those through ``at``); module doc."""
    from .pareto import pareto

    at = check_at(res, at or {})
    dims = list(axes or res["dims"])
    for a in dims:
        check_swept(res, a)
    out = {"target_error": float(res["attrs"]["target_error"]), "levels": list(levels),
           "constraints": {"retention_years": float(res["attrs"]["retention_years"]),
                           "retention_temperature": float(res["attrs"]["retention_temperature"]),
                           "cell_area_max": area_max(res)},
           "at": at, "workloads": {}, "gates": {}}
    for w in json.loads(res["attrs"]["workloads"]):
        crits = criteria(res, w, levels)
        ratio = res["data"][f"energy_ratio__{w}"]
        finite = ratio[np.isfinite(ratio)]
        entry = {"gates": json.loads(res["attrs"]["workload_gates"])[w],
                 "gates_work_anywhere": bool(crits["gates_work"].holds().any()),
                 "least_max_error": _nanbest(workload_error(res, w), "min"),
                 "max_energy_ratio": float(finite.max()) if finite.size else None,
                 "reachable": {}, "axes": {}}
        for lv in levels:
            entry["reachable"][f"{lv:g}x"] = bool(crits[f"ratio_{lv:g}x_feasible"].holds().any())
            entry["reachable"][f"{lv:g}x_ignoring_gate_errors"] = bool(
                crits[f"ratio_{lv:g}x"].holds().any())
        for a in dims:
            entry["axes"][a] = {"units": res["axes"][a][1],
                                **{n: along(res, c, a, at) for n, c in crits.items()}}
        entry["summary"] = {a: {n: summarize(v) for n, v in entry["axes"][a].items()
                                if n != "units"} for a in dims}
        entry["pareto"] = pareto(res, w)
        out["workloads"][w] = entry
    target = math.log10(out["target_error"])
    for g in json.loads(res["attrs"]["gates"]):       # each gate alone: where it works
        e = res["data"][f"max_gate_error__{g}"]
        crit = Criterion([_log10(e) - target], e, "min", f"max error of {g}", "1")
        lines = {a: along(res, crit, a, at) for a in dims}
        out["gates"][g] = {"works_anywhere": bool(crit.holds().any()),
                           "least_max_error": _nanbest(e, "min"), "axes": lines,
                           "summary": {a: summarize(v) for a, v in lines.items()}}
    return out


def _nanbest(a, sense):
    a = np.asarray(a, dtype=float)
    if not np.isfinite(a).any():
        return None
    return float(np.nanmin(a) if sense == "min" else np.nanmax(a))


def check_swept(res: dict, axis: str) -> None:
    if axis not in res["dims"]:
        raise ParameterError(f"axis {axis!r} is not swept in this result; swept axes: "
                             f"{', '.join(res['dims'])}")


def check_at(res: dict, at: dict) -> dict:
    """``at`` (axis -> value) with each value snapped to its grid point (relative 1e-6), or
    a ParameterError naming the axis, the value, its unit and the grid."""
    out = {}
    for axis, value in at.items():
        check_swept(res, axis)
        grid, unit = res["axes"][axis]
        grid = np.asarray(grid, dtype=float)
        j = int(np.argmin(np.abs(grid - value)))
        if not abs(grid[j] - value) <= 1e-6 * max(abs(value), abs(grid[j]), 1e-300):
            raise ParameterError(f"--at {axis}={value:g} {unit} is not on the swept grid; "
                                 f"valid: {', '.join(f'{v:.6g}' for v in grid)} {unit}")
        out[axis] = float(grid[j])
    return out
