"""The verdict first: per workload, whether CRAM wins and what would have to change for
10x and 50x (:mod:`arrays.study.verdict`), and the paragraph that sums it up."""
from __future__ import annotations

from ..verdict import verdict_markdown, verdict_text, workload_verdict
from .base import Section


def _table(ctx):
    return [workload_verdict(r, ctx.setup, ctx.data("scenarios")) for r in ctx.results]


def _text(ctx):
    return verdict_text(ctx.data("verdict_table"), ctx.data("claims"), ctx.setup)


def _render(ctx, text) -> list:
    return verdict_markdown(ctx.data("verdict_table"), text)


VERDICT_TABLE = Section("verdict_table", _table, lambda ctx, rows: [])
VERDICT = Section("verdict", _text, _render)
