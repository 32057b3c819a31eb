"""The typed catalogue of diagnostic codes (src/aidrules/codes.py) against the code that reports
them and the page that documents them (docs/diagnostics.md).

The page's index table is generated from the catalogue; regenerate it after a deliberate change
with ``AIDRULES_UPDATE_GOLDEN=1 pytest tests/test_codes.py``.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import get_args, get_type_hints

import pytest
from mypy import api as mypy_api

from aidrules.codes import AREAS, CODES, KNOWN, PAGE, Code, CodeInfo, area
from aidrules.errors import Diagnostic, Severity

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "aidrules"
DOCS = ROOT / "docs" / PAGE
CODE = re.compile(r"[A-Z]{2}\d{3}")
#: Codes reported with either severity, as the page says in their row.
EITHER_SEVERITY = {"SA101": "lowered to a warning when the parameter comes from an extended layer"}

INDEX_BEGIN = "<!-- codes index: generated from src/aidrules/codes.py by tests/test_codes.py; do not edit by hand -->"
INDEX_END = "<!-- end of codes index -->"


def _sources() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        if path.name != "codes.py":
            yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _code_strings() -> dict[str, list[str]]:
    """Every string constant in src that looks like a code, with where it is written: the codes
    passed straight to ``Diagnostic`` and those passed through variables and helpers alike."""
    found: dict[str, list[str]] = {}
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value):
                found.setdefault(node.value, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def index_markdown() -> str:
    lines = [INDEX_BEGIN, "", "| code | severity | area | summary |", "|---|---|---|---|"]
    for code, info in sorted(CODES.items()):
        lines.append(f"| [`{code}`](#{info.section}) | {info.severity} | {area(code)} | {info.summary} |")
    return "\n".join([*lines, "", INDEX_END])


def _documented_rows() -> dict[str, tuple[str, list[str], str]]:
    """Each code's row in the sections of the page: (section anchor, cells, column headers)."""
    rows: dict[str, tuple[str, list[str], str]] = {}
    section, header = "", ""
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            found = re.search(r"\{ #([\w-]+) \}\s*$", line)
            section = found.group(1) if found else f"(no explicit anchor: {line})"
        elif line.startswith("| code |"):
            header = line
        cell = re.match(r"\| `([A-Z]{2}\d{3})` \|", line)
        if cell:
            code = cell.group(1)
            assert code not in rows, f"{code} has two rows on the page"
            rows[code] = (section, [c.strip() for c in line.strip().strip("|").split("|")], header)
    return rows


def test_the_code_type_and_the_catalogue_list_the_same_codes() -> None:
    """Catches a code added to the Literal type but not to the table (no severity, no summary) or
    the other way round (a documented code mypy would still reject)."""
    assert set(get_args(Code)) == set(CODES) == KNOWN
    assert len(get_args(Code)) == len(set(get_args(Code)))


def test_every_catalogue_entry_is_complete() -> None:
    for code, info in CODES.items():
        assert isinstance(info, CodeInfo)
        assert code[:2] in AREAS, f"{code}: its area {code[:2]} is not in aidrules.codes.AREAS"
        assert info.severity in ("error", "warning")
        assert info.summary.strip() and info.summary == info.summary.strip() and "|" not in info.summary
        assert info.doc == f"diagnostics.md#{info.section}"


def test_every_code_written_in_src_is_in_the_catalogue() -> None:
    """mypy checks codes given to Diagnostic; this also catches codes kept in variables, tuples or
    dictionaries that mypy sees as plain text (``p.code in ("RS201", "RS204")``)."""
    unknown = {code: where for code, where in _code_strings().items() if code not in KNOWN}
    assert not unknown, f"add these codes to aidrules.codes (and document them): {unknown}"


def test_every_catalogue_code_is_reported_somewhere() -> None:
    """Catches a documented code that nothing reports any more (as `CL001` was once the command
    line offered the durable_rules backend)."""
    unused = sorted(set(CODES) - set(_code_strings()))
    assert not unused, f"no code in src reports these; remove them from aidrules.codes and the page: {unused}"


def test_codes_are_never_built_from_pieces() -> None:
    """The scans above see only whole codes: an f-string such as f"FX00{n}" would hide one."""
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr) and node.values:
                first = node.values[0]
                if isinstance(first, ast.Constant) and re.fullmatch(r"[A-Z]{2}\d{0,2}", str(first.value)):
                    pytest.fail(f"{path.relative_to(ROOT)}:{node.lineno}: write the code out in full")


