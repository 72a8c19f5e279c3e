"""Preset writes of a swept design as ledger costs (SI units).

The write model and its search are :func:`circuits.write_operating_point` (worst-case far row,
the others in P; energy per cell from the source power over the mean switching time), run on
the design's switching source - the gates' Fokker-Planck source (same pulse range and
sub-critical model) or a table-like source (a Monte Carlo table built for the design). This
module only turns its result into a :class:`arrays.energy.costs.WriteCost`.
"""
from __future__ import annotations

from arrays.energy.costs import WriteCost


def _source_kwargs(device, src) -> dict:
    """write_operating_point's switching arguments for the gates' source ``src``."""
    from circuits.context import CIRCUIT_ONLY
    from circuits.fpsource import FPSwitching

    if isinstance(src, FPSwitching):
        return {"device": device, "switching": "fp", "pulse_range": src.pulse_width_range,
                "subcritical": src.subcritical}
    # a table shared by designs that differ on the circuit side only: the design's own
    # resistances as what-if overrides
    return {"table": src, "circuit_overrides": {k: getattr(device, k) for k in CIRCUIT_ONLY}}


def fp_write_cost(value: int, device, technology, rows: int, target_error: float, src,
                  n_voltages: int = 81):
    """(WriteCost or None, feasible, reason) of a preset to ``value`` (0: P, 1: AP) on the
    switching source ``src`` of the design's gates; ``technology`` a
    :class:`circuits.technology.Technology` (width applied)."""
    from circuits import write_operating_point

    op = write_operating_point(value, technology=technology, rows=rows,
                               target_error=target_error, n_voltages=n_voltages,
                               **_source_kwargs(device, src))
    if op.voltage is None:
        return None, False, f"write {value}: {op.reason}"
    cost = WriteCost(int(value), op.energy, op.error_rate, op.latency, op.voltage,
                     f"circuits.write_operating_point ({op.switching_source} source, "
                     f"{op.rows} rows)")
    return cost, op.feasible, f"write {value}: {op.reason}"
