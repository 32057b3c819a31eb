"""Finding rule sets: a path, or the id (and optional version) of a shipped rule set."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from aidrules.errors import Diagnostic, RuleSetNotFoundError
from aidrules.ruleset.compile import load_ruleset
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.ruleset.yamlload import load_yaml_plain

#: The rule set used when none is named.
DEFAULT_RULESET = "noord-limburg-budgethulp"


def shipped_rules_dir() -> Path:
    """Where the shipped rule files are: inside the installed package, or ``rules/`` in a checkout."""
    packaged = Path(__file__).resolve().parent.parent / "_shipped_rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "rules"


def _headers(directory: Path) -> list[tuple[str, str, date, date | None, Path]]:
    out = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            data = load_yaml_plain(path.read_text(encoding="utf-8"), str(path))
            meta = data["ruleset"]
            period = meta["effective"]
            out.append((meta["id"], str(meta["version"]), period["from"], period.get("until"), path))
        except Exception:
            continue
    return out


def resolve(spec: str | None = None, on: date | None = None) -> Path:
    """The file for ``spec``: a path, ``ID`` (the version in force on ``on``) or ``ID@VERSION``."""
    spec = spec or DEFAULT_RULESET
    as_path = Path(spec)
    if as_path.suffix in (".yaml", ".yml") or as_path.exists():
        return as_path
    rid, _, version = spec.partition("@")
    candidates = [h for h in _headers(shipped_rules_dir()) if h[0] == rid]
    if version:
        candidates = [h for h in candidates if h[1] == version]
    elif on is not None:
        candidates = [h for h in candidates if h[2] <= on and (h[3] is None or on <= h[3])] or candidates
    if not candidates:
        known = sorted({h[0] + "@" + h[1] for h in _headers(shipped_rules_dir())})
        message = f"no rule set `{spec}`; available: {', '.join(known) or 'none'}"
        raise RuleSetNotFoundError(message, [Diagnostic("RS501", message, path=spec)])
    return max(candidates, key=lambda h: h[2])[4]


def load(spec: str | None = None, on: date | None = None) -> CompiledRuleSet:
    """Load a rule set by path, ``ID`` or ``ID@VERSION`` (default: the shipped reference set).

    Example:
        >>> load().id
        'noord-limburg-budgethulp'
    """
    return load_ruleset(resolve(spec, on))
