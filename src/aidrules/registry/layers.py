"""Layered rule sets: ``extends: <id>@<version>`` overlays on a base, merged without mutating it.

A chain runs from the base (e.g. federal amounts) through regional policy to a local overlay.
An overlay may

* override a parameter's ``values`` (and its ``title``/``policy_choice``),
* replace a derived value, condition, principle, form, action or the recommendation whole,
* add new items of any kind, and texts,
* ``disable`` derived values, conditions or actions of its base,

but never touch an item its base marked ``locked: true`` (the legal admission conditions of
collective debt settlement, the five principles, the federal amounts in the reference set).
Every item of the merged rule set remembers the layer it came from.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from aidrules._frozen import Frozen
from aidrules.errors import Diagnostic, RuleSetError, RuleSetNotFoundError, Span, did_you_mean
from aidrules.limits import DEFAULT_LIMITS, Limits, read_document_bytes
from aidrules.readers.yamlload import Path as YPath
from aidrules.readers.yamlload import Pos, YamlDocument, load_yaml
from aidrules.ruleset.cache import parse_rule_file

#: Sections whose items an overlay may replace, add or (some of them) disable.
ITEM_SECTIONS = ("parameters", "derived", "conditions", "principles", "forms", "actions")
DISABLABLE = ("derived", "conditions", "actions")
#: What an overlay may change on an existing parameter without redefining it.
PARAMETER_OVERRIDES = frozenset({"values", "title", "policy_choice"})
#: Longest chain of layers accepted (a cycle is reported long before).
MAX_LAYERS = 8
#: The top-level keys an overlay may have; anything else would be dropped by the merge, so it is
#: refused (RS101) instead of being silently ignored.
LAYER_KEYS = ("aidrules", "extends", "ruleset", "disable", *ITEM_SECTIONS, "recommendation", "reviews")


# Frozen values (aidrules._frozen.Frozen, each with its own __init__): no dataclass methods are
# written and exec'd for them at every start.
_set = object.__setattr__


class Layer(Frozen):
    """One rule file of a chain."""

    __slots__ = ("digest", "doc", "file", "label", "text")
    label: str  # "id@version"
    file: str
    doc: YamlDocument
    text: str
    digest: str  # sha256 of the layer's canonical form

    def __init__(self, label: str, file: str, doc: YamlDocument, text: str, digest: str) -> None:
        _set(self, "label", label)
        _set(self, "file", file)
        _set(self, "doc", doc)
        _set(self, "text", text)
        _set(self, "digest", digest)

    @property
    def data(self) -> dict[str, Any]:
        return self.doc.data if isinstance(self.doc.data, dict) else {}


def canonical(value: Any) -> Any:
    """A JSON-able form independent of YAML layout, comments and number formatting."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | Decimal):
        number = Decimal(value).normalize()
        return {"$n": format(number, "f")}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    raise TypeError(f"cannot fingerprint {type(value).__name__}")  # pragma: no cover - loader makes no others


