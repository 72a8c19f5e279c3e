"""How many sub-arrays compute at once, and how the speedup depends on the die's capacity
and power budget (the sensitivity the system card's two assumptions need)."""
from __future__ import annotations

from ..energy.evaluate import HEADLINE_BASELINE, HEADLINE_SCENARIO
from ..energy.system import CAPACITIES, POWER_BUDGETS, speed_grid


def parallelism_study(results, setup) -> dict:
    """Per workload: the derived parallelism and the speedup grid vs capacity and budget."""
    out = {}
    for r in results:
        c = r.cram[HEADLINE_SCENARIO]
        if c.pending or r.parallelism is None or setup.system is None:
            continue
        st = c.structure
        out[r.name] = {"parallelism": r.parallelism.to_json(),
                       "grid": speed_grid(setup.system, setup.rows, setup.cols,
                                          r.parallelism.array_power, st["passes"],
                                          st["t_pass"], st["t_io"],
                                          r.baseline[HEADLINE_BASELINE].latency)}
    return out


def parallelism_markdown(study: dict, setup) -> list:
    if not study:
        return []
    cap = setup.system["die.capacity"]
    pw = setup.system["die.power_budget"]
    L = ["## Parallelism: die capacity and power budget", "",
         f"Sub-arrays computing at once = min(die capacity / array size, power budget / "
         f"power of one array) (data/system/{setup.system.name}.toml: "
         f"{cap / 2 ** 30:g} Gb, {pw:g} W; arrays/energy/system.py). One array's power is "
         "its energy per pass (cells, lines, decoders, drivers, supply conversion) over the "
         "pass time.", "",
         "| workload | power per array (W) | arrays by capacity | arrays by power | used "
         "(limit) |", "|---|---|---|---|---|"]
    for name, d in study.items():
        p = d["parallelism"]
        L.append(f"| {name} | {p['array_power']:.3g} | {p['by_capacity']} | "
                 f"{p['by_power'] if p['by_power'] is not None else '—'} | {p['count']} "
                 f"({p['source']}) |")
    L += ["", f"Speedup vs `{HEADLINE_BASELINE}` when the die capacity varies (power budget "
          f"{pw:g} W):", "", "| workload | " + " | ".join(
              f"{c / 2 ** 30:g} Gb" if c >= 2 ** 30 else f"{c / 2 ** 20:g} Mb"
              for c in CAPACITIES) + " |",
          "|---|" + "---|" * len(CAPACITIES)]
    for name, d in study.items():
        L.append(f"| {name} | " + " | ".join(f"{x['speedup']:.3g}x" for x in
                                             d["grid"]["capacity"]) + " |")
    L += ["", f"Speedup when the power budget varies (capacity {cap / 2 ** 30:g} Gb):", "",
          "| workload | " + " | ".join(f"{b:g} W" for b in POWER_BUDGETS) + " |",
          "|---|" + "---|" * len(POWER_BUDGETS)]
    for name, d in study.items():
        L.append(f"| {name} | " + " | ".join(f"{x['speedup']:.3g}x" for x in
                                             d["grid"]["power_budget"]) + " |")
    return L + [""]
