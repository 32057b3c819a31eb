"""Loading and compiling a rule file, in named stages.

``parse`` (YAML with positions) → ``schema`` (pydantic shape) → ``parameters`` (dated values,
coverage of the effective period) → ``expressions`` (names and types) → ``references``
(principles, forms, recommendation) → ``cycles`` → ``plan`` (dependency order). Every stage adds
diagnostics; all of them are reported together, sorted by position.
"""

from __future__ import annotations

import contextlib
import copy
import re
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from aidrules._frozen import field_names
from aidrules.codes import Code
from aidrules.errors import Diagnostic, RuleSetError, Severity, Span, did_you_mean
from aidrules.expr import compiler as compiler_module
from aidrules.expr import cost as expr_cost
from aidrules.expr import nodes
from aidrules.expr import parser as parser_module
from aidrules.expr import types as t
from aidrules.expr.compiler import CompiledExpression, Environment, Problem, compile_expression
from aidrules.expr.parser import ParseProblem, parse
from aidrules.facts import model as facts_model
from aidrules.facts import schema as facts_schema
from aidrules.facts import shape
from aidrules.facts.schema import case_type, fact_scales
from aidrules.facts.writing import parse_amount
from aidrules.lifecycle import compile as reviews_module
from aidrules.lifecycle import model as lifecycle_model
from aidrules.lifecycle.compile import compile_reviews
from aidrules.limits import DEFAULT_LIMITS, Limits
from aidrules.readers import usercache
from aidrules.readers.yamlload import Path as YPath
from aidrules.readers.yamlload import YamlDocument
from aidrules.registry import layers as layers_module
from aidrules.registry.index import layer_finder
from aidrules.registry.layers import (
    Verify,
    chain_fingerprint,
    read_rule_file,
)
from aidrules.ruleset import compiled as compiled_module
from aidrules.ruleset import cost as cost_module
from aidrules.ruleset import schema as schema_module
from aidrules.ruleset.cache import chain_key
from aidrules.ruleset.compiled import (
    ActionSpec,
    ActionValueSpec,
    CompiledRuleSet,
    DatedValue,
    FormSpec,
    NamedValue,
    ParameterSpec,
    PrincipleSpec,
    RecommendationRow,
    Template,
)
from aidrules.ruleset.cost import code_size, evaluation_cost, expressions
from aidrules.ruleset.graph import DependencyGraph, NodeKind, reads_of
from aidrules.ruleset.layered import LayerId, merged_layers
from aidrules.ruleset.schema import LANGUAGES, RuleSetFile, Texts

Finder = Callable[[str], Path]

#: Names a rule file may not use for its own items: they are fact roots or namespaces.
RESERVED = frozenset({"principles", "forms", "recommendation", "decision_date"})
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def load_ruleset(
    path: str | Path, *, find: Finder | None = None, verify: Verify | None = None, limits: Limits | None = None
) -> CompiledRuleSet:
    """Load, check and compile a rule file (and the layers it extends).

    ``find`` maps ``id@version`` to a file for ``extends``; by default the registry is searched,
    starting with the file's own directory. ``verify`` (e.g. a
    :class:`~aidrules.registry.signing.Verifier`) checks the bytes of every layer before use.

    Raises:
        RuleSetError: with every problem found, each with ``file:line:column``, a code and a hint.
    """
    p = Path(path)
    text = read_rule_file(p, verify, limits)
    return compile_text(
        text, str(p), find=find or _registry_finder(p.parent), verify=verify, limits=limits, cached=True
    )


def _registry_finder(directory: Path) -> Finder:
    return layer_finder(directory)


def check_ruleset(path: str | Path, *, limits: Limits | None = None) -> list[Diagnostic]:
    """Every diagnostic of a rule file: its errors, or the warnings of a file that compiles."""
    try:
        rs = load_ruleset(path, limits=limits)
    except RuleSetError as exc:
        return exc.diagnostics
    return list(rs.warnings)


def compile_text(
    text: str,
    file: str = "<rules>",
    *,
    find: Finder | None = None,
    verify: Verify | None = None,
    limits: Limits | None = None,
    cached: bool = False,
) -> CompiledRuleSet:
    """Compile rule-file text; see :func:`load_ruleset`. ``cached``: ``text`` is a rule file's,
    whose parse may come from the per-user cache (:mod:`aidrules.ruleset.cache`)."""
    limits = limits or DEFAULT_LIMITS
    front = merged_layers(
        text, file, find=find or _registry_finder(Path.cwd()), verify=verify, limits=limits, cached=cached
    )
    merged = front.merged
    compiler = _RuleCompiler(merged.doc, merged.texts, front.diagnostics + merged.diagnostics)
    compiler.layers = front.layers
    compiler.provenance = merged.provenance
    compiler.limits = limits
    result = compiler.run()
    if result is not None:
        compiler.diagnostics += checked_cost(result, limits, merged.texts)
    errors = [d for d in compiler.diagnostics if d.severity == "error"]
    if errors or result is None:
        raise RuleSetError(f"{file}: {len(errors)} problem(s) in the rule file", compiler.diagnostics)
    return result


#: The code the cost check's result depends on, besides the rule files and the limits: what
#: compiles them into what it walks, and what measures it (the reader is always included).
_COST_CODE = (
    *(
        str(module.__file__)
        for module in (
            cost_module,
            expr_cost,
            shape,
            facts_model,
            facts_schema,
            compiler_module,
            parser_module,
            nodes,
            t,
            compiled_module,
            schema_module,
            layers_module,
            reviews_module,
            lifecycle_model,
        )
    ),
    __file__,
)


