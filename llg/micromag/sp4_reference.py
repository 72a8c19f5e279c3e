"""Standard problem 4 against the published traces: <m>(t) of other solvers, and the comparison.

The traces live in ``data/micromag/sp4_traces/`` (each file names its solver, mesh, source and
licence in its header), listed per field in ``data/micromag/sp4.toml`` ``[traces]``; the
first file of a field is its reference (the finest published mesh). Times in s, <m>
dimensionless.

Two measures, each with a tolerance taken from the published solvers' own spread (so the
tolerance is data, not a choice):

* ``max_dev``: max over 0..t_end and the three components of |<m_i> - published|, per
  published trace. Pass when the deviation from the nearest published trace is at most the
  largest deviation between two published traces (``spread``). SP4's field 2 is sensitive
  to the mesh after the first reversal (the 2 nm and 4 nm traces of one solver differ by
  0.15), so a deviation from one trace above the spread is reported but is no failure.
* ``t_first_mx_zero``: the first zero of <m_x>, linearly interpolated between samples.
  Pass when within ``max(spread_t, T_FLOOR)`` of the published mean, where ``spread_t``
  is the range of the published crossing times (the traces' own and the NIST OOMMF 1 nm
  values in the card) and T_FLOOR covers the 10 ps sampling of the vendored traces.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

#: s; the 10 ps down-sampling shifts a linearly interpolated crossing by well under 0.5 ps
#: (<m_x> is nearly linear across the crossing: curvature x (10 ps)^2 / 8 < 0.002).
T_FLOOR = 0.5e-12


@dataclass(frozen=True)
class Trace:
    """One published <m>(t): ``name`` (file stem), t (s), m (n, 3)."""

    name: str
    t: np.ndarray
    m: np.ndarray


def _card() -> dict:
    from ..paths import data_dir, read_toml

    return read_toml(data_dir() / "micromag" / "sp4.toml", "standard problem 4 card")


@lru_cache(maxsize=None)
def traces(field: int) -> tuple[Trace, ...]:
    """The published traces of field 1 or 2, reference first."""
    from ..paths import data_dir

    files = _card()["traces"][f"field{field}"]
    out = []
    for name in files:
        d = np.loadtxt(data_dir() / "micromag" / "sp4_traces" / name, delimiter=",",
                       comments="#", ndmin=2)
        out.append(Trace(name.removesuffix(".csv"), d[:, 0], d[:, 1:4]))
    return tuple(out)


def published_crossings(field: int) -> dict[str, float]:
    """First <m_x> = 0 (s) of every published trace, plus the card's NIST OOMMF values."""
    out = {tr.name: first_zero(tr.t, tr.m[:, 0]) for tr in traces(field)}
    for name, ps in _card().get("crossings_ps", {}).get(f"field{field}", {}).items():
        out[name] = ps * 1e-12
    return out


def first_zero(t: np.ndarray, x: np.ndarray) -> float | None:
    """Time (s) of the first sign change of x, linearly interpolated; None if none."""
    k = np.nonzero(np.diff(np.sign(x)) != 0)[0]
    if not len(k):
        return None
    i = int(k[0])
    return float(t[i] + (t[i + 1] - t[i]) * x[i] / (x[i] - x[i + 1]))


def max_dev(t: np.ndarray, m: np.ndarray, ref: Trace, t_end: float) -> float:
    """max |<m_i>(t) - ref_i(t)| over the reference's samples in [t[0], t_end]."""
    sel = (ref.t >= t[0] - 1e-18) & (ref.t <= min(t_end, t[-1]) + 1e-18)
    if not sel.any():  # a run shorter than the first published sample: nothing to compare
        return float("nan")
    mi = np.stack([np.interp(ref.t[sel], t, m[:, c]) for c in range(3)], axis=1)
    return float(np.abs(mi - ref.m[sel]).max())


def spread(field: int, t_end: float = 1e-9) -> float:
    """Largest max_dev between two published traces of the field over 0..t_end."""
    trs = traces(field)
    return max((max_dev(a.t, a.m, b, t_end) for i, a in enumerate(trs) for b in trs[i + 1:]),
               default=0.0)


def compare(field: int, t: np.ndarray, m: np.ndarray, t_end: float = 1e-9) -> dict:
    """Our <m>(t) (t in s, m (n, 3)) against the published traces of field 1 or 2."""
    t = np.asarray(t, float)
    m = np.asarray(m, float)
    trs = traces(field)
    devs = {tr.name: max_dev(t, m, tr, t_end) for tr in trs}
    nearest = float(np.nanmin(list(devs.values()))) if np.isfinite(
        list(devs.values())).any() else float("nan")
    sp = spread(field, t_end)
    crossings = published_crossings(field)
    vals = np.array(list(crossings.values()))
    t_mean, t_spread = float(vals.mean()), float(vals.max() - vals.min())
    t_tol = max(t_spread, T_FLOOR)
    ours = first_zero(t, m[:, 0])
    ok_t = ours is not None and abs(ours - t_mean) <= t_tol
    return {
        "reference": trs[0].name, "t_end": t_end,
        "max_dev": devs[trs[0].name], "max_dev_by_trace": devs,
        "max_dev_nearest": nearest, "spread": sp, "ok_max_dev": bool(nearest <= sp),  # nan: False
        "t_first_mx_zero": ours, "published_t_first_mx_zero": crossings,
        "t_first_mx_zero_mean": t_mean, "t_first_mx_zero_tolerance": t_tol,
        "ok_t_first_mx_zero": bool(ok_t),
        "ok": bool(nearest <= sp and ok_t),
        "sources": {tr.name: f"data/micromag/sp4_traces/{tr.name}.csv" for tr in trs},
    }
