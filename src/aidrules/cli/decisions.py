"""Deciding from the command line: ``evaluate``, ``explain``, ``validate`` and ``schema``."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aidrules._extras import lazy_module
from aidrules.cli.common import (
    DEFAULT_LANG,
    Engine,
    EngineOpt,
    Format,
    Lang,
    LangOpt,
    OnOpt,
    PublicKeyOpt,
    ReleaseStateOpt,
    RulesOpt,
    fail,
    parse_on,
    read_input,
)
from aidrules.cli.help_texts import say, tr
from aidrules.errors import AidrulesError, Diagnostic, Severity
from aidrules.facts.parse import parse_case_text
from aidrules.ruleset.compile import check_ruleset
from aidrules.ruleset.shipped import load
from aidrules.views.decision import render

if TYPE_CHECKING:
    import aidrules.analysis as analysis
    import aidrules.diagnostic_text as diagnostic_text
    import aidrules.engine.durable.runtime as durable_runtime
    import aidrules.explain.api as explain_api
    import aidrules.registry.neighbours as neighbours
    import aidrules.schemas as schemas
else:  # loaded when a command needs them (see aidrules._extras): `evaluate` needs none of them
    analysis = lazy_module("aidrules.analysis")
    diagnostic_text = lazy_module("aidrules.diagnostic_text")
    durable_runtime = lazy_module("aidrules.engine.durable.runtime")
    explain_api = lazy_module("aidrules.explain.api")
    neighbours = lazy_module("aidrules.registry.neighbours")
    schemas = lazy_module("aidrules.schemas")

app = typer.Typer()  # these commands; cli/main.py puts them on the command line


class SchemaKind(StrEnum):
    facts = "facts"
    decision = "decision"
    ruleset = "ruleset"


def _decide(
    case: str,
    rules: str | None,
    on: str | None,
    lang: Lang,
    engine: Engine,
    public_key: Path | None = None,
    then: Callable[[Any, Any, date], object] | None = None,
    release_state: Path | None = None,
) -> tuple[object, object]:
    if engine is Engine.durable:  # says how to install it when it is missing (exit 2)
        durable_runtime.load_durable()
    day = parse_on(on, lang.value)
    facts = parse_case_text(read_input(case, lang=lang.value), "<stdin>" if case == "-" else case, lang=lang.value)
    day = day or facts.on or date.today()
    ruleset = load(rules, day, public_key=public_key, release_state=release_state)
    if then is not None:  # e.g. explain: evaluate with a trace and build the explanation
        return ruleset, then(ruleset, facts, day)
    return ruleset, ruleset.evaluate(facts, day, lang=lang.value, engine=engine.value)


class DecisionFormat(StrEnum):
    """``evaluate --format``: the contract's three, and the compact JSON form (docs/decisions.md)."""

    text = "text"
    json = "json"
    compact_json = "compact-json"
    markdown = "markdown"


def _run_decision(
    case: str,
    rules: str | None,
    on: str | None,
    fmt: DecisionFormat,
    lang: Lang,
    engine: Engine,
    full: bool,
    public_key: Path | None = None,
    release_state: Path | None = None,
) -> None:
    try:
        ruleset, decision = _decide(case, rules, on, lang, engine, public_key, release_state=release_state)
    except AidrulesError as exc:
        fail(exc)
    if fmt is DecisionFormat.json:
        typer.echo(decision.to_json(), nl=False)  # type: ignore[attr-defined]
    elif fmt is DecisionFormat.compact_json:
        typer.echo(decision.to_json(compact=True), nl=False)  # type: ignore[attr-defined]
    else:
        typer.echo(render(decision, ruleset, fmt.value, full=full), nl=False)  # type: ignore[arg-type]


@app.command()
def evaluate(
    case: Annotated[str, typer.Argument(help=tr("Case file (YAML or JSON), or - for standard input."))],
    rules: RulesOpt = None,
    on: OnOpt = None,
    format: Annotated[DecisionFormat, typer.Option("--format", help=tr("Output format."))] = DecisionFormat.text,
    lang: LangOpt = DEFAULT_LANG,
    engine: EngineOpt = Engine.compiled,
    public_key: PublicKeyOpt = None,
    release_state: ReleaseStateOpt = None,
) -> None:
    """Evaluate a case and print the decision."""
    _run_decision(case, rules, on, format, lang, engine, full=False, public_key=public_key, release_state=release_state)


class ExplainFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    html = "html"
    json = "json"


