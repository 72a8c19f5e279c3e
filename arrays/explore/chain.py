"""One design, the whole chain from physics: device -> retention -> gates -> workloads.

:func:`evaluate_design` returns a flat record (quantity -> float, plus ``reason``): derived
device quantities (Delta, Ic0 at the device temperature), the Neel-Brown retention time at the
constraint temperature (:func:`llg.retention.retention`: tau_D sqrt(pi/Delta) exp(Delta)),
per gate the operating point from the Fokker-Planck source (:func:`circuits.operating_point`:
max pattern error, mean energy, latency), FP preset writes (:mod:`.writes`), and per workload
the energy ratio and speedup against the baseline and the accuracy with the gates' errors
(:func:`arrays.energy.evaluate.evaluate`, data resident in the arrays). A design the chain
cannot evaluate (a device the FP model does not cover, a closed window) keeps NaN in what it
could not compute and says why in ``reason``; nothing is dropped.
"""
from __future__ import annotations

import hashlib
import json
import math

from llg.errors import ParameterError

from .config import CIRCUIT_KEYS, SweepConfig

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
    "feasible": ("1", "1 if every gate and write meets the target, retention and area hold "
                 "and every workload computes correctly, else 0 (see reason)"),
}
#: Per-gate quantities (name template "<q>__<gate>").
GATE_QUANTITIES = {
    "max_gate_error": ("1", "largest error probability over the gate's input patterns"),
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


def _gate_costs(cfg: SweepConfig, dev, circ: dict, gates: tuple, rec: dict, reasons: list):
    """CostModel of the design's gates and writes from the FP source; fills ``rec``."""
    from arrays.energy.costs import CostModel, gate_cost_from_operating_point
    from circuits import operating_point
    from circuits.fpsource import fp_source

    from .writes import fp_write_cost

    s = cfg.settings
    costs = CostModel("explore", dev.name, "circuits.operating_point (FP source) via "
                      "arrays.explore", parameters={"rows": circ["rows"]},
                      includes_line_charging=True)
    for g in gates:
        op = operating_point(g, device=dev, technology=circ["technology"], rows=circ["rows"],
                             target_error=cfg.target_error, switching="fp",
                             pulse_range=circ["pulse_range"], subcritical=s["subcritical"],
                             n_voltages=s["n_voltages"])
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
    src = fp_source(dev, circ["pulse_range"], s["subcritical"])
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


def evaluate_design(cfg: SweepConfig, index: int, gates: tuple | None = None) -> dict:
    """The record of design ``index`` (module doc): floats by quantity, ``reason`` text,
    ``hash`` the design's content hash."""
    from llg.fokker_planck import check_fp_device

    gates = gates_of(cfg) if gates is None else gates
    params = cfg.design(index)
    rec = {q: math.nan for q in quantity_names(cfg, gates)}
    rec["feasible"], rec["meets_retention"], rec["meets_area"] = 0.0, 0.0, 0.0
    reasons: list = []
    rec["hash"] = design_hash(cfg, params)
    try:
        dev = design_device(cfg, params)
        rec["delta"], rec["ic0"] = float(dev.delta), float(dev.ic0)
        _retention(cfg, dev, rec, reasons)
        circ = _circuit(cfg, params)
        _area(cfg, circ, rec, reasons)
        check_fp_device(dev)
        costs = _gate_costs(cfg, dev, circ, gates, rec, reasons)
        _workloads(cfg, dev, circ, costs, rec, reasons)
    except ParameterError as exc:
        reasons.append(f"not evaluated: {exc}")
    rec["feasible"] = float(not reasons)
    rec["reason"] = "; ".join(reasons) if reasons else \
        f"all gates and writes meet {cfg.target_error:g}; retention and area met"
    return rec
