"""``aidrules impact OLD NEW``: what a change of rule-set version does to a caseload (contract §4).

Exit codes: 0 the study was made (even when cases were invalid: they are counted and named);
2 a rule set or the cases file cannot be read, or a date is invalid.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aidrules._extras import lazy_module
from aidrules.cli.common import DEFAULT_LANG, LangOpt, fail, parse_on
from aidrules.cli.help_texts import say, tr
from aidrules.errors import AidrulesError, Diagnostic, FactsError
from aidrules.ruleset.shipped import load

if TYPE_CHECKING:
    import aidrules.impact as impact_study
else:  # loaded when a command needs them (see aidrules._extras)
    impact_study = lazy_module("aidrules.impact")

app = typer.Typer()  # these commands; cli/main.py puts them on the command line


class ImpactFormat(StrEnum):
    markdown = "markdown"
    html = "html"


@app.command()
def impact(
    old: Annotated[str, typer.Argument(help=tr("The version in force: a path, ID@VERSION or ID."))],
    new: Annotated[str, typer.Argument(help=tr("The changed version: a path, ID@VERSION or ID."))],
    cases: Annotated[
        Path | None,
        typer.Option("--cases", help=tr("JSON Lines file of cases (default: a synthetic population).")),
    ] = None,
    on: Annotated[
        list[str] | None,
        typer.Option(
            "--on",
            help=tr(
                "Decision date for both versions; give it twice for OLD's and NEW's dates "
                "(default: the day the change takes effect)."
            ),
        ),
    ] = None,
    size: Annotated[int, typer.Option("--size", min=1, help=tr("Cases in the synthetic population."))] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help=tr("Seed of the synthetic population."))] = 2025,
    format: Annotated[ImpactFormat, typer.Option("--format", help=tr("markdown or html."))] = ImpactFormat.markdown,
    out: Annotated[
        Path | None, typer.Option("--out", help=tr("Write the report here (default: standard output)."))
    ] = None,
    lang: LangOpt = DEFAULT_LANG,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help=tr("Worker processes (default: one per core)."))
    ] = None,
    rules_dir: Annotated[
        list[Path] | None, typer.Option("--rules-dir", help=tr("Look rule sets up here first."))
    ] = None,
) -> None:
    """Decide every case under both versions on the day the change takes effect and report what
    changes: how many, from → to, per household category, income and debt, why, with examples."""
    try:
        days = [parse_on(d, lang.value) for d in (on or [])]
        if len(days) > 2:
            message = say("--on: give one date (both versions) or two (OLD's, then NEW's)", lang.value)
            raise FactsError(message, [Diagnostic("CL002", message, path="--on")])
        dirs = rules_dir or []
        old_rs = load(old, days[0] if days else None, rules_dirs=dirs)
        new_rs = load(new, days[-1] if days else None, rules_dirs=dirs)
        if cases is not None:
            if not cases.is_file():
                message = say("no such cases file: {path}", lang.value, path=cases)
                raise FactsError(message, [Diagnostic("CF000", message, path=str(cases))])
            source, items = str(cases), impact_study.read_cases(cases)
        else:
            source = f"synthetic:{size}:{seed}"
            items = iter(enumerate(impact_study.synthetic_population(size, seed), start=1))
        report = impact_study.run_study(
            old_rs,
            new_rs,
            items,
            source=source,
            old_day=days[0] if days else None,
            new_day=days[-1] if days else None,
            workers=workers,
        )
    except AidrulesError as exc:
        fail(exc)
    text = (
        impact_study.to_html(report, lang.value)
        if format is ImpactFormat.html
        else impact_study.to_markdown(report, lang.value)
    )
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(
            say(
                "{changed} of {cases} case(s) change; written to {path}",
                lang.value,
                changed=report.changed,
                cases=report.cases,
                path=out,
            )
        )
