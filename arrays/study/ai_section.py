"""Report section "The paper's targeted workloads": LLM-decode GEMV, batched GEMM and an int8
MLP on digital CRAM, the GPU alone and the hybrid MRAM + GPU system.

Per workload and per token (or image): energy and latency of CRAM (weights resident), the
GPU (:mod:`arrays.energy.gpu`), the hybrid (:mod:`arrays.energy.hybrid`) and the processor
baselines; the GPU / CRAM energy ratio and which of the paper's bands (2-5x early, 10-30x
hybrid, ~50x mature, from data/claims) it lands in, under the shipped device and under the
maturity scenarios; accuracy where a real model exists (mlp8_digits), else null with the
reason. A ratio from gates that fail at their operating points is marked as such: it is the
energy of an array that computes wrong results.
"""
from __future__ import annotations

import math

from ..energy.ai import dies_needed, parse_gemv
from ..energy.gpu import is_gpu, ridge_batch
from ..energy.hybrid import hybrid_by_gpu_wait, load_hybrid


def _fmt(x, unit="", digits=3):
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    return f"{x:.{digits}g}{(' ' + unit) if unit else ''}"


def band_of(ratio) -> str:
    """Which claim band (data/claims) an energy ratio falls in, in words."""
    from .claims import band

    if ratio is None:
        return "pending"
    b = {k: band(k) for k in ("early_2_5x", "hybrid_10_30x", "mature_50x")}
    (e_lo, e_hi), (h_lo, h_hi), (m_lo, m_hi) = (b["early_2_5x"], b["hybrid_10_30x"],
                                                b["mature_50x"])
    if ratio < 1.0:
        return "none: more energy than the baseline"
    if ratio < e_lo:
        return f"none: below the early band ({e_lo:g}-{e_hi:g}x)"
    for lo, hi, name in ((m_lo, m_hi, "mature"), (h_lo, h_hi, "hybrid"),
                         (e_lo, e_hi, "early")):
        if lo <= ratio <= hi:
            return f"{name} ({lo:g}-{hi:g}x)"
    if ratio > m_hi:
        return f"above every band (> {m_hi:g}x)"
    return "between bands"


def is_ai(result) -> bool:
    return getattr(result.workload, "unit", "item") != "item"


def _accuracy(r) -> tuple:
    if r.name.startswith("mlp8"):
        if r.accuracy_errors is None:
            return None, r.error_note or "no error model"
        return r.accuracy_errors, "held-out digits images, gate errors injected"
    return None, ("no trained model: random int8 weights and activations; the fraction of "
                  f"sampled outputs exactly right with gate errors is "
                  f"{_fmt(r.accuracy_errors)}")


def _gpu(setup):
    return next((b for b in setup.baselines if is_gpu(b)), None)


def gpu_assumptions(gled, cram, hyb, gpu, units) -> list:
    """GPU / CRAM and GPU / hybrid energy per unit with one unverified GPU-card value moved
    to each end of the card's ``range`` section; the ledgers are linear in both (HBM item,
    static-power items), so nothing is re-evaluated. The waiting GPU of the hybrid pays the
    changed static power too."""
    e_hbm = sum(i.energy for i in gled.items if i.key == "hbm")
    e_st = sum(i.energy for i in gled.items if i.key == "static_power")
    h_st = sum(i.energy for i in hyb.items if i.key == "gpu_static")
    p0, e_g = gpu["power.static_power"], gled.energy

    def row(what, value, unit, eg, eh):
        return {"assumption": what, "value": value, "unit": unit, "gpu_energy": eg / units,
                "energy_ratio": eg / cram.energy if cram.energy else None,
                "hybrid_energy_ratio": eg / eh if eh else None}

    e0 = gpu["memory.hbm_energy_per_bit"]
    rows = [row("memory.hbm_energy_per_bit", e, "J", e_g + (e / e0 - 1) * e_hbm, hyb.energy)
            for e in (gpu[f"range.hbm_energy_per_bit_{x}"] for x in ("low", "high"))]
    rows += [row("power.static_power", p, "W", e_g + (p / p0 - 1) * e_st,
                 hyb.energy + (p / p0 - 1) * h_st)
             for p in (gpu[f"range.static_power_{x}"] for x in ("low", "high"))]
    return rows


