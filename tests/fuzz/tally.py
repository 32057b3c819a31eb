"""A long fuzz run of rule-file mutations that counts outcomes instead of stopping at the first failure.

    python -m tests.fuzz.tally 3000 20261204     # examples, seed

Each example is a mutated rule file (:func:`tests.fuzz.strategies.mutated_rule_text`, the strategy of
the ``hostile rule files`` property). It is compiled and, when it compiles, evaluated on two cases
and two dates, as the property does. The run prints how many examples compiled, how many were
refused (by diagnostic code), the slowest example, and every exception that is not the
library's own (there must be none; each is written to ``.hypothesis/fuzz-failures/``). The
figures of the last run are in ``docs/security.md`` ("Rule files: limits and fuzzing").
"""

from __future__ import annotations

import sys
import time
import traceback
from collections import Counter
from datetime import date

from hypothesis import HealthCheck, Phase, given, seed, settings

from aidrules import AidrulesError
from aidrules.ruleset.compile import compile_text

from .strategies import BASES, mutated_rule_text
from .test_fuzz import FAILURES, SAMPLE_CASE


def main(examples: int, run_seed: int) -> int:
    outcomes: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    foreign: list[str] = []
    slowest = (0.0, "")

    @seed(run_seed)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(mutated_rule_text())
    def run(example: tuple[str, str]) -> None:
        nonlocal slowest
        name, text = example
        start = time.process_time()
        try:
            rules = compile_text(text, str(BASES[name]))
            outcomes["compiled"] += 1
            for on in (date(2025, 3, 1), date(2099, 1, 1)):
                for case in (SAMPLE_CASE, {}):
                    try:
                        rules.evaluate(case, on=on).to_json()
                        outcomes["decided"] += 1
                    except AidrulesError as exc:
                        outcomes["evaluation refused"] += 1
                        codes.update({d.code for d in exc.diagnostics})
        except AidrulesError as exc:
            outcomes["refused at load"] += 1
            codes.update({d.code for d in exc.diagnostics})
        except Exception as exc:  # the figure this run exists for: must stay zero
            outcomes["non-library exception"] += 1
            FAILURES.mkdir(parents=True, exist_ok=True)
            path = FAILURES / f"tally-{len(foreign)}.txt"
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
            foreign.append(f"{type(exc).__name__}: {exc} ({path})\n{traceback.format_exc(limit=-3)}")
        spent = time.process_time() - start
        if spent > slowest[0]:
            slowest = (spent, name)

    started = time.process_time()
    run()
    total = time.process_time() - started
    print(f"examples: {sum(outcomes[k] for k in ('compiled', 'refused at load', 'non-library exception'))}")
    for key, count in sorted(outcomes.items()):
        print(f"  {key}: {count}")
    print("diagnostic codes (examples naming each): " + ", ".join(f"{c} {n}" for c, n in sorted(codes.items())))
    print(f"CPU: {total:.0f} s in all; slowest example {slowest[0]:.2f} s (from the {slowest[1]} rule file)")
    for line in foreign:
        print(line, file=sys.stderr)
    return 1 if foreign else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000, int(sys.argv[2]) if len(sys.argv) > 2 else 0))
