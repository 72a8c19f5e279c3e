"""Plots for the solver's outputs (matplotlib, Agg backend, PNG files)."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def save_figure(fig, out, dpi: int = 120) -> Path:
    """Write ``fig`` to ``out`` (PNG) atomically with a normal file mode (llg.outputs)."""
    from .outputs import save_figure as _save

    return _save(fig, out, dpi=dpi)


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
    return save_figure(fig, out)


def plot_switching(points, device, out: Path) -> Path:
    """P_sw vs |I|/Ic0 with Wilson intervals, one curve per pulse width, into ``out`` (PNG)."""
    import numpy as np

    fig, ax = plt.subplots(figsize=(6, 4), constrained_layout=True)
    widths = sorted({p.pulse_width for p in points})
    for w in widths:
        pts = sorted((p for p in points if p.pulse_width == w), key=lambda p: abs(p.current))
        x = np.array([abs(p.current) / device.ic0 for p in pts])
        y = np.array([p.p_switch for p in pts])
        err = np.clip([[p.p_switch - p.ci_low for p in pts],
                       [p.ci_high - p.p_switch for p in pts]], 0.0, None)
        ax.errorbar(x, y, yerr=err, marker="o", capsize=3, label=f"{w * 1e9:.3g} ns")
    ax.set_xlabel("|I| / Ic0")
    ax.set_ylabel("switching probability")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(f"{device.name}: Ic0 = {device.ic0 * 1e6:.1f} uA, Delta = {device.delta:.0f}")
    ax.legend(title="pulse width")
    return save_figure(fig, out)
