"""Commands for running dossiers: ``review``, ``journal …`` and the yearly ``report``."""

from __future__ import annotations

import json
import os
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aidrules._extras import lazy_module
from aidrules.cli.common import DEFAULT_LANG, Format, Lang, LangOpt, OnOpt, RulesOpt, fail, parse_on, read_input
from aidrules.cli.help_texts import say, tr
from aidrules.errors import AidrulesError, Diagnostic
from aidrules.facts.parse import parse_facts, read_case_text
from aidrules.journal.errors import JournalError
from aidrules.journal.keys import DossierKeyer
from aidrules.journal.redact import redact_url
from aidrules.lifecycle.render import render_review
from aidrules.ruleset.shipped import load

if TYPE_CHECKING:
    import aidrules.journal.journal as journal_mod
    import aidrules.lifecycle.engine as review_engine
    import aidrules.lifecycle.model as review_model
    import aidrules.report.build as report_build
    from aidrules.lifecycle.decision import ReviewDecision
    from aidrules.ruleset.compiled import CompiledRuleSet
else:  # loaded when a command needs them (see aidrules._extras)
    journal_mod = lazy_module("aidrules.journal.journal")
    report_build = lazy_module("aidrules.report.build")
    review_engine = lazy_module("aidrules.lifecycle.engine")
    review_model = lazy_module("aidrules.lifecycle.model")

app = typer.Typer()  # these commands; cli/main.py puts them on the command line

journal_app = typer.Typer(
    no_args_is_help=True,
    help=tr("The decision journal: record decisions and reviews, list and verify entries."),
)
app.add_typer(journal_app, name="journal")


class ReportFormat(StrEnum):
    markdown = "markdown"
    html = "html"
    csv = "csv"


JournalOpt = Annotated[
    str,
    typer.Option(
        "--journal",
        help=tr(
            "The journal: a SQLite file, sqlite:///PATH or postgresql://USER@HOST/DB?schema=NAME "
            "(password in ~/.pgpass rather than the URL; never printed)."
        ),
    ),
]
KeyFileOpt = Annotated[
    Path | None,
    typer.Option("--key-file", help=tr("The OCMW's journal key (default: $AIDRULES_JOURNAL_KEY_FILE).")),
]
DossierOpt = Annotated[
    str, typer.Option("--dossier", help=tr("The OCMW's dossier number; only its keyed hash is stored."))
]
PreparedOpt = Annotated[str, typer.Option("--prepared-by", help=tr("Staff id of who prepared the decision."))]
ApprovedOpt = Annotated[
    str | None,
    typer.Option("--approved-by", help=tr("Staff id of the approver (another person); without it, a draft is kept.")),
]


def _review(dossier: str, rules: str | None, on: str | None, lang: Lang) -> tuple[CompiledRuleSet, ReviewDecision]:

    text = read_input(dossier, "review", lang.value)
    facts = review_model.parse_review_facts(read_case_text(text, "<stdin>" if dossier == "-" else dossier))
    day = parse_on(on, lang.value) or facts.on or date.today()
    ruleset = load(rules, day)
    return ruleset, review_engine.evaluate_review(ruleset, facts, day, lang=lang.value)


def _keyer(key_file: Path | None) -> DossierKeyer:

    return DossierKeyer.from_file(key_file) if key_file is not None else DossierKeyer.from_environment()


@app.command()
def review(
    dossier: Annotated[str, typer.Argument(help=tr("Review facts of a running dossier (YAML or JSON), or -."))],
    rules: RulesOpt = None,
    on: OnOpt = None,
    format: Annotated[Format, typer.Option("--format", help=tr("Output format."))] = Format.text,
    lang: LangOpt = DEFAULT_LANG,
    full: Annotated[bool, typer.Option("--full", help=tr("Every reason with its values and source."))] = False,
) -> None:
    """Review a running dossier: continue, start phase-out, step down or stop (with the reason)."""
    try:
        ruleset, decision = _review(dossier, rules, on, lang)
    except AidrulesError as exc:
        fail(exc)
    if format is Format.json:
        typer.echo(decision.to_json(), nl=False)
    else:
        typer.echo(render_review(decision, ruleset, format.value, full=full), nl=False)


