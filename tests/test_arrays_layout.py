"""The layout of arrays/: imports run one way only, and no module imports another in a circle.

sim <- energy <- study; crossbar beside them (may use energy and sim, never study); the
CLIs on top. Every import counts, including those inside functions (a lazy import is still
a dependency). Read from the source with ast: nothing is imported to check it.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: sub-package -> the arrays sub-packages it must never import
FORBIDDEN = {
    "arrays.sim": ("arrays.energy", "arrays.study", "arrays.crossbar", "arrays.cli"),
    "arrays.energy": ("arrays.study", "arrays.crossbar", "arrays.cli"),
    "arrays.study": ("arrays.cli", "arrays.crossbar.cli"),
    "arrays.crossbar": ("arrays.study", "arrays.cli"),
    "arrays.study.sections": ("arrays.study.report",),
    "llg": ("arrays", "validation"),
    "circuits": ("arrays", "validation"),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str, is_package: bool) -> set[str]:
    """Absolute names of every module ``source`` imports (``from . import x`` counts
    ``pkg.x``, which is what it loads when x is a module)."""
    package = module if is_package else module.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module
            out.add(name)
            out.update(f"{name}.{a.name}" for a in node.names)
    return out


def _inside(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def violations(graph: dict[str, set[str]]) -> list[str]:
    bad = []
    for mod, deps in graph.items():
        for pkg, banned in FORBIDDEN.items():
            if _inside(mod, pkg):
                bad += [f"{mod} imports {d}" for d in sorted(deps)
                        if any(_inside(d, b) for b in banned)]
    return bad


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Import circles among the modules of ``graph`` (depth-first search)."""
    found, state = [], {}

    def visit(m, stack):
        state[m] = "open"
        for d in sorted(graph.get(m, ())):
            if d not in graph:
                continue
            if state.get(d) == "open":
                found.append(stack[stack.index(d):] + [d])
            elif d not in state:
                visit(d, stack + [d])
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    return found


def project_graph() -> dict[str, set[str]]:
    graph = {}
    for top in ("arrays", "llg", "circuits"):
        for path in sorted((ROOT / top).rglob("*.py")):
            mod = module_name(path)
            graph[mod] = imports_of(path.read_text(), mod, path.name == "__init__.py")
    # a package's own __init__ runs first anyway: an edge to the parent package is no circle
    return {m: {d for d in deps if not _inside(m, d)} for m, deps in graph.items()}


def test_subpackages_exist():
    for sub in ("sim", "energy", "study", "crossbar"):
        assert (ROOT / "arrays" / sub / "__init__.py").is_file()
    flat = sorted(p.name for p in (ROOT / "arrays").glob("*.py"))
    assert flat == ["__init__.py", "cli.py"], flat


def test_imports_run_one_way():
    assert violations(project_graph()) == []


def test_sections_import_only_their_base():
    """A report section is a unit: it imports the sections' base, never another section
    (it asks ``ctx.data(name)`` for another section's data)."""
    graph = project_graph()
    for mod, deps in graph.items():
        if _inside(mod, "arrays.study.sections") and mod != "arrays.study.sections":
            others = {d for d in deps if _inside(d, "arrays.study.sections")
                      and d not in ("arrays.study.sections", "arrays.study.sections.base")
                      and not d.startswith("arrays.study.sections.base.")}
            assert not others, f"{mod} imports {sorted(others)}"


def test_no_import_circle_in_arrays():
    graph = {m: d for m, d in project_graph().items() if _inside(m, "arrays")}
    assert cycles(graph) == []


def test_checker_catches_an_upward_import_and_a_circle():
    """The checks above can fail: a simulator module importing the report, and the old
    scenarios <-> report circle, are both reported."""
    src = "def f():\n    from ..study.report import build_report\n"
    deps = imports_of(src, "arrays.sim.executor", False)
    assert "arrays.study.report" in deps
    assert violations({"arrays.sim.executor": deps}) == [
        "arrays.sim.executor imports arrays.study.report",
        "arrays.sim.executor imports arrays.study.report.build_report"]
    graph = {"arrays.study.scenarios": imports_of("from .report import CLAIMS\n",
                                                  "arrays.study.scenarios", False),
             "arrays.study.report": imports_of("from . import scenarios\n",
                                               "arrays.study.report", False)}
    assert cycles(graph) == [["arrays.study.report", "arrays.study.scenarios",
                              "arrays.study.report"]]
