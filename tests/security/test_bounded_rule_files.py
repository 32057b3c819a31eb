"""Rule files from elsewhere cost bounded time and memory: refused at load, never a hang or a blow-up.

Each test names, in its docstring, the naive implementation it would catch. Tests that could
exhaust the machine on a regression run in a child process with an address-space limit and a
timeout, so that a regression fails instead of swapping or hanging.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import minimal_text

CASE = {"on": "2025-03-01", "client": {"motivation": 3}}


def _aidrules(
    args: list[str], env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """The command line in a child process that a hang cannot stall: it is killed after ``timeout``."""
    script = "import sys\nfrom aidrules.cli.main import main\nsys.argv = ['aidrules', *sys.argv[1:]]\nmain()\n"
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
    )


def test_fifo_named_yaml_in_a_rules_directory_is_not_read(tmp_path: Path) -> None:
    """Catches listing ``*.yaml`` by name and opening each: a FIFO called `x.yaml` in a searched
    directory (or in ``AIDRULES_PATH``) made `evaluate`, `validate` and `list` wait for ever for a
    writer. Only regular files are read; each command runs with a timeout, so a regression fails."""
    rules = tmp_path / "rules"
    (rules / "sub").mkdir(parents=True)
    (rules / "minimal.yaml").write_text(minimal_text(), encoding="utf-8")
    os.mkfifo(rules / "trap.yaml")
    os.mkfifo(rules / "sub" / "trap.yaml")
    overlay = minimal_text().replace("aidrules: 1\n", "aidrules: 1\nextends: minimal@1\n", 1)
    overlay = overlay.replace("id: minimal", "id: minimal-overlay", 1)
    (rules / "overlay.yaml").write_text(overlay, encoding="utf-8")
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE), encoding="utf-8")
    env = {"AIDRULES_PATH": str(rules)}

    listed = _aidrules(["list", "--rules-dir", str(rules)], env, timeout=60)
    assert listed.returncode == 0 and "minimal@1" in listed.stdout, listed.stderr
    assert "trap" not in listed.stdout
    evaluated = _aidrules(["evaluate", str(case), "--rules", "minimal@1", "--format", "json"], env, timeout=60)
    assert evaluated.returncode == 0, evaluated.stderr
    assert json.loads(evaluated.stdout)["recommendation"] == "budget_guidance"
    validated = _aidrules(["validate", str(rules / "overlay.yaml")], env, timeout=60)
    assert validated.returncode == 0 and "valid" in validated.stdout, validated.stderr


@pytest.mark.parametrize("where", ["AIDRULES_PATH", "--rules-dir"])
def test_fifo_is_skipped_wherever_the_directory_comes_from(tmp_path: Path, where: str) -> None:
    """Catches a regular-file check in one search path only: the FIFO sits next to the only rule
    file, and the directory is given once through the environment and once on the command line."""
    (tmp_path / "minimal.yaml").write_text(minimal_text(), encoding="utf-8")
    os.mkfifo(tmp_path / "a-trap.yaml")
    env = {"AIDRULES_PATH": str(tmp_path)} if where == "AIDRULES_PATH" else {}
    extra = ["--rules-dir", str(tmp_path)] if where == "--rules-dir" else []
    listed = _aidrules(["list", *extra], env, timeout=60)
    assert listed.returncode == 0 and "minimal@1" in listed.stdout, listed.stderr
