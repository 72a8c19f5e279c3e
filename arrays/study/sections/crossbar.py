"""The analog MRAM crossbar (:mod:`arrays.crossbar.report`), or a clear 'pending' entry
while that module cannot be imported."""
from __future__ import annotations

from .base import Section

HEADING = ["## Analog MRAM crossbar", ""]


def _compute(ctx):
    if not ctx.options.crossbar:
        return None
    try:
        from ...crossbar.report import crossbar_study
    except ImportError as exc:
        return {"pending": "pending: the analog crossbar section needs arrays.crossbar.report."
                           f"report_section, which is not available ({type(exc).__name__}: "
                           f"{exc})"}
    ctx.say("analog crossbar section")
    return crossbar_study(quick=ctx.options.quick, figures=ctx.out_dir is not None)


def _render(ctx, data) -> list:
    if "pending" in data:
        return HEADING + [data["pending"], ""]
    from ...crossbar.report import crossbar_markdown

    md = crossbar_markdown(data, ctx.out_dir)
    return ([] if md.lstrip().startswith("#") else HEADING) + [md, ""]


CROSSBAR = Section("crossbar", _compute, _render)
