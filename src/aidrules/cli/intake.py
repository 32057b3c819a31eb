"""``aidrules questions`` and ``aidrules interview``: the next question, and asking it (contract §4).

``questions`` prints the facts whose answer can still change the outcome, most decisive first
(:mod:`aidrules.explain.questions`); ``interview`` asks them one by one on the terminal, shows the
proposal after every answer and writes the completed case file
(:mod:`aidrules.explain.interview`).
"""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aidrules._extras import lazy_module
from aidrules.cli.common import DEFAULT_LANG, LangOpt, OnOpt, RulesOpt, fail, parse_on, read_input
from aidrules.cli.help_texts import say, tr
from aidrules.errors import AidrulesError, Diagnostic, FactsError
from aidrules.facts.parse import parse_case_text, parse_facts, read_case_text
from aidrules.facts.writing import case_yaml
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.ruleset.shipped import load
from aidrules.text.interface import ui

if TYPE_CHECKING:
    import aidrules.explain.interview as interview_mod
    import aidrules.explain.questions as questions_mod
    import aidrules.intake.server as intake_server
else:  # loaded when a command needs them (see aidrules._extras)
    intake_server = lazy_module("aidrules.intake.server")
    interview_mod = lazy_module("aidrules.explain.interview")
    questions_mod = lazy_module("aidrules.explain.questions")

app = typer.Typer()  # these commands; cli/main.py puts them on the command line

CaseArg = Annotated[str, typer.Argument(help=tr("Case file (YAML or JSON), or - for standard input."))]


class QuestionsFormat(StrEnum):
    text = "text"
    json = "json"


@app.command()
def questions(
    case: CaseArg,
    rules: RulesOpt = None,
    on: OnOpt = None,
    format: Annotated[QuestionsFormat, typer.Option("--format", help=tr("Output format."))] = QuestionsFormat.text,
    lang: LangOpt = DEFAULT_LANG,
) -> None:
    """The questions whose answer can still change the proposal, most decisive first."""
    try:
        day = parse_on(on, lang.value)
        facts = parse_case_text(read_input(case, lang=lang.value), "<stdin>" if case == "-" else case, lang=lang.value)
        day = day or facts.on or date.today()
        rs = load(rules, day)
        decision = rs.evaluate(facts, day, lang=lang.value)
        found = questions_mod.questions_for(decision, rs, facts)
    except AidrulesError as exc:
        fail(exc)
    if format is QuestionsFormat.json:
        typer.echo(questions_mod.questions_json(found), nl=False)
    else:
        typer.echo(questions_mod.questions_text(found, decision, rs), nl=False)


@app.command()
def interview(
    out: Annotated[Path, typer.Option("--out", help=tr("Where to write the completed case file (YAML)."))],
    case: Annotated[str | None, typer.Argument(help=tr("A case file to start from (default: an empty case)."))] = None,
    rules: RulesOpt = None,
    on: OnOpt = None,
    lang: LangOpt = DEFAULT_LANG,
) -> None:
    """Ask the next question until the proposal is settled, then write the completed case file.

    Answers are checked (``ja``/``nee``, a choice by number or name, ``1.180,50``, ``15/03/2024``,
    ``nooit``, ``geen``); an empty answer or ``?`` leaves the fact unknown.
    """
    try:
        day = parse_on(on, lang.value)
        data: dict[str, Any] = {}
        facts = parse_facts(data)
        if case is not None:
            text, name = read_input(case, lang=lang.value), "<stdin>" if case == "-" else case
            facts = parse_case_text(text, name, lang=lang.value)  # every error located, in --lang
            data = read_case_text(text, name)
        day = day or facts.on or date.today()
        rs = load(rules, day)
        data = {k: v for k, v in data.items() if k != "on"}
        result = interview_mod.run_interview(rs, data, day, lang.value, _ask, lambda line: typer.echo(line))
    except AidrulesError as exc:
        fail(exc)
    try:
        out.write_text(case_yaml({"on": day, **result}), encoding="utf-8")
    except OSError as exc:
        message = say("cannot write {path}: {reason}", lang.value, path=out, reason=exc.strerror)
        fail(FactsError(message, [Diagnostic("CF004", message, path=str(out))]))

    typer.echo(ui("interview_written", lang.value, path=str(out)))


def _ask(prompt: str) -> str | None:
    typer.echo(prompt, nl=False)
    line = sys.stdin.readline()
    if not line:
        typer.echo("")
        return None
    return line.rstrip("\n")


@app.command()
def intake(
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help=tr("Port on 127.0.0.1 (0: any free port)."))
    ] = 8080,
    rules: RulesOpt = None,
    on: OnOpt = None,
    lang: LangOpt = DEFAULT_LANG,
) -> None:
    """Serve the intake page on 127.0.0.1: a form, the proposal and the next question first."""
    loaded: dict[date, CompiledRuleSet] = {}

    def rules_for(day: date) -> CompiledRuleSet:
        if day not in loaded:
            loaded[day] = load(rules, day)
        return loaded[day]

    try:
        day = parse_on(on, lang.value)
        rules_for(day or date.today())  # a wrong --rules fails now, not on the first request
    except AidrulesError as exc:
        fail(exc)
    server = intake_server.make_server(rules_for, port, lang=lang.value, on=day)
    typer.echo(f"http://127.0.0.1:{server.server_address[1]}/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
