"""How many arrays compute at once (from the die's capacity and power budget) and the
speedup that buys (:mod:`arrays.study.parallelism`)."""
from __future__ import annotations

from ..parallelism import parallelism_markdown, parallelism_study
from .base import Section


def _compute(ctx):
    return parallelism_study(ctx.results, ctx.setup)


def _render(ctx, study) -> list:
    return parallelism_markdown(study or {}, ctx.setup)


PARALLELISM = Section("parallelism", _compute, _render)
