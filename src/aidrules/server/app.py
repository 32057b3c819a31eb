"""The decision service's HTTP API (FastAPI): ``create_app(ServiceConfig(...))``.

Why FastAPI on Starlette and uvicorn: the OpenAPI 3.1 document comes from the same pydantic
models the library already uses (Case, Decision, RuleSetFile), FastAPI and uvicorn are the most
used and best kept ASGI stack in Python, and nothing here needs more than what they give.

How a request is handled:

- Bodies are read by the service itself, never more than the size limit
  (``Limits.max_document_chars`` bytes; 413 beyond), and parsed with the library's own JSON
  reader (exact Decimals, its depth and size limits), so a decision is byte for byte the CLI's.
- A decision takes well under a millisecond, so it is made on the event loop: a thread hop
  would cost more than it saves. Explanations (which re-evaluate variants) run in a worker
  thread; journal writes run on one thread that owns the store connection.
- Every error is a problem JSON (``application/problem+json``) with the library's diagnostics;
  an unexpected one is a 500 with an id, logged with its traceback but not its message.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aidrules.batch import Options, case_day, line_decider
from aidrules.codes import Code
from aidrules.engine.decision import COMPACT_FORM, Decision
from aidrules.errors import (
    AidrulesError,
    Diagnostic,
    EvaluationError,
    FactsError,
    RuleSetError,
    RuleSetNotFoundError,
    unknown_language,
)
from aidrules.explain.api import explanation, render_explanation
from aidrules.facts.direct import case_facts
from aidrules.facts.jsonload import read_json_case
from aidrules.facts.model import Case
from aidrules.facts.parse import parse_facts
from aidrules.journal.entry import JournalEntry
from aidrules.journal.errors import JournalError, SeparationOfDutiesError
from aidrules.journal.journal import Journal
from aidrules.journal.keys import DossierKeyer
from aidrules.limits import DEFAULT_LIMITS, Limits
from aidrules.ruleset.compiled import CompiledRuleSet
from aidrules.ruleset.schema import RuleSetFile
from aidrules.server.catalogue import Catalogue, check_spec
from aidrules.server.logs import FIELDS, LOGGER
from aidrules.server.metrics import Metrics
from aidrules.server.tokens import ROLES, Identity, Role, TokenStore

API_TITLE = "aidrules decision service"
API_VERSION = "1"
PROBLEM = "application/problem+json"
#: The media type of a decision's compact JSON form (docs/decisions.md), asked for with ``Accept``.
COMPACT = "application/vnd.aidrules.decision.compact+json"
Lang = Literal["nl", "fr", "en"]
T = TypeVar("T")


@dataclass
class ServiceConfig:
    """What a service serves and how.

    Attributes:
        catalogue: the rule sets, loaded and compiled.
        tokens: the accepted tokens; ``None`` runs the service open (only on a loopback address:
            the ``serve`` command refuses anything else).
        journal: the journal's location (a SQLite path or a store URL for ``Journal.open``).
        key_file: the journal key; without one the journal can be read and verified, not written.
        limits: bounds on a body (``max_document_chars`` bytes) and on each case.
        max_batch_lines: lines one batch request may hold; the rest is refused (SV007).
    """

    catalogue: Catalogue
    tokens: TokenStore | None = None
    journal: str | Path | None = None
    key_file: Path | None = None
    limits: Limits = DEFAULT_LIMITS
    max_batch_lines: int = 10_000
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger(LOGGER))


# -- response models (also the OpenAPI document's components) ----------------------------------------
class DiagnosticOut(BaseModel):
    """One problem, as ``aidrules validate --format json`` and the CLI report it."""

    code: str = Field(examples=["CF001"])
    severity: str = Field(examples=["error"])
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = Field(default=None, examples=["client.motivation"])
    hint: str | None = None


class Problem(BaseModel):
    """An error (RFC 9457 problem details) with the library's diagnostics."""

    type: str = Field(examples=["https://aidrules.invalid/problems/invalid-facts"])
    title: str
    status: int
    detail: str
    errors: list[DiagnosticOut] = []
    id: str | None = Field(default=None, description="Quote it when reporting an internal error.")


class Texts(BaseModel):
    nl: str
    fr: str
    en: str


class RuleSetSummary(BaseModel):
    id: str
    version: str
    title: Texts
    effective_from: date
    effective_until: date | None
    fingerprint: str
    layers: list[str]


class RuleSetVersion(RuleSetSummary):
    metadata: dict[str, Any] = Field(description="The rule file's metadata: sources, approval, changelog.")
    parameters: int
    conditions: int
    forms: list[str]
    provenance: dict[str, str] = Field(
        description="The layer (`id@version`) each rule came from: the `provenance` of every decision of this "
        "version, which the compact form leaves out."
    )


