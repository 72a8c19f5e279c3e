"""Technology data around the MTJs: access transistor, wires and cell pitch (data/technology).

A technology file is TOML; every number in it is a table ``{value, unit, source}``. The loader
refuses a bare number, a missing or empty source, a unit other than the declared one and a
value outside the declared range. The declarations below (section, key, unit, range,
description) are the single place those facts live.

Derived quantities (SI):

* transistor saturation current ``I_sat = drive_current_per_width * width`` (A);
* transistor on-resistance ``R_on = (3/4) V_DD / I_sat`` (ohm): the equivalent switching
  resistance of a velocity-saturated MOSFET with channel-length modulation neglected
  (Rabaey, Chandrakasan & Nikolic, *Digital Integrated Circuits*, 2nd ed., 2003, sec. 3.3);
* wire resistance per length ``rho / (w t)`` (ohm/m), per cell ``* pitch``;
* word-line capacitance per cell: wire ``c * row_pitch`` plus the gate of one transistor;
* cell area ``row_pitch * column_pitch`` (m^2). The transistor width is a design variable
  (:meth:`Technology.with_transistor_width`): R_on, I_sat and the gate capacitance follow
  from it as above, and the column pitch grows one for one with it (the card's pitch holds
  the card's width plus its isolation, which stays fixed).

Array geometry used by :mod:`circuits.network`: rows compute in parallel; each row has its own
logic line (LL, along the row, one ``column_pitch`` per cell); bit-select lines (BSL) and word
lines (WL) run along the columns, shared by all rows (one ``row_pitch`` per cell), as in the
STT-CRAM array of Chowdhury et al. (2017-2018; venue details unverified) and Zabihi et al.
(IEEE JXCDC 6, 71 (2020), interconnect parasitics).

>>> tech = load_technology("45nm")
>>> round(tech.transistor_r_on)
3064
"""
from __future__ import annotations

import difflib
import math
import dataclasses
from dataclasses import dataclass, field

from llg.errors import ParameterError, check_range
from llg.paths import read_toml, resolve_data_file, shipped

TRANSISTOR_MODELS = ("ideal", "linear", "saturating")
#: Rabaey's equivalent-resistance coefficient: R_eq = (3/4) V_DD / I_DSAT (lambda = 0).
R_EQ_COEFFICIENT = 0.75

#: (section, key) -> (unit, lo, hi, description). Ranges are sanity bounds, not physics.
DECLARED = {
    ("transistor", "width"): ("m", 1e-9, 1e-5, "access-transistor channel width"),
    ("transistor", "drive_current_per_width"): ("A/m", 1.0, 1e5,
                                                "saturation drive current per width"),
    ("transistor", "v_dd"): ("V", 0.1, 5.0, "gate (word-line) drive voltage"),
    ("transistor", "gate_capacitance_per_width"): ("F/m", 0.0, 1e-7,
                                                   "gate capacitance per width"),
    ("wire", "resistivity"): ("ohm m", 0.0, 1e-5, "effective wire resistivity"),
    ("wire", "width"): ("m", 1e-9, 1e-5, "wire width"),
    ("wire", "thickness"): ("m", 1e-9, 1e-5, "wire thickness"),
    ("wire", "capacitance_per_length"): ("F/m", 0.0, 1e-8, "wire capacitance per length"),
    ("cell", "row_pitch"): ("m", 1e-9, 1e-5, "cell pitch along the column lines (BSL, WL)"),
    ("cell", "column_pitch"): ("m", 1e-9, 1e-5, "cell pitch along the logic line (LL)"),
    ("driver", "resistance"): ("ohm", 0.0, 1e6, "column-driver output resistance"),
}
_TRANSISTOR_KEYS = {"width", "drive_current_per_width", "v_dd", "gate_capacitance_per_width"}


@dataclass(frozen=True)
class Quantity:
    """A number from a data file: value (SI), unit and where it comes from."""

    value: float
    unit: str
    source: str


