"""Batch evaluation: JSON Lines in and out, in order, bounded, every core; bad lines do not stop it."""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import aidrules
from aidrules import batch
from aidrules.batch import CHUNK, WINDOW_PER_WORKER, Options, decide_lines, line_decider, run_batch
from aidrules.cli.main import app
from aidrules.engine.compiled import prepared
from aidrules.ruleset.compile import compile_text
from security.helpers import with_derived

GOOD = [
    {"on": "2025-03-01", "client": {"consents": False}},
    {"on": "2025-03-02", "client": {"consents": True, "motivation": 1}, "debts": []},
    {"on": "2024-06-01", "household": {"category": "single", "adults": 1, "children": []}},
]


def _lines() -> list[str]:
    lines = [json.dumps(c) for c in GOOD]
    lines.insert(1, '{"on": "2025-03-01", "client": {"motivation": 9}}')  # line 2: out of range
    lines.insert(3, "")  # line 4: blank, skipped
    lines.insert(4, "this is not json")  # line 5
    lines.append('{"client": {"consents": true}}')  # line 7: no decision date
    return lines


def test_each_line_gets_its_decision_or_its_problems_in_input_order() -> None:
    results = list(decide_lines(enumerate(_lines(), start=1)))
    assert [(r.line, r.ok) for r in results] == [(1, True), (2, False), (3, True), (5, False), (6, True), (7, False)]
    first = json.loads(results[0].text)
    expected = aidrules.load(None, None).evaluate(GOOD[0]).model_dump(mode="json")
    assert first == {"line": 1, "decision": expected}
    problems = json.loads(results[1].text)
    assert problems["line"] == 2 and problems["errors"][0]["path"] == "client.motivation"
    assert "not valid JSON" in results[3].message
    assert "no decision date" in results[5].message
    # each case is decided by the version of the rule set in force on its date
    assert json.loads(results[4].text)["decision"]["ruleset"]["version"] == "2024.1"


def test_workers_give_the_same_output_as_one_process(tmp_path: Path) -> None:
    lines = _lines() * 40
    one, many = io.StringIO(), io.StringIO()
    summary_one = run_batch(io.StringIO("\n".join(lines) + "\n"), one, workers=1)
    summary_many = run_batch(io.StringIO("\n".join(lines) + "\n"), many, Options(), workers=2)
    assert one.getvalue() == many.getvalue()
    assert summary_one.lines == summary_many.lines == 240
    assert summary_many.decided == 120 and len(summary_many.invalid) == 120
    assert summary_many.exit_code == 2