class Audience(StrEnum):
    worker = "worker"
    committee = "committee"
    client = "client"


@app.command()
def explain(
    case: Annotated[str, typer.Argument(help=tr("Case file (YAML or JSON), or - for standard input."))],
    rules: RulesOpt = None,
    on: OnOpt = None,
    format: Annotated[ExplainFormat, typer.Option("--format", help=tr("Output format."))] = ExplainFormat.text,
    lang: LangOpt = DEFAULT_LANG,
    engine: EngineOpt = Engine.compiled,
    public_key: PublicKeyOpt = None,
    release_state: ReleaseStateOpt = None,
    audience: Annotated[
        Audience,
        typer.Option(
            "--audience",
            help=tr(
                "worker: the full reasoning; committee: an anonymised social report; client: a plain-language letter."
            ),
        ),
    ] = Audience.worker,
    templates: Annotated[
        Path | None,
        typer.Option("--templates", help=tr("Directory with your own letter templates (client_letter.<lang>.md.j2).")),
    ] = None,
    client_name: Annotated[
        str | None, typer.Option("--client-name", help=tr("Letter: the client's name (used for this letter only)."))
    ] = None,
    dossier: Annotated[str | None, typer.Option("--dossier", help=tr("Letter: the dossier reference."))] = None,
    ocmw_name: Annotated[str | None, typer.Option("--ocmw-name", help=tr("Letter: the OCMW's name."))] = None,
    ocmw_address: Annotated[str | None, typer.Option("--ocmw-address", help=tr("Letter: the OCMW's address."))] = None,
    worker_contact: Annotated[
        str | None, typer.Option("--worker-contact", help=tr("Letter: the social worker's name and contact."))
    ] = None,
) -> None:
    """Explain a decision: why and why not, what would change it, for a worker, the committee or the client."""
    try:
        _, expl = _decide(
            case,
            rules,
            on,
            lang,
            engine,
            public_key,
            then=lambda rs, facts, day: explain_api.explanation(rs, facts, day, lang=lang.value),
            release_state=release_state,
        )
        recipient = {
            "client_name": client_name,
            "dossier_reference": dossier,
            "ocmw_name": ocmw_name,
            "ocmw_address": ocmw_address,
            "worker_contact": worker_contact,
        }
        out = explain_api.render_explanation(
            expl,  # type: ignore[arg-type]
            audience.value,
            format.value,
            templates=templates,
            recipient=recipient,
        )
    except AidrulesError as exc:
        fail(exc)
    typer.echo(out, nl=False)


@app.command()
def validate(
    rules: Annotated[list[Path], typer.Argument(help=tr("Rule files to check."))],
    format: Annotated[Format, typer.Option("--format", help=tr("text or json."))] = Format.text,
    static: Annotated[
        bool, typer.Option("--static/--no-static", help=tr("Also run the static checks (docs/policy-toolkit.md)."))
    ] = True,
    lang: LangOpt = DEFAULT_LANG,
) -> None:
    """Check rule files; report every problem with file:line:column, a code and a hint."""
    diagnostics: list[Diagnostic] = []
    for path in rules:
        diagnostics.extend(check_ruleset(path))
        # against the other versions of its rule set: overlap, a copied approval or changelog
        diagnostics.extend(neighbours.neighbour_diagnostics(path, lang.value, tuple(rules)))
    if static:  # unused items, rules that never fire, gaps, overlaps, periods, protected facts
        diagnostics.extend(analysis.static_diagnostics(rules))
    errors = [d for d in diagnostics if d.severity == Severity.ERROR]
    if format is Format.json:
        typer.echo(json.dumps([d.to_dict() for d in diagnostics], ensure_ascii=False, indent=2))
    else:
        if diagnostics:
            typer.echo(diagnostic_text.render_text(diagnostics, lang.value), err=True)
        if not errors:
            warnings = say(", {count} warning(s)", lang.value, count=len(diagnostics)) if diagnostics else ""
            typer.echo(say("{count} rule file(s) valid", lang.value, count=len(rules)) + warnings)
    if errors:
        raise typer.Exit(2)


@app.command()
def schema(kind: Annotated[SchemaKind, typer.Argument(help=tr("facts, decision or ruleset."))]) -> None:
    """Print a standard JSON Schema (Draft 2020-12): of the case facts, the decision or the rule-file format."""
    typer.echo(json.dumps(schemas.schema(kind.value), ensure_ascii=False, indent=2))
