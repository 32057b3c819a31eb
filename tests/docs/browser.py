"""A headless Chromium driven over the DevTools protocol (on a pipe; no extra Python packages).

``--dump-dom`` cannot show what Material for MkDocs renders: it puts each Mermaid diagram in a
closed shadow root. ``DOM.getDocument`` with ``pierce`` does include shadow roots, so the test
reads the rendered tree through the protocol.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: Headless, offline, no first-run screens: every browser test starts Chromium with these.
HEADLESS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FLAGS = [*HEADLESS, "--remote-debugging-pipe"]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Browser:
    """One Chromium process with one page; commands are sent on fd 3, answers read from fd 4."""

    def __init__(self, executable: str, url: str) -> None:
        self.profile = tempfile.TemporaryDirectory(prefix="aidrules-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        os.set_inheritable(to_browser_r, True)
        os.set_inheritable(from_browser_w, True)

        def plumbing() -> None:  # in the child: the protocol wants its pipes as fd 3 and 4
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self.profile.name}", url],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=plumbing,
            close_fds=False,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.session = self._attach()

    def _attach(self) -> str:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            targets = self.send("Target.getTargets")["targetInfos"]
            pages = [t for t in targets if t["type"] == "page"]
            if pages:
                attached = self.send("Target.attachToTarget", {"targetId": pages[0]["targetId"], "flatten": True})
                return str(attached["sessionId"])
            time.sleep(0.2)
        raise RuntimeError("Chromium opened no page")

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        for answer in self._messages():
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return dict(answer.get("result", {}))
        raise RuntimeError("Chromium closed the pipe")

    def _messages(self) -> Iterator[dict[str, Any]]:
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                yield json.loads(raw)
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                return
            self._buffer += chunk

    def document(self) -> dict[str, Any]:
        """The whole DOM, shadow roots included."""
        return self.send("DOM.getDocument", {"depth": -1, "pierce": True}, self.session)["root"]

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, OSError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        self.profile.cleanup()


def walk(node: dict[str, Any], in_shadow: bool = False) -> Iterator[tuple[dict[str, Any], bool]]:
    """Every node below ``node`` with whether it lies inside a shadow root."""
    yield node, in_shadow
    for child in node.get("children", []):
        yield from walk(child, in_shadow)
    for root in node.get("shadowRoots", []):
        yield from walk(root, True)
    if "contentDocument" in node:
        yield from walk(node["contentDocument"], in_shadow)


def attributes(node: dict[str, Any]) -> dict[str, str]:
    values = node.get("attributes", [])
    return dict(zip(values[::2], values[1::2], strict=False))


def text(node: dict[str, Any]) -> str:
    return "".join(n.get("nodeValue", "") for n, _ in walk(node) if n.get("nodeType") == 3)


def file_url(path: Path) -> str:
    return path.resolve().as_uri()
