"""Every reference fixture's decision JSON, each fixture's rule file loaded afresh: what the tests
of the per-user caches compare between a cold, a filling and a warm cache."""

from __future__ import annotations

from pathlib import Path

from aidrules.facts.parse import parse_facts
from aidrules.ruleset.compile import load_ruleset
from aidrules.ruleset.shipped import resolve
from aidrules.testing.fixtures import load_fixture, rules_beside

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "fixtures" / "reference").glob("*.yaml"))


def rule_file(fixture_path: Path) -> Path:
    """The rule file a fixture is decided by (its ``rules``, else the one its date finds)."""
    fixture = load_fixture(fixture_path)
    spec = fixture.rules
    if spec and (fixture.path.parent / spec).exists():
        spec = str((fixture.path.parent / spec).resolve())
    beside = rules_beside(fixture.path)
    return resolve(spec, fixture.on, rules_dirs=(beside,) if beside else ()).resolve()


def fresh_decisions() -> dict[str, str]:
    """Every reference fixture's decision JSON by its file name, each rule file loaded, compiled
    and prepared afresh (no in-process cache)."""
    by_file: dict[Path, list[Path]] = {}
    for path in FIXTURES:
        by_file.setdefault(rule_file(path), []).append(path)
    out: dict[str, str] = {}
    for file, fixtures in by_file.items():
        rs = load_ruleset(file)
        for path in fixtures:
            out[path.name] = rs.evaluate(parse_facts(load_fixture(path).case)).to_json()
    return out
