"""Report figures (matplotlib, Agg backend, PNG, written atomically)."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from llg.plots import save_figure  # noqa: E402


def _save(fig, out: Path) -> Path:
    return save_figure(fig, out, dpi=110)


def plot_bars(names, series: dict, out: Path, ylabel: str, title: str,
              hatched: dict | None = None) -> Path:
    """Grouped bars on a log axis: ``series[label] = values per name`` (None = missing).

    ``hatched[label]`` marks bars that are lower bounds (incomplete ledgers).
    """
    fig, ax = plt.subplots(figsize=(8, 4), constrained_layout=True)
    x = np.arange(len(names))
    w = 0.8 / max(1, len(series))
    for i, (label, vals) in enumerate(series.items()):
        v = np.array([np.nan if a is None else a for a in vals], dtype=float)
        bars = ax.bar(x + (i - (len(series) - 1) / 2) * w, v, w, label=label)
        for b, h in zip(bars, (hatched or {}).get(label, [False] * len(names))):
            if h:
                b.set_hatch("//")
                b.set_alpha(0.5)
    ax.set_xticks(x, names)
    ax.set_yscale("log")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)
    ax.grid(axis="y", which="both", alpha=0.3)
    return _save(fig, out)


def plot_breakdown(rows: list, out: Path, title: str) -> Path:
    """Stacked fractions: ``rows = [(label, {item: energy})]``, one horizontal bar each."""
    keys = []
    for _, d in rows:
        keys += [k for k in d if k not in keys]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(rows) + 1.8), constrained_layout=True)
    cmap = plt.get_cmap("tab20")
    for j, (label, d) in enumerate(rows):
        tot = sum(d.values()) or 1.0
        left = 0.0
        for i, k in enumerate(keys):
            f = d.get(k, 0.0) / tot
            ax.barh(j, f, left=left, color=cmap(i % 20), label=k if j == 0 else None)
            left += f
    # one legend entry per item, even if the first bar lacks it
    handles = [plt.Rectangle((0, 0), 1, 1, color=cmap(i % 20)) for i in range(len(keys))]
    ax.legend(handles, keys, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12),
              ncol=3)
    ax.set_yticks(range(len(rows)), [r[0] for r in rows], fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("fraction of the ledger's energy")
    ax.set_title(title)
    return _save(fig, out)


def plot_accuracy(rates, curves: dict, out: Path, operating: dict | None = None) -> Path:
    """Fraction correct vs per-gate error probability, one line per workload."""
    import textwrap

    fig, ax = plt.subplots(figsize=(8.5, 4), constrained_layout=True)
    for name, acc in curves.items():
        ax.plot(rates, acc, marker="o", ms=3, label=name)
    # operating lines go into the legend (wrapped): their labels name several workloads and
    # did not fit beside the line
    styles = iter(["--", ":", "-.", (0, (5, 1, 1, 1))] * 4)
    for label, p in (operating or {}).items():
        if p and p > 0:
            ax.axvline(p, color="k", ls=next(styles), lw=0.9, label=textwrap.fill(label, 34))
    ax.set_xscale("log")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("error probability per gate evaluation and preset")
    ax.set_ylabel("fraction of items correct / accuracy")
    ax.set_title("accuracy vs device error rate")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return _save(fig, out)


def plot_sensitivity(panels: dict, out: Path, claims=((2, 5), (10, 30), (50, 50))) -> Path:
    """Energy ratio vs scale factor; ``panels[param] = (factors, xlabel, {workload: ratios})``."""
    n = len(panels)
    fig, axes = plt.subplots(1, n, figsize=(3.6 * n, 3.6), constrained_layout=True,
                             squeeze=False)
    for ax, (param, (factors, xlabel, curves)) in zip(axes[0], panels.items()):
        for lo, hi in claims:
            if lo == hi:
                ax.axhline(lo, color="grey", ls=":", lw=1)
            else:
                ax.axhspan(lo, hi, color="grey", alpha=0.12)
        for name, r in curves.items():
            ax.plot(factors, r, marker=".", label=name)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_title(param, fontsize=9)
        ax.grid(alpha=0.3, which="both")
    axes[0][0].set_ylabel("energy ratio baseline / CRAM")
    axes[0][-1].legend(fontsize=7)
    return _save(fig, out)


def plot_tmr(study: dict, out: Path) -> Path:
    """Energy ratio vs TMR per workload; open markers where the array does not compute
    correctly at the operating points."""
    fig, ax = plt.subplots(figsize=(6.5, 4), constrained_layout=True)
    names = list(dict.fromkeys(r["workload"] for r in study["rows"]))
    for n in names:
        pts = [r for r in study["rows"] if r["workload"] == n and r["energy_ratio"]]
        if not pts:
            continue
        x = [r["tmr"] for r in pts]
        y = [r["energy_ratio"] for r in pts]
        line, = ax.plot(x, y, label=n)
        for r in pts:
            ax.plot(r["tmr"], r["energy_ratio"], "o", color=line.get_color(),
                    mfc=line.get_color() if r["computes_correctly"] else "none")
    ax.set_yscale("log")
    ax.set_xlabel("TMR ratio (R_AP / R_P - 1 at zero bias)")
    ax.set_ylabel("energy ratio baseline / CRAM")
    ax.set_title("TMR what-if (open markers: gates fail at the operating point)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    return _save(fig, out)
