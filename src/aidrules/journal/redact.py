"""Keeping passwords out of messages: a journal URL is shown with its password replaced."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

HIDDEN = "***"


def redact_url(url: str) -> str:
    """The URL as it may be shown: the password (in the user part or a ``password=`` parameter)
    replaced by ``***``; a plain path is returned unchanged.

    >>> redact_url("postgresql://ocmw:s3cret@db.example:5432/journal?schema=hechtel&password=x")
    'postgresql://ocmw:***@db.example:5432/journal?schema=hechtel&password=%2A%2A%2A'
    """
    if "://" not in url:
        return url
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            user, _, host = netloc.rpartition("@")
            if ":" in user:
                user = user.split(":", 1)[0] + ":" + HIDDEN
            netloc = f"{user}@{host}"
        query = parse_qsl(parts.query, keep_blank_values=True)
        if any(key == "password" for key, _ in query):
            query = [(key, HIDDEN if key == "password" else value) for key, value in query]
            return urlunsplit(parts._replace(netloc=netloc, query=urlencode(query, quote_via=quote)))
        return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        # a URL that does not parse is shown as its scheme only: it may hold a password anywhere
        return url.split("://", 1)[0] + "://" + HIDDEN


def scrub(text: str, password: str | None) -> str:
    """``text`` with every occurrence of ``password`` replaced by ``***``."""
    return text.replace(password, HIDDEN) if password else text