def checked_cost(rs: CompiledRuleSet, limits: Limits, texts: dict[str, str]) -> list[Diagnostic]:
    """What :func:`_check_cost` finds (nothing, or one ``RS207``), from the per-user cache when the
    same rule files (``texts``: each layer's text by its file name, in the chain's order) were
    checked with the same limits by the same code before: the check walks every expression of the
    rule set (about 4 ms for the reference set)."""
    found: list[Diagnostic] = []
    if not usercache.enabled():
        _check_cost(rs, limits, found)
        return found

    def check() -> list[Diagnostic]:
        _check_cost(rs, limits, found)
        return found

    key = chain_key(b"cost", _COST_CODE, limits, texts.items())
    return usercache.cached_value("cost", key, check, _accept_cost)


def _accept_cost(value: object) -> list[Diagnostic] | None:
    """A stored result of the cost check: an empty list, or one ``RS207``."""
    found = usercache.diagnostics(value)
    if found is None or len(found) > 1 or not all(d.code == "RS207" for d in found):
        return None
    return found


def _check_cost(rs: CompiledRuleSet, limits: Limits, diagnostics: list[Diagnostic]) -> None:
    """Refuse a rule set whose evaluation could take more than ``max_evaluation_steps`` on some case,
    or whose generated code would be larger than ``max_code_nodes`` allows."""
    found = expressions(rs)  # one walk over the rule set for both measures
    size, largest = code_size(rs, found)
    if size > limits.max_code_nodes:
        worst, item, span = largest[0]
        message = (
            f"the expressions of this rule set have {size:,} parts together, more than the limit "
            f"{limits.max_code_nodes:,} (the code compiled for its first evaluation grows with them); "
            f"`{item}` alone has {worst:,}"
        )
        hint = "write a repeated part once as a derived value and use its name; split very large rule sets"
        diagnostics.append(Diagnostic("RS207", message, span or Span(rs.file, 1, 1), hint))
        return  # the steps are counted over the same expressions: one refusal says enough
    total, ranked = evaluation_cost(rs, limits, found)
    if total <= limits.max_evaluation_steps:
        return
    worst, item, span = ranked[0]
    message = (
        f"evaluating this rule set could take {total:,} steps on a case with full lists, more than the limit "
        f"{limits.max_evaluation_steps:,}; `{item}` alone takes up to {worst:,}"
    )
    hint = "do not nest sum/count/any/all over lists: compute the inner total once as a derived value"
    diagnostics.append(Diagnostic("RS207", message, span or Span(rs.file, 1, 1), hint))


