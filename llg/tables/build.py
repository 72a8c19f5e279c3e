"""Build a switching table: grid points -> per-point Monte Carlo (+ Fokker-Planck WER).

Reproducibility: grid point ``i`` (C order over the table's dimensions) draws all its
randomness from ``SeedSequence(seed, spawn_key=(i,))``, which is exactly the i-th child of
``SeedSequence(seed).spawn(n_points)``. A point's numbers depend only on the config and its
index, never on which worker ran it or in which order, so the table is bit-identical for 1
worker, N workers or a Dask cluster, and a resumed build equals an uninterrupted one.
With process variation the devices of point i come from key (i, 0) and the trajectories of
its j-th device from key (i, 1, j).

Execution: ``workers = 1`` runs in this process; ``workers > 1`` a process pool on this
machine (one numba thread per worker process, so N workers use N cores); ``scheduler =
"tcp://host:port"`` (or a ``distributed.Client``) sends the points to a Dask cluster, whose
workers need cramsim installed. Every finished point is appended to the checkpoint
(``OUT.checkpoint``) as it arrives; the table is written atomically at the end and the
checkpoint removed.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
import os
import subprocess
import time
from pathlib import Path

import numpy as np

from ..errors import ParameterError, check_int
from ..seeding import child
from ..switching import DIRECTIONS, critical_current, switching_probability
from .checkpoint import Checkpoint, checkpoint_path
from .lock import BuildLock
from .config import TableConfig
from .schema import DEVICE_QUANTITIES, POINT_QUANTITIES, write_table
from .variation import pooled_interval, pooled_mean_std, sample_devices

#: Spawn key of the device sample behind the device group's spreads (beyond any grid index).
DEVICE_STATS_KEY = 1 << 40
#: Devices sampled for the device group's means and standard deviations.
DEVICE_STATS_SAMPLES = 2000
CONFIDENCE = 0.95


# -- physics of one point ------------------------------------------------------------------
def wer_solver(cfg: TableConfig) -> str:
    """Which solver gives the table's WER: "fokker-planck" where it applies, else
    "monte-carlo" (1 - p_switch with its interval)."""
    from . import physics

    return "fokker-planck" if physics.fp_applies(cfg) else "monte-carlo"


def compute_point(cfg: TableConfig, index: int, numba_threads: int | None = None) -> dict:
    """All point quantities of grid point ``index`` (plain Python numbers, SI units)."""
    if numba_threads is not None:
        import numba

        numba.set_num_threads(max(1, min(numba_threads, numba.config.NUMBA_NUM_THREADS)))
    pt = cfg.point(index)
    T, direction, width = pt["temperature"], pt["direction"], pt["pulse_width"]
    amp = pt[cfg.drive]
    signed = DIRECTIONS[direction][1] * amp
    kw = dict(pulse_width=width, direction=direction, dt=cfg.dt, rise=cfg.rise,
              fall=cfg.fall, series_resistance=cfg.series_resistance, confidence=CONFIDENCE,
              **{cfg.drive: signed})
    if not cfg.has_variation:
        sp = switching_probability(cfg.device_at(T), trials=cfg.trials,
                                   seed=child(cfg.seed, index), **kw)
        p, lo, hi, n_eff = sp.p_switch, sp.ci_low, sp.ci_high, float(sp.trials)
        n, k = sp.trials, sp.switched
        t_sw, e, e_std = sp.mean_switching_time, sp.write_energy, sp.write_energy_std
    else:
        devices = sample_devices(cfg.device, cfg.sigma_rel, pt["variation"], cfg.n_devices,
                                 child(cfg.seed, index, 0))
        per = cfg.trials // cfg.n_devices
        sps = [switching_probability(d.at_temperature(T), trials=per,
                                     seed=child(cfg.seed, index, 1, j), **kw)
               for j, d in enumerate(devices)]
        ks = [s.switched for s in sps]
        n, k = sum(s.trials for s in sps), sum(ks)
        p, lo, hi, n_eff = pooled_interval(ks, [s.trials for s in sps], CONFIDENCE)
        t_sw = (sum(s.switched * s.mean_switching_time for s in sps if s.switched) / k
                if k else math.nan)
        e, e_std = pooled_mean_std([s.write_energy for s in sps],
                                   [s.write_energy_std for s in sps])
    out = {"p_switch": float(p), "p_switch_ci_low": float(lo), "p_switch_ci_high": float(hi),
           "mean_switching_time": float(t_sw), "trials": int(n), "switched": int(k),
           "effective_trials": float(n_eff), "write_energy": float(e),
           "write_energy_std": float(e_std)}
    if wer_solver(cfg) == "fokker-planck":
        from . import physics

        w, w_lo, w_hi = physics.fp_wer(cfg, cfg.device_at(T), signed, width, direction)
        out.update(wer=w, wer_ci_low=w_lo, wer_ci_high=w_hi, wer_method=1)
    else:
        out.update(wer=1.0 - float(p), wer_ci_low=1.0 - float(hi), wer_ci_high=1.0 - float(lo),
                   wer_method=0)
    return out


def device_statistics(cfg: TableConfig) -> dict:
    """The device group: scalars over (direction,) temperature (, variation) and bias.

    Without variation: the nominal device at each temperature. With variation: mean and
    standard deviation over DEVICE_STATS_SAMPLES devices drawn as for the grid points (the
    same draw at every temperature, a fresh one per variation scale).
    """
    from . import physics

    temps = cfg.axes["temperature"]
    dirs = cfg.axes["direction"]
    bias = np.asarray(cfg.bias_voltage)
    scales = cfg.axes.get("variation", (None,))
    per_scale = []
    for si, scale in enumerate(scales):
        if scale is None:
            base = [cfg.device]
        else:
            base = sample_devices(cfg.device, cfg.sigma_rel, scale, DEVICE_STATS_SAMPLES,
                                  child(cfg.seed, DEVICE_STATS_KEY, si))
        vals = {name: [] for name in DEVICE_QUANTITIES}
        for T in temps:
            devs = [d if T == d.temperature else d.at_temperature(T) for d in base]
            vals["delta"].append([d.delta for d in devs])
            vals["ic0"].append([d.ic0 for d in devs])
            vals["tau_d"].append([d.tau_d for d in devs])
            vals["retention_time"].append([physics.retention_time(d) for d in devs])
            vals["critical_current"].append([[critical_current(d, r) for d in devs]
                                             for r in dirs])
        vals["r_p"] = [d.r_p for d in base]
        vals["r_ap"] = [[d.r_p * (1.0 + d.tmr(v)) for d in base] for v in bias]
        per_scale.append({k: np.asarray(v, dtype=float) for k, v in vals.items()})
    # sample axis is last; move direction first for critical_current: (T, dir, s) -> (dir, T, s)
    for v in per_scale:
        v["critical_current"] = np.moveaxis(v["critical_current"], 1, 0)
    out = {}
    for name in DEVICE_QUANTITIES:
        stacked = np.stack([v[name] for v in per_scale], axis=-2)  # (..., scale, sample)
        mean = stacked.mean(axis=-1)
        if not cfg.has_variation:
            out[name] = mean[..., 0]
            continue
        std = stacked.std(axis=-1)
        # scale axis sits just before the sample axis; dims want it after temperature, or
        # first when the quantity has no temperature axis
        extra = DEVICE_QUANTITIES[name][2]
        if "temperature" not in extra:
            mean, std = np.moveaxis(mean, -1, 0), np.moveaxis(std, -1, 0)
        out[name], out[name + "_std"] = mean, std
    return out


# -- provenance --------------------------------------------------------------------------
def _git_revision() -> tuple[str, bool]:
    root = Path(__file__).resolve().parents[2]
    try:
        rev = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"],
                             capture_output=True, text=True, timeout=10)
        if rev.returncode != 0:
            return "", False
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True, text=True,
                               timeout=10)
        return rev.stdout.strip(), bool(dirty.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        return "", False


def _package_version() -> str:
    try:
        from importlib.metadata import version

        return version("cramsim")
    except Exception:  # not installed: running from a checkout
        return "unknown"


def provenance(cfg: TableConfig, build: dict) -> dict:
    """Root attributes: what was built, from what, with which code and seeds."""
    from . import physics

    rev, dirty = _git_revision()
    return {
        "title": f"cramsim switching table '{cfg.name}'",
        "name": cfg.name, "description": cfg.description,
        "cramsim_version": _package_version(), "git_revision": rev, "git_dirty": int(dirty),
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "config_toml": cfg.config_text, "config_fingerprint": cfg.fingerprint(),
        "device_name": cfg.device.name, "device_file": cfg.device_ref,
        "device_toml": cfg.device_text, "device_sha256": cfg.device_sha256,
        "device_json": json.dumps(cfg.device.to_dict()),
        "drive": cfg.drive, "seed": cfg.seed,
        "seed_scheme": "point i (C order over the dimensions) uses numpy "
                       "SeedSequence(seed, spawn_key=(i,)) = SeedSequence(seed).spawn(n)[i]; "
                       "with variation: devices from key (i, 0), device j's trajectories "
                       "from key (i, 1, j)",
        "solver": "llg.switching.switching_probability: macrospin LLGS, stochastic Heun "
                  "(Stratonovich), Boltzmann initial states in the start well, current off "
                  "for relax_time = 2 tau_D after the pulse, 95 % Wilson intervals",
        "dt": cfg.dt, "trials": cfg.trials, "n_devices": cfg.n_devices,
        "sigma_rel": json.dumps(cfg.sigma_rel), "variation_model":
            "x = x0 (1 + k sigma_rel z), z ~ N(0,1) truncated at |z| <= 3; pooled interval "
            "with Kish effective size (llg.tables.variation)" if cfg.has_variation else "none",
        "rise": cfg.rise, "fall": cfg.fall, "series_resistance": cfg.series_resistance,
        "confidence": CONFIDENCE, "wer_solver": wer_solver(cfg),
        "wer_solver_details": physics.fp_description(cfg),
        "retention_solver": physics.retention_description(),
        **{f"build_{k}": v for k, v in build.items()},
    }


# -- the build driver --------------------------------------------------------------------
_WORKER_CFG = None
_WORKER_FN = None


def _init_worker(cfg, parent: int | None = None, compute=None) -> None:
    global _WORKER_CFG, _WORKER_FN
    from ..parentwatch import die_with_parent

    die_with_parent(parent)  # a killed build must not leave its workers computing
    import numba

    _WORKER_CFG = cfg
    _WORKER_FN = compute_point if compute is None else compute
    numba.set_num_threads(1)  # one core per worker process


def _compute_in_worker(index: int) -> tuple[int, dict]:
    return index, _WORKER_FN(_WORKER_CFG, index)


def _compute_indexed(cfg, index, numba_threads, compute=None):
    if compute is not None:  # another driver's point function (e.g. arrays.explore)
        import numba

        numba.set_num_threads(numba_threads)
        return index, compute(cfg, index)
    return index, compute_point(cfg, index, numba_threads)


def _run_local(cfg, todo, workers, sink, compute=None):
    """Compute the points ``todo`` of ``cfg`` (``compute(cfg, i)``, default the table's
    :func:`compute_point`) in ``workers`` spawned processes; ``sink(i, values)`` in this
    process as each finishes."""
    if workers == 1:
        for i in todo:
            sink(i, (compute or compute_point)(cfg, i))
        return
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    # "spawn": a forked child would inherit numba's threading-layer state and can hang
    ctx = mp.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                             initargs=(cfg, os.getpid(), compute)) as pool:
        pending = {pool.submit(_compute_in_worker, i) for i in todo}
        try:
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    sink(*fut.result())
        except BaseException:
            for fut in pending:
                fut.cancel()
            raise


#: Seconds to wait for a Dask scheduler before giving up (its workers may take longer).
DASK_CONNECT_TIMEOUT = 30


def check_scheduler_address(address: str) -> str:
    """A Dask scheduler address: ``tcp://host:port`` (or another protocol), else a
    ParameterError before any work."""
    import re

    if not re.fullmatch(r"((tcp|tls|ucx|ws|wss)://)?[^\s/:]+:\d{1,5}/?", address):
        raise ParameterError(f"--scheduler = {address!r} is not a Dask scheduler address; "
                             "valid: tcp://host:port (e.g. tcp://127.0.0.1:8786)")
    return address


def _import_distributed():
    """(Client, as_completed) of dask.distributed, or a ParameterError before any work."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ParameterError("--scheduler needs dask distributed, which is not installed: "
                             "pip install 'cramsim[tables]'") from None
    return Client, as_completed


