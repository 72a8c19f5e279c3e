"""Other memories on the same workloads (SRAM CIM, ReRAM, PCM, MRAM cards, data/memtech)
and a training step against inference (data/training)."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ...energy.evaluate import HEADLINE_BASELINE, HEADLINE_SCENARIO
from ...sim.gates import GATES
from ..claims import maturity_bands
from .base import Section, fmt

YEAR = 365.25 * 86400.0      # s
def _switching_writes(run) -> float:
    """Cell writes of a run: presets/constants plus the gate outputs that switch."""
    sw = sum(float(run.pattern_counts[g] @ GATES[g].switch_table()) for g in
             run.pattern_counts)
    return sw + float(sum(run.cell_writes.values()))


BOUNDARY_CATEGORIES = ("data movement", "control")


def boundary_per_item(result=None, setup=None, workload=None) -> dict:
    """{item key: J per item} of the system boundary (arrays/energy/boundary.py) every row
    of a comparison pays: from the CRAM ledger of ``result`` when given, else booked from
    the cards for ``workload`` (no control: no CRAM program ran)."""
    if result is not None and not result.cram[HEADLINE_SCENARIO].pending:
        n = result.workload.n_items
        return {i.key: i.energy / n for i in result.cram[HEADLINE_SCENARIO].items
                if i.category in BOUNDARY_CATEGORIES}
    from ...energy.boundary import boundary_items
    items = boundary_items(setup.periphery, setup.system, n_items=workload.n_items,
                           in_bits=workload.in_bits,
                           out_bits=workload.out_bits_for(HEADLINE_SCENARIO),
                           scenario=HEADLINE_SCENARIO, commands=0)
    return {i.key: i.energy / workload.n_items for i in items}


def logic_comparison(results, setup, cards) -> list:
    """Each workload's CRAM program executed as stateful logic in each technology.

    Per item, itemized: the system boundary every row pays (data movement, control: the
    same items as the CRAM ledger), the MRAM ledger's periphery (lines, decoders) and the
    cell writes (presets, constants and switching gate outputs) times the card's write
    energy (which the card says includes its drivers);
    non-switching gate evaluations are counted free (a lower bound for the other
    technologies). MRAM keeps its simulated circuits ledger. Lifetime: endurance x pass
    time / writes per used cell per pass (ideal wear levelling over the used columns: an
    upper bound; a hot column wears out sooner), pass time = cycles x (t_write + setup).
    """
    out = []
    t_setup = setup.periphery["periphery.cycle_setup_time"]
    for r in results:
        c = r.cram[HEADLINE_SCENARIO]
        if c.pending:
            continue
        n = r.workload.n_items
        A = r.run.active_rows
        passes = math.ceil(n / setup.rows)
        writes_row = _switching_writes(r.run) / A
        writes_item = writes_row * passes * setup.rows / n
        bnd = boundary_per_item(r)
        e_per = sum(i.energy for i in c.items if i.category == "periphery") / n
        base = r.baseline[HEADLINE_BASELINE].energy / n
        cycles = r.stats["gate_cycles"] + r.stats["write_cycles"]
        cols = r.stats["columns"]
        for t, card in cards.items():
            e_w = card["cell.write_energy"]
            e_cells = writes_item * e_w
            e_item = c.energy / n if t == "mram" else sum(bnd.values()) + e_per + e_cells
            t_pass = cycles * (card["cell.write_latency"] + t_setup)
            life = card["cell.endurance"] * t_pass / (writes_row / cols)
            out.append({"workload": r.name, "technology": t, "energy_per_item": e_item,
                        "energy_ratio": base / e_item, "writes_per_item": writes_item,
                        "boundary": bnd,
                        "periphery_per_item": e_per,
                        "engine_per_item": (c.energy / n - sum(bnd.values()) - e_per
                                            if t == "mram" else e_cells),
                        "pass_time": t_pass, "lifetime_continuous": life,
                        "computes_correctly": r.computes_correctly if t == "mram" else None})
    return out


def memtech_study(results, setup, say=lambda m: None, crossbar: dict | None = None) -> dict:
    """Technology cards, the stateful-logic comparison and the training-step study.

    ``crossbar``: the analog crossbar section's data; its headline energy per digits
    inference (our own MRAM crossbar model) adds an MRAM training row next to the card's
    literature figure.
    """
    from ...energy.baseline import baseline_ledger
    from ..memtech import MramContext, load_all
    from ..training import (baseline_training_per_sample, bnn_shape, load_training,
                           training_step)
    from ...energy.workloads import get_workload

    say("technology cards and training step")
    cards = load_all(MramContext(device=setup.device, periphery=setup.periphery,
                                 target_error=setup.target_error,
                                 costs=setup.costs if setup.costs.writes else None))
    card_rows = {t: {s["key"]: {"value": s["value"], "unit": s["unit"],
                                "source": s["source"]} for s in c.sources()}
                 for t, c in cards.items()}
    logic = logic_comparison(results, setup, cards)
    tcard, shape = load_training(), bnn_shape()
    wl = get_workload("bnn_digits")
    bcard = next(b for b in setup.baselines if b.name == HEADLINE_BASELINE) \
        if any(b.name == HEADLINE_BASELINE for b in setup.baselines) else setup.baselines[0]
    b_inf = baseline_ledger(wl.name, wl.baseline, wl.n_items, bcard).energy / wl.n_items
    b_train = baseline_training_per_sample(b_inf, tcard, shape, bcard)
    par = int(setup.periphery["array.cols"])
    bnn = next((r for r in results if r.name == "bnn_digits" and r.complete()), None)
    bnd = boundary_per_item(bnn, setup, wl)
    e_bnd = sum(bnd.values())
    training = []
    for t, card in cards.items():
        # the MVM macro's MACs plus the same boundary as every other row
        e_inf = shape.macs * card["mvm.energy_per_mac"] + e_bnd
        tr = training_step(card, shape, tcard, par, inference_energy_per_item=e_inf)
        training.append({**tr.to_json(), "engine": "MVM macro (card)", "boundary": bnd,
                         "inference_ratio": b_inf / tr.inference_energy_per_item,
                         "training_ratio": b_train / tr.training_energy_per_sample})
    if bnn is not None:
        e = bnn.cram[HEADLINE_SCENARIO].energy / bnn.workload.n_items
        tr = training_step(cards["mram"], shape, tcard, par, inference_energy_per_item=e)
        training.append({**tr.to_json(), "technology": "mram",
                         "engine": "digital CRAM (simulated ledger)", "boundary": bnd,
                         "inference_ratio": b_inf / e,
                         "training_ratio": b_train / tr.training_energy_per_sample,
                         "computes_correctly": bnn.computes_correctly})
    e_cb = ((crossbar or {}).get("headline") or {}).get("energy_total")
    if e_cb:
        e_cb = e_cb + e_bnd
        tr = training_step(cards["mram"], shape, tcard, par, inference_energy_per_item=e_cb)
        training.append({**tr.to_json(), "technology": "mram", "boundary": bnd,
                         "engine": "analog crossbar (our model, report section)",
                         "inference_ratio": b_inf / e_cb,
                         "training_ratio": b_train / tr.training_energy_per_sample})
    return {"cards": card_rows, "logic": logic, "training": training,
            "training_card": [{"key": s["key"], "value": s["value"], "unit": s["unit"],
                               "source": s["source"]} for s in tcard.sources()],
            "baseline_inference_per_item": b_inf, "baseline_training_per_sample": b_train,
            "network": {"weights": shape.weights, "macs": shape.macs}}


def plot_memtech(study: dict, out: Path) -> Path:
    """Inference vs training energy ratio per technology (bar pairs, log axis)."""
    from ..plots import _save, plt

    tr = study["training"]
    labels = [f"{r['technology']}\n{r['engine'].split(' (')[0]}" for r in tr]
    x = np.arange(len(tr))
    fig, ax = plt.subplots(figsize=(8, 4), constrained_layout=True)
    ax.bar(x - 0.2, [r["inference_ratio"] for r in tr], 0.4, label="inference")
    ax.bar(x + 0.2, [r["training_ratio"] for r in tr], 0.4, label="training (per sample)")
    for key, (lo, hi) in maturity_bands().items():
        ax.axhspan(lo, hi, alpha=0.08, color="grey")
    ax.axhline(1.0, color="k", lw=0.8)
    ax.set_xticks(x)
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel(f"energy ratio vs {HEADLINE_BASELINE}")
    ax.set_title("bnn_digits: inference vs training step per technology", fontsize=9)
    ax.legend(fontsize=8)
    return _save(fig, out)


def memtech_markdown(study: dict, fig: str | None) -> list:
    cards = study["cards"]
    techs = list(cards)
    keys = list(next(iter(cards.values())))
    L = ["## Other memories, same workloads", "",
         "Technology cards (data/memtech; MRAM's on/off ratio, write energy, latency and "
         "error and its retention are taken from our device and circuits layers at load "
         "time, not copied into the card):", "",
         "| entry | unit | " + " | ".join(techs) + " |", "|---|---|" + "---|" * len(techs)]
    for k in keys:
        L.append(f"| {k} | {cards[techs[0]][k]['unit']} | " +
                 " | ".join(fmt(cards[t][k]["value"]) for t in techs) + " |")
    L += ["", "Stateful logic: each workload's CRAM program with its cell writes (presets, "
          "constants and switching gate outputs) paid at each technology's write energy; "
          "periphery and data movement as the MRAM ledger; non-switching evaluations free "
          "(a lower bound for the others). Lifetime: continuous operation until the mean "
          "used cell reaches its endurance (ideal wear levelling: an upper bound).", "",
          "| workload | technology | J/item | of which boundary (data movement, control) | "
          "energy ratio | writes/item | pass time (s) | "
          "lifetime (s) | lifetime (years) |", "|---|---|---|---|---|---|---|---|---|"]
    for r in study["logic"]:
        tag = "" if r["computes_correctly"] is None else \
            (" (computes correctly)" if r["computes_correctly"] else
             " (simulated ledger; gates fail at their operating points)")
        L.append(f"| {r['workload']} | {r['technology']}{tag} | "
                 f"{fmt(r['energy_per_item'])} | {fmt(sum(r['boundary'].values()))} | "
                 f"{fmt(r['energy_ratio'])}x | {fmt(r['writes_per_item'])} | "
                 f"{fmt(r['pass_time'])} | {fmt(r['lifetime_continuous'])} | "
                 f"{fmt(r['lifetime_continuous'] / YEAR)} |")
    if not study["logic"]:
        L.append("| (CRAM ledgers incomplete) | | | | | | | |")
    L += ["", "Every row pays the same system boundary (data movement and control, the "
          "CRAM ledger's items); the MRAM row is the simulated ledger, the others add the "
          "same periphery and their cell writes. "
          "The other technologies' rows assume their gates compute correctly (their "
          "error rates as logic are not modelled); they show what the write energy, write "
          "time and endurance alone allow."]
    nw = study["network"]
    L += ["", "## Inference vs training", "",
          f"bnn_digits ({nw['weights']} one-bit weights, {nw['macs']} MACs per inference). A "
          "training step (data/training/bnn_digits.toml) runs forward + backward on a batch "
          "and rewrites the weights in the array. Baseline per sample: "
          f"inference {fmt(study['baseline_inference_per_item'])} J, training "
          f"{fmt(study['baseline_training_per_sample'])} J.", "",
          "Every row's inference energy includes the same system boundary per item as the "
          "CRAM ledger (data movement and control: "
          + ", ".join(f"{k} {fmt(v)} J" for k, v in
                      (study["training"][0].get("boundary") or {}).items()) + ").", "",
          "| technology | engine | inference J/item | training J/sample | gap | write share "
          "| write latency/step (s) | write errors/step | steps to wear-out | run uses "
          "| inference ratio | training ratio |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in study["training"]:
        fail = " (gates fail)" if r.get("computes_correctly") is False else ""
        L.append(f"| {r['technology']} | {r['engine']} | "
                 f"{fmt(r['inference_energy_per_item'])} | "
                 f"{fmt(r['training_energy_per_sample'])} | {fmt(r['gap'])}x | "
                 f"{fmt(r['write_share'], digits=2)} | {fmt(r['write_latency_per_step'])} | "
                 f"{fmt(r['write_errors_per_step'])} | {fmt(r['steps_to_wearout'])} | "
                 f"{fmt(r['run_fraction_of_endurance'])} of endurance | "
                 f"{fmt(r['inference_ratio'])}x{fail} | {fmt(r['training_ratio'])}x{fail} |")
    mram = [r for r in study["training"] if r["technology"] == "mram"]
    if len(mram) > 1:
        b = sum((mram[0].get("boundary") or {}).values())
        L += ["", "Reconciling the MRAM rows: all pay the same boundary "
              f"({fmt(b)} J per inference); what differs is the engine: " + "; ".join(
                  f"{r['engine']} {fmt(r['inference_energy_per_item'] - b)} J "
                  f"({fmt(r['inference_ratio'])}x"
                  + (" (gates fail)" if r.get("computes_correctly") is False else "") + ")"
                  for r in mram) +
              ". The MVM macro figure is a published per-MAC energy at its own node and "
              "precision; the digital CRAM row runs the whole network as gate pulses and "
              "presets; the analog crossbar row is our current-summation model."]
    L += ["", "Gap = training energy per sample / inference energy per item; 'run uses' = "
          "steps of one training run / steps to wear-out (each cell rewritten "
          "update_fraction times per step). Write errors per step = cells written x the "
          "card's write error (no write-verify). MVM macro energies are published macro "
          "figures (ADC included) at their own precision and node; see the card sources.",
          "", "Training-step card:", "", "| entry | value | unit | source |",
          "|---|---|---|---|"]
    for s in study["training_card"]:
        L.append(f"| {s['key']} | {s['value']:g} | {s['unit']} | {s['source']} |")
    L += ["", "Technology card sources:", "", "| technology | entry | source |", "|---|---|---|"]
    for t in techs:
        for k in keys:
            L.append(f"| {t} | {k} | {cards[t][k]['source']} |")
    if fig:
        L += ["", f"![Inference vs training per technology]({Path(fig).name})"]
    return L + [""]


def _compute(ctx):
    if not ctx.options.memtech:
        return None
    return memtech_study(ctx.results, ctx.setup, ctx.say, ctx.data("crossbar"))


def _render(ctx, study) -> list:
    fig = plot_memtech(study, ctx.out_dir / "memtech.png") if ctx.out_dir else None
    return memtech_markdown(study, fig)


MEMTECH = Section("memtech", _compute, _render)
