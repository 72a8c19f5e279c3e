"""CRAM circuits: the MTJ as a circuit element, gates with voltage windows, error and energy.

Public API (SI units: V, A, s, J, ohm)::

    from circuits import operating_point, evaluate_gate, GateOperatingPoint

    op = operating_point(gate_name, *, device=None, table=None, technology="45nm", rows=1,
                         target_error=1e-6, temperature=None, variation=None,
                         pulse_widths=None, n_voltages=161, switching=None ("fp"|"table"),
                         pulse_range=None (1e-9, 1e-6), subcritical=None ("fp"|"activation"|"micromag"),
                         transistor_width=None (m | "auto")) -> GateOperatingPoint
    ev = evaluate_gate(gate_name, voltage, pulse_width, *, device=None, table=None,
                       technology="45nm", rows=1, ...) -> GateOperatingPoint

    GateOperatingPoint fields: gate, v_min, v_max (critical-current window of this network, V),
      v_operating (V, magnitude) and pulse_width (s): the optimum if feasible, else the point
      of least max error (feasible = False, reason says why); error_rate_by_pattern
      ({"01": p, ...}, input 0 first, logic 0 = P), max_error_rate, energy_by_pattern (J per
      gate), mean_energy (J, inputs uniform), latency (s), feasible, reason, target_error,
      rows, direction ("P-AP"/"AP-P" of the output), current_sign (llg sign of the output
      current: +1 drives AP -> P), technology, device, table, energy_breakdown_by_pattern
      ({"mtj"|"transistor"|"line_resistance"|"line_charging": {pattern: J}}, sums to
      energy_by_pattern), error_vs_pulse_width, shortest_pulse_meeting_target,
      current_ratio_offered, current_ratio_needed, tmr_needed, delta_needed,
      transistor_width (m), cell_area (m^2), subcritical_model, switching_source, details
      (dict: per-pattern output error, input disturb, output current, 95 % upper bounds,
      pulse scan, coupled output errors, table resolution); to_dict().

    wr = write_operating_point(value, *, device=None, table=None, technology="45nm", rows=1,
                               target_error=1e-6, pulse_widths=None, n_voltages=121,
                               switching=None ("fp"|"table"), pulse_range=None,
                               subcritical=None, transistor_width=None,
                               circuit_overrides=None) -> WriteOperatingPoint
    WriteOperatingPoint fields: value (0 = P, 1 = AP), voltage (V), pulse_width (s), error_rate
      (WER of the far row, worst case), energy (J per cell, start state uniform), latency (s),
      feasible, reason, switching_source, ... : the preset of a gate's output cell (a
      row-parallel write), from the same switching source as the gates.

``device`` is a shipped device name, a TOML path or an llg Device; ``table`` an HDF5 switching
table (``cramsim table build``) or None for the device's shipped table ``data/tables/<device>.h5``.
The MTJ's current-to-switching mapping comes from the Fokker-Planck solver where it applies
(perpendicular macrospin, constant efficiency; no table given) or from the table, never from
the LLG solver.

Modules: :mod:`.gates` (the gate library as data and the logic conventions), :mod:`.elements`
(MTJ and access transistor), :mod:`.technology` (data/technology/*.toml, every number with its
source), :mod:`.network` (sparse nodal analysis: one gate or a row-parallel step), :mod:`.windows`
(analytic and network windows, trends, the published comparison), :mod:`.tablesource` (the
table adapter), :mod:`.gatemodel` (currents, errors, energy, latency per pattern),
:mod:`.fpsource` (switching from the Fokker-Planck solver, 1 ns - 1 us),
:mod:`.context` (source, technology and voltage range of one evaluation),
:mod:`.operating_point` (the optimizer), :mod:`.what_it_takes` (current ratios, TMR0 and
Delta needed), :mod:`.coupled` (the output's current coupled to its switching), :mod:`.write` (the preset write), :mod:`.cli`
(``cramsim gate``).

Conventions: logic 0 = P (low resistance), logic 1 = AP. A gate's output is preset and switches
iff the number m of logic-0 inputs is >= its threshold k (see :mod:`.gates`).
"""
from llg.lazy import lazy_exports

# imported on first use (scipy, the tables)
__getattr__, __dir__ = lazy_exports(__name__, {
    ".gates": ["GATES", "Gate", "gate_names", "get_gate"],
    ".operating_point": ["GateOperatingPoint", "evaluate_gate", "operating_point"],
    ".technology": ["Technology", "load_technology"],
    ".windows": ["Window", "analytic_window", "gate_window", "relative_window_ideal"],
    ".write": ["WriteOperatingPoint", "write_operating_point"],
})

__all__ = ["GATES", "Gate", "GateOperatingPoint", "Technology", "Window", "analytic_window",
           "evaluate_gate", "gate_names", "gate_window", "get_gate", "load_technology",
           "operating_point", "relative_window_ideal", "WriteOperatingPoint",
           "write_operating_point"]
