"""The report's "What would make it hold" section, read from the shipped sweep result.

``data/explore/default.h5`` is written by ``cramsim explore run --config
data/explore/default.toml`` (a TMR0 x diameter x transistor-width sweep from physics).
:func:`study` reads it through :func:`.frontier.frontier` and answers, per workload: the
smallest TMR0 (interpolated between grid points) at which every gate the workload uses meets
the target error on each slice of the other axes, or "not reached in the swept range" with
the least error; whether 10x and 50x are reachable with working gates and the constraints
met; the largest ratio; the Pareto designs; and per gate where it starts to work. Nothing is
recomputed here; a missing file gives a section that says so, and a file computed from a
config other than today's shipped one says what differs and how to rerun it.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

from llg.paths import data_dir

SHIPPED = "explore/default.h5"
RERUN = ("`cramsim explore run --config data/explore/default.toml --out "
         "data/explore/default.h5 --overwrite`")


def _axis(dims: list) -> str:
    return "TMR0" if "TMR0" in dims else dims[0]


def stale(res: dict) -> list:
    """What differs between the result's config and today's shipped default.toml (names of
    device keys and config entries; [] when they agree or the config cannot be read)."""
    from llg.errors import ParameterError

    from .config import load_config

    try:
        now = load_config("default").numbers()
    except ParameterError:
        return []
    a = res["attrs"]
    was = {"base_device": json.loads(a["base_device"]), "workloads": json.loads(a["workloads"]),
           "target_error": float(a["target_error"]), "settings": json.loads(a["settings"]),
           "retention_years": float(a["retention_years"]),
           "retention_temperature": float(a["retention_temperature"]),
           "axes": {d: [float(v) for v in res["axes"][d][0]] for d in res["dims"]}}
    diff = [f"device key {k}" for k in sorted(set(now["base_device"]) | set(was["base_device"]))
            if now["base_device"].get(k) != was["base_device"].get(k)]
    diff += [k for k in ("workloads", "target_error", "settings", "retention_years",
                         "retention_temperature", "axes") if now[k] != was[k]]
    if "meets_area" not in res["data"]:
        diff.append("no area result (older writer)")
    return diff


def study(path: str | Path | None = None) -> dict:
    """The answers from the sweep result ``path`` (default: the shipped one)."""
    from .frontier import frontier
    from .store import read_result

    shipped = path is None
    path = Path(path) if path is not None else data_dir() / SHIPPED
    if not path.is_file():
        return {"pending": f"no sweep result at {path}; run `cramsim explore run --config "
                           f"data/explore/default.toml --out {path}`"}
    res = read_result(path)
    fr = frontier(res)
    ret = res["data"]["meets_retention"]
    axis = _axis(res["dims"])
    out = {"file": str(path), "target_error": fr["target_error"], "dims": res["dims"],
           "axis": axis, "units": res["axes"][axis][1],
           "axes": {d: [float(v) for v in res["axes"][d][0]] for d in res["dims"]},
           "designs": int(ret.size), "meets_retention": int(ret.sum()),
           "retention": [float(res["attrs"]["retention_years"]),
                         float(res["attrs"]["retention_temperature"])],
           "cell_area_max": fr["constraints"]["cell_area_max"],
           "stale": stale(res) if shipped else [], "workloads": {}, "gates": {}}
    for w, e in fr["workloads"].items():
        out["workloads"][w] = {"reachable": e["reachable"],
                               "gates_work_anywhere": e["gates_work_anywhere"],
                               "least_max_error": e["least_max_error"],
                               "max_energy_ratio": e["max_energy_ratio"],
                               "gates_work": e["axes"][axis]["gates_work"],
                               "pareto": e["pareto"]}
    for g, e in fr["gates"].items():
        out["gates"][g] = {"works_anywhere": e["works_anywhere"],
                           "least_max_error": e["least_max_error"], **e["summary"][axis]}
    return out


def _num(v) -> str:
    return "—" if v is None or not math.isfinite(v) else f"{v:.3g}"


def _where(fixed: dict) -> str:
    return ", ".join(f"{k} = {v:.3g}" for k, v in fixed.items())


def _per_slice(lines: list, grid: list, unit: str) -> str:
    """The slices where the gates start to work, or one 'not reached' for all."""
    hit = [ln for ln in lines if ln["smallest"] is not None]
    if not hit:
        u = "" if unit == "1" else f" {unit}"
        return (f"not reached in the swept range ({min(grid):.3g}..{max(grid):.3g}{u}) on "
                f"any of {len(lines)} settings")
    return "; ".join(f"{_where(ln['fixed'])}: {ln['text']}" for ln in hit) + \
        f" ({len(hit)}/{len(lines)} settings)"


def markdown(st: dict) -> list:
    """Report lines of :func:`study`."""
    lines = ["## What would make it hold (design-space sweep from physics)", ""]
    if "pending" in st:
        return lines + [st["pending"], ""]
    axes = ", ".join(f"{d} in [{', '.join(f'{v:.3g}' for v in vals)}]"
                     for d, vals in st["axes"].items())
    area = "" if st["cell_area_max"] is None else \
        f"; cell area <= {st['cell_area_max']:.3g} m^2"
    lines += [f"Sweep `{st['file']}`: {st['designs']} designs over {axes}; gate target error "
              f"{st['target_error']:g}; {st['meets_retention']} of them keep "
              f"{st['retention'][0]:g} years at {st['retention'][1]:g} K (Neel-Brown){area}. "
              f"Boundaries interpolate log10(error) and the ratio linearly between grid "
              f"points.", ""]
    if st["stale"]:
        lines += [f"**This result predates today's sweep config** (differs in: "
                  f"{', '.join(st['stale'])}); rerun {RERUN} to refresh it.", ""]
    ax, u = st["axis"], st["units"]
    lines += [f"| workload | gates meet the target anywhere (least max error) | smallest "
              f"{ax} where they do, per other axes | 10x with working gates | 50x with "
              "working gates | largest ratio (any design) | Pareto designs |",
              "|---|---|---|---|---|---|---|"]
    for w, e in st["workloads"].items():
        per = _per_slice(e["gates_work"], st["axes"][ax], u)
        lines.append(f"| {w} | {e['gates_work_anywhere']} ({_num(e['least_max_error'])}) | "
                     f"{per} | {e['reachable']['10x']} | {e['reachable']['50x']} | "
                     f"{_num(e['max_energy_ratio'])} | {len(e['pareto'])} |")
    lines += ["", f"| gate | works anywhere | smallest {ax} where it works (interpolated) | "
              "least max error |", "|---|---|---|---|"]
    for g, e in st["gates"].items():
        at = (f"{e['smallest']:.3g}{'' if u == '1' else ' ' + u} at {_where(e['at'])} "
              f"({e['slices_reached']}/{e['slices']} settings)" if e["smallest"] is not None
              else "not reached in the swept range")
        lines.append(f"| {g} | {e['works_anywhere']} | {at} | {_num(e['least_max_error'])} |")
    lines += ["", "Ratios without working gates are upper bounds of a machine that computes "
              "wrong results; `cramsim explore frontier` lists every boundary along every "
              "axis, `cramsim explore plot` draws the heat maps and the Pareto front.", ""]
    return lines