class RuleSetDetail(BaseModel):
    id: str
    versions: list[RuleSetVersion]


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    rulesets: int
    journal: str
    open: bool = Field(description="True when the service runs without tokens (loopback only).")


class RecordRequest(BaseModel):
    """A decision to make and record: the dossier reference (pseudonymised) and the case facts."""

    dossier: str = Field(examples=["BB-2025-0142"], description="The OCMW's own dossier number; never stored.")
    facts: Case


class EntryOut(BaseModel):
    """A journal entry (without the stored decision, unless asked for one entry)."""

    id: int
    kind: str
    status: str
    dossier_key: str
    decided_on: date
    outcome: str
    form: str | None
    ruleset_id: str
    ruleset_version: str
    ruleset_fingerprint: str
    prepared_by: str
    approved_by: str | None
    recorded_at: str
    approves: int | None
    prev_hash: str
    entry_hash: str
    decision: dict[str, Any] | None = None


class EntryList(BaseModel):
    entries: list[EntryOut]


class VerifyOut(BaseModel):
    ok: bool
    entries: int
    problems: list[str]


# -- errors ------------------------------------------------------------------------------------------
class ServiceError(AidrulesError):
    """A refusal of the service itself (authentication, roles, size, configuration)."""

    def __init__(self, status: int, code: Code, message: str, path: str | None = None, hint: str | None = None):
        super().__init__(message, [Diagnostic(code, message, path=path, hint=hint)])
        self.status = status