@journal_app.command("new-key")
def new_key(
    out: Annotated[Path, typer.Option("--out", help=tr("The key file to create (readable by its owner only)."))],
) -> None:
    """Create a secret journal key. Keep it apart from the journal, like a password."""
    if out.exists():
        fail(JournalError("JR007", say("{path} exists; a key is never overwritten", path=out), "--out"))
    try:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(DossierKeyer.new_secret() + b"\n")
    except OSError as exc:
        fail(JournalError("JR007", say("cannot write {path}: {reason}", path=out, reason=exc.strerror), "--out"))
    typer.echo(f"{out}")


@journal_app.command("record-decision")
def record_decision(
    case: Annotated[str, typer.Argument(help=tr("Case file (YAML or JSON), or -."))],
    journal: JournalOpt,
    dossier: DossierOpt,
    prepared_by: PreparedOpt,
    approved_by: ApprovedOpt = None,
    rules: RulesOpt = None,
    on: OnOpt = None,
    key_file: KeyFileOpt = None,
) -> None:
    """Decide a case and record the decision (final with an approver, else a draft)."""
    try:
        facts = parse_facts(read_case_text(read_input(case, "case"), "<stdin>" if case == "-" else case))
        day = parse_on(on) or facts.on or date.today()
        ruleset = load(rules, day)
        decision = ruleset.evaluate(facts, day)
        with journal_mod.Journal.open(journal, keyer=_keyer(key_file)) as j:
            entry = j.record_decision(
                decision, ruleset, dossier=dossier, prepared_by=prepared_by, approved_by=approved_by
            )
    except AidrulesError as exc:
        fail(exc)
    typer.echo(f"{entry.id}\t{entry.status}\t{entry.kind}\t{entry.decided_on}\t{entry.outcome}\t{entry.dossier_key}")


@journal_app.command("record-review")
def record_review(
    facts: Annotated[str, typer.Argument(help=tr("Review facts (YAML or JSON), or -."))],
    journal: JournalOpt,
    dossier: DossierOpt,
    prepared_by: PreparedOpt,
    approved_by: ApprovedOpt = None,
    rules: RulesOpt = None,
    on: OnOpt = None,
    key_file: KeyFileOpt = None,
) -> None:
    """Review a running dossier and record the review (final with an approver, else a draft)."""
    try:
        ruleset, decision = _review(facts, rules, on, Lang.nl)
        with journal_mod.Journal.open(journal, keyer=_keyer(key_file)) as j:
            entry = j.record_review(
                decision, ruleset, dossier=dossier, prepared_by=prepared_by, approved_by=approved_by
            )
    except AidrulesError as exc:
        fail(exc)
    outcome = entry.outcome + (f" ({entry.stop_reason})" if entry.stop_reason else "")
    typer.echo(f"{entry.id}\t{entry.status}\t{entry.kind}\t{entry.decided_on}\t{outcome}\t{entry.dossier_key}")


@journal_app.command("approve")
def approve(
    entry_id: Annotated[int, typer.Argument(help=tr("The id of the draft to approve."))],
    journal: JournalOpt,
    approved_by: Annotated[str, typer.Option("--approved-by", help=tr("Staff id of the approver."))],
    key_file: KeyFileOpt = None,
) -> None:
    """Approve a draft: a new final entry by someone other than its preparer."""
    try:
        with journal_mod.Journal.open(journal, keyer=_keyer(key_file)) as j:
            entry = j.approve(entry_id, approved_by=approved_by)
    except AidrulesError as exc:
        fail(exc)
    typer.echo(f"{entry.id}\t{entry.status}\t{entry.kind}\t{entry.decided_on}\t{entry.outcome}\t{entry.dossier_key}")


