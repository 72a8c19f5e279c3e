"""The published claims (data/claims), quoted as published, and the rule that judges them.

Kept apart from the report so the scenarios (which name a claim) and the report both import
it without importing each other.

A claims card lists each claim with its exact ``wording``, its ``source``, its ``kind``
(``measured`` on hardware, ``simulated`` for a modelled system, ``projected`` for an
estimate about future devices), the ``metric`` it is about (``energy_ratio`` or
``speedup``: baseline / CRAM), the range ``[lo, hi]`` its wording is taken to mean, the
``baseline`` card it was stated against, the ``workload`` (or ``"any"``) and optionally the
maturity ``scenario`` it is about.

:func:`judge` turns a value into ``"yes"`` (in range), ``"exceeds"`` (above the range: the
model finds more than claimed, which does not contradict the claim) or ``"no"`` (below).
:func:`assess` applies it to the configurations a report computed: only a configuration
whose array computes correctly at the circuits operating points counts; a figure from
failing gates is quoted in ``why`` and never makes a claim hold.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import functools

from llg.errors import ParameterError
from llg.paths import read_toml, resolve_data_file

KINDS = ("measured", "simulated", "projected")
METRICS = ("energy_ratio", "speedup")
HOLDS = ("yes", "no", "exceeds")


@dataclass(frozen=True)
class Claim:
    """One published claim (see module docstring); ratios are dimensionless."""

    key: str
    wording: str
    source: str
    kind: str
    metric: str
    lo: float
    hi: float
    baseline: str
    workload: str = "any"
    scenario: str | None = None
    note: str = ""

    def range_text(self) -> str:
        return f">= {self.lo:g}x" if math.isinf(self.hi) else f"{self.lo:g}-{self.hi:g}x"


def load_claims(name_or_path="published") -> list[Claim]:
    """Validated claims of a card (data/claims/NAME.toml or a path); a missing source, an
    unknown kind, metric, baseline card, workload or scenario is a one-line error."""
    path = resolve_data_file("claims", name_or_path, "claims card")
    data = read_toml(path, "claims card")
    body = data.get("claims")
    if not isinstance(body, dict) or not body:
        raise ParameterError(f"{path}: needs [claims.NAME] tables")
    return [_claim(key, raw, str(path)) for key, raw in body.items()]


def _text(raw: dict, key: str, where: str) -> str:
    v = raw.get(key)
    if not isinstance(v, str) or not v.strip():
        raise ParameterError(f"{where}: {key} is missing or empty; every claim needs a "
                             f"{key} = \"...\"")
    return v.strip()


def _claim(key: str, raw, path: str) -> Claim:
    where = f"{path}: claims.{key}"
    if not isinstance(raw, dict):
        raise ParameterError(f"{where} must be a table")
    allowed = {"wording", "source", "kind", "metric", "lo", "hi", "baseline", "workload",
               "scenario", "note"}
    extra = sorted(set(raw) - allowed)
    if extra:
        raise ParameterError(f"{where}: unknown field(s) {extra}; allowed: {sorted(allowed)}")
    wording, source = _text(raw, "wording", where), _text(raw, "source", where)
    kind, metric = _text(raw, "kind", where), _text(raw, "metric", where)
    if kind not in KINDS:
        raise ParameterError(f"{where}: kind = {kind!r} is unknown; valid: {', '.join(KINDS)}")
    if metric not in METRICS:
        raise ParameterError(f"{where}: metric = {metric!r} is unknown; valid: "
                             f"{', '.join(METRICS)}")
    lo, hi = raw.get("lo"), raw.get("hi")
    for name, v in (("lo", lo), ("hi", hi)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or math.isnan(v):
            raise ParameterError(f"{where}: {name} = {v!r} must be a number (ratio, 1)")
    if not 0 < lo <= hi:
        raise ParameterError(f"{where}: range lo = {lo!r}, hi = {hi!r} must satisfy "
                             "0 < lo <= hi (ratio, 1)")
    baseline = _text(raw, "baseline", where)
    resolve_data_file("baseline", baseline, f"{where}: baseline card")
    workload = raw.get("workload", "any")
    if workload != "any":
        from ..energy.workloads import get_workload
        get_workload(workload)
    scenario = raw.get("scenario")
    if scenario is not None:
        resolve_data_file("scenarios", scenario, f"{where}: scenario")
    return Claim(key, wording, source, kind, metric, float(lo), float(hi), baseline,
                 str(workload), scenario, str(raw.get("note", "")))


def judge(claim: Claim, value: float) -> str:
    """``"yes"`` if ``value`` lies in the claim's range, ``"exceeds"`` above it, else
    ``"no"``."""
    if value > claim.hi:
        return "exceeds"
    return "yes" if value >= claim.lo else "no"


def _matches(claim: Claim, cfg: dict) -> bool:
    return cfg["baseline"] == claim.baseline and \
        (claim.workload == "any" or cfg["workload"] == claim.workload) and \
        cfg.get("scenario") == claim.scenario and cfg.get(claim.metric) is not None


def assess(claims, configurations) -> list[dict]:
    """Judge every claim against the report's configurations.

    ``configurations``: dicts with ``workload``, ``baseline``, ``scenario`` (None for the
    shipped device), ``energy_ratio``, ``speedup``, ``computes_correctly``. Returns one dict
    per claim: claim, wording, source, kind, holds (yes|no|exceeds), why, value, range.
    """
    out = []
    for c in claims:
        cand = [x for x in configurations if _matches(c, x)]
        ok = [x for x in cand if x["computes_correctly"]]
        where = f"vs {c.baseline}" + (f", scenario {c.scenario}" if c.scenario else "")
        if ok:
            verdicts = [(judge(c, x[c.metric]), x) for x in ok]
            hit = [v for v in verdicts if v[0] == "yes"]
            above = [v for v in verdicts if v[0] == "exceeds"]
            holds, best = (hit or above or [max(verdicts, key=lambda v: v[1][c.metric])])[0]
            why = (f"{best['workload']} {where}: {c.metric.replace('_', ' ')} "
                   f"{best[c.metric]:.3g}x against the claimed {c.range_text()}, with gates "
                   "that compute correctly")
            value = best[c.metric]
        elif cand:
            best = max(cand, key=lambda x: x[c.metric])
            holds, value = "no", None
            why = (f"no configuration {where} computes correctly at the circuits operating "
                   f"points; the ledger alone would give {best[c.metric]:.3g}x "
                   f"({best['workload']}, gates fail), claimed {c.range_text()}")
        else:
            holds, value = "no", None
            why = f"not assessable: no complete configuration {where}"
        out.append({"claim": c.key, "wording": c.wording, "source": c.source,
                    "kind": c.kind, "holds": holds, "why": why, "value": value,
                    "metric": c.metric, "range": [c.lo, c.hi], "baseline": c.baseline,
                    "workload": c.workload, "scenario": c.scenario, "note": c.note})
    return out


def claims_json(claims) -> list[dict]:
    return [asdict(c) for c in claims]


@functools.lru_cache(maxsize=4)
def claims_by_key(name_or_path="published") -> dict:
    """{key: Claim} of a claims card (cached; the shipped card by default)."""
    return {c.key: c for c in load_claims(name_or_path)}


def configurations(results, scenario_rows=(), claims=()) -> list[dict]:
    """The configurations claims are judged on: every workload of the shipped device with
    data resident in the arrays, against every baseline (a claim's baseline missing from
    the results is booked from its card), plus the maturity-scenario rows."""
    from ..energy.baseline import baseline_ledger, load_baseline
    from ..energy.evaluate import HEADLINE_BASELINE, HEADLINE_SCENARIO

    wanted = {c.baseline for c in claims}
    out = []
    for r in results:
        for b in sorted(wanted - set(r.baseline)):
            r.baseline[b] = baseline_ledger(r.name, r.workload.baseline, r.workload.n_items,
                                            load_baseline(b))
        for b in r.baseline:
            q = r.ratio(HEADLINE_SCENARIO, b)
            out.append({"workload": r.name, "baseline": b, "scenario": None,
                        "energy_ratio": q["energy_ratio"], "speedup": q["speedup"],
                        "computes_correctly": r.computes_correctly})
    for row in scenario_rows:
        if row.get("claim") is None:       # the "as shipped" rows repeat the results
            continue
        for b, v in (row.get("energy_ratio_by_baseline") or {}).items():
            out.append({"workload": row["workload"], "baseline": b,
                        "scenario": row["scenario"], "energy_ratio": v,
                        "speedup": row["speedup"] if b == HEADLINE_BASELINE else None,
                        "computes_correctly": row["computes_correctly"]})
    return out


def assess_claims(results, scenario_rows=(), card="published") -> list[dict]:
    """:func:`assess` of every claim of ``card`` on :func:`configurations`."""
    claims = list(claims_by_key(card).values())
    return assess(claims, configurations(results, scenario_rows, claims))


#: the maturity-band claims (data/claims/published.toml; mature ~50x taken as 25-100x)
BAND_CLAIMS = ("early_2_5x", "hybrid_10_30x", "mature_50x")


def maturity_bands(card="published") -> dict:
    """claim key -> (lo, hi) of the early / hybrid / mature bands, from the claims card."""
    return {k: band(k, card) for k in BAND_CLAIMS}


def band(key: str, card="published") -> tuple:
    """(lo, hi) of a claim (the scenario section shades it)."""
    c = claims_by_key(card)[key]
    return c.lo, c.hi