def _problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses for error statuses: the problem model, described in our own words (the
    standard phrases differ between Python versions: 413 and 422 were renamed in 3.13)."""
    return {status: {"model": Problem, "description": _TITLES[status]} for status in statuses}


_JOURNAL_STATUS = {"JR010": 404, "JR011": 409, "JR003": 409, "JR005": 503, "JR006": 503, "JR007": 503, "JR009": 503}
_TITLES = {
    400: "invalid rules",
    401: "not authenticated",
    403: "not allowed",
    404: "not found",
    406: "not acceptable",
    409: "conflict",
    413: "body too large",
    422: "invalid input",
    500: "internal error",
    503: "not available",
}


def status_of(error: AidrulesError) -> int:
    """The HTTP status of a library error: facts 422, rules 400, unknown rule set 404, …"""
    if isinstance(error, ServiceError):
        return error.status
    if isinstance(error, SeparationOfDutiesError):
        return 403
    if isinstance(error, JournalError):
        return _JOURNAL_STATUS.get(error.code, 422)
    if isinstance(error, RuleSetNotFoundError):
        return 404
    if isinstance(error, RuleSetError):
        return 400
    if isinstance(error, FactsError | EvaluationError):
        return 422
    return 500


def problem(status: int, detail: str, diagnostics: list[Diagnostic], problem_id: str | None = None) -> Response:
    title = _TITLES.get(status, "error")
    body: dict[str, Any] = {
        "type": "https://aidrules.invalid/problems/" + title.replace(" ", "-"),
        "title": title,
        "status": status,
        "detail": detail,
        "errors": [d.to_dict() for d in diagnostics],
    }
    if problem_id is not None:
        body["id"] = problem_id
    headers = {"WWW-Authenticate": 'Bearer realm="aidrules"'} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _error_response(error: AidrulesError) -> Response:
    return problem(status_of(error), str(error), error.diagnostics)


# -- observation: metrics, logs, the catch-all ---------------------------------------------------------
class Observe:
    """Times every request, counts it, logs one line (no bodies) and turns any uncaught exception
    into a 500 problem with an id (logged with its traceback, without the exception's message)."""

    def __init__(self, app: ASGIApp, metrics: Metrics, logger: logging.Logger) -> None:
        self.app = app
        self.metrics = metrics
        self.logger = logger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        sent = False

        async def observed(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                sent = True
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, observed)
        except Exception:
            status = 500
            self.logger.error(
                "internal error", exc_info=True, extra={FIELDS: {"request_id": request_id, "path": scope["path"]}}
            )
            if not sent:
                diagnostic = Diagnostic("SV000", "internal error; the service logged it under this id", path=None)
                await problem(500, "internal error", [diagnostic], request_id)(scope, receive, observed)
        finally:
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", "(unmatched)")
            self.metrics.request(route, scope["method"], status, seconds)
            fields: dict[str, object] = {
                "request_id": request_id,
                "method": scope["method"],
                "route": route,
                "status": status,
                "ms": round(seconds * 1000, 2),
            }
            who = scope["state"].get("identity")
            if isinstance(who, Identity):
                fields["staff"] = who.name
                fields["role"] = who.role
            codes = scope["state"].get("codes")
            if codes:
                fields["codes"] = ",".join(codes)
            self.logger.info("request", extra={FIELDS: fields})


# -- the journal, on one thread of its own --------------------------------------------------------------
class JournalRunner:
    """Runs every journal call on one thread that owns the store (SQLite connections belong to
    the thread that opened them). A call returns after the store committed the entry."""

    def __init__(self, location: str | Path, key_file: Path | None) -> None:
        self.location = location
        self.writable = key_file is not None
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="aidrules-journal")
        keyer = DossierKeyer.from_file(key_file) if key_file is not None else None
        open_it = (
            (lambda: Journal.open(location, keyer=keyer))
            if keyer is not None
            else (lambda: Journal.open(location, read_only=True))
        )
        self.journal: Journal = self._pool.submit(open_it).result()

    async def run(self, call: Callable[[Journal], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, call, self.journal)

    def close(self) -> None:
        self._pool.submit(self.journal.close).result()
        self._pool.shutdown()


def _approve_once(journal: Journal, draft_id: int, approver: str) -> JournalEntry:
    """Approve a draft unless it was approved already (JR011, a conflict; the store's unique
    index would refuse it too, but as a damaged-journal error)."""
    draft = journal.get(draft_id)
    if any(e.approves == draft_id for e in journal.entries(dossier_key=draft.dossier_key)):
        raise JournalError("JR011", f"entry {draft_id} is approved already", "id")
    return journal.approve(draft_id, approved_by=approver)


def entry_out(entry: JournalEntry, *, with_decision: bool = False) -> dict[str, Any]:
    data = {name: value for name, value in asdict(entry).items() if name in EntryOut.model_fields}
    data["decided_on"] = entry.decided_on.isoformat()
    if with_decision:
        data["decision"] = entry.decision
    return data


class LineStream(Response):
    """A streamed JSON Lines answer whose lines are made while the request body is still being read.

    Starlette's ``StreamingResponse`` listens for a disconnect by reading the request messages
    itself, which would take the body's chunks from under the batch reader; this one only sends.
    """

    media_type = "application/x-ndjson"

    def __init__(self, lines: AsyncIterator[str], status_code: int = 200) -> None:
        self.status_code = status_code
        self.background = None
        self.raw_headers = [(b"content-type", b"application/x-ndjson; charset=utf-8")]  # chunked: no length
        self.lines = lines

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        async for line in self.lines:
            await send({"type": "http.response.body", "body": line.encode("utf-8"), "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


# -- reading requests -----------------------------------------------------------------------------------
async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused (413) as soon as it is longer than ``limit`` bytes, declared or not."""
    declared = request.headers.get("content-length", "")
    too_large = ServiceError(
        413,
        "SV001",
        f"the body is larger than {limit:,} bytes",
        "body",
        "send one case per request, or use /v1/batch (one case per line)",
    )
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _text(body: bytes, name: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        message = f"{name}: the body is not UTF-8 text"
        raise FactsError(message, [Diagnostic("CF004", message, path=name)]) from None


def _json_object(text: str, name: str, limits: Limits) -> dict[str, Any]:
    data = read_json_case(text, name, limits)
    if not isinstance(data, dict):
        raise FactsError(
            f"{name}: a case must be a mapping",
            [Diagnostic("CF002", f"{name}: a case must be a mapping of fields", path=name)],
        )
    return data


def decision_form(accept: str | None) -> Literal["full", "compact"]:
    """Which form of a decision the ``Accept`` header asks for (RFC 9110 content negotiation).

    ``application/json`` (also ``application/*``, ``*/*``, no header) is the full JSON;
    ``application/vnd.aidrules.decision.compact+json`` the compact form. The acceptable type with
    the highest ``q`` wins, the first listed on a tie; ``q=0`` refuses a type. Nothing acceptable:
    406 (SV016).
    """
    if accept is None or not accept.strip():
        return "full"
    best: tuple[float, Literal["full", "compact"]] | None = None
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        media = media.lower()
        form: Literal["full", "compact"] | None = (
            "compact" if media == COMPACT else "full" if media in ("application/json", "application/*", "*/*") else None
        )
        if form is None:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        if q > 0 and (best is None or q > best[0]):
            best = (q, form)
    if best is None:
        raise ServiceError(
            406,
            "SV016",
            f"a decision is application/json or {COMPACT}; the Accept header allows neither",
            "accept",
            f"send Accept: application/json (the full decision) or {COMPACT} (the compact form)",
        )
    return best[1]


def parse_day(on: str | None) -> date | None:
    """The ``on`` query parameter (CL002 when it is not a date)."""
    if on is None:
        return None
    try:
        return date.fromisoformat(on)
    except ValueError:
        message = f"on: `{on[:40]}` is not a date in the form YYYY-MM-DD"
        raise FactsError(message, [Diagnostic("CL002", message, path="on")]) from None


OnQuery = Annotated[str | None, Query(description="Decision date YYYY-MM-DD (default: the case's `on`, else today).")]
RulesQuery = Annotated[
    str | None,
    Query(description="Rule set: ID (the version in force on the date) or ID@VERSION; default: the reference set."),
]
LangQuery = Annotated[Lang, Query(description="Language of the texts.")]


# -- who may do what ------------------------------------------------------------------------------------
def require(*roles: Role) -> Callable[[Request], Identity]:
    """A dependency: the caller's identity, when its token has one of ``roles`` (401, 403 otherwise).

    Without a token file (open mode, loopback only) everyone is ``local`` with the first role.
    """

    def check(request: Request) -> Identity:
        tokens: TokenStore | None = request.app.state.config.tokens
        if tokens is None:
            identity = Identity("local", roles[0])
        else:
            header = request.headers.get("authorization", "")
            scheme, _, token = header.partition(" ")
            found = tokens.identify(token.strip()) if scheme.lower() == "bearer" else None
            if found is None:
                raise ServiceError(
                    401, "SV005", "a valid bearer token is needed", "authorization", "aidrules token create"
                )
            identity = found
            if identity.role not in roles:
                raise ServiceError(
                    403,
                    "SV006",
                    f"the role {identity.role} may not do this; needed: {' or '.join(roles)}",
                    "authorization",
                )
        request.scope["state"]["identity"] = identity
        return identity

    return check


Decider = Annotated[Identity, Depends(require("worker", "head_worker"))]
Reader = Annotated[Identity, Depends(require(*ROLES))]
Approver = Annotated[Identity, Depends(require("head_worker"))]
Auditor = Annotated[Identity, Depends(require("auditor", "head_worker"))]
Verifier = Annotated[Identity, Depends(require("auditor"))]


def create_app(config: ServiceConfig) -> FastAPI:
    """The service's ASGI application."""
    catalogue = config.catalogue
    limits = config.limits
    metrics = Metrics()
    metrics.rulesets = len(catalogue.compiled)
    journal = JournalRunner(config.journal, config.key_file) if config.journal is not None else None

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if journal is not None:
            journal.close()

    app = FastAPI(
        title=API_TITLE,
        version=API_VERSION,
        summary="Explained budget-help decisions for OCMWs / CPAS, over HTTP.",
        description="See docs/service.md. Every endpoint under /v1 except health needs a bearer token "
        "(unless the service runs open on a loopback address).",
        docs_url=None,  # the interactive pages load scripts from a CDN; the spec is at /openapi.json
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.metrics = metrics
    app.state.config = config

    # -- errors -----------------------------------------------------------------------------------
    @app.exception_handler(AidrulesError)
    async def library_error(request: Request, error: AidrulesError) -> Response:
        request.scope["state"]["codes"] = [d.code for d in error.diagnostics]
        return _error_response(error)

    @app.exception_handler(RequestValidationError)
    async def query_error(request: Request, error: RequestValidationError) -> Response:
        diagnostics = []
        for item in error.errors():
            if tuple(item.get("loc", ())) == ("query", "lang"):  # the same error as every entry point gives
                diagnostics += unknown_language(item.get("input")).diagnostics
                continue
            where = ".".join(str(part) for part in item.get("loc", ()))
            diagnostics.append(Diagnostic("SV008", f"{where}: {item.get('msg', 'invalid')}", path=where))
        request.scope["state"]["codes"] = list(dict.fromkeys(d.code for d in diagnostics))
        return problem(422, "invalid request parameters", diagnostics)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        code: Code = "SV009" if error.status_code == 404 else "SV008"
        return problem(error.status_code, str(error.detail), [Diagnostic(code, str(error.detail))])

    def decision_for(text: str, on: str | None, rules: str | None) -> tuple[CompiledRuleSet, Case, date]:
        day = parse_day(on)
        if rules is not None:
            check_spec(rules)
        facts = parse_facts(_json_object(text, "body", limits), limits=limits)
        day = day or facts.on or date.today()
        return catalogue.select(rules, day), facts, day

    def admitted(
        data: dict[str, Any], day: date | None, rules: str | None
    ) -> tuple[CompiledRuleSet, Case | dict[str, Any], date]:
        """The rule set, the facts and the date to decide a case's ``data`` (``day``: the ``on``
        parameter). Within the default limits the case is validated the direct way, when it is
        decided (``facts/direct.py``: the errors of ``parse_facts``), its date read from the dict
        first (:func:`aidrules.batch.case_day`); the facts' errors still come before the rule
        set's. Within other limits, by ``parse_facts`` (a dict is decided within the default ones)."""
        if limits != DEFAULT_LIMITS:
            facts = parse_facts(data, limits=limits)
            day = day or facts.on or date.today()
            return catalogue.select(rules, day), facts, day
        if day is None:  # its own date (in another form: validated now), else today
            day = case_day(data)
            if day is None and data.get("on") is not None:
                day = case_facts(data)[1]
            day = day or date.today()
        try:
            ruleset = catalogue.select(rules, day)
        except AidrulesError:
            case_facts(data)  # the facts' errors come first
            raise
        return ruleset, data, day

    # -- decisions --------------------------------------------------------------------------------
    @app.post(
        "/v1/decisions",
        tags=["decisions"],
        summary="Decide a case",
        description="The body is the case facts (contract §1). The answer is byte for byte the JSON of "
        "`aidrules evaluate CASE --format json`; with `Accept: " + COMPACT + "` it is the compact form "
        "of `aidrules evaluate CASE --format compact-json` (each reason once, no provenance: "
        "`GET /v1/rulesets/{id}` gives the rule set's `provenance`).",
        response_class=Response,
        responses={
            200: {
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Decision"}},
                    COMPACT: {"schema": {"$ref": "#/components/schemas/CompactDecision"}},
                }
            },
            **_problems(400, 401, 403, 404, 406, 413, 422),
        },
        openapi_extra={"requestBody": _case_body()},
    )
    async def decide(
        request: Request, who: Decider, on: OnQuery = None, rules: RulesQuery = None, lang: LangQuery = "nl"
    ) -> Response:
        form = decision_form(request.headers.get("accept"))
        text = _text(await read_body(request, limits.max_document_chars), "body")
        day = parse_day(on)
        if rules is not None:
            check_spec(rules)
        ruleset, facts, day = admitted(_json_object(text, "body", limits), day, rules)
        decision = ruleset.evaluate(facts, day, lang=lang)
        metrics.decision(decision.recommendation)
        if form == "compact":
            return Response(decision.to_json(compact=True), media_type=COMPACT)
        return Response(decision.to_json(), media_type="application/json")

    @app.post(
        "/v1/explanations",
        tags=["decisions"],
        summary="Explain a case for a worker, the committee or the client",
        description="As `aidrules explain CASE --audience A --format F --lang L`.",
        response_class=Response,
        responses={
            200: {
                "content": {
                    "application/json": {"schema": {"type": "object"}},
                    "text/html": {"schema": {"type": "string"}},
                    "text/markdown": {"schema": {"type": "string"}},
                    "text/plain": {"schema": {"type": "string"}},
                }
            },
            **_problems(400, 401, 403, 404, 413, 422),
        },
        openapi_extra={"requestBody": _case_body()},
    )
    async def explain(
        request: Request,
        who: Decider,
        on: OnQuery = None,
        rules: RulesQuery = None,
        lang: LangQuery = "nl",
        audience: Annotated[Literal["worker", "committee", "client"], Query()] = "worker",
        format: Annotated[Literal["json", "html", "markdown", "text"], Query()] = "json",
    ) -> Response:
        text = _text(await read_body(request, limits.max_document_chars), "body")
        ruleset, facts, day = decision_for(text, on, rules)

        def build() -> str:
            return render_explanation(explanation(ruleset, facts, day, lang=lang), audience, format)

        out = await run_in_threadpool(build)
        media = {"json": "application/json", "html": "text/html", "markdown": "text/markdown", "text": "text/plain"}
        return Response(out, media_type=media[format])

    @app.post(
        "/v1/batch",
        tags=["decisions"],
        summary="Decide many cases: JSON Lines in, JSON Lines out",
        description='One case per line. Each output line, in input order, is `{"line": N, "decision": …}` '
        'or `{"line": N, "errors": [...]}` (as `aidrules batch`). Blank lines are skipped. Each case '
        "needs a date: its `on` or the `on` parameter.",
        response_class=LineStream,
        responses={
            200: {"content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
            **_problems(400, 401, 403, 404, 422),
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-ndjson": {
                        "schema": {"type": "string"},
                        "example": '{"on": "2025-03-01", "client": {"consents": false}}\n{"on": "2025-03-01"}\n',
                    }
                },
            }
        },
    )
    async def batch(
        request: Request, who: Decider, on: OnQuery = None, rules: RulesQuery = None, lang: LangQuery = "nl"
    ) -> Response:
        day = parse_day(on)
        if rules is not None:
            check_spec(rules)
            catalogue.versions(rules.partition("@")[0])  # an unknown rule set: 404 before any line
        decide_line = line_decider(
            Options(rules=rules, lang=lang, on=day), resolver=lambda d: catalogue.select(rules, d)
        )
        lines = _numbered_lines(request, limits.max_document_chars, config.max_batch_lines)

        async def results() -> AsyncIterator[str]:
            async for number, text, refusal in lines:
                if refusal is not None:
                    yield json.dumps({"line": number, "errors": [refusal.to_dict()]}, ensure_ascii=False) + "\n"
                    continue
                result = decide_line(number, text)
                if result.recommendation is not None:
                    metrics.decision(result.recommendation)
                yield result.text + "\n"
                await asyncio.sleep(0)  # let other requests in between lines

        return LineStream(results())

    # -- rule sets and schemas --------------------------------------------------------------------
    def summary(rules: CompiledRuleSet) -> dict[str, Any]:
        meta = rules.meta
        return {
            "id": rules.id,
            "version": rules.version,
            "title": meta.title.model_dump(),
            "effective_from": meta.effective.from_.isoformat(),
            "effective_until": meta.effective.until.isoformat() if meta.effective.until else None,
            "fingerprint": rules.fingerprint,
            "layers": list(rules.layers),
        }

    @app.get("/v1/rulesets", tags=["rule sets"], summary="The rule sets served", response_model=list[RuleSetSummary])
    async def rulesets(who: Reader) -> list[dict[str, Any]]:
        ordered = sorted(catalogue.entries, key=lambda e: (e.id, e.effective_from))
        return [summary(catalogue.compiled[e.path]) for e in ordered]

    @app.get(
        "/v1/rulesets/{id}",
        tags=["rule sets"],
        summary="One rule set: its versions, periods, fingerprints and layers",
        response_model=RuleSetDetail,
        responses=_problems(404),
    )
    async def ruleset(id: str, who: Reader) -> dict[str, Any]:
        versions = []
        for _, rules in catalogue.versions(id):
            item = summary(rules)
            item["metadata"] = rules.meta.model_dump(mode="json", by_alias=True, exclude_none=True)
            item["parameters"] = len(rules.parameters)
            item["conditions"] = sum(1 for v in rules.plan if v.kind == "condition")
            item["forms"] = [f.id for f in rules.forms]
            item["provenance"] = dict(rules.provenance)
            versions.append(item)
        return {"id": id, "versions": versions}

    schemas: dict[str, type[BaseModel]] = {"facts": Case, "decision": Decision, "ruleset": RuleSetFile}

    @app.get(
        "/v1/schemas/{kind}",
        tags=["rule sets"],
        summary="JSON Schema of the case facts, the decision or the rule-file format",
        description="As `aidrules schema KIND`.",
        responses={200: {"content": {"application/json": {"schema": {"type": "object"}}}}},
    )
    async def schema(kind: Literal["facts", "decision", "ruleset"], who: Reader) -> Response:
        body = json.dumps(schemas[kind].model_json_schema(by_alias=True), ensure_ascii=False, indent=2)
        return Response(body + "\n", media_type="application/json")

    # -- operations -------------------------------------------------------------------------------
    @app.get("/health", tags=["operations"], summary="The process is up", response_model=Health)
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/ready",
        tags=["operations"],
        summary="Ready to decide (rule sets loaded, journal reachable)",
        response_model=Ready,
        responses={503: {"model": Ready}},
    )
    async def ready() -> Response:
        state = "not configured"
        ok = True
        if journal is not None:
            try:
                await journal.run(lambda j: j.store.key_check())
                state = "ok" if journal.writable else "read-only"
            except Exception:
                config.logger.error("journal not reachable", exc_info=True)
                state, ok = "unreachable", False
        body = {
            "status": "ready" if ok else "not ready",
            "rulesets": len(catalogue.compiled),
            "journal": state,
            "open": config.tokens is None,
        }
        return JSONResponse(body, status_code=200 if ok else 503)

    @app.get(
        "/metrics",
        tags=["operations"],
        summary="Prometheus metrics (text format 0.0.4)",
        response_class=Response,
        responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
    )
    async def prometheus() -> Response:
        return Response(metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    # -- the journal ------------------------------------------------------------------------------
    def the_journal() -> JournalRunner:
        if journal is None:
            raise ServiceError(503, "SV013", "this service has no journal", "journal", "start it with --journal")
        return journal

    @app.post(
        "/v1/journal/decisions",
        tags=["journal"],
        summary="Decide a case and record the decision as a draft",
        description="The dossier number is replaced by its pseudonymous key; the token's name is the preparer. "
        "A head worker other than the preparer approves the draft.",
        status_code=201,
        response_model=EntryOut,
        responses=_problems(400, 401, 403, 404, 413, 422, 503),
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/RecordRequest"},
                    }
                },
            }
        },
    )
    async def record(
        request: Request, who: Decider, on: OnQuery = None, rules: RulesQuery = None, lang: LangQuery = "nl"
    ) -> Response:
        runner = the_journal()
        body = _json_object(_text(await read_body(request, limits.max_document_chars), "body"), "body", limits)
        dossier, facts_data = body.get("dossier"), body.get("facts")
        if not isinstance(dossier, str) or not isinstance(facts_data, dict) or set(body) - {"dossier", "facts"}:
            message = 'the body is {"dossier": "…", "facts": {…}} and nothing else'
            raise FactsError(message, [Diagnostic("SV008", message, path="body")])
        day = parse_day(on)
        if rules is not None:
            check_spec(rules)
        ruleset, facts, day = admitted(facts_data, day, rules)
        decision = ruleset.evaluate(facts, day, lang=lang)
        metrics.decision(decision.recommendation)
        entry = await runner.run(lambda j: j.record_decision(decision, ruleset, dossier=dossier, prepared_by=who.name))
        metrics.journal_entry(entry.status)
        return JSONResponse(entry_out(entry), status_code=201)

    @app.post(
        "/v1/journal/entries/{entry_id}/approve",
        tags=["journal"],
        summary="Approve a draft (head worker; never the preparer)",
        status_code=201,
        response_model=EntryOut,
        responses=_problems(401, 403, 404, 409, 503),
    )
    async def approve(entry_id: int, who: Approver) -> Response:
        runner = the_journal()
        entry = await runner.run(lambda j: _approve_once(j, entry_id, who.name))
        metrics.journal_entry(entry.status)
        return JSONResponse(entry_out(entry), status_code=201)

    @app.get(
        "/v1/journal/entries",
        tags=["journal"],
        summary="Journal entries in the order written",
        response_model=EntryList,
        responses=_problems(401, 403, 422, 503),
    )
    async def entries(
        who: Auditor,
        since: date | None = None,
        until: date | None = None,
        kind: Literal["decision", "review"] | None = None,
        after: Annotated[int, Query(ge=0, description="Only entries with a larger id (paging).")] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> dict[str, Any]:
        def read(j: Journal) -> list[dict[str, Any]]:
            found: list[dict[str, Any]] = []
            for entry in j.entries(since=since, until=until, kind=kind):
                if entry.id > after:
                    found.append(entry_out(entry))
                    if len(found) >= limit:
                        break
            return found

        return {"entries": await the_journal().run(read)}

    @app.get(
        "/v1/journal/entries/{entry_id}",
        tags=["journal"],
        summary="One journal entry, with the decision as stored",
        response_model=EntryOut,
        responses=_problems(401, 403, 404, 503),
    )
    async def entry(entry_id: int, who: Auditor) -> dict[str, Any]:
        found = await the_journal().run(lambda j: j.get(entry_id))
        return entry_out(found, with_decision=True)

    @app.get(
        "/v1/journal/verify",
        tags=["journal"],
        summary="Check the database and the hash chain",
        response_model=VerifyOut,
        responses=_problems(401, 403, 503),
    )
    async def verify(who: Verifier) -> dict[str, Any]:
        def check(j: Journal) -> dict[str, Any]:
            problems = j.verify()
            count = sum(1 for _ in j.entries())
            return {"ok": not problems, "entries": count, "problems": problems}

        return await the_journal().run(check)

    app.add_middleware(Observe, metrics=metrics, logger=config.logger)
    app.openapi = _openapi_builder(app)  # type: ignore[method-assign]
    return app


# -- the OpenAPI document ----------------------------------------------------------------------------
#: A synthetic example case (no real person), used in the OpenAPI document.
EXAMPLE_CASE: dict[str, Any] = {
    "on": "2025-03-01",
    "household": {"category": "single", "adults": 1, "children": [], "housing": "private_rental"},
    "client": {
        "requested_by": "self",
        "consents": True,
        "shares_information": True,
        "participates": True,
        "motivation": 3,
        "budgeting_skills": "limited",
        "wants_to_keep_control": True,
        "habitual_residence_in_belgium": True,
        "is_enterprise": False,
        "enterprise_ceased_on": None,
        "csr_revoked_on": None,
        "in_collective_debt_settlement": False,
        "organised_insolvency": False,
    },
    "incomes": [{"kind": "wage", "monthly_net": "1650.00", "stable": True}],
    "expenses": [{"kind": "rent", "monthly": "650.00"}, {"kind": "energy", "monthly": "120.00"}],
    "debts": [{"creditor": "Energieleverancier NV", "kind": "energy", "amount": "1250.00", "enforcement": "reminder"}],
    "signals": {"eviction_threat": False, "utility_cutoff_threat": False, "income_seized": False},
}


def _case_body() -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}},
    }