def digest(data: Any) -> str:
    blob = json.dumps(canonical(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class Labelled(Protocol):
    """A layer as its fingerprint sees it (a :class:`Layer`, or what compiling keeps of one)."""

    @property
    def label(self) -> str: ...

    @property
    def digest(self) -> str: ...


def chain_fingerprint(layers: Sequence[Labelled]) -> str:
    """The fingerprint of a whole chain: it changes when any layer changes semantically."""
    blob = "\n".join(f"{layer.label}:{layer.digest}" for layer in layers)
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


def label_of(data: Any) -> str:
    meta = data.get("ruleset") if isinstance(data, dict) else None
    if isinstance(meta, dict):
        return f"{meta.get('id', '?')}@{meta.get('version', '?')}"
    return "?@?"


Verify = Callable[[str, bytes], None]


def read_layer(path: Path, verify: Verify | None = None) -> tuple[Layer, list[Diagnostic]]:
    """Parse one rule file (not yet validated) as a layer; ``verify`` checks its bytes first."""
    return layer_from_text(read_rule_file(path, verify), str(path), cached=True)


def read_rule_file(path: Path, verify: Verify | None = None, limits: Limits | None = None) -> str:
    """A rule file's text, read no further than a document within ``limits`` can be (so that
    ``/dev/zero`` is refused, not read); ``verify`` checks its bytes first.

    Raises:
        RuleSetError: the file is too long (RS004), cannot be read or is not UTF-8 (RS000), or
            ``verify`` refused it.
    """
    within = limits or DEFAULT_LIMITS
    try:
        data = read_document_bytes(path, within)
        if data is None:
            message = f"the file is longer than {within.max_document_chars} characters can be"
            d = Diagnostic("RS004", message, Span(str(path), 1, 1), "see Limits.max_document_chars in docs/security.md")
            raise RuleSetError(str(d), [d])
        if verify is not None:
            verify(str(path), data)
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        d = Diagnostic("RS000", f"cannot read the rule file: {exc}", Span(str(path), 1, 1))
        raise RuleSetError(str(d), [d]) from None


def layer_from_text(
    text: str, file: str, *, limits: Limits | None = None, cached: bool = False
) -> tuple[Layer, list[Diagnostic]]:
    """A layer from a rule file's text; ``cached``: the text is a rule file's, which may be parsed
    from (and into) the per-user cache (:mod:`aidrules.ruleset.cache`)."""
    parse = parse_rule_file if cached else load_yaml
    doc, diagnostics = parse(text, file, limits=limits)
    return Layer(label_of(doc.data), file, doc, text, digest(doc.data)), diagnostics


def load_chain(
    top: Layer, find: Callable[[str], Path] | None, verify: Verify | None = None
) -> tuple[list[Layer], list[Diagnostic]]:
    """The chain from the base to ``top``, following ``extends``."""
    chain = [top]
    diagnostics: list[Diagnostic] = []
    seen = {top.label}
    current = top
    while "extends" in current.data:
        spec = current.data["extends"]
        span = current.doc.span(("extends",))
        if not isinstance(spec, str):
            # A list, a number or an empty `extends:` would otherwise compile the overlay alone.
            diagnostics.append(
                Diagnostic(
                    "RS701",
                    f"`extends` must name one base as `<id>@<version>`, not {_kind(spec)}",
                    span,
                    "write `extends: <id>@<version>`, e.g. noord-limburg-budgethulp@2025.1; a layer extends one base",
                )
            )
            break
        if "@" not in spec:
            diagnostics.append(
                Diagnostic(
                    "RS701",
                    f"`extends: {spec}` must pin a version",
                    span,
                    "write `extends: <id>@<version>`, e.g. noord-limburg-budgethulp@2025.1",
                )
            )
            break
        if find is None:
            diagnostics.append(
                Diagnostic(
                    "RS702",
                    f"cannot look up `{spec}` here",
                    span,
                    "load the file through aidrules.load() or the command line",
                )
            )
            break
        try:
            base, found = read_layer(find(spec), verify)
        except (RuleSetError, RuleSetNotFoundError) as exc:
            if verify is not None and any(d.code.startswith("RS8") for d in exc.diagnostics):
                raise
            diagnostics.extend(
                [
                    Diagnostic("RS702", f"the base `{spec}` cannot be loaded: {d.message}", span, d.hint)
                    for d in exc.diagnostics
                ]
                or [Diagnostic("RS702", str(exc), span)]
            )
            break
        diagnostics.extend(found)
        if base.label != spec:
            diagnostics.append(Diagnostic("RS702", f"`{spec}` resolved to a file declaring `{base.label}`", span))
            break
        if base.label in seen or len(chain) >= MAX_LAYERS:
            diagnostics.append(Diagnostic("RS703", f"layers extend each other in a circle at `{spec}`", span))
            break
        seen.add(base.label)
        chain.insert(0, base)
        current = base
    return chain, diagnostics


class _Positions:
    """Positions by path, with every path also listed under each of its prefixes of one to
    :data:`_DEPTH` parts (the subtrees a layer takes over: a section, an item, a parameter's
    field), so that a whole subtree is found or removed without scanning every position (merging
    is linear in the size of the layers, not quadratic)."""

    def __init__(self) -> None:
        self.at: dict[YPath, Pos] = {}
        self.under: dict[YPath, set[YPath]] = {}

    @classmethod
    def of(cls, doc: YamlDocument, file: str) -> _Positions:
        """``doc``'s positions, each marked with the file it comes from."""
        out = cls()
        for path, pos in doc.positions.items():
            out.add(path, Pos(pos.line, pos.column, pos.key_line, pos.key_column, pos.style, file))
        return out

    def add(self, path: YPath, pos: Pos) -> None:
        self.at[path] = pos
        under = self.under
        for i in range(1, min(len(path), _DEPTH) + 1):
            prefix = path[:i]
            found = under.get(prefix)
            if found is None:
                under[prefix] = {path}
            else:
                found.add(path)

    def remove(self, prefix: YPath) -> None:
        assert 0 < len(prefix) <= _DEPTH
        for path in list(self.under.get(prefix, ())):
            del self.at[path]
            for i in range(1, min(len(path), _DEPTH) + 1):
                self.under[path[:i]].discard(path)

    def copy_from(self, other: _Positions, prefix: YPath) -> None:
        assert 0 < len(prefix) <= _DEPTH
        for path in other.under.get(prefix, ()):
            self.add(path, other.at[path])


#: The longest prefix a layer takes over as a whole: (``parameters``, id, field).
_DEPTH = 3


class Merged:
    """The chain of layers merged into one document (a plain class: a dataclass's methods would
    be written and exec'd at every start)."""

    __slots__ = ("data", "diagnostics", "doc", "provenance", "texts")

    def __init__(
        self,
        data: dict[str, Any],
        doc: YamlDocument,
        texts: dict[str, str],
        provenance: dict[str, str],  # "parameters.minimum_motivation" -> "id@version"
        diagnostics: list[Diagnostic],
    ) -> None:
        self.data = data
        self.doc = doc
        self.texts = texts
        self.provenance = provenance
        self.diagnostics = diagnostics


def merge(chain: list[Layer]) -> Merged:
    """Apply each layer of ``chain`` on a copy of the one before it."""
    base = chain[0]
    data: dict[str, Any] = copy.deepcopy(base.data)
    data.pop("extends", None)
    positions = _Positions.of(base.doc, base.file)
    provenance: dict[str, str] = {}
    for section in ITEM_SECTIONS:
        items = data.get(section)
        # A section of the wrong form stays as it is: the schema reports it at its place in the base.
        for item in items if isinstance(items, dict) else ():
            provenance[f"{section}.{item}"] = base.label
    for section in ("recommendation", "reviews"):
        if section in data:
            provenance[section] = base.label
    diagnostics: list[Diagnostic] = []
    for layer in chain[1:]:
        _apply(layer, data, positions, provenance, diagnostics)
    # A single file that is not a mapping stays what it is, so that the schema says so (RS103).
    whole = data if len(chain) > 1 or isinstance(base.doc.data, dict) else base.doc.data
    doc = YamlDocument(whole, positions.at, chain[-1].file)
    return Merged(data, doc, {layer.file: layer.text for layer in chain}, provenance, diagnostics)


def _locked(item: Any) -> bool:
    return isinstance(item, dict) and item.get("locked") is True


def _kind(value: Any) -> str:
    """What a YAML value is, in words, for messages about a value of the wrong form."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, int | Decimal):
        return f"the number {value}"
    return "a text"


def _shape(layer: Layer) -> list[Diagnostic]:
    """Keys and sections of an overlay that the merge could not use: each one is refused where it
    stands, instead of being dropped (a dropped `parameters:` would silently keep the base's values)."""
    doc = layer.doc
    out: list[Diagnostic] = []
    for key in layer.data:
        if key not in LAYER_KEYS:
            hint = did_you_mean(str(key), LAYER_KEYS) or f"allowed in a layer: {', '.join(LAYER_KEYS)}"
            out.append(Diagnostic("RS101", f"unknown key `{str(key)[:60]}`", doc.span((key,), key=True), hint))
    for section in ITEM_SECTIONS:
        if section in layer.data and not isinstance(layer.data[section], dict):
            out.append(
                Diagnostic(
                    "RS103",
                    f"`{section}` must be a mapping of ids to items, not {_kind(layer.data[section])}",
                    doc.span((section,)),
                    f"write each item under `{section}:` as `<id>:` with its keys indented below it "
                    "(not as a list item `- <id>:`); remove an empty section",
                )
            )
    return out


def _apply(
    layer: Layer,
    data: dict[str, Any],
    positions: _Positions,
    provenance: dict[str, str],
    diagnostics: list[Diagnostic],
) -> None:
    overlay = layer.data
    doc = layer.doc

    def refuse(path: YPath, what: str) -> None:
        diagnostics.append(
            Diagnostic(
                "RS704",
                f"{what} is locked by its base and cannot be changed by `{layer.label}`",
                doc.span(path, key=True),
                "locked items (legal conditions, the five principles, federal amounts) change only in their base",
            )
        )

    own = _Positions.of(doc, layer.file)

    def take(path: YPath) -> None:
        positions.remove(path)
        positions.copy_from(own, path)

    # metadata is the overlay's own
    for key in ("aidrules", "ruleset"):
        if key in overlay:
            data[key] = copy.deepcopy(overlay[key])
            take((key,))
    diagnostics.extend(_shape(layer))
    disabled = overlay.get("disable", [])
    if not isinstance(disabled, list):
        diagnostics.append(
            Diagnostic("RS705", "`disable` must be a list such as [conditions.x, actions.y]", doc.span(("disable",)))
        )
        disabled = []
    for i, ref in enumerate(disabled):
        section, _, item = str(ref).partition(".")
        if section not in DISABLABLE or not item:
            diagnostics.append(
                Diagnostic(
                    "RS705",
                    f"cannot disable `{ref}`",
                    doc.span(("disable", i)),
                    f"name a {', '.join(DISABLABLE)} item, e.g. `actions.referral`",
                )
            )
            continue
        items = data.get(section)
        if not isinstance(items, dict) or item not in items:
            diagnostics.append(Diagnostic("RS705", f"`{ref}` is not in the base", doc.span(("disable", i))))
            continue
        if _locked(items[item]):
            refuse(("disable", i), f"`{ref}`")
            continue
        del items[item]
        provenance[f"{section}.{item}"] = f"disabled by {layer.label}"
        take((section, item))
    for section in ITEM_SECTIONS:
        items = overlay.get(section)
        if not isinstance(items, dict):
            continue  # refused by _shape
        target = data.setdefault(section, {})
        if not isinstance(target, dict):
            continue  # the base's section has the wrong form: the schema reports it in the base
        for item_id, item in items.items():
            path: YPath = (section, item_id)
            existing = target.get(item_id)
            if existing is not None and _locked(existing):
                refuse(path, f"`{section}.{item_id}`")
                continue
            if (
                existing is not None
                and section == "parameters"
                and isinstance(item, dict)
                and set(item) <= PARAMETER_OVERRIDES
            ):
                merged = dict(existing)
                merged.update(copy.deepcopy(item))
                target[item_id] = merged
                for key in item:
                    take((*path, key))
            else:
                target[item_id] = copy.deepcopy(item)
                take(path)
            provenance[f"{section}.{item_id}"] = layer.label
    if "recommendation" in overlay:
        if _locked(data.get("recommendation")):
            refuse(("recommendation",), "the recommendation")
        else:
            data["recommendation"] = copy.deepcopy(overlay["recommendation"])
            take(("recommendation",))
            provenance["recommendation"] = layer.label
    if "reviews" in overlay:  # review rules (docs/lifecycle.md): an overlay's section replaces the base's
        data["reviews"] = copy.deepcopy(overlay["reviews"])
        take(("reviews",))
        provenance["reviews"] = layer.label
