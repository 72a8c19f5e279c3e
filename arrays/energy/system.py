"""The die around the arrays (data/system): how many sub-arrays compute at once.

Parallelism is derived, never assumed: a die of capacity C bits holds ``C / (R x K)``
sub-arrays of R rows and K columns, and a power budget P_max feeds ``P_max / P_array`` of
them at once, with P_array the energy one array spends in one pass over the pass's duration
(everything the array draws: cells, lines, decoders, drivers and regulator loss). So

    parallel_arrays = max(1, min(floor(C / (R K)), floor(P_max / P_array)))

and the limiting term is named (``"die capacity"`` or ``"power budget"``). With rounds =
ceil(passes / parallel_arrays) the CRAM latency is ``rounds x t_pass + t_io``
(:func:`latency`); :func:`speed_grid` evaluates it over a range of capacities and budgets,
the report's sensitivity of the speedup to both.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from llg.errors import ParameterError

from .techdata import DataCard, load_card

#: Declared entries of a system card (data/system/*.toml): (unit, lo, hi, description).
SYSTEM_DECLARED = {
    ("die", "capacity"): ("bit", 1.0, 1e15, "memory capacity of the CRAM die"),
    ("die", "power_budget"): ("W", 1e-6, 1e4, "power the arrays may draw at once"),
    ("control", "energy_per_command"): ("J", 0.0, 1e-8, "sequencer energy per issued cycle"),
}

#: Sensitivity grid of the report: die capacities (bit) and power budgets (W).
CAPACITIES = tuple(float(4 ** k) * 2 ** 30 for k in range(-3, 3))      # 16 Mb - 16 Gb
POWER_BUDGETS = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0)


def load_system(name_or_path="cram_die_45nm") -> DataCard:
    """A validated system card (every number with unit and source; capacity and power
    budget positive, see :data:`SYSTEM_DECLARED`)."""
    return load_card("system", name_or_path, SYSTEM_DECLARED)


@dataclass(frozen=True)
class Parallelism:
    """Sub-arrays computing at once and why (SI units)."""

    count: int
    by_capacity: int
    by_power: int | None         # None: the array draws no power (nothing limits it)
    source: str                  # "die capacity" or "power budget"
    array_power: float           # W, one array during a pass
    capacity: float              # bit
    power_budget: float          # W

    def describe(self) -> str:
        cap = f"{self.by_capacity} arrays fit in {self.capacity / 2 ** 30:.3g} Gb"
        pw = ("no power limit" if self.by_power is None else
              f"{self.power_budget:.3g} W / {self.array_power:.3g} W per array = "
              f"{self.by_power} arrays")
        note = " (one array alone exceeds the budget; one is used)" \
            if self.by_power is not None and self.by_power < 1 else ""
        return f"{self.count} ({self.source} limits: {cap}; {pw}{note})"

    def to_json(self) -> dict:
        return {**asdict(self), "text": self.describe()}


def parallel_arrays(system: DataCard, rows: int, cols: int, array_power: float,
                    capacity: float | None = None, power_budget: float | None = None
                    ) -> Parallelism:
    """The parallelism rule of the module docstring. ``capacity`` / ``power_budget``
    replace the card's values (sensitivity studies)."""
    if rows < 1 or cols < 1:
        raise ParameterError(f"array size {rows} x {cols} must be at least 1 x 1")
    cap = float(system["die.capacity"] if capacity is None else capacity)
    budget = float(system["die.power_budget"] if power_budget is None else power_budget)
    if not cap > 0:
        raise ParameterError(f"die capacity = {cap!r} bit must be > 0")
    if not budget > 0:
        raise ParameterError(f"power budget = {budget!r} W must be > 0")
    p = float(array_power)
    if not math.isfinite(p) or p < 0:
        raise ParameterError(f"array power = {p!r} W must be finite and >= 0")
    # a relative 1e-9 guards the floor against round-off (2 W / 1 mW is 2000, not 1999)
    by_cap = max(1, math.floor(cap / (rows * cols) * (1 + 1e-9)))
    by_pow = None if p == 0 else math.floor(budget / p * (1 + 1e-9))
    if by_pow is not None and by_pow < by_cap:
        count, src = max(1, by_pow), "power budget"
    else:
        count, src = by_cap, "die capacity"
    return Parallelism(count, by_cap, by_pow, src, p, cap, budget)


def latency(passes: int, parallel: int, t_pass: float, t_io: float = 0.0) -> float:
    """CRAM latency (s): ``ceil(passes / parallel)`` sequential rounds of ``t_pass`` plus
    the host-interface time ``t_io``, which does not shrink with parallelism."""
    return math.ceil(passes / max(1, int(parallel))) * t_pass + t_io


def speed_grid(system: DataCard, rows: int, cols: int, array_power: float, passes: int,
               t_pass: float, t_io: float, baseline_latency: float) -> dict:
    """Speedup over ``baseline_latency`` vs die capacity (card power budget) and vs power
    budget (card capacity): the report's sensitivity of the speed to both."""
    def one(**kw):
        par = parallel_arrays(system, rows, cols, array_power, **kw)
        return {"parallel_arrays": par.count, "source": par.source,
                "speedup": baseline_latency / latency(passes, par.count, t_pass, t_io)}
    return {"capacity": [{"capacity": c, **one(capacity=c)} for c in CAPACITIES],
            "power_budget": [{"power_budget": b, **one(power_budget=b)}
                             for b in POWER_BUDGETS]}