def _compact_schemas(components: dict[str, Any]) -> dict[str, Any]:
    """The compact form's schemas, made from the Decision's: every ``reasons`` a list of indexes
    into ``reason_table`` (which holds each Reason once), ``form`` first and no ``provenance``."""
    indexes = {
        "description": "Indexes into `reason_table`.",
        "items": {"minimum": 0, "type": "integer"},
        "title": "Reasons",
        "type": "array",
    }
    out: dict[str, Any] = {}
    for name in ("FormResult", "PrincipleResult", "ActionResult"):
        schema = copy.deepcopy(components[name])
        schema["properties"]["reasons"] = indexes
        schema["title"] = "Compact" + name
        out["Compact" + name] = schema
    decision = copy.deepcopy(components["Decision"])
    properties = decision["properties"]
    properties["forms"]["additionalProperties"] = {"$ref": "#/components/schemas/CompactFormResult"}
    properties["principles"]["additionalProperties"] = {"$ref": "#/components/schemas/CompactPrincipleResult"}
    properties["actions"]["items"] = {"$ref": "#/components/schemas/CompactActionResult"}
    properties["reasons"] = indexes
    del properties["provenance"]
    table = {
        "description": "Each distinct reason once, in the order first met.",
        "items": {"$ref": "#/components/schemas/Reason"},
        "title": "Reason Table",
        "type": "array",
    }
    form = {"const": COMPACT_FORM, "title": "Form", "type": "string"}
    decision["properties"] = {"form": form, **properties, "reason_table": table}
    decision["required"] = ["form", *(n for n in decision.get("required", []) if n != "provenance"), "reason_table"]
    decision["title"] = "CompactDecision"
    decision["description"] = (
        f"A decision in its compact form ({COMPACT}; docs/decisions.md): read it back with the rule set's "
        "provenance (Decision.from_compact, or fromCompact in the TypeScript client)."
    )
    out["CompactDecision"] = decision
    return out


