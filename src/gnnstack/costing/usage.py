"""The usage contract between what declares usage and the pricers that read it.

Usage is what no resource input can say: hours a day a cluster runs, GB a bucket holds, I/O
requests a month. Each pricer declares the fields it reads as a `Usage` model next to it
(name, unit, description, bounds, and a documented default or none: required). Values come
from three places, later ones winning:

- `stack`: the stack file, through the component layer (`gnnstack.components.usage`),
- `usage-file`: a `--usage` file, by resource type and then by logical name,
- `default`: the field's documented default, when neither sets it.

A required field that nothing sets makes the resource unpriced with "needs usage: FIELD".
Every value a line rests on travels with it as an `Assumption`, with its source. Field names
are checked where they are written: models forbid unknown fields, so a misspelt name fails at
once and names the allowed ones.

Usage never goes into Pulumi state: it is computed from the stack file (and the usage file)
each time a stack is priced, by the CLI and by the policy pack alike.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar, Hashable, Mapping, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.config import JsonDict

STACK, USAGE_FILE, DEFAULT, CATALOG = "stack", "usage-file", "default", "catalog"
SOURCES = (STACK, USAGE_FILE, DEFAULT, CATALOG)
# The usage-file format's version; a usage file states the one it was written for.
USAGE_VERSION = 1


def usage_field(unit: str, description: str, default: Any = ..., *, ge: Any = 0, le: Any = None,
                default_text: str = "", quiet: bool = False) -> Any:
    """A usage field: its unit, what it means, bounds (never negative; an upper bound against
    absurd magnitudes) and either a default or none (`...`: required). A `quiet` field (default
    None) is one only some resources of the type use (a Map's items, declared requests): the
    lines of a resource that leaves it unset do not list it among their assumptions."""
    extra: JsonDict = {"unit": unit}
    if default_text:
        extra["default_text"] = default_text
    if quiet:
        assert default is None, "a quiet usage field defaults to None"
        extra["quiet"] = True
    return Field(default, description=description, ge=ge, le=le, json_schema_extra=extra)


class Usage(BaseModel):
    """Base of every pricer's usage model. Unknown fields are errors, values are immutable."""

    # defer_build: each model's validator is built the first time it is used, not when its
    # pricer's module is imported: every pricer is imported, and a plan uses a few of them.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    # What the model prices, for messages ("EMR cluster").
    title: ClassVar[str] = ""

    @classmethod
    def fields(cls) -> dict[str, Any]:
        return dict(cls.model_fields)

    @classmethod
    def unit(cls, name: str) -> str:
        extra = cls.model_fields[name].json_schema_extra or {}
        return str(extra.get("unit", "")) if isinstance(extra, dict) else ""

    @classmethod
    def default_text(cls, name: str) -> str:
        f = cls.model_fields[name]
        extra = f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}
        if extra.get("default_text"):
            return str(extra["default_text"])
        return "required" if f.is_required() else shown(f.default)

    @classmethod
    def quiet(cls, name: str) -> bool:
        extra = cls.model_fields[name].json_schema_extra
        return isinstance(extra, dict) and bool(extra.get("quiet"))

    @classmethod
    def required(cls) -> list[str]:
        return [n for n, f in cls.model_fields.items() if f.is_required()]


class NeedsUsage(Exception):
    """A field the pricer needs has no value and no default: the resource is unpriced."""

    def __init__(self, model: type[Usage], name: str, why: str = "") -> None:
        unit = model.unit(name)
        super().__init__(f"needs usage: {name}" + (f" ({unit})" if unit else "")
                         + (f", {why}" if why else "") + "; set it in a usage file (gnnstack usage template)")
        self.field = name


def shown(value: Any) -> str:
    """A usage value as text: numbers without trailing noise, structures compactly."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        v = value.normalize()
        return f"{v:f}"
    if isinstance(value, BaseModel):
        return ", ".join(f"{k}={shown(getattr(value, k))}" for k in type(value).model_fields)
    if isinstance(value, (list, tuple)):
        return "; ".join(shown(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class Assumption:
    """One value a cost line rests on, and where it came from."""

    name: str
    value: str
    unit: str
    source: str  # one of SOURCES

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "value": self.value, "unit": self.unit, "source": self.source}

    def value_text(self) -> str:
        """The value with its unit when it is a number ("4 hours"), as it is otherwise."""
        return f"{self.value} {self.unit}" if self.unit and self.value[:1].isdigit() else self.value

    def text(self) -> str:
        return f"{self.name} = {self.value_text()} ({self.source})"


@dataclass(frozen=True)
class Declared:
    """Usage the stack file declares for one resource: a model holding only what was set, plus
    the stack-file fields the resource's price rests on (path, value, set or defaulted)."""

    resource: str
    usage: Optional[Usage] = None
    config: tuple[Assumption, ...] = ()
    # Per usage field: `stack` (the file sets it) or `default` (the scenario's default applies).
    sources: Mapping[str, str] = field(default_factory=dict)
    # Declarations alike (equal values, equal sources) share this number, given when declared:
    # `UsageSet.resolve` shares one resolution between them by it, without comparing models.
    alike: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        key = (self.usage, tuple(sorted(self.sources.items())))
        number = _ALIKE.get(key)
        if number is None:
            if len(_ALIKE) >= _ALIKE_KEPT:  # a new number for a value seen before only costs a miss
                _ALIKE.clear()
            number = _ALIKE[key] = next(_ALIKE_NUMBERS)
        object.__setattr__(self, "alike", number)