def _connect(scheduler):
    """(client, own): a ``distributed.Client`` for an address (own: close it after), or the
    given client; a ParameterError if no scheduler answers."""
    Client, _ = _import_distributed()
    if hasattr(scheduler, "submit"):
        return scheduler, False
    try:
        return Client(scheduler, timeout=DASK_CONNECT_TIMEOUT), True
    except (OSError, ValueError, TimeoutError) as exc:
        raise ParameterError(f"--scheduler = {scheduler!r}: cannot connect to a Dask "
                             f"scheduler there ({type(exc).__name__}: {exc}); give "
                             "tcp://host:port of a running scheduler") from None


def _run_dask(cfg, todo, scheduler, sink, compute=None):
    _, as_completed = _import_distributed()
    client, own = _connect(scheduler)
    try:
        cfg_future = client.scatter(cfg, broadcast=True)
        futures = [client.submit(_compute_indexed, cfg_future, i, 1, compute,
                                 pure=False)
                   for i in todo]
        try:
            for fut in as_completed(futures):
                sink(*fut.result())
        except BaseException:
            client.cancel(futures)
            raise
    finally:
        if own:
            client.close()


def _scheduler_name(scheduler) -> str:
    if scheduler is None:
        return ""
    if hasattr(scheduler, "scheduler"):  # a distributed.Client
        return str(getattr(scheduler.scheduler, "address", "dask client"))
    return str(scheduler)


