"""The titles an entry refers to, in nl/fr/en, stored with it so the report needs no rule file."""

from __future__ import annotations

import json

from aidrules.engine.decision import Decision
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.ruleset.schema import Texts


def _texts(texts: Texts) -> dict[str, str]:
    return {"nl": texts.nl, "fr": texts.fr, "en": texts.en}


def _dump(labels: dict[str, dict[str, str]]) -> str:
    return json.dumps(labels, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def decision_labels(decision: Decision, rules: CompiledRuleSet) -> str:
    """Forms, principles and the conditions the decision's reasons name."""
    labels = {f"forms.{f.id}": _texts(f.title) for f in rules.forms}
    labels.update({f"principles.{p.id}": _texts(p.title) for p in rules.principles})
    rule_ids = {r.rule for r in decision.reasons}
    for result in decision.forms.values():
        rule_ids.update(r.rule for r in result.reasons)
    for rule_id in sorted(rule_ids):
        named = rules.named(rule_id)
        if named is not None and named.kind == "condition":
            labels[f"conditions.{rule_id}"] = _texts(named.title)
    return _dump(labels)


def review_labels(rules: CompiledRuleSet) -> str:
    """Forms and the policy's stop reasons."""
    labels = {f"forms.{f.id}": _texts(f.title) for f in rules.forms}
    if rules.reviews is not None:
        labels.update({f"stop_reasons.{s.id}": _texts(s.title) for s in rules.reviews.stop_reasons})
    return _dump(labels)