def _hybrid_entry(h, g, units, ok) -> dict:
    """Per-unit JSON of one hybrid ledger against the GPU's entry ``g``; the waiting GPU's
    power (W) is its items' energy over the wait."""
    gpu_items = [i for i in h.items if i.key.startswith("gpu_")]
    wait = next((i.count for i in gpu_items if i.key != "gpu_wake"), math.nan)
    e_gpu = sum(i.energy for i in gpu_items)
    ratio = g["energy"] * units / h.energy if ok and h.energy else None
    return {"energy": h.energy / units if ok else None,
            "latency": h.latency if ok else None,
            "energy_ratio": ratio,
            "speedup": g["latency"] / h.latency if ok and h.latency else None,
            "gpu_wait_energy": e_gpu / units if ok else None,
            "gpu_wait_power": next((i.unit_energy for i in gpu_items if i.key != "gpu_wake"),
                                   None),
            "wait": wait if ok else None,
            "band": band_of(ratio),
            "items": {i.key: i.energy / units for i in h.items}}


def workload_entry(r, setup, scenario_rows=()) -> dict:
    """The JSON entry of one AI workload (module docstring)."""
    gpu = _gpu(setup)
    units = r.workload.n_items / r.workload.items_per_unit
    c = r.cram["resident"]
    ok = not c.pending
    acc, why = _accuracy(r)
    out = {"name": r.name, "unit": r.workload.unit, "units": units,
           "cram_energy": c.energy / units if ok else None,
           "cram_latency": c.latency if ok else None,
           "accuracy": acc, "accuracy_reason": why,
           "accuracy_perfect": r.accuracy_perfect,
           "computes_correctly": r.computes_correctly,
           "by_baseline": {}}
    for b in r.baseline:
        q = r.ratio("resident", b)
        out["by_baseline"][b] = {"energy": r.baseline[b].energy / units,
                                 "latency": r.baseline[b].latency,
                                 "energy_ratio": q["energy_ratio"], "speedup": q["speedup"]}
    if gpu is None:
        out.update(baseline=None, baseline_energy=None, energy_ratio=None, speedup=None,
                   band="pending: no GPU baseline card in this run")
        return out
    g = out["by_baseline"][gpu.name]
    out.update(baseline=gpu.name, baseline_energy=g["energy"], baseline_latency=g["latency"],
               energy_ratio=g["energy_ratio"], speedup=g["speedup"],
               gpu_bound=r.baseline[gpu.name].structure.get("bound"),
               band=band_of(g["energy_ratio"]) + ("" if r.computes_correctly else
                                                   " (gates fail: results wrong)"))
    card = load_hybrid()
    hybrids = hybrid_by_gpu_wait(r, gpu, card)
    by_wait = {m: _hybrid_entry(h, g, units, ok) for m, h in hybrids.items()}
    if ok:
        out["gpu_assumptions"] = gpu_assumptions(r.baseline[gpu.name], c,
                                                 hybrids[card.meta["gpu_wait"]], gpu, units)
    out["hybrid"] = {**by_wait[card.meta["gpu_wait"]], "gpu_wait": card.meta["gpu_wait"],
                     "by_gpu_wait": [{"gpu_wait": m, **{k: v for k, v in e.items()
                                                        if k != "items"}}
                                     for m, e in by_wait.items()]}
    out["scenarios"] = [
        {"scenario": s["scenario"], "claim": s["claim"],
         "energy_ratio": s["energy_ratio_by_baseline"].get(gpu.name),
         "band": band_of(s["energy_ratio_by_baseline"].get(gpu.name)),
         "accuracy": s["accuracy"], "computes_correctly": s["computes_correctly"]}
        for s in scenario_rows if s["workload"] == r.name]
    return out


#: one int8 x int8 MAC as 1-bit MACs: bit-serial activations (8) x bit-sliced weights (8)
#: (the ISAAC scheme, Shafiee et al., ISCA 2016), for engines quoted per 1-bit MAC
BIT_MACS_PER_INT8_MAC = 64
#: the analog crossbar section's network (digits BNN 64-128-10): its 1-bit MACs
CROSSBAR_BNN_MACS = 64 * 128 + 128 * 10
#: host-interface items of the CRAM ledger every engine pays the same way
HOST_ITEMS = ("activation_io", "data_out_io")


