"""The published claims the report tests, and which configurations reproduce them.

:data:`CLAIMS` lists each claim (../shared/README.md "Claims to test") with the metric it is
about and its band; :func:`assess_claims` checks every evaluated workload, ledger scenario and
baseline against them. Kept apart from the report so the scenarios (which name a claim) and
the report both import it without importing each other.
"""
from __future__ import annotations

import math

from ..energy.ledger import SCENARIOS

#: Published claims (../shared/README.md "Claims to test"): key -> (text, metric, lo, hi,
#: kind). kind "upper": a best-case figure, reproduced if some configuration reaches lo;
#: "band": reproduced where the value falls in [lo, hi].
CLAIMS = {
    "speed_1000x": ("~1000x speed for one simulated classifier vs a near-memory baseline "
                    "(an upper bound)", "speedup", 1000.0, math.inf, "upper"),
    "energy_1700_2500x": ("1700-2500x energy for one simulated classifier vs a near-memory "
                          "baseline (an upper bound)", "energy_ratio", 1700.0, 2500.0, "upper"),
    "early_2_5x": ("2-5x (early devices)", "energy_ratio", 2.0, 5.0, "band"),
    "hybrid_10_30x": ("10-30x (hybrid)", "energy_ratio", 10.0, 30.0, "band"),
    "mature_50x": ("~50x (mature technology, targeted workloads; taken as 25-100x)",
                   "energy_ratio", 25.0, 100.0, "band"),
}


def assess_claims(results) -> list:
    """For each claim: the configurations that reproduce it, and the best value reached.

    A configuration counts only if the array computes correctly at the circuits operating
    points (:attr:`WorkloadResult.computes_correctly`); energy figures of a failing array
    are reported separately ("energy only") and never count as a reproduction.
    """
    out = []
    for key, (text, metric, lo, hi, kind) in CLAIMS.items():
        hits, hits_failing, best, best_any = [], [], None, None
        for r in results:
            for sc in SCENARIOS:
                for bl in r.baseline:
                    v = r.ratio(sc, bl)[metric]
                    if v is None:
                        continue
                    cfg = {"workload": r.name, "scenario": sc, "baseline": bl, "value": v,
                           "accuracy": r.accuracy_errors}
                    ok = v >= lo if kind == "upper" else lo <= v <= hi
                    if best_any is None or v > best_any["value"]:
                        best_any = cfg
                    if r.computes_correctly:
                        if best is None or v > best["value"]:
                            best = cfg
                        if ok:
                            hits.append(cfg)
                    elif ok:
                        hits_failing.append(cfg)
        what = metric.replace("_", " ")
        if best_any is None:
            verdict = "not assessable: the CRAM ledgers are incomplete (see pending)"
        elif hits:
            verdict = "reproduced for " + ", ".join(
                f"{h['workload']} ({h['scenario']} vs {h['baseline']}: {h['value']:.3g}x)"
                for h in hits)
        else:
            parts = []
            if best is not None:
                parts.append(f"the largest {what} of a correctly computing configuration is "
                             f"{best['value']:.3g}x ({best['workload']}, {best['scenario']} "
                             f"vs {best['baseline']})")
            else:
                parts.append("no configuration computes correctly at the circuits operating "
                             "points")
            if hits_failing:
                h = hits_failing[0]
                acc = "pending" if h["accuracy"] is None else f"{h['accuracy']:.3g}"
                parts.append(f"the ledgers alone would reach it ({h['workload']}, "
                             f"{h['scenario']} vs {h['baseline']}: {h['value']:.3g}x) but there "
                             f"the gates fail at their operating points (accuracy {acc})")
            elif best_any is not None and best is None:
                parts.append(f"ignoring correctness, the largest {what} would be "
                             f"{best_any['value']:.3g}x ({best_any['workload']}, "
                             f"{best_any['scenario']} vs {best_any['baseline']})")
            verdict = "not reproduced: " + "; ".join(parts)
        out.append({"claim": key, "text": text, "metric": metric, "band": [lo, hi],
                    "hits": hits, "energy_only_hits": hits_failing, "best": best,
                    "best_energy_only": best_any, "verdict": verdict})
    return out
