"""Checks of a rule file against the other versions of its rule set (``aidrules validate``).

A new version is usually made by copying the previous one. Validated alone, such a copy looks
fine, yet it may overlap a version installed elsewhere, and it may still carry the previous
version's approval and changelog: the council would seem to have approved what it never saw.
These checks look the file's id up in the file's own directory, then in the search order of
:mod:`aidrules.registry.index` (not in the directory above: for a file in /tmp that would be
every rule file lying around), and warn:

* ``RS507``: the file's effective period overlaps a version from another source;
* ``RS508``: its ``approval`` is exactly the previous version's;
* ``RS509``: its ``changelog`` has no entry for its own version (or is the previous one's).

Messages are in Dutch, French or English.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from aidrules.errors import Diagnostic, Severity
from aidrules.limits import DEFAULT_LIMITS, read_document
from aidrules.readers.yamlload import YamlDocument, load_yaml
from aidrules.registry.index import Entry, discover
from aidrules.text import domain

#: These checks word their messages in the reader's language (RS507–RS509 are `written_in_lang`):
#: the gettext domain ``registry``, msgid the key given to :func:`_t`.
_TEXTS = domain("registry")


def _t(key: str, lang: str, **values: Any) -> str:
    return _TEXTS[lang][key].format(**values)


def _read(path: Path) -> YamlDocument | None:
    try:
        doc, _ = load_yaml(read_document(path, DEFAULT_LIMITS), str(path))
    except Exception:  # an unreadable neighbour is its own file's problem, reported when it is validated
        return None
    return doc if isinstance(doc.data, dict) else None


def neighbour_diagnostics(path: Path, lang: str = "nl", validated: tuple[Path, ...] = ()) -> list[Diagnostic]:
    """Warnings for ``path`` against the other versions of its rule set (see module docstring).
    Files in ``validated`` are checked against each other by the static checks (SA402), not here."""
    doc = _read(path)
    if doc is None:
        return []
    meta = doc.data.get("ruleset")
    if not isinstance(meta, dict) or not isinstance(meta.get("effective"), dict):
        return []
    rid, version = str(meta.get("id")), str(meta.get("version"))
    start, until = meta["effective"].get("from"), meta["effective"].get("until")
    if not isinstance(start, date):
        return []
    label = f"{rid}@{version}"
    own = {p.resolve() for p in (path, *validated)}
    # its own directory, then the search order; not the directory above (for a file in /tmp
    # that would be every other rule file lying around)
    others = [e for e in discover([path.parent]) if e.id == rid and e.label != label and e.path.resolve() not in own]
    out: list[Diagnostic] = []
    for other in others:
        day = _overlap(start, until if isinstance(until, date) else None, other)
        if day is not None:
            values = {"label": label, "other": other.label, "origin": other.origin, "path": other.path, "day": day}
            out.append(
                Diagnostic(
                    "RS507",
                    _t("overlap", lang, **values),
                    doc.span(("ruleset", "effective", "from")),
                    _t("overlap_hint", lang, **values),
                    severity=Severity.WARNING,
                )
            )
    earlier = [e for e in others if e.effective_from < start]
    if earlier:
        previous = max(earlier, key=lambda e: e.effective_from)
        out.extend(_copied(doc, meta, label, version, previous, lang))
    return out


def _overlap(start: date, until: date | None, other: Entry) -> date | None:
    """The first day both are in force, if any."""
    first = max(start, other.effective_from)
    ends = [d for d in (until, other.effective_until) if d is not None]
    return first if not ends or first <= min(ends) else None


def _copied(
    doc: YamlDocument, meta: dict[str, Any], label: str, version: str, previous: Entry, lang: str
) -> list[Diagnostic]:
    before = _read(previous.path)
    old_meta = before.data.get("ruleset") if before is not None else None
    if not isinstance(old_meta, dict):
        return []
    out: list[Diagnostic] = []
    approval = meta.get("approval")
    if isinstance(approval, dict) and approval == old_meta.get("approval"):
        out.append(
            Diagnostic(
                "RS508",
                _t("approval", lang, label=label, other=previous.label, by=approval.get("by"), on=approval.get("on")),
                doc.span(("ruleset", "approval"), key=True),
                _t("approval_hint", lang),
                severity=Severity.WARNING,
            )
        )
    changelog = meta.get("changelog")
    if isinstance(changelog, list) and changelog:
        versions = [str(item.get("version")) for item in changelog if isinstance(item, dict)]
        if changelog == old_meta.get("changelog"):
            message = _t("changelog_same", lang, label=label, other=previous.label)
        elif version not in versions:
            message = _t("changelog", lang, label=label, version=version, last=versions[-1] if versions else "—")
        else:
            return out
        out.append(
            Diagnostic(
                "RS509",
                message,
                doc.span(("ruleset", "changelog"), key=True),
                _t("changelog_hint", lang, version=version),
                severity=Severity.WARNING,
            )
        )
    return out
