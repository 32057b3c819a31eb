"""Every command of the command line speaks nl, fr and en: the help of every command, group and
parameter (walked through click's command tree, so a command added later without translations
fails here), and the messages the command modules print themselves."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aidrules.cli.help_texts import help_paragraphs, say, tr, translations
from aidrules.cli.main import app
from aidrules.ruleset.shipped import resolve

# Prints {"command path": help, "command path param": help} for the whole tree, in the help
# language of its own command line (the help is translated when the CLI is imported).
_DUMP = """
import json, typer.main
from aidrules.cli.main import app

def walk(cmd, path, out):
    out[path] = ["command", cmd.help or ""]
    for p in cmd.params:
        if p.name != "help":  # click's own --help is not ours to translate
            out[path + " :" + p.name] = ["param", getattr(p, "help", None) or ""]
    if hasattr(cmd, "list_commands"):  # a group (the top one loads its commands' modules when asked)
        ctx = typer.main._click.Context(cmd)
        for name in cmd.list_commands(ctx):
            walk(cmd.get_command(ctx, name), (path + " " + name).strip(), out)

out = {}
walk(typer.main.get_command(app), "", out)
print(json.dumps(out, ensure_ascii=False))
"""

_ENV = {"LC_ALL": "", "LC_MESSAGES": "", "COLUMNS": "400"}


def _tree(lang: str) -> dict[str, tuple[str, str]]:
    """Every command (kind ``command``) and parameter (``param``) with its help in ``lang``."""
    env = {**os.environ, **_ENV, "LANG": "C.UTF-8"}
    done = subprocess.run(
        [sys.executable, "-c", _DUMP, "--lang", lang], capture_output=True, text=True, env=env, check=True
    )
    return {path: (kind, text) for path, (kind, text) in json.loads(done.stdout).items()}


def _templates() -> list[tuple[re.Pattern[str], str]]:
    """Help texts with a field (``One of: {roles}.``) as patterns matching the filled-in text."""
    found = []
    for english in translations():
        if "{" in english:
            pattern = re.escape(english)
            pattern = re.sub(r"\\\{\w+\\\}", "(.+)", pattern)
            found.append((re.compile(pattern), english))
    return found


def _expected(english: str, lang: str, is_command: bool) -> str | None:
    """What the help in ``lang`` must say for an English help text (None: no translation)."""
    if is_command:
        return help_paragraphs(english, lang)
    if english in translations():
        return tr(english, lang)
    for pattern, template in _templates():
        match = pattern.fullmatch(english)
        if match:
            return tr(template, lang).replace("{" + template.split("{")[1].split("}")[0] + "}", match[1])
    return None


def test_every_command_group_and_parameter_has_dutch_and_french_help() -> None:
    """Walks the whole Typer app (every command, every group such as ``journal`` and ``token``,
    every option and argument) and checks that the help shown with --lang nl and --lang fr is the
    translation of the English one. Catches a command or option added with an English-only help
    (it would stay English, as batch, journal … and token … did)."""
    english, dutch, french = _tree("en"), _tree("nl"), _tree("fr")
    assert set(english) == set(dutch) == set(french)
    missing = []
    for path, (kind, text) in english.items():
        assert text, f"`{path}` has no help at all"
        nl, fr = _expected(text, "nl", kind == "command"), _expected(text, "fr", kind == "command")
        if nl is None or fr is None:
            missing.append(f"{path or 'aidrules'}: {text}")
            continue
        assert dutch[path][1] == nl, path
        assert french[path][1] == fr, path
        assert nl != text or text in ("markdown or html.", "markdown or json."), f"{path}: Dutch equals English"
    assert not missing, "help without Dutch and French:\n" + "\n".join(missing)
    # the tree really covers the command modules and the groups
    for path in ("batch", "impact", "questions", "journal", "journal verify", "token create", "list", "test"):
        assert english[path][0] == "command", path
    assert english["token create :role"][0] == "param"
    assert len(english) > 120


def _help(args: list[str], lang_env: str) -> str:
    env = {**os.environ, **_ENV, "LANG": lang_env}
    done = subprocess.run(
        [sys.executable, "-c", "from aidrules.cli.main import main; main()", *args, "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return _flat(done.stdout)


def _flat(text: str) -> str:
    """Runs of spaces and line ends as one space (no-break spaces kept: they are French spacing)."""
    return re.sub(r"[ \t\n]+", " ", text)


# (command, how French is asked for, an option's English help) from each command module
SAMPLE = [
    (["evaluate"], ["--lang", "fr"], "Output format."),  # main
    (["batch"], ["--lang", "fr"], "Worker processes (default: one per core)."),  # batch
    (["impact"], [], "Seed of the synthetic population."),  # impact
    (["questions"], ["--lang", "fr"], "Output format."),  # intake
    (["journal", "verify"], [], None),  # lifecycle, a group's command
    (["review"], ["--lang", "fr"], "Every reason with its values and source."),  # lifecycle
    (["sign"], [], "Ed25519 private key (PEM)."),  # registry
    (["token", "create"], [], "The staff id the token stands for (e.g. mw-017)."),  # serve, a group's command
    (["serve"], [], "Address to listen on."),  # serve
    (["generate-cases"], [], "Directory for the proposed cases."),  # toolkit
]


@pytest.mark.parametrize(("command", "lang_args", "option"), SAMPLE, ids=[" ".join(s[0]) for s in SAMPLE])
def test_help_of_a_command_is_french_with_lang_fr_or_a_french_locale(
    command: list[str], lang_args: list[str], option: str | None
) -> None:
    """``aidrules CMD --help`` in French, asked for with ``--lang fr`` (commands that have it) or
    ``LANG=fr_BE.UTF-8``. Catches help translated in the table but not wired to the command."""
    english = _help([*command, "--lang", "en"] if lang_args else command, "en_GB.UTF-8")
    french = _help([*command, *lang_args], "C.UTF-8" if lang_args else "fr_BE.UTF-8")
    doc = _tree("en")[" ".join(command)][1]
    assert _flat(doc) in english
    assert _flat(str(help_paragraphs(doc, "fr"))) in french
    assert _flat(doc) not in french
    if option is not None:
        assert tr(option, "fr") in french and tr(option, "fr") != option


EN = {"LC_ALL": "en_GB.UTF-8"}
FR = {"LC_ALL": "fr_BE.UTF-8"}
NL = {"LC_ALL": "nl_BE.UTF-8"}


def test_batch_cannot_open_follows_lang(tmp_path: Path) -> None:
    """The batch's own "cannot open" error in French with --lang fr, code BA002 kept. Catches an
    f-string message that stays English whatever --lang says."""
    out = tmp_path / "out.jsonl"
    args = ["batch", str(tmp_path / "nope.jsonl"), "--out", str(out), "--workers", "1"]
    french = CliRunner().invoke(app, [*args, "--lang", "fr"], env=EN)
    assert french.exit_code == 2
    assert "BA002" in french.stderr and "impossible d’ouvrir" in french.stderr and "cannot open" not in french.stderr
    assert "\u00a0:" in french.stderr  # French spacing before the colon
    dutch = CliRunner().invoke(app, [*args, "--lang", "nl"], env=EN)
    assert "BA002" in dutch.stderr and "kan " in dutch.stderr and "niet openen" in dutch.stderr


def test_journal_new_key_refusal_follows_the_locale(tmp_path: Path) -> None:
    """``journal new-key`` has no --lang: its own refusal follows the locale (code JR007 kept).
    Catches messages of commands without --lang that ignore the environment."""
    existing = tmp_path / "journal.key"
    existing.write_text("x\n", encoding="utf-8")
    french = CliRunner().invoke(app, ["journal", "new-key", "--out", str(existing)], env=FR)
    assert french.exit_code == 2 and "JR007" in french.stderr and "n’est jamais écrasée" in french.stderr
    dutch = CliRunner().invoke(app, ["journal", "new-key", "--out", str(existing)], env=NL)
    assert "JR007" in dutch.stderr and "wordt nooit overschreven" in dutch.stderr
    english = CliRunner().invoke(app, ["journal", "new-key", "--out", str(existing)], env=EN)
    assert "JR007" in english.stderr and "a key is never overwritten" in english.stderr
    assert existing.read_text(encoding="utf-8") == "x\n"


def test_toolkit_and_registry_errors_follow_the_locale(tmp_path: Path) -> None:
    """``aidrules test`` on a missing path (FX000) and ``rerun`` of a file that is no decision
    (CF005) in Dutch and French. Catches command modules whose usage errors stay English."""
    missing = CliRunner().invoke(app, ["test", str(tmp_path / "nope")], env=NL)
    assert missing.exit_code == 2 and "FX000" in missing.stderr and "bestaat niet" in missing.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}', encoding="utf-8")
    case = tmp_path / "case.yaml"
    case.write_text("on: 2025-03-01\n", encoding="utf-8")
    rerun = CliRunner().invoke(app, ["rerun", str(bad), str(case)], env=FR)
    assert rerun.exit_code == 2 and "CF005" in rerun.stderr and "pas une décision aidrules conservée" in rerun.stderr


def test_impact_and_serve_usage_errors_follow_lang_or_locale(tmp_path: Path) -> None:
    """``impact --cases`` of a missing file (CF000) follows --lang; ``serve --log-format xml``
    (SV008, no --lang) follows the locale; neither starts any work."""
    version = "noord-limburg-budgethulp@2025.1"
    missing = str(tmp_path / "none.jsonl")
    impact = CliRunner().invoke(app, ["impact", version, version, "--cases", missing, "--lang", "fr"], env=EN)
    assert impact.exit_code == 2
    assert "CF000" in impact.stderr and "fichier de dossiers introuvable\u00a0:" in impact.stderr
    serve = CliRunner().invoke(app, ["serve", "--log-format", "xml"], env=NL)
    assert serve.exit_code == 2 and "SV008" in serve.stderr and "gebruik text of json" in serve.stderr


def test_validate_summary_follows_lang() -> None:
    """The summary line of ``validate`` ("N rule file(s) valid") in the language asked for."""
    rules = str(resolve("noord-limburg-budgethulp@2025.1"))
    french = CliRunner().invoke(app, ["validate", rules, "--no-static", "--lang", "fr"])
    dutch = CliRunner().invoke(app, ["validate", rules, "--no-static", "--lang", "nl"])
    assert french.exit_code == dutch.exit_code == 0, french.output
    assert "1 fichier(s) de règles valide(s)" in french.stdout and "rule file" not in french.stdout
    assert "1 regelbestand(en) geldig" in dutch.stdout


def test_every_message_has_dutch_and_french_with_the_same_fields() -> None:
    """Each message template of the command line has both translations, using only fields of the
    English one (an unknown field would raise KeyError when the message is printed)."""
    field = re.compile(r"\{(\w+)\}")
    for english, (nl, fr) in translations().items():
        assert nl and fr, english
        assert set(field.findall(nl)) <= set(field.findall(english)), english
        assert set(field.findall(fr)) <= set(field.findall(english)), english
        assert "path" not in field.findall(english) or "{path}" in nl + fr, english
        assert nl != english, english
    assert say("line {line}: {message}", "fr", line=3, message="x") == "ligne 3\u00a0: x"
    assert say("line {line}: {message}", "en", line=3, message="x") == "line 3: x"
