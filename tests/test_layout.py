"""The package layout shows the architecture: imports run only downwards, and no cycles.

Every module's imports are read with ``ast`` (lazy imports inside functions included),
resolved to ``derive.<subpackage>.<module>``, and checked against the layers of the
design notes: calculus (the field's objects) < engine < proofs, reading < grading <
testing < the command. The engine may use the activations (it rewrites them) but
none of calculus' builders.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "derive"

#: a subpackage may import only from subpackages of a lower rank (or its own)
RANK = {"errors": 0, "calculus": 1, "engine": 2, "proofs": 3, "reading": 3, "grading": 4,
        "testing": 5, "cli": 6, "__main__": 7, "__init__": 7}
#: cross-layer exceptions that the design names
ENGINE_MAY_USE = {"derive.calculus.functions"}


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every ``derive.*`` module that ``path`` imports, at module level or inside a function."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("derive")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if not mod.startswith("derive"):
                continue
            if node.module is None or mod in PACKAGES:  # `from . import x`: x is a module
                found |= {f"{mod}.{a.name}" for a in node.names}
            else:
                found.add(mod)
    return found


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
PACKAGES = {module_name(p) for p in PACKAGE.rglob("__init__.py")}
GRAPH = {m: {i for i in imports_of(p) if i in MODULES and i != m} for m, p in MODULES.items()}


def upward(module: str, imported: str) -> bool:
    a, b = layer(module), layer(imported)
    if a == b:
        return False
    if a == "engine" and b == "calculus":
        return imported not in ENGINE_MAY_USE
    return RANK[b] >= RANK[a] and module not in ("derive", "derive.__main__")


def test_top_level_holds_only_the_entry_points():
    top = {p.name for p in PACKAGE.iterdir() if p.suffix == ".py"}
    assert top == {"__init__.py", "__main__.py", "cli.py", "errors.py"}
    subs = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert subs == {"engine", "calculus", "proofs", "reading", "grading", "testing"}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_run_downwards(module):
    bad = sorted(i for i in GRAPH[module] if upward(module, i))
    assert not bad, f"{module} imports from a higher layer: {bad}"


def find_cycle(graph):
    state, stack = {}, []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(graph[n]):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state and (c := visit(m)):
                return c
        state[n] = 2
        stack.pop()
        return None

    for n in sorted(graph):
        if n not in state and (c := visit(n)):
            return c
    return None


def test_no_import_cycles():
    # a package's __init__ is not an edge of the cycle check: it only re-exports lazily
    graph = {m: {i for i in e if i not in PACKAGES} for m, e in GRAPH.items() if m not in PACKAGES}
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


@pytest.mark.parametrize("graph, cyclic", [
    ({"a": {"b"}, "b": {"a"}}, True),
    ({"a": {"b"}, "b": {"c"}, "c": set()}, False),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, True),
])
def test_cycle_finder(graph, cyclic):
    assert (find_cycle(graph) is not None) == cyclic


@pytest.mark.parametrize("module, imported, is_upward", [
    ("derive.engine.probe", "derive.grading.grade", True),
    ("derive.engine.certificate", "derive.calculus.functions", False),
    ("derive.engine.certificate", "derive.calculus.nn", True),
    ("derive.reading.parse", "derive.grading.grade", True),
    ("derive.grading.grade", "derive.reading.parse", False),
    ("derive.proofs.latex", "derive.cli", True),
])
def test_upward_rule(module, imported, is_upward):
    assert upward(module, imported) == is_upward
