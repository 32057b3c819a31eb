"""The import structure a newcomer can see: no imports hidden in functions, no import cycles, and
no module importing from a higher layer (the table is also in CONTRIBUTING.md).

Every module under src/aidrules is parsed with `ast` (nothing is imported). Optional extras
(fastapi, uvicorn, psycopg, cryptography, durable_rules) are loaded through one documented
mechanism, `aidrules._extras.require`, which is a call and not an import statement, so it needs no
allowlist here.
"""

from __future__ import annotations

import ast
import re
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
    # 0 contract data, errors, limits, bounded input readers, fixed words, the extras loader
    (
        "aidrules._extras",
        "aidrules._frozen",  # the base of frozen value classes (expression nodes, IR, types)
        "aidrules.codes",
        "aidrules.text",  # the gettext catalogues (text for people, nl/fr/en)
        "aidrules.errors",
        "aidrules.diagnostic_text",
        "aidrules.limits",
        "aidrules.engine.decision",  # the Decision (contract §2)
        "aidrules.engine.trace",  # trace events (contract), emitted by the engine, read by explanations
        "aidrules.expr.nodes",  # the data of the expression language: syntax, types, values
        "aidrules.expr.types",
        "aidrules.expr.runtime",
        "aidrules.readers",  # bounded readers
        "aidrules.engine.record",  # the evaluation record (what deciding found; contract data)
        "aidrules.facts.jsonload",
    ),
    # 1 the expression language: parser, type checker, compiler, code generator
    ("aidrules.expr",),
    # 2 the case facts: model, schema, parsing, question catalogue
    ("aidrules.facts",),
    # 3 words for readers: Belgian formatting, names of the facts, the one document model
    ("aidrules.words",),
    # 4 rule sets: finding, verifying, layering and compiling rule files (with their `reviews:`)
    (
        "aidrules.ruleset",
        "aidrules.registry.index",
        "aidrules.registry.layers",
        "aidrules.registry.signing",
        "aidrules.lifecycle.compile",
        "aidrules.lifecycle.model",
        "aidrules.lifecycle.spec",
    ),
    # 5 engines: deciding
    ("aidrules.engine",),
    # 6 explanations, analysis, generated documentation
    ("aidrules.explain", "aidrules.views", "aidrules.analysis", "aidrules.whatif", "aidrules.docgen"),
    # 7 tools on top of deciding
    (
        "aidrules.registry",
        "aidrules.lifecycle",
        "aidrules.testing",
        "aidrules.journal",
        "aidrules.report",
        "aidrules.impact",
        "aidrules.schemas",
        "aidrules.batch",
    ),
    # 8 front ends and the public facade (``aidrules/__init__.py``, matched by its exact name only)
    ("aidrules.server", "aidrules.intake", "aidrules.cli", "aidrules"),
)

# --- what other pieces of issue 18 still have to clear (emptied when their branches merge) ------
# (module, imported module) for imports inside a function.
NOT_YET_FUNCTION_IMPORTS: frozenset[tuple[str, str]] = frozenset({})
# modules that load modules by name (importlib.import_module, __import__).
NOT_YET_DYNAMIC_IMPORTS: frozenset[str] = frozenset()
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
        path = MODULES[self.importer].relative_to(SRC.parent) if self.importer in MODULES else self.importer
        return f"{path}:{self.line}"


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
    return _imports_in(module, MODULES[module].read_text(encoding="utf-8"))


def _imports_in(module: str, source: str) -> Iterator[Import]:
    tree = ast.parse(source)
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
    """Module-level imports between our own modules, those for type checking included (a cycle of
    types is a cycle of concepts, even when Python does not see it)."""
    graph: dict[str, dict[str, Import]] = {module: {} for module in MODULES}
    for imp in imports:
        if imp.in_function or not _ours(imp.imported) or imp.imported not in MODULES:
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
            matches = module == prefix or (prefix != PACKAGE and module.startswith(prefix + "."))
            if matches and (best is None or len(prefix) > best[0]):
                best = (len(prefix), level)
    if best is None:
        raise AssertionError(f"{module} has no place in LAYERS (tests/test_layering.py); add it to the table")
    return best[1]


