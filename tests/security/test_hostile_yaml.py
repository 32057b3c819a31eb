"""Rule files and YAML cases from elsewhere: loading is inert and bounded.

Each test names, in its docstring, the naive implementation it would catch.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from aidrules import FactsError, RuleSetError
from aidrules.facts.parse import load_case, parse_facts, read_case_text
from aidrules.limits import DEFAULT_LIMITS, Limits
from aidrules.readers import yamlload
from aidrules.ruleset.compile import compile_text, load_ruleset

from .helpers import minimal_text, only_diagnostic

LOADERS = {"python": yamlload._CoreLoader, "libyaml": getattr(yamlload, "_CCoreLoader", None)}


@pytest.fixture(autouse=True, params=sorted(LOADERS))
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every attack is tried on both parsers: libyaml's (used when PyYAML has it, the usual case)
    and PyYAML's pure-Python one (the fallback); the limits live in the composer both share."""
    chosen = LOADERS[request.param]
    if chosen is None:  # pragma: no cover - PyYAML built without libyaml
        pytest.fail("PyYAML has no libyaml here: install a PyYAML wheel (pip install --force-reinstall pyyaml)")
    monkeypatch.setattr(yamlload, "_Loader", chosen)
    return str(request.param)


def _billion_laughs(levels: int = 9) -> str:
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:builtins.open ['{marker}', 'w']",
        "!!python/object/new:builtins.open ['{marker}', 'w']",
        "!!python/name:os.system",
        "!!python/module:os",
    ],
)
def test_python_tags_cannot_construct_objects(tmp_path: Path, tag: str) -> None:
    """Catches ``yaml.load(text, Loader=yaml.Loader)`` / ``yaml.unsafe_load``: they would call
    ``open(marker, "w")`` (or import any module) while loading. Here tags are refused (RS003)."""
    marker = tmp_path / "created-by-yaml"
    value = tag.format(marker=marker)
    with pytest.raises(RuleSetError) as rules:
        compile_text(minimal_text().replace('version: "1"', f"version: {value}"), "shared.yaml")
    with pytest.raises(FactsError) as case:
        read_case_text(f"client:\n  motivation: {value}\n", "case.yaml")
    assert not marker.exists()
    for exc in (rules.value, case.value):
        d = next(d for d in exc.diagnostics if d.code == "RS003")
        assert d.span is not None and d.span.line >= 2
        assert "tag" in d.message


@pytest.mark.parametrize("value", ["!!binary aGVsbG8=", "!!set {a, b}", "!!omap [a: 1]", "!!pairs [a: 1]", "!local x"])
def test_binary_set_and_custom_tags_are_refused(value: str) -> None:
    """Catches ``yaml.safe_load``: it turns ``!!binary`` into bytes and ``!!set`` into a set, values
    no rule file or case field expects. Here every explicit tag is refused with its position."""
    with pytest.raises(FactsError) as exc:
        read_case_text(f"on: 2025-03-01\nhousehold:\n  municipality: {value}\n", "case.yaml")
    d = only_diagnostic(exc.value, "RS003")
    assert d.span is not None and (d.span.line, d.span.column) == (3, 17)


def test_merge_keys_are_refused() -> None:
    """Catches ``yaml.safe_load``, which applies YAML 1.1 merge keys: a ``<<: *defaults`` can
    slip in a value that the visible keys do not show. Merge keys are not YAML 1.2 and are refused."""
    text = "defaults: &d {consents: true}\nclient:\n  <<: *d\n  motivation: 3\n"
    with pytest.raises(FactsError) as exc:
        read_case_text(text, "case.yaml")
    d = only_diagnostic(exc.value, "RS003")
    assert d.span is not None and (d.span.line, d.span.column) == (3, 3)
    assert "merge" in d.message
    # Written as a quoted key it is an ordinary (unknown) field, refused by the case model.
    with pytest.raises(FactsError) as quoted:
        parse_facts(read_case_text('client:\n  "<<": {consents: true}\n', "case.yaml"))
    assert quoted.value.diagnostics[0].code == "CF001"


def test_yes_no_and_on_are_not_booleans() -> None:
    """Catches ``yaml.safe_load`` (YAML 1.1): it reads the case key ``on`` as ``True`` (losing the
    decision date) and ``yes``/``no`` as booleans. Here only true/false are booleans."""
    data = read_case_text("on: 2025-03-01\nclient:\n  consents: yes\n", "case.yaml")
    assert "on" in data and data["client"]["consents"] == "yes"
    with pytest.raises(FactsError) as exc:
        parse_facts(data)
    assert exc.value.diagnostics[0].path == "client.consents"


