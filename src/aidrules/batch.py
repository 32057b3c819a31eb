"""Deciding many cases: JSON Lines in, JSON Lines out, on every core.

Each input line is one case (contract §1, as a JSON object). Each output line says, for the input
line with the same number, either its decision or why it could not be decided::

    {"line": 1, "decision": {...the decision JSON of contract §2...}}
    {"line": 2, "errors": [{"code": "CF001", "message": "client.motivation: ...", "path": "..."}]}

Output lines come in input order. Blank input lines are skipped (and not numbered differently:
line numbers are the input's). Memory stays bounded whatever the input's size: cases are read,
sent to the workers and written in chunks, with a fixed number of chunks under way.

Workers are processes; each loads the rule set once (per version in force on the cases' dates)
and keeps it. A worker writes its decisions itself. From an input file into an output file
(regular files, the output not opened to append, on Linux, this process running one thread),
the workers also read the input themselves: this process forks them and waits
(:func:`_run_forked`); each takes the next byte range of the input, decides its lines and writes
them at their place in the output (:class:`_Shared`). Otherwise this process reads the input as
a text stream and hands chunks out to workers run by an executor. Into an output file (a
regular file, not opened to append), such a forked worker writes a chunk's output lines at their place (``pwrite``) as
soon as the chunks before it are decided and their sizes known (:class:`_Places`); a chunk that
is done before the one ahead of it goes into a file of its own in a spool folder, and this
process copies it to its place. Into another file (a pipe), the workers spool every chunk and
this process appends the files in input order, in the kernel (``sendfile``), removing each. To an
output that is no file (a Python text stream) the blocks come back as UTF-8 bytes. Sending every
decision back as an object cost this process more than the workers gained; bytes still cost it a
fifth of the workers' time.
On Linux, when this process runs a single thread, workers are forked: they start with its
modules and with the rule sets of the first chunk's dates, which this process loads and prepares
before forking them (:func:`_preload`); otherwise they are started with ``spawn``. ``workers=1``
decides in this process.

Example:
    >>> lines = ['{"on": "2025-03-01", "client": {"consents": false}}', '{"on": "yesterday"}']
    >>> [(r.line, r.ok) for r in decide_lines(enumerate(lines, start=1))]
    [(1, True), (2, False)]
"""

from __future__ import annotations

import codecs
import contextlib
import gc
import itertools
import json
import multiprocessing
import os
import pickle
import selectors
import signal
import stat
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from aidrules._extras import lazy_module
from aidrules.engine.assemble import Assembly
from aidrules.engine.compiled import compiled, prepared
from aidrules.engine.durable.runtime import load_durable
from aidrules.engine.jsonwrite import plain_text
from aidrules.errors import LANGUAGES, AidrulesError, Diagnostic, EvaluationError, FactsError
from aidrules.facts.direct import case_facts
from aidrules.facts.jsonload import read_json_case
from aidrules.limits import DEFAULT_LIMITS
from aidrules.ruleset.shipped import load

if sys.platform == "linux":  # where blocks are written at their place in the output (workers are forked)
    import fcntl

if TYPE_CHECKING:
    import concurrent.futures.process as futures_process
    from concurrent.futures import Future
else:  # the executor runs the workers only where they cannot read the input themselves (4 ms to load)
    futures_process = lazy_module("concurrent.futures.process")

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
    recommendation: str | None = None  # the decision's recommendation (for counting, without reading text)


@dataclass(frozen=True)
class _Block:
    """The output of one chunk as a worker wrote it: the lines (UTF-8, each ending in a newline),
    how many were decided, and the lines that were not: (line, internal error, first problem).
    When the worker spooled the lines to a file of their own, ``data`` is empty and ``spooled``
    names the file; when it wrote them into the output at their place, ``data`` is empty and
    ``written`` is true. ``size`` is the lines' length in bytes."""

    data: bytes
    decided: int
    problems: list[tuple[int, bool, str]]
    spooled: str | None = None
    size: int = 0
    written: bool = False