def _expected_output(lines: list[str]) -> bytes:
    """The output written line by line through the one-line decider, in this process."""
    decide = line_decider(Options())
    texts = [decide(n, text).text for n, text in enumerate(lines, start=1) if text.strip()]
    return "".join(text + "\n" for text in texts).encode("utf-8")


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_the_written_file_is_byte_identical_for_any_number_of_workers(tmp_path: Path, workers: int) -> None:
    lines = _lines() * (CHUNK // 3)  # several chunks, valid and invalid lines in each
    target = tmp_path / "out.jsonl"
    with target.open("w", encoding="utf-8") as out:
        summary = run_batch(io.StringIO("\n".join(lines) + "\n"), out, workers=workers)
    assert target.read_bytes() == _expected_output(lines)
    assert summary.lines == 6 * (CHUNK // 3) and summary.decided == 3 * (CHUNK // 3)
    assert [line for line, _ in summary.invalid][:3] == [2, 5, 7]


def test_spawned_workers_write_what_forked_workers_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where workers cannot be forked (another OS, threads in this process) they are spawned; their
    blocks come back as bytes (to a text stream) or through files (to a file)."""
    lines = _lines() * 30
    monkeypatch.setattr(batch, "_start_method", lambda: "spawn")
    spawned = io.StringIO()
    run_batch(io.StringIO("\n".join(lines) + "\n"), spawned, workers=2)
    assert spawned.getvalue().encode("utf-8") == _expected_output(lines)
    target = tmp_path / "out.jsonl"
    with target.open("w", encoding="utf-8") as out:
        run_batch(io.StringIO("\n".join(lines) + "\n"), out, workers=2)
    assert target.read_bytes() == _expected_output(lines)


def test_text_written_before_the_blocks_stays_before_them(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    with target.open("w", encoding="utf-8") as out:
        out.write("first\n")
        run_batch(io.StringIO(json.dumps(GOOD[0]) + "\n"), out, workers=2)
    assert target.read_bytes().startswith(b'first\n{"line": 1, ')


def test_blocks_written_at_their_place_leave_what_is_written_before_and_after_in_place(tmp_path: Path) -> None:
    """Catches workers that write their blocks into the output file at their place (``pwrite``)
    overwriting what was written before the batch, or leaving the file's position where later
    writes overwrite the blocks."""
    lines = _lines() * (CHUNK // 2)  # a dozen chunks
    target = tmp_path / "out.jsonl"
    with target.open("w", encoding="utf-8") as out:
        out.write("before\n")
        run_batch(io.StringIO("\n".join(lines) + "\n"), out, workers=2)
        out.write("after\n")
    assert target.read_bytes() == b"before\n" + _expected_output(lines) + b"after\n"


def test_a_file_opened_to_append_gets_the_blocks_in_order_after_what_it_held(tmp_path: Path) -> None:
    """Catches blocks written at their place into a file opened to append, where the system
    appends every ``pwrite`` whatever its place (the blocks would come out of order)."""
    lines = _lines() * (CHUNK // 2)
    target = tmp_path / "out.jsonl"
    target.write_bytes(b"held\n")
    with target.open("a", encoding="utf-8") as out:
        run_batch(io.StringIO("\n".join(lines) + "\n"), out, workers=2)
    assert target.read_bytes() == b"held\n" + _expected_output(lines)


@pytest.mark.skipif(sys.platform != "linux", reason="blocks are written at their place on Linux only")
def test_blocks_are_written_at_their_place_only_into_a_regular_file_not_opened_to_append(tmp_path: Path) -> None:
    """Catches ``pwrite`` into a file opened to append (the system appends every block where the
    last one ended, whatever its place) or into a pipe (which has no places)."""
    target = tmp_path / "out.jsonl"
    with target.open("w", encoding="utf-8") as written, target.open("a", encoding="utf-8") as appended:
        assert batch._placeable(written.fileno())
        assert not batch._placeable(appended.fileno())
    read, write = os.pipe()
    try:
        assert not batch._placeable(write)
    finally:
        os.close(read)
        os.close(write)


def test_a_chunk_done_before_the_one_ahead_of_it_gets_its_place_when_that_one_is_placed() -> None:
    """Catches the places of the blocks going wrong when chunks finish out of order: a chunk whose
    predecessor has no place yet is spooled (no place), and gets its place, after its
    predecessor's, when that one is placed, so the chunk after it is placed at once."""
    places = batch._Places(multiprocessing.get_context("fork"), fd=-1, start=100, window=2)
    assert places.claim(1, 20) is None  # chunk 0 not done: chunk 1 is spooled
    assert places.claim(2, 30) is None
    assert places.claim(0, 10) == 100  # chunk 0 at the start; chunks 1 and 2 placed after it
    assert places.claim(3, 5) == 100 + 10 + 20 + 30
    assert places.claim(5, 7) is None  # the ring wraps around (4 slots) without mixing chunks up
    assert places.claim(4, 1) == 165
    assert places.claim(6, 1) == 166 + 7


def test_the_line_decider_gives_the_recommendation_of_a_decided_line() -> None:
    decide = line_decider(Options())
    decided = decide(1, json.dumps(GOOD[0]))
    assert decided.recommendation == json.loads(decided.text)["decision"]["recommendation"]
    assert decide(2, "{}").recommendation is None


def test_the_input_is_read_as_it_is_decided_not_all_at_once() -> None:
    read = 0

    def source() -> Iterator[tuple[int, str]]:
        nonlocal read
        for n in range(1, 100_000):
            read += 1
            yield n, json.dumps(GOOD[0])

    results = decide_lines(source(), workers=2, chunk=CHUNK)
    assert next(results).line == 1
    assert read <= (2 * WINDOW_PER_WORKER + 1) * CHUNK
    results.close()


def test_forked_workers_decide_with_the_rule_sets_the_parent_prepared(monkeypatch: pytest.MonkeyPatch) -> None:
    """Catches every worker finding, loading and preparing the batch's rule sets again (once per
    worker, on the batch's critical path) instead of inheriting them from the parent."""
    parent = os.getpid()
    real_load = batch.load

    def load_in_the_parent_only(*args: object, **kwargs: object) -> object:
        assert os.getpid() == parent, "a worker loaded a rule set itself"
        return real_load(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "load", load_in_the_parent_only)
    monkeypatch.setattr(batch, "_start_method", lambda: "fork")
    lines = [json.dumps(c) for c in GOOD] * 3  # two rule-set versions (2024 and 2025)
    forked = list(decide_lines(enumerate(lines, start=1), workers=2))
    assert [r.message for r in forked if not r.ok] == []
    assert [r.text for r in forked] == [r.text for r in decide_lines(enumerate(lines, start=1))]


def test_the_parent_preloads_the_versions_of_the_first_chunk_and_leaves_bad_lines_to_the_workers() -> None:
    chunk = [(n, text) for n, text in enumerate(_lines(), start=1) if text.strip()]
    versions = [rs.version for rs in batch._preload(chunk, Options())]
    expected = [aidrules.load(None, date.fromisoformat(c["on"])).version for c in GOOD]
    assert sorted(versions) == sorted(set(expected)) and len(set(expected)) == 2
    on_one_day = batch._preload(chunk, Options(on=date(2024, 6, 1)))
    assert [rs.version for rs in on_one_day] == [aidrules.load(None, date(2024, 6, 1)).version]
    assert batch._preload([(1, "not json"), (2, '{"on": "someday"}'), (3, "[1]")], Options()) == []


def test_the_parent_decides_one_line_before_forking_so_that_workers_inherit_its_first_decisions_work() -> None:
    """Catches every forked worker generating the rule set's conditions' loop in the batch's
    language (and loading its formats) again on its first chunk, instead of inheriting them."""
    prepared(aidrules.load(None, date(2025, 3, 1))).compact_loops.pop("fr", None)  # made again when needed
    chunk = [(1, "not json"), (2, json.dumps({"on": "2025-03-01", "client": {"consents": True}}))]
    [rules] = batch._preload(chunk, Options(lang="fr"))
    assert "fr" in prepared(rules).compact_loops  # the loop that writes a line's reasons


@pytest.mark.durable
def test_the_durable_backend_decides_a_batch_the_same_way() -> None:
    lines = [json.dumps(c) for c in GOOD]
    compiled = [r.text for r in decide_lines(enumerate(lines, start=1))]
    durable = [r.text for r in decide_lines(enumerate(lines, start=1), Options(engine="durable"))]
    assert durable == compiled


def test_the_command_reports_invalid_lines_and_goes_on(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(_lines()) + "\n", encoding="utf-8")
    out = tmp_path / "decisions.jsonl"
    result = CliRunner().invoke(app, ["batch", str(cases), "--out", str(out), "--workers", "1", "--lang", "en"])
    assert result.exit_code == 2
    assert "line 2: client.motivation" in result.output
    assert "line 5:" in result.output and "line 7:" in result.output
    assert "6 case(s): 3 decided, 3 invalid" in result.output
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [w["line"] for w in written] == [1, 2, 3, 5, 6, 7]


@pytest.mark.durable
def test_the_command_exits_0_when_every_case_is_decided(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(json.dumps(c) for c in GOOD) + "\n", encoding="utf-8")
    out = tmp_path / "decisions.jsonl"
    result = CliRunner().invoke(app, ["batch", str(cases), "--out", str(out), "--engine", "durable", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3


def test_an_unknown_rule_set_or_a_missing_file_stops_before_deciding(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps(GOOD[0]) + "\n", encoding="utf-8")
    out = tmp_path / "decisions.jsonl"
    runner = CliRunner()
    unknown = runner.invoke(app, ["batch", str(cases), "--out", str(out), "--rules", "no-such-rules"])
    assert unknown.exit_code == 2 and "no-such-rules" in unknown.output
    missing = runner.invoke(app, ["batch", str(tmp_path / "nope.jsonl"), "--out", str(out), "--lang", "en"])
    assert missing.exit_code == 2 and "cannot open" in missing.output
    assert "Traceback" not in unknown.output + missing.output


def test_a_decided_line_holds_the_bytes_of_the_decisions_model_dump_json() -> None:
    """Catches the batch's writer from the evaluation record differing from pydantic's unindented
    JSON of the decision built in full (the lines' bytes before the writer existed)."""
    lines = [json.dumps(c) for c in GOOD]
    for (number, text), result in zip(enumerate(lines, start=1), decide_lines(enumerate(lines, start=1)), strict=True):
        case = json.loads(text)
        decision = aidrules.load(None, date.fromisoformat(case["on"])).evaluate(case)
        assert result.text == f'{{"line": {number}, "decision": {decision.model_dump_json()}}}'


@pytest.mark.parametrize(
    ("case", "options", "code"),
    [
        ({"client": {"motivation": 9}}, Options(), "CF001"),  # invalid and no date: the facts first
        ({"on": "2019-01-01", "client": {"motivation": 9}}, Options(), "CF001"),  # no rule set that day
        ({"on": "2025-03-01", "client": {"motivation": 9}}, Options(lang="xx"), "CF001"),  # unknown language
        ({"on": "1/3/2025"}, Options(), "CF001"),  # a date in another form
        ({"on": "2025-02-30"}, Options(), "CF001"),  # no such day
        ({"on": "2025-W10-1"}, Options(), "CF001"),  # an ISO week date: not the case's form
        ({"client": {"consents": True}}, Options(), "BA001"),
        ({"on": None}, Options(), "BA001"),
        ({"on": "2019-01-01"}, Options(), "RS502"),
        ({"on": "2025-03-01"}, Options(lang="xx"), "EV006"),
    ],
)
def test_the_problems_of_a_line_come_in_the_order_the_case_model_gave_them(
    case: dict[str, object], options: Options, code: str
) -> None:
    """Catches the direct admission (the date read before the case is validated) reporting another
    problem first than validating the case first did: the facts', then a missing date, then the
    rule set's or the language's."""
    [result] = decide_lines([(1, json.dumps(case))], options)
    assert not result.ok
    assert json.loads(result.text)["errors"][0]["code"] == code


@given(on=st.one_of(st.dates().map(date.isoformat), st.text(max_size=12), st.integers(), st.none()))
def test_the_date_read_before_validating_is_the_one_the_case_model_gives(on: object) -> None:
    """Catches ``case_day`` choosing a rule set for another date than the validated case has."""
    data = {"on": on}
    try:
        own = aidrules.parse_facts(data).on
    except aidrules.FactsError:
        own = None
    found = batch.case_day(data)
    assert found is None or found == own
    if isinstance(on, str) and len(on) == 10 and own is not None:
        assert found == own  # the plain YYYY-MM-DD form is read without validating


def test_an_error_in_a_message_is_reported_on_its_line_and_the_batch_goes_on() -> None:
    """Catches a message whose expression fails (EV002, found when the decision is written)
    stopping the whole batch instead of being that line's problem."""
    text = with_derived().replace(
        '"Motivatie {client.motivation} volstaat."', '"Bedrag {100 / (total_income - 1000)}."'
    )
    rules = compile_text(text, "shared.yaml")
    lines = [
        json.dumps({"on": "2025-03-01", "client": {"motivation": 3}, "incomes": [{"monthly_net": "1000.00"}]}),
        json.dumps({"on": "2025-03-01", "client": {"motivation": 3}, "incomes": [{"monthly_net": "2000.00"}]}),
    ]
    results = list(decide_lines(enumerate(lines, start=1), resolver=lambda day: rules))
    assert [r.ok for r in results] == [False, True]
    assert json.loads(results[0].text)["errors"][0]["code"] == "EV002"


# -- forked workers reading their own ranges of the input file (Linux) ----------------------------------
linux_only = pytest.mark.skipif(
    sys.platform != "linux", reason="workers read the input by ranges where they are forked"
)


def _run_files(tmp_path: Path, data: bytes, workers: int, **kwargs: object) -> tuple[batch.Summary, bytes]:
    """Decide the input ``data`` from a file into a file, as the command does."""
    cases = tmp_path / "cases.jsonl"
    cases.write_bytes(data)
    target = tmp_path / "out.jsonl"
    with cases.open(encoding="utf-8") as source, target.open("w", encoding="utf-8") as out:
        summary = run_batch(source, out, workers=workers, **kwargs)  # type: ignore[arg-type]
    return summary, target.read_bytes()


def _ranges_used(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records whether each run_batch read its input by ranges (True) or as a text stream."""
    used: list[bool] = []
    real = batch._run_forked

    def recording(*args: Any, **kwargs: Any) -> Any:
        ran = real(*args, **kwargs)
        used.append(ran is not None)
        return ran

    monkeypatch.setattr(batch, "_run_forked", recording)
    return used


@linux_only
@pytest.mark.parametrize("workers", [2, 3])
def test_workers_reading_their_own_ranges_write_the_same_bytes_as_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """Catches the workers that read ranges of the input themselves numbering lines wrongly (blank
    lines, a range cut inside a line, a line longer than a range, a last line without newline),
    losing or repeating a line at a range's edge, or writing the chunks out of order."""
    monkeypatch.setattr(batch, "_start_method", lambda: "fork")
    used = _ranges_used(monkeypatch)
    long_line = json.dumps({"on": "2025-03-01", "client": {"consents": True}, "note": "x" * 9000})
    lines = _lines() * 150 + [long_line, "", "  "] + _lines() * 20 + [json.dumps(GOOD[2])]
    data = ("\n".join(lines)).encode("utf-8")  # no newline after the last line
    summary, written = _run_files(tmp_path, data, workers)
    assert used == [True]
    assert written == _expected_output(lines)
    one, _ = _run_files(tmp_path, data, 1)
    assert (summary.lines, summary.decided, summary.invalid) == (one.lines, one.decided, one.invalid)
    assert summary.exit_code == 2


@linux_only
def test_an_input_with_carriage_returns_or_bad_utf8_is_read_as_a_text_stream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Catches ranges split at newlines only where the text stream also ends lines at a carriage
    return (universal newlines), and ranges decoded where the text stream stops at a bad byte."""
    monkeypatch.setattr(batch, "_start_method", lambda: "fork")
    used = _ranges_used(monkeypatch)
    lines = _lines() * 30
    data = ("\r\n".join(lines) + "\r" + json.dumps(GOOD[0]) + "\r\n").encode("utf-8")
    _, written = _run_files(tmp_path, data, 2)
    assert used == [False]
    assert written == _expected_output([*lines, json.dumps(GOOD[0])])
    fd = os.open(tmp_path / "cases.jsonl", os.O_RDONLY)
    try:
        assert not batch._scan(fd, os.fstat(fd).st_size)
    finally:
        os.close(fd)
    (tmp_path / "bad.jsonl").write_bytes(json.dumps(GOOD[0]).encode() + b"\n\xff\n")
    (tmp_path / "good.jsonl").write_bytes(json.dumps({"note": "é" * 100_000}, ensure_ascii=False).encode())
    for name, readable in (("bad.jsonl", False), ("good.jsonl", True)):
        fd = os.open(tmp_path / name, os.O_RDONLY)
        try:  # the good one has two-byte characters across the scan's pieces
            assert batch._scan(fd, os.fstat(fd).st_size) is readable
        finally:
            os.close(fd)


@linux_only
def test_the_lines_decided_by_range_reading_workers_are_reported_as_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "_start_method", lambda: "fork")
    heard: list[int] = []
    lines = _lines() * 60
    summary, _ = _run_files(tmp_path, "\n".join(lines).encode(), 2, on_progress=heard.append)
    assert sum(heard) == summary.lines == 6 * 60


@linux_only
@pytest.mark.parametrize(("how", "said"), [("kill", "killed by signal 9"), ("exit", "exit code 3")])
def test_a_worker_that_dies_is_an_internal_error_not_a_hang_or_a_success(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str, said: str
) -> None:
    """Catches a batch that waits forever for a dead worker's chunk, or ends with exit code 0 and
    a file without that worker's lines."""
    monkeypatch.setattr(batch, "_start_method", lambda: "fork")
    parent = os.getpid()
    real = batch._Decider.decide

    def dying(self: batch._Decider, line: int, text: str) -> batch.LineResult:
        if line == 700 and os.getpid() != parent:
            if how == "kill":
                os.kill(os.getpid(), 9)
            os._exit(3)
        return real(self, line, text)

    monkeypatch.setattr(batch._Decider, "decide", dying)
    lines = [json.dumps(GOOD[0])] * 1500
    summary, written = _run_files(tmp_path, "\n".join(lines).encode(), 2)
    assert summary.exit_code == 1
    assert [message for _, message in summary.internal] == [
        f"internal error: a worker process stopped ({said}); the output ends before this line"
    ]
    [(line, _)] = summary.internal
    assert line <= 700  # the first line not written, in input order
    assert written == _expected_output(lines[: line - 1])  # the lines before it, nothing after them


@linux_only
def test_the_command_exits_1_and_says_so_when_a_worker_dies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "_start_method", lambda: "fork")
    parent = os.getpid()
    real = batch._Decider.decide

    def dying(self: batch._Decider, line: int, text: str) -> batch.LineResult:
        if line == 300 and os.getpid() != parent:
            os.kill(os.getpid(), 9)
        return real(self, line, text)

    monkeypatch.setattr(batch._Decider, "decide", dying)
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join([json.dumps(GOOD[0])] * 600) + "\n", encoding="utf-8")
    out = tmp_path / "decisions.jsonl"
    result = CliRunner().invoke(app, ["batch", str(cases), "--out", str(out), "--workers", "2", "--lang", "en"])
    assert result.exit_code == 1
    assert "a worker process stopped (killed by signal 9)" in result.output
    assert "Traceback" not in result.output


@linux_only
def test_a_worker_takes_no_range_while_the_ring_has_no_free_slot_for_its_chunk(tmp_path: Path) -> None:
    """Catches the bound on memory: a worker whose chunks cannot be placed yet (the chunk before
    them is slow) keeps their lines, so it may run ahead by at most the ring's chunks; and the
    ranges cover the input, cut after newlines, numbered from the newlines before them."""
    cases = tmp_path / "cases.jsonl"
    cases.write_bytes(b"".join(b"%d\n" % n for n in range(1, 2001)))
    fd = os.open(cases, os.O_RDONLY)
    try:
        shared = batch._Shared(
            multiprocessing.get_context("fork"),
            source=fd,
            size=os.fstat(fd).st_size,
            step=40,
            target=-1,
            start=0,
            workers=1,
        )
        ring = shared.ring
        taken = [shared.take(0) for _ in range(ring - 1)]  # the last slot holds where chunk 0 starts
        ranges = [t for t in taken if isinstance(t, tuple)]
        assert [chunk for chunk, _, _ in ranges] == list(range(ring - 1))
        for _, first, data in ranges:
            assert data.endswith(b"\n") and data.split(b"\n")[0] == b"%d" % first
        assert b"".join(data for _, _, data in ranges) == cases.read_bytes()[: sum(len(r[2]) for r in ranges)]
        assert shared.take(0) is True  # chunk 0 has no place yet: the ring is full
        for chunk, first, data in ranges[1:]:
            assert shared.claim(chunk, len(data), first) is None  # kept by their worker
        assert shared.claim(0, len(ranges[0][2]), 1) == 0  # placed, and the kept ones after it
        assert shared.end[(ring - 2) % ring] == sum(len(data) for _, _, data in ranges)
        after = shared.take(0)
        assert isinstance(after, tuple) and after[0] == ring - 1
        assert after[1] == ranges[-1][1] + ranges[-1][2].count(b"\n")
        assert shared.take(0) is True  # chunk 0 placed but not written yet: its slot is not free
        shared.written[0] = 1
        following = shared.take(0)
        assert isinstance(following, tuple) and following[0] == ring
    finally:
        os.close(fd)


@pytest.mark.parametrize("to_file", [False, True])
def test_a_worker_that_dies_under_the_executor_is_an_internal_error_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, to_file: bool
) -> None:
    """Catches a worker that dies where the input is read as a text stream (stdin, spawned
    workers) ending the batch with the executor's BrokenProcessPool instead of an internal error
    on the first line not written (exit code 1)."""
    monkeypatch.setattr(batch, "_start_method", lambda: "fork")
    parent = os.getpid()
    real = batch._Decider.decide

    def dying(self: batch._Decider, line: int, text: str) -> batch.LineResult:
        if line == 500 and os.getpid() != parent:
            os._exit(3)
        return real(self, line, text)

    monkeypatch.setattr(batch._Decider, "decide", dying)
    source = io.StringIO("\n".join([json.dumps(GOOD[0])] * 1000) + "\n")
    if to_file:
        with (tmp_path / "out.jsonl").open("w", encoding="utf-8") as out:
            summary = run_batch(source, out, workers=2)
            out.write("after\n")
        written = (tmp_path / "out.jsonl").read_bytes().removesuffix(b"after\n")
    else:
        text = io.StringIO()
        summary = run_batch(source, text, workers=2)
        written = text.getvalue().encode("utf-8")
    assert summary.exit_code == 1
    [(line, message)] = summary.internal
    assert line <= 500 and line % CHUNK == 1  # the first chunk not written, in input order
    assert (
        message
        == "internal error: a worker process stopped (the process ended abruptly); the output ends before this line"
    )
    assert written == _expected_output(source.getvalue().splitlines()[: line - 1])  # nothing after them


@linux_only
def test_a_line_longer_than_the_first_megabyte_is_read_whole_by_range_reading_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Catches the range reader cutting a very long line (longer than a range and than what is
    read to size the ranges) or losing the lines after it; the long line itself is refused by
    the size limit, on its line."""
    monkeypatch.setattr(batch, "_start_method", lambda: "fork")
    used = _ranges_used(monkeypatch)
    huge = json.dumps({"on": "2025-03-01", "note": "x" * 3_000_000})
    lines = [huge, *(_lines() * 20), huge, json.dumps(GOOD[1])]
    summary, written = _run_files(tmp_path, "\n".join(lines).encode("utf-8"), 2)
    assert used == [True]
    assert written == _expected_output(lines)
    assert [line for line, _ in summary.invalid][:2] == [1, 3]


@linux_only
def test_an_input_cut_short_while_it_is_read_ends_the_ranges_instead_of_taking_empty_ones(tmp_path: Path) -> None:
    """Catches a worker taking empty ranges for ever when the input file is shorter than it was
    when the batch started (another program truncated it)."""
    cases = tmp_path / "cases.jsonl"
    cases.write_bytes(b"1\n2\n")
    fd = os.open(cases, os.O_RDONLY)
    try:
        context = multiprocessing.get_context("fork")
        shared = batch._Shared(context, source=fd, size=1000, step=4096, target=-1, start=0, workers=1)
        assert shared.take(0) == (0, 1, b"1\n2\n")
        assert shared.take(0) is False
    finally:
        os.close(fd)


def test_the_command_shows_its_progress_bar_where_standard_error_is_a_terminal(tmp_path: Path) -> None:
    """Catches the bar's modules, loaded only when a bar is shown, failing to load or to draw
    (the rest of the suite runs the command without a terminal, hence without a bar)."""
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(_lines() * 30) + "\n", encoding="utf-8")
    out = tmp_path / "decisions.jsonl"
    command = ["batch", str(cases), "--out", str(out), "--workers", "2", "--lang", "en"]
    shown = CliRunner().invoke(app, command, env={"TTY_COMPATIBLE": "1"})
    assert shown.exit_code == 2, shown.output
    assert "deciding" in shown.output and "180/180" in shown.output
    decide = line_decider(Options(lang="en"))
    expected = [decide(n, text).text for n, text in enumerate(_lines() * 30, start=1) if text.strip()]
    assert out.read_text(encoding="utf-8") == "".join(text + "\n" for text in expected)
    hidden = CliRunner().invoke(app, [*command, "--no-progress"], env={"TTY_COMPATIBLE": "1"})
    assert hidden.exit_code == 2 and "deciding" not in hidden.output