def tech_rows(r, memtech: dict | None, crossbar: dict | None) -> list:
    """The same GEMV / MLP per token or image on the other engines: each memory
    technology's MVM macro (data/memtech, energy per 1-bit MAC x 64 per int8 MAC) and our
    analog MRAM crossbar (its digits-BNN energy per 1-bit MAC, tiles and ADCs included,
    x 64), plus the same host-interface items as the CRAM ledger."""
    c = r.cram["resident"]
    units = r.workload.n_items / r.workload.items_per_unit
    host = sum(i.energy for i in c.items if i.key in HOST_ITEMS) / units
    macs = r.workload.n_items * r.workload.baseline.tensor_macs / units
    out = []
    for t, card in sorted(((memtech or {}).get("cards") or {}).items()):
        e = (card.get("mvm.energy_per_mac") or {}).get("value")
        if e:
            out.append({"engine": f"{t} MVM macro (card)", "energy": macs *
                        BIT_MACS_PER_INT8_MAC * e + host, "host": host})
    e_cb = ((crossbar or {}).get("headline") or {}).get("energy_total")
    if e_cb:
        out.append({"engine": "analog MRAM crossbar (our model)", "energy": macs *
                    BIT_MACS_PER_INT8_MAC * e_cb / CROSSBAR_BNN_MACS + host, "host": host})
    return out


BATCHES = (1, 8, 64, 256, 1024, 4096)


def batch_sweep(r, gpu) -> list:
    """GPU vs CRAM energy per token over the batch size for a ``gemv8_<N>x<K>`` result: the
    GPU's roofline ledger at each B (:mod:`arrays.energy.gpu`); CRAM's per-token cost is the
    same at every B (the weights never move; each token is its own set of rows)."""
    from ..energy.ai import gemv_workload, parse_gemv
    from ..energy.baseline import baseline_ledger

    shape = parse_gemv(r.name)
    c = r.cram["resident"]
    if shape is None or gpu is None or c.pending:
        return []
    n, k, b0 = shape
    cram = c.energy / (r.workload.n_items / r.workload.items_per_unit)
    out = []
    for b in BATCHES:
        wl = gemv_workload(n, k, b)
        led = baseline_ledger(wl.name, wl.baseline, wl.n_items, gpu)
        e = led.energy / b
        out.append({"batch": b, "gpu_energy": e, "gpu_latency": led.latency,
                    "gpu_bound": led.structure["bound"], "cram_energy": cram,
                    "energy_ratio": e / cram, "band": band_of(e / cram)})
    return out


def ai_study(results, setup, scenarios: dict | None = None, memtech: dict | None = None,
             crossbar: dict | None = None) -> dict:
    rows = (scenarios or {}).get("rows", ())
    entries = []
    for r in results:
        if not is_ai(r):
            continue
        e = workload_entry(r, setup, rows)
        if e.get("baseline_energy") and not r.cram["resident"].pending:
            e["engines"] = [{**t, "energy_ratio": e["baseline_energy"] / t["energy"],
                             "band": band_of(e["baseline_energy"] / t["energy"])}
                            for t in tech_rows(r, memtech, crossbar)]
        e["batch_sweep"] = batch_sweep(r, _gpu(setup))
        shape = parse_gemv(r.name)
        if shape is not None:
            e["resident_weights"] = dies_needed(shape[0], shape[1], setup)
        entries.append(e)
    gpu = _gpu(setup)
    return {"workloads": entries, "gpu": gpu.name if gpu else None,
            "ridge_batch": ridge_batch(gpu) if gpu else None,
            "hybrid": load_hybrid().name, "gpu_wait": load_hybrid().meta["gpu_wait"]}


def plot_ai(study: dict, out):
    """Energy per token / image: CRAM, GPU, hybrid and the other engines (log bars);
    None when there is nothing to draw."""
    from .plots import plot_bars

    ws = [w for w in study["workloads"] if w.get("baseline_energy")]
    if not ws:
        return None
    series = {"CRAM (digital)": [w["cram_energy"] for w in ws],
              study["gpu"]: [w["baseline_energy"] for w in ws],
              "hybrid MRAM + GPU": [(w.get("hybrid") or {}).get("energy") for w in ws]}
    for w in ws:
        for t in w.get("engines", []):
            series.setdefault(t["engine"], [None] * len(ws))
    for i, w in enumerate(ws):
        for t in w.get("engines", []):
            series[t["engine"]][i] = t["energy"]
    return plot_bars([f"{w['name']}\n(per {w['unit']})" for w in ws], series, out,
                     "energy per token / image (J)", "the paper's targeted workloads")


