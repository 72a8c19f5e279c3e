"""PNG figures of the validation cases (matplotlib, Agg backend), written atomically.

Each function takes plain arrays (SI units unless the axis label says otherwise) and a target
path, draws one figure and returns the path. Nothing here computes physics.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def save(fig, path) -> str:
    """Write ``fig`` to ``path`` (PNG) through a temporary file and ``os.replace``."""
    from llg.plots import save_figure

    return str(save_figure(fig, path, dpi=110))


def target(out_dir, name: str) -> Path | None:
    """``out_dir/name.png``, or None when no output folder was given."""
    return None if out_dir is None else Path(out_dir) / f"{name}.png"


def convergence(path, series: dict, title: str, ylabel: str, xlabel: str = "dt (s)",
                guides: dict | None = None) -> str:
    """Log-log error vs step size. ``series``: label -> (dt, err, fitted order).

    ``guides``: label -> (dt, values) dashed reference lines (e.g. a predicted error law).
    """
    fig, ax = plt.subplots(figsize=(6.2, 4.2), constrained_layout=True)
    for label, (dt, err, order) in series.items():
        txt = f"{label} (order {order:.2f})" if order is not None else label
        ax.loglog(dt, err, "o-", label=txt)
    for label, (dt, val) in (guides or {}).items():
        ax.loglog(dt, val, "k--", lw=1, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return save(fig, path)


def folded_histograms(path, panels: list[dict], title: str) -> str:
    """Histograms of |u| = |m . z| against the exact density, one panel per Delta.

    ``panels``: dicts with ``title``, ``edges`` (bin edges on [0, 1]), ``hists`` (label ->
    normalized density per bin) and ``exact`` ((u, density) of the exact curve).
    """
    fig, axes = plt.subplots(1, len(panels), figsize=(4.0 * len(panels), 3.6),
                             constrained_layout=True)
    axes = np.atleast_1d(axes)
    for ax, p in zip(axes, panels):
        for label, dens in p["hists"].items():
            ax.stairs(dens, p["edges"], label=label)
        u, dens = p["exact"]
        ax.plot(u, dens, "k-", lw=1.2, label="exact Boltzmann")
        ax.set_xlabel("|m_z|")
        ax.set_ylabel("probability density")
        ax.set_title(p["title"], fontsize=10)
        ax.legend(fontsize=7)
    fig.suptitle(title, fontsize=10)
    return save(fig, path)


def bias_vs_dt(path, series: dict, title: str, ylabel: str) -> str:
    """Error bars of a statistical bias vs dt. ``series``: label -> (dt, bias, se, fit)
    where ``fit`` is (dt_line, values) or None."""
    fig, ax = plt.subplots(figsize=(6.2, 4.2), constrained_layout=True)
    for label, (dt, bias, se, fit) in series.items():
        line = ax.errorbar(dt, bias, yerr=4.5 * np.asarray(se), fmt="o", capsize=3,
                           label=f"{label} (bars: 4.5 s.e.)")
        if fit is not None:
            ax.plot(fit[0], fit[1], "--", color=line[0].get_color(), lw=1)
    ax.axhline(0.0, color="k", lw=0.8)
    ax.set_xlabel("dt (s)")
    ax.set_ylabel(ylabel)
    ax.set_xlim(left=0.0)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    return save(fig, path)


def switching_times(path, ratio_curve, exact_curve, sun_curve, points: dict,
                    title: str) -> str:
    """Switching time vs I/Ic0: exact quadrature and Sun's asymptote (lines), solver (points).

    ``points``: label -> (ratios, times in s)."""
    fig, ax = plt.subplots(figsize=(6.2, 4.2), constrained_layout=True)
    ax.plot(ratio_curve, np.asarray(exact_curve) * 1e9, "k-", label="exact quadrature")
    ax.plot(ratio_curve, np.asarray(sun_curve) * 1e9, "k--", label="Sun (2000)")
    for label, (r, t) in points.items():
        ax.plot(r, np.asarray(t) * 1e9, "o", mfc="none", label=label)
    ax.set_xlabel("I / Ic0")
    ax.set_ylabel("switching time (ns)")
    ax.set_yscale("log")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    return save(fig, path)


def escape_times(path, delta_curve, exact_curve, brown_curve, deltas, mc, mc_se,
                 title: str, ylabel: str) -> str:
    """Mean escape time vs Delta: exact MFPT and Brown's asymptote (lines), Monte Carlo
    (points with 4.5 s.e. bars)."""
    fig, ax = plt.subplots(figsize=(6.2, 4.2), constrained_layout=True)
    ax.semilogy(delta_curve, exact_curve, "k-", label="exact 1-D mean first passage")
    ax.semilogy(delta_curve, brown_curve, "k--", label="Brown (1963) high-barrier")
    ax.errorbar(deltas, mc, yerr=4.5 * np.asarray(mc_se), fmt="o", capsize=3,
                label="stochastic LLG, Monte Carlo (4.5 s.e.)")
    ax.set_xlabel("Delta = E_b / k_B T")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    return save(fig, path)
