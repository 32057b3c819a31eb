"""The pydantic models build their validators when first used (``defer_build``), not at import:
``import aidrules`` builds none of the case, rule-file, review and decision models, and a model
used first in a fresh process validates, refuses, dumps, pickles and describes itself exactly as
one that was built before (here, in the test process, where other tests have used them)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pydantic
import pytest

from aidrules.engine.decision import Decision, Reason, RuleSetStamp
from aidrules.facts.model import Case, Remi
from aidrules.lifecycle.model import ReviewFacts
from aidrules.readers.yamlload import load_yaml
from aidrules.ruleset.schema import RuleSetFile

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "fixtures" / "examples" / "single-parent-guidance.yaml"
RULES = ROOT / "rules" / "voorbeelden" / "taalrondleiding.yaml"  # a rule file without layers

#: The modules whose models are deferred.
DEFERRED_MODULES = (
    "aidrules.facts.model",
    "aidrules.facts.catalogue",
    "aidrules.ruleset.schema",
    "aidrules.lifecycle.model",
    "aidrules.engine.decision",
)
#: Built at import on purpose: the decision's JSON writers keep ``Reason``'s serializer
#: (``engine/decision.py``: ``_REASON_JSON``). The question catalogue (``FactEntry``) is read when a
#: fact is first named (``words/labels.py``: ``fact_labels``).
BUILT_AT_IMPORT = {"aidrules.engine.decision.Reason"}

_BUILT = """
import json, sys, pydantic
import aidrules
from aidrules.facts import model
seen, built = [], []
def walk(cls):
    for sub in cls.__subclasses__():
        if sub.__module__ in sys.argv[1:]:
            name = f"{sub.__module__}.{sub.__qualname__}"
            seen.append(name)
            if sub.__pydantic_complete__:
                built.append(name)
        walk(sub)
walk(pydantic.BaseModel)
rules = [adapter for adapter in model._AMOUNT_RULES.values() if adapter.pydantic_complete]
print(json.dumps({"seen": seen, "built": built, "amount_rules_built": len(rules)}))
"""


def test_import_aidrules_builds_no_validator_of_the_case_rule_file_review_or_decision_models() -> None:
    done = subprocess.run([sys.executable, "-c", _BUILT, *DEFERRED_MODULES], capture_output=True, text=True, check=True)
    found = json.loads(done.stdout)
    assert {"aidrules.facts.model.Case", "aidrules.ruleset.schema.RuleSetFile"} <= set(found["seen"])
    assert {"aidrules.lifecycle.model.ReviewFacts", "aidrules.engine.decision.Decision"} <= set(found["seen"])
    assert set(found["built"]) <= BUILT_AT_IMPORT
    assert found["amount_rules_built"] == 0


def _data(path: Path) -> dict[str, Any]:
    """The file's data as the project reads it (exact Decimals)."""
    data = load_yaml(path.read_text(encoding="utf-8"), str(path))[0].data
    assert isinstance(data, dict)
    return data


def _case_data() -> dict[str, Any]:
    return _data(CASE)


def _broken_case() -> dict[str, Any]:
    data = _case_data()
    data["debts"] = [{"amount": "12.345", "creditor_type": "nobody"}, {"amount": -1}]
    data["household"] = {"adults": "two"}
    return data


def _errors(model: type[pydantic.BaseModel], data: object) -> list[dict[str, Any]]:
    try:
        model.model_validate(data)
    except pydantic.ValidationError as exc:
        return json.loads(exc.json(include_url=False))  # type: ignore[no-any-return]
    raise AssertionError("accepted")


