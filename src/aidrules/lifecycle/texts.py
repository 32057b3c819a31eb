"""Interface texts of reviews, the journal and the yearly report: Dutch first, French, English.

The gettext domain ``lifecycle`` (``aidrules/locale/<lang>/LC_MESSAGES/lifecycle.po``); the msgid is
the key given to :func:`text`.
"""

from __future__ import annotations

from aidrules.text import domain

_TEXTS = domain("lifecycle")


def text(key: str, lang: str, **fields: str) -> str:
    """An interface text in ``lang`` with ``fields`` filled in."""
    value = _TEXTS[lang][key]
    return value.format(**fields) if fields else value
