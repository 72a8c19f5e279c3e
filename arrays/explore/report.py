"""The report's "What would make it hold" section, read from the shipped sweep result.

``data/explore/default.h5`` is written by ``cramsim explore run --config
data/explore/default.toml`` (a TMR0 x diameter x transistor-width sweep from physics).
:func:`study` reads it and answers, per workload: the smallest TMR0 on the grid at which every
gate the workload uses meets the target error (per diameter and width), whether 10x and 50x
are reachable at all with working gates, the largest ratio seen, and how many designs meet the
retention constraint. Nothing is recomputed here; a missing file gives a section that says so.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

from llg.paths import data_dir

SHIPPED = "explore/default.h5"
YEAR = 365.25 * 86400.0      # s


def study(path: str | Path | None = None) -> dict:
    """The answers from the sweep result ``path`` (default: the shipped one)."""
    from .frontier import frontier
    from .store import read_result

    path = Path(path) if path is not None else data_dir() / SHIPPED
    if not path.is_file():
        return {"pending": f"no sweep result at {path}; run `cramsim explore run --config "
                           f"data/explore/default.toml --out {path}`"}
    res = read_result(path)
    fr = frontier(res)
    ret = res["data"]["meets_retention"]
    out = {"file": str(path), "target_error": fr["target_error"], "dims": res["dims"],
           "axes": {d: [float(v) for v in res["axes"][d][0]] for d in res["dims"]},
           "designs": int(ret.size), "meets_retention": int(ret.sum()),
           "retention": [float(res["attrs"]["retention_years"]),
                         float(res["attrs"]["retention_temperature"])],
           "workloads": {}}
    for w, e in fr["workloads"].items():
        tmr = e["axes"].get("TMR0", {}).get("gates_work")
        out["workloads"][w] = {"reachable": e["reachable"],
                               "gates_work_anywhere": e["gates_work_anywhere"],
                               "max_energy_ratio": e["max_energy_ratio"],
                               "smallest_tmr0": tmr}
    return out


def markdown(st: dict) -> list:
    """Report lines of :func:`study`."""
    lines = ["## What would make it hold (design-space sweep from physics)", ""]
    if "pending" in st:
        return lines + [st["pending"], ""]
    axes = ", ".join(f"{d} in [{', '.join(f'{v:.3g}' for v in vals)}]"
                     for d, vals in st["axes"].items())
    lines += [f"Sweep `{st['file']}`: {st['designs']} designs over {axes}; gate target error "
              f"{st['target_error']:g}; {st['meets_retention']} of them keep "
              f"{st['retention'][0]:g} years at {st['retention'][1]:g} K (Neel-Brown).", "",
              "| workload | gates meet the target anywhere | smallest TMR0 where they do "
              "(per other axes) | 10x with working gates | 50x with working gates | "
              "largest ratio (any design) |", "|---|---|---|---|---|---|"]
    for w, e in st["workloads"].items():
        tmr = e["smallest_tmr0"] or []
        found = [r["smallest"] for r in tmr if r["smallest"] is not None]
        tmr_txt = (f"{min(found):.3g} ({len(found)}/{len(tmr)} settings)" if found
                   else "none on the grid")
        mx = e["max_energy_ratio"]
        lines.append(f"| {w} | {e['gates_work_anywhere']} | {tmr_txt} | "
                     f"{e['reachable']['10x']} | {e['reachable']['50x']} | "
                     f"{'—' if mx is None or not math.isfinite(mx) else f'{mx:.3g}'} |")
    lines += ["", "Ratios without working gates are upper bounds of a machine that computes "
              "wrong results; `cramsim explore frontier` lists every boundary.", ""]
    return lines
