"""A rule file's layers merged (its chain of ``extends``), from the per-user cache when the same
files were merged before.

Reading each layer's parse, its canonical digest and merging them is about a third of compiling
the reference set (13 ms of 30). The merge is a pure function of the chain's files (their names
and texts, in order), the limits and the code that reads and merges them, so it is kept under a
key of exactly those (:mod:`aidrules.readers.usercache`, kind ``merged``): the merged document
(data and positions, stored as plain tuples as a parse is), the layers' labels and digests, the
provenance and the diagnostics of reading and merging.

Which files form the chain is asked of the registry's headers (:func:`aidrules.registry.index.header`,
kept in the process and the cache) and the same ``find`` the merge uses; a key is then only a
candidate: an entry is written by :func:`merged_layers` itself, from the chain it actually read,
and only when following ``extends`` raised nothing (whether a base is found depends on more than
the files). So a hit is always what merging these very files gave before. Not used when a
signature is checked (``verify``): the layers are then read and checked each time.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from aidrules._frozen import Frozen
from aidrules.errors import Diagnostic, RuleSetError, RuleSetNotFoundError
from aidrules.limits import Limits
from aidrules.readers import usercache
from aidrules.registry import index
from aidrules.registry import layers as layers_module
from aidrules.registry.layers import MAX_LAYERS, Merged, Verify, layer_from_text, load_chain, merge
from aidrules.ruleset.cache import chain_key, document_of, flat_document

Finder = Callable[[str], Path]

#: The code the merged layers depend on besides the files and the limits (the reader is always included).
_CODE = (str(layers_module.__file__), str(index.__file__), __file__)


# A Frozen value (aidrules._frozen.Frozen, with its own __init__): no dataclass methods are
# written and exec'd for it at every start.
_set = object.__setattr__


class LayerId(Frozen):
    """What compiling keeps of a layer: its ``id@version``, file and canonical digest."""

    __slots__ = ("digest", "file", "label")
    label: str
    file: str
    digest: str

    def __init__(self, label: str, file: str, digest: str) -> None:
        _set(self, "label", label)
        _set(self, "file", file)
        _set(self, "digest", digest)


class Front:
    """The chain read and merged: what the compiler starts from (a plain class, as
    :class:`~aidrules.registry.layers.Merged`)."""

    __slots__ = ("diagnostics", "layers", "merged")

    def __init__(self, layers: list[LayerId], merged: Merged, diagnostics: list[Diagnostic]) -> None:
        self.layers = layers
        self.merged = merged
        #: what reading the layers and following ``extends`` found
        self.diagnostics = diagnostics


def merged_layers(text: str, file: str, *, find: Finder, verify: Verify | None, limits: Limits, cached: bool) -> Front:
    """The chain of ``text`` (the rule file ``file``) read and merged; see the module's docstring.
    ``cached``: ``text`` is a rule file's, whose parse, and whose merge, may come from the cache."""
    directory = usercache.usable_dir() if cached and verify is None else None
    if directory is None:
        return _merge(text, file, find=find, verify=verify, limits=limits, cached=cached)[0]
    memo: dict[str, Path | Exception] = {}

    def remembered(spec: str) -> Path:
        """``find``, each spec asked once: the merge below asks the same in the same order."""
        found = memo.get(spec)
        if found is None:
            try:
                found = find(spec)
            except (RuleSetError, RuleSetNotFoundError) as exc:
                found = exc
            memo[spec] = found
        if isinstance(found, Exception):
            raise found
        return found

    chain = _chain_files(text, file, remembered)
    if chain is not None:
        path = usercache.entry(directory, "merged", _key(chain, limits))
        found = _front(usercache.read(path), chain)
        if found is not None:
            return found
    front, read = _merge(text, file, find=remembered, verify=None, limits=limits, cached=True)
    if read is not None:
        usercache.write(directory, usercache.entry(directory, "merged", _key(read, limits)), _flat(front))
    return front


def _merge(
    text: str, file: str, *, find: Finder, verify: Verify | None, limits: Limits, cached: bool
) -> tuple[Front, list[tuple[str, str]] | None]:
    """The chain read and merged, and its files and texts when following ``extends`` found no
    problem (its result may then be kept)."""
    top, diagnostics = layer_from_text(text, file, limits=limits, cached=cached)
    chain = [top]
    clean = True
    if "extends" in top.data:
        chain, found = load_chain(top, find, verify)
        diagnostics += found
        clean = not found
    merged = merge(chain)
    layers = [LayerId(layer.label, layer.file, layer.digest) for layer in chain]
    files = [(layer.file, layer.text) for layer in chain] if clean else None
    return Front(layers, merged, diagnostics), files


def _chain_files(text: str, file: str, find: Finder) -> list[tuple[str, str]] | None:
    """The files and texts of the chain, base first, as the registry's headers name them; None
    when a header cannot be read or ``extends`` leads nowhere (the merge then says why)."""
    chain = [(file, text)]
    entry = index.header(Path(file))
    seen: set[str] = set()
    while entry is not None and entry.extends is not None:
        spec = entry.extends
        if "@" not in spec or spec in seen or len(chain) >= MAX_LAYERS:
            return None
        seen.add(spec)
        try:
            path = find(spec)
            base = layers_module.read_rule_file(path)
        except (RuleSetError, RuleSetNotFoundError):
            return None
        entry = index.header(path)
        if entry is None or entry.label != spec:
            return None
        chain.insert(0, (str(path), base))
    return chain if entry is not None else None


def _key(chain: list[tuple[str, str]], limits: Limits) -> str:
    return chain_key(b"merged", _CODE, limits, chain)


def _flat(front: Front) -> tuple[object, ...]:
    m = front.merged
    layers = [(layer.label, layer.file, layer.digest) for layer in front.layers]
    whole = m.data is m.doc.data
    return (layers, flat_document(m.doc, []), whole, m.provenance, m.diagnostics, front.diagnostics)


def _front(value: object, chain: list[tuple[str, str]]) -> Front | None:
    """A stored merge, only when it has exactly the shape :func:`_flat` gives and names the
    files of ``chain``."""
    if not isinstance(value, tuple) or len(value) != 6:
        return None
    layers, doc, whole, provenance, merged_diagnostics, diagnostics = value
    if type(layers) is not list or len(layers) != len(chain) or type(whole) is not bool:
        return None
    if not all(type(layer) is tuple and len(layer) == 3 and all(type(f) is str for f in layer) for layer in layers):
        return None
    if [layer[1] for layer in layers] != [file for file, _ in chain]:
        return None
    if type(provenance) is not dict or not all(type(k) is str and type(v) is str for k, v in provenance.items()):
        return None
    if usercache.diagnostics(merged_diagnostics) is None or usercache.diagnostics(diagnostics) is None:
        return None
    parsed = document_of(doc)
    if parsed is None:
        return None
    document = parsed[0]
    if whole and not isinstance(document.data, dict):
        return None
    data = document.data if whole else {}
    texts = dict(chain)
    merged = Merged(data, document, texts, provenance, merged_diagnostics)
    return Front([LayerId(*layer) for layer in layers], merged, diagnostics)


__all__ = ["Front", "LayerId", "merged_layers"]
