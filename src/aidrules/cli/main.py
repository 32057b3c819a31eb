"""The ``aidrules`` command line (contract §3). The library never imports this module.

This module only assembles the command line: the commands live in one module per area
(``cli/decisions.py``: evaluate, explain, validate, schema; ``cli/<area>.py`` for the others),
which share ``cli/common.py`` and never import each other or this module. :data:`COMMANDS` names
each command's module, which is loaded (:mod:`aidrules._extras`) only when that command runs.

Exit codes: 0 a decision was made (whatever it recommends) or the files are valid; 2 invalid
input (facts or rule files), every problem on stderr, no traceback; 1 an internal error.
"""

from __future__ import annotations

import atexit
import gc
import inspect
import sys
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

import typer
from typer import _click as click  # Typer 0.29 carries its own click: its types are these
from typer.core import TyperGroup
from typer.models import CommandInfo

from aidrules._extras import lazy_module
from aidrules.cli.common import render_error
from aidrules.cli.help_texts import help_paragraphs, say, tr
from aidrules.cli.terminal import sanitise_output
from aidrules.errors import AidrulesError

if TYPE_CHECKING:
    from aidrules.cli import batch, decisions, impact, intake, lifecycle, registry, serve, toolkit
else:  # a command's module is loaded when that command runs (or --help lists them all)
    batch = lazy_module("aidrules.cli.batch")
    decisions = lazy_module("aidrules.cli.decisions")
    impact = lazy_module("aidrules.cli.impact")
    intake = lazy_module("aidrules.cli.intake")
    lifecycle = lazy_module("aidrules.cli.lifecycle")
    registry = lazy_module("aidrules.cli.registry")
    serve = lazy_module("aidrules.cli.serve")
    toolkit = lazy_module("aidrules.cli.toolkit")

#: Every command and command group, with the module whose ``app`` defines it, in the order
#: ``aidrules --help`` lists them (``tests/cli/test_startup.py`` checks it against the modules).
COMMANDS: dict[str, ModuleType] = {
    "evaluate": decisions,
    "explain": decisions,
    "validate": decisions,
    "schema": decisions,
    "batch": batch,
    "impact": impact,
    "questions": intake,
    "interview": intake,
    "intake": intake,
    "review": lifecycle,
    "report": lifecycle,
    "journal": lifecycle,
    "list": registry,
    "keygen": registry,
    "sign": registry,
    "verify": registry,
    "diff": registry,
    "rerun": registry,
    "serve": serve,
    "token": serve,
    "test": toolkit,
    "generate-cases": toolkit,
    "docs": toolkit,
}


#: Commands that make one decision and end: the cyclic garbage collector stays off while they run
#: (see :func:`main`); every other command (batches, services, reports, searches) runs with it on.
ONE_SHOT = frozenset({"evaluate"})

#: Whether :func:`main` paused the collector (and so must resume it).
_collector_paused = False

#: Commands whose process ends with them and whose objects are left out of the interpreter's
#: final collection (:func:`_freeze_at_exit`): the one-shot ones, and ``batch``, whose parent ends
#: holding the loaded rule sets as ``evaluate`` does (its workers end with ``os._exit``).
FROZEN_AT_EXIT = ONE_SHOT | {"batch"}

#: Whether :func:`gc.freeze` is registered to run when the interpreter exits (once per process).
_freeze_registered = False


def _resume_collector(command: str) -> None:
    global _collector_paused
    if _collector_paused and command not in ONE_SHOT:
        _collector_paused = False
        gc.enable()


def _freeze_at_exit(command: str) -> None:
    """For a command in :data:`FROZEN_AT_EXIT`, freeze the collector's objects when the interpreter exits
    (``aidrules --help`` looks every command up, so it ends so too).

    As the interpreter ends, after tearing the modules down, Python runs a full collection (in
    ``Py_FinalizeEx``, whether the collector is on or not): the modules, classes and functions
    are cyclic garbage by then, and it finds and frees them one by one, some 46,000 objects the
    collector tracks for ``aidrules evaluate``: about 50 ms, a sixth of the command
    (``docs/performance.md``, "Command line"). :func:`gc.freeze` at exit (an :mod:`atexit` handler,
    so it runs only when the interpreter ends, after the output is written) takes them out of
    that collection, and the operating system takes the memory back at once; the standard streams
    are flushed as always. What is left out is the ``__del__`` of objects alive at exit, which
    Python does not promise to run anyway; ``evaluate`` leaves no open file or connection behind
    (the per-user cache closes each entry it writes), and ``batch`` closes its input and output
    before it returns. For ``batch`` it is serial time after the workers end, which bounds what
    two workers gain (``docs/performance.md``, "Batch evaluation").
    """
    global _freeze_registered
    if command in FROZEN_AT_EXIT and not _freeze_registered:
        _freeze_registered = True
        atexit.register(gc.freeze)


