"""The import structure a newcomer can see: no imports hidden in functions, no import cycles, and
no module importing from a higher layer (the table is also in CONTRIBUTING.md).

Every module under src/aidrules is parsed with `ast` (nothing is imported). Optional extras
(fastapi, uvicorn, psycopg, cryptography, durable_rules) are loaded through one documented
mechanism, `aidrules._extras.require`, which is a call and not an import statement, so it needs no
allowlist here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = "aidrules"

# --- the layer table (CONTRIBUTING.md shows the same table) -----------------------------------
# From the bottom (0) up. A module may import modules of its own layer or of a lower one. A module
# is placed by its longest prefix in this table.
LAYERS: tuple[tuple[str, ...], ...] = (
    # 0 contract data, errors, limits, bounded input readers, words and formatting
    (),
    # 1 the expression language
    (),
    # 2 the case facts
    (),
    # 3 rule sets: schema, compiler, compiled rule set
    (),
    # 4 engines
    (),
    # 5 explanations and analysis
    (),
    # 6 tools on top of deciding: registry, lifecycle, testing, journal, reports, impact
    (),
    # 7 front ends: service, intake page, command line
    (),
)

# --- what other pieces of issue 18 still have to clear (emptied when their branches merge) ------
# (module, imported module) for imports inside a function.
NOT_YET_FUNCTION_IMPORTS: frozenset[tuple[str, str]] = frozenset()
# (importer, imported) module-level imports that close a cycle.
NOT_YET_CYCLE_EDGES: frozenset[tuple[str, str]] = frozenset()
# (importer, imported) module-level imports that go up the layer table.
NOT_YET_LAYER_EDGES: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name
    imported: str  # dotted module name the statement loads (a submodule where `from x import y` names one)
    line: int
    in_function: bool
    type_checking: bool  # under `if TYPE_CHECKING:` (never run)

    def where(self) -> str:
        return f"{self.importer.replace('.', '/')}.py:{self.line}"


def _module_files() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


MODULES = _module_files()


def _is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def _resolve(importer: str, node: ast.ImportFrom) -> str:
    base = node.module or ""
    if node.level == 0:
        return base
    package = importer if _is_package(importer) else importer.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{base}" if base else package


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, in_function: bool, type_checking: bool) -> Iterator[tuple[ast.AST, bool, bool]]:
    for child in ast.iter_child_nodes(node):
        yield child, in_function, type_checking
        inner_function = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        inner_checking = type_checking or (isinstance(child, ast.If) and _is_type_checking(child.test))
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            # the `else:` branch of `if TYPE_CHECKING:` does run
            for stmt in child.body:
                yield stmt, in_function, True
                yield from _walk(stmt, inner_function, True)
            for stmt in child.orelse:
                yield stmt, in_function, type_checking
                yield from _walk(stmt, inner_function, type_checking)
            continue
        yield from _walk(child, inner_function, inner_checking)


def _imports_of(module: str) -> Iterator[Import]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"), filename=str(MODULES[module]))
    for node, in_function, type_checking in _walk(tree, False, False):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, node.lineno, in_function, type_checking)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, node)
            named = [f"{target}.{alias.name}" for alias in node.names if f"{target}.{alias.name}" in MODULES]
            # `from pkg import sub` loads pkg.sub; `from pkg import name` loads pkg itself
            if len(named) < len(node.names) or not named:
                yield Import(module, target, node.lineno, in_function, type_checking)
            for sub in named:
                yield Import(module, sub, node.lineno, in_function, type_checking)


ALL_IMPORTS: tuple[Import, ...] = tuple(imp for module in MODULES for imp in _imports_of(module))


def _ours(name: str) -> bool:
    return name == PACKAGE or name.startswith(PACKAGE + ".")


def _graph(imports: tuple[Import, ...]) -> dict[str, dict[str, Import]]:
    """Module-level imports that run (not under TYPE_CHECKING) between our own modules."""
    graph: dict[str, dict[str, Import]] = {module: {} for module in MODULES}
    for imp in imports:
        if imp.in_function or imp.type_checking or not _ours(imp.imported) or imp.imported not in MODULES:
            continue
        if imp.imported != imp.importer:
            graph[imp.importer].setdefault(imp.imported, imp)
    return graph


def _cycles(graph: dict[str, dict[str, Import]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(start: str) -> None:
        nonlocal counter
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component: list[str] = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def layer_of(module: str) -> int:
    best: tuple[int, int] | None = None
    for level, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), level)
    if best is None:
        raise AssertionError(f"{module} has no place in LAYERS (tests/test_layering.py); add it to the table")
    return best[1]
