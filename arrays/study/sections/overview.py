"""The report's opening: what was evaluated (title, setup) and the status of the physics
inputs (operating points pending, infeasible or off target)."""
from __future__ import annotations

from ...energy.evaluate import HEADLINE_SCENARIO
from .base import Section, switching_words


def _setup(ctx):
    return ctx.setup.describe()


def _render_setup(ctx, data) -> list:
    s = ctx.setup
    return ["# CRAM vs conventional processing: where does the advantage hold?", "",
            f"Device `{s.device}`, switching ({switching_words(s.costs)}), "
            f"technology `{s.technology.name}`, periphery `{s.periphery.name}` "
            f"({s.rows} x {s.cols} arrays; the arrays computing at once derived from "
            f"die `{s.system.name if s.system else '—'}` per workload), drivers "
            f"`{s.drivers.name if s.drivers else '—'}`, baselines "
            f"{', '.join('`' + b.name + '`' for b in s.baselines)}; "
            f"gate target error {s.target_error:g}; seed {s.seed}.", ""]


def _pending(ctx):
    return sorted({p for r in ctx.results for p in r.cram[HEADLINE_SCENARIO].pending}
                  | set(ctx.setup.costs.pending))


def _render_status(ctx, data) -> list:
    c = ctx.setup.costs
    L = ["## Status of the physics inputs", ""]
    if c.meets_target:
        return L + ["All gates and both write values have operating points meeting the "
                    "target error rate; every CRAM number below comes from them."]
    if c.pending:
        L += ["Pending (not yet provided by the circuits layer; the affected ledger items "
              "are left out and marked, never estimated):", ""]
        L += [f"* {p}" for p in c.pending] + [""]
    if c.infeasible:
        L += ["Gates and writes without any operating point at this array size "
              f"({ctx.setup.rows} rows share each column line; shorter arrays, e.g. "
              "`cramsim report --rows 64`, reduce the IR drop):", ""]
        L += [f"* **{g}**: {why}" for g, why in c.infeasible.items()] + [""]
    if c.off_target:
        L += ["Gates whose best operating point misses the target error (their real, "
              "higher error rates are used):", ""]
        L += [f"* **{g}**: {why}" for g, why in c.off_target.items()] + [""]
    return L


SETUP = Section("setup", _setup, _render_setup)
STATUS = Section("pending", _pending, _render_status)
