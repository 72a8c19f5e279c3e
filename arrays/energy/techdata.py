"""Sourced numbers for the system model: array periphery (data/peripherals) and the
conventional baseline (data/baseline).

Every number in these TOML files is a table ``{value, unit, source}`` (an optional ``note``
explains a derivation). The loader refuses a bare number, a missing or empty source, a unit
other than the declared one and a value outside the declared sanity range, naming the file
and the key. A source that starts with ``assumption:`` is a modelling choice, not a
measurement; reports list those separately so a reader sees what rests on judgement.

The declarations (section, key) -> (unit, lo, hi, description) live next to the code that
uses the numbers (:mod:`arrays.energy.ledger`, :mod:`arrays.energy.baseline`), one place per fact.
"""
from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field

from llg.errors import ParameterError
from llg.paths import read_toml, resolve_data_file, shipped


@dataclass(frozen=True)
class Sourced:
    """One number from a data file: value in ``unit`` (SI), its source and an optional note."""

    value: float
    unit: str
    source: str
    note: str = ""

    @property
    def is_assumption(self) -> bool:
        return self.source.lower().startswith("assumption")


@dataclass(frozen=True)
class DataCard:
    """A validated data file: name, description, and (section, key) -> Sourced."""

    kind: str
    name: str
    description: str
    values: dict = field(default_factory=dict)
    path: str = ""
    meta: dict = field(default_factory=dict)   # other top-level strings (e.g. technology)

    def __getitem__(self, key: str) -> float:
        """``card["section.key"]`` -> value (SI)."""
        return self.item(key).value

    def item(self, key: str) -> Sourced:
        sec, _, k = key.partition(".")
        try:
            return self.values[(sec, k)]
        except KeyError:
            raise ParameterError(f"{self.kind} card {self.name!r} has no entry {key!r}") \
                from None

    def with_values(self, **changes) -> "DataCard":
        """A copy with some values replaced (``section__key=value``), for sensitivity studies.

        The source of a changed value says it was varied from the card's value.
        """
        vals = dict(self.values)
        for k, v in changes.items():
            sec, _, key = k.partition("__")
            old = self.item(f"{sec}.{key}")
            vals[(sec, key)] = Sourced(float(v), old.unit, f"varied (card value {old.value:g} "
                                       f"{old.unit}: {old.source})", old.note)
        return DataCard(self.kind, self.name, self.description, vals, self.path, self.meta)

    def sources(self) -> list[dict]:
        return [{"key": f"{s}.{k}", "value": q.value, "unit": q.unit, "source": q.source,
                 "note": q.note} for (s, k), q in self.values.items()]


def available(kind: str) -> list[str]:
    """Shipped cards of a kind ("peripherals" or "baseline")."""
    return shipped(kind)


def load_card(kind: str, name_or_path, declared: dict) -> DataCard:
    """Load and validate a data card against ``declared`` (see module docstring)."""
    path = resolve_data_file(kind, name_or_path, f"{kind} card")
    return card_from_dict(kind, read_toml(path, f"{kind} card"), declared, str(path))


def check_declared(sec: str, key: str, declared, where: str, allowed: str = "") -> None:
    """Refuse a card entry ``sec.key`` that ``declared`` does not list, with a close match."""
    if (sec, key) in declared:
        return
    known = [f"{s}.{k}" for s, k in declared]
    close = difflib.get_close_matches(f"{sec}.{key}", known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ParameterError(f"{where}: unknown entry {sec}.{key}{hint}{allowed}")


def card_from_dict(kind: str, data: dict, declared: dict, where: str = "") -> DataCard:
    where = where or kind
    values = {}
    for sec, body in data.items():
        if not isinstance(body, dict):
            continue
        for key, raw in body.items():
            check_declared(sec, key, declared, where)
            values[(sec, key)] = _sourced(sec, key, raw, declared[(sec, key)], where)
    missing = [f"{s}.{k}" for s, k in declared if (s, k) not in values]
    if missing:
        raise ParameterError(f"{where}: missing entries {missing}")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ParameterError(f"{where}: needs a top-level name = \"...\"")
    meta = {k: v for k, v in data.items() if not isinstance(v, dict)
            and k not in ("name", "description")}
    return DataCard(kind, name, str(data.get("description", "")), values, where, meta)


def _sourced(sec, key, raw, decl, where) -> Sourced:
    unit, lo, hi, _desc = decl
    label = f"{where}: {sec}.{key}"
    if not isinstance(raw, dict):
        raise ParameterError(f"{label} = {raw!r} is a bare value; write it as "
                             f"{{ value = ..., unit = \"{unit}\", source = \"...\" }}")
    extra = set(raw) - {"value", "unit", "source", "note"}
    if extra:
        raise ParameterError(f"{label}: unknown field(s) {sorted(extra)}; allowed: value, "
                             "unit, source, note")
    src = raw.get("source")
    if not isinstance(src, str) or not src.strip():
        raise ParameterError(f"{label} has no source; every number needs a "
                             "source = \"...\" (a reference, or 'assumption: why')")
    if raw.get("unit") != unit:
        raise ParameterError(f"{label}: unit {raw.get('unit')!r} is not the declared unit "
                             f"{unit!r}")
    v = raw.get("value")
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise ParameterError(f"{label}: value {v!r} is not a finite number")
    if not lo <= v <= hi:
        raise ParameterError(f"{label} = {v!r} {unit} is outside its valid range "
                             f"{lo:g} <= {key} <= {hi:g} {unit}")
    return Sourced(float(v), unit, src.strip(), str(raw.get("note", "")))
