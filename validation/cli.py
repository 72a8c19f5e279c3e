"""``cramsim validate``: placeholder wiring, filled by the validation registry."""
from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach ``validate`` to the top-level app (see validation.registry)."""
    from .registry import validate_command

    app.command("validate")(validate_command)
