"""Deciding many cases: JSON Lines in, JSON Lines out, on every core.

Each input line is one case (contract §1, as a JSON object). Each output line says, for the input
line with the same number, either its decision or why it could not be decided::

    {"line": 1, "decision": {...the decision JSON of contract §2...}}
    {"line": 2, "errors": [{"code": "CF001", "message": "client.motivation: ...", "path": "..."}]}

Output lines come in input order. Blank input lines are skipped (and not numbered differently:
line numbers are the input's). Memory stays bounded whatever the input's size: cases are read,
sent to the workers and written in chunks, with a fixed number of chunks under way.

Workers are processes (``spawn``: no threads are copied into them); each loads the rule set once
(per version in force on the cases' dates) and keeps it. ``workers=1`` decides in this process.

Example:
    >>> lines = ['{"on": "2025-03-01", "client": {"consents": false}}', '{"on": "yesterday"}']
    >>> [(r.line, r.ok) for r in decide_lines(enumerate(lines, start=1))]
    [(1, True), (2, False)]
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from aidrules.errors import AidrulesError, Diagnostic, EvaluationError, FactsError

#: Cases sent to a worker at once, and chunks under way per worker (bounds memory).
CHUNK = 64
WINDOW_PER_WORKER = 4


@dataclass(frozen=True)
class Options:
    """How to decide: the rule set (path, ID or ID@VERSION), engine, language, date override."""

    rules: str | None = None
    engine: str = "compiled"
    lang: str = "nl"
    on: date | None = None


@dataclass(frozen=True)
class LineResult:
    """The outcome for one input line: ``text`` is its output line (JSON, no newline)."""

    line: int
    text: str
    ok: bool
    internal: bool = False  # an unexpected failure (a bug), not invalid input
    message: str = ""  # the first problem, for the summary


@dataclass
class Summary:
    lines: int = 0
    decided: int = 0
    invalid: list[tuple[int, str]] = field(default_factory=list)  # (line, first problem)
    internal: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        """0 every case was decided; 2 some lines were invalid; 1 an internal error occurred."""
        if self.internal:
            return 1
        return 2 if self.invalid else 0

    def report(self) -> str:
        rate = self.lines / self.seconds if self.seconds > 0 else 0.0
        text = f"{self.lines} case(s): {self.decided} decided, {len(self.invalid)} invalid"
        if self.internal:
            text += f", {len(self.internal)} internal error(s)"
        return text + f"; {self.seconds:.1f} s ({rate:,.0f} per second)"


# -- deciding one line (in a worker) ------------------------------------------------------------------
class _Decider:
    """The rule sets a worker has loaded, by the version in force on each date."""

    def __init__(
        self,
        options: Options,
        *,
        own_process: bool = False,
        resolver: Callable[[date], Any] | None = None,
    ) -> None:
        self.options = options
        #: the rule set for a date, when the caller has its own (the decision service's loaded sets)
        self.resolver = resolver
        self.by_day: dict[date, Any] = {}
        self.loaded: list[Any] = []
        #: in a worker process of its own, loaded rule sets are kept out of the garbage collector
        self.own_process = own_process
        if options.engine == "durable":  # fail early, with the install hint, not once per line
            from aidrules.engine.durable.runtime import load_durable

            load_durable()

    def ruleset(self, day: date) -> Any:
        """The rule set version in force on ``day``.

        Finding a version reads the registry (tens of milliseconds), so a version already loaded
        whose effective period covers ``day`` is used again: the registry refuses periods that
        overlap, so it is the one that would be found.
        """
        if self.resolver is not None:
            return self.resolver(day)
        found = self.by_day.get(day)
        if found is None:
            for rs in self.loaded:
                period = rs.meta.effective
                if period.from_ <= day and (period.until is None or day <= period.until):
                    found = rs
                    break
            else:
                from aidrules.ruleset.shipped import load

                found = load(self.options.rules, day)
                self.loaded.append(found)
                if self.own_process:
                    _keep_out_of_collections(found)
            self.by_day[day] = found
        return found

    def decide(self, line: int, text: str) -> LineResult:
        from aidrules.facts.jsonload import read_json_case
        from aidrules.facts.parse import parse_facts
        from aidrules.limits import DEFAULT_LIMITS

        name = f"line {line}"
        try:
            data = read_json_case(text, name, DEFAULT_LIMITS)
            if not isinstance(data, dict):
                message = f"{name}: a case must be a JSON object"
                raise FactsError(message, [Diagnostic("CF002", message, path=name)])
            case = parse_facts(data)
            day = self.options.on or case.on
            if day is None:
                message = f"{name}: no decision date: give `on` in the case or --on"
                raise EvaluationError(message, [Diagnostic("BA001", message, path="on")])
            decision = self.ruleset(day).evaluate(case, day, lang=self.options.lang, engine=self.options.engine)
        except AidrulesError as exc:
            problems = [d.to_dict() for d in exc.diagnostics] or [{"message": str(exc)}]
            first = _say(exc, name)
            text = json.dumps({"line": line, "errors": problems}, ensure_ascii=False)
            return LineResult(line, text, False, message=first)
        except Exception as exc:  # a bug: report it on its line and go on with the others
            message = f"internal error: {type(exc).__name__}: {exc}"
            payload = {"line": line, "errors": [{"code": "INTERNAL", "message": message}]}
            return LineResult(line, json.dumps(payload, ensure_ascii=False), False, internal=True, message=message)
        return LineResult(line, f'{{"line": {line}, "decision": {decision.model_dump_json()}}}', True)


def line_decider(
    options: Options, *, resolver: Callable[[date], Any] | None = None
) -> Callable[[int, str], LineResult]:
    """Decide one numbered JSON line at a time, in this process (for input that arrives piecewise).

    ``resolver`` gives the rule set for a date (default: the registry, by ``options.rules``).
    """
    return _Decider(options, resolver=resolver).decide


def _say(exc: AidrulesError, name: str) -> str:
    """The first problem, for a person: ``client.motivation: Input should be ...``."""
    if not exc.diagnostics:
        return str(exc).removeprefix(f"{name}: ")
    first = exc.diagnostics[0]
    message = first.message.removeprefix(f"{name}: ")
    if first.path and first.path not in (name, "on") and not message.startswith(first.path):
        message = f"{first.path}: {message}"
    more = len(exc.diagnostics) - 1
    return message + (f" (and {more} more)" if more else "")


_WORKER: _Decider | None = None


def _start_worker(options: Options) -> None:
    global _WORKER
    _WORKER = _Decider(options, own_process=True)


def _keep_out_of_collections(rules: Any) -> None:
    """Prepare ``rules`` for the compiled engine and move everything alive now out of Python's
    garbage collector (``gc.freeze()``): a loaded rule set lives as long as the worker, and
    Python's full collections would otherwise walk all of its objects again and again, at a cost
    that grows with the size of the rule set (docs/performance.md). Only in a worker process of
    our own: in a caller's process this would also freeze the caller's objects."""
    import gc

    from aidrules.engine.compiled import prepared

    prepared(rules)
    gc.collect()
    gc.freeze()


def _decide_chunk(chunk: list[tuple[int, str]]) -> list[LineResult]:
    assert _WORKER is not None
    return [_WORKER.decide(line, text) for line, text in chunk]


# -- the stream ---------------------------------------------------------------------------------------
def _chunks(lines: Iterable[tuple[int, str]], size: int) -> Iterator[list[tuple[int, str]]]:
    chunk: list[tuple[int, str]] = []
    for number, text in lines:
        if not text.strip():
            continue
        chunk.append((number, text))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def decide_lines(
    lines: Iterable[tuple[int, str]],
    options: Options | None = None,
    *,
    workers: int = 1,
    chunk: int = CHUNK,
    resolver: Callable[[date], Any] | None = None,
) -> Iterator[LineResult]:
    """Decide numbered JSON lines, yielding one :class:`LineResult` per non-blank line, in order.

    ``workers`` > 1 uses that many processes (started with ``spawn``: call this under
    ``if __name__ == "__main__":`` in a script); memory stays bounded (a few chunks per worker).
    ``resolver`` (with ``workers=1`` only) gives the rule set for a date instead of the registry.
    """
    options = options or Options()
    if workers <= 1:
        decider = _Decider(options, resolver=resolver)
        for part in _chunks(lines, chunk):
            for number, text in part:
                yield decider.decide(number, text)
        return
    if options.engine == "durable":  # say how to install it before starting any process
        from aidrules.engine.durable.runtime import load_durable

        load_durable()
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_start_worker, initargs=(options,)) as pool:
        pending: deque[Any] = deque()
        for part in _chunks(lines, chunk):
            pending.append(pool.apply_async(_decide_chunk, (part,)))
            if len(pending) >= workers * WINDOW_PER_WORKER:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def run_batch(
    source: IO[str],
    out: IO[str],
    options: Options | None = None,
    *,
    workers: int | None = None,
    on_line: Callable[[LineResult], None] | None = None,
) -> Summary:
    """Decide every line of ``source`` into ``out``; ``on_line`` sees each result (e.g. progress).

    ``workers`` defaults to the number of cores.
    """
    summary = Summary()
    started = time.perf_counter()
    count = workers if workers is not None else (os.cpu_count() or 1)
    numbered = ((n, text.rstrip("\n")) for n, text in enumerate(source, start=1))
    for result in decide_lines(numbered, options, workers=count):
        out.write(result.text + "\n")
        summary.lines += 1
        if result.ok:
            summary.decided += 1
        elif result.internal:
            summary.internal.append((result.line, result.message))
        else:
            summary.invalid.append((result.line, result.message))
        if on_line is not None:
            on_line(result)
    summary.seconds = time.perf_counter() - started
    return summary


def count_lines(path: Path) -> int:
    """The number of non-blank lines of ``path`` (for a progress bar's total)."""
    total = 0
    with path.open("rb") as f:
        for raw in f:
            if raw.strip():
                total += 1
    return total
