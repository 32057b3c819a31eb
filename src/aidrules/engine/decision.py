"""The Decision of contract §2, as pydantic models."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr

JsonScalar = Decimal | bool | int | str | date | None

Recommendation = (
    Literal["budget_guidance", "budget_management", "collective_debt_settlement", "none", "undetermined"] | str
)
FormStatus = Literal["eligible", "ineligible", "undetermined"]
PrincipleStatus = Literal["satisfied", "not_satisfied", "undetermined"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Reason(_Frozen):
    """Why one rule came out as it did."""

    rule: str
    kind: Literal["condition", "principle", "form", "recommendation", "action"]
    outcome: bool | None
    message: str
    values: dict[str, JsonScalar] = {}
    source: str | None = None
    missing_facts: list[str] = []


class FormResult(_Frozen):
    status: FormStatus
    reasons: list[Reason]


class PrincipleResult(_Frozen):
    status: PrincipleStatus
    reasons: list[Reason]


class ActionResult(_Frozen):
    id: str
    status: Literal["proposed", "undetermined"]
    values: dict[str, JsonScalar]
    reasons: list[Reason]


class RuleSetStamp(_Frozen):
    id: str
    version: str
    fingerprint: str  # over the whole chain of layers
    layers: list[str] = []  # "id@version", base first


#: The fields of a lazy Decision that are built when first read (they hold reasons and texts).
LAZY_FIELDS = ("forms", "principles", "actions", "reasons", "provenance")


class Decision(_Frozen):
    """The outcome of one evaluation. Same facts, rule-set version and date → identical JSON.

    ``RuleSet.evaluate`` returns a *lazy* Decision (contract §4): ``recommendation``,
    ``missing_facts``, ``values``, ``ruleset``, ``on`` and ``lang`` are set at once; ``forms``,
    ``principles``, ``actions``, ``reasons`` and ``provenance`` are built from the evaluation
    record when one of them is first read (:meth:`materialise`). Every way of looking at the
    whole model (``model_dump``, ``model_dump_json``, ``to_json``, ``==``, ``repr``, copying,
    pickling, iterating) builds them first, so a lazy Decision cannot be told from one built
    at once. (A Decision nested in another pydantic model is serialised by pydantic-core from
    its fields directly: call :meth:`materialise` before nesting one.)
    """

    recommendation: Recommendation
    forms: dict[str, FormResult]
    principles: dict[str, PrincipleResult]
    actions: list[ActionResult]
    missing_facts: list[str]
    values: dict[str, JsonScalar]
    ruleset: RuleSetStamp
    on: date
    lang: str
    reasons: list[Reason]
    provenance: dict[str, str] = {}  # "conditions.csr.own_will" -> the layer ("id@version") it came from

    #: what builds the lazy fields (None once they are built, and for a Decision built at once)
    _pending: Callable[[], dict[str, Any]] | None = PrivateAttr(default=None)

    @classmethod
    def lazy(cls, fields: dict[str, Any], pending: Callable[[], dict[str, Any]]) -> Decision:
        """A Decision with ``fields`` (every field but :data:`LAZY_FIELDS`) set now and the lazy
        ones built by ``pending()`` when first read. The data must be valid: nothing is checked."""
        model = _new(cls)
        _set(model, "__dict__", fields)
        _set(model, "__pydantic_fields_set__", _DECISION_FIELDS)
        _set(model, "__pydantic_extra__", None)
        _set(model, "__pydantic_private__", {"_pending": pending})
        return model

    def materialise(self) -> None:
        """Build the lazy fields now (nothing to do when they are built)."""
        private = self.__pydantic_private__
        pending = private.get("_pending") if private else None
        if pending is not None:
            parts = pending()
            given = self.__dict__
            # in the order of the fields: pydantic writes a model's fields in the order of its __dict__
            _set(self, "__dict__", {name: parts[name] if name in parts else given[name] for name in _DECISION_ORDER})
            private["_pending"] = None  # type: ignore[index]

    @property
    def is_materialised(self) -> bool:
        """Whether the lazy fields are built."""
        private = self.__pydantic_private__
        return not private or private.get("_pending") is None

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            if name in LAZY_FIELDS:
                private = self.__pydantic_private__
                if private and private.get("_pending") is not None:
                    self.materialise()
                    return self.__dict__[name]
            return super().__getattr__(name)

    def model_dump(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.materialise()
        return super().model_dump(*args, **kwargs)

    def model_dump_json(self, *args: Any, **kwargs: Any) -> str:
        self.materialise()
        return super().model_dump_json(*args, **kwargs)

    def model_copy(self, *args: Any, **kwargs: Any) -> Decision:
        self.materialise()
        return super().model_copy(*args, **kwargs)

    def __copy__(self) -> Decision:
        self.materialise()
        return super().__copy__()

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Decision:
        self.materialise()
        return super().__deepcopy__(memo)

    def __eq__(self, other: object) -> bool:
        self.materialise()
        if isinstance(other, Decision):
            other.materialise()
        return super().__eq__(other)

    __hash__ = _Frozen.__hash__

    def __getstate__(self) -> dict[Any, Any]:
        self.materialise()
        return super().__getstate__()

    def __repr_args__(self) -> Any:
        self.materialise()
        return super().__repr_args__()

    def __iter__(self) -> Any:
        self.materialise()
        return super().__iter__()

    def to_json(self) -> str:
        """The contract JSON (indented, stable key order)."""
        return self.model_dump_json(indent=2) + "\n"


_new = object.__new__
_set = object.__setattr__
_DECISION_ORDER = tuple(Decision.model_fields)
_DECISION_FIELDS = frozenset(_DECISION_ORDER)
