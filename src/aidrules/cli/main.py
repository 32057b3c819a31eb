"""The ``aidrules`` command line (contract §3). The library never imports this module.

Exit codes: 0 a decision was made (whatever it recommends) or the files are valid; 2 invalid
input (facts or rule files), every problem on stderr, no traceback; 1 an internal error.
"""

from __future__ import annotations

import inspect
import json
import sys
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from aidrules.cli.help_texts import help_lang, help_paragraphs, say, tr
from aidrules.cli.terminal import sanitise_output
from aidrules.errors import AidrulesError, Diagnostic, FactsError, unknown_language

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


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


class Lang(StrEnum):
    nl = "nl"
    fr = "fr"
    en = "en"


class Engine(StrEnum):
    compiled = "compiled"
    durable = "durable"


class SchemaKind(StrEnum):
    facts = "facts"
    decision = "decision"
    ruleset = "ruleset"


RulesOpt = Annotated[
    str | None,
    typer.Option("--rules", help=tr("Rule set: a path, ID or ID@VERSION (default: the shipped reference set).")),
]
OnOpt = Annotated[
    str | None, typer.Option("--on", help=tr("Decision date YYYY-MM-DD (default: the case's `on`, else today)."))
]
FormatOpt = Annotated[Format, typer.Option("--format", help=tr("Output format."))]


def parse_lang(value: str | Lang) -> Lang:
    """``--lang``: ``nl``, ``fr`` or ``en``; any other is the EV006 error every entry point gives."""
    try:
        return Lang(value)
    except ValueError:
        _fail(unknown_language(value), help_lang([]))


#: ``--lang`` of every command: its parser gives the library's own unknown-language error.
LANG_OPTION: dict[str, Any] = {"parser": parse_lang, "metavar": "<nl|fr|en>"}
LangOpt = Annotated[
    Lang,
    typer.Option(
        "--lang", help=tr("Language of the texts and diagnostics (default: from the locale, else nl)."), **LANG_OPTION
    ),
]


def default_lang() -> Lang:
    """The language of the environment's locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else Dutch."""
    return Lang(help_lang([]))


DEFAULT_LANG = default_lang()
EngineOpt = Annotated[Engine, typer.Option("--engine", help=tr("Evaluation engine."))]
PublicKeyOpt = Annotated[
    Path | None,
    typer.Option("--public-key", help=tr("Require every layer of the rule set to be signed with this Ed25519 key.")),
]


ReleaseStateOpt = Annotated[
    Path | None,
    typer.Option(
        "--release-state",
        help=tr(
            "With --public-key: refuse a signed release older than one accepted before (a SQLite file; "
            "default: $AIDRULES_RELEASE_STATE)."
        ),
    ),
]


def render_error(error: AidrulesError, lang: str = "en") -> str:
    """An error for the terminal: each diagnostic with its source line and a caret (the one
    renderer of diagnostics in text output), in ``lang``; the message when it has none."""
    from aidrules.diagnostic_text import render_text

    return render_text(error.diagnostics, lang) if error.diagnostics else str(error)


def _fail(error: AidrulesError, lang: str = "en") -> NoReturn:
    typer.echo(render_error(error, lang), err=True)
    raise typer.Exit(error.exit_code)


fail = _fail  # for the command modules


def read_input(path: str, what: str = "case", lang: str | None = None) -> str:
    """A case (or review) document from a file or ``-`` (stdin), never more than the size limit;
    the error when it cannot be read is in ``lang`` (default: ``--lang`` or the locale)."""
    from aidrules.limits import DEFAULT_LIMITS, read_document

    if path == "-":  # never more than one character past the limit, which then refuses it
        return sys.stdin.read(DEFAULT_LIMITS.max_document_chars + 1)
    try:
        return read_document(Path(path), DEFAULT_LIMITS)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        message = say("cannot read {what} file {path}: {reason}", lang, what=what, path=path, reason=reason)
        raise FactsError(message, [Diagnostic("CF004", message, path=path)]) from None


def parse_on(on: str | None, lang: str | None = None, option: str = "--on") -> date | None:
    """The ``--on`` option (or another date ``option``) as a date (None when not given); the error
    is in ``lang`` (default: ``--lang`` or the locale)."""
    if on is None:
        return None
    try:
        return date.fromisoformat(on)
    except ValueError:
        message = say("{option}: `{on}` is not a date in the form YYYY-MM-DD", lang, option=option, on=on)
        raise FactsError(message, [Diagnostic("CL002", message, path=option)]) from None


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
    from aidrules.facts.parse import parse_case_text
    from aidrules.ruleset.shipped import load

    if engine is Engine.durable:  # says how to install it when it is missing (exit 2)
        from aidrules.engine.durable.runtime import load_durable

        load_durable()
    day = parse_on(on, lang.value)
    facts = parse_case_text(read_input(case, lang=lang.value), "<stdin>" if case == "-" else case, lang=lang.value)
    day = day or facts.on or date.today()
    ruleset = load(rules, day, public_key=public_key, release_state=release_state)
    if then is not None:  # e.g. explain: evaluate with a trace and build the explanation
        return ruleset, then(ruleset, facts, day)
    return ruleset, ruleset.evaluate(facts, day, lang=lang.value, engine=engine.value)


