"""The ``aidrules`` command line (contract §3). The library never imports this module.

This module only assembles the command line: the commands live in one module per area
(``cli/decisions.py``: evaluate, explain, validate, schema; ``cli/<area>.py`` for the others),
which share ``cli/common.py`` and never import each other or this module.

Exit codes: 0 a decision was made (whatever it recommends) or the files are valid; 2 invalid
input (facts or rule files), every problem on stderr, no traceback; 1 an internal error.
"""

from __future__ import annotations

import inspect
import sys

import typer

from aidrules.cli import batch, decisions, impact, intake, lifecycle, registry, serve, toolkit
from aidrules.cli.common import render_error
from aidrules.cli.help_texts import help_paragraphs, say, tr
from aidrules.cli.terminal import sanitise_output
from aidrules.errors import AidrulesError

app = typer.Typer(
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


# The command modules, in the order `aidrules --help` lists their commands.
for _module in (decisions, batch, impact, intake, lifecycle, registry, serve, toolkit):
    app.add_typer(_module.app)


def _translate_command_help(typer_app: typer.Typer) -> None:
    """Each command's help (its docstring, paragraph by paragraph) in the help language, in every
    command module and command group too (``journal …``, ``token …``)."""
    for info in typer_app.registered_commands:
        if info.help is None and info.callback is not None:
            translated = help_paragraphs(inspect.getdoc(info.callback) or "")
            if translated is not None:
                info.help = translated
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _translate_command_help(group.typer_instance)


_translate_command_help(app)


def main() -> None:
    """Entry point: maps unexpected failures to exit 1 without a traceback."""
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


if __name__ == "__main__":  # pragma: no cover
    main()