class _RuleCompiler:
    """One compilation of a merged rule file, stage by stage (a plain class: a dataclass's methods
    would be written and exec'd at every start)."""

    def __init__(self, doc: YamlDocument, texts: dict[str, str], diagnostics: list[Diagnostic]) -> None:
        self.doc = doc
        self.texts = texts
        self.diagnostics = diagnostics
        self.layers: list[LayerId] = []
        self.provenance: dict[str, str] = {}
        self.limits: Limits = DEFAULT_LIMITS
        self.model: RuleSetFile | None = None
        self.set_aside: set[str] = set()
        self.scale_reported: set[YPath] = set()
        self.env: Environment | None = None
        self.named: dict[str, NamedValue] = {}
        #: a placeholder or a shown value compiled in an environment, by its text and the
        #: environment's identity (the environment kept with it, so that its identity stays its own)
        self._names: dict[tuple[str, int], tuple[Environment, CompiledExpression | None, list[Problem]]] = {}

    # -- helpers --------------------------------------------------------------------------
    def compile_name(self, name: str) -> tuple[CompiledExpression | None, list[Problem]]:
        """``compile_expression(name, self.env)`` for a placeholder or a value a reason shows,
        compiled once per environment: the messages of the three languages, and the reasons of
        many rules, name the same values (404 compilations of 124 texts in the reference set).
        An environment is never changed once made, and a compiled expression is immutable data."""
        env = self.env
        assert env is not None
        found = self._names.get((name, id(env)))
        if found is None or found[0] is not env:
            compiled, problems = compile_expression(name, env, limits=self.limits)
            found = self._names[(name, id(env))] = (env, compiled, problems)
        return found[1], list(found[2])

    def error(self, code: Code, message: str, path: YPath, hint: str | None = None, key: bool = False) -> None:
        self.diagnostics.append(Diagnostic(code, message, self.doc.span(path, key=key), hint))

    def expr_span(self, path: YPath, line: int, column: int) -> Span:
        pos = self.doc.positions.get(path)
        if pos is None:
            return self.doc.span(path)
        if pos.style in ("|", ">"):
            file_line = pos.line + line
            lines = self.texts.get(pos.file or self.doc.file, "").splitlines()
            raw = lines[file_line - 1] if file_line - 1 < len(lines) else ""
            indent = len(raw) - len(raw.lstrip(" "))
            return Span(pos.file or self.doc.file, file_line, indent + column)
        quote = 1 if pos.style in ("'", '"') else 0
        if line == 1:
            return Span(pos.file or self.doc.file, pos.line, pos.column + quote + column - 1)
        return Span(pos.file or self.doc.file, pos.line, pos.column)

    def compile_expr(self, source: str, path: YPath, expected: t.Type | None) -> CompiledExpression | None:
        assert self.env is not None
        compiled, problems = compile_expression(source, self.env, expected, limits=self.limits)
        for p in problems:
            hint = p.hint
            if p.code in ("RS201", "RS204"):  # `500,00` reads as two values: say how to write the amount
                hint = next((_number_hint(m.group(0)) for m in _BELGIAN_NUMBER.finditer(source)), None) or hint
            self.diagnostics.append(Diagnostic(p.code, p.message, self.expr_span(path, p.line, p.column), hint))
        if compiled is not None:
            self.check_scales(compiled.node, path)
        else:  # when it parses, its comparisons can still be checked
            with contextlib.suppress(ParseProblem):
                self.check_scales(parse(source, limits=self.limits), path)
        return compiled

    def check_scales(self, node: nodes.Node, path: YPath) -> None:
        """RS209: a fact with a scale (``client.motivation``, 0–4) compared with a number outside
        it, written in the expression or as a parameter's value; reported at the number."""
        for compare in _nodes_of(node, nodes.Compare):
            for fact_side, other in ((compare.left, compare.right), (compare.right, compare.left)):
                if not isinstance(fact_side, nodes.Name):
                    continue
                fact = ".".join(fact_side.parts)
                scale = fact_scales().get(fact)
                if scale is None:
                    continue
                if isinstance(other, nodes.Literal):
                    self.off_scale(other.value, fact, scale, self.expr_span(path, other.line, other.column))
                elif isinstance(other, nodes.Name) and len(other.parts) == 1 and self.model is not None:
                    param = self.model.parameters.get(other.parts[0])
                    for i, entry in enumerate(param.values if param and not param.table else ()):
                        where: YPath = ("parameters", other.parts[0], "values", i, "value")
                        if where not in self.scale_reported:
                            self.scale_reported.add(where)
                            self.off_scale(entry.value, fact, scale, self.doc.span(where))

    def off_scale(self, value: object, fact: str, scale: tuple[int | Decimal, int | Decimal], span: Span) -> None:
        low, high = scale
        if isinstance(value, bool) or not isinstance(value, int | Decimal) or low <= value <= high:
            return
        self.diagnostics.append(
            Diagnostic(
                "RS209",
                f"{value} is outside the scale {low}–{high} of `{fact}`",
                span,
                f"`{fact}` is never below {low} or above {high}: a comparison with {value} is always the same",
                severity=_WARNING,  # a warning: such a comparison is odd, not wrong (`x != 7` always holds)
            )
        )

    # -- stages ---------------------------------------------------------------------------
    def run(self) -> CompiledRuleSet | None:
        # Without a valid shape nothing else can be checked; after that every stage runs, so that
        # one `validate` reports every problem of the file, not only those of the first stage.
        # A shape error does not stop the later stages: the parts it concerns are set aside
        # (`repair_shape`) and the rest is still checked, so one misspelt key hides nothing.
        if not self.stage_schema():
            return None
        ok = True
        first_later = len(self.diagnostics)
        for stage in (
            self.stage_parameters,
            self.stage_expressions,
            self.stage_references,
            self.stage_cycles,
            self.stage_reviews,
        ):
            ok = stage() and ok
        self.forget_echoes(first_later)
        return self.stage_plan() if ok and not self.has_errors() else None

    def forget_echoes(self, first_later: int) -> None:
        """Leave out the later stages' complaints about an item set aside for its shape error
        (e.g. "unknown form `x`" for a form whose intrusiveness was not a number): the shape
        error is the problem, the rest would only repeat it."""
        if not self.set_aside:
            return
        marks = tuple(f"`{name}`" for name in self.set_aside)
        self.diagnostics[first_later:] = [
            d for d in self.diagnostics[first_later:] if not any(mark in d.message for mark in marks)
        ]

    def stage_schema(self) -> bool:
        if not isinstance(self.doc.data, dict):
            self.error("RS103", "a rule file must be a mapping with `aidrules`, `ruleset`, `forms`, ...", ())
            return False
        try:
            self.model = RuleSetFile.model_validate(self.doc.data)
        except ValidationError as exc:
            for item in exc.errors(include_url=False):
                self.schema_problem(item)
            self.model = self.repair_shape(exc)
            if self.model is None:
                return False
        period = self.model.ruleset.effective
        if period.until is not None and period.until < period.from_:
            # Such a rule set is in force on no day at all: every evaluation would be refused (EV001).
            self.error(
                "RS106",
                f"the effective period ends on {period.until}, before it starts on {period.from_}",
                ("ruleset", "effective", "until"),
                "`until` is the last day the rule set is in force, on or after `from`",
            )
        return True

    def repair_shape(self, exc: ValidationError) -> RuleSetFile | None:
        """A model of the file with its shape errors (already reported) set aside, or ``None``.

        An unknown key is left out, a missing language borrows another language's text, text
        written as a number is read as text; any other error sets aside the list entry or the
        item (parameter, condition, form...) that holds it, and its id goes to ``set_aside``.
        The model only serves the later checks: a file with errors is never compiled.
        """
        data = copy.deepcopy(self.doc.data)
        errors = exc.errors(include_url=False)
        for _ in range(_REPAIR_ROUNDS):
            for item in errors:
                if not self.repair_one(data, self.schema_loc(tuple(item["loc"]), data), item):
                    return None
            data = _compact(data)
            try:
                return RuleSetFile.model_validate(data)
            except ValidationError as again:
                errors = again.errors(include_url=False)
        return None

    def repair_one(self, data: Any, loc: YPath, item: Any) -> bool:
        parent = _walk(data, loc[:-1])
        if not loc or parent is None:
            return loc != ()  # already set aside with an enclosing entry (or the whole file is wrong)
        last, kind, given = loc[-1], item["type"], item.get("input")
        if kind == "extra_forbidden" and isinstance(parent, dict):
            parent.pop(last, None)
            return True
        if kind == "missing" and last in LANGUAGES and isinstance(parent, dict):
            parent[last] = next((v for v in parent.values() if isinstance(v, str) and v), "?")
            return True
        written_as_number = isinstance(given, int | Decimal) and not isinstance(given, bool)
        if kind == "string_type" and written_as_number and isinstance(parent, dict):
            parent[last] = str(given)  # `expr: 500` or `version: 2025.1`: read on as the text it means
            return True
        for depth in range(len(loc) - 1, 0, -1):  # the innermost list entry holding the error
            holder, index = _walk(data, loc[:depth]), loc[depth]
            if isinstance(holder, list) and isinstance(index, int) and index < len(holder):
                holder[index] = _SET_ASIDE
                return True
        if len(loc) >= 2 and loc[0] in _ITEM_SECTIONS and isinstance(data.get(loc[0]), dict):
            data[loc[0]].pop(loc[1], None)
            self.set_aside.add(str(loc[1]))
            return True
        return False

    def schema_loc(self, raw: tuple[Any, ...], root: Any = None) -> YPath:
        """The path in the file of a pydantic error location, without pydantic's step names.

        A part that is a key of the document is kept even when it looks like a step name: a key
        such as ``a[1]`` must not vanish from the path.
        """
        node: Any = self.doc.data if root is None else root
        out: list[Any] = []
        for part in raw:
            in_dict = isinstance(node, dict) and part in node
            if in_dict or (isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)):
                node = node[part]
            elif isinstance(part, str) and ("[" in part or part in _PYD_STEPS):
                continue
            else:
                node = None
            out.append(part)
        return tuple(out)

    def schema_problem(self, item: Any) -> None:
        loc = self.schema_loc(tuple(item["loc"]))
        kind = item["type"]
        span = self.doc.span(loc)
        if loc and any(d.span == span and d.code.startswith("RS0") for d in self.diagnostics):
            return  # the YAML stage already said what is wrong here (e.g. RS005, a date that does not exist)
        if not loc:
            self.error("RS103", item["msg"], ())
        elif kind == "extra_forbidden":
            allowed = _allowed_keys(loc[:-1])
            self.error(
                "RS101",
                f"unknown key `{_shorten(str(loc[-1]))}`",
                loc,
                self.comma_split_hint(loc)
                or did_you_mean(str(loc[-1]), allowed)
                or (f"allowed here: {', '.join(allowed)}" if allowed else None),
                key=True,
            )
        elif kind == "missing":
            self.error("RS102", f"`{loc[-1]}` is required here", loc[:-1], _missing_hint(loc), key=True)
        elif kind == "literal_error":
            self.error("RS103", f"`{_show(loc)}`: {item['msg']}, got `{_shorten(str(item.get('input')))}`", loc)
        elif kind == "string_pattern_mismatch" and loc[-1] == "url":
            self.error(
                "RS103",
                f"`{_shorten(str(item.get('input')))}` is not a web address",
                loc,
                "write the address of the source as it starts in a browser: https://…",
            )
        elif kind == "string_pattern_mismatch":
            self.error(
                "RS103",
                f"`{_shorten(str(item.get('input')))}` is not a valid id or version",
                loc,
                'ids use lower-case letters, digits and `_`; rule-set ids use `-`; quote versions such as "2025.1"',
            )
        elif kind in ("string_type",):
            self.error("RS103", f"`{_show(loc)}` must be text", loc, "put the value between quotes")
        elif kind in ("dict_type", "model_type", "model_attributes_type"):
            self.error(
                "RS103",
                f"`{_show(loc)}`: {item['msg']}",
                loc,
                f"write `{_shorten(str(loc[-1]))}:` with its keys indented below it (`key: value`), not a list "
                "item, a single value or nothing; remove an empty section",
            )
        elif kind == "list_type":
            self.error(
                "RS103",
                f"`{_show(loc)}`: {item['msg']}",
                loc,
                f"write `{_shorten(str(loc[-1]))}:` as a list: one `- item` a line below it, or `[a, b]`",
            )
        else:
            self.error("RS103", f"`{_show(loc)}`: {item['msg']}", loc)

    def comma_split_hint(self, loc: YPath) -> str | None:
        """`{from: 2024-01-01, value: 500,00}`: in a flow mapping the comma ends the value and `00`
        becomes a key. Say how to write the amount instead of "did you mean"."""
        parent = _walk(self.doc.data, loc[:-1])
        key = str(loc[-1])
        if not (isinstance(parent, dict) and re.fullmatch(r"\d{1,2}", key)):
            return None
        value = parent.get("value")
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        return f"a comma inside `{{…}}` starts a new key: write {value}.{key.ljust(2, '0')}"

    def stage_parameters(self) -> bool:
        assert self.model is not None
        ok = True
        start = self.model.ruleset.effective.from_
        self.parameters: dict[str, ParameterSpec] = {}
        for pid, param in self.model.parameters.items():
            path: YPath = ("parameters", pid)
            typ = t.type_from_name(param.type)
            assert typ is not None
            values: list[DatedValue] = []
            seen: set[date] = set()
            for i, entry in enumerate(param.values):
                vpath: YPath = (*path, "values", i, "value")
                if entry.from_ in seen:
                    self.error("RS402", f"two values of `{pid}` start on {entry.from_}", (*path, "values", i))
                    ok = False
                seen.add(entry.from_)
                value = self.check_param_value(pid, tuple(param.table or ()) or None, typ, entry.value, vpath)
                if value is None:
                    ok = False
                    continue
                values.append(DatedValue(entry.from_, value, entry.source))
            if [v.valid_from for v in values] != sorted(v.valid_from for v in values):
                self.error("RS402", f"the values of `{pid}` must be listed from old to new", (*path, "values"))
                ok = False
            values.sort(key=lambda v: v.valid_from)
            if values and values[0].valid_from > start:
                self.error(
                    "RS401",
                    f"`{pid}` has no value on {start}, the start of the rule set's effective period",
                    (*path, "values"),
                    f"add a value in force from {start} or earlier",
                )
                ok = False
            if param.policy_choice is None and param.group == "policy":
                self.diagnostics.append(
                    Diagnostic(
                        "RS403",
                        f"policy parameter `{pid}` has no `policy_choice` rationale",
                        self.doc.span(path, key=True),
                        "say why the council chose this value",
                        severity=_WARNING,
                    )
                )
            full_type = t.Table(keys=tuple(param.table), value=typ) if param.table else typ
            self.parameters[pid] = ParameterSpec(
                pid,
                param.title,
                full_type,
                param.group,
                param.unit,
                param.policy_choice,
                tuple(values),
                self.doc.span(path, key=True),
                tuple(v.valid_from for v in values),
            )
        return ok

    def check_param_value(self, pid: str, table: tuple[str, ...] | None, typ: t.Type, value: Any, path: YPath) -> Any:
        if table is not None:
            if not isinstance(value, dict):
                self.error("RS104", f"`{pid}` is a table: give a value for each of {', '.join(table)}", path)
                return None
            missing = [k for k in table if k not in value]
            extra = [k for k in value if k not in table]
            for k in extra:
                self.error("RS104", f"`{pid}` has no entry `{k}`", (*path, k), did_you_mean(k, list(table)), key=True)
            if missing:
                self.error("RS104", f"`{pid}` lacks a value for {', '.join(missing)}", path)
            if missing or extra:
                return None
            out = {}
            for k in table:
                v = self.check_param_value(pid, None, typ, value[k], (*path, k))
                if v is None:
                    return None
                out[k] = v
            return out
        if isinstance(typ, t.Number):
            if isinstance(value, bool) or not isinstance(value, int | Decimal):
                self.error("RS104", f"`{pid}` needs {typ.describe()}, got `{value}`", path, _number_hint(value))
                return None
            if typ.integer and not isinstance(value, int):
                self.error("RS104", f"`{pid}` needs a whole number, got `{value}`", path)
                return None
            return Decimal(value) if typ.money else value
        if isinstance(typ, t.Bool) and not isinstance(value, bool):
            self.error("RS104", f"`{pid}` needs true or false, got `{value}`", path)
            return None
        if isinstance(typ, t.Text) and not isinstance(value, str):
            self.error("RS104", f"`{pid}` needs text, got `{value}`", path)
            return None
        return value

    def stage_expressions(self) -> bool:
        assert self.model is not None
        m = self.model
        names: dict[str, t.Type] = {}
        tables: dict[str, t.Table] = {}
        facts = case_type()
        taken: dict[str, str] = {}
        for section, ids in (("parameters", m.parameters), ("derived", m.derived), ("conditions", m.conditions)):
            for item_id in ids:
                head = item_id.split(".")[0]
                if item_id in RESERVED or facts.field_type(head) is not None or head in RESERVED:
                    self.error(
                        "RS105",
                        f"`{item_id}` is a reserved name (a fact or a namespace)",
                        (section, item_id),
                        "choose another id",
                        key=True,
                    )
                if item_id in taken:
                    self.error(
                        "RS105",
                        f"`{item_id}` is already defined in `{taken[item_id]}`",
                        (section, item_id),
                        "ids must be unique across parameters, derived values and conditions",
                        key=True,
                    )
                taken[item_id] = section
        for pid, spec in self.parameters.items():
            if isinstance(spec.type, t.Table):
                tables[pid] = spec.type
            else:
                names[pid] = spec.type
        for did, derived in m.derived.items():
            typ = t.type_from_name(derived.type)
            assert typ is not None
            names[did] = typ
        for cid in m.conditions:
            names[cid] = t.BOOL
        for pid in m.principles:
            names[f"principles.{pid}"] = t.BOOL
        for fid in m.forms:
            names[f"forms.{fid}"] = t.BOOL
        otherwise = m.recommendation.otherwise if m.recommendation else "none"
        outcomes = (*m.forms, *([otherwise] if otherwise else []), "undetermined")
        names["recommendation"] = t.Text(choices=tuple(dict.fromkeys(outcomes)))
        staged = {k for k in names if k.startswith(("principles.", "forms.")) or k == "recommendation"}

        # Derived values and conditions may not read principles, forms or the recommendation.
        self.env = Environment(facts, {k: v for k, v in names.items() if k not in staged}, tables)
        self.client_texts: dict[str, Texts] = {}
        for did, derived in m.derived.items():
            path: YPath = ("derived", did, "expr")
            expr = self.compile_expr(derived.expr, path, names[did])
            if expr is not None:
                self.named[did] = NamedValue(
                    did,
                    "derived",
                    derived.title,
                    names[did],
                    expr,
                    derived.source,
                    self.doc.span(("derived", did), key=True),
                    summary=derived.summary,
                )
        for cid, cond in m.conditions.items():
            path = ("conditions", cid, "when")
            expr = self.compile_expr(cond.when, path, t.BOOL)
            messages = {
                "true": self.template(cond.explain.if_true, ("conditions", cid, "explain", "if_true")),
                "false": self.template(cond.explain.if_false, ("conditions", cid, "explain", "if_false")),
            }
            if cond.explain.if_unknown is not None:
                messages["unknown"] = self.template(
                    cond.explain.if_unknown, ("conditions", cid, "explain", "if_unknown")
                )
            if cond.client_text is not None:
                # checked like the messages (RS208); the letter fills them from the values shown
                for outcome, plain in (("true", cond.client_text.if_true), ("false", cond.client_text.if_false)):
                    self.template(plain, ("conditions", cid, "client_text", f"if_{outcome}"))
                    self.client_texts[f"conditions.{cid}.{outcome}"] = plain
            if expr is not None:
                self.named[cid] = NamedValue(
                    cid,
                    "condition",
                    cond.title,
                    t.BOOL,
                    expr,
                    cond.source,
                    self.doc.span(("conditions", cid), key=True),
                    messages,
                    self.shown(expr),
                )
        # Recommendation rows read principles and forms, not the recommendation they make;
        # actions may read everything.
        self.env = Environment(facts, {k: v for k, v in names.items() if k != "recommendation"}, tables)
        self.rows: list[RecommendationRow] = []
        for i, row in enumerate(m.recommendation.rules if m.recommendation else []):
            if row.when is None and row.recommend not in m.forms:
                continue  # reported by the references stage (RS302)
            source = row.when if row.when is not None else f"forms.{row.recommend}"
            path = ("recommendation", "rules", i, "when")
            expr = self.compile_expr(source, path, t.BOOL)
            if expr is not None:
                self.rows.append(
                    RecommendationRow(row.recommend, expr, row.because, self.doc.span(("recommendation", "rules", i)))
                )
        self.env = Environment(facts, names, tables)
        for fid, form in m.forms.items():
            if form.client_text is not None:
                self.template(form.client_text, ("forms", fid, "client_text"))
                self.client_texts[f"forms.{fid}"] = form.client_text
            if form.client_title is not None:
                self.client_texts[f"forms.{fid}.title"] = form.client_title
        if m.recommendation is not None and m.recommendation.otherwise_client_text is not None:
            self.template(m.recommendation.otherwise_client_text, ("recommendation", "otherwise_client_text"))
            self.client_texts["otherwise"] = m.recommendation.otherwise_client_text
        self.actions: list[ActionSpec] = []
        for aid, action in m.actions.items():
            when = self.compile_expr(action.when, ("actions", aid, "when"), t.BOOL)
            values = []
            for vid, value in action.values.items():
                vtype = t.type_from_name(value.type)
                assert vtype is not None
                vexpr = self.compile_expr(value.expr, ("actions", aid, "values", vid, "expr"), vtype)
                if vexpr is not None:
                    values.append(ActionValueSpec(vid, value.title, vtype, vexpr))
            # The action's message may show its own values as {actions.<id>.<value>}.
            own = {f"actions.{aid}.{v.id}": v.type for v in values}
            self.env = Environment(facts, {**names, **own}, tables)
            message = self.template(action.explain, ("actions", aid, "explain"))
            if action.client_text is not None:
                self.template(action.client_text, ("actions", aid, "client_text"))
                self.client_texts[f"actions.{aid}"] = action.client_text
            self.env = Environment(facts, names, tables)
            if when is not None:
                self.actions.append(
                    ActionSpec(
                        aid,
                        action.title,
                        when,
                        action.source,
                        message,
                        tuple(values),
                        self.shown(when),
                        self.doc.span(("actions", aid), key=True),
                    )
                )
        return not self.has_errors()

    def shown(self, expr: CompiledExpression) -> tuple[tuple[str, CompiledExpression], ...]:
        """The values a reason shows: the scalar facts and named values the expression reads."""
        assert self.env is not None
        out = []
        for name in [*expr.facts, *sorted(expr.names)]:
            if "[]" in name or name in self.env.tables:
                continue
            compiled, problems = self.compile_name(name)
            if compiled is not None and not problems and not isinstance(compiled.type, t.ListOf | t.Record):
                out.append((name, compiled))
        return tuple(out)

    def template(self, texts: Texts, path: YPath) -> Template:
        assert self.env is not None
        parts: dict[str, tuple[str | CompiledExpression, ...]] = {}
        for lang in LANGUAGES:
            text = texts.get(lang)
            out: list[str | CompiledExpression] = []
            pos = 0
            for match in _PLACEHOLDER.finditer(text):
                out.append(text[pos : match.start()])
                name = match.group(1).strip()
                compiled, problems = self.compile_name(name)
                if problems or compiled is None:
                    p = problems[0] if problems else None
                    self.error(
                        "RS208",
                        f"placeholder `{{{name}}}` in the {lang} text: {p.message if p else 'not a value'}",
                        (*path, lang),
                        p.hint if p else None,
                    )
                else:
                    out.append(compiled)
                pos = match.end()
            out.append(text[pos:])
            if "{" in text[pos:] or "}" in text[pos:]:
                self.error(
                    "RS208",
                    f"unbalanced `{{` or `}}` in the {lang} text",
                    (*path, lang),
                    "placeholders look like {client.motivation}",
                )
            parts[lang] = tuple(x for x in out if x != "")
        return Template(parts)

    def stage_references(self) -> bool:
        assert self.model is not None
        m = self.model
        conditions = set(m.conditions)
        principles = set(m.principles)
        forms = set(m.forms)
        self.used_by: dict[str, list[str]] = {}
        for pid, principle in m.principles.items():
            for i, ref in enumerate(principle.requires):
                if ref not in conditions:
                    self.error(
                        "RS302",
                        f"principle `{pid}` requires unknown condition `{ref}`",
                        ("principles", pid, "requires", i),
                        did_you_mean(ref, conditions),
                    )
                self.used_by.setdefault(ref, []).append(f"principles.{pid}")
        for fid, form in m.forms.items():
            if fid in ("none", "undetermined"):
                self.error("RS105", f"`{fid}` is reserved for the outcome without a form", ("forms", fid), key=True)
            for i, ref in enumerate(form.principles):
                if ref not in principles:
                    self.error(
                        "RS302",
                        f"form `{fid}` requires unknown principle `{ref}`",
                        ("forms", fid, "principles", i),
                        did_you_mean(ref, principles),
                    )
            for i, ref in enumerate(form.requires):
                if ref not in conditions:
                    self.error(
                        "RS302",
                        f"form `{fid}` requires unknown condition `{ref}`",
                        ("forms", fid, "requires", i),
                        did_you_mean(ref, conditions),
                    )
                self.used_by.setdefault(ref, []).append(f"forms.{fid}")
        if m.recommendation is None:
            if forms:
                self.error(
                    "RS102",
                    "`recommendation` is required when the rule set has forms",
                    (),
                    "add a `recommendation:` section with its rules and `otherwise`",
                )
            return not self.has_errors()
        for i, row in enumerate(m.recommendation.rules):
            if row.recommend not in forms:
                self.error(
                    "RS302",
                    f"the recommendation names unknown form `{row.recommend}`",
                    ("recommendation", "rules", i, "recommend"),
                    did_you_mean(row.recommend, forms),
                )
        otherwise = m.recommendation.otherwise
        if otherwise in forms or otherwise == "undetermined":
            self.error(
                "RS302",
                f"`otherwise: {otherwise}` must be an outcome without a form",
                ("recommendation", "otherwise"),
                "use `none`: a form is only recommended by a rule that checks it is eligible",
            )
        return not self.has_errors()

    def stage_cycles(self) -> bool:
        graph = {k: sorted(n for n in v.expr.names if n in self.named) for k, v in self.named.items()}
        state: dict[str, int] = {}
        stack: list[str] = []
        self.order: list[str] = []
        reported: set[frozenset[str]] = set()

        def visit(root: str) -> None:
            # Depth first without recursion: a chain of thousands of values must not hit Python's
            # recursion limit. The order and the cycles found are those of the recursive search.
            state[root] = 1
            stack.append(root)
            pending = [iter(graph[root])]
            while pending:
                dep = next(pending[-1], None)
                if dep is None:
                    pending.pop()
                    done = stack.pop()
                    state[done] = 2
                    self.order.append(done)
                elif state.get(dep) == 1:
                    cycle = [*stack[stack.index(dep) :], dep]
                    key = frozenset(cycle)
                    if key not in reported:
                        reported.add(key)
                        section = "derived" if self.named[dep].kind == "derived" else "conditions"
                        self.error(
                            "RS301",
                            "circular definition: " + " → ".join(cycle),
                            (section, dep),
                            "a value cannot depend on itself; break the cycle",
                            key=True,
                        )
                elif state.get(dep) is None:
                    state[dep] = 1
                    stack.append(dep)
                    pending.append(iter(graph[dep]))

        for node in graph:
            if node not in state:
                visit(node)
        return not self.has_errors()

    def stage_reviews(self) -> bool:
        """The `reviews:` section (review rules for a running dossier; see docs/lifecycle.md)."""
        self.reviews = compile_reviews(self)
        return not self.has_errors()

    def stage_plan(self) -> CompiledRuleSet:
        assert self.model is not None
        m = self.model
        principles = tuple(
            PrincipleSpec(
                pid, p.title, p.description, p.source, tuple(p.requires), self.doc.span(("principles", pid), key=True)
            )
            for pid, p in m.principles.items()
        )
        forms = tuple(
            sorted(
                (
                    FormSpec(
                        fid,
                        f.title,
                        f.description,
                        f.source,
                        f.intrusiveness,
                        tuple(f.principles),
                        tuple(f.requires),
                        self.doc.span(("forms", fid), key=True),
                    )
                    for fid, f in m.forms.items()
                ),
                key=lambda f: f.intrusiveness,
            )
        )
        rec = m.recommendation
        plan = tuple(self.named[k] for k in self.order)
        rows, actions = tuple(self.rows), tuple(self.actions)
        return CompiledRuleSet(
            meta=m.ruleset,
            fingerprint=chain_fingerprint(self.layers),
            file=self.doc.file,
            parameters=self.parameters,
            plan=plan,
            principles=principles,
            forms=forms,
            hit_policy=rec.hit_policy if rec else "first",
            rows=rows,
            otherwise=rec.otherwise if rec else "none",
            otherwise_because=rec.otherwise_because if rec else m.ruleset.title,
            actions=actions,
            conditions_used_by={k: tuple(v) for k, v in self.used_by.items()},
            graph=DependencyGraph.build(_graph_items(self.parameters, plan, principles, forms, rows, actions)),
            decides=rec is not None,
            layers=tuple(layer.label for layer in self.layers),
            provenance=dict(self.provenance),
            files=tuple(layer.file for layer in self.layers),
            warnings=tuple(sorted((d for d in self.diagnostics if d.severity == _WARNING), key=Diagnostic.sort_key)),
            reviews=self.reviews,
            client_texts=dict(self.client_texts),
        )

    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.diagnostics)