def test_alias_bomb_is_refused() -> None:
    """Catches a loader that expands aliases while converting nodes (as one must to keep positions)
    or any code walking ``yaml.safe_load``'s shared structure (``json.dumps``, pydantic): nine levels
    of nine aliases stand for 9**9 = 387,420,489 nodes. The composer counts what each alias repeats
    and refuses on the line where the limit is crossed, before expanding anything."""
    bomb = _billion_laughs()
    with pytest.raises(FactsError) as case:
        read_case_text(bomb, "case.yaml")
    with pytest.raises(RuleSetError) as rules:
        compile_text(minimal_text() + "x_" + bomb.replace("\nl", "\nx_l"), "shared.yaml")
    for exc, first_line in ((case.value, 1), (rules.value, minimal_text().count("\n") + 1)):
        d = only_diagnostic(exc, "RS004")
        assert "nodes" in d.message
        # l3 stands for 7,381 nodes and l4 for 66,430: the fifth line of the bomb crosses 50,000.
        assert d.span is not None and d.span.line == first_line + 4


def test_recursive_alias_is_refused() -> None:
    """Catches ``yaml.safe_load``: ``&a [*a]`` becomes a list that contains itself, and whatever
    walks it next (validation, fingerprinting, ``json.dumps``) recurses without end."""
    with pytest.raises(FactsError) as exc:
        read_case_text("household: &a\n  children: [*a]\n", "case.yaml")
    d = only_diagnostic(exc.value, "RS004")
    assert "contains it" in d.message and d.span is not None and d.span.line == 2