def ai_markdown(study: dict, fig=None) -> list:
    L = ["## The paper's targeted workloads", "",
         "The paper names deep-learning inference, matrix-vector products in particular, as "
         "MRAM's target, and the GPU's memory bandwidth as the bottleneck it attacks. "
         "`gemv8_4096x4096` is one 4096-wide projection of an LLM decode step (int8 weights "
         "x int8 activations, int32 sums; weights resident in the arrays, activations "
         "written next to every weight chunk), swept over the batch size (the GPU reads its "
         "weights once per batch); `mlp8_digits` is a trained int8 MLP. "
         "CRAM rows are simulated bit-accurately on a sample; the full-size counts are exact "
         "(the same row program everywhere).", ""]
    if not study["workloads"]:
        return L + ["No AI workload in this run.", ""]
    if study["gpu"] is None:
        return L + ["pending: no GPU baseline card in this run (add `--baseline "
                    "gpu_h100_sxm`).", ""]
    L += [f"GPU: `{study['gpu']}` (roofline: compute-bound above a batch of "
          f"{study['ridge_batch']:.0f} tokens); hybrid: `{study['hybrid']}`.", "",
          "| workload | per | CRAM J | GPU J | hybrid J | GPU/CRAM | band | GPU/hybrid "
          "| speedup vs GPU | accuracy |", "|---|---|---|---|---|---|---|---|---|---|"]
    for w in study["workloads"]:
        h = w.get("hybrid") or {}
        acc = _fmt(w["accuracy"]) if w["accuracy"] is not None else "n/a"
        L.append(f"| {w['name']} | {w['unit']} | {_fmt(w['cram_energy'])} | "
                 f"{_fmt(w['baseline_energy'])} | {_fmt(h.get('energy'))} | "
                 f"{_fmt(w['energy_ratio'])} | {w['band']} | {_fmt(h.get('energy_ratio'))} | "
                 f"{_fmt(w['speedup'])} | {acc} |")
    L += gpu_wait_markdown(study) + gpu_assumptions_markdown(study)
    if fig:
        L += ["", f"![energy per token or image]({fig.name})"]
    L += ["", "Accuracy: " + "; ".join(f"{w['name']}: {w['accuracy_reason']}"
                                        for w in study["workloads"]) + ".", ""]
    eng = [(w["name"], w["unit"], t) for w in study["workloads"] for t in w.get("engines", [])]
    if eng:
        L += ["The same question on the other engines (energy per token or image; an int8 "
              "MAC as 64 one-bit MACs; the same host-interface items as CRAM):", "",
              "| workload | engine | J per unit | GPU / engine | band |", "|---|---|---|---|---|"]
        L += [f"| {n} | {t['engine']} | {_fmt(t['energy'])} | {_fmt(t['energy_ratio'])} | "
              f"{t['band']} |" for n, u, t in eng]
        L.append("")
    for w in study["workloads"]:
        d = w.get("resident_weights")
        if d:
            L += [f"`{w['name']}` keeps its {d['weight_bits']:.3g} weight bits in {d['rows']} "
                  f"rows = {d['arrays']} arrays ({d['array_bits']:.3g} cells with the "
                  f"row programs' work columns): {d['dies']} CRAM die(s) of the system card.",
                  ""]
        if w.get("batch_sweep"):
            L += [f"`{w['name']}` over the batch size (GPU energy per token from its roofline; "
                  "CRAM's per token does not change):", "",
                  "| batch | GPU J/token | GPU bound | CRAM J/token | GPU/CRAM | band |",
                  "|---|---|---|---|---|---|"]
            L += [f"| {b['batch']} | {_fmt(b['gpu_energy'])} | {b['gpu_bound']} | "
                  f"{_fmt(b['cram_energy'])} | {_fmt(b['energy_ratio'])} | {b['band']} |"
                  for b in w["batch_sweep"]]
            L.append("")
    sc = [(w["name"], s) for w in study["workloads"] for s in w.get("scenarios", [])]
    if sc:
        L += ["Under the maturity scenarios (GPU / CRAM energy per token or image):", "",
              "| workload | scenario | GPU/CRAM | band | computes correctly |",
              "|---|---|---|---|---|"]
        L += [f"| {n} | {s['scenario']} | {_fmt(s['energy_ratio'])} | {s['band']} | "
              f"{'yes' if s['computes_correctly'] else 'no'} |" for n, s in sc]
        L.append("")
    L += ["Why: the GPU at batch 1 is memory-bound and pays HBM access plus static power "
          "for each weight byte once per token; CRAM never moves the weights but writes "
          "each activation next to every weight chunk and runs thousands of gate and "
          "preset cycles per row, each switching MTJs. Batching divides the GPU's weight "
          "traffic by B and leaves CRAM's cost per token unchanged.", ""]
    return L


