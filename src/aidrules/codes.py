"""The catalogue of diagnostic codes: every code aidrules reports, typed.

A :class:`~aidrules.errors.Diagnostic` names its problem by a stable code such as ``"RS202"``.
:data:`Code` is the type of those codes: a ``Literal`` of every code in :data:`CODES`, so
``mypy --strict`` rejects a code that is not in the catalogue wherever a diagnostic is made
(call sites keep writing ``Diagnostic("RS202", ...)``), and :class:`~aidrules.errors.Diagnostic`
refuses one at run time too.

For each code the catalogue gives its severity, its area (the two letters), a short English
summary (the text translators see; the reader's language words it) and the section of
``docs/diagnostics.md`` that documents it. ``tests/test_codes.py`` checks that :data:`Code` and
:data:`CODES` agree, that every code is used in ``src`` and every code used is here, and that the
diagnostics page lists exactly these codes with their severities and summaries (its index table
is generated from this module; ``AIDRULES_UPDATE_GOLDEN=1 pytest tests/test_codes.py`` rewrites it).

A new code: add it to :data:`Code` and :data:`CODES`, document it in ``docs/diagnostics.md``
and regenerate the page's index (above); the tests say what is missing.

This module is at the bottom of the layers: it imports nothing of aidrules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal, get_args

#: Every diagnostic code. Keep it in step with :data:`CODES` (a test checks).
Code = Literal[
    "BA001",
    "BA002",
    "CF000",
    "CF001",
    "CF002",
    "CF003",
    "CF004",
    "CF005",
    "CF006",
    "CL002",
    "CL003",
    "DU001",
    "DU002",
    "DU003",
    "DU004",
    "DU005",
    "DU006",
    "EN001",
    "EN002",
    "EV001",
    "EV002",
    "EV003",
    "EV004",
    "EV005",
    "EV006",
    "EV007",
    "EV010",
    "EV011",
    "EX001",
    "EX002",
    "EX003",
    "EX004",
    "FX000",
    "FX001",
    "FX002",
    "FX003",
    "FX004",
    "FX005",
    "FX006",
    "JR001",
    "JR002",
    "JR003",
    "JR004",
    "JR005",
    "JR006",
    "JR007",
    "JR008",
    "JR009",
    "JR010",
    "JR011",
    "JR012",
    "JR013",
    "JR014",
    "RP001",
    "RP002",
    "RS000",
    "RS001",
    "RS002",
    "RS003",
    "RS004",
    "RS005",
    "RS101",
    "RS102",
    "RS103",
    "RS104",
    "RS105",
    "RS106",
    "RS201",
    "RS202",
    "RS203",
    "RS204",
    "RS205",
    "RS206",
    "RS207",
    "RS208",
    "RS209",
    "RS301",
    "RS302",
    "RS401",
    "RS402",
    "RS403",
    "RS501",
    "RS502",
    "RS503",
    "RS504",
    "RS505",
    "RS506",
    "RS507",
    "RS508",
    "RS509",
    "RS601",
    "RS602",
    "RS603",
    "RS604",
    "RS605",
    "RS701",
    "RS702",
    "RS703",
    "RS704",
    "RS705",
    "RS800",
    "RS801",
    "RS802",
    "RS803",
    "RS804",
    "RS805",
    "RS806",
    "RS807",
    "SA101",
    "SA102",
    "SA103",
    "SA201",
    "SA202",
    "SA203",
    "SA204",
    "SA205",
    "SA301",
    "SA302",
    "SA401",
    "SA402",
    "SA501",
    "SA601",
    "SA701",
    "SV000",
    "SV001",
    "SV002",
    "SV003",
    "SV004",
    "SV005",
    "SV006",
    "SV007",
    "SV008",
    "SV009",
    "SV010",
    "SV011",
    "SV012",
    "SV013",
    "SV014",
    "SV015",
    "SV016",
]

#: The severity a code is reported with (``SA101`` is lowered to a warning for an extended layer).
CodeSeverity = Literal["error", "warning"]

#: The areas, by the two letters that start a code.
AREAS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "RS": "rule file",
        "CF": "case facts",
        "CL": "command line",
        "BA": "batch",
        "EV": "evaluation",
        "EN": "engine",
        "DU": "durable_rules backend",
        "EX": "explanation",
        "FX": "fixture",
        "SA": "static analysis",
        "JR": "journal",
        "RP": "yearly report",
        "SV": "service",
    }
)

#: The page that documents every code.
PAGE: Final = "diagnostics.md"


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """What the catalogue knows of one code."""

    severity: CodeSeverity
    summary: str
    #: The anchor of the section of ``docs/diagnostics.md`` that documents the code.
    section: str

    @property
    def doc(self) -> str:
        """Where the code is documented: ``diagnostics.md#section``."""
        return f"{PAGE}#{self.section}"


def _E(summary: str, section: str) -> CodeInfo:
    return CodeInfo("error", summary, section)


