"""Maps of a table: P_sw and log10 WER over (amplitude, pulse width), one PNG per slice."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..plots import plt, save_figure


def _slices(table):
    """(label, index tuple) for every (direction, temperature[, variation]) slice."""
    dims = table.dims[:-2]
    grids = [range(len(table.axes[d].values)) for d in dims]
    for idx in np.ndindex(*[len(g) for g in grids]):
        parts = []
        for d, i in zip(dims, idx):
            v = table.axes[d].values[i]
            parts.append((v, v) if d == "direction" else
                         (f"{d[0].upper()}{v:g}", f"{d} = {v:g} {table.axes[d].unit}"))
        yield "_".join(p[0] for p in parts), ", ".join(p[1] for p in parts), idx


def plot_maps(table, out_dir: Path) -> list[Path]:
    """Draw ``p_switch`` and ``wer`` maps into ``out_dir``; return the PNG paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    amp = table.amplitude
    scale, unit = (1e6, "uA") if amp == "current" else (1.0, "V")
    x = np.asarray(table.axes[amp].values) * scale
    y = np.asarray(table.axes["pulse_width"].values) * 1e9
    files = []
    for label, title, idx in _slices(table):
        p = table.data["p_switch"][idx]
        wer = table.data["wer"][idx]
        method = "Fokker-Planck" if np.all(table.data["wer_method"][idx] == 1) \
            else "Monte Carlo"
        fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
        shading = "nearest" if min(x.size, y.size) > 1 else "auto"
        m0 = axes[0].pcolormesh(x, y, p, vmin=0, vmax=1, cmap="viridis", shading=shading)
        fig.colorbar(m0, ax=axes[0], label="P_sw (Monte Carlo)")
        with np.errstate(divide="ignore"):
            lw = np.log10(np.clip(wer, 1e-30, 1.0))
        m1 = axes[1].pcolormesh(x, y, lw, vmin=min(-12, float(lw.min())), vmax=0,
                                cmap="magma", shading=shading)
        fig.colorbar(m1, ax=axes[1], label=f"log10 WER ({method})")
        if min(x.size, y.size) > 1:
            cs = axes[1].contour(x, y, lw, levels=[-9, -6, -3], colors="w", linewidths=0.8)
            axes[1].clabel(cs, fmt=lambda v: f"1e{v:.0f}")
        for ax in axes:
            ax.set_xlabel(f"|{amp}| ({unit})")
            ax.set_ylabel("pulse width (ns)")
            if y.size > 1 and y[-1] / y[0] > 20:
                ax.set_yscale("log")
        name = table.attrs.get("name", table.path.stem)
        fig.suptitle(f"table {name}: {title}")
        path = out_dir / f"{table.path.stem}_{label}.png"
        files.append(save_figure(fig, path, dpi=110))
    return files
