"""The house rules a reviewer checks by tool: no function above cyclomatic complexity 20
(radon) or 120 lines, and no import circle among siteplan's modules."""

from __future__ import annotations

from radon.complexity import cc_visit

from .conftest import ROOT

MAX_COMPLEXITY = 20
MAX_LINES = 120
#: ``module:function`` -> (complexity, lines) of functions still over the bar: none since
#: the solver, region, sources and outputs work split theirs (issue 26).
KNOWN: dict[str, tuple[int, int]] = {}


def function_figures() -> dict[str, tuple[int, int]]:
    """``module:function`` -> (cyclomatic complexity, lines) of every function and method
    (a closure counts towards the function holding it, as radon counts)."""
    out = {}
    for path in sorted((ROOT / "siteplan").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for block in cc_visit(path.read_text(encoding="utf-8")):
            for f in [block, *getattr(block, "methods", [])]:
                if hasattr(f, "methods"):  # a class: its methods are listed on their own
                    continue
                out[f"{rel}:{f.fullname}"] = (f.complexity, f.endline - f.lineno + 1)
    return out


def test_no_function_above_the_bar():
    over = {}
    for name, (cc, lines) in function_figures().items():
        lines_cap = max(MAX_LINES, KNOWN.get(name, (0, 0))[1])
        cc_cap = max(MAX_COMPLEXITY, KNOWN.get(name, (0, 0))[0])
        if cc > cc_cap or lines > lines_cap:
            over[name] = (cc, lines)
    assert not over, f"functions above complexity {MAX_COMPLEXITY} or {MAX_LINES} lines: {over}"


def test_the_split_functions_stay_under_the_bar():
    figures = function_figures()
    for name in ("siteplan/proposals.py:propose_sites", "siteplan/datasets/generate.py:"
                 "_County.candidates"):
        cc, lines = figures[name]
        assert cc <= MAX_COMPLEXITY and lines <= MAX_LINES, (name, cc, lines)


def test_no_import_circle():
    """Imports between siteplan's modules, lazy ones inside functions included, form no
    cycle (issue 26). ``from package import submodule`` counts as an import of the
    submodule only."""
    import ast

    mods = {}
    for path in (ROOT / "siteplan").rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        mods[name] = path
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                subs = [f"{node.module}.{a.name}" for a in node.names]
                targets = subs if all(t in mods for t in subs) else [node.module, *subs]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            graph[name] |= {t for t in targets if t in mods and t != name}
    state: dict[str, int] = {}  # 1 on the path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            assert state.get(nxt) != 1, f"import circle: {' -> '.join([*path, node, nxt])}"
            if nxt not in state:
                visit(nxt, [*path, node])
        state[node] = 2

    for mod in sorted(graph):
        if mod not in state:
            visit(mod, [])
