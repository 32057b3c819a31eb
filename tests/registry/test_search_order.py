"""Which rules are used is obvious: --rules-dir, then ./rules, then AIDRULES_PATH, then installed packages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aidrules.cli.main import app
from aidrules.errors import RuleSetError, Severity
from aidrules.registry import index
from aidrules.registry.index import ENV_PATH, discover_all, find, period_diagnostics
from aidrules.ruleset.compile import load_ruleset
from aidrules.testing.runner import run

ROOT = Path(__file__).resolve().parents[2]
NEW = "noord-limburg-budgethulp-2025.2.yaml"
runner = CliRunner()


@pytest.fixture
def in_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    def go(directory: Path) -> None:
        monkeypatch.chdir(directory)

    monkeypatch.delenv(ENV_PATH, raising=False)
    yield go


def test_working_directory_rules_are_found_without_rules_dir(policy_project: Path, in_dir: object) -> None:
    """The scenario's complaint: `aidrules list` did not show the new version without --rules-dir."""
    in_dir(policy_project)  # type: ignore[operator]
    result = runner.invoke(app, ["list"])
    line = next(x for x in result.stdout.splitlines() if x.startswith("noord-limburg-budgethulp@2025.2"))
    assert "[./rules: " in line and line.endswith(NEW + "]")
    installed = next(x for x in result.stdout.splitlines() if x.startswith("noord-limburg-budgethulp@2025.1"))
    assert "[package aidrules: " in installed


def test_new_version_beside_installed_one_takes_over_from_its_start(policy_project: Path, in_dir: object) -> None:
    """An edited copy starting while the installed version is open-ended is used from its start
    (a warning, RS506), not refused as an overlap: the installed set cannot be edited."""
    in_dir(policy_project)  # type: ignore[operator]
    assert find("noord-limburg-budgethulp", date(2025, 8, 1)).name == NEW
    assert find("noord-limburg-budgethulp", date(2025, 3, 1)).name == "noord-limburg-budgethulp.yaml"
    entries, conflicts = discover_all()
    assert conflicts == []
    [warning] = [d for d in period_diagnostics(entries) if d.code == "RS506"]
    assert warning.severity is Severity.WARNING and warning.span is not None and warning.span.file.endswith(NEW)
    assert not [d for d in period_diagnostics(entries) if d.severity is Severity.ERROR]


def test_two_versions_overlapping_in_one_source_stay_an_error(tmp_path: Path, in_dir: object) -> None:
    """Only a higher-priority source may take over; two files of one folder overlapping is a mistake."""
    rules = tmp_path / "rules"
    rules.mkdir()
    text = (ROOT / "rules" / "noord-limburg-budgethulp.yaml").read_text(encoding="utf-8")
    (rules / "a.yaml").write_text(text.replace("id: noord-limburg-budgethulp", "id: eigen-set", 1), encoding="utf-8")
    later = text.replace("id: noord-limburg-budgethulp", "id: eigen-set", 1).replace(
        '  version: "2025.1"', '  version: "2025.2"', 1
    )
    (rules / "b.yaml").write_text(later.replace("    from: 2025-02-01", "    from: 2025-07-01", 1), encoding="utf-8")
    in_dir(tmp_path)  # type: ignore[operator]
    entries, _ = discover_all()
    assert "RS503" in {d.code for d in period_diagnostics([e for e in entries if e.id == "eigen-set"])}