@cache
def command_group(module: ModuleType) -> TyperGroup:
    """The commands of one command module, their help in the help language."""
    typer_app: typer.Typer = module.app
    _translate_command_help(typer_app)
    return typer.main.get_group(typer_app)


@cache
def command(module: ModuleType, name: str) -> click.Command | None:
    """The command ``name`` of a command module, its help in the help language: a plain command
    is built alone, as :func:`command_group` builds it, without the module's other commands (Typer
    reads every parameter of a command from its function's signature: building all four of
    ``cli/decisions.py`` to run ``evaluate`` took 3 ms of every decision); a command group
    (``journal``, ``token``) alone too, as :func:`command_group` builds it inside the whole group."""
    typer_app: typer.Typer = module.app
    for info in typer_app.registered_commands:
        if info.callback is not None and (info.name or typer.main.get_command_name(info.callback.__name__)) == name:
            _translate_help(info)
            return typer.main.get_command_from_info(
                info,
                pretty_exceptions_short=typer_app.pretty_exceptions_short,
                rich_markup_mode=typer_app.rich_markup_mode,
            )
    for group in typer_app.registered_groups:
        if group.name == name and group.typer_instance is not None:
            _translate_command_help(group.typer_instance)
            return typer.main.get_group_from_info(
                group,
                pretty_exceptions_short=typer_app.pretty_exceptions_short,
                rich_markup_mode=typer_app.rich_markup_mode,
                suggest_commands=typer_app.suggest_commands,
            )
    return None


class _Commands(TyperGroup):
    """The command line's group: it knows every command's name, and loads the module of the one
    that runs (``aidrules evaluate`` does not load the journal, the service or the toolkit)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        _resume_collector(cmd_name)
        _freeze_at_exit(cmd_name)
        module = COMMANDS.get(cmd_name)
        return command(module, cmd_name) if module is not None else None


app = typer.Typer(
    cls=_Commands,
    add_completion=False,
    no_args_is_help=True,
    help=tr("aidrules: explained budget-help decisions for OCMWs / CPAS."),
    pretty_exceptions_enable=False,
)


@app.callback()
def _output() -> None:
    """aidrules: explained budget-help decisions for OCMWs / CPAS."""
    # The one place where the output is made safe for a terminal: texts from rule files and cases
    # (other OCMWs') may hold escape sequences; see aidrules.cli.terminal.
    sanitise_output()


def _translate_command_help(typer_app: typer.Typer) -> None:
    """Each command's help (its docstring, paragraph by paragraph) in the help language, in every
    command group too (``journal …``, ``token …``)."""
    for info in typer_app.registered_commands:
        _translate_help(info)
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _translate_command_help(group.typer_instance)


def _translate_help(info: CommandInfo) -> None:
    """One command's help (its docstring, paragraph by paragraph) in the help language."""
    if info.help is None and info.callback is not None:
        translated = help_paragraphs(inspect.getdoc(info.callback) or "")
        if translated is not None:
            info.help = translated


def main() -> None:
    """Entry point: maps unexpected failures to exit 1 without a traceback.

    Starting a command creates some hundred thousand objects (modules, classes, the compiled rule
    set) of which almost none becomes garbage; the cyclic collector's passes over them cost about
    6 % of ``aidrules evaluate``'s CPU time. It is paused until the command is known, and stays paused
    only for a command in :data:`ONE_SHOT` (one decision, then the process ends: what it leaves
    is freed with the process); reference counting frees everything else as usual.
    """
    global _collector_paused
    _collector_paused = gc.isenabled()
    gc.disable()
    try:
        app()
    except SystemExit:
        raise
    except AidrulesError as exc:  # pragma: no cover - commands catch these themselves
        typer.echo(render_error(exc), err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:
        typer.echo(
            say(
                "internal error: {kind}: {error}\nPlease report this with the case (anonymised) and the rule set.",
                kind=type(exc).__name__,
                error=exc,
            ),
            err=True,
        )
        sys.exit(1)
    finally:
        if _collector_paused:  # main() called in a longer-lived process (tests): as it was
            _collector_paused = False
            gc.enable()


if __name__ == "__main__":  # pragma: no cover
    main()
