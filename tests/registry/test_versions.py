"""Versions by date, the registry's sources, and period diagnostics."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib.metadata import Distribution, distributions
from pathlib import Path
from typing import Any, cast

import pytest

import aidrules
from aidrules import RuleSetNotFoundError
from aidrules.errors import Severity
from aidrules.registry import index
from aidrules.registry.index import discover, find, period_diagnostics

SINGLE = {"household": {"category": "single", "adults": 1, "children": []}, "incomes": [], "expenses": [], "debts": []}


@pytest.mark.parametrize(
    ("on", "version", "leefloon"),
    [
        (date(2024, 1, 1), "2024.1", "1263.17"),
        (date(2025, 1, 31), "2024.1", "1288.46"),
        (date(2025, 2, 1), "2025.1", "1314.20"),
        (date(2026, 6, 1), "2025.1", "1340.47"),
    ],
)
def test_the_version_in_force_on_the_decision_date_decides(on: date, version: str, leefloon: str) -> None:
    rules = aidrules.load("noord-limburg-budgethulp", on)
    assert rules.version == version
    decision = rules.evaluate(SINGLE, on)
    assert decision.ruleset.version == version
    assert decision.values["integration_income_amount"] == Decimal(leefloon)


def test_a_version_can_be_pinned_but_not_used_outside_its_period() -> None:
    rules = aidrules.load("noord-limburg-budgethulp@2024.1")
    assert rules.version == "2024.1"
    with pytest.raises(aidrules.EvaluationError, match="in force from 2024-01-01 to 2025-01-31"):
        rules.evaluate(SINGLE, date(2025, 3, 1))


def test_no_version_in_force_is_a_clear_error() -> None:
    with pytest.raises(
        RuleSetNotFoundError, match="no version of `noord-limburg-budgethulp` is in force on 2023-12-31"
    ):
        aidrules.load("noord-limburg-budgethulp", date(2023, 12, 31))


def test_shipped_versions_have_no_period_problems() -> None:
    entries = discover()
    labels = {e.label for e in entries}
    assert {
        "federale-bedragen@2026.1",
        "noord-limburg-budgethulp@2024.1",
        "noord-limburg-budgethulp@2025.1",
        "ocmw-voorbeeldgem@2025.1",
    } <= labels
    assert period_diagnostics(entries) == []


def _write(directory: Path, name: str, version: str, start: str, until: str | None, minimal_text: str) -> None:
    text = minimal_text.replace('version: "1"', f'version: "{version}"').replace(
        "effective: {from: 2024-01-01}", "effective: {from: " + start + (f", until: {until}" if until else "") + "}"
    )
    (directory / name).write_text(
        text.replace("value: 2,", "value: 2,").replace("{from: 2024-01-01, value: 2", "{from: 2020-01-01, value: 2"),
        encoding="utf-8",
    )


def test_overlapping_and_missing_periods_are_diagnostics(tmp_path: Path, minimal_text: str) -> None:
    _write(tmp_path, "a.yaml", "1", "2024-01-01", "2024-12-31", minimal_text)
    _write(tmp_path, "b.yaml", "2", "2024-06-01", None, minimal_text)
    _write(tmp_path, "c.yaml", "3", "2026-01-01", None, minimal_text)
    entries = [e for e in discover([tmp_path]) if e.id == "minimal"]
    found = period_diagnostics(entries)
    codes = sorted((d.code, d.severity) for d in found)
    assert ("RS503", Severity.ERROR) in codes  # 1 and 2 overlap from 2024-06-01
    assert ("RS503", Severity.ERROR) in codes and len(found) == 2  # 2 is open-ended and overlaps 3
    with pytest.raises(RuleSetNotFoundError, match="several versions"):
        find("minimal", date(2024, 7, 1), [tmp_path])


def test_a_gap_between_versions_is_an_error(tmp_path: Path, minimal_text: str) -> None:
    _write(tmp_path, "a.yaml", "1", "2024-01-01", "2024-06-30", minimal_text)
    _write(tmp_path, "b.yaml", "2", "2024-09-01", None, minimal_text)
    [d] = period_diagnostics([e for e in discover([tmp_path]) if e.id == "minimal"])
    assert d.code == "RS504" and d.severity == Severity.ERROR and "2024-07-01" in d.message


def test_rule_sets_from_an_entry_point_are_found(
    tmp_path: Path, minimal_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, "plugin.yaml", "7", "2024-01-01", None, minimal_text)

    class FakeEntryPoint:
        def load(self) -> Any:
            return lambda: tmp_path

    monkeypatch.setattr(
        index, "entry_points", lambda group: [FakeEntryPoint()] if group == index.ENTRY_POINT_GROUP else []
    )
    index.refresh()
    try:
        assert aidrules.load("minimal@7").version == "7"
    finally:
        monkeypatch.undo()
        index.refresh()


def test_every_installed_distribution_is_named_as_importlib_names_it() -> None:
    """The origin of a package's rule sets (``package <name>``) reads the name from the metadata's
    first lines; importlib parses the whole file: the same name for every distribution here."""
    dists = list(distributions())
    assert dists
    assert [index.distribution_name(d) for d in dists] == [d.name for d in dists]


def test_the_shipped_rules_are_found_from_the_packages_entry_point_with_its_name() -> None:
    index.refresh()
    assert any(origin == "package aidrules" for _, origin in index._entry_point_dirs())


def test_the_entry_points_of_every_group_are_those_importlib_gives() -> None:
    """The registry reads only the entry points of packages whose entry_points.txt names the group:
    for every group of every installed package (and one that none has), exactly importlib's list,
    in its order, each distribution counted once."""
    from importlib.metadata import entry_points

    groups = {ep.group for dist in distributions() for ep in dist.entry_points} | {
        index.ENTRY_POINT_GROUP,
        "no.such.group",
    }
    assert len(groups) > 3
    for group in sorted(groups):
        mine = index.entry_points(group)
        theirs = list(entry_points(group=group))
        assert [(ep.name, ep.value, ep.dist.name if ep.dist else None) for ep in mine] == [
            (ep.name, ep.value, ep.dist.name if ep.dist else None) for ep in theirs
        ], group
    assert index.entry_points("no.such.group") == []


def test_a_distribution_is_counted_by_importlibs_name_also_where_python_has_no_private_one() -> None:
    """Where a Python's distributions have no ``_normalized_name``, the metadata's name normalised
    as importlib normalises it stands for it: the same key for every installed distribution."""

    class WithoutPrivateName:
        def __init__(self, name: str) -> None:
            self.name = name

    dists = list(distributions())
    assert dists
    for dist in dists:
        assert index._normalized_name(dist) == dist._normalized_name  # type: ignore[attr-defined]
        bare = cast(Distribution, WithoutPrivateName(dist.name))
        assert index._normalized_name(bare) == dist._normalized_name, dist.name  # type: ignore[attr-defined]


def test_the_shipped_rules_are_registered_through_the_entry_point() -> None:
    from importlib.metadata import entry_points

    names = {ep.value for ep in entry_points(group=index.ENTRY_POINT_GROUP)}
    assert "aidrules.ruleset.shipped:shipped_rules_dir" in names


def test_environment_path_is_searched(tmp_path: Path, minimal_text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, "env.yaml", "9", "2024-01-01", None, minimal_text)
    monkeypatch.setenv(index.ENV_PATH, str(tmp_path))
    assert aidrules.load("minimal@9").version == "9"