def test_same_version_with_different_content_in_two_sources_is_a_located_error(
    tmp_path: Path, in_dir: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A naive registry (first directory wins) would silently pick one of two different 2025.1s."""
    local = tmp_path / "rules"
    local.mkdir()
    text = (ROOT / "rules" / "noord-limburg-budgethulp.yaml").read_text(encoding="utf-8")
    changed = text.replace("value: 36,", "value: 48,", 1)
    assert changed != text
    (local / "mijn.yaml").write_text(changed, encoding="utf-8")
    in_dir(tmp_path)  # type: ignore[operator]
    _, conflicts = discover_all()
    [d] = conflicts
    assert d.code == "RS505" and "noord-limburg-budgethulp@2025.1" in d.message
    version_line = 1 + text[: text.index('  version: "2025.1"')].count("\n")
    assert d.span is not None and d.span.line == version_line  # `version: "2025.1"` of the second source
    with pytest.raises(RuleSetError) as raised:
        find("noord-limburg-budgethulp@2025.1")
    assert raised.value.diagnostics[0].code == "RS505"
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 2 and "RS505" in result.stderr


def test_identical_copy_in_two_sources_is_not_a_conflict(tmp_path: Path, in_dir: object) -> None:
    local = tmp_path / "rules"
    local.mkdir()
    text = (ROOT / "rules" / "noord-limburg-budgethulp.yaml").read_text(encoding="utf-8")
    (local / "kopie.yaml").write_text("# een kopie met een andere opmaak\n" + text, encoding="utf-8")
    in_dir(tmp_path)  # type: ignore[operator]
    entries, conflicts = discover_all()
    assert conflicts == []
    [entry] = [e for e in entries if e.label == "noord-limburg-budgethulp@2025.1"]
    assert entry.origin == "./rules"  # the first source wins


def test_search_order_rules_dir_then_working_dir_then_env_then_packages(
    tmp_path: Path, in_dir: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (ROOT / "rules" / "voorbeelden" / "taalrondleiding.yaml").read_text(encoding="utf-8")
    dirs = {name: tmp_path / name for name in ("explicit", "work/rules", "env")}
    for d in dirs.values():
        d.mkdir(parents=True)
        (d / "t.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv(ENV_PATH, str(dirs["env"]))
    in_dir(tmp_path / "work")  # type: ignore[operator]

    def origin(extra: list[Path]) -> str:
        [entry] = [e for e in discover_all(extra)[0] if e.id == "taalrondleiding"]
        return entry.origin

    assert origin([dirs["explicit"]]) == "--rules-dir"
    assert origin([]) == "./rules"
    (dirs["work/rules"] / "t.yaml").unlink()
    assert origin([]) == ENV_PATH
    os.environ.pop(ENV_PATH)
    assert origin([]) == "package aidrules"


def test_aidrules_test_uses_the_rules_beside_the_fixtures(policy_project: Path, tmp_path: Path, in_dir: object) -> None:
    """The scenario's complaint: `aidrules test fixtures/mine` silently used the installed set."""
    elsewhere = tmp_path / "elders"
    elsewhere.mkdir()
    in_dir(elsewhere)  # type: ignore[operator]  # not the project's folder: only "beside" can find it
    result = run([policy_project / "fixtures" / "mine"])
    assert result.exit_code == 0, result.text()
    assert f"rules: noord-limburg-budgethulp@2025.2 from {policy_project / 'rules' / NEW}" in result.text()
    cli = runner.invoke(app, ["test", str(policy_project / "fixtures" / "mine")])
    assert cli.exit_code == 0, cli.stdout


def test_pytest_plugin_uses_the_rules_beside_the_fixtures(policy_project: Path) -> None:
    (policy_project / "pytest.ini").write_text("[pytest]\naidrules_fixtures = fixtures/*.yaml\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "mine"],
        cwd=policy_project / "fixtures",  # run from below the project: ./rules is not here
        capture_output=True,
        text=True,
        check=False,
        env={k: v for k, v in os.environ.items() if k != ENV_PATH},
    )
    assert result.returncode == 0 and "1 passed" in result.stdout, result.stdout + result.stderr


def test_a_fifo_named_yaml_in_a_search_directory_is_not_opened(tmp_path: Path) -> None:
    """A registry that opens every *.yaml it finds waits forever on a FIFO (a base is looked up
    one level above its file: for a file in /tmp that walks /tmp)."""
    rules = tmp_path / "rules"
    rules.mkdir()
    os.mkfifo(rules / "pipe.yaml")
    script = f"from aidrules.registry.index import discover; print(len(discover([{str(rules)!r}])) > 0)"
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,  # a guard against the hang itself, not a timing check
        check=False,
    )
    assert result.returncode == 0 and result.stdout.strip() == "True", result.stderr


def _layered_project(root: Path) -> Path:
    """A checkout-like folder: ``rules/`` with the three shipped layers (the local one in
    ``lokaal/``, the federal one in ``federaal/``) beside ``fixtures/`` and ``docs/``."""
    shutil.copytree(ROOT / "rules", root / "rules", ignore=shutil.ignore_patterns("*.sig"))
    for folder in ("fixtures/reference", "docs/examples"):
        (root / folder).mkdir(parents=True)
    return root / "rules"


def test_a_checkouts_fixtures_and_docs_are_not_read_when_looking_up_base_layers(
    tmp_path: Path, in_dir: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A layer in ``rules/`` looked its base up in the folder above with all its subfolders: every
    fixture and document of a checkout was read as a possible rule file (115 files, most of a
    command's start). Now only the rule files directly in the folder above are."""
    rules = _layered_project(tmp_path / "project")
    base = (rules / "federaal" / "federale-bedragen.yaml").read_text(encoding="utf-8")
    # a different copy of the base among the fixtures and docs: read, it would be an RS505 conflict
    for folder in ("fixtures/reference", "docs/examples"):
        (tmp_path / "project" / folder / "federal.yaml").write_text(base.replace("#", "# anders", 1) + "\nx: 1\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    in_dir(elsewhere)  # type: ignore[operator]
    read: list[Path] = []
    real_header = index._header

    def recording(path: Path) -> index.Entry | None:
        read.append(path)
        return real_header(path)

    monkeypatch.setattr(index, "_header", recording)
    rs = load_ruleset(rules / "noord-limburg-budgethulp.yaml")
    assert list(rs.layers) == ["federale-bedragen@2026.1", "noord-limburg-budgethulp@2025.1"]
    assert read and not [p for p in read if {"fixtures", "docs"} & set(p.parts)]


def test_a_layer_in_a_subfolder_finds_its_base_and_the_bases_base_in_sibling_folders(
    tmp_path: Path, in_dir: object
) -> None:
    """``rules/lokaal/x.yaml`` extends ``rules/y.yaml``, which extends ``rules/federaal/z.yaml``:
    each base is looked up beside the layer that names it."""
    rules = _layered_project(tmp_path / "project")
    federal = rules / "federaal" / "federale-bedragen.yaml"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    in_dir(elsewhere)  # type: ignore[operator]
    rs = load_ruleset(rules / "lokaal" / "ocmw-voorbeeldgem.yaml")
    assert [Path(file).resolve() for file in rs.files] == [  # not the installed copies
        federal.resolve(),
        (rules / "noord-limburg-budgethulp.yaml").resolve(),
        (rules / "lokaal" / "ocmw-voorbeeldgem.yaml").resolve(),
    ]
