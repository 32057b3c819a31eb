"""Journal append speed on SQLite and PostgreSQL: ``python benchmarks/journal.py [--postgres URL]``.

For each store: one process appending (entries per second, latency per append: median and p99),
then ``--processes`` processes appending into the same journal at once (entries per second in
all). Every append is a durable commit (SQLite ``synchronous=FULL``, PostgreSQL
``synchronous_commit = on``), so the figures mostly measure the disk's flush. The SQLite journal
is a temporary file; the PostgreSQL journal a fresh schema, dropped afterwards. The URL defaults
to ``AIDRULES_TEST_POSTGRES_URL`` or the test server of ``scripts/ensure-postgres.sh``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

import psycopg  # noqa: E402

import aidrules  # noqa: E402
from aidrules.journal import DossierKeyer, Journal  # noqa: E402
from aidrules.journal.redact import redact_url  # noqa: E402

DEFAULT_URL = os.environ.get(
    "AIDRULES_TEST_POSTGRES_URL", "postgresql://aidrules:aidrules@127.0.0.1:5432/aidrules_test"
)
SECRET = b"benchmark-secret-of-at-least-32-bytes!"


def _append(url: str, writer: int, count: int, start: Any) -> list[float]:
    rules = aidrules.load(None, date(2025, 3, 1))
    decision = rules.evaluate({"client": {"consents": False}}, on=date(2025, 3, 1))
    times = []
    with Journal.open(url, keyer=DossierKeyer(SECRET)) as journal:
        if start is not None:
            start.wait()
        for n in range(count):
            t0 = time.perf_counter()
            journal.record_decision(
                decision, rules, dossier=f"BB-{writer}-{n:06d}", prepared_by=f"mw-{writer}", approved_by="hmw-1"
            )
            times.append(time.perf_counter() - t0)
    return times


def _worker(args: tuple[str, int, int, Any]) -> int:
    return len(_append(*args))


def measure(url: str, entries: int, processes: int) -> dict[str, Any]:
    Journal.open(url, keyer=DossierKeyer(SECRET)).close()
    t0 = time.perf_counter()
    times = _append(url, 0, entries, None)
    single = time.perf_counter() - t0
    per = entries // processes
    manager = multiprocessing.Manager()
    start = manager.Barrier(processes + 1)
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        pending = pool.map_async(_worker, [(url, w + 1, per, start) for w in range(processes)])
        start.wait()  # every writer has loaded the rules and opened the journal
        t0 = time.perf_counter()
        written = sum(pending.get())
        together = time.perf_counter() - t0
    manager.shutdown()
    with Journal.open(url, read_only=True) as journal:
        problems = journal.verify()
        stored = sum(1 for _ in journal.entries())
    ordered = sorted(times)
    return {
        "single_process": {
            "entries": entries,
            "entries_per_second": round(entries / single, 1),
            "median_ms": round(statistics.median(times) * 1000, 2),
            "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 2),
        },
        "processes": {
            "processes": processes,
            "entries": written,
            "entries_per_second": round(written / together, 1),
        },
        "stored": stored,
        "verify_problems": problems,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", default=DEFAULT_URL, help="a PostgreSQL server (a schema is created)")
    parser.add_argument("--entries", type=int, default=500, help="entries per measurement")
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = measure(str(Path(tmp) / "journal.db"), args.entries, args.processes)
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    separator = "&" if "?" in args.postgres else "?"
    try:
        results["postgresql"] = measure(f"{args.postgres}{separator}schema={schema}", args.entries, args.processes)
    finally:
        with psycopg.connect(args.postgres, autocommit=True) as db:
            db.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    results["postgres_server"] = redact_url(args.postgres)
    results["cpus"] = os.cpu_count()
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
