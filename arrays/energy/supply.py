"""Driver and regulator items of the CRAM ledger: what the pulses cost beyond their own
energy (see :mod:`arrays.energy.drivers` for the formulas and the card).

* ``supply_conversion`` (category ``driver``): every energy drawn at a gate or write voltage
  V below (or above) V_DD (gate pulses, preset/constant writes, logic-line and, where
  booked separately, bit-select-line charging) costs ``E (1 / eta(V) - 1)`` more at the
  supply.
* ``column_drivers`` (category ``driver``): per gate cycle a driver chain sourcing the
  worst-case current of all R rows, ``R x max_pattern E_g / (V_g t_g)``, switches once; per
  written column per write cycle one sourcing ``R x E_w / (V_w t_w)``.
"""
from __future__ import annotations

import math

import numpy as np


def line_energy_by_voltage(costs, cyc, c_logic_lines: float, c_bsl_line: float | None,
                           passes: int) -> dict:
    """{voltage (V): J} of the line charging driven at gate/write voltages: every computing
    row's logic line per gate cycle (``c_logic_lines``: their total capacitance, F) and,
    where booked by the ledger rather than inside the circuits energies, the k input
    bit-select lines per gate cycle and the written columns' per write (``c_bsl_line``, F)."""
    out: dict = {}
    for g, n in cyc.gate_cycles.items():
        v = costs.gates[g].v_operating
        e = n * c_logic_lines * v ** 2
        if c_bsl_line is not None:
            e += n * cyc.bsl_gate[g] * c_bsl_line * v ** 2 * passes
        out[v] = out.get(v, 0.0) + e
    if c_bsl_line is not None:
        for (value, _p), n in cyc.write_columns.items():
            v = costs.writes[value].voltage
            out[v] = out.get(v, 0.0) + n * c_bsl_line * v ** 2 * passes
    return out


def _energy_by_voltage(costs, run, per_row, cyc, lines_by_voltage) -> dict:
    """{voltage (V): energy drawn at it (J)} of the cell and line items (scaled rows)."""
    out: dict = dict(lines_by_voltage)
    for g in run.gate_evaluations:
        gc = costs.gates[g]
        e = float(run.pattern_counts[g] @ gc.energy_by_pattern) * per_row
        out[gc.v_operating] = out.get(gc.v_operating, 0.0) + e
    for (value, _purpose), n in cyc.write_columns.items():
        w = costs.writes[value]
        e = n * run.active_rows * w.energy * per_row
        out[w.voltage] = out.get(w.voltage, 0.0) + e
    return out


def book_supply(led, *, costs, run, cyc, per_row, passes, rows, lines_by_voltage, drivers,
                technology) -> None:
    """Add the two items of the module docstring to ``led`` (a :class:`Ledger`)."""
    from .drivers import driver_energy_per_pulse, regulator_loss

    vdd = technology.v_dd
    src = f"drivers card {drivers.name!r} ({drivers.path})"
    by_v = _energy_by_voltage(costs, run, per_row, cyc, lines_by_voltage)
    loss, rows_v = regulator_loss(drivers, by_v, vdd)
    drawn = sum(by_v.values())
    # kept so that the converter efficiency can be varied without re-simulating
    led.structure["supply_by_voltage"] = {"v_dd": vdd, "energy": sorted(by_v.items())}
    topo = sorted({r["topology"] for r in rows_v})
    led.add("supply_conversion", f"supply conversion V_DD -> gate/write voltages "
            f"({', '.join(t.replace('_', '-') for t in topo)}; E (1/eta - 1))", "driver",
            loss, drawn, loss / drawn if drawn else math.nan,
            f"{src}: {drivers.item('converter.sc_efficiency').source}; linear eta = V / V_DD")
    i_w = technology.get("transistor", "drive_current_per_width")
    c_g = technology.get("transistor", "gate_capacitance_per_width")
    e_pass, pulses = 0.0, 0
    for g, n in cyc.gate_cycles.items():
        gc = costs.gates[g]
        i_row = float(np.max(gc.energy_by_pattern)) / (gc.v_operating * gc.pulse_width)
        e_pass += n * driver_energy_per_pulse(drivers, rows * i_row, i_w, c_g, vdd)
        pulses += n
    for (value, _purpose), n in cyc.write_columns.items():
        w = costs.writes[value]
        i_row = w.energy / (w.voltage * w.latency)
        e_pass += n * driver_energy_per_pulse(drivers, rows * i_row, i_w, c_g, vdd)
        pulses += n
    led.add("column_drivers", "column drivers (buffer chains sized for all rows' current, "
            "V_DD)", "driver", e_pass * passes, pulses * passes,
            e_pass / pulses if pulses else math.nan,
            f"{src}: {drivers.item('driver.fanout').source}; technology card "
            f"{technology.name!r} drive current and gate capacitance per width")


def conversion_loss_at(led, drivers, sc_efficiency: float) -> float:
    """Supply-conversion loss (J) of ``led`` had the switched-capacitor converter the
    efficiency ``sc_efficiency`` (the card's topology rule per voltage, as booked); NaN when
    the ledger booked no conversion. The loss is linear in the energies drawn, so nothing is
    re-simulated."""
    from .drivers import regulator_loss

    sup = led.structure.get("supply_by_voltage")
    if not sup:
        return math.nan
    card = drivers.with_values(converter__sc_efficiency=float(sc_efficiency))
    return regulator_loss(card, dict(sup["energy"]), sup["v_dd"])[0]