WAIT_WORDS = {"static": "stays powered (static power)",
              "power_gated": "power-gated (residual power + one wake-up)",
              "busy_elsewhere": "busy with other requests (nothing charged)"}


def gpu_assumptions_markdown(study: dict) -> list:
    """The GPU card's unverified values over their ranges (a sensitivity)."""
    rows = [(w["name"], a) for w in study["workloads"] for a in w.get("gpu_assumptions", [])]
    if not rows:
        return []
    L = ["", "The GPU card's unverified values at the ends of the card's ranges (HBM3 "
         "energy per bit: no primary figure found, HBM2's taken; static power: bare idle to "
         "a model resident, from public nvidia-smi logs; sources in the card); the card's "
         "values give the table above:", "",
         "| workload | GPU card value | set to | GPU J per unit | GPU/CRAM | GPU/hybrid |",
         "|---|---|---|---|---|---|"]
    L += [f"| {n} | `{a['assumption']}` | {_fmt(a['value'], a['unit'])} | "
          f"{_fmt(a['gpu_energy'])} | {_fmt(a['energy_ratio'])} | "
          f"{_fmt(a['hybrid_energy_ratio'])} |" for n, a in rows]
    return L


def gpu_wait_markdown(study: dict) -> list:
    """The hybrid under each state of the waiting GPU (a sensitivity: it decides the
    hybrid's verdict)."""
    rows = [(w["name"], w["unit"], e) for w in study["workloads"]
            for e in (w.get("hybrid") or {}).get("by_gpu_wait", [])]
    if not rows:
        return []
    L = ["", f"The hybrid's GPU waits while the CRAM dies compute; what it costs then is a "
         f"design choice, not a fact of the GPU (data/hybrid, `gpu_wait`; the table above "
         f"uses `{study.get('gpu_wait')}`). A GPU that stays powered pays its static power "
         "for the whole CRAM time; a power-gated one pays a residual power and a wake-up "
         "(a state today's H100 does not offer); one that serves other requests meanwhile "
         "charges its static power to them (an optimistic bound):", "",
         "| workload | GPU while waiting | W while waiting | GPU wait J per unit | hybrid J "
         "| GPU/hybrid | band |", "|---|---|---|---|---|---|---|"]
    L += [f"| {n} | {WAIT_WORDS.get(e['gpu_wait'], e['gpu_wait'])} | "
          f"{_fmt(e['gpu_wait_power'])} | {_fmt(e['gpu_wait_energy'])} | "
          f"{_fmt(e['energy'])} | {_fmt(e['energy_ratio'])} | {e['band']} |"
          for n, u, e in rows]
    return L


def workload_json(r, baseline: str) -> dict:
    """A workload's JSON entry against ``baseline``, with its band and, for the AI
    workloads, energies per token/image and an accuracy only where a real model exists."""
    d = r.to_json(baseline=baseline)
    d["band"] = band_of(d["energy_ratio"]) + ("" if r.computes_correctly or
                                              d["energy_ratio"] is None
                                              else " (gates fail: results wrong)")
    d["unit"] = r.workload.unit
    d["items_per_unit"] = r.workload.items_per_unit
    if is_ai(r):
        d["accuracy"], d["accuracy_reason"] = _accuracy(r)
        units = r.workload.n_items / r.workload.items_per_unit
        d["cram_energy_per_unit"] = d["cram_energy"] / units if d["cram_energy"] else None
        d["baseline_energy_per_unit"] = d["baseline_energy"] / units
    return d
