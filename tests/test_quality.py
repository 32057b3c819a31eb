"""The project's own checks run with the test suite: ruff (lint) and mypy (strict on src/)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> list[str]:
    exe = shutil.which(name, path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.fail(f"{name} is not installed; install the test extra: pip install -e '.[test]'")
    return [exe]


def test_ruff() -> None:
    result = subprocess.run(
        [*_tool("ruff"), "check", "src", "tests"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict() -> None:
    result = subprocess.run([*_tool("mypy")], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ci_runs_the_readme_test_command_with_the_pinned_versions() -> None:
    """CI must run what the README tells a newcomer to run, and both install the versions pinned
    in constraints.txt (a new ruff or mypy release must not turn a fresh install red)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = next(line for line in readme.splitlines() if line.startswith("bash scripts/ensure-browser.sh"))
    assert command in ci.splitlines()
    assert 'PIP_CONSTRAINT="$PWD/constraints.txt"' in command and "pytest" in command
    pins = [line for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines() if "==" in line]
    pinned = {line.split("==")[0].lower().replace("_", "-") for line in pins}
    assert {"pyyaml", "pydantic", "ruff", "mypy", "durable-rules", "setuptools", "hatchling"} <= pinned
