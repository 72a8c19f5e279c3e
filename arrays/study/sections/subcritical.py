"""Report section: the gate verdict under both sub-critical switching models.

Whether the barrier under a sub-critical current falls as Delta (1 - I/Ic0)^2 (the macrospin
Fokker-Planck result, the default) or as tau0 exp(Delta (1 - I/Ic0)^b) with b ~ 1 (what
experiments on larger junctions often fit; Koch, Katine & Sun, PRL 92, 088302 (2004)) changes
the holding and disturb errors of every gate by orders of magnitude at long pulses. This
section runs the circuits optimizer (one row, pulses 1 ns - 1 us) under both models and says
which gates reach the target under each; :func:`study` returns a JSON-able dict,
:func:`markdown` the report lines (registered as the section ``subcritical``). Nothing is
re-derived here.
"""
from __future__ import annotations


from .base import Section, fmt

MODELS = ("fp", "activation")
#: The gates whose verdict the section shows (fan-in 1, 2, 3; larger fan-in only narrows
#: the window further) and the optimizer's voltage grid (kept small: a report section).
GATES = ("NOT", "NAND2", "MAJ3")
N_VOLTAGES = 81


def study(setup, say=lambda m: None) -> dict:
    """Per gate and model: least max error / feasibility, pulse width, the shortest pulse
    meeting the target, the coupled output error, the current ratios."""
    from circuits import operating_point
    from llg.errors import ParameterError

    rows = []
    for model in MODELS:
        say(f"sub-critical model {model}: gate operating points")
        for g in GATES:
            try:
                op = operating_point(g, device=setup.device, technology=setup.technology,
                                     rows=1, target_error=setup.target_error,
                                     subcritical=model, n_voltages=N_VOLTAGES)
            except ParameterError as exc:   # e.g. a device the FP does not apply to
                return {"pending": f"sub-critical comparison not available: {exc}"}
            rows.append({"gate": g, "model": model, "feasible": op.feasible,
                         "max_error_rate": op.max_error_rate, "pulse_width": op.pulse_width,
                         "shortest_pulse_meeting_target": op.shortest_pulse_meeting_target,
                         "coupled_max_error_rate": op.details.get("coupled_max_error_rate"),
                         "coupled_refined": _refined(op.details.get("coupled_refined")),
                         "v_operating": op.v_operating,
                         "current_ratio_offered": op.current_ratio_offered,
                         "current_ratio_needed": op.current_ratio_needed})
    verdict = {m: [r["gate"] for r in rows if r["model"] == m and r["feasible"]]
               for m in MODELS}
    return {"rows": rows, "feasible_gates": verdict, "target_error": setup.target_error}


def _refined(r):
    """The coupled refinement's point, error and change (JSON-able), or None."""
    if not r:
        return None
    keep = ("voltage", "pulse_width", "max_error_rate", "feasible", "mean_energy",
            "evaluations", "fp_solves")
    return {**{k: r[k] for k in keep}, "change": r["change"]}


def _refined_cell(r) -> str:
    c = (r or {}).get("coupled_refined")
    if not c:
        return "—"
    return (f"{fmt(c['max_error_rate'])} at {fmt(c['voltage'], 'V', 4)}, {fmt(c['pulse_width'])} s "
            f"(ΔV {c['change']['voltage'] * 1e3:+.3g} mV, t x{c['change']['pulse_width_ratio']:.3g})")


def markdown(st: dict) -> list:
    """Report lines of :func:`study`."""
    L = ["## Gate verdict under both sub-critical models", ""]
    if "pending" in st:
        return L + [st["pending"], ""]
    L += [f"One row, 45 nm access transistor at the card's width, pulses 1 ns - 1 us, target "
          f"{st['target_error']:g}. `fp`: macrospin Fokker-Planck everywhere (barrier "
          "Delta (1 - i)^2); `activation`: holding and disturb patterns (i < 1) from "
          "tau0 exp(Delta (1 - i)^b), b and tau0 from the device (default b = 1, tau0 = 1 ns; "
          "Koch, Katine & Sun 2004). 'coupled' is the max error at the same point with the "
          "currents of the output and of the disturbed inputs following their resistance as "
          "they switch (FP with i(u); `fp` only); 'best coupled' is the point of least "
          "coupled max error (least energy where one meets the target) near the optimizer's "
          "choice (circuits.coupled.coupled_refine), with its change from that choice.", "",
          "| gate | model | max error | coupled | best coupled | pulse (s) | shortest pulse "
          "meeting target (s) | I ratio offered / needed |",
          "|---|---|---|---|---|---|---|---|"]
    for r in st["rows"]:
        L.append(f"| {r['gate']} | {r['model']} | {fmt(r['max_error_rate'])} | "
                 f"{fmt(r['coupled_max_error_rate'])} | {_refined_cell(r)} | "
                 f"{fmt(r['pulse_width'])} | "
                 f"{fmt(r['shortest_pulse_meeting_target'])} | "
                 f"{fmt(r['current_ratio_offered'])} / {fmt(r['current_ratio_needed'])} |")
    for m, gates in st["feasible_gates"].items():
        L.append("")
        L.append(f"* **{m}**: " + (f"reach the target: {', '.join(gates)}"
                                   if gates else "no gate reaches the target"))
    L.append("")
    return L


SUBCRITICAL = Section("subcritical", lambda ctx: study(ctx.setup, ctx.say),
                      lambda ctx, st: markdown(st))
