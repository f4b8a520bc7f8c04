"""The packages of budgetaudit show the flow (readers → tables → narrative → rules → report):
the graph of imports between them is one-way, with no cycle, functions' own imports included."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "budgetaudit"


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _unit(module: str) -> str:
    """A subpackage (budgetaudit.rules.kinds counts as budgetaudit.rules), or a top-level module."""
    parts = module.split(".")
    if len(parts) >= 2 and (PACKAGE / parts[1]).is_dir():
        return ".".join(parts[:2])
    return module


def _imports(path: Path) -> set[str]:
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("budgetaudit"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("budgetaudit"):
                out.add(target)
                for a in node.names:  # "from . import reading": a module imported by name
                    where = PACKAGE.parent / f"{target}.{a.name}".replace(".", "/")
                    if where.is_dir() or where.with_suffix(".py").is_file():
                        out.add(f"{target}.{a.name}")
    return out


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        source = _unit(_module(path))
        for target in _imports(path):
            unit = _unit(target)
            if unit != source and unit != "budgetaudit":
                edges.setdefault(source, set()).add(unit)
    return edges


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_import_graph_of_the_packages_is_one_way():
    edges = graph()
    assert _cycle(edges) is None, " → ".join(_cycle(edges) or [])


def test_the_prose_stage_sits_between_tables_and_rules():
    edges = graph()
    assert "budgetaudit.rules" in edges and "budgetaudit.narrative" in edges["budgetaudit.rules"]
    assert "budgetaudit.rules" not in edges.get("budgetaudit.narrative", set())
    assert not [p for p in PACKAGE.glob("narrative_*.py")]  # one package, not flat modules