def _W(summary: str, section: str) -> CodeInfo:
    return CodeInfo("warning", summary, section)


#: The catalogue: each code with its severity, English summary and section of the docs page.
CODES: Final[Mapping[Code, CodeInfo]] = MappingProxyType(
    {
        "BA001": _E("a batch line has no decision date", "batches"),
        "BA002": _E("the batch cannot open its cases or output file", "batches"),
        "CF000": _E("the cases file cannot be read", "case-facts"),
        "CF001": _E("a field of the case is invalid", "case-facts"),
        "CF002": _E("the case is not a mapping of fields", "case-facts"),
        "CF003": _E("the JSON case is not valid JSON", "case-facts"),
        "CF004": _E("the case file cannot be read", "case-facts"),
        "CF005": _E("the case exceeds a limit", "case-facts"),
        "CF006": _E("a JSON case repeats a key", "case-facts"),
        "CL002": _E("not a date in the form YYYY-MM-DD", "command-line"),
        "CL003": _E("--fail-under is not a percentage", "command-line"),
        "DU001": _E("a value is too large for the durable_rules backend", "engines"),
        "DU002": _E("a value has too many decimals for the durable_rules backend", "engines"),
        "DU003": _E("the durable_rules backend could not decide a rule", "engines"),
        "DU004": _E("too many recommendation rules for the durable_rules backend", "engines"),
        "DU005": _E("a rule tests too many values for the durable_rules backend", "engines"),
        "DU006": _E("too many rules for the durable_rules backend", "engines"),
        "EN001": _E("the durable_rules backend is not available", "engines"),
        "EN002": _E("an unknown engine name", "engines"),
        "EV001": _E("the date is outside the effective period", "evaluation"),
        "EV002": _E("a computation failed for this case", "evaluation"),
        "EV003": _E("more than one recommendation rule holds (hit policy unique)", "evaluation"),
        "EV004": _E("a base layer cannot decide a case", "evaluation"),
        "EV005": _E("no recommendation rule holds and there is no otherwise", "evaluation"),
        "EV006": _E("an unknown language", "evaluation"),
        "EV007": _E("no decision date", "evaluation"),
        "EV010": _E("the rule set has no reviews section", "evaluation"),
        "EV011": _E("a review without a review date", "evaluation"),
        "EX001": _E("an unknown audience or format", "explanations"),
        "EX002": _E("the templates directory is not a directory", "explanations"),
        "EX003": _E("a client-letter template has an error", "explanations"),
        "EX004": _E("an unknown recipient field", "explanations"),
        "FX000": _E("the fixture cannot be read", "fixtures"),
        "FX001": _E("case or expect is missing", "fixtures"),
        "FX002": _E("an unknown key in a fixture", "fixtures"),
        "FX003": _E("expect.recommendation is missing", "fixtures"),
        "FX004": _E("a status that forms or principles do not have", "fixtures"),
        "FX005": _E("a fixture section has the wrong form", "fixtures"),
        "FX006": _E("a proposed case nobody has checked yet", "fixtures"),
        "JR001": _E("not a usable dossier reference", "journal-and-report"),
        "JR002": _E("the approver is the preparer", "journal-and-report"),
        "JR003": _E("an undetermined decision cannot be final", "journal-and-report"),
        "JR004": _E("not a staff id", "journal-and-report"),
        "JR005": _E("the key does not belong to this journal", "journal-and-report"),
        "JR006": _E("no journal there", "journal-and-report"),
        "JR007": _E("the journal key is too short or cannot be read", "journal-and-report"),
        "JR008": _E("the dossier reference appears in the decision", "journal-and-report"),
        "JR009": _E("the journal is damaged or was changed outside aidrules", "journal-and-report"),
        "JR010": _E("no entry with that id", "journal-and-report"),
        "JR011": _E("the entry is already final", "journal-and-report"),
        "JR012": _E("the decision was not made with the rule set given", "journal-and-report"),
        "JR013": _E("an unknown journal URL", "journal-and-report"),
        "JR014": _E("the postgres extra is not installed", "journal-and-report"),
        "RP001": _E("an unknown report format or a year out of range", "journal-and-report"),
        "RP002": _E("the report cannot be written", "journal-and-report"),
        "RS000": _E("the rule file cannot be read", "reading"),
        "RS001": _E("invalid YAML", "reading"),
        "RS002": _E("a key appears twice", "reading"),
        "RS003": _E("a key or tag that is not plain YAML", "reading"),
        "RS004": _E("a limit is exceeded", "reading"),
        "RS005": _E("a number or date that does not exist", "reading"),
        "RS101": _E("unknown key", "shape"),
        "RS102": _E("a required key is missing", "shape"),
        "RS103": _E("a value has the wrong form", "shape"),
        "RS104": _E("a parameter value does not fit the parameter", "shape"),
        "RS105": _E("an id that may not be used", "shape"),
        "RS106": _E("the effective period ends before it starts", "shape"),
        "RS201": _E("the expression is not valid", "expressions"),
        "RS202": _E("unknown field of a fact", "expressions"),
        "RS203": _E("unknown name", "expressions"),
        "RS204": _E("values of different kinds", "expressions"),
        "RS205": _E("unknown function", "expressions"),
        "RS206": _E("a text the fact can never have", "expressions"),
        "RS207": _E("a limit is exceeded", "expressions"),
        "RS208": _E("a placeholder in a text is wrong", "expressions"),
        "RS209": _W("a value outside the scale of a fact", "expressions"),
        "RS301": _E("a circular definition", "references"),
        "RS302": _E("a reference to something that does not exist", "references"),
        "RS401": _E("a parameter has no value at the start", "parameters"),
        "RS402": _E("dated values out of order", "parameters"),
        "RS403": _W("a policy parameter without a rationale", "parameters"),
        "RS501": _E("no known rule set by that name", "finding"),
        "RS502": _E("no version of the rule set is in force on the date", "finding"),
        "RS503": _E("two versions are in force on the same day", "versions-and-reviews"),
        "RS504": _E("no version is in force between two versions", "versions-and-reviews"),
        "RS505": _E("two sources give the same id@version with different content", "versions-and-reviews"),
        "RS506": _W("an earlier source's version takes over from an open-ended installed one", "versions-and-reviews"),
        "RS507": _W("overlaps another version", "versions-and-reviews"),
        "RS508": _W("the previous version's approval", "versions-and-reviews"),
        "RS509": _W("the previous version's changelog", "versions-and-reviews"),
        "RS601": _E("a review rule names something unknown", "versions-and-reviews"),
        "RS602": _E("a review outcome does not fit its fields", "versions-and-reviews"),
        "RS603": _E("the review interval is wrong", "versions-and-reviews"),
        "RS604": _E("`overdue` is not a review condition", "versions-and-reviews"),
        "RS605": _W("a stop reason is never used", "versions-and-reviews"),
        "RS701": _E("`extends` does not pin a version", "layers"),
        "RS702": _E("the base cannot be found or loaded", "layers"),
        "RS703": _E("layers extend each other in a circle", "layers"),
        "RS704": _E("a layer changes a locked item", "layers"),
        "RS705": _E("`disable` is wrong", "layers"),
        "RS800": _E("signatures need the cryptography package", "signatures"),
        "RS801": _E("the rule file is not signed", "signatures"),
        "RS802": _E("the signature does not hold", "signatures"),
        "RS803": _E("signed with another key", "signatures"),
        "RS804": _E("the key file cannot be used", "signatures"),
        "RS805": _E("the signed id@version is not the only candidate", "signatures"),
        "RS806": _E("a rollback to an older release", "signatures"),
        "RS807": _E("the signature expired", "signatures"),
        "SA101": _E("an unused parameter", "static-checks"),
        "SA102": _W("an unused derived value", "static-checks"),
        "SA103": _W("an unused condition", "static-checks"),
        "SA201": _E("a condition never holds", "static-checks"),
        "SA202": _W("a condition always holds", "static-checks"),
        "SA203": _E("a form is never eligible", "static-checks"),
        "SA204": _E("a recommendation rule never applies", "static-checks"),
        "SA205": _E("an action is never proposed", "static-checks"),
        "SA301": _E("a gap: no rule holds for some cases", "static-checks"),
        "SA302": _E("an overlap under hit policy unique", "static-checks"),
        "SA401": _E("versions leave a gap", "static-checks"),
        "SA402": _E("two versions in force on the same days", "static-checks"),
        "SA501": _E("a rule reads a protected fact", "static-checks"),
        "SA601": _E("the engine cannot evaluate some case", "static-checks"),
        "SA701": _W("the static checks were cut short", "static-checks"),
        "SV000": _E("an unexpected error", "service"),
        "SV001": _E("the request body is too large", "service"),
        "SV002": _E("rules is not ID or ID@VERSION", "service"),
        "SV003": _E("no default rule set", "service"),
        "SV004": _E("a base layer cannot be served", "service"),
        "SV005": _E("no known bearer token", "service"),
        "SV006": _E("the token's role may not do this", "service"),
        "SV007": _E("a batch line beyond the batch size", "service"),
        "SV008": _E("an invalid request parameter or body", "service"),
        "SV009": _E("no such endpoint", "service"),
        "SV010": _E("the token file cannot be read", "service"),
        "SV011": _E("an unknown token role", "service"),
        "SV012": _E("that staff id already has a token with that role", "service"),
        "SV013": _E("the service has no journal", "service"),
        "SV014": _E("no tokens on an address other than loopback", "service"),
        "SV015": _E("the server extra is not installed", "service"),
        "SV016": _E("the Accept header allows no form of the answer", "service"),
    }
)

#: Every code, for a quick membership test at run time.
KNOWN: Final[frozenset[str]] = frozenset(get_args(Code))


def area(code: Code) -> str:
    """The area of ``code`` (``"rule file"`` for ``RS202``)."""
    return AREAS[code[:2]]