def test_alias_amplified_texts_are_refused_before_expanding(loader: str) -> None:
    """Catches a composer that counts only the nodes an alias repeats: 45 texts of 20,000
    characters behind one anchor, repeated 999 times, stay under the node and alias limits but stand
    for 900 million characters, which the fingerprint serialised (14.8 s, 1.77 GB) before the schema
    refused the unknown key. The composer counts the characters too and refuses at the alias that
    crosses ``max_expanded_chars``. Run in a child process with 1 GiB of address space, so that a
    regression fails instead of swapping."""
    texts = "strings: &all\n" + "".join(f"  - {'x' * 20_000}\n" for _ in range(45))
    attack = minimal_text() + texts + "junk:\n" + "  - *all\n" * 999
    first_alias = attack[: attack.index("*all")].count("\n") + 1
    # 45 x 20,000 characters once, then twice (first alias), then three times: over 2,000,000.
    script = (
        "from aidrules import RuleSetError\n"
        "from aidrules.readers import yamlload\n"
        "from aidrules.ruleset.compile import compile_text\n"
        f"yamlload._Loader = getattr(yamlload, {yamlload._Loader.__name__!r})\n"
        "try:\n"
        "    compile_text(sys.stdin.read(), 'amplified.yaml')\n"
        "except RuleSetError as exc:\n"
        "    d = exc.diagnostics[0]\n"
        "    print(len(exc.diagnostics), d.code, d.span.line, d.span.column, d.message)\n"
    )
    limited = "import resource, sys\nresource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n" + script
    done = subprocess.run(
        [sys.executable, "-c", limited], input=attack, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    count, code, line, column, message = done.stdout.split(" ", 4)
    assert (count, code, int(line), int(column)) == ("1", "RS004", first_alias + 1, 5), done.stdout
    assert "characters of text (after expanding aliases)" in message


def test_expanded_text_bound_never_refuses_a_document_without_aliases() -> None:
    """Catches a character bound below the document bound: a caller who raises only
    ``max_document_chars`` must still be able to load every document of that size that has no
    aliases; repeating its text through an alias is what is refused."""
    limits = Limits(max_document_chars=5_000, max_expanded_chars=1_000)
    plain = "a: " + "x" * 1_500 + "\nb: " + "y" * 1_500 + "\n"
    assert read_case_text(plain, "case.yaml", limits=limits) == {"a": "x" * 1_500, "b": "y" * 1_500}
    repeated = "a: &t " + "x" * 1_500 + "\nb: [*t, *t, *t]\n"
    with pytest.raises(FactsError) as exc:
        read_case_text(repeated, "case.yaml", limits=limits)
    d = only_diagnostic(exc.value, "RS004")
    assert "5000 characters of text" in d.message and d.span is not None and (d.span.line, d.span.column) == (2, 13)


def test_too_many_aliases_are_refused() -> None:
    """Catches a loader without an alias budget: many small aliases stay under the node limit
    for long while multiplying the work of every later stage."""
    text = "a: &a x\nb: [" + ", ".join(["*a"] * (DEFAULT_LIMITS.max_aliases + 1)) + "]\n"
    with pytest.raises(FactsError) as exc:
        read_case_text(text, "case.yaml")
    assert "aliases" in only_diagnostic(exc.value, "RS004").message


@pytest.mark.parametrize(
    ("text", "where"),
    [
        # The root mapping is level 1 and the n-th bracket level n + 1: the 64th bracket, in column
        # 3 + 64, opens level 65.
        ("a: " + "[" * 10_000 + "]" * 10_000 + "\n", (1, 67)),
        # A key is one level below its mapping: k<i>, on line i + 1 in column i + 1, is on level
        # i + 2, so k63 (line 64, column 64) is the first node on level 65.
        ("".join(" " * i + f"k{i}:\n" for i in range(200)) + " " * 200 + "v: 1\n", (64, 64)),
    ],
    ids=["flow", "block"],
)
def test_deeply_nested_yaml_is_refused(text: str, where: tuple[int, int]) -> None:
    """Catches ``yaml.safe_load``/``yaml.compose``: PyYAML's composer recurses once per level and
    raises ``RecursionError`` (or exhausts the C stack) on 10,000 nested brackets. Here nesting
    beyond ``max_depth`` is refused with the line and column where it happens."""
    for error, load in (
        (FactsError, lambda: read_case_text(text, "case.yaml")),
        (RuleSetError, lambda: compile_text(text, "shared.yaml")),
    ):
        with pytest.raises(error) as exc:
            load()
        d = only_diagnostic(exc.value, "RS004")
        assert "nested deeper than 64" in d.message
        assert d.span is not None and (d.span.line, d.span.column) == where


def _libyaml_limits_depth() -> bool:
    """Whether this PyYAML's libyaml refuses 1,001 nested brackets itself (libyaml 0.2.6)."""
    try:
        for _ in yaml.parse("[" * 1_001 + "]" * 1_001, Loader=yaml.CSafeLoader):
            pass
    except yaml.YAMLError:
        return True
    return False


def test_nesting_beyond_libyaml_own_limit_is_a_located_depth_refusal(loader: str) -> None:
    """Catches passing libyaml 0.2.6's own refusal (PyYAML 6.0.3+, "exceeded maximum nesting
    depth" at level 1,001) on as broken YAML (RS001): with ``max_depth`` raised above what the
    parsers take, the document is still refused as too deeply nested (RS004), at a position."""
    text = "a: " + "[" * 10_000 + "]" * 10_000 + "\n"
    with pytest.raises(FactsError) as exc:
        read_case_text(text, "case.yaml", limits=Limits(max_depth=5_000))
    d = only_diagnostic(exc.value, "RS004")
    assert "nested" in d.message and d.span is not None
    if loader == "libyaml" and _libyaml_limits_depth():
        assert "1000 levels" in d.message and d.span.line == 1 and d.span.column > 1_000


def test_huge_yaml_document_is_refused(tmp_path: Path) -> None:
    """Catches a loader without a size limit: PyYAML parses about a megabyte a second, so a
    100 MB rule file would hold an OCMW's server for minutes. Here the text is refused by length."""
    big = "x: " + "a" * 10 + "\n" + "# padding\n" * (DEFAULT_LIMITS.max_document_chars // 10)
    with pytest.raises(RuleSetError) as exc:
        compile_text(big, "big.yaml")
    d = only_diagnostic(exc.value, "RS004")
    assert str(DEFAULT_LIMITS.max_document_chars) in d.message
    path = tmp_path / "rules.yaml"
    path.write_text(minimal_text(), encoding="utf-8")
    with pytest.raises(RuleSetError) as small:
        load_ruleset(path, limits=Limits(max_document_chars=1_000))
    assert "1000" in only_diagnostic(small.value, "RS004").message


def _in_one_gib(script: str) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in a child Python with 1 GiB of address space (``sys`` imported)."""
    limited = "import resource, sys\nresource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n" + script
    return subprocess.run([sys.executable, "-c", limited], capture_output=True, text=True, timeout=300, check=False)


def test_endless_file_is_not_read_to_the_end() -> None:
    """Catches ``Path.read_text()``: given ``/dev/zero`` (or a pipe that never ends) it reads until
    memory runs out. Files (and the command line's case file) are read up to one character past
    ``max_document_chars``. The check runs in a child process with 1 GiB of address space, so a
    regression fails instead of swapping."""
    script = (
        "from aidrules import AidrulesError, load_case, load_ruleset\n"
        "for load in (load_case, load_ruleset):\n"
        "    try:\n"
        "        load('/dev/zero')\n"
        "    except AidrulesError as exc:\n"
        "        print(exc.diagnostics[0].code)\n"
    )
    done = _in_one_gib(script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["RS004", "RS004"], done.stdout
    done = _in_one_gib("sys.argv = ['aidrules', 'evaluate', '/dev/zero']\nfrom aidrules.cli.main import main\nmain()\n")
    assert done.returncode == 2 and "RS004" in done.stderr, done.stderr


def test_endless_files_elsewhere_are_not_read_to_the_end(tmp_path: Path) -> None:
    """Catches ``read_bytes()``/``read_text()`` in the other readers: a rule file in the registry's
    directories, a layer named by ``extends``, a signature file, and ``aidrules rerun``'s stored
    decision and case. Each is given ``/dev/zero`` in a child process with 1 GiB of address
    space and must come back refused."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "endless.yaml").symlink_to("/dev/zero")
    script = (
        "from pathlib import Path\n"
        "from aidrules import AidrulesError\n"
        "from aidrules.registry.index import discover\n"
        "from aidrules.registry.layers import read_layer\n"
        f"print(len([e for e in discover([{str(rules)!r}]) if 'endless' in str(e.path)]))\n"
        "try:\n"
        "    read_layer(Path('/dev/zero'))\n"
        "except AidrulesError as exc:\n"
        "    print(exc.diagnostics[0].code)\n"
        "import os\n"
        "os.environ['LC_ALL'] = 'en_GB.UTF-8'  # the command line's own messages in English\n"
        "sys.argv = ['aidrules', 'rerun', '/dev/zero', '/dev/zero']\n"
        "from aidrules.cli.main import main\n"
        "main()\n"
    )
    done = _in_one_gib(script)
    assert done.returncode == 2, done.stderr
    assert done.stdout.split() == ["0", "RS004"], done.stdout
    assert "CF005" in done.stderr and "longer than" in done.stderr, done.stderr


@pytest.mark.parametrize(
    "number",
    ["1e999999", "9" * 5000, "10000000000000000", "-1e16", "0.0000000000000001", "1." + "1" * 40],
    ids=["exponent", "5000-digits", "1e16", "minus-1e16", "1e-16", "41-digits"],
)
def test_huge_number_is_refused(number: str) -> None:
    """Catches ``int(text)``/``Decimal(text)`` on what the YAML says: ``int`` raises ``ValueError``
    beyond 4,300 digits, and ``Decimal("1e999999")`` passes through to overflow later (or to be
    fingerprinted as a million-digit text). Here numbers beyond the limits are refused where written."""
    text = minimal_text().replace("value: 2, source: test", f"value: {number}, source: test")
    with pytest.raises(RuleSetError) as rules:
        compile_text(text, "shared.yaml")
    d = next(d for d in rules.value.diagnostics if d.code == "RS004")
    assert d.span is not None and d.span.line == 14 and "number" in d.message
    with pytest.raises(FactsError) as case:
        read_case_text(f"remi:\n  reference_budget: {number}\n", "case.yaml")
    d = only_diagnostic(case.value, "RS004")
    assert d.span is not None and (d.span.line, d.span.column) == (2, 21)


def test_numbers_within_the_limits_are_exact() -> None:
    """The other side of the limit: a 15-digit amount and a small rate load exactly."""
    data = read_case_text("a: 999999999999999.99\nb: 0.000001\nc: 9999999999999999\n", "case.yaml")
    assert str(data["a"]) == "999999999999999.99" and str(data["b"]) == "0.000001" and data["c"] == 10**16 - 1


def test_long_text_is_refused() -> None:
    """Catches a loader that accepts texts of any length: a 10 MB key or title would be copied
    into every diagnostic and message. Texts longer than ``max_string_chars`` are refused."""
    long = "x" * (DEFAULT_LIMITS.max_string_chars + 1)
    # A plain key may not be longer than 1,024 characters in YAML; an explicit key (``?``) may.
    for text in (f"? {long}\n: 1\n", f"client:\n  municipality: {long}\n"):
        with pytest.raises(FactsError) as exc:
            read_case_text(text, "case.yaml")
        d = only_diagnostic(exc.value, "RS004")
        assert "characters" in d.message and len(d.message) < 200


def test_control_characters_are_refused_with_their_position() -> None:
    """Catches reporting reader errors at 1:1 (or as a traceback): a NUL byte from a broken export
    is refused at its own line and column."""
    with pytest.raises(FactsError) as exc:
        read_case_text("on: 2025-03-01\nclient:\n  municipality: Hechtel\x00Eksel\n", "case.yaml")
    d = only_diagnostic(exc.value, "RS001")
    assert d.span is not None and (d.span.line, d.span.column) == (3, 24)


def test_non_utf8_case_file_is_refused(tmp_path: Path) -> None:
    """Catches ``Path.read_text`` caught for ``OSError`` only: a Latin-1 export raises
    ``UnicodeDecodeError`` (a ``ValueError``), a traceback instead of a diagnostic."""
    path = tmp_path / "case.yaml"
    path.write_bytes("household:\n  municipality: Liège\n".encode("latin-1"))
    with pytest.raises(FactsError) as exc:
        load_case(path)
    assert "UTF-8" in only_diagnostic(exc.value, "CF004").message
