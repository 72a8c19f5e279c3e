"""Where the shipped data lives (device files, tables, technology data).

The repository's top-level ``data/`` folder, next to the packages; the environment variable
``CRAMSIM_DATA`` points elsewhere when set (for an installed copy or a user's own collection).
"""
from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """The data folder: ``$CRAMSIM_DATA`` if set, else ``<repo>/data``."""
    env = os.environ.get("CRAMSIM_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "data"
