"""Report section: the gate verdict under the sub-critical switching models.

Whether the barrier under a sub-critical current falls as Delta (1 - I/Ic0)^2 (the macrospin
Fokker-Planck result, the default) or as tau0 exp(Delta (1 - I/Ic0)^b) with b ~ 1 (what
experiments on larger junctions often fit; Koch, Katine & Sun, PRL 92, 088302 (2004)) changes
the holding and disturb errors of every gate by orders of magnitude at long pulses. Where the
device has a micromagnetic card (data/micromag/subcritical_<device>.toml, written by
``cramsim micromag subcritical``) the section also says which regime the device is in
(coherent below the crossover diameter, domain wall above it), its string-method Delta_eff,
and runs the gates under the law fitted to micromagnetic Monte Carlo (``micromag``). This
section runs the circuits optimizer (one row, pulses 1 ns - 1 us) under each model and says
which gates reach the target under each; :func:`study` returns a JSON-able dict,
:func:`markdown` the report lines (registered as the section ``subcritical``). Nothing is
re-derived here.
"""
from __future__ import annotations


from llg.micromag.subcritical import ACTIVATION_TARGETS as TARGETS

from .base import Section, fmt

MODELS = ("fp", "activation")
#: The gates whose verdict the section shows (fan-in 1, 2, 3; larger fan-in only narrows
#: the window further) and the optimizer's voltage grid (kept small: a report section).
GATES = ("NOT", "NAND2", "MAJ3")
N_VOLTAGES = 81


def micromag_inputs(device_name: str) -> dict:
    """The device's micromagnetic activation inputs, or {"pending": why not}."""
    from llg.device import load_device
    from llg.errors import ParameterError
    from llg.micromag.subcritical_card import subcritical_inputs

    try:
        return subcritical_inputs(load_device(device_name))
    except ParameterError as exc:
        return {"pending": f"no micromagnetic sub-critical law for this device: {exc}"}


def study(setup, say=lambda m: None) -> dict:
    """Per gate and model: least max error / feasibility, pulse width, the shortest pulse
    meeting the target, the coupled output error, the current ratios; the micromagnetic
    regime and law where the device has a card."""
    from circuits import operating_point
    from llg.errors import ParameterError

    mm = micromag_inputs(setup.device)
    models = MODELS + (() if "pending" in mm else ("micromag",))
    rows = []
    for model in models:
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
               for m in models}
    return {"rows": rows, "feasible_gates": verdict, "target_error": setup.target_error,
            "micromag": mm}


def regime_lines(mm: dict) -> list:
    """The micromagnetic regime paragraph (or why there is none)."""
    if "pending" in mm:
        return [f"Micromagnetics: {mm['pending']}", ""]
    L = [f"**Micromagnetic regime**: the device ({mm['mechanism']} saddle) is in the "
         f"**{mm['regime']}** regime (crossover diameter {fmt(mm['crossover_diameter'])} m); "
         f"string-method Delta_eff {mm['delta_eff']:.1f} vs macrospin Delta "
         f"{mm['delta_macrospin']:.1f}. `micromag`: the law fitted to stochastic-LLG escape "
         f"times on a {mm['law_diameter'] * 1e9:.0f} nm disk of the same material, "
         f"b = {mm['exponent']:.2f} +- {mm['exponent_se']:.2f}, tau0 = "
         f"{fmt(mm['attempt_time'])} s (ln +- {mm['ln_attempt_time_se']:.2f}), with Delta_eff; "
         f"the same fit to the macrospin Fokker-Planck times gives b = {mm['fp_exponent']:.2f}, "
         f"tau0 = {fmt(mm['fp_attempt_time'])} s. The exponent is an effective one over "
         f"Delta (1 - i)^2 = {min(TARGETS):g}-{max(TARGETS):g} (the currents the ensembles "
         "reach), carried to the "
         "device's barrier unchanged: the rows below are a sensitivity, not a measurement "
         "(the same fit gives the macrospin a b above its asymptotic 2, so a b > 2 here makes "
         "the holding barrier fall faster with current than it may at the device's Delta: "
         "a pessimistic bound on the holding errors). "
         f"On that disk the escape times are {min(mm['escape_ratio_to_fp']):.2f}-"
         f"{max(mm['escape_ratio_to_fp']):.2f} of the macrospin FP times at the same currents "
         "(its non-uniform thermal modes open more paths over the saddle); a one-cell disk, "
         "the model's macrospin limit, agrees with FP (largest deviation "
         f"{mm['limit_max_abs_z']:.1f} standard errors)."]
    if mm["extrapolated"]:
        L.append(" The law was fitted in the other regime than the device's: extrapolated.")
    return L + [""]


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
    L = ["## Gate verdict under the sub-critical models", ""]
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
          "choice (circuits.coupled.coupled_refine), with its change from that choice.", ""]
    L += regime_lines(st.get("micromag", {"pending": "not computed"}))
    L += ["| gate | model | max error | coupled | best coupled | pulse (s) | shortest pulse "
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
