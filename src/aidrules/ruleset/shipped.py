"""Finding rule sets by path, ``ID`` (the version in force on a date) or ``ID@VERSION``."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from aidrules.registry.index import find, layer_finder, shipped_rules_dir
from aidrules.registry.signing import Verifier, release_state_from_environment
from aidrules.ruleset.compile import load_ruleset
from aidrules.ruleset.compiled import CompiledRuleSet

__all__ = ["DEFAULT_RULESET", "load", "resolve", "shipped_rules_dir"]

#: The rule set used when none is named.
DEFAULT_RULESET = "noord-limburg-budgethulp"

_cache: dict[Path, tuple[CompiledRuleSet, tuple[tuple[str, tuple[int, int]], ...]]] = {}
_cache_lock = threading.Lock()


def resolve(
    spec: str | None = None, on: date | None = None, *, rules_dirs: Iterable[Path | str] = (), strict: bool = False
) -> Path:
    """The file for ``spec``: a path, ``ID`` (the version in force on ``on``) or ``ID@VERSION``,
    looked up first in ``rules_dirs``, then as :mod:`aidrules.registry.index` says.

    ``strict``: refuse when the ``ID@VERSION`` found is not the only candidate (see
    :func:`aidrules.registry.index.find`), as loading with a public key does.
    """
    spec = spec or DEFAULT_RULESET
    as_path = Path(spec)
    if as_path.suffix in (".yaml", ".yml") or as_path.is_file():
        return as_path
    return find(spec, on, rules_dirs, strict=strict)


def load(
    spec: str | None = None,
    on: date | None = None,
    *,
    public_key: str | Path | None = None,
    rules_dirs: Iterable[Path | str] = (),
    release_state: str | Path | None = None,
) -> CompiledRuleSet:
    """Load a rule set by path, ``ID`` or ``ID@VERSION`` (default: the shipped reference set),
    searching ``rules_dirs`` first (see :mod:`aidrules.registry.index` for the search order).

    Compiled rule sets are immutable, so a rule set whose files have not changed is compiled once
    per process and shared. With ``public_key``, every layer must carry a valid Ed25519 signature
    by that key (see :mod:`aidrules.registry.signing`), each ``id@version`` used must be the only
    file declaring it, and no layer may be of an older release than ``release_state`` (default:
    the file named by ``AIDRULES_RELEASE_STATE``) has accepted; otherwise a
    :class:`RuleSetError` is raised.

    Example:
        >>> load().id
        'noord-limburg-budgethulp'
    """
    if public_key is not None:
        path = resolve(spec, on, rules_dirs=rules_dirs, strict=True).resolve()
        state = Path(release_state) if release_state is not None else release_state_from_environment()
        verifier = Verifier(Path(public_key), release_state=state)
        return load_ruleset(path, verify=verifier, find=layer_finder(path.parent, strict=True))
    path = resolve(spec, on, rules_dirs=rules_dirs).resolve()
    with _cache_lock:
        cached = _cache.get(path)
    if cached is not None and all(_stamp(Path(f)) == s for f, s in cached[1]):
        return cached[0]
    rs = load_ruleset(path)
    stamps = tuple((f, _stamp(Path(f))) for f in rs.files)
    with _cache_lock:
        _cache[path] = (rs, stamps)
    return rs


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (-1, -1)
    return (st.st_mtime_ns, st.st_size)
