"""The command line's one way to load a heavy module only when a command uses it.

``aidrules evaluate`` should not pay for FastAPI (``serve``), Jinja2 (letters, the intake page,
HTML reports), the durable_rules backend or the policy toolkit. The project allows no imports
inside functions, except this documented lazy loading: a command module names such a module at
its top with :func:`lazy_module`, and the module is executed when one of its attributes is first
read (the standard library's :class:`importlib.util.LazyLoader`). For mypy, the real module is
imported under ``TYPE_CHECKING``::

    if TYPE_CHECKING:
        import aidrules.server.app as server_app
    else:
        server_app = lazy_module("aidrules.server.app")

Which modules are loaded this way is decided by measurement (``python -X importtime``, see
``docs/performance.md``, "Command line"); everything a decision needs is imported normally.
``tests/cli/test_startup.py`` checks that ``aidrules evaluate``'s imports stay light.
"""

from __future__ import annotations

import importlib.util
import sys
from importlib.machinery import ModuleSpec, PathFinder
from types import ModuleType


class _Missing(ModuleType):
    """A module that is not installed (an optional extra): reading any attribute raises the
    :class:`ModuleNotFoundError` that importing it would have raised."""

    def __getattr__(self, attribute: str) -> object:
        raise ModuleNotFoundError(f"No module named {self.__name__!r}", name=self.__name__)


def lazy_module(name: str) -> ModuleType:
    """The module ``name``, to be executed when one of its attributes is first read (at once when
    it was imported already). Packages it is in that are not imported yet are named the same way:
    they run when used, before the module. A module that is not installed raises
    :class:`ModuleNotFoundError` when it is used, not here."""
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    parent, _, child = name.rpartition(".")
    package = lazy_module(parent) if parent else None
    spec = _spec(name, package)
    if spec is None or spec.loader is None:
        return _Missing(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    if package is not None:  # as `import a.b.c` does, the package knows its submodule
        # (written into a lazy package's namespace directly: setting an attribute would run it;
        # the lazy loader keeps what was added before it ran)
        object.__getattribute__(package, "__dict__")[child] = module
    return module


def _spec(name: str, package: ModuleType | None) -> ModuleSpec | None:
    """Where ``name`` is, without running its ``package`` when that is not loaded yet."""
    if package is None or type(package) is ModuleType:
        try:
            return importlib.util.find_spec(name)
        except ModuleNotFoundError:  # a parent package is missing
            return None
    parent_spec: ModuleSpec | None = object.__getattribute__(package, "__spec__")
    if parent_spec is None or parent_spec.submodule_search_locations is None:
        return None
    return PathFinder.find_spec(name, list(parent_spec.submodule_search_locations))
