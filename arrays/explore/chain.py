"""One design, the whole chain from physics: device -> retention -> gates -> workloads.

:func:`evaluate_design` returns a flat record (quantity -> float, plus ``reason``): derived
device quantities (Delta, Ic0 at the device temperature), the Neel-Brown retention time at the
constraint temperature (:func:`llg.retention.retention`: tau_D sqrt(pi/Delta) exp(Delta)),
per gate the operating point from the Fokker-Planck source (:func:`circuits.operating_point`:
max pattern error, mean energy, latency), FP preset writes (:mod:`.writes`), and per workload
the energy ratio and speedup against the baseline and the accuracy with the gates' errors
(:func:`arrays.energy.evaluate.evaluate`, data resident in the arrays). Where the FP model
does not cover the device, gates and writes read a compact Monte Carlo table built for it
(:mod:`.mc`, cached by content hash), every error as its 95 % upper bound; a target below
that data's error floor is "not evaluated" before any trajectory runs. A design the chain
cannot evaluate keeps NaN in what it could not compute and says why in ``reason``; nothing is
dropped. Switching data (FP grids, MC tables) go through the content-hash disk cache
(:mod:`.fpcache`, :mod:`llg.tables.cache`); ``cache_hits`` / ``cache_misses`` count what
this design read from it and what it computed (build statistics only: the numbers do not
depend on them).
"""
from __future__ import annotations

import hashlib
import json
import math

from llg.errors import ParameterError

from .config import CIRCUIT_KEYS, SweepConfig
from .fpcache import fp_grid_store

#: Per-design scalars: name -> (unit, long_name).
DESIGN_QUANTITIES = {
    "delta": ("1", "thermal stability factor E_b / k_B T at the device temperature"),
    "ic0": ("A", "zero-temperature critical current"),
    "delta_retention": ("1", "thermal stability factor at the retention temperature"),
    "retention_time": ("s", "Neel-Brown escape time tau_D sqrt(pi/Delta) exp(Delta) at the "
                       "retention temperature"),
    "meets_retention": ("1", "1 if retention_time >= the required retention, else 0"),
    "cell_area": ("m^2", "cell area with the access transistor at its width"),
    "meets_area": ("1", "1 if cell_area <= the constraint's cell_area_max (or none is set), "
                   "else 0"),
    "write_error": ("1", "larger write error rate of the two presets"),
    "switching_mc": ("1", "1 if the switching data is Monte Carlo (the Fokker-Planck model "
                     "does not apply to the device), 0 if Fokker-Planck"),
    "error_floor": ("1", "smallest error rate the switching data resolves: 0 for "
                    "Fokker-Planck, the 95 % upper bound at zero counts for Monte Carlo"),
    "feasible": ("1", "1 if every gate and write meets the target, retention and area hold "
                 "and every workload computes correctly, else 0 (see reason)"),
}
#: Per-gate quantities (name template "<q>__<gate>").
GATE_QUANTITIES = {
    "max_gate_error": ("1", "largest error probability over the gate's input patterns "
                       "(Monte Carlo designs: its 95 % upper bound)"),
    "gate_energy": ("J", "mean energy per gate evaluation and row"),
    "gate_latency": ("s", "gate cycle: pulse width plus line settling"),
}
#: Per-workload quantities (name template "<q>__<workload>").
WORKLOAD_QUANTITIES = {
    "energy_ratio": ("1", "baseline energy / CRAM energy (data resident)"),
    "speedup": ("1", "baseline latency / CRAM latency (data resident)"),
    "accuracy": ("1", "fraction of items correct with the gates' error rates"),
}


def gates_of(cfg: SweepConfig) -> tuple:
    """Gates the workloads use (sorted), from their programs."""
    from arrays.energy.workloads import get_workload

    used = set()
    for w in cfg.workloads:
        inst = get_workload(w).make(8, 1024, cfg.settings["seed"])
        used |= set(inst.program.gate_counts())
    return tuple(sorted(used))


def quantity_names(cfg: SweepConfig, gates: tuple) -> dict:
    """Every numeric quantity of a record: name -> (unit, long_name)."""
    out = dict(DESIGN_QUANTITIES)
    for q, (u, d) in GATE_QUANTITIES.items():
        out.update({f"{q}__{g}": (u, f"{d} ({g})") for g in gates})
    for q, (u, d) in WORKLOAD_QUANTITIES.items():
        out.update({f"{q}__{w}": (u, f"{d} ({w}, vs {cfg.settings['baseline']})")
                    for w in cfg.workloads})
    return out


def design_device(cfg: SweepConfig, params: dict):
    """The base device with the design's device keys applied (validated)."""
    dev_keys = {k: v for k, v in params.items() if k not in CIRCUIT_KEYS}
    return cfg.base_device.with_(**dev_keys) if dev_keys else cfg.base_device


