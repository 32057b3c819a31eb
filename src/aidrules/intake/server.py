"""Serving the intake page with the standard library, on 127.0.0.1 only (``aidrules intake``).

A stop-gap until the decision service mounts :func:`~aidrules.intake.page.render_intake` itself:
one page, ``GET /`` (an empty form, ``?lang=fr``) and ``POST /`` (the form read back, the proposal
re-evaluated; ``do=download`` returns the case as a YAML file). Every answer is rendered by the
server; the page loads no scripts, fonts or styles from anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from aidrules.errors import AidrulesError
from aidrules.facts.writing import case_yaml
from aidrules.intake.page import case_from_form, render_intake
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.text.interface import LANGS

#: A submitted form is small; anything bigger is refused before it is read.
MAX_BODY = 200_000
#: No scripts at all, styles only inline, forms only to this server.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'"

RulesFor = Callable[[date], CompiledRuleSet]


def make_server(
    rules_for: RulesFor, port: int = 8080, *, lang: str = "nl", on: date | None = None
) -> ThreadingHTTPServer:
    """An HTTP server on 127.0.0.1:``port`` (0: any free port) serving the intake page.

    ``rules_for(day)`` gives the rule set in force on a decision date; ``on`` fixes the decision
    date (default: today, on every request).
    """

    class Handler(BaseHTTPRequestHandler):
        server_version = "aidrules-intake"

        def log_message(self, format: str, *args: object) -> None:  # no request log: it would hold case data
            return

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if url.path != "/":
                self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n")
                return
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            self._page(query)

        def do_POST(self) -> None:
            if urlsplit(self.path).path != "/":
                self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n")
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "text/plain; charset=utf-8", b"too large\n")
                return
            body = self.rfile.read(length).decode("utf-8", errors="replace")
            form = {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}
            self._page(form)

        def _page(self, form: dict[str, str]) -> None:
            language = form.get("lang") if form.get("lang") in LANGS else lang
            assert language is not None
            day = on or _day(form.get("on")) or date.today()
            result = case_from_form(form, language)
            try:
                rs = rules_for(day)
                if form.get("do") == "download" and not result.errors:
                    payload = case_yaml({"on": day, **result.data}).encode("utf-8")
                    self._send(HTTPStatus.OK, "application/yaml; charset=utf-8", payload, download="case.yaml")
                    return
                html = render_intake(rs, result, day, lang=language)
            except AidrulesError as exc:
                self._send(HTTPStatus.UNPROCESSABLE_ENTITY, "text/plain; charset=utf-8", exc.report().encode())
                return
            self._send(HTTPStatus.OK, "text/html; charset=utf-8", html.encode("utf-8"))

        def _send(self, status: HTTPStatus, kind: str, payload: bytes, download: str | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Content-Security-Policy", CSP)
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Cache-Control", "no-store")  # case data never stays in a cache
            if download:
                self.send_header("Content-Disposition", f'attachment; filename="{download}"')
            self.end_headers()
            self.wfile.write(payload)

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