def _graph_items(
    parameters: dict[str, ParameterSpec],
    plan: tuple[NamedValue, ...],
    principles: tuple[PrincipleSpec, ...],
    forms: tuple[FormSpec, ...],
    rows: tuple[RecommendationRow, ...],
    actions: tuple[ActionSpec, ...],
) -> Iterator[tuple[str, NodeKind, Iterable[str]]]:
    """The nodes of the dependency graph (``ruleset/graph.py`` names them) and what each reads."""
    for pid in parameters:
        yield pid, "parameter", ()
    for item in plan:
        yield item.id, "condition" if item.kind == "condition" else "derived", reads_of(item.expr)
    for p in principles:
        yield f"principles.{p.id}", "principle", p.requires
    for f in forms:
        yield f"forms.{f.id}", "form", [*(f"principles.{x}" for x in f.principles), *f.requires]
    for i, row in enumerate(rows):
        yield f"row:{i}", "row", reads_of(row.when)
    yield "recommendation", "recommendation", [f"row:{i}" for i in range(len(rows))]
    for action in actions:
        yield f"action:{action.id}", "action", reads_of(action.when)
        for value in action.values:
            yield f"actions.{action.id}.{value.id}", "action_value", reads_of(value.expr)


_REPAIR_ROUNDS = 6
_N = typing.TypeVar("_N", bound=nodes.Node)
_ITEM_SECTIONS = frozenset({"parameters", "derived", "conditions", "principles", "forms", "actions"})
_SET_ASIDE = object()