def _openapi_builder(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """FastAPI's document, plus the library's models (Case, Decision, RecordRequest as components)
    and the request examples. It depends on the code only, not on the rule sets served, so the
    committed copy (clients/typescript/openapi.json) stays valid for every deployment."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        spec = get_openapi(
            title=app.title,
            version=app.version,
            openapi_version=app.openapi_version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
        )
        _, top = models_json_schema(
            [(Case, "validation"), (Decision, "serialization"), (RecordRequest, "validation")],
            ref_template="#/components/schemas/{model}",
        )
        components = spec.setdefault("components", {}).setdefault("schemas", {})
        for name, schema in top.get("$defs", {}).items():
            components.setdefault(name, schema)
        components.update(_compact_schemas(components))
        # Examples are added here: FastAPI drops the nulls ("never happened") from examples it writes.
        for path, example_body in (
            ("/v1/decisions", EXAMPLE_CASE),
            ("/v1/explanations", EXAMPLE_CASE),
            ("/v1/journal/decisions", {"dossier": "BB-2025-0142", "facts": EXAMPLE_CASE}),
        ):
            spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["example"] = example_body
        spec["components"].setdefault("securitySchemes", {})["bearer"] = {"type": "http", "scheme": "bearer"}
        spec["security"] = [{"bearer": []}]
        for path in ("/health", "/ready", "/metrics"):
            spec["paths"][path]["get"]["security"] = []
        app.openapi_schema = spec
        return spec

    return build


# -- batch input ------------------------------------------------------------------------------------
async def _raw_lines(request: Request, max_line: int) -> AsyncIterator[tuple[int, bytes, bool]]:
    """The body's lines as they arrive: number, bytes, and whether the line was longer than
    ``max_line`` bytes (its bytes are then dropped as they come, never held)."""
    buffer = b""
    number = 0
    oversized = False
    async for chunk in request.stream():
        buffer += chunk
        while True:
            end = buffer.find(b"\n")
            if end < 0:
                break
            raw, buffer = buffer[:end], buffer[end + 1 :]
            number += 1
            yield number, raw, oversized
            oversized = False
        if len(buffer) > max_line:
            oversized = True
            buffer = b""
    if buffer or oversized:
        yield number + 1, buffer, oversized


async def _numbered_lines(
    request: Request, max_line: int, max_lines: int
) -> AsyncIterator[tuple[int, str, Diagnostic | None]]:
    """The body's non-blank lines with their numbers, as they arrive. A line longer than
    ``max_line`` bytes or not UTF-8 comes with its refusal; after ``max_lines`` lines the rest
    is refused once (SV007) and not read."""
    counted = 0
    async for number, raw, oversized in _raw_lines(request, max_line):
        where = f"line {number}"
        if oversized or len(raw) > max_line:
            item: tuple[int, str, Diagnostic | None] = (
                number,
                "",
                Diagnostic("CF005", f"{where}: longer than {max_line:,} bytes", path=where),
            )
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                item = (number, "", Diagnostic("CF004", f"{where}: not UTF-8 text", path=where))
            else:
                if not text.strip():
                    continue
                item = (number, text, None)
        counted += 1
        if counted > max_lines:
            message = f"a batch holds at most {max_lines:,} cases; {where} and after were not read"
            yield number, "", Diagnostic("SV007", message, path=where)
            return
        yield item
