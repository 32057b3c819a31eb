"""The Python API and `aidrules explain`: audiences, formats, languages, templates, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import aidrules
from aidrules.cli.main import app
from aidrules.errors import AidrulesError, EvaluationError, FactsError
from aidrules.explain import explain, explanation

from .cases import ROOT, explained, fixture, rules

EXAMPLE = ROOT / "fixtures" / "examples" / "debt-spiral-management.yaml"
runner = CliRunner()


def test_worker_view_shows_rule_ids_values_sources_version_fingerprint_and_trace() -> None:
    expl = explained("017-motivation-1-below-minimum")
    fx = fixture("017-motivation-1-below-minimum")
    out = explain(rules(fx), fx.case, fmt="markdown")
    assert "`motivation.minimum`" in out  # rule id
    assert "Motivatie (0–4) = 1" in out  # the client's value, named in words…
    assert "client.motivation" not in out  # …the path stays in the JSON
    assert "Minimale motivatie (score 0-4) (`minimum_motivation`) = 2" in out  # the threshold…
    assert "Visienota Noord-Limburg, uitgangspunt 4" in out  # …and its source
    assert expl.ruleset.fingerprint in out and "versie 2025.1" in out
    assert "Verloop van de beoordeling" in out and "parameter `leefloon`" in out  # the trace, with parameter reads


def test_comparative_rationale_names_the_form_preferred_and_why() -> None:
    # example case: the client wants to hand over control and a bailiff is collecting a debt, so
    # guidance (tried first) fails; CSR fails because the debts are repayable; management holds.
    out = explain(aidrules.load(), _example(), audience="worker", fmt="markdown")
    assert "Budgetbeheer eerder dan budgetbegeleiding, omdat budgetbegeleiding niet mogelijk is:" in out
    assert "Budgetbegeleiding wordt wel mogelijk als de cliënt het beheer zelf wil houden en de invordering" in out


def test_structured_explanation_json_round_trips() -> None:
    out = explain(aidrules.load(), _example(), fmt="json")
    data = json.loads(out)
    assert data["recommendation"] == "budget_management"
    assert {f["id"] for f in data["forms"]} == {"budget_guidance", "budget_management", "collective_debt_settlement"}
    assert data["counterfactuals"] and data["evaluations"] > 0


def test_committee_json_has_no_trace() -> None:
    data = json.loads(explain(aidrules.load(), _example(), audience="committee", fmt="json"))
    assert data["trace"] == []


def test_client_json_has_the_letter_and_its_data() -> None:
    data = json.loads(explain(aidrules.load(), _example(), audience="client", fmt="json", lang="fr"))
    assert data["audience"] == "client" and data["lang"] == "fr"
    assert data["letter"].startswith("# Votre demande d’aide")
    assert data["context"]["proposal"]["id"] == "budget_management"


def test_unknown_audience_format_or_language_is_a_clear_error() -> None:
    """All three problems at once; the language with the code every entry point gives it."""
    with pytest.raises(EvaluationError) as err:
        explain(aidrules.load(), _example(), audience="press", fmt="pdf", lang="de")
    codes = [(d.code, d.path) for d in err.value.diagnostics]
    assert sorted(codes) == [("EV006", "lang"), ("EX001", "explain"), ("EX001", "explain")]


def test_invalid_case_raises_facts_error() -> None:
    with pytest.raises(FactsError):
        explanation(aidrules.load(), {"on": "2025-03-01", "client": {"motivation": 9}})


def test_an_ocmw_template_replaces_the_letter_and_other_languages_fall_back(tmp_path: Path) -> None:
    (tmp_path / "client_letter.nl.md.j2").write_text(
        "# Brief van OCMW Testgem\n\nVoorstel: **{{ proposal.title_lower }}**.\n\n"
        "{% for r in reasons %}\n- {{ r }}\n{% endfor %}\n",
        encoding="utf-8",
    )
    rs = aidrules.load()
    nl = explain(rs, _example(), audience="client", templates=tmp_path)
    assert nl.startswith("Brief van OCMW Testgem") and "Voorstel: budgetbeheer." in nl
    fr = explain(rs, _example(), audience="client", lang="fr", templates=tmp_path)
    assert fr.startswith("Votre demande d’aide pour votre budget")


def test_a_broken_template_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "client_letter.nl.md.j2").write_text("# Brief\n\n{{ no_such_value }}\n", encoding="utf-8")
    with pytest.raises(AidrulesError) as err:
        explain(aidrules.load(), _example(), audience="client", templates=tmp_path)
    assert err.value.diagnostics[0].code == "EX003" and "no_such_value" in str(err.value)
    with pytest.raises(AidrulesError) as missing:
        explain(aidrules.load(), _example(), audience="client", templates=tmp_path / "nowhere")
    assert missing.value.diagnostics[0].code == "EX002"


@pytest.mark.parametrize("audience", ["worker", "committee", "client"])
@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_cli_explain_each_audience_and_format(audience: str, fmt: str) -> None:
    result = runner.invoke(app, ["explain", str(EXAMPLE), "--audience", audience, "--format", fmt, "--lang", "en"])
    assert result.exit_code == 0, result.output
    if fmt == "json":
        json.loads(result.stdout)
    if fmt == "html":
        assert result.stdout.startswith("<!DOCTYPE html>")


def test_cli_explain_takes_the_options_of_evaluate() -> None:
    result = runner.invoke(app, ["explain", str(EXAMPLE), "--on", "2025-06-01", "--rules", "noord-limburg-budgethulp"])
    assert result.exit_code == 0 and "1 juni 2025" in result.stdout


def test_cli_explain_reads_standard_input() -> None:
    result = runner.invoke(app, ["explain", "-", "--audience", "client"], input=EXAMPLE.read_text(encoding="utf-8"))
    assert result.exit_code == 0 and "budgetbeheer" in result.stdout


def test_cli_explain_bad_input_exits_2_without_traceback(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("client: {motivation: 7}\n", encoding="utf-8")
    result = runner.invoke(app, ["explain", str(case), "--audience", "committee"])
    assert result.exit_code == 2 and "client.motivation" in result.stderr and "Traceback" not in result.output
    result = runner.invoke(app, ["explain", str(EXAMPLE), "--audience", "client", "--templates", str(tmp_path / "x")])
    assert result.exit_code == 2 and "EX002" in result.stderr


def _example() -> dict[str, object]:
    from aidrules.facts.parse import read_case_text

    return read_case_text(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))
