"""The Fokker-Planck switching grids of a sweep's devices, kept in the content-hash disk cache.

The FP gate source (:class:`circuits.fpsource.FPSwitching`) solves, per device and switching
direction, log WER and log P_sw on its grid of currents and pulse widths; within one process
designs that differ only in circuit keys share them (``circuits.fpsource.fp_source``). While a
sweep evaluates a design, :func:`fp_grid_store` puts :class:`FPGridStore` behind the source's
``GRID_STORE`` hook, so each grid is also kept on disk (:mod:`llg.tables.cache`, kind
"switching-fp", one ``.npz`` of the three arrays) and a later sweep - or another worker -
reads it instead of solving again. The key: the reduced model (Delta, tau_D, h, current
scale), the current and pulse grids, the cells, the direction, and the source code of
``circuits/fpsource.py`` beside the physics-code stamp. The arrays are stored exactly
(float64), so a cached grid gives the same splines, bit for bit.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import threading
from pathlib import Path

import numpy as np

KIND = "switching-fp"


def _source_sha() -> str:
    import circuits.fpsource as fpsource

    return hashlib.sha256(Path(fpsource.__file__).read_bytes()).hexdigest()


class FPGridStore:
    """``GRID_STORE`` of the FP source: disk-cached grids, with hit and miss counts per thread
    (a Dask worker may evaluate several designs at once in one process)."""

    def __init__(self, root=None):
        from llg.tables.cache import DiskCache

        self.cache = DiskCache(KIND, root, suffix=".npz")
        self._local = threading.local()

    def counter(self) -> dict:
        """This thread's {"hits", "misses"} (a new one per :func:`fp_grid_store` block)."""
        if not hasattr(self._local, "counter"):
            self._local.counter = {"hits": 0, "misses": 0}
        return self._local.counter

    def key(self, src, direction: str, widths) -> str:
        from llg.tables.cache import content_key

        return content_key(KIND, {
            "model": dataclasses.asdict(src.model), "n_cells": int(src.n_cells),
            "currents": [float(i) for i in src.currents], "direction": direction,
            "pulse_widths": [float(t) for t in np.atleast_1d(widths)],
            "fpsource": _source_sha()})

    def grid(self, src, direction: str, widths, solve):
        """(log WER, log P_sw, rel. error) of ``solve(direction, widths)``, from disk if kept."""
        from llg.outputs import atomic_output

        fresh = {}

        def build(path):
            fresh["v"] = solve(direction, widths)
            lw, lp, err = fresh["v"]
            with atomic_output(path) as tmp:
                np.savez(tmp, lw=lw, lp=lp, err=np.float64(err))

        path, status = self.cache.get_or_build(self.key(src, direction, widths), build)
        self.counter()["hits" if status == "hit" else "misses"] += 1
        if status == "hit":
            with np.load(path) as z:
                return z["lw"], z["lp"], float(z["err"])
        return fresh["v"]


_LOCK = threading.Lock()
_ACTIVE = {"store": None, "depth": 0}


@contextlib.contextmanager
def fp_grid_store():
    """Within the block, FP grids go through the disk cache (an :class:`FPGridStore` as
    ``circuits.fpsource.GRID_STORE``, installed by the first of concurrent blocks and removed
    by the last); yields this thread's counter {"hits", "misses"} of the block."""
    import circuits.fpsource as fpsource

    with _LOCK:
        if _ACTIVE["depth"] == 0:
            _ACTIVE["store"] = FPGridStore()
            fpsource.GRID_STORE = _ACTIVE["store"]
        _ACTIVE["depth"] += 1
        store = _ACTIVE["store"]
    store._local.counter = {"hits": 0, "misses": 0}
    try:
        yield store.counter()
    finally:
        with _LOCK:
            _ACTIVE["depth"] -= 1
            if _ACTIVE["depth"] == 0:
                fpsource.GRID_STORE = _ACTIVE["store"] = None