def _severity_written(call: ast.Call) -> str:
    for keyword in call.keywords:
        if keyword.arg == "severity":
            text = ast.unparse(keyword.value)
            if text in ("Severity.WARNING", "_W", "_WARNING"):
                return "warning"
            if text == "Severity.ERROR":
                return "error"
            return "either"
    return "error"


def test_each_diagnostic_is_made_with_the_severity_of_its_code() -> None:
    """Catches a warning documented as an error (or the reverse): every ``Diagnostic("CODE", …)``
    in src is made with the severity the catalogue (and so the page) gives its code."""
    seen = 0
    for path, tree in _sources():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and ast.unparse(node.func) == "Diagnostic" and node.args):
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            seen += 1
            written, where = _severity_written(node), f"{path.relative_to(ROOT)}:{node.lineno}"
            if written == "either":
                assert first.value in EITHER_SEVERITY, f"{where}: {first.value} with a computed severity"
            else:
                assert written == CODES[first.value].severity, f"{where}: {first.value} made as {written}"  # type: ignore[index]
    assert seen > 100


def test_the_page_documents_exactly_the_catalogue_codes_each_in_its_section() -> None:
    rows = _documented_rows()
    assert set(rows) - set(CODES) == set(), "the page documents codes the catalogue does not have"
    assert set(CODES) - set(rows) == set(), "document these codes in docs/diagnostics.md"
    for code, (section, _, _) in rows.items():
        assert section == CODES[code].section, (
            f"{code} is documented under #{section}, the catalogue says #{CODES[code].section}"
        )  # type: ignore[index]


def test_the_page_gives_each_code_the_catalogue_severity() -> None:
    """Warnings are marked on the page: a severity column where the table has one, else
    **warning** in the row; an error row says neither."""
    for code, (_, cells, header) in _documented_rows().items():
        severity = CODES[code].severity  # type: ignore[index]
        if "| severity |" in header:
            assert cells[1].split()[0] == severity, f"{code}: the page says {cells[1]!r}, the catalogue {severity}"
            if code in EITHER_SEVERITY:
                assert "warning" in cells[1], f"{code}: say on the page when it is a warning"
        else:
            marked = "**warning**" in cells[1]
            assert marked == (severity == "warning"), f"{code}: mark it **warning** on the page iff it is one"


def test_the_page_index_is_generated_from_the_catalogue() -> None:
    """The summaries and severities of the page's index table are the catalogue's."""
    page = DOCS.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(INDEX_BEGIN) + ".*?" + re.escape(INDEX_END), re.DOTALL)
    assert pattern.search(page), f"the page lost its generated index ({INDEX_BEGIN})"
    current = pattern.sub(lambda _: index_markdown(), page, count=1)
    if os.environ.get("AIDRULES_UPDATE_GOLDEN") == "1":
        DOCS.write_text(current, encoding="utf-8")
    assert page == current, (
        "the index of docs/diagnostics.md is stale: AIDRULES_UPDATE_GOLDEN=1 pytest tests/test_codes.py"
    )


def test_a_diagnostic_with_a_code_outside_the_catalogue_is_refused_at_run_time() -> None:
    """For codes that reach Diagnostic past mypy (read from data, or typed as Any)."""
    made: str = "XX999"
    with pytest.raises(ValueError, match="unknown diagnostic code 'XX999'"):
        Diagnostic(made, "a message")  # type: ignore[arg-type]
    assert Diagnostic("RS202", "unknown fact").severity is Severity.ERROR


def test_mypy_rejects_a_code_outside_the_catalogue(tmp_path: Path) -> None:
    """The point of the Literal type: a misspelt code where a Code is expected fails type checking
    (checked on the catalogue module, which imports nothing of aidrules, with two calls added),
    and Diagnostic.code is of that type."""
    catalogue = (SRC / "codes.py").read_text(encoding="utf-8")
    probe = tmp_path / "probe.py"
    probe.write_text(
        catalogue + '\n\ndef make(code: Code) -> None: ...\n\n\nmake("RS202")\nmake("RS2O2")\n', encoding="utf-8"
    )
    lines = probe.read_text(encoding="utf-8").count("\n")
    limit = sys.getrecursionlimit()
    try:  # mypy raises the interpreter's recursion limit and leaves it so: later tests would run deeper
        out, _, status = mypy_api.run([str(probe), "--strict", "--no-incremental", "--cache-dir", os.devnull])
    finally:
        sys.setrecursionlimit(limit)
    assert status == 1 and f"probe.py:{lines}:" in out and f"probe.py:{lines - 1}:" not in out, out
    assert get_type_hints(Diagnostic)["code"] == Code
