"""The committee's report holds no creditor names, no municipality and no other free text."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

import aidrules
from aidrules.explain import explain, explanation, render_explanation
from aidrules.facts.paths import free_text_patterns

from .cases import FIXTURES, explained, fixture, rules

PLANTED_MUNICIPALITY = "Zwartbroek-Qx9"
PLANTED_CREDITORS = ["Qorvex Incasso NV", "Brambilla & Zonen", "Huisbaas Ylvander", "<b>Xenokrediet</b>"]
FORMATS = ("text", "markdown", "html", "json")


def _planted(case: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(case)
    out.setdefault("household", {})["municipality"] = PLANTED_MUNICIPALITY
    for i, debt in enumerate(out.get("debts") or []):
        debt["creditor"] = PLANTED_CREDITORS[i % len(PLANTED_CREDITORS)]
    return out


def _assert_absent(out: str, where: str) -> None:
    low = out.lower()
    for planted in [PLANTED_MUNICIPALITY, *PLANTED_CREDITORS, "Xenokrediet", "Qorvex", "Ylvander"]:
        assert planted.lower() not in low, f"{where}: {planted}"


def test_the_case_schema_has_exactly_these_free_text_facts() -> None:
    # if a free-text fact is added to the case model, plant a string in it here too
    assert free_text_patterns() == {"household.municipality", "debts[].creditor"}


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem[:3] for p in FIXTURES])
def test_committee_report_never_shows_planted_names(path: Path) -> None:
    fx = fixture(path.stem)
    rs = rules(fx)
    case = _planted(fx.case)
    for lang in ("nl", "fr", "en"):
        expl = explanation(rs, case, lang=lang)
        for fmt in FORMATS:
            _assert_absent(render_explanation(expl, "committee", fmt), f"{path.stem} {lang} {fmt}")


def test_debts_are_shown_by_kind_in_the_committee_report() -> None:
    out = render_explanation(explained("042-family-couple-three-children-bailiff"), "committee", "text")
    kinds = {d["kind"] for d in fixture("042-family-couple-three-children-bailiff").case["debts"]}
    words = {"consumer_credit": "consumentenkrediet", "energy": "energie", "rent": "huur", "tax": "belastingen"}
    for kind in kinds & set(words):
        assert words[kind] in out


def test_a_rule_message_that_shows_free_text_is_replaced_for_the_committee(tmp_path: Path) -> None:
    # a local layer whose action message shows the municipality: the worker sees it, the committee not
    layer = tmp_path / "local.yaml"
    layer.write_text(
        """aidrules: 1
extends: noord-limburg-budgethulp@2025.1
ruleset:
  id: ocmw-vrije-tekst
  version: "2025.1"
  title: {nl: Lokaal loket, fr: Guichet local, en: Local office}
  effective:
    from: 2025-02-01
actions:
  local_office:
    title: {nl: Lokaal loket, fr: Guichet local, en: Local office}
    when: client.consents
    source: Test
    explain:
      nl: Verwijs naar het loket in {household.municipality}.
      fr: Orienter vers le guichet de {household.municipality}.
      en: Refer to the office in {household.municipality}.
""",
        encoding="utf-8",
    )
    rs = aidrules.load(str(layer))
    case = _planted(fixture("001-single-wage-guidance-baseline").case)
    assert PLANTED_MUNICIPALITY in explain(rs, case, audience="worker")
    for lang in ("nl", "fr", "en"):
        for fmt in FORMATS:
            _assert_absent(explain(rs, case, audience="committee", lang=lang, fmt=fmt), f"layer {lang} {fmt}")
