"""Every NaN of a design has a reason: the check and the safety net.

A quantity of a design is NaN only where the chain could not compute it, and the design's
``reason`` must say why. A NaN is *explained* when the reason says the design was "not
evaluated" (the chain stopped), or names what the quantity belongs to: the gate of a
``<q>__<gate>`` quantity, the workload of a ``<q>__<workload>`` quantity, or the keyword of
a design scalar (:data:`KEYWORDS`). :func:`complete` adds a reason for any NaN the chain left
unexplained (and marks the design infeasible); :func:`scan` lists them in a result file.
"""
from __future__ import annotations

import json
import math
import re

import numpy as np

#: Design scalars: the words one of which a reason for their NaN must contain.
KEYWORDS = {
    "delta_retention": ("retention",), "retention_time": ("retention",),
    "cell_area": ("area",), "write_error": ("write",),
}
STOPPED = "not evaluated"
NO_REASON = "no reason recorded by the chain"


def _owner(q: str, gates, workloads):
    """The gate or workload a ``<q>__<name>`` quantity belongs to, else None."""
    if "__" not in q:
        return None
    name = q.split("__", 1)[1]
    return name if name in gates or name in workloads else None


def explained(q: str, reason: str, gates, workloads) -> bool:
    """Does ``reason`` explain a NaN in quantity ``q`` (module doc)?"""
    if not reason or (NO_REASON in reason and q in reason):
        return False
    if STOPPED in reason:
        return True
    owner = _owner(q, gates, workloads)
    words = (owner,) if owner else KEYWORDS.get(q, ())
    return any(re.search(rf"\b{re.escape(w)}\b", reason) for w in words)


def complete(rec: dict, gates, workloads) -> dict:
    """``rec`` with a reason for each NaN the chain left unexplained (infeasible then)."""
    missing = [q for q, v in rec.items() if isinstance(v, float) and math.isnan(v)
               and not explained(q, rec.get("reason", ""), gates, workloads)]
    if missing:
        note = f"{', '.join(missing)}: {NO_REASON}"
        rec["reason"] = f"{rec['reason']}; {note}" if rec.get("reason") else note
        rec["feasible"] = 0.0
    return rec


def scan(res: dict) -> list:
    """(flat design index, quantity) of every NaN in a result that its reason leaves
    unexplained; [] for a sound file."""
    gates = json.loads(res["attrs"]["gates"])
    workloads = json.loads(res["attrs"]["workloads"])
    reasons = np.asarray(res["data"]["reason"]).ravel()
    bad = []
    for q, a in res["data"].items():
        a = np.asarray(a)
        if a.dtype.kind != "f":
            continue
        for n in np.nonzero(np.isnan(a.ravel()))[0]:
            if not explained(q, str(reasons[n]), gates, workloads):
                bad.append((int(n), q))
    return bad