def build_table(cfg: TableConfig, out: str | Path, *, workers: int = 1, scheduler=None,
                resume: bool = False, overwrite: bool = False, progress: bool = True) -> dict:
    """Compute every grid point of ``cfg`` and write the table to ``out`` (HDF5).

    workers : local processes (1: this process). scheduler : Dask scheduler address
    ("tcp://host:8786") or a ``distributed.Client``; overrides ``workers``.
    resume : continue from ``out.checkpoint``, computing only the missing points (the
    config and device file must be unchanged). overwrite : allow replacing an existing
    ``out`` (it is replaced only once the new table is complete).
    Returns a summary: points, computed, reused, seconds, workers/scheduler.
    """
    out = Path(out)
    check_int("workers", workers, "", 1, 1024, what="local worker processes")
    if out.exists() and not overwrite:
        raise ParameterError(f"{out} already exists; pass --overwrite to replace it (it is "
                             "replaced only once the new table is complete)")
    if out.suffix not in (".h5", ".hdf5", ".nc"):
        raise ParameterError(f"--out {out}: use a .h5 (HDF5) file name")
    if isinstance(scheduler, str):
        check_scheduler_address(scheduler)
    with BuildLock(out):
        # connect (or fail: no Dask, no scheduler) before any checkpoint is written
        client, own = _connect(scheduler) if scheduler is not None else (None, False)
        try:
            return _build_locked(cfg, out, workers, client, resume, progress)
        finally:
            if own:
                client.close()