def _nodes_of(root: nodes.Node, kind: type[_N]) -> Iterable[_N]:
    """Every node of type ``kind`` in an expression tree (depth first)."""
    pending: list[object] = [root]
    while pending:
        node = pending.pop()
        if isinstance(node, kind):
            yield node
        if isinstance(node, nodes.Node):
            pending.extend(getattr(node, name) for name in field_names(node))
        elif isinstance(node, tuple | list):
            pending.extend(node)


_BELGIAN_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?(?![\w.])|(?<![\w.,])\d+,\d{1,2}(?![\w.,])")


def _number_hint(value: object) -> str | None:
    """ "write 500.00" for a number written the Belgian way (``500,00``, ``1.180,50``)."""
    if not isinstance(value, str):
        return None
    amount = parse_amount(value)
    return f"write {amount}" if amount is not None else None


def _walk(data: Any, loc: YPath) -> Any:
    """The node at ``loc`` in plain YAML data, or ``None`` when it is not there (any more)."""
    node = data
    for part in loc:
        # two branches: mypy needs `part` narrowed to int for a list
        if isinstance(node, dict) and part in node:  # noqa: SIM114
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
        if node is _SET_ASIDE:
            return None
    return node


def _compact(data: Any) -> Any:
    """``data`` without the list entries set aside."""
    if isinstance(data, dict):
        return {k: _compact(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_compact(v) for v in data if v is not _SET_ASIDE]
    return data


_WARNING = Severity.WARNING
_PYD_STEPS = {
    "function-after",
    "function-before",
    "function-wrap",
    "function-plain",
    "lax-or-strict",
    "json-or-python",
    "str",
    "int",
    "bool",
    "decimal",
    "date",
    "dict",
    "tuple",
    "list",
}


def _show(loc: Iterable[object]) -> str:
    return _shorten(".".join(str(p) for p in loc), 200)


def _shorten(text: str, size: int = 60) -> str:
    """At most ``size`` characters of a text taken from the file (it may be huge)."""
    return text if len(text) <= size else f"{text[: size - 1]}…"


def _missing_hint(loc: tuple[Any, ...]) -> str:
    if loc and loc[-1] in LANGUAGES:
        return "every text needs Dutch (nl), French (fr) and English (en)"
    return f"add `{loc[-1]}:`"


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys a mapping at ``loc`` may have, for "did you mean" hints."""
    current: Any = RuleSetFile
    for part in loc:
        current = _step(current, part)
        if current is None:
            return []
    while True:
        args = [a for a in typing.get_args(current) if a is not type(None)]
        if typing.get_origin(current) in (typing.Union, types.UnionType) and len(args) == 1:
            current = args[0]
        else:
            break
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [info.alias or name for name, info in current.model_fields.items()]
    return []


def _step(annotation: Any, part: object) -> Any:
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            found = _step(arg, part)
            if found is not None:
                return found
        return None
    if origin is typing.Annotated:
        return _step(args[0], part)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, info in annotation.model_fields.items():
            if part in (name, info.alias):
                return info.annotation
        return None
    if origin is dict:
        return args[1]
    if origin in (tuple, list):
        return args[0]
    return None