def _run_decision(
    case: str,
    rules: str | None,
    on: str | None,
    fmt: Format,
    lang: Lang,
    engine: Engine,
    full: bool,
    public_key: Path | None = None,
    release_state: Path | None = None,
) -> None:
    from aidrules.explain.render import render

    try:
        ruleset, decision = _decide(case, rules, on, lang, engine, public_key, release_state=release_state)
    except AidrulesError as exc:
        _fail(exc)
    if fmt is Format.json:
        typer.echo(decision.to_json(), nl=False)  # type: ignore[attr-defined]
    else:
        typer.echo(render(decision, ruleset, fmt.value, full=full), nl=False)  # type: ignore[arg-type]


@app.command()
def evaluate(
    case: Annotated[str, typer.Argument(help=tr("Case file (YAML or JSON), or - for standard input."))],
    rules: RulesOpt = None,
    on: OnOpt = None,
    format: FormatOpt = Format.text,
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
    from aidrules.explain.api import explanation, render_explanation

    try:
        _, expl = _decide(
            case,
            rules,
            on,
            lang,
            engine,
            public_key,
            then=lambda rs, facts, day: explanation(rs, facts, day, lang=lang.value),
            release_state=release_state,
        )
        recipient = {
            "client_name": client_name,
            "dossier_reference": dossier,
            "ocmw_name": ocmw_name,
            "ocmw_address": ocmw_address,
            "worker_contact": worker_contact,
        }
        out = render_explanation(
            expl,  # type: ignore[arg-type]
            audience.value,
            format.value,
            templates=templates,
            recipient=recipient,
        )
    except AidrulesError as exc:
        _fail(exc)
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
    from aidrules.diagnostic_text import render_text
    from aidrules.errors import Severity
    from aidrules.registry.neighbours import neighbour_diagnostics
    from aidrules.ruleset.compile import check_ruleset

    diagnostics: list[Diagnostic] = []
    for path in rules:
        diagnostics.extend(check_ruleset(path))
        # against the other versions of its rule set: overlap, a copied approval or changelog
        diagnostics.extend(neighbour_diagnostics(path, lang.value, tuple(rules)))
    if static:  # unused items, rules that never fire, gaps, overlaps, periods, protected facts
        from aidrules.analysis import static_diagnostics

        diagnostics.extend(static_diagnostics(rules))
    errors = [d for d in diagnostics if d.severity == Severity.ERROR]
    if format is Format.json:
        typer.echo(json.dumps([d.to_dict() for d in diagnostics], ensure_ascii=False, indent=2))
    else:
        if diagnostics:
            typer.echo(render_text(diagnostics, lang.value), err=True)
        if not errors:
            warnings = say(", {count} warning(s)", lang.value, count=len(diagnostics)) if diagnostics else ""
            typer.echo(say("{count} rule file(s) valid", lang.value, count=len(rules)) + warnings)
    if errors:
        raise typer.Exit(2)


@app.command()
def schema(kind: Annotated[SchemaKind, typer.Argument(help=tr("facts, decision or ruleset."))]) -> None:
    """Print a standard JSON Schema (Draft 2020-12): of the case facts, the decision or the rule-file format."""
    from aidrules.schemas import schema as standard_schema

    typer.echo(json.dumps(standard_schema(kind.value), ensure_ascii=False, indent=2))


# Further command groups register themselves on `app` when imported (one module per area).
# --- command modules (keep one import per line) ---
import aidrules.cli.batch  # noqa: E402
import aidrules.cli.impact  # noqa: E402
import aidrules.cli.intake  # noqa: E402
import aidrules.cli.lifecycle  # noqa: E402
import aidrules.cli.registry  # noqa: E402
import aidrules.cli.serve  # noqa: E402
import aidrules.cli.toolkit  # noqa: E402, F401

# --- end of command modules ---


def _translate_command_help(typer_app: typer.Typer) -> None:
    """Each command's help (its docstring, paragraph by paragraph) in the help language, in every
    command group too (``journal …``, ``token …``)."""
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
