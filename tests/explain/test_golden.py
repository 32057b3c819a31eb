"""Golden files: the three audiences' texts for representative cases, read by eye before committing.

Regenerate after a deliberate change with ``AIDRULES_UPDATE_GOLDEN=1 pytest tests/explain/test_golden.py``
and read the diff. The rule set's fingerprint is masked: it changes with any edit of the rule files,
and the worker's view shows it verbatim (tested in test_api.py).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from aidrules.explain import render_explanation

from .cases import explained

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = {
    "guidance": "001-single-wage-guidance-baseline",
    "management": "042-family-couple-three-children-bailiff",
    "csr": "024-csr-baseline-single",
    "none": "017-motivation-1-below-minimum",
    "undetermined": "052-undetermined-enterprise-ceased-unknown",
}
VIEWS = {"worker": ("markdown", "md"), "committee": ("text", "txt"), "client": ("text", "txt")}


def _masked(text: str) -> str:
    return re.sub(r"sha256:[0-9a-f]{64}", "sha256:…", text)


@pytest.mark.parametrize("audience", list(VIEWS))
@pytest.mark.parametrize("label", list(CASES))
def test_golden(label: str, audience: str) -> None:
    fmt, ext = VIEWS[audience]
    out = _masked(render_explanation(explained(CASES[label]), audience, fmt))
    path = GOLDEN / f"{label}.{audience}.nl.{ext}"
    if os.environ.get("AIDRULES_UPDATE_GOLDEN") == "1":
        path.write_text(out, encoding="utf-8")
    assert path.exists(), f"{path.name} is missing; generate it with AIDRULES_UPDATE_GOLDEN=1 and read it"
    assert out == path.read_text(encoding="utf-8"), f"{path.name} differs; if intended, regenerate and read it"