@dataclass(frozen=True)
class Technology:
    """Validated technology data (SI units). Build it with :func:`load_technology`."""

    name: str
    description: str
    transistor_model: str
    values: dict = field(default_factory=dict)   # (section, key) -> Quantity
    path: str = ""

    def get(self, section: str, key: str) -> float:
        return self.values[(section, key)].value

    # -- transistor ----------------------------------------------------------------------
    @property
    def transistor_i_sat(self) -> float:
        """Saturation current of the access transistor, A (inf for the ideal switch)."""
        if self.transistor_model == "ideal":
            return math.inf
        return self.get("transistor", "drive_current_per_width") * self.get("transistor",
                                                                             "width")

    @property
    def transistor_r_on(self) -> float:
        """On-resistance, ohm: R_on = (3/4) V_DD / I_sat (Rabaey 2003); 0 for ideal."""
        if self.transistor_model == "ideal":
            return 0.0
        return R_EQ_COEFFICIENT * self.get("transistor", "v_dd") / self.transistor_i_sat

    @property
    def v_dd(self) -> float:
        """Word-line swing, V (0 for the ideal switch: no gate to charge)."""
        return 0.0 if self.transistor_model == "ideal" else self.get("transistor", "v_dd")

    @property
    def transistor_gate_capacitance(self) -> float:
        """Gate capacitance of one access transistor, F."""
        if self.transistor_model == "ideal":
            return 0.0
        return self.get("transistor", "gate_capacitance_per_width") * self.get("transistor",
                                                                                "width")

    # -- wires ---------------------------------------------------------------------------
    @property
    def wire_resistance_per_length(self) -> float:
        """rho / (w t), ohm/m."""
        return self.get("wire", "resistivity") / (self.get("wire", "width")
                                                  * self.get("wire", "thickness"))

    @property
    def r_bsl_cell(self) -> float:
        """Bit-select-line resistance per cell (one row pitch), ohm."""
        return self.wire_resistance_per_length * self.get("cell", "row_pitch")

    @property
    def r_wl_cell(self) -> float:
        """Word-line resistance per cell (one row pitch), ohm."""
        return self.wire_resistance_per_length * self.get("cell", "row_pitch")

    @property
    def r_ll_cell(self) -> float:
        """Logic-line resistance per cell (one column pitch), ohm."""
        return self.wire_resistance_per_length * self.get("cell", "column_pitch")

    @property
    def c_bsl_cell(self) -> float:
        """Bit-select-line capacitance per cell, F."""
        return self.get("wire", "capacitance_per_length") * self.get("cell", "row_pitch")

    @property
    def c_wl_cell(self) -> float:
        """Word-line capacitance per cell (wire plus one transistor gate), F."""
        return self.get("wire", "capacitance_per_length") * self.get("cell", "row_pitch") + \
            self.transistor_gate_capacitance

    @property
    def driver_resistance(self) -> float:
        return self.get("driver", "resistance")

    @property
    def is_ideal(self) -> bool:
        """No transistor, line or driver resistance: the analytic CRAM setting."""
        return (self.transistor_model == "ideal" and self.wire_resistance_per_length == 0.0
                and self.driver_resistance == 0.0)

    @property
    def transistor_width(self) -> float | None:
        """Access-transistor width, m (None for the ideal switch)."""
        return self.values[("transistor", "width")].value \
            if ("transistor", "width") in self.values else None

    @property
    def cell_area(self) -> float:
        """Cell area row_pitch * column_pitch, m^2."""
        return self.get("cell", "row_pitch") * self.get("cell", "column_pitch")

    def with_transistor_width(self, width: float) -> "Technology":
        """The same technology with the access transistor ``width`` (m) as a design variable:
        the column pitch changes by the width difference (module doc)."""
        if self.transistor_width is None:
            raise ParameterError(f"technology {self.name!r} has no access transistor (model "
                                 f"{self.transistor_model!r}); transistor_width needs one")
        unit, lo, hi, what = DECLARED[("transistor", "width")]
        w = check_range("transistor_width", width, unit, lo, hi, lo_open=True, what=what)
        old = self.transistor_width
        values = dict(self.values)
        values[("transistor", "width")] = Quantity(w, unit, "design variable (cramsim gate "
                                                  "--transistor-width)")
        q = values[("cell", "column_pitch")]
        pitch = q.value + (w - old)
        if not pitch > 0:
            raise ParameterError(f"transistor_width = {w:g} m leaves no column pitch")
        values[("cell", "column_pitch")] = Quantity(
            pitch, q.unit, f"{q.source}; plus the width change {w - old:+.3g} m")
        return dataclasses.replace(self, values=values)

    def derived(self) -> dict:
        """Derived numbers (SI), for reports and the CLI."""
        return {"transistor_r_on": self.transistor_r_on,
                "transistor_i_sat": self.transistor_i_sat,
                "transistor_gate_capacitance": self.transistor_gate_capacitance,
                "r_bsl_cell": self.r_bsl_cell, "r_ll_cell": self.r_ll_cell,
                "r_wl_cell": self.r_wl_cell, "c_bsl_cell": self.c_bsl_cell,
                "c_wl_cell": self.c_wl_cell, "driver_resistance": self.driver_resistance,
                "v_dd": self.v_dd, "transistor_width": self.transistor_width,
                "cell_area": self.cell_area}

    def sources(self) -> dict:
        """'section.key' -> {value, unit, source}: every input number with its source."""
        return {f"{s}.{k}": {"value": q.value, "unit": q.unit, "source": q.source}
                for (s, k), q in self.values.items()}


