"""One word per concept in the texts people read (issue 18: the words had drifted apart)."""

from __future__ import annotations

import re

import pytest

from aidrules.text import lookup

#: Domains a worker, client or committee reads (diagnostics and command-line help speak to policy
#: makers about the rule file, whose `recommendation` section and `eligible` status keep their names).
READER_DOMAINS = ("interface", "explain", "intake", "lifecycle", "report", "questions", "facts")
#: Trace-event kinds are named as in the JSON (`"kind": "recommendation"`).
TRACE_KINDS = re.compile(r"^trace\.")


@pytest.mark.parametrize("domain", READER_DOMAINS)
def test_english_calls_a_form_that_can_be_started_possible_not_eligible(domain: str) -> None:
    """Dutch "mogelijk", French "possible": English said "eligible" in the status word and
    "possible" in every sentence."""
    for key, english in lookup(domain, "en").items():
        assert not re.search(r"\beligib", english, re.IGNORECASE), (domain, key, english)


@pytest.mark.parametrize("domain", READER_DOMAINS)
def test_english_calls_the_outcome_a_proposal_like_dutch_voorstel_and_french_proposition(domain: str) -> None:
    """The headings said "Proposal" and the sentences "recommendation" (no committee has decided yet)."""
    for key, english in lookup(domain, "en").items():
        if not TRACE_KINDS.match(key):
            assert not re.search(r"\brecommend", english, re.IGNORECASE), (domain, key, english)


@pytest.mark.parametrize("domain", READER_DOMAINS)
def test_french_says_ensemble_de_regles_where_english_says_per_rule_set(domain: str) -> None:
    """ "per regelset" / "per rule set" was "par version" in a chart title of the yearly report."""
    english, french = lookup(domain, "en"), lookup(domain, "fr")
    for key, text in english.items():
        if re.search(r"per rule set\b(?!-)", text) and "version" not in text:
            assert "par ensemble de règles" in french[key], (domain, key, french[key])