def _dynamic_imports(module: str) -> Iterator[int]:
    """Lines where ``module`` calls ``importlib.import_module`` or ``__import__``."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in ("import_module", "__import__"):
                yield node.lineno


# -- the tests ---------------------------------------------------------------------------------------


def test_no_import_inside_a_function() -> None:
    """Catches an import hidden in a function (it hides a cycle or a layering fault until the
    function runs); an optional extra is loaded with aidrules._extras.require, a call."""
    found = {(imp.importer, imp.imported): imp for imp in ALL_IMPORTS if imp.in_function}
    broken = [
        f"{imp.where()}: imports {imp.imported} inside a function; move it to the top of the module "
        "(an optional extra: aidrules._extras.require)"
        for key, imp in sorted(found.items())
        if key not in NOT_YET_FUNCTION_IMPORTS
    ]
    assert not broken, "\n".join(broken)
    stale = sorted(NOT_YET_FUNCTION_IMPORTS - found.keys())
    assert not stale, f"no longer imported inside a function, remove from NOT_YET_FUNCTION_IMPORTS: {stale}"


def test_modules_are_loaded_by_name_only_through_the_extras_helper() -> None:
    """Catches importlib.import_module or __import__ used to hide an import from this test."""
    broken = [
        f"{MODULES[module].relative_to(SRC.parent)}:{line}: loads a module by name; import it at the top "
        "(an optional extra: aidrules._extras.require)"
        for module in MODULES
        if module != "aidrules._extras" and module not in NOT_YET_DYNAMIC_IMPORTS
        for line in _dynamic_imports(module)
    ]
    assert not broken, "\n".join(broken)
    stale = sorted(m for m in NOT_YET_DYNAMIC_IMPORTS if not list(_dynamic_imports(m)))
    assert not stale, f"loads no module by name any more, remove from NOT_YET_DYNAMIC_IMPORTS: {stale}"


def test_module_imports_form_no_cycle() -> None:
    """Catches a cycle among the modules (a module that can only be imported in one order)."""
    graph = _graph(ALL_IMPORTS)
    for importer, imported in NOT_YET_CYCLE_EDGES:
        assert imported in graph[importer], f"{importer} no longer imports {imported}: remove from NOT_YET_CYCLE_EDGES"
        del graph[importer][imported]
    broken = []
    for cycle in _cycles(graph):
        members = set(cycle)
        edges = [
            f"  {imp.where()}: {importer} imports {imported}"
            for importer in cycle
            for imported, imp in sorted(graph[importer].items())
            if imported in members
        ]
        broken.append(f"import cycle among {', '.join(cycle)}:\n" + "\n".join(edges))
    assert not broken, "\n".join(broken)


def test_every_module_has_a_layer() -> None:
    """Catches a new module or package that the layer table (and CONTRIBUTING.md) does not place."""
    unplaced = []
    for module in MODULES:
        try:
            layer_of(module)
        except AssertionError as exc:
            unplaced.append(str(exc))
    assert not unplaced, "\n".join(unplaced)


def test_no_module_imports_from_a_higher_layer() -> None:
    """Catches a low-level module reaching up (the engine importing explanations, a reader importing
    the rule-set compiler): the layer table at the top of this file, also in CONTRIBUTING.md."""
    broken = []
    seen: set[tuple[str, str]] = set()
    for imp in ALL_IMPORTS:
        if imp.in_function or imp.imported not in MODULES or imp.imported == imp.importer:
            continue
        key = (imp.importer, imp.imported)
        seen.add(key)
        low, high = layer_of(imp.importer), layer_of(imp.imported)
        if high > low and key not in NOT_YET_LAYER_EDGES:
            broken.append(
                f"{imp.where()}: {imp.importer} (layer {low}) imports {imp.imported} (layer {high}); "
                "move what it needs down, or the module up"
            )
    assert not broken, "\n".join(broken)
    stale = sorted(NOT_YET_LAYER_EDGES - seen)
    assert not stale, f"no longer imported, remove from NOT_YET_LAYER_EDGES: {stale}"


def test_contributing_shows_the_same_layer_table() -> None:
    """Catches the newcomer's table in CONTRIBUTING.md drifting from the one enforced here."""
    text = (SRC.parent / "CONTRIBUTING.md").read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| ") and "`aidrules" in line
    }
    for level, prefixes in enumerate(LAYERS):
        row = rows.get(str(level), "")
        shown = set(re.findall(r"`(aidrules[\w.]*)`", row))
        assert shown == set(prefixes), (
            f"CONTRIBUTING.md layer {level}: shows {sorted(shown)}, the test has {sorted(prefixes)}"
        )


# -- the checker itself --------------------------------------------------------------------------------

_SAMPLE = """
from __future__ import annotations
from typing import TYPE_CHECKING
from . import formatting
from ..engine import decision as d
if TYPE_CHECKING:
    from aidrules.ruleset.compiled import CompiledRuleSet
else:
    import json
def f() -> None:
    from aidrules.text.explain import text
class C:
    def m(self) -> None:
        import difflib
"""


def test_the_checker_reads_relative_type_only_and_hidden_imports() -> None:
    """Catches a checker that misses what the three rules above are about."""
    found = {
        (imp.imported, imp.in_function, imp.type_checking) for imp in _imports_in("aidrules.words.labels", _SAMPLE)
    }
    assert ("aidrules.words.formatting", False, False) in found  # `from . import sub` names the submodule
    assert ("aidrules.engine.decision", False, False) in found
    assert ("aidrules.ruleset.compiled", False, True) in found
    assert ("json", False, False) in found  # the `else:` of TYPE_CHECKING runs
    assert ("aidrules.text.explain", True, False) in found
    assert ("difflib", True, False) in found


def test_the_checker_finds_a_cycle_and_a_layer() -> None:
    """Catches a cycle search that misses a three-module circle, or a table lookup that is not by the
    longest prefix."""
    graph: dict[str, dict[str, Import]] = {"a": {"b": _FAKE}, "b": {"c": _FAKE}, "c": {"a": _FAKE}, "d": {"a": _FAKE}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert layer_of("aidrules.engine.trace") == 0 and layer_of("aidrules.engine.compiled") == 5
    assert layer_of("aidrules.text.interface") == 0 and layer_of("aidrules.explain.api") == 6
    assert layer_of("aidrules") == len(LAYERS) - 1 and layer_of("aidrules.errors") == 0
    with pytest.raises(AssertionError):
        layer_of("elsewhere.module")


_FAKE = Import("a", "b", 1, False, False)
