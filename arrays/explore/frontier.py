"""Answers from a sweep result: where the gates start to work, where the ratio crosses 10x/50x.

For each workload, a design "works" when every gate the workload uses has max pattern error
<= the target (``max_gate_error__<gate>``). Along each swept axis, for every combination of
the other axes, :func:`frontier` reports the smallest axis value at which the design works, and
the smallest at which it works *and* the energy ratio reaches each level (10x, 50x by
default); ``None`` where no value on the axis gets there. ``reachable`` says whether any
design of the sweep gets there at all. (If a quantity is not monotonic along the axis, the
smallest value is still the first one on the grid that qualifies.)
"""
from __future__ import annotations

import itertools
import json

import numpy as np

LEVELS = (10.0, 50.0)


def _works(res: dict, workload: str) -> np.ndarray:
    gates = json.loads(res["attrs"]["workload_gates"])[workload]
    target = float(res["attrs"]["target_error"])
    ok = np.ones(res["data"]["delta"].shape, dtype=bool)
    for g in gates:
        e = res["data"][f"max_gate_error__{g}"]
        ok &= np.isfinite(e) & (e <= target)
    return ok


def _smallest_along(mask: np.ndarray, values, axis: int, dims: list, axes: dict) -> list:
    """Per combination of the other axes: the smallest ``values`` entry where mask holds."""
    others = [d for k, d in enumerate(dims) if k != axis]
    out = []
    order = np.argsort(values)
    for combo in itertools.product(*[range(len(axes[d][0])) for d in others]):
        idx = list(combo)
        idx.insert(axis, slice(None))
        line = mask[tuple(idx)]
        hit = [values[j] for j in order if line[j]]
        out.append({"fixed": {d: float(axes[d][0][c]) for d, c in zip(others, combo)},
                    "smallest": float(hit[0]) if hit else None})
    return out


def frontier(res: dict, levels=LEVELS) -> dict:
    """The frontier of every workload along every axis (module doc)."""
    dims, axes = res["dims"], res["axes"]
    out = {"target_error": float(res["attrs"]["target_error"]), "levels": list(levels),
           "workloads": {}}
    for w in json.loads(res["attrs"]["workloads"]):
        ok = _works(res, w)
        ratio = res["data"][f"energy_ratio__{w}"]
        entry = {"gates_work_anywhere": bool(ok.any()), "reachable": {}, "axes": {}}
        masks = {"gates_work": ok}
        for lv in levels:
            m = ok & np.isfinite(ratio) & (ratio >= lv)
            masks[f"ratio_{lv:g}x"] = m
            entry["reachable"][f"{lv:g}x"] = bool(m.any())
            entry["reachable"][f"{lv:g}x_ignoring_gate_errors"] = bool(
                (np.isfinite(ratio) & (ratio >= lv)).any())
        finite = ratio[np.isfinite(ratio)]
        entry["max_energy_ratio"] = float(finite.max()) if finite.size else None
        for k, d in enumerate(dims):
            vals = axes[d][0]
            entry["axes"][d] = {"units": axes[d][1],
                                **{name: _smallest_along(m, vals, k, dims, axes)
                                   for name, m in masks.items()}}
        out["workloads"][w] = entry
    out["gates"] = {}
    for g in json.loads(res["attrs"]["gates"]):       # each gate alone: where it works
        e = res["data"][f"max_gate_error__{g}"]
        m = np.isfinite(e) & (e <= out["target_error"])
        out["gates"][g] = {"works_anywhere": bool(m.any()),
                           "least_max_error": float(np.nanmin(e)) if np.isfinite(e).any()
                           else None,
                           "axes": {d: _smallest_along(m, axes[d][0], k, dims, axes)
                                    for k, d in enumerate(dims)}}
    return out
