"""The Pareto front of a sweep: max gate error (down), energy ratio (up), speed (up).

Per workload, a design's objectives are the max error over the gates the workload uses, its
energy ratio and its speedup (baseline latency / CRAM latency, so a larger speedup is a
shorter latency). A design is on the front when no other design meeting the constraints
(retention, and cell area when the sweep set one) is at least as good in all three and better
in one. Designs with a NaN objective (not evaluated, reason in the file) take no part.
"""
from __future__ import annotations

import numpy as np


def non_dominated(objectives: np.ndarray) -> np.ndarray:
    """Mask of the rows of ``objectives`` ((n, k), every column minimized) that no other row
    dominates (<= in all columns, < in one); rows with a NaN are never on the front."""
    a = np.asarray(objectives, dtype=float)
    ok = np.all(np.isfinite(a), axis=1)
    out = np.zeros(len(a), dtype=bool)
    idx = np.nonzero(ok)[0]
    b = a[idx]
    for n, row in zip(idx, b):
        dominated = np.all(b <= row, axis=1) & np.any(b < row, axis=1)
        out[n] = not dominated.any()
    return out


def meets_constraints(res: dict) -> np.ndarray:
    """Per design (flat, C order): retention met and, when recorded, area met."""
    d = res["data"]
    ok = np.asarray(d["meets_retention"]).ravel() == 1
    if "meets_area" in d:
        ok &= np.asarray(d["meets_area"]).ravel() == 1
    return ok


def objectives(res: dict, workload: str) -> dict:
    """Flat per-design arrays: error, ratio, speedup, meets (constraints), front (mask)."""
    from .store import workload_error

    err = workload_error(res, workload).ravel()
    ratio = np.asarray(res["data"][f"energy_ratio__{workload}"], dtype=float).ravel()
    speed = np.asarray(res["data"][f"speedup__{workload}"], dtype=float).ravel()
    meets = meets_constraints(res)
    obj = np.column_stack([err, -ratio, -speed])
    obj[~meets] = np.nan
    return {"error": err, "ratio": ratio, "speedup": speed, "meets": meets,
            "front": non_dominated(obj)}


def pareto(res: dict, workload: str) -> list:
    """The front's designs, least error first: params and the three objectives."""
    o = objectives(res, workload)
    dims, shape = res["dims"], np.asarray(res["data"]["delta"]).shape
    rows = []
    for n in np.nonzero(o["front"])[0]:
        idx = np.unravel_index(int(n), shape)
        rows.append({"params": {d: float(res["axes"][d][0][i]) for d, i in zip(dims, idx)},
                     "max_gate_error": float(o["error"][n]),
                     "energy_ratio": float(o["ratio"][n]),
                     "speedup": float(o["speedup"][n])})
    return sorted(rows, key=lambda r: (r["max_gate_error"], -r["energy_ratio"]))