# Declared values and sources -> their number; numbers are never reused.
_ALIKE: dict[Hashable, int] = {}
_ALIKE_NUMBERS = itertools.count()
_ALIKE_KEPT = 1 << 16


@dataclass
class UsageSet:
    """Everything known about usage for one priced stack: per resource name (stack file and
    usage file) and per resource type (usage file)."""

    declared: dict[str, Declared] = field(default_factory=dict)
    by_name: dict[str, dict[str, Any]] = field(default_factory=dict)  # usage file, validated values
    by_type: dict[str, dict[str, Any]] = field(default_factory=dict)  # usage file, validated values
    file: Optional[str] = None
    # Stack-wide assumptions (the month's length).
    assumptions: list[Assumption] = field(default_factory=list)
    _resolved: dict[Any, tuple[Usage, list[Assumption]]] = field(default_factory=dict, repr=False)

    def declare(self, d: Declared) -> None:
        if d.resource in self.declared:
            raise ValueError(f"usage declared twice for {d.resource}")
        self.declared[d.resource] = d

    def resolve(self, name: str, rtype: str, model: type[Usage]) -> tuple[Usage, list[Assumption]]:
        """The model for one resource with every field valued, and the assumptions it rests on.

        Raises NeedsUsage when a required field has no value. Resources declared alike (the
        same values and sources, no usage-file entry of their own) share one resolution."""
        key = None
        if name not in self.by_name:
            d = self.declared.get(name)
            key = (model, rtype, None if d is None else d.alike)
            hit = self._resolved.get(key)
            if hit is not None:
                return hit
        result = self._resolve(name, rtype, model)
        if key is not None:
            self._resolved[key] = result
        return result

    def _resolve(self, name: str, rtype: str, model: type[Usage]) -> tuple[Usage, list[Assumption]]:
        values = self.given(name, rtype, model)
        for k in model.required():
            if k not in values:
                raise NeedsUsage(model, k)
        resolved = model(**{k: v for k, (v, _) in values.items()})
        out = []
        for k in model.model_fields:
            value, source = values.get(k, (getattr(resolved, k), DEFAULT))
            if value is None and source == DEFAULT and model.quiet(k):
                continue
            out.append(Assumption(k, model.default_text(k) if source == DEFAULT and value is None else shown(value),
                                  model.unit(k), source))
        return resolved, out

    def given(self, name: str, rtype: str, model: type[Usage]) -> dict[str, tuple[Any, str]]:
        """(value, source) of each field something sets for one resource: stack file, then the
        usage file by type, then by name. Fields left out take their defaults."""
        values: dict[str, tuple[Any, str]] = {}
        d = self.declared.get(name)
        if d is not None and d.usage is not None:
            if not isinstance(d.usage, model):
                raise TypeError(f"{name}: usage declared as {type(d.usage).__name__}, the pricer reads "
                                f"{model.__name__}")
            for k in d.usage.model_fields_set:
                values[k] = (getattr(d.usage, k), d.sources.get(k, STACK))
        for k, v in self.by_type.get(rtype, {}).items():
            values[k] = (v, USAGE_FILE)
        for k, v in self.by_name.get(name, {}).items():
            values[k] = (v, USAGE_FILE)
        return values


def check_values(model: type[Usage], values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate part of a model (a usage-file entry): returns the validated values of the fields
    given. Raises ValidationError for unknown names, wrong types and out-of-bound values."""
    unknown = [k for k in values if k not in model.model_fields]
    if unknown:
        raise KeyError(unknown[0])
    # Each given field on its own: required ones left out may be declared elsewhere.
    return {k: getattr(_single_field_model(model, k).model_validate({k: v}), k) for k, v in values.items()}


_SINGLE: dict[tuple[type, str], type[BaseModel]] = {}


def _single_field_model(model: type[Usage], name: str) -> type[BaseModel]:
    from pydantic import create_model

    key = (model, name)
    if key not in _SINGLE:
        f = model.model_fields[name]
        definition: dict[str, Any] = {name: (f.annotation, f)}
        _SINGLE[key] = create_model(f"{model.__name__}_{name}", __config__=ConfigDict(extra="forbid"), **definition)
    return _SINGLE[key]


__all__ = ["Assumption", "CATALOG", "DEFAULT", "Declared", "NeedsUsage", "SOURCES", "STACK", "USAGE_FILE",
           "Usage", "UsageSet", "ValidationError", "check_values", "shown", "usage_field"]
