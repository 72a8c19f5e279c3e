"""Plots of a sweep result (PNG, written atomically): heat maps and the Pareto front.

Heat maps, per workload, over two swept axes: log10 of the max gate error over the gates the
workload uses (the target drawn as a contour) and the energy ratio (10x / 50x contours). The
other axes are either fixed (at ``at``, default their first grid value) or reduced to the best
case per cell (least error, largest ratio, each over all values of the other axes, so the two
maps may show different designs); the title says which. Cells not evaluated are blank; with
fixed axes, designs failing the retention or area constraint are marked "(x)".

The Pareto plot, per workload (:mod:`.pareto`): energy ratio vs max gate error, every design
coloured by its speedup (baseline latency / CRAM latency); designs failing the retention or
area constraint drawn as crosses; the non-dominated designs ringed, those non-dominated in
(error, ratio) alone connected; the target error and the 10x / 50x lines drawn.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from llg.errors import ParameterError

from .frontier import LEVELS, check_at, check_swept
from .store import workload_error


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def reduce2(res: dict, a: np.ndarray, x: str, y: str, at: dict, best: str | None):
    """``a`` (dims of the result) on the (y, x) plane: other axes at ``at`` (default: index
    0), or reduced by ``best`` ("min" / "max", NaN-aware); rows y, columns x."""
    dims = res["dims"]
    if best:
        others = tuple(k for k, d in enumerate(dims) if d not in (x, y))
        with np.errstate(all="ignore"):
            finite = np.isfinite(a)
            fill = np.inf if best == "min" else -np.inf
            red = np.where(finite, a, fill)
            red = red.min(axis=others) if best == "min" else red.max(axis=others)
            red = np.where(finite.any(axis=others), red, np.nan)
    else:
        idx = []
        for d in dims:
            if d in (x, y):
                idx.append(slice(None))
            else:
                grid = np.asarray(res["axes"][d][0], dtype=float)
                idx.append(int(np.nonzero(grid == at[d])[0][0]) if d in at else 0)
        red = a[tuple(idx)]
    kept = [d for d in dims if d in (x, y)]
    return red if kept == [y, x] else red.T


def _title(res, x, y, at, best) -> str:
    others = [d for d in res["dims"] if d not in (x, y)]
    if not others:
        return ""
    if best:
        return ("other axes reduced to the best case per cell (least error, largest ratio, "
                "over " + ", ".join(others) + ")")
    parts = [f"{d} = {at.get(d, res['axes'][d][0][0]):.3g} {res['axes'][d][1]}" for d in others]
    return "other axes fixed at " + ", ".join(parts)


def _map(ax, fig, data, xs, ys, x, y, title, levels, fails=None):
    im = ax.imshow(data, origin="lower", aspect="auto")
    ax.set_xticks(range(len(xs[0])), [f"{v:.3g}" for v in xs[0]])
    ax.set_yticks(range(len(ys[0])), [f"{v:.3g}" for v in ys[0]])
    ax.set_xlabel(f"{x} ({xs[1]})")
    ax.set_ylabel(f"{y} ({ys[1]})")
    ax.set_title(title, fontsize=9)
    fig.colorbar(im, ax=ax)
    lv = [v for v in levels if np.nanmin(data) < v < np.nanmax(data)] \
        if np.isfinite(data).any() else []
    if lv and min(data.shape) >= 2:
        ax.contour(data, levels=sorted(lv), colors="w", linewidths=1.2)
    for (i, j), v in np.ndenumerate(data):
        mark = " (x)" if fails is not None and fails[i, j] else ""
        ax.text(j, i, ("n/a" if not np.isfinite(v) else f"{v:.3g}") + mark, ha="center",
                va="center", fontsize=7, color="w")


def heatmaps(res: dict, out_dir: Path, x: str | None = None, y: str | None = None,
             at: dict | None = None, best: bool = False) -> list:
    """Error and ratio heat maps per workload to ``out_dir`` (module doc); the paths."""
    from llg.plots import save_figure

    dims = res["dims"]
    if len(dims) < 2:
        raise ParameterError(f"heat maps need a sweep over at least two axes; this one has "
                             f"{', '.join(dims)}")
    for a in (x, y):
        if a is not None:
            check_swept(res, a)
    x = x or next(d for d in dims if d != y)
    y = y or next(d for d in dims if d != x)
    if x == y:
        raise ParameterError(f"--x and --y both name {x!r}; give two different swept axes")
    at = check_at(res, at or {})
    if best and at:
        raise ParameterError("--at and --best exclude each other: fix the other axes or "
                             "reduce them to the best case")
    if set(at) & {x, y}:
        raise ParameterError(f"--at {sorted(set(at) & {x, y})[0]}: that axis is drawn "
                             "(--x / --y); fix only the others")
    from .pareto import meets_constraints

    plt = _plt()
    target = float(res["attrs"]["target_error"])
    shape = np.asarray(res["data"]["delta"]).shape
    fails = None if best else \
        reduce2(res, ~meets_constraints(res).reshape(shape), x, y, at, None)
    paths = []
    for w in json.loads(res["attrs"]["workloads"]):
        gates = json.loads(res["attrs"]["workload_gates"])[w]
        err = reduce2(res, workload_error(res, w), x, y, at, "min" if best else None)
        ratio = reduce2(res, res["data"][f"energy_ratio__{w}"], x, y, at,
                        "max" if best else None)
        fig, axs = plt.subplots(1, 2, figsize=(11, 4.4), constrained_layout=True)
        _map(axs[0], fig, np.log10(np.clip(err, 1e-30, 1)), res["axes"][x], res["axes"][y],
             x, y, f"log10 max gate error ({', '.join(gates)}); contour: target "
             f"{target:g}", [np.log10(target)], fails)
        _map(axs[1], fig, ratio, res["axes"][x], res["axes"][y], x, y,
             f"energy ratio {w} (baseline / CRAM); contours 10x, 50x", list(LEVELS), fails)
        note = "; (x): fails retention or area" if fails is not None and fails.any() else ""
        fig.suptitle(_title(res, x, y, at, best) + note, fontsize=9)
        tag = "best" if best else "fixed"
        paths.append(save_figure(fig, Path(out_dir) / f"heatmap_{w}_{x}_{y}_{tag}.png"))
        plt.close(fig)
    return paths


def pareto_plots(res: dict, out_dir: Path) -> list:
    """The Pareto plot of every workload (module doc); the paths."""
    from llg.plots import save_figure

    from .pareto import non_dominated, objectives

    plt = _plt()
    target = float(res["attrs"]["target_error"])
    paths = []
    for w in json.loads(res["attrs"]["workloads"]):
        o = objectives(res, w)
        fig, ax = plt.subplots(figsize=(7.5, 5), constrained_layout=True)
        ok = np.isfinite(o["error"]) & np.isfinite(o["ratio"]) & np.isfinite(o["speedup"])
        good, bad = ok & o["meets"], ok & ~o["meets"]
        err = np.clip(o["error"], 1e-30, None)
        span = {"vmin": o["speedup"][ok].min(), "vmax": o["speedup"][ok].max()} \
            if ok.any() else {}
        sc = None
        for mask, marker, label in ((good, "o", "meets the constraints"),
                                    (bad, "x", "fails retention or area")):
            if mask.any():
                sc = ax.scatter(err[mask], o["ratio"][mask], c=o["speedup"][mask],
                                cmap="viridis", marker=marker, s=36, label=label, zorder=3,
                                **span)
        if sc is not None:
            fig.colorbar(sc, ax=ax, label="speedup (baseline latency / CRAM latency)")
        front = o["front"]
        ax.scatter(err[front], o["ratio"][front], s=110, facecolors="none", edgecolors="k",
                   label="Pareto (error, ratio, speedup)", zorder=4)
        two = np.column_stack([o["error"], -o["ratio"]])
        two[~good] = np.nan
        f2 = np.nonzero(non_dominated(two))[0]
        f2 = f2[np.argsort(o["error"][f2])]
        ax.plot(err[f2], o["ratio"][f2], "k-", lw=1, label="front in (error, ratio)")
        ax.axvline(target, color="tab:red", ls="--", lw=1, label=f"target {target:g}")
        for lv, ls in zip(LEVELS, (":", "-.")):
            ax.axhline(lv, color="tab:gray", ls=ls, lw=1, label=f"{lv:g}x")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("max gate error (gates the workload uses)")
        ax.set_ylabel(f"energy ratio {w} (baseline / CRAM)")
        n_bad = int((~ok).sum())
        ax.set_title(f"{w}: Pareto front of {int(ok.sum())} designs" +
                     (f" ({n_bad} not evaluated, reasons in the file)" if n_bad else ""),
                     fontsize=9)
        ax.legend(fontsize=7, loc="best")
        paths.append(save_figure(fig, Path(out_dir) / f"pareto_{w}.png"))
        plt.close(fig)
    return paths