# What each model does on first use, in a fresh process: the same script runs here, where the
# models have been used before, and the two results must be equal.
_FIRST_USE = """
import json, pickle, sys
from datetime import date
import pydantic
from aidrules.readers.yamlload import load_yaml
from aidrules.engine.decision import Decision, Reason, RuleSetStamp
from aidrules.facts.model import Case
from aidrules.lifecycle.model import ReviewFacts
from aidrules.ruleset.schema import RuleSetFile

def errors(model, data):
    try:
        model.model_validate(data)
    except pydantic.ValidationError as exc:
        return json.loads(exc.json(include_url=False))
    raise AssertionError("accepted")

case_path, rules_path = sys.argv[1:3]
data = load_yaml(open(case_path, encoding="utf-8").read(), case_path)[0].data
debts = [{"amount": "12.345", "creditor_type": "nobody"}, {"amount": -1}]
broken = dict(data, debts=debts, household={"adults": "two"})
out = {}
# before any validator is built: constructing and pickling need none
constructed = Case.model_construct(on=date(2025, 3, 1))
out["constructed"] = [type(constructed).__name__, pickle.loads(pickle.dumps(constructed)).on.isoformat()]
out["complete_before"] = [m.__pydantic_complete__ for m in (Case, RuleSetFile, ReviewFacts, Decision)]
out["case"] = Case.model_validate(data).model_dump(mode="json")
out["case_pickled"] = pickle.loads(pickle.dumps(Case.model_validate(data))).model_dump(mode="json")
out["case_errors"] = errors(Case, broken)
out["case_schema"] = Case.model_json_schema()
rules = load_yaml(open(rules_path, encoding="utf-8").read(), rules_path)[0].data
out["rules"] = RuleSetFile.model_validate(rules).model_dump(mode="json", by_alias=True)
out["review_errors"] = errors(ReviewFacts, {"progress": {"months_without_new_debts": -1}, "extra": 1})
out["review_schema"] = ReviewFacts.model_json_schema()
stamp = RuleSetStamp(id="x", version="1", fingerprint="f")
reason = Reason(rule="r", kind="condition", outcome=True, message="m")
decision = Decision(recommendation="none", forms={}, principles={}, actions=[], missing_facts=[], values={},
                    ruleset=stamp, on=date(2025, 3, 1), lang="nl", reasons=[reason])
out["decision"] = decision.model_dump_json()
out["decision_schema"] = Decision.model_json_schema()
out["complete_after"] = [m.__pydantic_complete__ for m in (Case, RuleSetFile, ReviewFacts, Decision)]
print(json.dumps(out, sort_keys=True))
"""


def test_a_model_first_used_in_a_fresh_process_behaves_as_one_built_before() -> None:
    """Catches a deferred model that differs on first use: a validator built with another
    namespace (annotations that no longer resolve), a construct or pickle that needs the validator,
    a JSON Schema or error list that changes when the model is built late."""
    args = [str(CASE), str(RULES)]
    fresh = subprocess.run([sys.executable, "-c", _FIRST_USE, *args], capture_output=True, text=True)
    assert fresh.returncode == 0, fresh.stderr
    first = json.loads(fresh.stdout)
    assert first["complete_before"] == [False, False, False, False]
    assert first["complete_after"] == [True, True, True, True]
    assert first["constructed"] == ["Case", "2025-03-01"]

    # here, with the models built (by now, or by the tests before)
    Case.model_validate(_case_data())
    assert Case.__pydantic_complete__
    case = Case.model_validate(_case_data())
    assert first["case"] == first["case_pickled"] == case.model_dump(mode="json")
    assert first["case_errors"] == _errors(Case, _broken_case())
    assert len(first["case_errors"]) >= 3
    assert first["case_schema"] == Case.model_json_schema()
    rules = RuleSetFile.model_validate(_data(RULES))
    assert first["rules"] == rules.model_dump(mode="json", by_alias=True)
    assert first["review_errors"] == _errors(ReviewFacts, {"progress": {"months_without_new_debts": -1}, "extra": 1})
    assert first["review_schema"] == ReviewFacts.model_json_schema()
    stamp = RuleSetStamp(id="x", version="1", fingerprint="f")
    reason = Reason(rule="r", kind="condition", outcome=True, message="m")
    decision = Decision(
        recommendation="none",
        forms={},
        principles={},
        actions=[],
        missing_facts=[],
        values={},
        ruleset=stamp,
        on=date(2025, 3, 1),
        lang="nl",
        reasons=[reason],
    )
    assert first["decision"] == decision.model_dump_json()
    assert first["decision_schema"] == Decision.model_json_schema()


@pytest.mark.parametrize("amount", ["12.345", "-1", "1e13", "NaN", "Infinity"])
def test_an_amount_refused_first_in_a_fresh_process_is_refused_as_here(amount: str) -> None:
    """The amount rules' validator is built when an amount first fails the quick check: the
    refusal (type, message, context) is the one pydantic's own rules give."""
    script = (
        "import json, sys, pydantic\n"
        "from aidrules.facts.model import Remi\n"
        "try:\n"
        "    Remi.model_validate({'reference_budget': sys.argv[1]})\n"
        "except pydantic.ValidationError as exc:\n"
        "    print(exc.json(include_url=False))\n"
    )
    fresh = subprocess.run([sys.executable, "-c", script, amount], capture_output=True, text=True, check=True)
    from_here = _errors(Remi, {"reference_budget": amount})
    assert json.loads(fresh.stdout) == from_here
