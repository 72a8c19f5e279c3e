"""Plots for the solver's outputs (matplotlib, Agg backend, PNG files)."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def plot_trajectory(t, m, out: Path, title: str = "") -> Path:
    """m_x, m_y, m_z vs time (ns) into ``out`` (PNG)."""
    fig, ax = plt.subplots(figsize=(7, 3.5), constrained_layout=True)
    for k, name in enumerate("xyz"):
        ax.plot(t * 1e9, m[:, k], label=f"$m_{name}$", lw=1)
    ax.set_xlabel("time (ns)")
    ax.set_ylabel("magnetization")
    ax.set_ylim(-1.05, 1.05)
    ax.legend(loc="best")
    ax.set_title(title)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out
