"""``aidrules batch``: decide a JSON Lines file of cases on every core (see :mod:`aidrules.batch`).

Exit codes: 0 every line was decided; 2 some lines were invalid (each reported on stderr with its
line number; the batch went on) or the rule set / input could not be read; 1 an internal error.
"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer

from aidrules._extras import lazy_module
from aidrules.batch import Options, Summary, count_lines, run_batch
from aidrules.cli.common import DEFAULT_LANG, Engine, EngineOpt, LangOpt, RulesOpt, parse_on
from aidrules.cli.common import fail as _fail
from aidrules.cli.help_texts import say, tr
from aidrules.engine.durable.runtime import load_durable
from aidrules.errors import AidrulesError, Diagnostic, FactsError
from aidrules.ruleset.shipped import load

if TYPE_CHECKING:
    import rich.console as rich_console
    import rich.progress as rich_progress
else:  # loaded for a progress bar only: --no-progress starts without them (about 25 ms)
    rich_console = lazy_module("rich.console")
    rich_progress = lazy_module("rich.progress")

app = typer.Typer()  # these commands; cli/main.py puts them on the command line


@app.command()
def batch(
    cases: Annotated[
        str, typer.Argument(help=tr("JSON Lines file of cases (one JSON object per line), or - for stdin."))
    ],
    out: Annotated[str, typer.Option("--out", help=tr("Where to write the decisions (JSON Lines), or - for stdout."))],
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help=tr("Worker processes (default: one per core)."))
    ] = None,
    rules: RulesOpt = None,
    on: Annotated[
        str | None,
        typer.Option("--on", help=tr("Decision date YYYY-MM-DD for every case (default: each case's `on`).")),
    ] = None,
    lang: LangOpt = DEFAULT_LANG,
    engine: EngineOpt = Engine.compiled,
    progress: Annotated[
        bool,
        typer.Option("--progress/--no-progress", help=tr("Show a progress bar on stderr (when it is a terminal).")),
    ] = True,
) -> None:
    """Decide many cases: one decision (or the reasons it is invalid) per input line, in order."""
    try:
        day = parse_on(on, lang.value)
        if engine is Engine.durable:
            load_durable()
        load(rules, day)  # an unknown or broken rule set stops here, not once per line
    except AidrulesError as exc:
        _fail(exc)
    options = Options(rules=rules, engine=engine.value, lang=lang.value, on=day)
    with ExitStack() as stack:
        try:
            source: IO[str] = sys.stdin if cases == "-" else stack.enter_context(Path(cases).open(encoding="utf-8"))
            sink: IO[str] = sys.stdout if out == "-" else stack.enter_context(Path(out).open("w", encoding="utf-8"))
        except OSError as exc:
            message = say("cannot open {path}: {reason}", lang.value, path=exc.filename, reason=exc.strerror)
            _fail(FactsError(message, [Diagnostic("BA002", message, path=str(exc.filename))]))
        if progress:
            console = rich_console.Console(stderr=True)
            shown = console.is_terminal
        else:
            shown = False
        if shown:
            # The bar's total reads the whole file once more before any case is decided: only for a bar.
            total = count_lines(Path(cases)) if cases != "-" else None
            summary = _run(source, sink, options, workers, total, console, lang.value)
        else:
            summary = run_batch(source, sink, options, workers=workers)
    for line, message in summary.invalid:
        typer.echo(say("line {line}: {message}", lang.value, line=line, message=message), err=True)
    for line, message in summary.internal:
        typer.echo(say("line {line}: {message}", lang.value, line=line, message=message), err=True)
    typer.echo(summary.report(), err=True)
    raise typer.Exit(summary.exit_code)


def _run(
    source: IO[str],
    sink: IO[str],
    options: Options,
    workers: int | None,
    total: int | None,
    console: rich_console.Console,
    lang: str,
) -> Summary:
    """Decide the batch under a progress bar on ``console``."""
    label = say("deciding", lang)
    columns = (
        rich_progress.TextColumn(label),
        rich_progress.BarColumn(),
        rich_progress.MofNCompleteColumn(),
        rich_progress.TimeRemainingColumn(),
    )
    # Redrawn when the batch reports progress, by this thread, not by rich's refresh thread: with
    # one thread, workers can be forked (they start with the rule set this process loaded).
    with rich_progress.Progress(*columns, console=console, auto_refresh=False) as bar:
        task = bar.add_task(label, total=total)

        def advance(done: int) -> None:
            bar.advance(task, done)
            bar.refresh()

        return run_batch(source, sink, options, workers=workers, on_progress=advance)