class _Places:
    """Where the chunks' output lines go in an output file that forked workers write themselves.

    Chunk ``k`` starts where chunk ``k - 1`` ends. A ring of shared slots (``index``, ``end``),
    under one lock, holds for each chunk done its end (``end`` ≥ 0) or, when it was spooled
    before its start was known, its size (``end`` = -1 - size). The worker that decided chunk
    ``k`` claims its place when chunk ``k - 1``'s end is there: it sets its own end, and the ends
    of the spooled chunks right after it (their sizes are there), and writes its lines at their
    place with ``pwrite``. Otherwise it spools them and leaves their size; this process, which
    knows every chunk's size in order, copies them to their place. Chunks under way are at most
    ``window`` (a chunk is handed out only when the one ``window`` before it is done), so a ring of
    ``window + 2`` slots keeps chunk ``k - 1``'s slot until chunk ``k`` is done.
    """

    def __init__(self, context: Any, fd: int, start: int, window: int) -> None:
        self.fd = fd
        self.size = window + 2
        self.lock = context.Lock()
        self.index = context.RawArray("q", [-2] * self.size)  # -2: no chunk
        self.end = context.RawArray("q", self.size)
        self.index[-1 % self.size] = -1  # the chunk before the first ends where the output's blocks start
        self.end[-1 % self.size] = start

    def claim(self, chunk: int, size: int) -> int | None:
        """Where chunk ``chunk`` (``size`` bytes) starts, or None (its size left) while the chunk
        before it has no place."""
        with self.lock:
            return self.claim_locked(chunk, size)[0]

    def claim_locked(self, chunk: int, size: int) -> tuple[int | None, int]:
        """:meth:`claim` with :attr:`lock` held: where the chunk starts (or None), and the first
        chunk after it that has no place yet (when it got its own)."""
        ring, index, end = self.size, self.index, self.end
        before = (chunk - 1) % ring
        if index[before] != chunk - 1 or end[before] < 0:
            index[chunk % ring] = chunk
            end[chunk % ring] = -1 - size
            return None, chunk
        start: int = end[before]
        index[chunk % ring] = chunk
        end[chunk % ring] = last = start + size
        after = chunk + 1
        while index[after % ring] == after and end[after % ring] < 0:  # spooled: placed now
            end[after % ring] = last = last - 1 - end[after % ring]
            after += 1
        return start, after


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

    def count(self, lines: int, decided: int, problems: Iterable[tuple[int, bool, str]]) -> None:
        """Add ``lines`` read, of which ``decided`` decided, and the problems of the others as
        (line, internal, message)."""
        self.lines += lines
        self.decided += decided
        for line, internal, message in problems:
            (self.internal if internal else self.invalid).append((line, message))

    def report(self) -> str:
        rate = self.lines / self.seconds if self.seconds > 0 else 0.0
        text = f"{self.lines} case(s): {self.decided} decided, {len(self.invalid)} invalid"
        if self.internal:
            text += f", {len(self.internal)} internal error(s)"
        return text + f"; {self.seconds:.1f} s ({rate:,.0f} per second)"


class WorkerStopped(RuntimeError):
    """A worker process stopped before it had decided its lines (it was killed, or failed
    outside any line): the output is incomplete. ``line`` is the first line not written, in
    input order (every line before it is in the output)."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"internal error: a worker process stopped ({reason}); the output ends before this line")
        self.line = line


# -- deciding one line (in a worker) ------------------------------------------------------------------
class _Decider:
    """The rule sets a worker has loaded, by the version in force on each date."""

    def __init__(
        self,
        options: Options,
        *,
        own_process: bool = False,
        resolver: Callable[[date], Any] | None = None,
        loaded: Iterable[Any] = (),
    ) -> None:
        self.options = options
        #: the rule set for a date, when the caller has its own (the decision service's loaded sets)
        self.resolver = resolver
        self.by_day: dict[date, Any] = {}
        #: the rule sets loaded so far (a forked worker starts with those its parent prepared)
        self.loaded: list[Any] = list(loaded)
        #: in a worker process of its own, loaded rule sets are kept out of the garbage collector
        self.own_process = own_process
        if options.engine == "durable":  # fail early, with the install hint, not once per line
            load_durable()
        #: whether the language is known (else each case's facts are checked before it is refused)
        self.lang_ok = options.lang in LANGUAGES

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
                found = load(self.options.rules, day)
                self.loaded.append(found)
                if self.own_process:
                    _keep_out_of_collections(found)
            self.by_day[day] = found
        return found

    def decide(self, line: int, text: str) -> LineResult:
        """One JSON line in, its output line out (see :func:`line_decider`).

        The case is validated the direct way, into its fact tree (``facts/direct.py``: the errors
        of :func:`~aidrules.facts.parse.parse_facts`), when it is decided: its date, which chooses
        the rule set, is read from the dict first (:func:`case_day`). The problems come in the
        order the models' way gave them: the facts', then a missing date, then the rule set's and
        the evaluation's. The decision is written from its evaluation record, no models built
        (:func:`aidrules.engine.jsonwrite.plain_text`: the bytes of ``model_dump_json()``)."""
        name = f"line {line}"
        try:
            data = read_json_case(text, name, DEFAULT_LIMITS)
            if not isinstance(data, dict):
                message = f"{name}: a case must be a JSON object"
                raise FactsError(message, [Diagnostic("CF002", message, path=name)])
            if not self.lang_ok:  # the facts' errors come before the language's
                case_facts(data)
            day = self.options.on or case_day(data)
            if day is None:
                day = case_facts(data)[1]  # the facts' errors first; else the case has no date
                if day is None:
                    message = f"{name}: no decision date: give `on` in the case or --on"
                    raise EvaluationError(message, [Diagnostic("BA001", message, path="on")])
            try:
                rules = self.ruleset(day)
            except Exception:
                case_facts(data)  # the facts' errors come before the rule set's
                raise
            written, recommendation = self.write(rules, data, day)
        except AidrulesError as exc:
            problems = [d.to_dict() for d in exc.diagnostics] or [{"message": str(exc)}]
            first = _say(exc, name)
            text = json.dumps({"line": line, "errors": problems}, ensure_ascii=False)
            return LineResult(line, text, False, message=first)
        except Exception as exc:  # a bug: report it on its line and go on with the others
            message = f"internal error: {type(exc).__name__}: {exc}"
            payload = {"line": line, "errors": [{"code": "INTERNAL", "message": message}]}
            return LineResult(line, json.dumps(payload, ensure_ascii=False), False, internal=True, message=message)
        return LineResult(line, f'{{"line": {line}, "decision": {written}}}', True, recommendation=recommendation)

    def write(self, rules: Any, data: dict[str, Any], day: date) -> tuple[str, str]:
        """Decide ``data`` on ``day`` by ``rules``: the decision's ``model_dump_json()`` text and
        its recommendation. The compiled engine's is written from the evaluation record, without
        a Decision; another engine's from its Decision."""
        lang = self.options.lang
        if self.options.engine == "compiled":
            backend = compiled(rules)
            record = backend.record(data, day, lang=lang)
            return plain_text(Assembly(record, backend.state)), record.recommendation
        decision = rules.evaluate(data, day, lang=lang, engine=self.options.engine)
        return decision.model_dump_json(), decision.recommendation

    def lines(self, chunk: Iterable[tuple[int, str]]) -> tuple[bytes, int, list[tuple[int, bool, str]]]:
        """Decide numbered lines: their output lines (each ending in a newline) as bytes, how many
        were decided, and the problems of the others as (line, internal, message)."""
        texts = []
        decided = 0
        problems = []
        for line, text in chunk:
            result = self.decide(line, text)
            texts.append(result.text)
            if result.ok:
                decided += 1
            else:
                problems.append((line, result.internal, result.message))
        texts.append("")  # every line ends in a newline
        return "\n".join(texts).encode("utf-8"), decided, problems

    def block(
        self, chunk: list[tuple[int, str]], spool: str | None = None, places: _Places | None = None, at: int = 0
    ) -> _Block:
        """Decide a chunk of lines and write their output lines into one block of bytes: into the
        output at their place when ``places`` has it (the chunk's number is ``at``), else into a
        new file in the folder ``spool``, when given."""
        data, decided, problems = self.lines(chunk)
        size = len(data)
        if spool is None:
            return _Block(data, decided, problems, size=size)
        if places is not None:
            start = places.claim(at, size)
            if start is not None:
                _write_at(places.fd, data, start)
                return _Block(b"", decided, problems, size=size, written=True)
        with tempfile.NamedTemporaryFile("wb", dir=spool, suffix=".jsonl", delete=False) as part:
            part.write(data)
        return _Block(b"", decided, problems, spooled=part.name, size=size)


