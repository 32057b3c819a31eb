"""Writing boundary cases as proposed fixture files (``aidrules generate-cases``).

A proposed file has the fixture format, except that the engine's current answer stands under
``proposed_expect:`` instead of ``expect:``. ``aidrules test`` refuses such a file (FX006) until a
person has checked the answer against the policy and renamed the key: the engine's output never
becomes an expectation by itself.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from aidrules.analysis.boundaries import BoundaryCase
from aidrules.analysis.example import flow
from aidrules.ruleset.compiled import CompiledRuleSet

_HEADER = """\
# VOORSTEL — TE CONTROLEREN / PROPOSITION — À VÉRIFIER / PROPOSAL — TO BE CHECKED
# Gemaakt door `aidrules generate-cases`: een geval net naast een drempel van de regels.
# `proposed_expect` is het antwoord van de HUIDIGE regels, niet van het beleid. Redeneer het
# verwachte besluit met de hand uit het beleid, pas `proposed_expect` aan waar nodig, hernoem het
# naar `expect` en zet het bestand bij de fixtures.
"""


class _Dumper(yaml.SafeDumper):
    """Amounts as plain decimals (``1314.20``), as the rule and case files write them."""


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(Decimal, _decimal)
# YAML 1.2 booleans only, as the loader reads them: the case key `on` needs no quotes.
_Dumper.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}
_Dumper.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Dumper.add_representer(str, _text)


def write_proposals(rs: CompiledRuleSet, cases: list[BoundaryCase], out: Path, *, rules_ref: str) -> list[Path]:
    """Write one YAML file per case into ``out``; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for i, bc in enumerate(cases, 1):
        side = "waar" if bc.outcome else "onwaar"
        name = f"{i:03d}-{_slug(bc.condition)}-{_slug(bc.fact)}-{side}.yaml"
        path = out / name
        path.write_text(_HEADER + _dump(_document(rs, bc, rules_ref)), encoding="utf-8")
        written.append(path)
    return written


def _document(rs: CompiledRuleSet, bc: BoundaryCase, rules_ref: str) -> dict[str, Any]:
    d = bc.decision
    outcome = "waar" if bc.outcome else "onwaar"
    reasoning = (
        f"Drempel van voorwaarde {bc.condition}: `{bc.source}`.\n"
        f"In dit geval is {bc.fact} = {flow(bc.value)} en is de voorwaarde {outcome} volgens de huidige regels; "
        f"met {bc.fact} = {flow(bc.other)} (alles verder gelijk) is ze {'onwaar' if bc.outcome else 'waar'}.\n"
        "TE CONTROLEREN: redeneer het besluit met de hand uit het beleid en schrijf die redenering hier."
    )
    return {
        "title": f"Grensgeval {bc.condition}: {bc.fact} = {flow(bc.value)} (voorwaarde {outcome})",
        "reasoning": reasoning,
        "rules": rules_ref,
        "case": bc.case,
        "proposed_expect": {
            "recommendation": d.recommendation,
            "forms": {fid: f.status for fid, f in d.forms.items()},
            "principles": {pid: p.status for pid, p in d.principles.items()},
            "actions": sorted(a.id for a in d.actions if a.status == "proposed"),
        },
    }


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110, default_flow_style=None)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
