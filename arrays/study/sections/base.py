"""What a report section is, and what it is given.

A :class:`Section` computes its data from a :class:`Context` (JSON-able; ``None`` when the
section does not apply to this run) and renders its own markdown lines and figures from
that data. A section that needs another's data asks ``ctx.data(name)``; it never imports
the report builder or another section.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional


@dataclass(frozen=True)
class Section:
    """One unit of the report.

    ``name``: unique; also the JSON key of its data when ``json`` is true. ``compute(ctx)``
    returns the data (``None``: the section is left out of the JSON and the markdown).
    ``render(ctx, data)`` returns the markdown lines and writes its figures into
    ``ctx.out_dir``. ``to_json(data)``: what of the data goes into the JSON (default: all).
    """

    name: str
    compute: Callable[["Context"], Any]
    render: Callable[["Context", Any], list]
    json: bool = True
    to_json: Optional[Callable[[Any], Any]] = None


@dataclass(frozen=True)
class Options:
    """What the report is asked to include (see :func:`arrays.study.report.build_report`)."""

    error_sweep: bool = True
    tmr_values: Optional[tuple] = None
    scenarios: tuple = ()
    memtech: bool = True
    crossbar: bool = True
    quick: bool = False


@dataclass
class Context:
    """The report's one data path: the setup, the evaluated workloads, the options; every
    section's data computed once, on first request, in the order asked for."""

    setup: Any                      # arrays.energy.evaluate.Setup
    results: list                   # arrays.energy.evaluate.WorkloadResult per workload
    options: Options
    sections: dict                  # name -> Section
    out_dir: Optional[Path] = None  # where report.md and its figures go (None: JSON only)
    say: Callable[[str], None] = lambda msg: None
    _data: dict = field(default_factory=dict)

    @property
    def names(self) -> list:
        return [r.name for r in self.results]

    def data(self, name: str):
        """The data of section ``name`` (computed on first request; None if not registered)."""
        if name not in self._data:
            s = self.sections.get(name)
            self._data[name] = None if s is None else s.compute(self)
        return self._data[name]


def fmt(x, unit="", digits=3) -> str:
    """``x`` to ``digits`` significant digits with its unit; '—' for None / inf / nan."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    return f"{x:.{digits}g}{(' ' + unit) if unit else ''}"


def switching_words(costs) -> str:
    """The switching model a cost model's gates and writes read, in words (from
    ``costs.parameters["switching"]``, see :func:`arrays.energy.costs.circuit_costs`)."""
    sw = (getattr(costs, "parameters", None) or {}).get("switching") or {}
    parts = []
    for what in ("gates", "writes"):
        s = sw.get(what)
        if not s:
            continue
        name = "Fokker-Planck (direct)" if s["source"] == "fp" else f"table `{s['path']}`"
        rng = s.get("pulse_range")
        parts.append(f"{what}: {name}" + (f", pulses {rng[0]:.3g}-{rng[1]:.3g} s" if rng
                                          else ""))
    return "; ".join(parts) if parts else "switching source not recorded"