def line_decider(
    options: Options, *, resolver: Callable[[date], Any] | None = None
) -> Callable[[int, str], LineResult]:
    """Decide one numbered JSON line at a time, in this process (for input that arrives piecewise):
    the path from a JSON line to its output line that ``aidrules batch`` and the service's
    ``/v1/batch`` share. The case is read within the default limits, validated and decided; the
    :class:`LineResult` holds the output line (the decision JSON, or the problems).

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
#: the folder where this worker writes its blocks, or None to send them back as bytes
_SPOOL: str | None = None
#: the places of the blocks in the output file, when this worker writes them there itself
_PLACES: _Places | None = None


def _start_worker(
    options: Options, forked: bool, spool: str | None, preloaded: list[Any], places: _Places | None = None
) -> None:
    global _WORKER, _SPOOL, _PLACES
    _SPOOL = spool
    _PLACES = places
    if forked:  # what this process inherited lives as long as it: out of the collector, untouched
        gc.freeze()
    _WORKER = _Decider(options, own_process=True, loaded=preloaded)


def _preload(chunk: list[tuple[int, str]], options: Options) -> list[Any]:
    """The rule sets that decide the first chunk's cases, found, loaded and prepared in this
    process before the workers are forked, which inherit them ready: otherwise every worker finds,
    loads and prepares the same rule sets again (a tenth of a second of CPU each, docs/performance.md).
    A line whose date cannot be read here, or whose rule set cannot be loaded, is left to its
    worker, which reports it on its line.

    The first line that finds its rule set is also decided here, its result dropped: what a
    language's first decision makes (the conditions' loop of the rule set in that language, the
    language's number and date formats) is then made once, not once in every worker (about 35 ms
    of each worker's first chunk, docs/performance.md). Only for the compiled engine: the durable
    engine's C extension keeps state that is not forked."""
    decider = _Decider(options)
    warm = False
    for number, text in chunk:
        day = options.on or _case_day(text)
        if day is None:
            continue
        try:
            prepared(decider.ruleset(day))
        except AidrulesError:
            continue
        if not warm and options.engine == "compiled":
            warm = decider.decide(number, text).ok
    return decider.loaded


def _case_day(text: str) -> date | None:
    """The ``on`` of a case line when it is a plain ISO date, else None."""
    try:
        data = read_json_case(text, "line", DEFAULT_LIMITS)
    except AidrulesError:
        return None
    return case_day(data) if isinstance(data, dict) else None


def case_day(data: dict[str, Any]) -> date | None:
    """The case's own date (``on``) read from its dict without validating the case: the date the
    case model gives it when it accepts it, or None when ``on`` is missing, ``null`` or not a date
    in the form YYYY-MM-DD (the case model then gives no date, or refuses the case).

    Example:
        >>> case_day({"on": "2025-03-01", "client": {"motivation": "many"}}), case_day({"on": "1/3/2025"})
        (datetime.date(2025, 3, 1), None)
    """
    on = data.get("on")
    if on.__class__ is not str or len(on) != 10 or on[4] != "-" or on[7] != "-":
        return None
    try:
        return date.fromisoformat(on)
    except ValueError:
        return None


def _keep_out_of_collections(rules: Any) -> None:
    """Prepare ``rules`` for the compiled engine and move everything alive now out of Python's
    garbage collector (``gc.freeze()``): a loaded rule set lives as long as the worker, and
    Python's full collections would otherwise walk all of its objects again and again, at a cost
    that grows with the size of the rule set (docs/performance.md). Only in a worker process of
    our own: in a caller's process this would also freeze the caller's objects."""
    prepared(rules)
    gc.collect()  # cheap in a forked worker: what it inherited was frozen when it started
    gc.freeze()


