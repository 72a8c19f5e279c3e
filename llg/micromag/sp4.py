"""mu-MAG standard problem 4: permalloy 500 x 125 x 3 nm, S-state, reversal in a field.

Problem (NIST mu-MAG, https://www.ctcms.nist.gov/~rdm/std4/spec4.html): A = 1.3e-11 J/m,
Ms = 8.0e5 A/m, alpha = 0.02, no anisotropy; the S-state (relaxed from a saturated state
along [1, 1, 1]; here, as in mumax3's test, from m = (1, 0.1, 0)); then field 1,
mu0 H = (-24.6, 4.3, 0) mT, or field 2, mu0 H = (-35.5, -6.3, 0) mT, for 1 ns.

Reference numbers: mumax3's regression test test/standardproblem4.mx3 (github.com/mumax/3),
on the same 128 x 32 x 1 grid: relaxed <m> = (0.96696842, 0.12527321, 0); after 1 ns in
field 1, <m> = (-0.98461241, 0.12604089, 0.04327124) (checked there to 1e-5). Field 2: the
early mumax3 certification test test/cert/standardproblem4b.go (same grid, relaxed by 3 ns
of alpha = 1 dynamics), <m>(1 ns) = (-0.9687, -0.1186, -0.00569) (checked there to 1e-3).
mumax3 and its
validation are described in Vansteenkiste et al., AIP Advances 4, 107133 (2014).

Published traces: :mod:`llg.micromag.sp4_reference` compares the whole <m>(t) over 0..1 ns
and the first <m_x> zero with OOMMF, magnum.np and the NIST-hosted Albuquerque et al. traces
(``run(...)["published"]``).
"""
from __future__ import annotations

import time

import numpy as np

from ..constants import MU0
from ..errors import ParameterError
from . import sp4_reference
from .grid import rectangle
from .integrate import run_deterministic
from .minimize import minimize
from .system import System
from .terms import Exchange, Zeeman


def _card() -> dict:
    from ..paths import data_dir, read_toml

    return read_toml(data_dir() / "micromag" / "sp4.toml", "standard problem 4 card")


_C = _card()
A_EX = _C["A_ex"]          # J/m
MS = _C["Ms"]              # A/m
ALPHA = _C["alpha"]
SIZE = tuple(_C["size"])   # m
FIELDS_MT = {int(k): tuple(v) for k, v in _C["fields_mT"].items()}  # mu0 H, mT
#: data/micromag/sp4.toml: mumax3's numbers on the 128 x 32 x 1 grid (module docstring).
REFERENCE = {"source": _C["source"], **{k: tuple(v) for k, v in _C["reference"].items()}}


def build(nx: int = _C["grid"][0], ny: int = _C["grid"][1]) -> System:
    """The SP4 system on an nx x ny x 1 grid (no field yet)."""
    g = rectangle(SIZE[0], SIZE[1], SIZE[2], SIZE[0] / nx)
    if g.ny != ny:
        g = type(g)(nx, ny, 1, SIZE[0] / nx, SIZE[1] / ny, SIZE[2], np.ones((1, ny, nx), bool))
    return System(g, MS, ALPHA, exchange=Exchange(A_EX))


def s_state(system: System) -> np.ndarray:
    """The relaxed S-state (energy minimum from m = (1, 0.1, 0))."""
    return minimize(system, system.uniform(tuple(_C["initial"])), tol=0.1)


def run(field: int = 1, nx: int = _C["grid"][0], ny: int = _C["grid"][1],
        duration: float = 1e-9,
        record_every: float = 5e-12, progress: bool = False) -> dict:
    """Relax, apply field 1 or 2, integrate ``duration`` s; traces and the comparison."""
    if field not in FIELDS_MT:
        raise ParameterError(f"field = {field!r} is invalid (standard problem 4 field); "
                             f"valid: 1 or 2")
    sys0 = build(nx, ny)
    t0 = time.perf_counter()
    m0 = s_state(sys0)
    relaxed = sys0.average(m0)
    H = tuple(b * 1e-3 / MU0 for b in FIELDS_MT[field])
    sys1 = sys0.with_(zeeman=Zeeman(H))
    t1 = time.perf_counter()
    traj = run_deterministic(sys1, m0, duration, record_every=record_every, progress=progress)
    t2 = time.perf_counter()
    mx = traj.m_avg[:, 0]
    cross = np.nonzero(np.diff(np.sign(mx)) != 0)[0]
    t_cross = float(np.interp(0.0, [mx[cross[0] + 1], mx[cross[0]]],
                              [traj.t[cross[0] + 1], traj.t[cross[0]]])) if len(cross) else None
    out = {
        "field": field, "field_mT": list(FIELDS_MT[field]), "grid": [nx, ny, 1],
        "relaxed_m": relaxed.tolist(), "final_m": traj.m_avg[-1].tolist(),
        "t_first_mx_zero": t_cross,
        "mx_min": float(mx.min()), "t_mx_min": float(traj.t[np.argmin(mx)]),
        "my_max": float(traj.m_avg[:, 1].max()),
        "t_my_max": float(traj.t[np.argmax(traj.m_avg[:, 1])]),
        "seconds_relax": t1 - t0, "seconds_dynamics": t2 - t1,
        "t": traj.t.tolist(), "m": traj.m_avg.tolist(),
        "reference": dict(REFERENCE),
    }
    out["relaxed_error"] = float(np.abs(relaxed - REFERENCE["relaxed"]).max())
    if abs(duration - 1e-9) < 1e-15 and [nx, ny] == list(_C["grid"][:2]):
        ref = REFERENCE[f"field{field}_1ns"]
        out["final_error"] = float(np.abs(traj.m_avg[-1] - np.asarray(ref)).max())
    out["published"] = sp4_reference.compare(field, traj.t, traj.m_avg,
                                             t_end=min(duration, 1e-9))
    return out
