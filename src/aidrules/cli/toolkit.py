"""Commands for policy makers: ``test`` (fixtures and rule coverage), ``generate-cases``, ``docs``.

Exit codes of ``aidrules test``: 0 every fixture passed (and coverage reached ``--fail-under``);
1 a fixture decided differently, or coverage stayed under ``--fail-under``; 2 a fixture file is
invalid (or its rule set cannot be loaded). ``generate-cases`` and ``docs`` exit 2 when the rule
set cannot be loaded.
"""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aidrules._extras import lazy_module
from aidrules.cli.common import LANG_OPTION, Lang, fail
from aidrules.cli.help_texts import say, tr
from aidrules.errors import AidrulesError, Diagnostic, FactsError
from aidrules.ruleset.shipped import load, resolve

if TYPE_CHECKING:
    import aidrules.analysis.boundaries as boundaries
    import aidrules.analysis.proposals as proposals
    import aidrules.docgen as docgen
    import aidrules.testing.runner as runner
else:  # loaded when a command needs them (see aidrules._extras)
    boundaries = lazy_module("aidrules.analysis.boundaries")
    docgen = lazy_module("aidrules.docgen")
    proposals = lazy_module("aidrules.analysis.proposals")
    runner = lazy_module("aidrules.testing.runner")

app = typer.Typer()  # these commands; cli/main.py puts them on the command line


class CoverageFormat(StrEnum):
    text = "text"
    markdown = "markdown"


@app.command("test")
def run_tests(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help=tr("Fixture files or directories (default: fixtures/)."), show_default=False),
    ] = None,
    coverage: Annotated[
        bool, typer.Option("--coverage", help=tr("Report rule coverage (conditions true/false/unknown)."))
    ] = False,
    fail_under: Annotated[
        str | None, typer.Option("--fail-under", help=tr("Exit 1 when true/false coverage is below this percentage."))
    ] = None,
    coverage_format: Annotated[
        CoverageFormat, typer.Option("--coverage-format", help=tr("Coverage report format."))
    ] = CoverageFormat.text,
    coverage_out: Annotated[
        Path | None, typer.Option("--coverage-out", help=tr("Write the coverage report to this file instead."))
    ] = None,
    rules_dir: Annotated[
        list[Path] | None,
        typer.Option("--rules-dir", help=tr("Look rule sets up here first (before the rules/ beside the fixtures).")),
    ] = None,
) -> None:
    """Run fixture cases; explain every difference in domain terms.

    A rule set named by id is looked up in --rules-dir, then in the rules/ beside the fixtures,
    then in the working directory's rules/, AIDRULES_PATH and installed packages."""
    targets = paths or [Path("fixtures")]
    missing = [p for p in targets if not p.exists()]
    if missing:
        message = say("no such fixture file or directory: {paths}", paths=", ".join(map(str, missing)))
        fail(FactsError(message, [Diagnostic("FX000", message, path=str(missing[0]))]))
    threshold = _percentage(fail_under) if fail_under is not None else None
    result = runner.run(targets, coverage=coverage or threshold is not None, rules_dirs=rules_dir or [])
    typer.echo(result.text(), nl=False)
    code = result.exit_code
    report = result.coverage
    if report is not None:
        rendered = report.markdown() if coverage_format is CoverageFormat.markdown else report.text()
        if coverage_out is not None:
            coverage_out.write_text(rendered, encoding="utf-8")
            typer.echo(say("coverage {percent}% written to {path}", percent=report.percent, path=coverage_out))
        else:
            typer.echo(rendered, nl=False)
        if threshold is not None and report.percent < threshold:
            below = say(
                "coverage {percent}% is below --fail-under {threshold}%", percent=report.percent, threshold=threshold
            )
            typer.echo(below, err=True)
            code = max(code, 1)
    raise typer.Exit(code)


def _percentage(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal(-1)
    if not Decimal(0) <= value <= Decimal(100):
        message = say("--fail-under: `{text}` is not a percentage between 0 and 100", text=text)
        fail(FactsError(message, [Diagnostic("CL003", message, path="--fail-under")]))
    return value


@app.command("generate-cases")
def generate_cases(
    rules: Annotated[str, typer.Argument(help=tr("Rule set: a path, ID or ID@VERSION."))],
    out: Annotated[Path, typer.Option("--out", help=tr("Directory for the proposed cases."))] = Path("proposed-cases"),
) -> None:
    """Propose cases just either side of every threshold, for a policy maker to check and label."""
    try:
        rs = load(rules)
        written = proposals.write_proposals(
            rs, boundaries.boundary_cases(rs), out, rules_ref=_rules_ref(rules, resolve(rules), out)
        )
    except AidrulesError as exc:
        fail(exc)
    for path in written:
        typer.echo(str(path))
    typer.echo(
        say(
            "{count} proposed case(s) in {path}: check each `proposed_expect` against the policy, rename it to "
            "`expect` and move the file into fixtures/",
            count=len(written),
            path=out,
        )
    )


def _rules_ref(spec: str, path: Path, out: Path) -> str:
    """How a proposed case names its rule set: the id and version, or a path relative to ``out``."""
    if Path(spec).suffix in (".yaml", ".yml") or Path(spec).is_file():
        return os.path.relpath(path.resolve(), out.resolve())
    return spec


@app.command("docs")
def docs(
    rules: Annotated[list[str], typer.Argument(help=tr("Rule sets: paths, IDs or ID@VERSION."))],
    out: Annotated[Path, typer.Option("--out", help=tr("Directory for the Markdown pages."))],
    lang: Annotated[Lang, typer.Option("--lang", help=tr("Language of the pages."), **LANG_OPTION)] = Lang.nl,
) -> None:
    """Write Markdown pages for policy makers: principles, rules, parameters, choices, flowchart."""
    try:
        written = [p for spec in rules for p in docgen.write_pages(load(spec), out, lang=lang.value)]
    except AidrulesError as exc:
        fail(exc)
    for path in written:
        typer.echo(str(path))
