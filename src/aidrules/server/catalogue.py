"""The rule sets a service decides with: loaded, verified and compiled once, at start.

Requests name a rule set as ``ID`` (the version in force on the decision date) or ``ID@VERSION``,
never as a file: the service only reads the files it was started with. The choice among the
loaded versions is the registry's own (:func:`aidrules.registry.index.select`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from aidrules.engine.compiled import prepared
from aidrules.errors import Diagnostic, RuleSetError, RuleSetNotFoundError
from aidrules.registry.index import Entry, discover_all, select
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.ruleset.shipped import DEFAULT_RULESET, load

#: What a request may name: ``ID`` or ``ID@VERSION`` (no paths, no spaces).
SPEC = re.compile(r"^[a-z][a-z0-9-]{0,79}(@[0-9A-Za-z.+-]{1,40})?$")


class BadRulesSpec(RuleSetError):
    """A request named a rule set in a form the service does not accept (HTTP 400)."""


def check_spec(spec: str) -> str:
    """``spec`` when it has the form ``ID`` or ``ID@VERSION``, else :class:`BadRulesSpec` (SV002)."""
    if not SPEC.match(spec):
        message = f"`{spec[:100]}` is not a rule set name; use ID or ID@VERSION"
        raise BadRulesSpec(
            message, [Diagnostic("SV002", message, path="rules", hint="GET /v1/rulesets lists the rule sets served")]
        )
    return spec


@dataclass(frozen=True)
class Catalogue:
    """The rule sets served: their registry entries and compiled forms (by resolved file path)."""

    entries: tuple[Entry, ...]
    compiled: dict[Path, CompiledRuleSet]
    default: str | None

    def select(self, spec: str | None, day: date) -> CompiledRuleSet:
        """The rule set ``spec`` names (default: the default rule set) for a decision on ``day``.

        Raises:
            BadRulesSpec: ``spec`` is not ``ID`` or ``ID@VERSION`` (SV002).
            RuleSetNotFoundError: no such rule set, or none in force on ``day`` (RS501-RS503).
        """
        if spec is None:
            if self.default is None:
                message = "this service serves several rule sets; name one with `rules`"
                raise BadRulesSpec(message, [Diagnostic("SV003", message, path="rules")])
            spec = self.default
        entry = select(self.entries, check_spec(spec), day)
        return self.compiled[entry.path]

    def ids(self) -> list[str]:
        return sorted({e.id for e in self.entries})

    def versions(self, rid: str) -> list[tuple[Entry, CompiledRuleSet]]:
        """Every loaded version of ``rid``, oldest first (RS501 when there is none)."""
        found = [(e, self.compiled[e.path]) for e in self.entries if e.id == rid]
        if not found:
            message = f"no rule set `{rid[:100]}`; available: {', '.join(self.ids()) or 'none'}"
            raise RuleSetNotFoundError(message, [Diagnostic("RS501", message, path=rid[:100])])
        return sorted(found, key=lambda pair: pair[0].effective_from)


def _entry(rules: CompiledRuleSet, path: Path) -> Entry:
    meta = rules.meta
    extends = rules.layers[-2] if len(rules.layers) > 1 else None
    return Entry(rules.id, rules.version, meta.effective.from_, meta.effective.until, extends, path, meta.title.nl)


def build_catalogue(specs: list[str] | None = None, *, public_key: str | Path | None = None) -> Catalogue:
    """Load every rule set to serve: ``specs`` are paths, ``ID`` (every version) or ``ID@VERSION``;
    none: every rule set the registry finds that can decide a case. With ``public_key`` every layer
    must carry a valid signature (else :class:`RuleSetError` and the service does not start).
    """
    paths: list[Path] = []
    every, conflicts = discover_all()
    known = [e for e in every if e.decides]
    for spec in specs or [e.label for e in known]:
        as_path = Path(spec)
        if as_path.suffix in (".yaml", ".yml") or as_path.is_file():
            paths.append(as_path.resolve())
            continue
        rid, _, version = spec.partition("@")
        found = [e.path.resolve() for e in known if e.id == rid and (not version or e.version == version)]
        if not found:
            select(known, spec)  # raises the registry's own "no rule set" diagnostic
        paths.extend(found)
    compiled: dict[Path, CompiledRuleSet] = {}
    for path in dict.fromkeys(paths):
        rules = load(str(path), public_key=public_key)
        if not rules.decides:
            message = f"{rules.id}@{rules.version} is a base layer and cannot decide a case alone"
            raise RuleSetError(message, [Diagnostic("SV004", message, path=str(path))])
        prepared(rules)  # the generated code too, so that no request waits for it
        compiled[path] = rules
    # Two sources giving a served id@version (or a layer of it) with different content: which one
    # the service would use depends on the search order, so it does not start (RS505).
    served = {label for rules in compiled.values() for label in rules.layers}
    clashes = [d for d in conflicts if d.message.split(" ", 1)[0] in served]
    if clashes:
        raise RuleSetError(clashes[0].message, clashes)
    entries = tuple(_entry(rules, path) for path, rules in compiled.items())
    ids = {e.id for e in entries}
    default = DEFAULT_RULESET if DEFAULT_RULESET in ids else (next(iter(ids)) if len(ids) == 1 else None)
    return Catalogue(entries, compiled, default)