@journal_app.command("list")
def list_entries(
    journal: JournalOpt,
    year: Annotated[int | None, typer.Option("--year", help=tr("Only entries decided in this year."))] = None,
    dossier: Annotated[str | None, typer.Option("--dossier", help=tr("Only this dossier (needs the key)."))] = None,
    key_file: KeyFileOpt = None,
    format: Annotated[Format, typer.Option("--format", help=tr("text or json."))] = Format.text,
) -> None:
    """List journal entries (pseudonymous keys, outcomes, rule-set versions)."""
    try:
        keyer = _keyer(key_file) if dossier is not None else None
        with journal_mod.Journal.open(journal, keyer=keyer, read_only=keyer is None) as j:
            since = date(year, 1, 1) if year else None
            until = date(year, 12, 31) if year else None
            key = keyer.key(dossier) if keyer is not None and dossier is not None else None
            entries = list(j.entries(since=since, until=until, dossier_key=key))
    except AidrulesError as exc:
        fail(exc)
    if format is Format.json:
        rows = [
            {
                "id": e.id,
                "kind": e.kind,
                "status": e.status,
                "decided_on": e.decided_on.isoformat(),
                "outcome": e.outcome,
                "form": e.form,
                "stop_reason": e.stop_reason,
                "overdue": e.overdue,
                "review_due_on": e.review_due_on.isoformat() if e.review_due_on else None,
                "dossier_key": e.dossier_key,
                "ruleset": f"{e.ruleset_id}@{e.ruleset_version}",
                "prepared_by": e.prepared_by,
                "approved_by": e.approved_by,
            }
            for e in entries
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for e in entries:
        outcome = e.outcome + (f" ({e.stop_reason})" if e.stop_reason else "")
        typer.echo(
            f"{e.id}\t{e.decided_on}\t{e.kind}\t{e.status}\t{outcome}\t{e.ruleset_id}@{e.ruleset_version}\t"
            f"{e.dossier_key[:15]}…\t{e.prepared_by}/{e.approved_by or '-'}"
        )


@journal_app.command("verify")
def verify(journal: JournalOpt) -> None:
    """Check the database and the hash chain: is every entry as it was written?"""
    try:
        with journal_mod.Journal.open(journal, read_only=True) as j:
            problems = j.verify()
            entries = [] if problems else list(j.entries())  # a damaged entry cannot be read as one
    except AidrulesError as exc:
        fail(exc)
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        raise typer.Exit(2)

    typer.echo(
        say(
            "{journal}: {count} entries, database and hash chain intact",
            journal=redact_url(journal),
            count=len(entries),
        )
    )
    if entries:
        # the chain cannot show that entries were cut off at its end: keep this line elsewhere
        typer.echo(say("last entry {id}: {hash}", id=entries[-1].id, hash=entries[-1].entry_hash))


@app.command()
def report(
    journal: JournalOpt,
    year: Annotated[int, typer.Option("--year", help=tr("The calendar year to report on."))],
    format: Annotated[
        ReportFormat, typer.Option("--format", help=tr("markdown, html or csv."))
    ] = ReportFormat.markdown,
    out: Annotated[
        Path | None, typer.Option("--out", help=tr("Directory for the report files (default: standard output)."))
    ] = None,
    lang: LangOpt = DEFAULT_LANG,
) -> None:
    """The yearly report to the council: files started, refused and stopped, and the reasons."""
    try:
        files = report_build.make_report(journal, year, format.value, lang.value)
    except AidrulesError as exc:
        fail(exc)
    if out is None:
        typer.echo(files[0].content, nl=False)
        return
    try:
        out.mkdir(parents=True, exist_ok=True)
        for f in files:
            (out / f.name).write_text(f.content, encoding="utf-8")
    except OSError as exc:
        message = say("cannot write the report to {path}: {reason}", lang.value, path=out, reason=exc.strerror)
        fail(report_build.ReportError(message, [Diagnostic("RP002", message, path="--out")]))
    for f in files:
        typer.echo(str(out / f.name))
