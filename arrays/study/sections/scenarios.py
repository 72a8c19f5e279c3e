"""Maturity scenarios (data/scenarios): every workload under each scenario's device,
periphery and integration, judged against the 2-5x / 10-30x / ~50x claims."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ...energy.evaluate import HEADLINE_BASELINE, HEADLINE_SCENARIO, evaluate
from ..claims import maturity_bands
from .base import Section, fmt, switching_words

def scenario_study(base, names, scenarios=None, say=lambda m: None, default_results=None
                   ) -> dict:
    """Every workload under every scenario (same evaluate/ledger path as the report)."""
    from ..scenarios import SCENARIOS, load_scenario, scenario_setup

    from ...energy.workloads import get_workload

    rows, meta, caps = [], [], []
    # only the gates these workloads use get circuits operating points (faster)
    used = sorted({g for n in names for g in
                   get_workload(n).make(8, base.cols, base.seed).program.gate_counts()})
    if default_results:
        for r in default_results:
            rows.append(_scenario_row("as shipped", None, r))
    for name in (scenarios or SCENARIOS):
        sc = load_scenario(name)
        say(f"scenario {sc.name}: circuits operating points and {len(names)} workloads")
        su = scenario_setup(sc, base, gates=used)
        c = su.costs
        meta.append({"name": sc.name, "description": sc.description,
                     "rationale": sc.rationale, "claim": sc.claim, "band": maturity_bands().get(sc.claim),
                     "device": su.device, "sources": sc.sources(),
                     "switching": switching_words(c),
                     "off_target": sorted(c.off_target), "infeasible": sorted(c.infeasible),
                     "max_gate_error": max([float(np.max(g.error_by_pattern))
                                            for g in c.gates.values()] or [math.nan]),
                     "mean_gate_energy": {g: float(np.mean(x.energy_by_pattern))
                                          for g, x in c.gates.items()},
                     "write_energy": {str(v): w.energy for v, w in c.writes.items()}})
        for n in names:
            rows.append(_scenario_row(sc.name, sc.claim, evaluate(n, su)))
        caps.extend(_pulse_cap_rows(sc, base, used, names, rows, meta[-1]))
    return {"scenarios": meta, "rows": rows, "verdicts": _scenario_verdicts(meta, rows),
            "pulse_cap": caps}


def _pulse_cap_rows(sc, base, used, names, rows, m) -> list:
    """The scenario re-run with its pulse cap lifted (gates may use pulses up to the source's
    1 us): a scenario's speed target is an input a reviewer can overturn, so the report shows
    what it costs in gate error and what lifting it does to the energy ratio and speed."""
    import dataclasses

    from ..scenarios import scenario_setup

    from circuits.fpsource import PULSE_RANGE

    cap = sc.max_pulse_width
    if cap is None or (base.table is None and cap >= PULSE_RANGE[1]):
        return []                       # no cap, or one the source's own range already sets
    free = dataclasses.replace(sc, values={k: v for k, v in sc.values.items()
                                           if k != ("device", "max_pulse_width")})
    su = scenario_setup(free, base, gates=used)
    err = max([float(np.max(g.error_by_pattern)) for g in su.costs.gates.values()]
              or [math.nan])
    out = []
    for n in names:
        capped = next(r for r in rows if r["scenario"] == sc.name and r["workload"] == n)
        lifted = _scenario_row(sc.name, sc.claim, evaluate(n, su))
        out.append({"scenario": sc.name, "workload": n, "pulse_cap": cap,
                    "max_gate_error_capped": m["max_gate_error"],
                    "max_gate_error_uncapped": err,
                    "energy_ratio_capped": capped["energy_ratio"],
                    "energy_ratio_uncapped": lifted["energy_ratio"],
                    "speedup_capped": capped["speedup"], "speedup_uncapped": lifted["speedup"],
                    "computes_correctly_uncapped": lifted["computes_correctly"],
                    "holds_uncapped": lifted["holds"]})
    return out


def _scenario_row(scenario, claim, r) -> dict:
    q = r.ratio(HEADLINE_SCENARIO, HEADLINE_BASELINE)
    other = {b: r.ratio(HEADLINE_SCENARIO, b)["energy_ratio"] for b in r.baseline}
    v = q["energy_ratio"]
    band = maturity_bands().get(claim)
    in_band = None if v is None or band is None else band[0] <= v <= band[1]
    return {"scenario": scenario, "workload": r.name, "claim": claim,
            "energy_ratio": v, "energy_ratio_upper_bound": q["energy_ratio_upper_bound"],
            "energy_ratio_by_baseline": other, "speedup": q["speedup"],
            "accuracy": r.accuracy_errors, "accuracy_perfect": r.accuracy_perfect,
            "computes_correctly": r.computes_correctly, "in_band": in_band,
            "holds": bool(in_band and r.computes_correctly),
            "exceeds": bool(v is not None and band is not None and v > band[1]
                            and r.computes_correctly),
            "gates_meet_target": r.gates_meet_target,
            "cram_energy_per_item": (r.cram[HEADLINE_SCENARIO].energy / r.workload.n_items
                                     if q["complete"] else None)}


def _scenario_verdicts(meta, rows) -> list:
    out = []
    for m in meta:
        rs = [r for r in rows if r["scenario"] == m["name"]]
        lo, hi = m["band"]
        holds = [r["workload"] for r in rs if r["holds"]]
        energy_only = [r for r in rs if r["in_band"] and not r["computes_correctly"]]
        above = [r["workload"] + ("" if r["computes_correctly"] else " (gates fail)")
                 for r in rs if r["energy_ratio"] and r["energy_ratio"] > hi]
        below = [r["workload"] for r in rs if r["energy_ratio"] and r["energy_ratio"] < lo]
        parts = []
        exceeds = [r["workload"] for r in rs if r["exceeds"]]
        if holds:
            parts.append("holds for " + ", ".join(holds))
        if exceeds:
            parts.append("exceeded (more than claimed, with working gates) for " +
                         ", ".join(exceeds))
        if not holds and not exceeds:
            parts.append("does not hold for any workload with working gates")
        if energy_only:
            parts.append("the energy ratio alone falls in the band for " + ", ".join(
                f"{r['workload']} ({r['energy_ratio']:.3g}x, accuracy "
                f"{fmt(r['accuracy'])})" for r in energy_only) +
                " but the gates fail at their operating points")
        if above:
            parts.append("ratio above the band (exceeds it): " + ", ".join(above))
        if below:
            parts.append("below the band: " + ", ".join(below))
        if m["off_target"] or m["infeasible"]:
            parts.append(f"gates missing the target error: "
                         f"{', '.join(m['off_target'] + m['infeasible']) or 'none'} "
                         f"(largest gate error {fmt(m['max_gate_error'])})")
        out.append({"scenario": m["name"], "claim": m["claim"], "band": [lo, hi],
                    "holds_for": holds, "exceeded_for": exceeds, "verdict": "; ".join(parts)})
    return out


def plot_scenarios(study: dict, out: Path) -> Path:
    """Energy ratio per workload and scenario (log axis) with the claim bands shaded."""
    from ..plots import _save, plt

    rows = study["rows"]
    names = list(dict.fromkeys(r["workload"] for r in rows))
    scs = list(dict.fromkeys(r["scenario"] for r in rows))
    fig, ax = plt.subplots(figsize=(8, 4.2), constrained_layout=True)
    colors = {"early_2_5x": "tab:green", "hybrid_10_30x": "tab:orange", "mature_50x": "tab:red"}
    for key, (lo, hi) in maturity_bands().items():
        ax.axhspan(lo, hi, color=colors[key], alpha=0.12,
                   label=f"claimed {lo:g}-{hi:g}x for {key.split('_')[0]} devices")
    ax.axhline(50.0, color="tab:red", ls=":", lw=1)
    marks = "osD^v"
    for k, sc in enumerate(scs):
        xs, ys, filled = [], [], []
        for i, n in enumerate(names):
            r = next((r for r in rows if r["scenario"] == sc and r["workload"] == n), None)
            v = None if r is None else (r["energy_ratio"] or r["energy_ratio_upper_bound"])
            if v:
                xs.append(i + (k - (len(scs) - 1) / 2) * 0.12)
                ys.append(v)
                filled.append(r["computes_correctly"])
        if xs:
            ax.scatter(xs, ys, marker=marks[k % len(marks)], s=40, label=sc,
                       facecolors=["C%d" % k if f else "none" for f in filled],
                       edgecolors="C%d" % k)
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=15)
    ax.set_yscale("log")
    ax.set_ylabel(f"energy ratio vs {HEADLINE_BASELINE}")
    ax.set_title("Energy ratio per maturity scenario (open markers: gates fail at their "
                 "operating points)", fontsize=9)
    ax.legend(fontsize=7, ncol=2)
    return _save(fig, out)


def scenario_markdown(study: dict, fig: str | None) -> list:
    L = ["## Maturity scenarios: where do the 2-5x, 10-30x and ~50x claims hold?", "",
         "Each scenario (data/scenarios/*.toml) changes the device (TMR0 and the spin-torque "
         "efficiency eta, which sets Ic0; a largest pulse width), the periphery and the "
         "integration; every workload is then run through the same evaluate / circuits / "
         "ledger path as above. Each scenario's device gets its own switching source, the "
         "same model as the as-shipped rows (arrays/study/scaled_switching.py; its source "
         "per scenario below). Energy ratio: data resident, vs "
         f"`{HEADLINE_BASELINE}`.", ""]
    for m in study["scenarios"]:
        L.append(f"* **{m['name']}** (judged against `{m['claim']}`, band "
                 f"{m['band'][0]:g}-{m['band'][1]:g}x): {m['description']}. {m['rationale']} "
                 f"Switching: {m.get('switching', 'not recorded')}.")
    held = [(v["scenario"], v["holds_for"]) for v in study["verdicts"] if v["holds_for"]]
    L += ["", "**In short:** " + ("; ".join(f"`{s}`'s claim holds for {', '.join(w)}"
                                            for s, w in held) if held else
                                  "no claim holds for any workload in any scenario: a "
                                  "configuration counts only if its energy ratio lies in the "
                                  "band and the array computes correctly at the circuits "
                                  "operating points") + ".", ""]
    L += ["| workload | " + " | ".join(dict.fromkeys(r["scenario"] for r in
                                                  study["rows"])) + " |"]
    scs = list(dict.fromkeys(r["scenario"] for r in study["rows"]))
    L.append("|---|" + "---|" * len(scs))
    for n in dict.fromkeys(r["workload"] for r in study["rows"]):
        cells = []
        for sc in scs:
            r = next((r for r in study["rows"] if r["scenario"] == sc and r["workload"] == n),
                     None)
            if r is None:
                cells.append("")
            elif r["energy_ratio"] is None:
                cells.append(f"≤ {fmt(r['energy_ratio_upper_bound'])}x (incomplete)"
                             if r["energy_ratio_upper_bound"] else "pending")
            else:
                tag = "**holds**" if r["holds"] else ("in band, gates fail" if r["in_band"]
                                                      else "")
                cells.append(f"{r['energy_ratio']:.3g}x, acc {fmt(r['accuracy'])}"
                             + (f" ({tag})" if tag else ""))
        L.append(f"| {n} | " + " | ".join(cells) + " |")
    L += ["", "Verdicts:", ""]
    for v in study["verdicts"]:
        L.append(f"* **{v['scenario']}** vs `{v['claim']}`: {v['verdict']}.")
    L += ["", "Scenario operating points:", "",
          "| scenario | device | largest gate error | gates off target | mean gate energy "
          "range (J) | write energy 0 / 1 (J) |", "|---|---|---|---|---|---|"]
    for m in study["scenarios"]:
        ge = list(m["mean_gate_energy"].values())
        rng = f"{min(ge):.3g}-{max(ge):.3g}" if ge else "—"
        we = " / ".join(fmt(m["write_energy"].get(k)) for k in ("0", "1"))
        L.append(f"| {m['name']} | {m['device']} | {fmt(m['max_gate_error'])} | "
                 f"{', '.join(m['off_target'] + m['infeasible']) or 'none'} | {rng} | {we} |")
    if study.get("pulse_cap"):
        L += ["", "Pulse-cap sensitivity: each scenario with a largest pulse width (its speed "
              "target) below the gates' 1 us re-run with the cap lifted (pulses up to 1 us, as "
              "for the as-shipped rows):", "",
              "| scenario | workload | cap (s) | largest gate error capped / uncapped | "
              "energy ratio capped / uncapped | speedup capped / uncapped | uncapped holds |",
              "|---|---|---|---|---|---|---|"]
        for c in study["pulse_cap"]:
            L.append(f"| {c['scenario']} | {c['workload']} | {fmt(c['pulse_cap'])} | "
                     f"{fmt(c['max_gate_error_capped'])} / {fmt(c['max_gate_error_uncapped'])} | "
                     f"{fmt(c['energy_ratio_capped'])} / {fmt(c['energy_ratio_uncapped'])} | "
                     f"{fmt(c['speedup_capped'])} / {fmt(c['speedup_uncapped'])} | "
                     f"{'yes' if c['holds_uncapped'] else 'no'} |")
    L += ["", "Scenario parameters and their sources:", "",
          "| scenario | entry | value | unit | source |", "|---|---|---|---|---|"]
    for m in study["scenarios"]:
        for s in m["sources"]:
            L.append(f"| {m['name']} | {s['key']} | {s['value']:g} | {s['unit']} | "
                     f"{s['source']} |")
    if fig:
        L += ["", f"![Energy ratio per scenario]({Path(fig).name})"]
    return L + [""]


def _compute(ctx):
    o = ctx.options
    if not o.scenarios:
        return None
    return scenario_study(ctx.setup, ctx.names, o.scenarios, ctx.say, ctx.results)


def _render(ctx, study) -> list:
    fig = plot_scenarios(study, ctx.out_dir / "scenarios.png") if ctx.out_dir else None
    return scenario_markdown(study, fig)


SCENARIO_STUDY = Section("scenarios", _compute, _render)
