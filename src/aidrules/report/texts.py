"""Texts of the yearly report: Dutch first, French, English.

The gettext domain ``report`` (``aidrules/locale/<lang>/LC_MESSAGES/report.po``); the msgid is
the key given to :func:`text`.
"""

from __future__ import annotations

from aidrules.text import domain

_TEXTS = domain("report")


def text(key: str, lang: str, **fields: object) -> str:
    """A report text in ``lang`` with ``fields`` filled in."""
    value = _TEXTS[lang][key]
    return value.format(**fields) if fields else value
