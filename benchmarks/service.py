"""Load on the decision service over loopback: ``python benchmarks/service.py [--cases N] [--clients 32]``.

Starts ``aidrules serve`` (open mode, loopback, its default logging) in a process of its own,
unless ``--url`` names a running one, and sends it a seeded synthetic population
(``population.py``, the same cases as ``run.py``) from this process: ``--clients`` connections,
each sending its next case as soon as the previous answer is in (HTTP/1.1 keep-alive, a minimal
client on asyncio streams so that the load generator costs little of the shared cores).

Reports throughput (decisions per second), latency per request (p50, p90, p99, max), errors
(any answer but 200) and mismatches (an answer that is not byte for byte the decision made in
this process), next to the in-process figure: the same cases parsed from the same JSON text,
decided and serialised on one core. Also the load average before and after, since the machine's
cores may be shared. ``--json OUT`` writes the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from population import population  # noqa: E402

import aidrules  # noqa: E402
from aidrules.facts.jsonload import read_json_case  # noqa: E402
from aidrules.facts.parse import parse_facts  # noqa: E402
from aidrules.limits import DEFAULT_LIMITS  # noqa: E402
from aidrules.ruleset.shipped import load  # noqa: E402


def in_process(bodies: list[bytes]) -> tuple[list[bytes], float]:
    """Each case decided in this process (the reference answers) and the decisions per second."""
    from datetime import date

    rules: dict[date, Any] = {}
    answers: list[bytes] = []

    def decide(body: bytes) -> bytes:
        facts = parse_facts(read_json_case(body.decode("utf-8"), "body", DEFAULT_LIMITS))
        day = facts.on or date.today()
        rs = rules.get(day) or rules.setdefault(day, load(None, day))
        return rs.evaluate(facts, day).to_json().encode("utf-8")

    for body in bodies[:200]:  # warm up (rule sets loaded, code generated)
        decide(body)
    started = time.perf_counter()
    for body in bodies:
        answers.append(decide(body))
    return answers, len(bodies) / (time.perf_counter() - started)


async def _request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, body: bytes
) -> tuple[int, bytes]:
    head = (
        f"POST /v1/decisions HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode("ascii")
    writer.write(head + body)
    await writer.drain()
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    return status, await reader.readexactly(length)


async def load_test(url: str, bodies: list[bytes], expected: list[bytes], clients: int) -> dict[str, Any]:
    host_port = url.removeprefix("http://").rstrip("/")
    host, _, port = host_port.partition(":")
    latencies: list[int] = []
    errors = 0
    mismatches = 0
    next_case = 0

    async def client() -> None:
        nonlocal errors, mismatches, next_case
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while next_case < len(bodies):
                i = next_case
                next_case += 1
                started = time.perf_counter_ns()
                status, answer = await _request(reader, writer, host_port, bodies[i])
                latencies.append(time.perf_counter_ns() - started)
                if status != 200:
                    errors += 1
                elif answer != expected[i]:
                    mismatches += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    seconds = time.perf_counter() - started
    ms = sorted(n / 1e6 for n in latencies)

    def pct(p: float) -> float:
        return round(ms[min(len(ms) - 1, int(p * len(ms)))], 2)

    return {
        "requests": len(ms),
        "seconds": round(seconds, 2),
        "decisions_per_second": round(len(ms) / seconds, 1),
        "latency_ms": {
            "p50": pct(0.50),
            "p90": pct(0.90),
            "p99": pct(0.99),
            "max": round(ms[-1], 2),
            "mean": round(statistics.fmean(ms), 2),
        },
        "errors": errors,
        "mismatches": mismatches,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_service(log: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    command = [sys.executable, "-c", "from aidrules.cli.main import main; main()", "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"the service did not start; see {log}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--workers", type=int, default=1, help="The service's worker processes.")
    parser.add_argument("--url", help="A running service (default: start one).")
    parser.add_argument("--json", type=Path, help="Write the figures here.")
    args = parser.parse_args()

    cases = population(args.cases, seed=args.seed)
    bodies = [json.dumps(c, ensure_ascii=False).encode("utf-8") for c in cases]
    expected, local_rate = in_process(bodies)
    load_before = os.getloadavg()
    process = None
    if args.url:
        url = args.url
    else:
        log = Path(os.environ.get("TMPDIR", "/tmp")) / f"aidrules-bench-{os.getpid()}.log"
        process, url = start_service(log, args.workers)
        time.sleep(2 if args.workers > 1 else 0)  # every worker has loaded its rule sets
    try:
        warm = asyncio.run(load_test(url, bodies[:300], expected[:300], args.clients))  # warm-up, not reported
        result = asyncio.run(load_test(url, bodies, expected, args.clients))
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    figures = {
        "clients": args.clients,
        "workers": args.workers if not args.url else None,
        "cases": args.cases,
        "seed": args.seed,
        "service": result,
        "warm_up_errors": warm["errors"] + warm["mismatches"],
        "in_process_decisions_per_second": round(local_rate, 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "aidrules": aidrules.__version__},
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    if result["errors"] or result["mismatches"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
