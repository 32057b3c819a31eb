"""The code under test, as ``pip install`` leaves it: with its modules compiled to bytecode.

``pip install`` writes every module's ``.pyc`` when it installs a package, so a user's
``aidrules`` does not compile its sources when it starts. A checkout installed with ``pip install
-e`` (or code put on ``PYTHONPATH``) is compiled on first import and the ``.pyc`` kept in
``__pycache__``; but where ``PYTHONDONTWRITEBYTECODE`` is set (some CI images and sandboxes set
it) nothing is kept, and every start compiles all of aidrules again (about 70 ms of a 0.5 s
start measured on a 2-core machine). The whole-process benchmarks therefore compile the sources
they run first, the way pip does, whatever the environment says.
"""

from __future__ import annotations

import compileall
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def compile_bytecode(src: Path | None = None) -> None:
    """Write the ``.pyc`` of every module below ``src`` (default: this checkout's ``src``), as
    ``pip install`` does; up-to-date files are left as they are."""
    if not compileall.compile_dir(str(src or SRC), quiet=1):
        raise SystemExit(f"could not compile the modules below {src or SRC}")
