"""The one source of gate costs for the array layer: :class:`CostModel`.

Everything the array simulator and the ledger know about the physics of a gate comes from a
``CostModel``: for each gate, the energy drawn per evaluation and the failure probability for
every input pattern, the pulse width / latency and the gate voltage; for presets (single-cell
writes of 0 or 1), energy, failure probability, latency and voltage. The array layer never
invents these numbers.

:func:`circuit_costs` builds the model from the circuits layer (``circuits.operating_point``,
issue "CRAM circuits"): the operating point chosen there (V, pulse width) for a device, a
switching table, a row count and a target error rate. Where the circuits layer does not (yet)
provide something, the model lists it in ``pending`` and the ledger and report say so
instead of filling in numbers. Other technologies (an analog crossbar, another memory) plug
in by building their own ``CostModel`` or their own engine; nothing here is MTJ-specific
beyond the gate library.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from llg.errors import ParameterError

from ..sim.executor import ErrorModel
from ..sim.gates import GATES, gate_spec


@dataclass(frozen=True)
class GateCost:
    """Cost of one gate evaluation in one row (SI units).

    energy_by_pattern: J drawn from the gate source per evaluation, per input pattern (index
    ``int(pattern, 2)``); error_by_pattern: failure probability per pattern; latency: s per
    gate cycle (pulse plus settling as the circuits layer defines it); breakdown: optional
    split of energy_by_pattern by element ("mtj", "transistor", "lines", ...), summing to it.
    """

    gate: str
    energy_by_pattern: np.ndarray
    error_by_pattern: np.ndarray
    latency: float
    pulse_width: float
    v_operating: float
    breakdown: dict = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True)
class WriteCost:
    """Cost of writing one cell to ``value`` (a preset or a column constant), SI units."""

    value: int
    energy: float
    error: float
    latency: float
    voltage: float
    source: str = ""


@dataclass
class CostModel:
    """Gate and write costs for one device / table / array size / target error."""

    name: str
    device: str
    source: str
    gates: dict = field(default_factory=dict)        # name -> GateCost
    writes: dict = field(default_factory=dict)       # 0/1 -> WriteCost
    pending: list = field(default_factory=list)      # what is not available, in words
    infeasible: dict = field(default_factory=dict)   # gate -> why there is no operating point
    off_target: dict = field(default_factory=dict)   # gate -> why its best point misses target
    parameters: dict = field(default_factory=dict)   # rows, target_error, table, ...
    #: True if gate and write energies already include charging the driven bit-select and
    #: word lines (circuits does: see circuits/gatemodel.py and circuits/write.py); the
    #: ledger then does not book those lines again.
    includes_line_charging: bool = False
    notes: list = field(default_factory=list)        # caveats that do not block the numbers

    def gate(self, name: str) -> GateCost:
        spec = gate_spec(name)
        if spec.name in self.gates:
            return self.gates[spec.name]
        if spec.name in self.infeasible:
            raise ParameterError(f"gate {spec.name} has no operating point for device "
                                 f"{self.device!r}: {self.infeasible[spec.name]}")
        raise ParameterError(f"gate {spec.name}: cost not available ({'; '.join(self.pending)})")

    @property
    def complete(self) -> bool:
        """True if every library gate and both write values have costs."""
        return not self.pending and not self.infeasible and set(self.gates) == set(GATES) \
            and set(self.writes) == {0, 1}

    @property
    def meets_target(self) -> bool:
        """True if complete and every gate reaches the target error rate."""
        return self.complete and not self.off_target

    def has_gates(self, names) -> bool:
        return all(n in self.gates for n in names)

    def error_model(self) -> ErrorModel:
        """The per-pattern error model the executor injects (gates without cost: 0)."""
        rates = {n: c.error_by_pattern for n, c in self.gates.items()}
        pre = tuple(self.writes[v].error if v in self.writes else 0.0 for v in (0, 1))
        return ErrorModel(rates, pre, source=f"{self.name}: {self.source}")

    def summary(self) -> dict:
        return {"name": self.name, "device": self.device, "source": self.source,
                "parameters": self.parameters, "pending": list(self.pending),
                "infeasible": dict(self.infeasible), "off_target": dict(self.off_target),
                "notes": list(self.notes),
                "gates": {n: {"v_operating": c.v_operating, "pulse_width": c.pulse_width,
                              "latency": c.latency,
                              "mean_energy": float(np.mean(c.energy_by_pattern)),
                              "max_error_rate": float(np.max(c.error_by_pattern))}
                          for n, c in self.gates.items()},
                "writes": {str(v): {"energy": w.energy, "error": w.error, "latency": w.latency,
                                    "voltage": w.voltage} for v, w in self.writes.items()}}


def _by_pattern(d: dict, gate: str, what: str) -> np.ndarray:
    spec = GATES[gate]
    missing = [p for p in spec.patterns if p not in d]
    if missing:
        raise ParameterError(f"circuits operating point for {gate}: {what} lacks pattern(s) "
                             f"{missing}")
    return np.array([float(d[p]) for p in spec.patterns])


def gate_cost_from_operating_point(op, source: str = "circuits.operating_point") -> GateCost:
    """Convert a circuits ``GateOperatingPoint`` (fields per issue 5) into a GateCost."""
    name = gate_spec(op.gate).name
    energy = _by_pattern(op.energy_by_pattern, name, "energy_by_pattern")
    errors = _by_pattern(op.error_rate_by_pattern, name, "error_rate_by_pattern")
    breakdown = {}
    raw = getattr(op, "energy_breakdown_by_pattern", None)
    if isinstance(raw, dict) and raw:
        breakdown = {k: _by_pattern(v, name, f"energy breakdown {k!r}") for k, v in raw.items()}
        tot = sum(breakdown.values())
        if not np.allclose(tot, energy, rtol=1e-6, atol=0):
            breakdown = {}  # inconsistent split: keep the total only, never double count
    return GateCost(name, energy, errors, float(op.latency), float(op.pulse_width),
                    float(op.v_operating), breakdown, source)


def write_cost_from_operating_point(op, value: int, source: str) -> WriteCost:
    return WriteCost(int(value), float(op.energy), float(op.error_rate), float(op.latency),
                     float(op.voltage), source)


@functools.lru_cache(maxsize=16)
def circuit_costs(device: str = "default", table: str | None = None, rows: int = 1024,
                  target_error: float = 1e-6, technology: str | None = None,
                  gates: tuple | None = None, overrides: tuple | None = None,
                  pulse_range: tuple | None = None) -> CostModel:
    """Costs from the circuits layer at its optimized operating points (cached per args).

    Gates and preset writes read one switching source: the Fokker-Planck solver (pulses over
    ``pulse_range``, s, default 1 ns - 1 us) where it applies and no ``table`` is given, else
    the table; ``parameters["switching"]`` records which, with the pulse range.

    Gates for which circuits finds no operating point at all go to ``infeasible``; gates whose
    best point misses the target error keep their (real) costs and error rates and are listed
    in ``off_target``; anything circuits does not provide goes to ``pending``. A
    ParameterError from circuits (bad input, e.g. a table built for another device) is
    raised, not hidden. ``gates`` restricts the model to some gates (faster).
    ``overrides``: what-if circuit parameters as ``(("TMR0", 3.0),)`` (RA, TMR0, V_half:
    the circuit side only; the current-driven switching table stays exact).
    """
    params = {"rows": rows, "target_error": target_error, "table": table,
              "technology": technology, "overrides": dict(overrides or ()),
              "pulse_range": pulse_range}
    model = CostModel("circuits", str(device), "", parameters=params,
                      includes_line_charging=True)
    try:
        import circuits
        op_fn = circuits.operating_point
    except (ImportError, AttributeError) as exc:
        model.pending.append(f"gate energies and error rates: circuits.operating_point is not "
                             f"available yet ({type(exc).__name__}: {exc})")
        model.pending.append("preset (single-cell write) costs: not available from circuits")
        return model
    kwargs = {"device": device, "table": table, "rows": rows, "target_error": target_error}
    if pulse_range is not None:
        kwargs["pulse_range"] = tuple(pulse_range)
    if technology is not None:
        kwargs["technology"] = technology
    gate_kwargs = dict(kwargs)
    what_if = ""
    if overrides:
        gate_kwargs["circuit_overrides"] = dict(overrides)
        what_if = ", circuit_overrides=" + repr(dict(overrides))
    model.source = (f"circuits.operating_point(device={device!r}, table={table!r}, rows={rows}, "
                    f"target_error={target_error:g}{what_if})")
    names = GATES if gates is None else [gate_spec(g).name for g in gates]
    _add_gate_costs(model, op_fn, names, gate_kwargs)
    wfn = getattr(circuits, "write_operating_point", None)
    if wfn is None:
        model.pending.append("preset (single-cell write) costs: circuits.write_operating_point "
                             "is not available yet")
    else:
        _add_write_costs(model, wfn, kwargs, overrides)
    model.parameters["switching"] = model.parameters.pop("_switching", {})
    return model


def _add_gate_costs(model: CostModel, op_fn, names, gate_kwargs: dict) -> None:
    """Each gate's cost at its circuits operating point; none: infeasible; missing the
    target: off target (its real costs kept)."""
    for name in names:
        # a ParameterError here is bad input (e.g. a table built for another device): raise it
        op = op_fn(name, **gate_kwargs)
        if getattr(op, "v_operating", None) is None:
            model.infeasible[name] = str(getattr(op, "reason", "no operating point"))
            continue
        model.gates[name] = gate_cost_from_operating_point(op)
        _note_source(model, "gates", op)
        if not getattr(op, "feasible", True):
            model.off_target[name] = str(getattr(op, "reason", "misses the target error"))


def _note_source(model: CostModel, what: str, op) -> None:
    """Record the switching source an operating point read (``"fp"`` / ``"table"``, and the
    pulse widths it could use) under ``parameters["_switching"][what]``."""
    pulses = [e["pulse_width"] for e in getattr(op, "error_vs_pulse_width", None) or []]
    rng = (op.details or {}).get("pulse_range") or ([min(pulses), max(pulses)] if pulses
                                                    else None)
    model.parameters.setdefault("_switching", {})[what] = {
        "source": getattr(op, "switching_source", "table"), "path": getattr(op, "table", ""),
        "pulse_range": None if rng is None else [float(x) for x in rng]}


def _add_write_costs(model: CostModel, wfn, kwargs: dict, overrides) -> None:
    """The preset writes of 0 and 1 at their circuits operating points (the what-if
    overrides applied where circuits accepts them, else noted)."""
    import inspect

    write_kwargs = dict(kwargs)
    if overrides:
        if "circuit_overrides" in inspect.signature(wfn).parameters:
            write_kwargs["circuit_overrides"] = dict(overrides)
        else:
            model.notes.append(f"what-if {dict(overrides)} not applied to the preset "
                               "writes (circuits.write_operating_point takes no "
                               "circuit_overrides); writes use the device's values")
    device, rows, target_error = kwargs["device"], kwargs["rows"], kwargs["target_error"]
    for value in (0, 1):
        op = wfn(value, **write_kwargs)
        key = f"write {value}"
        if getattr(op, "voltage", None) is None:
            model.infeasible[key] = str(getattr(op, "reason", "no operating point"))
            continue
        model.writes[value] = write_cost_from_operating_point(
            op, value, f"circuits.write_operating_point({value}, device={device!r}, "
            f"rows={rows}, target_error={target_error:g}; "
            f"{getattr(op, 'switching_source', 'table')} source)")
        _note_source(model, "writes", op)
        if not getattr(op, "feasible", True):
            model.off_target[key] = str(getattr(op, "reason", "misses the target error"))
