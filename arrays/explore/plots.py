"""Heat maps of a sweep result over two axes (PNG, written atomically).

For each pair of the first two swept axes (other axes at their first value, or at the index
given): the max gate error over the gates a workload uses (log10) and the energy ratio.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from llg.errors import ParameterError


def _slice2(res: dict, name: str, x: str, y: str) -> np.ndarray:
    dims = res["dims"]
    idx = tuple(slice(None) if d in (x, y) else 0 for d in dims)
    a = res["data"][name][idx]
    return a if dims.index(y) < dims.index(x) else a.T   # rows: y, columns: x


def heatmaps(res: dict, out_dir: Path, x: str | None = None, y: str | None = None) -> list:
    """Write error and ratio heat maps per workload to ``out_dir``; return the paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from llg.plots import save_figure

    dims = res["dims"]
    if len(dims) < 2:
        raise ParameterError(f"plot needs a sweep over at least two axes; this one has {dims}")
    x, y = x or dims[0], y or dims[1]
    for a in (x, y):
        if a not in dims:
            raise ParameterError(f"axis {a!r} is not swept; swept axes: {', '.join(dims)}")
    out_dir = Path(out_dir)
    paths = []
    gates_of = json.loads(res["attrs"]["workload_gates"])
    xs, ys = res["axes"][x], res["axes"][y]
    for w, gates in gates_of.items():
        err = np.max([_slice2(res, f"max_gate_error__{g}", x, y) for g in gates], axis=0)
        ratio = _slice2(res, f"energy_ratio__{w}", x, y)
        fig, axs = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
        for ax, data, title in ((axs[0], np.log10(np.clip(err, 1e-30, 1)),
                                 f"log10 max gate error ({', '.join(gates)})"),
                                (axs[1], ratio, f"energy ratio {w} (baseline / CRAM)")):
            im = ax.imshow(data, origin="lower", aspect="auto")
            ax.set_xticks(range(len(xs[0])), [f"{v:.3g}" for v in xs[0]])
            ax.set_yticks(range(len(ys[0])), [f"{v:.3g}" for v in ys[0]])
            ax.set_xlabel(f"{x} ({xs[1]})")
            ax.set_ylabel(f"{y} ({ys[1]})")
            ax.set_title(title, fontsize=9)
            fig.colorbar(im, ax=ax)
        fixed = [f"{d} = {res['axes'][d][0][0]:.3g} {res['axes'][d][1]}" for d in dims
                 if d not in (x, y)]
        if fixed:
            fig.suptitle("other axes at " + ", ".join(fixed), fontsize=9)
        paths.append(save_figure(fig, out_dir / f"heatmap_{w}_{x}_{y}.png"))
    return paths
