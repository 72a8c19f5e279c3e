"""Run a sweep: every design through the chain, on the table build's pool, with resume.

The designs go through :func:`llg.tables.build._run_local` (spawned local processes, one
numba thread each) or :func:`llg.tables.build._run_dask` (``--scheduler tcp://H:P``), the
same drivers as ``cramsim table build``; each finished design is appended to the
checkpoint ``OUT.checkpoint`` before the next is taken, so ``--resume`` recomputes only the
missing ones. A design's record depends only on its own inputs, so the result is the same for
any number of workers. ``OUT.lock`` (:class:`llg.tables.lock.BuildLock`) refuses a second
concurrent run on the same OUT; the progress bar goes to stderr, so ``--json`` keeps stdout
pure JSON. Every NaN of a record carries a reason (:func:`.reasons.complete`).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from llg.errors import ParameterError

from .chain import evaluate_design, gates_of, quantity_names
from .config import SweepConfig
from .mc import cache_counts, preflight
from .reasons import complete
from .store import SweepCheckpoint, write_result

_GATES: dict = {}


def compute_design(cfg: SweepConfig, index: int) -> dict:
    """Pool entry point: the record of design ``index`` (gates found once per process)."""
    key = cfg.fingerprint()
    if key not in _GATES:
        _GATES[key] = gates_of(cfg)
    rec = evaluate_design(cfg, index, _GATES[key])
    return complete(rec, _GATES[key], cfg.workloads)


def _provenance(cfg: SweepConfig) -> dict:
    from llg.tables.build import _git_revision, _package_version

    from dataclasses import replace

    rev, dirty = _git_revision()
    per_wl = {w: list(gates_of(replace(cfg, workloads=(w,)))) for w in cfg.workloads}
    return {"workload_gates": per_wl, "config_toml": cfg.source_text,
            "config_fingerprint": cfg.fingerprint(),
            "base_device": cfg.base_device.to_dict(), "workloads": list(cfg.workloads),
            "target_error": cfg.target_error, "retention_years": cfg.retention_years,
            "retention_temperature": cfg.retention_temperature,
            "cell_area_max": cfg.cell_area_max, "settings": cfg.settings,
            "cramsim_version": _package_version(), "git_revision": rev,
            "git_dirty": int(dirty)}


def run_sweep(cfg: SweepConfig, out: str | Path, *, workers: int = 1, scheduler=None,
              resume: bool = False, overwrite: bool = False, progress: bool = True) -> dict:
    """Evaluate every design of ``cfg`` and write the dataset to ``out`` (module doc)."""
    from llg.tables.lock import BuildLock

    out = Path(out)
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= 1024:
        raise ParameterError(f"workers = {workers!r} must be an integer in 1..1024")
    if out.suffix not in (".h5", ".hdf5"):
        raise ParameterError(f"--out {out}: use a .h5 (HDF5) file name")
    if out.exists() and not overwrite:
        raise ParameterError(f"{out} already exists; pass --overwrite to replace it (it is "
                             "replaced only once the new result is complete)")
    preflight(cfg)
    with BuildLock(out):
        return _run_locked(cfg, out, workers, scheduler, resume, progress)


def _run_locked(cfg: SweepConfig, out: Path, workers, scheduler, resume, progress) -> dict:
    from tqdm import tqdm

    from llg.tables.build import _run_dask, _run_local
    from llg.tables.checkpoint import checkpoint_path

    ck_path = checkpoint_path(out)
    ck = SweepCheckpoint.resume(ck_path, cfg) if resume and ck_path.exists() else \
        SweepCheckpoint.create(ck_path, cfg)
    reused = len(ck.done)
    todo = [i for i in range(cfg.n_points) if i not in ck.done]
    bar = tqdm(total=cfg.n_points, initial=reused, desc=f"explore {cfg.name}", unit="design",
               disable=not progress, file=sys.stderr)
    t0 = time.perf_counter()

    def sink(i, rec):
        ck.add(i, rec)
        bar.update(1)

    try:
        if scheduler is not None:
            _run_dask(cfg, todo, scheduler, sink, compute=compute_design)
        else:
            _run_local(cfg, todo, workers, sink, compute=compute_design)
    except BaseException:
        ck.close()
        raise
    finally:
        bar.close()
    seconds = time.perf_counter() - t0
    gates = gates_of(cfg)
    records = [ck.done[i] for i in range(cfg.n_points)]
    build = {"seconds": round(seconds, 3), "designs_computed": len(todo),
             "designs_reused": reused, "workers": workers if scheduler is None else 0,
             "scheduler": str(scheduler or ""), "cpu_count": os.cpu_count() or 0,
             **cache_counts([ck.done[i] for i in todo])}
    write_result(out, cfg, gates, records, quantity_names(cfg, gates), _provenance(cfg), build)
    ck.remove()
    return {"designs": cfg.n_points, "out": str(out), "seconds": seconds,
            "computed": len(todo), "reused": reused, "gates": list(gates),
            "cache": {k: build[k] for k in ("cache_hits", "cache_misses")},
            "points": [summary_point(cfg, i, records[i], gates) for i in range(cfg.n_points)]}


def summary_point(cfg: SweepConfig, index: int, rec: dict, gates: tuple) -> dict:
    """One design as the CLI's JSON prints it (NaN -> None)."""
    def num(x):
        return None if x != x else x
    return {"params": cfg.design(index), "delta": num(rec["delta"]),
            "retention_time": num(rec["retention_time"]),
            "max_gate_error": {g: num(rec[f"max_gate_error__{g}"]) for g in gates},
            "energy_ratio": {w: num(rec[f"energy_ratio__{w}"]) for w in cfg.workloads},
            "speedup": {w: num(rec[f"speedup__{w}"]) for w in cfg.workloads},
            "feasible": bool(rec["feasible"]), "reason": rec["reason"]}
