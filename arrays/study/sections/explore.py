"""What would make it hold: the shipped design-space sweep (:mod:`arrays.explore.report`:
the smallest TMR0 at which the gates work, whether 10x / 50x is reachable, from physics)."""
from __future__ import annotations

from .base import Section


def _compute(ctx):
    from ...explore.report import study

    return study()


def _render(ctx, data) -> list:
    from ...explore.report import markdown

    return markdown(data)


EXPLORE = Section("explore", _compute, _render)
