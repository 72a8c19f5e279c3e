"""The paper's targeted workloads (:mod:`arrays.study.ai_section`): LLM-decode GEMV with a
batch sweep and the int8 MLP on digital CRAM, the GPU, the hybrid MRAM + GPU system and the
other engines, with the claim band each lands in."""
from __future__ import annotations

from ..ai_section import ai_markdown, ai_study, is_ai, plot_ai
from .base import Section


def _compute(ctx):
    if not any(is_ai(r) for r in ctx.results):
        return None
    return ai_study(ctx.results, ctx.setup, ctx.data("scenarios"), ctx.data("memtech"),
                    ctx.data("crossbar"))


def _render(ctx, study) -> list:
    fig = plot_ai(study, ctx.out_dir / "ai_workloads.png") if ctx.out_dir else None
    return ai_markdown(study, fig)


AI_WORKLOADS = Section("ai_workloads", _compute, _render)
