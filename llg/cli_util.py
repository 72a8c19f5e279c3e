"""Small helpers shared by the command modules: JSON output and human-readable tables."""
from __future__ import annotations

import json
import math
import sys


def _plain(x):
    """JSON-safe plain Python values (numpy scalars/arrays, inf/nan as strings are avoided)."""
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    np = sys.modules.get("numpy")  # no numpy object can exist before numpy is imported
    if np is not None and isinstance(x, np.ndarray):
        return _plain(x.tolist())
    if np is not None and isinstance(x, np.generic):
        return _plain(x.item())
    if isinstance(x, float) and not math.isfinite(x):
        return None if math.isnan(x) else (1e308 if x > 0 else -1e308)
    return x


def emit_json(obj) -> None:
    """Print ``obj`` as JSON on stdout (non-finite floats become null / +-1e308)."""
    json.dump(_plain(obj), sys.stdout, indent=2)
    sys.stdout.write("\n")


def emit_table(title: str, rows: list[tuple]) -> None:
    """Print a two- or three-column table with rich."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    ncol = max(len(r) for r in rows) if rows else 2
    for name in ("quantity", "value", "unit", "description")[:ncol]:
        table.add_column(name)
    for r in rows:
        table.add_row(*[f"{v:.6g}" if isinstance(v, float) else str(v) for v in r])
    Console().print(table)
