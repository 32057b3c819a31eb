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

from .helpers import minimal_text, with_derived

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
    validated = _aidrules(["validate", str(rules / "overlay.yaml"), "--lang", "en"], env, timeout=60)
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


def _in_one_gib(script: str, stdin: str) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in a child Python with 1 GiB of address space (``sys`` imported), ``stdin`` as its input."""
    limited = "import resource, sys\nresource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n" + script
    return subprocess.run(
        [sys.executable, "-c", limited], input=stdin, capture_output=True, text=True, timeout=300, check=False
    )


def _balanced_sum(name: str, count: int) -> str:
    """``name`` added to itself ``count`` times, as a balanced tree (shallow enough to be accepted)."""
    if count == 1:
        return name
    half = count // 2
    return f"({_balanced_sum(name, half)} + {_balanced_sum(name, count - half)})"


def _chained(values: int) -> str:
    """Each derived value adds up the one before it about 400 times: an expression under 4,000 characters."""
    items = [("v0", "money", "total_income")]
    for i in range(1, values):
        items.append((f"v{i}", "money", _balanced_sum(f"v{i - 1}", 400 if i < 10 else 360 if i < 100 else 320)))
    return with_derived(*items)


def _summing_the_previous(values: int, window: int) -> str:
    items = [("v0", "money", "total_income")]
    for i in range(1, values):
        items.append((f"v{i}", "money", " + ".join(f"v{j}" for j in range(max(0, i - window), i))))
    return with_derived(*items)


DECIDE = (
    "from aidrules import RuleSetError\n"
    "from aidrules.ruleset.compile import compile_text\n"
    "try:\n"
    "    rules = compile_text(sys.stdin.read(), 'big.yaml')\n"
    "except RuleSetError as exc:\n"
    "    for d in exc.diagnostics:\n"
    "        print(d.code, d.span.line, d.span.column, d.message)\n"
    "else:\n"
    "    rules.evaluate({'on': '2025-03-01', 'client': {'motivation': 3}})\n"
    "    print('evaluated')\n"
)


@pytest.mark.parametrize(
    "text",
    [_chained(230), _summing_the_previous(1500, 30)],
    ids=["230-chained-values-0.8MB", "1500-values-summing-the-previous-30"],
)
def test_rule_set_whose_generated_code_would_explode_is_refused_at_load(text: str) -> None:
    """Catches a cost bound that counts evaluation steps only: 230 derived values, each adding up
    the one before it 400 times, pass `validate --no-static` (2,000 steps at most), and the first
    evaluation then generated 823,000 lines of Python whose compilation took 13.6 s and 3 GB
    (1,500 values summing the previous 30: 393,000 lines, 3.9 s, 1.5 GB). The expressions' size
    is bounded when the rule set is loaded (``max_code_nodes``), with a located RS207. Run in a
    child process with 1 GiB of address space, so that a regression fails instead of swapping."""
    done = _in_one_gib(DECIDE, text)
    assert done.returncode == 0, done.stderr[-2000:]
    [line] = done.stdout.splitlines()
    code, row, column, message = line.split(" ", 3)
    assert code == "RS207" and "parts together, more than the limit 10,000" in message, line
    assert text.splitlines()[int(row) - 1][int(column) - 1 :].startswith("v"), line  # at a derived value's id


def test_code_size_bound_leaves_room_for_real_rule_sets() -> None:
    """The bound is far above what a policy needs: the reference rule set (and its local overlay)
    uses a small part of it, and a caller's stricter bound refuses it with RS207."""
    from dataclasses import replace

    import aidrules
    from aidrules import RuleSetError
    from aidrules.limits import DEFAULT_LIMITS
    from aidrules.ruleset.cost import code_size
    from aidrules.ruleset.shipped import shipped_rules_dir

    for name in ("noord-limburg-budgethulp.yaml", "lokaal/ocmw-voorbeeldgem.yaml"):
        path = shipped_rules_dir() / name
        size, ranked = code_size(aidrules.load_ruleset(path))
        assert 0 < size * 10 < DEFAULT_LIMITS.max_code_nodes and ranked[0][0] <= size
        with pytest.raises(RuleSetError) as info:
            aidrules.load_ruleset(path, limits=replace(DEFAULT_LIMITS, max_code_nodes=size - 1))
        assert [d.code for d in info.value.diagnostics] == ["RS207"]


def _never_holding_conditions(count: int) -> str:
    """The minimal rule set with ``count`` more conditions, each impossible (a total above and
    below the same amount) and each required by the principle: a 51 KB file for 200."""
    block = "".join(
        f"  c{i}:\n    title: {{nl: C{i}, fr: C{i}, en: C{i}}}\n"
        f"    when: client.motivation >= {i % 5} and total_income > {i * 10} and total_income < {i * 10}\n"
        "    source: test\n    explain:\n"
        "      if_true: {nl: ja, fr: oui, en: yes}\n      if_false: {nl: nee, fr: non, en: no}\n"
        for i in range(count)
    )
    text = minimal_text().replace("conditions:\n", "conditions:\n" + block, 1)
    required = ", ".join(f"c{i}" for i in range(count))
    return text.replace("requires: [motivation.minimum]", f"requires: [motivation.minimum, {required}]")


def test_static_checks_of_many_impossible_conditions_are_cut_short_with_a_warning(tmp_path: Path) -> None:
    """Catches static checks without a work budget: 200 conditions that never hold (51 KB) make
    the search try to satisfy each for thousands of cases, and `aidrules validate` ran for minutes
    (50 such conditions: 47 s). The search stops at its budget and says so (SA701, a warning
    naming what was not checked); the command runs with a timeout, so a regression fails."""
    path = tmp_path / "impossible.yaml"
    path.write_text(_never_holding_conditions(200), encoding="utf-8")
    done = _aidrules(["validate", str(path), "--format", "json"], timeout=120)
    assert done.returncode == 2, done.stderr  # the conditions it did check never hold: errors
    found = json.loads(done.stdout)
    [cut] = [d for d in found if d["code"] == "SA701"]
    assert cut["severity"] == "warning" and cut["line"] > 1 and "were not checked" in cut["message"], cut
    assert "condition `c" in cut["message"] and cut["hint"]
    assert {d["code"] for d in found} == {"SA201", "SA701"}


def test_what_the_budget_leaves_unchecked_is_never_reported_as_a_finding() -> None:
    """Catches a budget that ends the search by answering "not found": every condition the
    budget left unchecked would be reported as one that never holds. The conditions reported
    and those left unchecked are disjoint and together all of them."""
    from aidrules.analysis.checks import analyse
    from aidrules.analysis.search import Explorer
    from aidrules.ruleset.compile import compile_text

    rules = compile_text(_never_holding_conditions(40), "impossible.yaml")
    found = analyse(rules, budget=300_000)
    reported = {d.message.split("`")[1] for d in found if d.code == "SA201"}
    [cut] = [d for d in found if d.code == "SA701"]
    unchecked = {part.split("`")[1] for part in cut.message.split("condition ")[1:]}
    assert reported and unchecked and not reported & unchecked
    listed = int(cut.message.split(" item(s)")[0].rsplit(" ", 1)[1])
    assert len(reported) + listed >= 40  # also forms and rules may be among the unchecked items
    assert "and " in cut.message and "more" in cut.message  # only the first ten are named
    explorer = Explorer(rules, work_budget=None)
    assert explorer.work_budget is None and explorer.work > 0  # unbounded when asked
