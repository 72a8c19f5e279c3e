"""Which path the gate and write optimizers evaluate candidates by: fast (default) or the
reference (brute force).

The reference path is the evaluation as it was before the speed work of issue 14: the general
sparse LU (SuperLU) in every Newton step of the nodal analysis, bisection for the write's
voltage range, no memo of per-pulse-width queries. The fast path gives the same operating
points (tested in tests/test_fastpath.py: V and t within the grid resolution, errors and
energies within a stated relative tolerance); ``benchmarks/bench_explore.py`` times both in
one run.
"""
from __future__ import annotations

from contextlib import contextmanager

#: True: the fast path (default); False: the reference path. Change it with :func:`reference`.
FAST = True


@contextmanager
def reference():
    """Evaluate by the reference (brute-force) path inside the ``with`` block."""
    global FAST
    from . import network

    saved = FAST, network.LINEAR_SOLVER
    FAST, network.LINEAR_SOLVER = False, "superlu"
    try:
        yield
    finally:
        FAST, network.LINEAR_SOLVER = saved
