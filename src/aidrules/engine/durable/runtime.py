"""Running durable_rules safely: one host, one thread, one session per evaluation.

durable_rules (2.0.28, unmaintained since 2020) has traps, measured in ``docs/durable.md``:

- it crashes when called from several threads, even behind a lock: every call into it runs on one
  dedicated engine thread, fed by a queue; callers wait for their result;
- its ``Host`` starts timer threads that call into the engine in the background: aidrules uses a
  host without them (no timers or asynchronous actions are used);
- after 1,024 live sessions ``post`` raises ``MemoryError``: every evaluation is one session,
  deleted when it ends, whatever happened;
- a rule-set name can be registered once: each network is registered under
  ``id@version:digest`` (the digest covers the rule set's fingerprint and the generated rules),
  once per process, and reused by every rule set with the same digest;
- ``engine.Ruleset`` deletes ``run`` from the definitions it is given: each registration gets a
  freshly built definition.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import queue
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from aidrules._extras import lazy_module, require
from aidrules.errors import Diagnostic, EvaluationError

if TYPE_CHECKING:
    from concurrent import futures
else:  # with the logging it imports, loaded when the engine thread first runs a job, not by `import aidrules`
    futures = lazy_module("concurrent.futures")

T = TypeVar("T")

INSTALL_HINT = 'pip install "aidrules[durable]"'

#: The type of the fact that every network's ``open`` rule matches (see :meth:`Engine.session`).
OPEN = "s"


def unavailable(reason: str) -> EvaluationError:
    message = (
        f"the durable_rules backend is not available ({reason}); install it with {INSTALL_HINT} "
        "(Python 3.11 or 3.12), or use --engine compiled"
    )
    return EvaluationError(message, [Diagnostic("EN001", message, path="--engine")])


_EPOCH = datetime(1970, 1, 1)


def _unix_now() -> float:
    """durable_rules' clock (``durable.engine._unix_now``: local wall time minus the naive epoch,
    used only for its action time-outs), without ``datetime.utcfromtimestamp(0)``, which is
    deprecated since Python 3.12 and warns on every fired action."""
    return (datetime.now() - _EPOCH).total_seconds()


def cannot_import(exc: ImportError) -> EvaluationError:
    return unavailable(f"cannot import durable_rules: {exc}")


def load_durable() -> Any:
    """The ``durable.engine`` module, or the :class:`EvaluationError` that says how to install it.

    durable_rules 2.0.28 is the last release (2020): its one call deprecated since Python 3.12 is
    replaced here by an equivalent, so that no warning reaches the embedding application.
    """
    engine: Any = require("durable.engine", "durable", cannot_import)
    engine._unix_now = _unix_now
    return engine


class Engine:
    """The durable_rules host of this process and the thread that alone may call it."""

    def __init__(self) -> None:
        durable = load_durable()

        class QuietHost(durable.Host):  # type: ignore[misc, name-defined]
            """A host without the background timer threads (not used; unsafe with threads)."""

            def _run(self) -> None:
                pass

        self.not_handled: type[Exception] = durable.MessageNotHandledException
        self.pid = os.getpid()
        self._host: Any = QuietHost()
        self._queue: queue.SimpleQueue[tuple[Callable[..., Any], tuple[Any, ...], futures.Future[Any]] | None] = (
            queue.SimpleQueue()
        )
        self._registered: set[str] = set()
        self._sessions: dict[str, Any] = {}
        self._sids = itertools.count(1)
        self._thread = threading.Thread(target=self._loop, name="aidrules-durable", daemon=True)
        self._thread.start()

    # -- the engine thread ----------------------------------------------------------------------
    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:  # pragma: no cover - the engine lives as long as the process
                return
            fn, args, future = job
            if not future.set_running_or_notify_cancel():  # pragma: no cover
                continue
            try:
                future.set_result(fn(*args))
            except BaseException as exc:
                future.set_exception(exc)

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` on the engine thread and wait for its result (or exception)."""
        if threading.current_thread() is self._thread:
            return fn(*args)
        future: futures.Future[T] = futures.Future()
        self._queue.put((fn, args, future))
        return future.result()

    # -- on the engine thread ---------------------------------------------------------------------
    def register(self, name: str, definition: Callable[[Callable[[str], Any]], dict[str, Any]]) -> None:
        """Register the rule set ``name`` (once); ``definition(run)`` builds it with actions ``run(rule)``."""
        if name in self._registered:
            return
        self._host.register_rulesets({name: definition(self._action)})
        self._registered.add(name)

    def _action(self, rule: str) -> Callable[[Any], None]:
        sessions = self._sessions

        def run(c: Any) -> None:  # durable_rules calls actions with one argument: synchronous
            session = sessions[c.s.sid]
            session.fire(rule, c._m, c)

        return run

    def session(self, name: str, session: Any, facts: list[dict[str, Any]]) -> None:
        """Assert ``facts`` in a new session, run every rule to the end, delete the session."""
        sid = str(next(self._sids))
        self._sessions[sid] = session
        session.sid = sid
        for fact in facts:
            fact["sid"] = sid
        try:
            if facts:
                self._assert_all(name, facts)
        finally:
            del self._sessions[sid]
            if not session.fired:
                # Deleting a session whose facts all went unmatched crashes durable_rules
                # (segmentation fault, measured): give it one fact that the `open` rule matches.
                with contextlib.suppress(self.not_handled):
                    self._host.assert_fact(name, {"sid": sid, "t": OPEN})
            with contextlib.suppress(Exception):  # a session that never got facts has no state
                self._host.delete_state(name, sid)

    def _assert_all(self, name: str, facts: list[dict[str, Any]]) -> None:
        """Assert ``facts`` at once and run every rule they trigger, to the end.

        ``Host.assert_facts`` runs no action at all when one of the facts matches no rule (it
        raises "message not handled" first); the engine itself has queued the actions of the
        others. So the facts go to the engine directly and its actions run whatever the code.
        """
        durable_rules_engine = require("durable_rules_engine", "durable", cannot_import)
        rules = self._host.get_ruleset(name)
        code, state = durable_rules_engine.assert_facts(rules._handle, json.dumps(facts, ensure_ascii=False))
        if code not in (0, 1):  # pragma: no cover - 2 "observed", 3 "queued": not used here
            raise RuntimeError(f"durable_rules: unexpected result {code} when asserting facts")
        errors: list[BaseException] = []
        rules.do_actions(state, lambda error, _: errors.append(error) if error else None)
        if errors:
            raise errors[0]


_ENGINE: Engine | None = None
_ENGINE_LOCK = threading.Lock()


def engine() -> Engine:
    """The engine of this process (a new one after ``fork``: threads do not survive it)."""
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None or _ENGINE.pid != os.getpid():
            _ENGINE = Engine()
        return _ENGINE