def available_technologies() -> list[str]:
    return shipped("technology")


def _quantity(section: str, key: str, raw, where: str) -> Quantity:
    unit, lo, hi, what = DECLARED[(section, key)]
    name = f"{section}.{key}"
    if not isinstance(raw, dict):
        raise ParameterError(
            f"{where}: {name} = {raw!r} is a bare number; write it as "
            f"{{ value = ..., unit = \"{unit}\", source = \"...\" }} (every number needs its "
            "unit and source)")
    extra = set(raw) - {"value", "unit", "source"}
    if extra:
        raise ParameterError(f"{where}: {name} has unknown key(s) {sorted(extra)}; use value, "
                             "unit, source")
    for k in ("value", "unit", "source"):
        if k not in raw:
            raise ParameterError(f"{where}: {name} is missing its {k}"
                                 + (" (a number without a source is refused)"
                                    if k == "source" else ""))
    if not isinstance(raw["source"], str) or not raw["source"].strip():
        raise ParameterError(f"{where}: {name} has an empty source (a number without a "
                             "source is refused)")
    if raw["unit"] != unit:
        raise ParameterError(f"{where}: {name} has unit {raw['unit']!r}; expected {unit!r} "
                             f"({what})")
    value = check_range(name, raw["value"], unit, lo, hi, what=what)
    return Quantity(value, unit, raw["source"].strip())


def technology_from_dict(data: dict, where: str = "technology") -> Technology:
    """Validate a parsed technology mapping (see the module doc for the format)."""
    sections = {"transistor", "wire", "cell", "driver"}
    top = {"name", "description"} | sections
    unknown = set(data) - top
    if unknown:
        parts = [f"'{k}'" + (f" (did you mean '{c[0]}'?)" if (c := difflib.get_close_matches(
            k, sorted(top), n=1)) else "") for k in sorted(unknown)]
        raise ParameterError(f"{where}: unknown key(s) {', '.join(parts)}; known: "
                             f"{', '.join(sorted(top))}")
    name = data.get("name", "")
    if not isinstance(name, str) or not name:
        raise ParameterError(f"{where}: 'name' must be a non-empty string")
    tr = data.get("transistor")
    if not isinstance(tr, dict) or "model" not in tr:
        raise ParameterError(f"{where}: missing [transistor] section with model = one of "
                             f"{', '.join(TRANSISTOR_MODELS)}")
    model = tr["model"]
    if model not in TRANSISTOR_MODELS:
        raise ParameterError(f"{where}: transistor.model = {model!r} is invalid; choose one "
                             f"of {', '.join(TRANSISTOR_MODELS)}")
    values = {}
    for section in sorted(sections):
        sec = data.get(section)
        if not isinstance(sec, dict):
            raise ParameterError(f"{where}: missing the [{section}] section")
        known = {k for (s, k) in DECLARED if s == section}
        required = set(known)
        if section == "transistor":
            known |= {"model"}
            required = set() if model == "ideal" else set(_TRANSISTOR_KEYS)
        extra = set(sec) - known
        if extra:
            parts = [f"'{k}'" + (f" (did you mean '{c[0]}'?)" if (c := difflib.get_close_matches(
                k, sorted(known), n=1)) else "") for k in sorted(extra)]
            raise ParameterError(f"{where}: [{section}] unknown key(s) {', '.join(parts)}; "
                                 f"known: {', '.join(sorted(known))}")
        missing = required - set(sec)
        if missing:
            details = "; ".join(f"{k} ({DECLARED[(section, k)][0]}: "
                                f"{DECLARED[(section, k)][3]})" for k in sorted(missing))
            raise ParameterError(f"{where}: [{section}] is missing {details}")
        for key, raw in sec.items():
            if key == "model":
                continue
            values[(section, key)] = _quantity(section, key, raw, where)
    desc = data.get("description", "")
    if not isinstance(desc, str):
        raise ParameterError(f"{where}: 'description' must be a string")
    return Technology(name=name, description=desc, transistor_model=model, values=values,
                      path=where)


def load_technology(name_or_path="45nm") -> Technology:
    """Load ``data/technology/NAME.toml`` or a technology file by path.

    A :class:`Technology` passes through unchanged.
    """
    if isinstance(name_or_path, Technology):
        return name_or_path
    path = resolve_data_file("technology", name_or_path, "technology")
    return technology_from_dict(read_toml(path, "technology file"),
                                where=f"technology file {path}")
