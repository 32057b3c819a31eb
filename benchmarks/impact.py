"""How long ``aidrules impact`` takes on a large caseload: ``python benchmarks/impact.py [--size N]``.

Writes a seeded synthetic caseload (``aidrules.impact.synthetic_population``) of ``--size`` cases
(default 100,000) to a JSON Lines file, and an edited copy of the reference rule set (version
2025.2: minimum motivation 2 → 3 and a reasonable repayment period of 36 → 48 months from
2025-07-01, the scenario of issue 17). Then it measures, wall clock, the whole study as the
command runs it: reading and validating every case, deciding it under both versions on every
core (``--workers``, default one per core), counting and rendering the Markdown and HTML pages.
Writing the input is not measured. The load average at the start is printed beside the figure:
on a shared machine the result says as much about the neighbours as about aidrules.

``--json OUT`` writes ``{"cases": ..., "seconds": ..., "cases_per_second": ..., ...}``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from aidrules.impact import read_cases, run_study, synthetic_population, to_html, to_markdown  # noqa: E402
from aidrules.ruleset.compile import load_ruleset  # noqa: E402
from aidrules.ruleset.shipped import shipped_rules_dir  # noqa: E402


def edited_copy(directory: Path) -> Path:
    """The scenario's edited reference rule set, beside a copy of its base."""
    source = shipped_rules_dir() / "noord-limburg-budgethulp.yaml"
    text = source.read_text(encoding="utf-8")
    text = text.replace('  version: "2025.1"', '  version: "2025.2"', 1)
    text = text.replace("  effective:\n    from: 2025-02-01", "  effective:\n    from: 2025-07-01", 1)
    for old, new in (("value: 2, source", 3), ("value: 36, source", 48)):
        at = text.index(old)
        end = text.index("\n", at)
        text = text[: end + 1] + f'      - {{from: 2025-07-01, value: {new}, source: "Scenario"}}\n' + text[end + 1 :]
    (directory / "federaal").mkdir()
    (directory / "federaal" / "federale-bedragen.yaml").write_text(
        (shipped_rules_dir() / "federaal" / "federale-bedragen.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    path = directory / "noord-limburg-budgethulp-2025.2.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aidrules-impact-bench-") as tmp:
        directory = Path(tmp) / "rules"  # the base is looked up beside it and one level up
        directory.mkdir()
        new_file = edited_copy(directory)
        cases_file = directory / "cases.jsonl"
        with cases_file.open("w", encoding="utf-8") as out:
            for case in synthetic_population(args.size, args.seed):
                out.write(json.dumps(case, ensure_ascii=False) + "\n")
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        start = time.perf_counter()
        old = load_ruleset(shipped_rules_dir() / "noord-limburg-budgethulp.yaml")
        new = load_ruleset(new_file)
        report = run_study(old, new, read_cases(cases_file), source=str(cases_file), workers=args.workers)
        pages = (to_markdown(report), to_html(report))
        seconds = time.perf_counter() - start
    result = {
        "cases": report.cases,
        "changed": report.changed,
        "invalid": len(report.invalid),
        "seconds": round(seconds, 2),
        "cases_per_second": round(report.cases / seconds),
        "workers": args.workers or os.cpu_count(),
        "cpus": os.cpu_count(),
        "load_average_at_start": round(load, 2),
        "page_chars": [len(p) for p in pages],
        "python": platform.python_version(),
    }
    print(
        f"{report.cases:,} cases ({report.changed:,} change outcome) in {seconds:.1f} s "
        f"= {result['cases_per_second']:,} cases/s on {result['workers']} worker(s); "
        f"load average at start {load:.2f} on {os.cpu_count()} CPU(s)"
    )
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