def design_hash(cfg: SweepConfig, params: dict) -> str:
    """Content hash of everything a design's record depends on (device, circuit, settings)."""
    device = cfg.base_device.to_dict()          # not validated: failing designs hash too
    device.update({k: v for k, v in params.items() if k not in CIRCUIT_KEYS})
    blob = {"device": device, "circuit": {k: v for k, v in params.items()
                                                 if k in CIRCUIT_KEYS},
            "workloads": list(cfg.workloads), "target_error": cfg.target_error,
            "retention": [cfg.retention_years, cfg.retention_temperature],
            "settings": cfg.settings}
    if cfg.cell_area_max is not None:            # unset: older hashes stay valid
        blob["cell_area_max"] = cfg.cell_area_max
    text = json.dumps(blob, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _retention(cfg: SweepConfig, dev, rec: dict, reasons: list) -> None:
    from llg.retention import YEAR, retention

    try:
        r = retention(dev, cfg.retention_temperature)
    except ParameterError as exc:
        reasons.append(f"retention: {exc}")
        return
    rec["delta_retention"] = float(r.delta)
    rec["retention_time"] = float(r.retention_time)
    rec["meets_retention"] = float(r.retention_time >= cfg.retention_years * YEAR)
    if not rec["meets_retention"]:
        reasons.append(f"retention {r.retention_time / YEAR:.3g} yr < "
                       f"{cfg.retention_years:g} yr at {cfg.retention_temperature:g} K")


def _circuit(cfg: SweepConfig, params: dict) -> dict:
    """Gate-layer arguments of a design: rows, technology (width applied), pulse range."""
    from arrays.energy.ledger import load_peripherals
    from circuits.technology import load_technology

    s = cfg.settings
    rows = int(params.get("rows", load_peripherals(s["periphery"])["array.rows"]))
    tech = load_technology(s["technology"])
    width = params.get("transistor_width")
    if width is not None:
        tech = tech.with_transistor_width(width)
    pulse_max = params.get("pulse_max", s["pulse_max"])
    if not s["pulse_min"] < pulse_max:
        raise ParameterError(f"pulse_max = {pulse_max:g} s must exceed settings.pulse_min = "
                             f"{s['pulse_min']:g} s")
    return {"rows": rows, "technology": tech, "pulse_range": (s["pulse_min"], pulse_max)}


def _area(cfg: SweepConfig, circ: dict, rec: dict, reasons: list) -> None:
    """Cell area at the design's transistor width (circuits.technology) vs cell_area_max."""
    area = float(circ["technology"].cell_area)
    rec["cell_area"] = area
    rec["meets_area"] = float(cfg.cell_area_max is None or area <= cfg.cell_area_max)
    if not rec["meets_area"]:
        reasons.append(f"cell area {area:.3g} m^2 > cell_area_max {cfg.cell_area_max:.3g} m^2")


def _switching_kwargs(cfg: SweepConfig, dev, circ: dict, mc) -> dict:
    """operating_point's switching arguments: the FP source, or the MC table ``mc`` with the
    design's own resistances (the table is shared by designs differing only there)."""
    if mc is None:
        return {"device": dev, "switching": "fp", "pulse_range": circ["pulse_range"],
                "subcritical": cfg.settings["subcritical"]}
    from circuits.context import CIRCUIT_ONLY

    return {"table": mc, "circuit_overrides": {k: getattr(dev, k) for k in CIRCUIT_ONLY}}


def _gate_costs(cfg: SweepConfig, dev, circ: dict, gates: tuple, rec: dict, reasons: list,
                mc=None):
    """CostModel of the design's gates and writes from the FP source, or from the MC table
    ``mc`` (:class:`.mc.MCSwitching`); fills ``rec``."""
    from arrays.energy.costs import CostModel, gate_cost_from_operating_point
    from circuits import operating_point
    from circuits.fpsource import fp_source

    from .writes import fp_write_cost

    s = cfg.settings
    origin = "FP source" if mc is None else "Monte Carlo table, 95 % upper bounds"
    costs = CostModel("explore", dev.name, f"circuits.operating_point ({origin}) via "
                      "arrays.explore", parameters={"rows": circ["rows"]},
                      includes_line_charging=True)
    for g in gates:
        op = operating_point(g, technology=circ["technology"], rows=circ["rows"],
                             target_error=cfg.target_error, n_voltages=s["n_voltages"],
                             **_switching_kwargs(cfg, dev, circ, mc))
        rec[f"max_gate_error__{g}"] = float(op.max_error_rate)
        if op.cell_area is not None:
            rec["cell_area"] = float(op.cell_area)
        if op.v_operating is None:
            costs.infeasible[g] = op.reason
            reasons.append(f"{g}: {op.reason}")
            continue
        rec[f"gate_energy__{g}"] = float(op.mean_energy)
        rec[f"gate_latency__{g}"] = float(op.latency)
        costs.gates[g] = gate_cost_from_operating_point(op)
        if not op.feasible:
            costs.off_target[g] = op.reason
            reasons.append(f"{g} misses the target (max error {op.max_error_rate:.3g})")
    src = fp_source(dev, circ["pulse_range"], s["subcritical"]) if mc is None else mc
    worst = 0.0
    for value in (0, 1):
        w, ok, why = fp_write_cost(value, dev, circ["technology"], circ["rows"],
                                   cfg.target_error, src, s["n_voltages"])
        if w is None:
            costs.infeasible[f"write {value}"] = why
            reasons.append(why)
            worst = math.nan
            continue
        costs.writes[value] = w
        worst = max(worst, w.error)
        if not ok:
            reasons.append(why)
    rec["write_error"] = worst
    return costs


def _workloads(cfg: SweepConfig, dev, circ: dict, costs, rec: dict, reasons: list) -> None:
    from arrays.energy.evaluate import evaluate, make_setup

    s = cfg.settings
    setup = make_setup(dev.name, periphery=s["periphery"], baselines=(s["baseline"],),
                       target_error=cfg.target_error, rows=circ["rows"], seed=s["seed"],
                       costs=costs)
    setup.sim_rows = s["sim_rows"]
    for w in cfg.workloads:
        res = evaluate(w, setup)
        r = res.ratio(baseline=s["baseline"])
        if r["energy_ratio"] is None:
            why = "; ".join(res.cram["resident"].pending) or "CRAM ledger incomplete"
            reasons.append(f"{w}: no energy ratio ({why})")
            continue
        rec[f"energy_ratio__{w}"] = float(r["energy_ratio"])
        rec[f"speedup__{w}"] = float(r["speedup"])
        if res.accuracy_errors is not None:
            rec[f"accuracy__{w}"] = float(res.accuracy_errors)
        if not res.computes_correctly:
            reasons.append(f"{w}: accuracy {res.accuracy_errors} below perfect "
                           f"{res.accuracy_perfect:.3g} - 0.01")


def _mc_switching(cfg: SweepConfig, dev, circ: dict, rec: dict):
    """None where FP applies; else the design's MC table (:func:`.mc.mc_source`), or a
    ParameterError if the target lies below the floor of the trial budget."""
    from llg.fokker_planck import check_fp_device

    from .mc import error_floor, mc_source

    try:
        check_fp_device(dev)
        rec["switching_mc"], rec["error_floor"] = 0.0, 0.0
        return None
    except ParameterError as exc:
        why = str(exc)
    n = cfg.settings["mc_trials"]
    rec["switching_mc"], rec["error_floor"] = 1.0, error_floor(n)
    if cfg.target_error < rec["error_floor"]:
        raise ParameterError(f"the Fokker-Planck model does not apply ({why}) and Monte Carlo "
                             f"cannot reach target error {cfg.target_error:g} with {n} trials "
                             f"(floor {rec['error_floor']:.2g})")
    src, status = mc_source(dev, cfg.settings, circ["pulse_range"][1])
    rec["cache_hits" if status == "hit" else "cache_misses"] += 1
    return src


def evaluate_design(cfg: SweepConfig, index: int, gates: tuple | None = None) -> dict:
    """The record of design ``index`` (module doc): floats by quantity, ``reason`` text,
    ``hash`` the design's content hash."""
    gates = gates_of(cfg) if gates is None else gates
    params = cfg.design(index)
    rec = {q: math.nan for q in quantity_names(cfg, gates)}
    rec["feasible"], rec["meets_retention"], rec["meets_area"] = 0.0, 0.0, 0.0
    rec["cache_hits"], rec["cache_misses"] = 0, 0
    reasons: list = []
    rec["hash"] = design_hash(cfg, params)
    with fp_grid_store() as counts:
        try:
            dev = design_device(cfg, params)
            rec["delta"], rec["ic0"] = float(dev.delta), float(dev.ic0)
            _retention(cfg, dev, rec, reasons)
            circ = _circuit(cfg, params)
            _area(cfg, circ, rec, reasons)
            mc = _mc_switching(cfg, dev, circ, rec)
            costs = _gate_costs(cfg, dev, circ, gates, rec, reasons, mc)
            _workloads(cfg, dev, circ, costs, rec, reasons)
        except ParameterError as exc:
            reasons.append(f"not evaluated: {exc}")
    rec["cache_hits"] += counts["hits"]
    rec["cache_misses"] += counts["misses"]
    rec["feasible"] = float(not reasons)
    rec["reason"] = "; ".join(reasons) if reasons else \
        f"all gates and writes meet {cfg.target_error:g}; retention and area met"
    return rec