def _build_locked(cfg, out, workers, scheduler, resume, progress) -> dict:
    ck_path = checkpoint_path(out)
    created = not (resume and ck_path.exists())
    ck = Checkpoint.create(ck_path, cfg) if created else Checkpoint.resume(ck_path, cfg)
    if ck.rejected and progress:
        import sys

        print(f"checkpoint {ck_path}: {ck.rejected} line(s) failed their integrity check "
              "and were dropped; those points are recomputed", file=sys.stderr)
    reused = len(ck.done)
    todo = [i for i in range(cfg.n_points) if i not in ck.done]
    t0 = time.perf_counter()
    from tqdm import tqdm

    bar = tqdm(total=cfg.n_points, initial=reused, desc=f"table {cfg.name}", unit="point",
               disable=not progress, smoothing=0.05)

    def sink(i, values):
        ck.add(i, values)
        bar.update(1)

    try:
        if scheduler is not None:
            _run_dask(cfg, todo, scheduler, sink)
        else:
            _run_local(cfg, todo, workers, sink)
    except BaseException:
        if created and not ck.done:  # nothing to resume: leave no checkpoint behind
            ck.remove()
        else:
            ck.close()
        raise
    finally:
        bar.close()
    seconds = time.perf_counter() - t0
    point_data = {}
    for q in POINT_QUANTITIES:
        arr = np.array([ck.done[i][q.name] for i in range(cfg.n_points)], dtype=q.dtype)
        point_data[q.name] = arr.reshape(cfg.shape)
    build = {"seconds": round(seconds, 3), "points_computed": len(todo),
             "points_reused": reused, "checkpoint_lines_rejected": ck.rejected,
             "workers": workers if scheduler is None else 0,
             "scheduler": _scheduler_name(scheduler),
             "cpu_count": os.cpu_count() or 0}
    write_table(out, cfg, point_data, device_statistics(cfg), provenance(cfg, build))
    ck.remove()
    return {"out": str(out), "points": cfg.n_points, "computed": len(todo), "reused": reused,
            "checkpoint_lines_rejected": ck.rejected,
            "seconds": seconds, "workers": build["workers"], "scheduler": build["scheduler"],
            "cpu_count": build["cpu_count"],
            "shape": dict(zip(cfg.dims, cfg.shape)), "wer_solver": wer_solver(cfg)}
