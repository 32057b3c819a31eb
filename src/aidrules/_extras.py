"""Optional extras are loaded in one way: lazily, through :func:`require`, which says how to install them.

The core library imports every module it needs at the top of its own modules. The packages of the
optional extras (``pyproject.toml``) are the one exception: a module that needs one is loaded by
:func:`require` where it is first used, so that the core library, the CLI and the SQLite journal
never load (nor need) them:

========== ========================================= =========================================
extra      packages                                  loaded by
========== ========================================= =========================================
server     fastapi, uvicorn (starlette)              ``aidrules serve`` and its workers
postgres   psycopg                                   ``journal.stores.open_store`` (postgresql://)
signing    cryptography                              ``registry.signing``
durable    durable_rules (``durable``)               ``engine.durable.runtime`` (``--engine durable``)
========== ========================================= =========================================

Babel, a package of the core install, is loaded the same way (:func:`deferred`), for another
reason: ``import aidrules`` and deciding in its common cases do not need it, and loading it costs
start-up time (``tests/test_public_api.py::test_core_import_is_light``). :data:`DEFERRED` names
the modules loaded so; nothing else is.

The command line names its heavy modules of the core install (FastAPI apps, Jinja2 pages, the
policy toolkit, reports) at the top of its command modules with :func:`lazy_module`: the module is
imported, as ``import`` imports it (its packages first), when one of its attributes is first read,
so ``aidrules evaluate`` does not pay for ``serve``. For mypy
the real module is imported under ``TYPE_CHECKING``::

    if TYPE_CHECKING:
        import aidrules.toolkit_module as toolkit
    else:
        toolkit = lazy_module("aidrules.toolkit_module")

Which modules are loaded so is decided by measurement (``python -X importtime``,
``docs/performance.md``, "Command line"); ``tests/cli/test_startup.py`` checks that ``aidrules
evaluate`` stays light.

A missing package gives the caller's own located error (each area keeps its code, e.g. JR014 for
the PostgreSQL journal, RS800 for signatures), whose hint is :func:`install_hint`. Any other import
error (a bug in our own module) is not hidden. ``tests/test_layering.py`` allows no other import
inside a function.

Example:
    >>> from aidrules._extras import install_hint
    >>> install_hint("postgres")
    'pip install "aidrules[postgres]"'
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Literal

Extra = Literal["server", "postgres", "signing", "durable"]

#: The top-level packages each extra installs (as ``ImportError.name`` names them).
PACKAGES: dict[Extra, tuple[str, ...]] = {
    "server": ("fastapi", "uvicorn", "starlette"),
    "postgres": ("psycopg", "psycopg_binary", "psycopg_c"),
    "signing": ("cryptography",),
    "durable": ("durable", "durable_rules_engine"),
}


#: Modules of the core install that ``import aidrules`` does not load (see the module docstring).
DEFERRED = frozenset({"babel.dates", "babel.numbers"})


def deferred(module: str) -> ModuleType:
    """Import ``module``, one of :data:`DEFERRED`, the first time it is needed."""
    if module not in DEFERRED:
        raise ValueError(f"{module} is not loaded on first use; import it at the top of the module")
    return importlib.import_module(module)


def install_hint(extra: Extra) -> str:
    """The command that installs ``extra``."""
    return f'pip install "aidrules[{extra}]"'


def is_missing(exc: ImportError, extra: Extra) -> bool:
    """Whether ``exc`` says that a package of ``extra`` is missing or cannot be loaded (a C
    extension that does not import on this Python names no module)."""
    if exc.name is None:
        return True
    return exc.name.partition(".")[0] in PACKAGES[extra]


def require(module: str, extra: Extra, error: Callable[[ImportError], Exception]) -> ModuleType:
    """Import ``module`` (a package of ``extra``, or one of ours built on it) when it is first needed.

    Args:
        module: the dotted name to import.
        extra: the optional extra that provides it.
        error: builds the exception to raise when the extra is missing, from the import error
            (its ``name`` is the missing package, when Python knows it).

    Raises:
        Exception: ``error(...)`` when a package of ``extra`` cannot be imported; an unrelated
            ``ImportError`` as it is.
    """
    try:
        # each package on the way first, as ``from a.b import c`` does: a package made unimportable
        # (``sys.modules[name] = None``) stays so even when its submodule was loaded before
        parts = module.split(".")
        for end in range(1, len(parts)):
            importlib.import_module(".".join(parts[:end]))
        return importlib.import_module(module)
    except ImportError as exc:
        if not is_missing(exc, extra):
            raise
        raise error(exc) from None


class _Deferred(ModuleType):
    """A module named now and imported, by the import system and its packages first, when one of
    its attributes is first read; every attribute is then read from the real module."""

    def __getattr__(self, attribute: str) -> object:
        name = self.__name__
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # the module itself (or a package it is in) is not installed
            if exc.name is not None and (name == exc.name or name.startswith(exc.name + ".")):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name) from None
            raise
        return getattr(module, attribute)


def lazy_module(name: str) -> ModuleType:
    """The module ``name``, imported when one of its attributes is first read (the module itself
    when it was imported already). It is imported as ``import`` does it, its packages first, so a
    package whose ``__init__`` imports this very module runs as it always does. A module that is
    not installed raises :class:`ModuleNotFoundError` (naming it) when it is used, not here."""
    loaded = sys.modules.get(name)
    return loaded if loaded is not None else _Deferred(name)
