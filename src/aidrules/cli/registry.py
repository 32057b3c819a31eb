"""Commands for versioned, layered and signed rule sets: list, keygen, sign, verify, diff, rerun."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aidrules._extras import lazy_module
from aidrules.cli.common import LANG_OPTION, Format, Lang, ReleaseStateOpt, fail, parse_on, read_input
from aidrules.cli.help_texts import say, tr
from aidrules.diagnostic_text import render_text
from aidrules.engine.decision import Decision
from aidrules.errors import AidrulesError, Diagnostic, FactsError, Severity
from aidrules.facts.parse import read_case_text
from aidrules.limits import DEFAULT_LIMITS, read_document
from aidrules.registry.index import discover_all, period_diagnostics
from aidrules.registry.signing import keygen as make_keys
from aidrules.registry.signing import sign as sign_file
from aidrules.ruleset.shipped import load, resolve, shipped_rules_dir

if TYPE_CHECKING:
    import aidrules.impact as impact_study
    import aidrules.registry.diff as registry_diff
else:  # loaded when a command needs them (see aidrules._extras)
    impact_study = lazy_module("aidrules.impact")
    registry_diff = lazy_module("aidrules.registry.diff")

app = typer.Typer()  # these commands; cli/main.py puts them on the command line


@app.command("list")
def list_rulesets(
    rules_dir: Annotated[list[Path] | None, typer.Option("--rules-dir", help=tr("Also search this directory."))] = None,
    format: Annotated[Format, typer.Option("--format", help=tr("text or json."))] = Format.text,
) -> None:
    """List the rule sets available, their versions, effective periods and where each comes from.

    Search order: --rules-dir, the working directory's rules/, AIDRULES_PATH, installed packages;
    the same id@version from two sources with different content is an error (RS505)."""
    entries, problems = discover_all(rules_dir or [])
    problems = problems + period_diagnostics(entries)
    if format is Format.json:
        typer.echo(
            json.dumps(
                [
                    {
                        "id": e.id,
                        "version": e.version,
                        "from": e.effective_from.isoformat(),
                        "until": e.effective_until.isoformat() if e.effective_until else None,
                        "extends": e.extends,
                        "decides": e.decides,
                        "path": str(e.path),
                        "title": e.title,
                        "origin": e.origin,
                    }
                    for e in entries
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for e in entries:
            until = e.effective_until.isoformat() if e.effective_until else "…"
            base = "  " + say("(extends {base})", base=e.extends) if e.extends else ""
            kind = "" if e.decides else "  " + say("[base layer]")
            typer.echo(f"{e.label:45} {e.effective_from} – {until:10}  {e.title}{base}{kind}  [{e.origin}: {e.path}]")
    if problems:
        typer.echo(render_text(problems), err=True)
    if any(d.severity == Severity.ERROR for d in problems):
        raise typer.Exit(2)


@app.command()
def keygen(
    out: Annotated[Path, typer.Option("--out", help=tr("Directory for NAME.key (private) and NAME.pub."))] = Path("."),
    name: Annotated[str, typer.Option("--name", help=tr("File name of the key pair."))] = "aidrules",
) -> None:
    """Create an Ed25519 key pair for signing rule sets."""
    try:
        private, public = make_keys(out, name)
    except AidrulesError as exc:
        fail(exc)
    typer.echo(
        say(
            "private key: {private} (keep it secret)\npublic key:  {public} (share it with whoever loads the rules)",
            private=private,
            public=public,
        )
    )


@app.command()
def sign(
    rules: Annotated[list[Path], typer.Argument(help=tr("Rule files to sign (each layer is signed on its own)."))],
    key: Annotated[Path, typer.Option("--key", help=tr("Ed25519 private key (PEM)."))],
    release: Annotated[
        int,
        typer.Option(
            "--release",
            min=1,
            help=tr("Release number of the rule set, one higher with each release; sign every file still in use."),
        ),
    ] = 1,
    expires: Annotated[
        str | None, typer.Option("--expires", help=tr("Date YYYY-MM-DD after which the signatures are refused."))
    ] = None,
) -> None:
    """Sign rule files: writes FILE.sig beside each (file name, sha256, id@version, release, expiry)."""
    try:
        until = parse_on(expires, option="--expires")
        for path in rules:
            signature = sign_file(path, key, release=release, expires=until)
            typer.echo(
                say("signed {path} (release {release}) → {signature}", path=path, release=release, signature=signature)
            )
    except AidrulesError as exc:
        fail(exc)
    except OSError as exc:
        message = say("cannot read {path}: {reason}", path=exc.filename, reason=exc.strerror)
        fail(FactsError(message, [Diagnostic("RS000", message)]))


@app.command()
def verify(
    rules: Annotated[Path, typer.Argument(help=tr("A rule file; every layer it extends is verified too."))],
    public_key: Annotated[Path, typer.Option("--public-key", help=tr("Ed25519 public key (PEM)."))],
    release_state: ReleaseStateOpt = None,
) -> None:
    """Check the signatures of a rule set and of every layer it extends (exit 2 if any fails)."""
    try:
        rs = load(str(resolve(str(rules))), public_key=public_key, release_state=release_state)
    except AidrulesError as exc:
        fail(exc)
    typer.echo(
        say(
            "{ruleset}: every layer carries a valid signature ({layers})",
            ruleset=f"{rs.id}@{rs.version}",
            layers=", ".join(rs.layers),
        )
    )


@app.command()
def diff(
    old: Annotated[str, typer.Argument(help=tr("The old rule set: a path, ID@VERSION."))],
    new: Annotated[str, typer.Argument(help=tr("The new rule set: a path, ID@VERSION."))],
    format: Annotated[Format, typer.Option("--format", help=tr("markdown or json."))] = Format.markdown,
    cases: Annotated[
        Path | None, typer.Option("--cases", help=tr("Fixture directory (default fixtures/reference)."))
    ] = None,
    lang: Annotated[Lang, typer.Option("--lang", help=tr("Language of the Markdown report."), **LANG_OPTION)] = Lang.nl,
) -> None:
    """What changed between two versions, and which cases get another outcome.

    Fixture cases dated before the change takes effect are decided on its first day; the report
    ends with who gains and who loses (the impact study of `aidrules impact` on the fixtures)."""
    try:
        old_rs, new_rs = load(old), load(new)
        case_dir = cases or _default_cases()
        fixture_cases = registry_diff.load_cases(case_dir) if case_dir else []
        report = registry_diff.diff(old_rs, new_rs, fixture_cases)
        impact = impact_study.run_study(
            old_rs,
            new_rs,
            [(i, dict(case)) for i, (_, case, _) in enumerate(fixture_cases, start=1)],
            source=str(case_dir),
            workers=1,
        )
    except AidrulesError as exc:
        fail(exc)
    if format is Format.json:
        typer.echo(report.to_json(), nl=False)
    else:
        typer.echo(registry_diff.to_markdown(report, lang.value, old=old_rs, new=new_rs, impact=impact), nl=False)


def _default_cases() -> Path | None:

    candidate = shipped_rules_dir().parent / "fixtures" / "reference"
    if candidate.is_dir():
        return candidate
    here = Path("fixtures/reference")
    return here if here.is_dir() else None


@app.command()
def rerun(
    decision: Annotated[Path, typer.Argument(help=tr("A stored decision (its JSON)."))],
    case: Annotated[Path, typer.Argument(help=tr("The case it was made for."))],
    rules: Annotated[
        str | None, typer.Option("--rules", help=tr("The other rule set: path, ID or ID@VERSION."))
    ] = None,
) -> None:
    """Re-evaluate a stored decision's case under other rules and show what changed."""
    try:
        try:
            text = read_document(decision, DEFAULT_LIMITS)
            if len(text) > DEFAULT_LIMITS.max_document_chars:
                raise ValueError(say("longer than {limit} characters", limit=DEFAULT_LIMITS.max_document_chars))
            stored = Decision.model_validate_json(text)
        except (OSError, ValueError) as exc:
            reason = str(exc).splitlines()[0]
            message = say("{path}: not a stored aidrules decision ({reason})", path=decision, reason=reason)
            raise FactsError(message, [Diagnostic("CF005", message, path=str(decision))]) from None
        facts = read_case_text(read_input(str(case)), str(case))
        other = load(rules, stored.on if isinstance(stored.on, date) else None)
        after, changes = registry_diff.rerun(stored, facts, other)
    except AidrulesError as exc:
        fail(exc)
    except OSError as exc:
        message = say("cannot read {path}: {reason}", path=exc.filename, reason=exc.strerror)
        fail(FactsError(message, [Diagnostic("CF004", message)]))
    before = f"{stored.ruleset.id}@{stored.ruleset.version}"
    after_label = f"{after.ruleset.id}@{after.ruleset.version}"
    typer.echo(say("{before} → {after} on {day}", before=before, after=after_label, day=stored.on))
    if not changes:
        typer.echo(say("no change: the same decision"))
    for line in changes:
        typer.echo(f"- {line}")
