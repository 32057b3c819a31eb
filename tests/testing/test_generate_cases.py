"""`aidrules generate-cases`: pairs of cases either side of every threshold, to be labelled by a person."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml
from typer.testing import CliRunner

import aidrules
from aidrules.analysis.boundaries import boundary_cases
from aidrules.cli.main import app
from aidrules.readers.yamlload import load_yaml_plain
from aidrules.ruleset.compile import load_ruleset

ROOT = Path(__file__).resolve().parents[2]
PLANTED = ROOT / "tests" / "analysis" / "data" / "planted.yaml"


def _one_step(a: object, b: object) -> bool:
    if isinstance(a, date) and isinstance(b, date):
        return abs((a - b).days) == 1
    if isinstance(a, int) and isinstance(b, int):
        return abs(a - b) == 1
    return isinstance(a, Decimal) and isinstance(b, Decimal) and abs(a - b) == Decimal("0.01")


def test_each_pair_sits_one_step_either_side_of_a_threshold() -> None:
    rs = aidrules.load()
    cases = boundary_cases(rs)
    assert cases
    for bc in cases:
        assert _one_step(bc.value, bc.other), bc
        reason = next(r for r in bc.decision.reasons if r.rule == bc.condition)
        assert reason.outcome is bc.outcome  # the engine agrees on the side of the threshold
    thresholds = {(bc.condition, bc.fact) for bc in cases}
    assert ("motivation.minimum", "client.motivation") in thresholds
    assert ("csr.not_enterprise", "client.enterprise_ceased_on") in thresholds
    assert ("csr.no_recent_revocation", "client.csr_revoked_on") in thresholds


def test_the_motivation_threshold_is_between_one_and_two() -> None:
    # By hand: motivation.minimum is `client.motivation >= minimum_motivation` with the parameter 2.
    rs = load_ruleset(PLANTED)
    pairs = {(bc.value, bc.outcome) for bc in boundary_cases(rs) if bc.condition == "motivation.minimum"}
    assert pairs == {(1, False), (2, True)}


def test_proposed_files_must_be_checked_before_they_count(tmp_path: Path) -> None:
    out = tmp_path / "proposed"
    result = CliRunner().invoke(app, ["generate-cases", str(PLANTED), "--out", str(out)], env={"LC_ALL": "en_GB.UTF-8"})
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("*.yaml"))
    assert files and "proposed case(s)" in result.output
    text = files[0].read_text(encoding="utf-8")
    assert text.startswith("# VOORSTEL — TE CONTROLEREN")
    data = load_yaml_plain(text, str(files[0]))
    assert set(data) == {"title", "reasoning", "rules", "case", "proposed_expect"}
    assert (out / data["rules"]).resolve() == PLANTED.resolve()
    assert yaml.safe_load(text)["proposed_expect"]["recommendation"]
    tested = CliRunner().invoke(app, ["test", str(out)])
    assert tested.exit_code == 2 and "FX006" in tested.output
    # Once a person renamed proposed_expect to expect, the file is a fixture like any other.
    files[0].write_text(text.replace("proposed_expect:", "expect:"), encoding="utf-8")
    tested = CliRunner().invoke(app, ["test", str(files[0])])
    assert tested.exit_code == 0, tested.output


def test_an_unknown_rule_set_is_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["generate-cases", "no-such-rules", "--out", str(tmp_path)])
    assert result.exit_code == 2
