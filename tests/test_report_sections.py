"""The report as a list of sections: the builder only loops over them (fast; no workload is
evaluated here)."""
from pathlib import Path

from arrays.study.report import assemble
from arrays.study.sections import SECTIONS, Context, Options, Section


def _ctx(sections, out_dir=None):
    return Context(setup=None, results=[], options=Options(), out_dir=out_dir,
                   sections={s.name: s for s in sections})


def _toy_sections(calls):
    def compute(name, value):
        def f(ctx):
            calls.append(name)
            return value
        return f

    def needs_a(ctx):
        calls.append("b")
        return {"from_a": ctx.data("a")["x"] + 1}

    return (Section("a", compute("a", {"x": 1}), lambda ctx, d: ["# A", ""]),
            Section("skipped", compute("skipped", None), lambda ctx, d: ["never"]),
            Section("b", needs_a, lambda ctx, d: [f"B {d['from_a']}"],
                    to_json=lambda d: d["from_a"]),
            Section("md_only", compute("md_only", {}), lambda ctx, d: ["tail"], json=False))


def test_sections_in_order_each_computed_once():
    calls = []
    secs = _toy_sections(calls)
    payload, lines = assemble(_ctx(secs, Path("unused")), secs)
    assert payload == {"a": {"x": 1}, "b": 2}          # None-data and markdown-only left out
    assert lines == ["# A", "", "B 2", "tail"]         # registration order
    assert calls == ["a", "skipped", "b", "md_only"]   # each once, a before b needed it


def test_json_only_computes_no_markdown_only_section():
    calls = []
    secs = _toy_sections(calls)
    payload, lines = assemble(_ctx(secs), secs)
    assert lines is None and "md_only" not in calls and payload["b"] == 2


def test_registered_sections():
    names = [s.name for s in SECTIONS]
    assert len(names) == len(set(names))
    # the JSON keys cramsim report --json documents
    for key in ("setup", "pending", "workloads", "cell_budgets", "speed_1000x", "claims",
                "scenarios", "memtech", "crossbar", "tmr_study"):
        assert key in names and next(s for s in SECTIONS if s.name == key).json
    assert names[0] == "setup" and names[-1] == "data_cards"
