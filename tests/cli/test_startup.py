"""The command line starts light: ``import aidrules`` and ``aidrules evaluate`` load no web
framework, no templates, no durable_rules and no policy toolkit; the command modules import
neither each other nor ``cli/main.py``; heavy modules are loaded by the one lazy loader."""

from __future__ import annotations

import ast
import gc
import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pydantic
import pytest
import typer
import yaml

from aidrules import _extras
from aidrules.cli.main import COMMANDS, main

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "src" / "aidrules" / "cli"
EXAMPLE = ROOT / "fixtures" / "examples" / "single-parent-guidance.yaml"

#: Third-party packages a decision never needs.
HEAVY = ("fastapi", "starlette", "uvicorn", "jinja2", "durable", "rich", "hypothesis", "psycopg")
#: Standard modules a decision never needs: the release state's and the journal's database, the
#: durable backend's engine thread (with the logging it brings, and its queue).
UNNEEDED_STDLIB = ("sqlite3", "concurrent.futures", "logging", "multiprocessing", "queue")
#: Modules of our own that neither ``import aidrules`` nor a decision made on the command line
#: loads: the durable backend (registered by name, loaded when a rule set is first prepared for
#: it) and the diagnostics' renderer (loaded when a problem is shown).
UNNEEDED_OWN = ("aidrules.engine.durable", "aidrules.engine.durable.runtime", "aidrules.diagnostic_text")

# Runs a command line in a fresh interpreter, then prints the modules that were really executed
# (a module the lazy loader named but nobody used is in sys.modules, not loaded).
_LOADED = """
import contextlib, importlib.util, io, json, sys
args = sys.argv[1:]
if args:
    from aidrules.cli.main import app
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            app(args)
        except SystemExit as exit:
            assert exit.code in (0, None), exit.code
else:
    import aidrules
lazy = importlib.util._LazyModule
print(json.dumps(sorted(name for name, module in sys.modules.items() if type(module) is not lazy)))
"""