def _decide_block(at: int, chunk: list[tuple[int, str]]) -> _Block:
    assert _WORKER is not None
    return _WORKER.block(chunk, _SPOOL, _PLACES, at)


def _start_method() -> str:
    """``fork`` on Linux when this process runs one thread (workers start with what is loaded
    here, and no lock can be held by a thread that the fork leaves behind); ``spawn`` otherwise."""
    return "fork" if sys.platform == "linux" and threading.active_count() == 1 else "spawn"


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


def _blocks(
    lines: Iterable[tuple[int, str]],
    options: Options,
    *,
    workers: int,
    chunk: int,
    resolver: Callable[[date], Any] | None,
    spool: str | None = None,
    output: tuple[int, int] | None = None,
) -> Iterator[tuple[list[int], _Block]]:
    """The line numbers of each chunk and its block, in input order (workers write blocks into
    files in the folder ``spool`` when given; forked workers write them into the output file
    ``output`` = (descriptor, where the blocks start) at their place when they can, and spool
    the others, which the caller copies to their place)."""
    if workers <= 1:
        decider = _Decider(options, resolver=resolver)
        for part in _chunks(lines, chunk):
            yield [number for number, _ in part], decider.block(part)
        return
    if options.engine == "durable":  # say how to install it before starting any process
        load_durable()
    method = _start_method()
    context = multiprocessing.get_context(method)
    parts = _chunks(lines, chunk)
    first = next(parts, None)
    if first is None:  # nothing to decide: no worker to start
        return
    # Forked workers inherit the rule sets prepared here (a spawned one would receive them pickled).
    preloaded = _preload(first, options) if method == "fork" else []
    window = workers * WINDOW_PER_WORKER
    places = _Places(context, *output, window) if output is not None and method == "fork" else None
    initargs = (options, method == "fork", spool, preloaded, places)
    # Not multiprocessing.Pool: its thread that keeps the workers running wakes up whenever a
    # result is waiting and spins until another thread has read it (a tenth of a second of this
    # process's CPU on 6,000 cases, taken from the workers on two cores); the executor's one
    # thread reads each result when it wakes up.
    pool = futures_process.ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=initargs
    )
    pending: deque[tuple[list[int], Future[_Block]]] = deque()
    line = first[0][0]  # the first line of the chunk being handed out
    try:
        for at, part in enumerate(itertools.chain([first], parts)):
            line = part[0][0]
            pending.append(([number for number, _ in part], pool.submit(_decide_block, at, part)))
            if len(pending) >= window:
                numbers, result = pending[0]
                block = result.result()
                pending.popleft()
                yield numbers, block
        while pending:
            numbers, result = pending[0]
            block = result.result()
            pending.popleft()
            yield numbers, block
    except futures_process.BrokenProcessPool:  # the first line not given to the caller
        raise WorkerStopped(pending[0][0][0] if pending else line, "the process ended abruptly") from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def decide_lines(
    lines: Iterable[tuple[int, str]],
    options: Options | None = None,
    *,
    workers: int = 1,
    chunk: int = CHUNK,
    resolver: Callable[[date], Any] | None = None,
) -> Iterator[LineResult]:
    """Decide numbered JSON lines, yielding one :class:`LineResult` per non-blank line, in order.

    ``workers`` > 1 uses that many processes (started with ``spawn`` where they cannot be forked:
    call this under ``if __name__ == "__main__":`` in a script); memory stays bounded (a few chunks
    per worker). ``resolver`` (with ``workers=1`` only) gives the rule set for a date instead of the
    registry. :func:`run_batch` writes the workers' blocks without splitting them into results.
    A worker process that dies raises :class:`WorkerStopped` (naming the first line not given).
    """
    options = options or Options()
    if workers <= 1:
        decider = _Decider(options, resolver=resolver)
        for part in _chunks(lines, chunk):
            for number, text in part:
                yield decider.decide(number, text)
        return
    for numbers, block in _blocks(lines, options, workers=workers, chunk=chunk, resolver=resolver):
        problems = {line: (internal, message) for line, internal, message in block.problems}
        texts = block.data.decode("utf-8").split("\n")
        for number, text in zip(numbers, texts, strict=False):
            internal, message = problems.get(number, (False, ""))
            yield LineResult(number, text, number not in problems, internal=internal, message=message)