def _loaded(*args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", _LOADED, *args], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout))


def _roots(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_import_aidrules_does_not_import_fastapi_jinja2_or_durable_rules() -> None:
    loaded = _loaded()
    assert "aidrules" in loaded
    assert not _roots(loaded) & set(HEAVY)
    assert not loaded & set(UNNEEDED_STDLIB)
    assert not loaded & set(UNNEEDED_OWN)
    assert not {name for name in loaded if name.startswith("aidrules.cli")}


def test_evaluate_loads_no_web_framework_templates_backend_or_toolkit() -> None:
    loaded = _loaded("evaluate", str(EXAMPLE), "--rules", "noord-limburg-budgethulp")
    assert "aidrules.engine.compiled" in loaded  # it did decide
    assert not _roots(loaded) & set(HEAVY)
    toolkit = {
        "aidrules.analysis",
        "aidrules.docgen",
        "aidrules.explain.api",
        "aidrules.impact",
        "aidrules.intake.server",
        "aidrules.registry.diff",
        "aidrules.registry.neighbours",  # validate's
        "aidrules.schemas",  # the schema command's
        "aidrules.report.build",
        "aidrules.server.app",
        "aidrules.testing.runner",
        # the durable backend registers itself with the engines (aidrules.engine) by name: its
        # module and its durable_rules package (HEAVY) are loaded only when a decision asks for it
        *UNNEEDED_OWN,
        "aidrules.journal",  # the other commands' modules: not loaded for evaluate
        "aidrules.batch",
        "aidrules.server",
        *UNNEEDED_STDLIB,
    } | {f"aidrules.cli.{m}" for m in ("batch", "impact", "intake", "lifecycle", "registry", "serve", "toolkit")}
    assert not loaded & toolkit


def test_a_lazily_named_module_is_loaded_when_used() -> None:
    """The loader's promise: the module (and its package) runs on first use, not before, and what
    it gives is the real module's, the one ``import`` gives."""
    script = (
        "import sys\n"
        "from aidrules._extras import lazy_module\n"
        "m = lazy_module('aidrules.docgen.prose')\n"
        "before = ['aidrules.docgen.prose' in sys.modules, 'aidrules.docgen' in sys.modules]\n"
        "render = m.render\n"
        "import aidrules.docgen.prose as real\n"
        "again = lazy_module('aidrules.docgen.prose')\n"
        "print(before, render is real.render, m.__file__ == real.__file__, again is real)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["[False,", "False]", "True", "True", "True"]


def test_a_lazily_named_module_whose_package_imports_it_runs_after_its_package() -> None:
    """Catches a loader that runs a module before its package: ``aidrules.explain``'s ``__init__``
    imports ``aidrules.explain.api``, so a lazily named ``api`` that ran first would find its
    package reading names from it half-run (an ImportError on ``aidrules explain``)."""
    script = (
        "from aidrules._extras import lazy_module\n"
        "api = lazy_module('aidrules.explain.api')\n"
        "import aidrules.explain\n"
        "print(api.render_explanation is aidrules.explain.render_explanation)\n"
    )
    script_first_use = script.replace("import aidrules.explain\n", "f = api.explanation\nimport aidrules.explain\n")
    for text in (script, script_first_use):
        done = subprocess.run([sys.executable, "-c", text], capture_output=True, text=True)
        assert done.returncode == 0 and done.stdout.split() == ["True"], done.stderr


def test_a_missing_optional_module_fails_when_used_not_when_named() -> None:
    missing = _extras.lazy_module("aidrules_no_such_extra.app")
    with pytest.raises(ModuleNotFoundError) as info:
        missing.create_app  # noqa: B018
    assert info.value.name == "aidrules_no_such_extra.app"


def _imports(path: Path) -> list[tuple[str, bool]]:
    """Every module ``path`` imports, and whether the import is inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if isinstance(child, ast.ImportFrom) and child.module:
                found.append((child.module, inner))
            elif isinstance(child, ast.Import):
                found.extend((alias.name, inner) for alias in child.names)
            visit(child, inner)

    visit(tree, False)
    return found


#: Modules of the command line that every command module may import.
SHARED = {"aidrules.cli.common", "aidrules.cli.help_texts", "aidrules.cli.terminal", "aidrules._extras"}


@pytest.mark.parametrize("path", sorted(p for p in CLI.glob("*.py") if p.name not in ("main.py", "__init__.py")))
def test_command_modules_import_neither_main_nor_each_other(path: Path) -> None:
    cli_imports = {m for m, _ in _imports(path) if m.startswith("aidrules.cli")}
    assert cli_imports <= SHARED, f"{path.name} imports {sorted(cli_imports - SHARED)}"


@pytest.mark.parametrize(
    "path",
    sorted(CLI.glob("*.py")),
)
def test_command_line_modules_have_no_function_level_imports(path: Path) -> None:
    inside = [m for m, in_function in _imports(path) if in_function]
    assert inside == [], f"{path.name} imports inside functions: {inside}; use aidrules._extras for heavy modules"


def test_the_command_table_names_every_command_of_every_module_in_order() -> None:
    """cli/main.py loads a command's module only when it runs: its table must name exactly the
    commands and groups the modules define (a new command missing there would not exist)."""
    defined: dict[str, str] = {}
    for module in dict.fromkeys(COMMANDS.values()):
        for info in module.app.registered_commands:
            assert info.callback is not None
            defined[info.name or info.callback.__name__.replace("_", "-")] = module.__name__
        for group in module.app.registered_groups:
            assert group.name is not None
            defined[group.name] = module.__name__
    assert {name: module.__name__ for name, module in COMMANDS.items()} == defined
    modules = sorted(p.stem for p in CLI.glob("*.py"))
    commands = {m.__name__.rpartition(".")[2] for m in COMMANDS.values()}
    assert commands == set(modules) - {"__init__", "common", "help_texts", "lazy", "main", "terminal"}


def _collector_while_printing(monkeypatch: pytest.MonkeyPatch, *args: str) -> list[bool]:
    """Runs ``aidrules ARGS`` through the entry point in this process; whether the cyclic garbage
    collector was on each time the command printed."""
    states: list[bool] = []
    echo = typer.echo

    def recording_echo(*a: Any, **k: Any) -> None:
        states.append(gc.isenabled())
        echo(*a, **k)

    monkeypatch.setattr(typer, "echo", recording_echo)
    monkeypatch.setattr(sys, "argv", ["aidrules", *args])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code in (0, None)
    return states


def test_evaluate_runs_without_the_cyclic_collector_and_main_turns_it_back_on(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert gc.isenabled()
    states = _collector_while_printing(monkeypatch, "evaluate", str(EXAMPLE), "--rules", "noord-limburg-budgethulp")
    assert states == [False]
    assert "NOORD-LIMBURG" in capsys.readouterr().out.upper()  # the decision was printed
    assert gc.isenabled()


def test_every_other_command_runs_with_the_cyclic_collector_on(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    states = _collector_while_printing(monkeypatch, "schema", "facts")
    assert states == [True]
    assert '"$schema"' in capsys.readouterr().out
    assert gc.isenabled()


#: The dataclasses of our own that ``aidrules evaluate`` still defines at start: public data that
#: callers copy with ``dataclasses.replace`` (``Diagnostic``, ``Span``, ``Limits``,
#: ``CompiledRuleSet``, ``TraceEvent``, ``Document``) and a few kept where they are (the codes'
#: table, the evaluation record, the parser's problem, the case model's shape). Every other class
#: on the path is a ``Frozen`` value or a plain class: ``@dataclass`` writes and execs its methods
#: at every start (about 0.5 ms a class; docs/performance.md, "Command line").
KEPT_DATACLASSES = {
    "aidrules.codes.CodeInfo",
    "aidrules.engine.record.EvaluationRecord",
    "aidrules.engine.record.RecordLayout",
    "aidrules.engine.trace.TraceEvent",
    "aidrules.errors.Diagnostic",
    "aidrules.errors.Span",
    "aidrules.expr.parser.ParseProblem",
    "aidrules.facts.shape.ModelShape",
    "aidrules.limits.Limits",
    "aidrules.ruleset.compiled.CompiledRuleSet",
    "aidrules.words.document.Document",
}

# Runs the command line of the script's arguments, its output dropped (a script below goes on
# from there and prints what it measured).
_RUN_QUIETLY = """
import contextlib, io, sys
from aidrules.cli.main import app
with contextlib.redirect_stdout(io.StringIO()):
    try:
        app(sys.argv[1:])
    except SystemExit as exit:
        assert exit.code in (0, None), exit.code
"""


# Runs a command line in a fresh interpreter, then prints the dataclasses of our own it defined.
_DATACLASSES = (
    """
import contextlib, dataclasses, io, json, sys
"""
    + _RUN_QUIETLY
    + """found = {
    f"{value.__module__}.{value.__qualname__}"
    for name, module in list(sys.modules.items()) if name.startswith("aidrules") and module is not None
    for value in list(vars(module).values())
    if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == name
}
print(json.dumps(sorted(found)))
"""
)


def test_evaluate_defines_no_dataclass_beyond_the_kept_ones() -> None:
    args = ("evaluate", str(EXAMPLE), "--rules", "noord-limburg-budgethulp")
    done = subprocess.run([sys.executable, "-c", _DATACLASSES, *args], capture_output=True, text=True, check=True)
    found = set(json.loads(done.stdout))
    assert "aidrules.ruleset.compiled.CompiledRuleSet" in found  # the walk sees the dataclasses there are
    assert found <= KEPT_DATACLASSES, sorted(found - KEPT_DATACLASSES)


# Runs a command line in a fresh interpreter as the console script does (``sys.exit(main())``);
# an exit handler registered before the command's own (so run after it) prints how many objects
# the collector has frozen when the interpreter ends.
_FROZEN_AT_EXIT = """
import atexit, gc, sys
atexit.register(lambda: print("frozen", gc.get_freeze_count(), file=sys.stderr))
from aidrules.cli.main import main
sys.argv = ["aidrules", *sys.argv[1:]]
sys.exit(main())
"""


def _frozen_at_exit(*args: str) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-c", _FROZEN_AT_EXIT, *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    counts = [int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("frozen ")]
    assert len(counts) == 1, done.stderr
    return counts[0], done.stdout


def test_evaluate_freezes_its_objects_at_exit_and_prints_the_same_decision(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("evaluate", str(EXAMPLE), "--rules", "noord-limburg-budgethulp")
    frozen, out = _frozen_at_exit(*args)
    assert frozen > 10_000  # the modules, classes and functions: left out of the final collection
    monkeypatch.setattr(sys, "argv", ["aidrules", *args])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code in (0, None)
    assert out == capsys.readouterr().out and "NOORD-LIMBURG" in out.upper()


def test_batch_freezes_its_objects_at_exit_and_writes_every_line(tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as true
    case = json.dumps(data, default=str)  # dates as ISO texts
    cases = tmp_path / "cases.jsonl"
    cases.write_text(f"{case}\n{{}}\n{case}\n", encoding="utf-8")
    out = tmp_path / "decisions.jsonl"
    args = ("batch", str(cases), "--out", str(out), "--workers", "1", "--no-progress")
    args += ("--rules", "noord-limburg-budgethulp")
    done = subprocess.run([sys.executable, "-c", _FROZEN_AT_EXIT, *args], capture_output=True, text=True)
    assert done.returncode == 2, done.stderr  # the empty case is refused, the other two decided
    counts = [int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("frozen ")]
    assert len(counts) == 1 and counts[0] > 10_000, done.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]  # written to the end
    assert [line["line"] for line in lines] == [1, 2, 3]
    assert ["decision" in line for line in lines] == [True, False, True]


def test_every_other_command_leaves_the_final_collection_as_it_is() -> None:
    frozen, out = _frozen_at_exit("schema", "facts")
    assert frozen == 0
    assert '"$schema"' in out


# Runs a command line in a fresh interpreter, then prints how many patterns the tokenizer compiled.
_TOKENIZER = (
    """
import contextlib, io, sys, tokenize
"""
    + _RUN_QUIETLY
    + """print(tokenize._compile.cache_info().misses)
"""
)


def test_evaluate_does_not_compile_the_tokenizers_pattern() -> None:
    """Building a model's validator, pydantic reads its default factories' signatures; a built-in
    class's (``list``, ``dict``) is parsed with the tokenizer, whose large pattern costs 1.6 ms to
    compile. Catches a default factory on evaluate's path that brings it back."""
    args = ("evaluate", str(EXAMPLE), "--rules", "noord-limburg-budgethulp")
    done = subprocess.run([sys.executable, "-c", _TOKENIZER, *args], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0"]


#: The modules whose models a decision on the command line validates (or builds at import).
EVALUATED_MODELS = (
    "aidrules.ruleset.schema",
    "aidrules.facts.model",
    "aidrules.facts.catalogue",
    "aidrules.engine.decision",
)


def _models(cls: type[pydantic.BaseModel]) -> list[type[pydantic.BaseModel]]:
    found = []
    for sub in cls.__subclasses__():
        if sub.__module__ in EVALUATED_MODELS:
            found.append(sub)
        found.extend(_models(sub))
    return found


def test_no_model_a_decision_validates_has_a_built_in_class_as_default_factory() -> None:
    for module in EVALUATED_MODELS:
        importlib.import_module(module)
    models = _models(pydantic.BaseModel)
    assert "RuleSetFile" in {m.__name__ for m in models}
    built_in = [
        f"{model.__module__}.{model.__qualname__}.{name}"
        for model in models
        for name, field in model.model_fields.items()
        if isinstance(field.default_factory, type) and field.default_factory.__module__ == "builtins"
    ]
    assert built_in == []


# Runs a command line in a fresh interpreter, then prints the names of the commands Typer built.
_BUILT_COMMANDS = (
    """
import contextlib, io, json, sys
import typer.main
built = []
make = typer.main.get_command_from_info
def recording(info, **options):
    made = make(info, **options)
    built.append(made.name)
    return made
typer.main.get_command_from_info = recording
"""
    + _RUN_QUIETLY
    + """print(json.dumps(built))
"""
)


def test_evaluate_builds_its_own_command_alone() -> None:
    """Typer reads a command's parameters from its function's signature: ``evaluate`` builds
    neither ``explain``, ``validate`` nor ``schema`` (its module's other commands)."""
    args = ("evaluate", str(EXAMPLE), "--rules", "noord-limburg-budgethulp")
    done = subprocess.run([sys.executable, "-c", _BUILT_COMMANDS, *args], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == ["evaluate"]


# Builds every command alone and within its module's group, in the help language of ``--lang``
# (read from the command line when aidrules.cli is imported), and prints the names that differ.
_ALONE = """
import contextlib, io, json, sys
from typer import _click as click
from aidrules.cli.main import COMMANDS, command, command_group

def described(cmd, name):
    params = [(p.name, p.opts, p.secondary_opts, p.required, repr(p.default), getattr(p, "help", None))
              for p in cmd.params]
    with contextlib.redirect_stdout(io.StringIO()) as printed:  # Typer's rich help prints it
        shown = cmd.get_help(click.Context(cmd, info_name=name))
    return [type(cmd).__name__, cmd.name, cmd.help, cmd.hidden, params, shown, printed.getvalue()]

differ, french = [], 0
built = {name: command(module, name) for name, module in COMMANDS.items()}  # before any whole group
for name, module in COMMANDS.items():
    alone = built[name]
    if alone is None or described(alone, name) != described(command_group(module).commands[name], name):
        differ.append(name)
    french += (alone.help or "").startswith(("Beoordeel een dossier", "Évaluer un dossier"))
print(json.dumps([differ, french]))
"""


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_a_command_built_alone_is_the_one_its_modules_group_builds(lang: str) -> None:
    """``aidrules NAME`` builds only NAME's command (or command group, such as ``journal``): the
    same command, parameters and help (in the help language) as the whole group of its module
    gives."""
    done = subprocess.run([sys.executable, "-c", _ALONE, "--lang", lang], capture_output=True, text=True, check=True)
    differ, translated = json.loads(done.stdout)
    assert differ == []
    assert translated == (lang != "en")  # evaluate's help is in the help language