def run_batch(
    source: IO[str],
    out: IO[str],
    options: Options | None = None,
    *,
    workers: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Summary:
    """Decide every line of ``source`` into ``out``; ``on_progress`` hears how many lines were just
    done (e.g. for a progress bar), a chunk at a time.

    ``workers`` defaults to the number of cores. The output is the same, byte for byte, whatever
    the number of workers.
    """
    summary = Summary()
    started = time.perf_counter()
    count = workers if workers is not None else (os.cpu_count() or 1)
    numbered = ((n, text.rstrip("\n")) for n, text in enumerate(source, start=1))
    write = _writer(out)
    target = _file_of(out)
    #: where the next block goes, when the blocks are written at their place in the output file
    offset: int | None = None
    if target is not None and count > 1 and _placeable(target):
        out.flush()  # anything written to ``out`` before stays before
        offset = os.lseek(target, 0, os.SEEK_CUR)
    if offset is not None and target is not None and _start_method() == "fork":
        source_fd = _input_file(source)
        ran = (
            None
            if source_fd is None
            else _run_forked(source_fd, target, offset, options or Options(), count, on_progress)
        )
        if ran is not None:
            summary, end = ran
            os.lseek(target, end, os.SEEK_SET)  # what is written to ``out`` next goes after the lines
            source.seek(0, os.SEEK_END)  # the input is read, as when it is read as a text stream
            summary.seconds = time.perf_counter() - started
            return summary
    with tempfile.TemporaryDirectory(prefix="aidrules-batch-") as spool:
        blocks = _blocks(
            numbered,
            options or Options(),
            workers=count,
            chunk=CHUNK,
            resolver=None,
            spool=spool if target is not None and count > 1 else None,
            output=(target, offset) if target is not None and offset is not None else None,
        )
        try:
            for numbers, block in blocks:
                _take(summary, numbers, block, out, target, offset, write)
                if on_progress is not None:
                    on_progress(len(numbers))
                if offset is not None:
                    offset += block.size
        except WorkerStopped as stopped:
            summary.internal.append((stopped.line, str(stopped)))
            if offset is not None and target is not None:  # the lines before it, nothing after them
                os.ftruncate(target, offset)
    if offset is not None and target is not None:
        os.lseek(target, offset, os.SEEK_SET)  # what is written to ``out`` next goes after the blocks
    summary.seconds = time.perf_counter() - started
    return summary


def _take(
    summary: Summary,
    numbers: list[int],
    block: _Block,
    out: IO[str],
    target: int | None,
    offset: int | None,
    write: Callable[[bytes], Any],
) -> None:
    """Put a chunk's block into the output (at ``offset`` in the file ``target`` when its place is
    known, after what is there when it is spooled, else through ``write``) and count it."""
    if offset is not None and target is not None:
        if block.spooled is not None:
            _copy_at(block.spooled, target, offset)
        elif not block.written:
            _write_at(target, block.data, offset)
    elif block.spooled is not None and target is not None:
        out.flush()  # anything written to ``out`` before stays before
        _copy_out(block.spooled, target)
    else:
        write(block.data)
    summary.count(len(numbers), block.decided, block.problems)


def _file_of(out: IO[str]) -> int | None:
    """The file descriptor under ``out`` when workers' files can be copied into it by the kernel
    (a UTF-8 text stream over a file or pipe), else None."""
    encoding = getattr(out, "encoding", None)
    if getattr(out, "buffer", None) is None or encoding is None or codecs.lookup(encoding).name != "utf-8":
        return None
    try:
        return out.fileno()
    except (OSError, ValueError):  # io.UnsupportedOperation is both
        return None


def _placeable(target: int) -> bool:
    """Whether blocks can be written at their place in ``target`` (``pwrite``): a regular file,
    on Linux (where workers are forked), not opened to append (``pwrite`` then appends)."""
    try:
        return (
            sys.platform == "linux"
            and stat.S_ISREG(os.fstat(target).st_mode)
            and not fcntl.fcntl(target, fcntl.F_GETFL) & os.O_APPEND
        )
    except OSError:
        return False


def _write_at(target: int, data: bytes, offset: int) -> None:
    """Write ``data`` into the file ``target`` at ``offset`` (its file position unchanged)."""
    view = memoryview(data)
    done = 0
    while done < len(view):
        done += os.pwrite(target, view[done:], offset + done)


def _copy_at(path: str, target: int, offset: int) -> None:
    """Copy the file ``path`` into the file ``target`` at ``offset`` (in the kernel where it can),
    then remove it."""
    with open(path, "rb") as part:
        size = os.fstat(part.fileno()).st_size
        done = 0
        try:
            while done < size:
                copied = os.copy_file_range(part.fileno(), target, size - done, done, offset + done)
                if copied == 0:
                    break
                done += copied
        except OSError:
            pass
        if done < size:  # no copy in the kernel between these files: the rest by reading and writing
            part.seek(done)
            while chunk := part.read(1 << 20):
                _write_at(target, chunk, offset + done)
                done += len(chunk)
    os.unlink(path)


def _copy_out(path: str, target: int) -> None:
    """Append the file ``path`` to the descriptor ``target`` (in the kernel where it can), then
    remove it: at most a few blocks per worker are spooled at any time."""
    with open(path, "rb") as part:
        size = os.fstat(part.fileno()).st_size
        sent = 0
        try:
            while sent < size:
                done = os.sendfile(target, part.fileno(), sent, size - sent)
                if done == 0:
                    break
                sent += done
        except OSError:
            pass
        if sent < size:  # no sendfile into this target: the rest by reading and writing
            part.seek(sent)
            while chunk := part.read(1 << 20):
                os.write(target, chunk)
    os.unlink(path)


def _writer(out: IO[str]) -> Callable[[bytes], Any]:
    """Write UTF-8 blocks to ``out``: straight to its byte buffer when it has one and writes UTF-8
    (after what was written as text before), else as text."""
    buffer = getattr(out, "buffer", None)
    encoding = getattr(out, "encoding", None)
    if buffer is not None and encoding is not None and codecs.lookup(encoding).name == "utf-8":
        out.flush()
        return cast(Callable[[bytes], Any], buffer.write)
    return lambda data: out.write(data.decode("utf-8"))


def count_lines(path: Path) -> int:
    """The number of non-blank lines of ``path`` (for a progress bar's total)."""
    total = 0
    with path.open("rb") as f:
        for raw in f:
            if raw.strip():
                total += 1
    return total


# -- forked workers that read their own ranges of the input file ----------------------------------------
#: Bytes of the input read at once when it is scanned before the workers start.
_SCAN = 1 << 20
#: Seconds a worker sleeps while it waits for the chunks before its own to be placed.
_NAP = 0.0005
#: Seconds between two looks at the lines decided, for a progress bar (a redraw of the command's
#: bar costs it about half a millisecond of CPU, taken from the workers: once per chunk of 64
#: lines, as under the executor, that is about 0.13 s on 20,000 cases).
_PROGRESS_EVERY = 0.2


class _Shared:
    """What forked workers share while each reads its own ranges of the input file and writes its
    output lines at their place in the output file; the command only waits for them.

    **Input.** Under ``feed_lock`` a worker takes the next range (``feed``: its start in the
    input, the number of its first line, the chunk's number): about ``step`` bytes from there
    (less near the end of the input, so that the workers end together), cut after a newline,
    read with ``pread``; the next range starts after it, its first line numbered from the
    newlines counted in this one (``bytes.count``). Ranges are taken in order, so the work stays
    balanced whichever worker is faster.

    **Output.** Chunk ``k``'s lines start where chunk ``k - 1``'s end, placed by a
    :class:`_Places` (``places``): under its lock (``place_lock``) a ring of ``ring`` slots holds,
    for each chunk done, its number (``index``), its end (``end`` ≥ 0) or, while the chunk before
    it has no place, its size (``end`` = -1 - size); beside it, whether its lines are in the
    output (``written``) and its first line (``firsts``); ``placed`` is
    the number of leading chunks that have a place. A worker whose chunk gets its place when it
    is done writes it there (``pwrite``); otherwise it keeps the chunk's bytes, and the worker
    that places the chunk before it places it too (its size is in the ring); the owner writes it
    at the next look. A chunk is taken only when the slot it reuses is free (the chunk ``ring``
    before it written, the one after that placed), so a worker keeps at most ``ring`` chunks.
    """

    def __init__(
        self, context: Any, *, source: int, size: int, step: int, target: int, start: int, workers: int
    ) -> None:
        self.source, self.length, self.step, self.target, self.workers = source, size, step, target, workers
        self.feed_lock = context.Lock()
        self.feed = context.RawArray("q", [0, 1, 0])  # next range's start, its first line, its chunk
        #: the chunks' places in the output: the ring's ``index`` and ``end`` (and its lock)
        self.places = _Places(context, target, start, workers * WINDOW_PER_WORKER)
        self.ring, self.index, self.end = self.places.size, self.places.index, self.places.end
        self.place_lock = self.places.lock
        self.written = context.RawArray("b", self.ring)
        self.placed = context.RawValue("q", 0)
        self.written[-1 % self.ring] = 1  # the chunk before the first, where the output's lines start
        self.stop = context.RawValue("b", 0)  # set by the command when a worker died
        self.done = context.RawArray("q", workers)  # lines decided by each worker (for progress)
        self.current = context.RawArray("q", workers)  # the first line of each worker's chunk
        self.taken = context.RawArray("q", [-1] * workers)  # each worker's chunk
        self.firsts = context.RawArray("q", self.ring)  # the first line of each chunk in the ring
        self.lead = context.RawArray("q", [0, start])  # the first chunk not written, where it starts

    def take(self, me: int) -> tuple[int, int, bytes] | bool:
        """The next range as (chunk, its first line's number, its bytes); False at the end of
        the input, True when the ring has no free slot for it yet (try again)."""
        feed = self.feed
        with self.feed_lock:
            offset, first, chunk = feed[0], feed[1], feed[2]
            if offset >= self.length:
                return False
            reused = chunk - self.ring
            with self.place_lock:
                if reused + 1 >= self.placed.value:
                    return True
                if reused >= -1 and not (self.index[reused % self.ring] == reused and self.written[reused % self.ring]):
                    return True
            # Near the end ranges get smaller, down to an eighth, so that the workers end together.
            step = min(self.step, max(self.step // 8, (self.length - offset) // (2 * self.workers)))
            data = os.pread(self.source, min(step, self.length - offset), offset)
            if not data:  # the file was cut short while it was read: its end is here
                feed[0] = self.length
                return False
            if offset + len(data) < self.length:  # cut after the range's last newline
                cut = data.rfind(b"\n") + 1
                data = data[:cut] if cut else self._rest_of_line(offset, data)
            feed[0], feed[1], feed[2] = offset + len(data), first + data.count(b"\n"), chunk + 1
            self.current[me], self.taken[me] = first, chunk
        return chunk, first, data

    def _rest_of_line(self, offset: int, data: bytes) -> bytes:
        """``data`` (read from ``offset``, no newline in it) and the rest of its line: a line
        longer than a range, read in pieces that double in size, so a long line is read in time
        proportional to its length."""
        pieces = [data]
        end = offset + len(data)
        while end < self.length:
            more = os.pread(self.source, min(max(self.step, end - offset), self.length - end), end)
            if not more:
                break
            end += len(more)
            cut = more.find(b"\n") + 1
            if cut:
                pieces.append(more[:cut])
                break
            pieces.append(more)
        return b"".join(pieces)

    def claim(self, chunk: int, size: int, first: int) -> int | None:
        """Where chunk ``chunk`` (``size`` bytes, from line ``first``) starts, or None while the
        chunk before it has no place (see :meth:`_Places.claim`)."""
        with self.place_lock:
            self.firsts[chunk % self.ring] = first
            self.written[chunk % self.ring] = 0
            start, after = self.places.claim_locked(chunk, size)  # chunks kept by their workers: placed too
            if start is not None:
                self.placed.value = after
            return start

    def write(self, chunk: int, data: bytes, start: int) -> None:
        """Write chunk ``chunk``'s lines at ``start`` in the output and say so in the ring (and
        in ``lead``: the first chunk not written and where it starts, all before it written)."""
        _write_at(self.target, data, start)
        ring, lead = self.ring, self.lead
        with self.place_lock:
            self.written[chunk % ring] = 1
            while self.index[lead[0] % ring] == lead[0] and self.written[lead[0] % ring]:
                lead[1] = self.end[lead[0] % ring]
                lead[0] += 1

    def written_up_to(self) -> tuple[int, int]:
        """The first line not in the output and where the output's lines before it end, every
        line before it being there (after the workers ended, some of them abruptly)."""
        chunk, end = self.lead[0], self.lead[1]
        if self.index[chunk % self.ring] == chunk:  # decided, not written
            return int(self.firsts[chunk % self.ring]), int(end)
        for me, taken in enumerate(self.taken):  # being decided
            if taken == chunk:
                return int(self.current[me]), int(end)
        return int(self.feed[1]), int(end)  # not taken yet

    def flush(self, kept: list[tuple[int, bytes]]) -> None:
        """Write the chunks ``kept`` (by this worker, in order) that have a place now."""
        while kept:
            chunk, data = kept[0]
            with self.place_lock:
                end = self.end[chunk % self.ring]
            if end < 0:
                return
            self.write(chunk, data, end - len(data))
            kept.pop(0)

    def output_end(self) -> int:
        """Where the last chunk's lines end in the output (after every worker has finished)."""
        last = self.feed[2] - 1
        return int(self.end[last % self.ring])


def _lines_of(first: int, data: bytes) -> Iterator[tuple[int, str]]:
    """The numbered non-blank lines of a range that starts with line ``first``, without their
    newline, as a text file read in universal-newline mode gives them (the range holds no
    carriage return: :func:`_scan`)."""
    texts = data.decode("utf-8").split("\n")
    if texts[-1] == "":
        texts.pop()
    for number, text in enumerate(texts, start=first):
        if text.strip():
            yield number, text


def _forked_worker(shared: _Shared, me: int, options: Options, preloaded: list[Any]) -> tuple[int, int, list[Any]]:
    """Decide ranges of the input until there are none left: (lines, decided, problems)."""
    gc.freeze()  # what this process inherited lives as long as it: out of the collector, untouched
    decider = _Decider(options, own_process=True, loaded=preloaded)
    kept: list[tuple[int, bytes]] = []
    lines = decided = 0
    problems: list[tuple[int, bool, str]] = []
    while not shared.stop.value:
        taken = shared.take(me)
        if taken is False:
            break
        if taken is True:  # the ring is full: the chunks before ours are still under way
            shared.flush(kept)
            time.sleep(_NAP)
            continue
        chunk, first, data = taken
        numbered = list(_lines_of(first, data))
        block, done, found = decider.lines(numbered)
        count = len(numbered)
        decided += done
        problems += found
        start = shared.claim(chunk, len(block), first)
        if start is None:
            kept.append((chunk, block))
        else:
            shared.write(chunk, block, start)
        shared.flush(kept)
        lines += count
        shared.done[me] += count
    while kept and not shared.stop.value:  # the chunks before these are being decided by others
        shared.flush(kept)
        if kept:
            time.sleep(_NAP)
    return lines, decided, problems


def _scan(source: int, size: int) -> bool:
    """Whether the input's lines can be read by byte ranges as its text stream reads them: no
    carriage return (a text file's universal newlines would end lines there) and UTF-8 throughout
    (a text stream stops at the first invalid byte)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    while offset < size:
        piece = os.pread(source, min(_SCAN, size - offset), offset)
        if not piece:
            return False
        if b"\r" in piece:
            return False
        if not piece.isascii():
            try:
                decoder.decode(piece)
            except UnicodeDecodeError:
                return False
        offset += len(piece)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _first_lines(source: int, size: int) -> tuple[list[tuple[int, str]], int]:
    """The first chunk's numbered lines (for :func:`_preload`; those in the first megabyte) and the
    size of the input's ranges: the bytes of those lines (at least 4 KB)."""
    pieces: list[bytes] = []
    done = newlines = 0
    while done < min(size, _SCAN) and newlines < CHUNK:
        more = os.pread(source, min(1 << 16, size - done), done)
        if not more:
            break
        pieces.append(more)
        done += len(more)
        newlines += more.count(b"\n")
    lines = b"".join(pieces).split(b"\n")
    if done < size:  # the last one goes on
        lines.pop()
    head = b"".join(line + b"\n" for line in lines[:CHUNK])
    return list(_lines_of(1, head)), max(4096, len(head))


def _run_forked(
    source: int, target: int, start: int, options: Options, workers: int, on_progress: Callable[[int], None] | None
) -> tuple[Summary, int] | None:
    """Decide the input file ``source`` into the output file ``target`` from ``start`` with
    ``workers`` forked workers that read their own ranges of the input (:class:`_Shared`): the
    summary and where the output's lines end; None when the input cannot be read by ranges
    (:func:`_scan`), then the caller reads it as a text stream."""
    size = os.fstat(source).st_size
    if not _scan(source, size):
        return None
    summary = Summary()
    if size == 0:  # nothing to decide: no worker to start
        return summary, start
    first, step = _first_lines(source, size)
    if options.engine == "durable":  # say how to install it before starting any process
        load_durable()
    preloaded = _preload(first, options)
    context = multiprocessing.get_context("fork")
    shared = _Shared(context, source=source, size=size, step=step, target=target, start=start, workers=workers)
    children: dict[int, tuple[int, int]] = {}  # read end of its pipe -> (pid, worker)
    try:
        for me in range(workers):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the worker: never returns into the caller's code
                code = 1
                try:
                    for other in children:
                        os.close(other)
                    os.close(read)
                    try:
                        outcome: tuple[str, Any] = ("done", _forked_worker(shared, me, options, preloaded))
                        code = 0
                    except BaseException as exc:  # reported to the command, which stops
                        outcome = ("failed", f"{type(exc).__name__}: {exc}")
                    payload = memoryview(pickle.dumps(outcome))
                    while payload:
                        payload = payload[os.write(write, payload) :]
                finally:
                    os._exit(code)
            os.close(write)
            children[read] = (pid, me)
        results, failures = _collect(shared, children, on_progress)
    except BaseException:
        shared.stop.value = 1
        _end(children)
        raise
    for lines, decided, problems in results:
        summary.count(lines, decided, problems)
    summary.invalid.sort()
    summary.internal.sort()
    if failures:  # the output holds the lines before the first one not written, nothing after them
        line, end = shared.written_up_to()
        os.ftruncate(target, end)
        summary.internal.append((line, str(WorkerStopped(line, failures[0]))))
        summary.internal.sort()
        return summary, end
    return summary, shared.output_end()


def _collect(
    shared: _Shared, children: dict[int, tuple[int, int]], on_progress: Callable[[int], None] | None
) -> tuple[list[tuple[int, int, list[tuple[int, bool, str]]]], list[str]]:
    """Wait for the workers (``children``: the read end of each one's pipe -> its process and
    number) and read what each sends when it ends: their outcomes, and for a worker that failed
    or died, why it stopped. When one stops, the
    others are stopped too (the output cannot be completed). With ``on_progress``, the lines
    decided so far are read five times a second; otherwise this process sleeps until they end."""
    selector = selectors.DefaultSelector()
    received = {fd: bytearray() for fd in children}
    for fd in children:
        selector.register(fd, selectors.EVENT_READ)
    results: list[tuple[int, int, list[tuple[int, bool, str]]]] = []
    failures: list[str] = []
    stopped: set[int] = set()  # workers this process stopped because another one failed
    reported = 0
    try:
        while selector.get_map():
            for key, _ in selector.select(_PROGRESS_EVERY if on_progress is not None else None):
                fd = int(key.fd)
                data = os.read(fd, 1 << 16)
                if data:
                    received[fd] += data
                    continue
                selector.unregister(fd)
                os.close(fd)
                pid, me = children.pop(fd)
                status = os.waitpid(pid, 0)[1]
                outcome = _outcome(received.pop(fd))
                if os.waitstatus_to_exitcode(status) == 0 and outcome is not None and outcome[0] == "done":
                    results.append(outcome[1])
                    continue
                if me in stopped:
                    continue
                failures.append(_why(status, outcome))
                shared.stop.value = 1
                for other_pid, other in children.values():
                    stopped.add(other)
                    _kill(other_pid)
            if on_progress is not None:
                done = sum(shared.done)
                if done > reported:
                    on_progress(done - reported)
                    reported = done
    finally:
        selector.close()
    return results, failures


def _outcome(data: bytes | bytearray) -> tuple[str, Any] | None:
    """What a worker sent when it ended, or None when it sent nothing whole (it died)."""
    try:
        outcome = pickle.loads(data)
    except Exception:  # a worker that died mid-way left part of it
        return None
    return cast(tuple[str, Any], outcome) if isinstance(outcome, tuple) and len(outcome) == 2 else None


def _why(status: int, outcome: tuple[str, Any] | None) -> str:
    """Why a worker stopped: its error, or how its process ended."""
    if outcome is not None and outcome[0] == "failed":
        return str(outcome[1])
    code = os.waitstatus_to_exitcode(status)
    return f"killed by signal {-code}" if code < 0 else f"exit code {code}"


def _kill(pid: int) -> None:
    """Stop a worker at once (it may be waiting on a lock a dead worker held)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _end(children: dict[int, tuple[int, int]]) -> None:
    """Stop and reap the workers still running, and close their pipes (when this process is
    interrupted)."""
    for fd, (pid, _) in children.items():
        _kill(pid)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
        os.close(fd)
    children.clear()


def _input_file(source: IO[str]) -> int | None:
    """The file descriptor under ``source`` when workers can read its lines by byte ranges
    themselves: a UTF-8 text stream (strict) over a regular file, nothing read from it yet."""
    encoding = getattr(source, "encoding", None)
    if getattr(source, "buffer", None) is None or encoding is None or codecs.lookup(encoding).name != "utf-8":
        return None
    if getattr(source, "errors", None) != "strict":
        return None
    try:
        fd = source.fileno()
        if not stat.S_ISREG(os.fstat(fd).st_mode) or not source.seekable() or source.tell() != 0:
            return None
    except (OSError, ValueError):
        return None
    return fd
