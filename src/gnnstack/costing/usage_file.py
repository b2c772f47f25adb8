"""Usage files (`--usage FILE`): usage per resource, by logical name or by resource type.

    version: 1
    resources:                      # one resource, by its logical name
      experiment-db-cluster:
        io_millions_per_month: 250
    types:                          # every resource of a type
      aws:sfn/stateMachine:StateMachine:
        hours_per_job: 3

A value is a number, or a number and its unit as the template writes it ("3 hours"). Every
entry is checked against the pricer's usage model: an unknown resource, type or field, a value
that is not a number, negative, NaN or infinite, beyond the field's bound or in another unit is
one error naming the file, the entry and what is allowed. A resource entry wins over a type entry,
and both win over the stack file.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from ..errors import ConfigError, closest, not_utf8
from ..graph import ResourceGraph
from .pricers import USAGE_MODELS
from .usage import USAGE_VERSION, Usage, UsageSet, check_values

_WITH_UNIT = re.compile(r"^\s*([-+]?(?:\d[\d_,]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s+(\S.*?)\s*$")


class UsageFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1] = Field(description="Usage file format version")
    resources: dict[str, dict[str, Any]] = Field(default_factory=dict)
    types: dict[str, dict[str, Any]] = Field(default_factory=dict)


def load_usage_file(path: str | Path) -> UsageFile:
    """Parse and check the file's shape (not yet its names: they depend on the stack). Commands
    check the file before any capture and then price several stacks or options with it: it is
    read once per process while it is unchanged (the result is not modified by its users)."""
    try:
        stat = os.stat(path)
    except OSError:
        return _load(str(path), 0, -1)  # not cached: reading it gives the error
    return _load(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _load(path: str, mtime_ns: int, size: int) -> UsageFile:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(f"the usage file is {not_utf8(e)}", source=str(p)) from None
    except OSError as e:
        raise ConfigError(f"cannot read the usage file: {e.strerror}", source=str(p)) from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(e, "problem", None) or "not valid YAML"
        raise ConfigError(f"{where}{problem} (YAML syntax)", source=str(p)) from None
    if not isinstance(raw, dict):
        raise ConfigError(f"expected a mapping with 'version: {USAGE_VERSION}' and 'resources:' and/or 'types:'; "
                          "write one with `gnnstack usage template STACK`", source=str(p))
    for key in ("resources", "types"):
        entries = raw.get(key)
        if entries is None:
            raw[key] = {}
            continue
        if not isinstance(entries, dict):
            raise ConfigError(f"{key}: expected a mapping of names to usage fields", source=str(p))
        for name, fields in entries.items():
            if fields is None:  # every field deleted or commented out: nothing set
                entries[name] = {}
            elif not isinstance(fields, dict):
                raise ConfigError(f"{key}.{name}: expected a mapping of usage fields to values, got {fields!r}",
                                  source=str(p))
    try:
        return UsageFile.model_validate(raw)
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(x) for x in err["loc"])
        if err["type"] == "extra_forbidden":
            raise ConfigError(f"{where}: unknown key; allowed: version, resources, types", source=str(p)) from None
        if where == "version":
            raise ConfigError(f"version: must be {USAGE_VERSION} (got {raw.get('version')!r})", source=str(p)) from None
        raise ConfigError(f"{where}: {err['msg']}", source=str(p)) from None


def _with_units(model: type[Usage], values: dict[str, Any], where: str, source: str) -> dict[str, Any]:
    """'3 hours' -> 3 when the unit is the field's own; another unit is an error."""
    out = {}
    for k, v in values.items():
        if isinstance(v, str) and k in model.model_fields:
            m = _WITH_UNIT.match(v)
            if m:
                unit = model.unit(k)
                if m.group(2).lower() != unit.lower():
                    raise ConfigError(f"{where}.{k}: {v!r} is in the wrong unit; {k} is in {unit or 'no unit'} "
                                      f"(write {m.group(1)} or '{m.group(1)} {unit}')", source=source)
                v = m.group(1).replace("_", "").replace(",", "")
        out[k] = v
    return out


def _checked(model: type[Usage], values: dict[str, Any], where: str, source: str) -> dict[str, Any]:
    values = _with_units(model, values, where, source)
    allowed = ", ".join(f"{n} ({model.unit(n)})" if model.unit(n) else n for n in model.model_fields)
    try:
        return check_values(model, values)
    except KeyError as e:
        name = str(e.args[0])
        near = closest(name, model.model_fields)
        raise ConfigError(f"{where}: unknown usage field {name!r}"
                          + (f" (did you mean {', '.join(repr(n) for n in near)}?)" if near else "")
                          + f"; allowed: {allowed}", source=source) from None
    except ValidationError as e:
        err = e.errors()[0]
        field = ".".join(str(x) for x in err["loc"])
        value = err.get("input")
        raise ConfigError(f"{where}.{field}: {value!r}: {_message(err)}; {field.split('.')[0]} is in "
                          f"{model.unit(field.split('.')[0]) or 'no unit'}", source=source) from None


def _message(err: ErrorDetails) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind in ("greater_than_equal", "greater_than"):
        return "must not be negative" if str(ctx.get("ge", ctx.get("gt"))) in ("0", "0.0") else err["msg"].lower()
    if kind in ("less_than_equal", "less_than"):
        return f"is beyond the largest plausible value ({ctx.get('le', ctx.get('lt'))}): check the unit"
    if kind in ("finite_number", "decimal_parsing", "decimal_type", "float_parsing", "int_parsing"):
        return "is not a finite number"
    return err["msg"][0].lower() + err["msg"][1:]


def apply_usage_file(usage: UsageSet, f: UsageFile, graph: ResourceGraph, source: str,
                     others: frozenset[str] = frozenset()) -> UsageSet:
    """Check `f` against the stack's graph and the pricers' models, and layer it onto `usage`.
    Names in `others` (resources of the other options `compare` prices) are skipped here."""
    # Only read for usage by name: a file with types only skips the walk of a large graph.
    priced = {r.name: r for r in graph.resources if r.type in USAGE_MODELS} if f.resources else {}
    for name, values in sorted(f.resources.items()):
        r = priced.get(name)
        if r is None and name in others and name not in graph.names:
            continue
        if r is None:
            if name in graph.names:
                raise ConfigError(f"resources.{name}: a {graph.names[name].type} reads no usage; resources "
                                  f"that do: {', '.join(sorted(priced)) or 'none'}", source=source)
            near = closest(name, priced)
            raise ConfigError(f"resources.{name}: no such resource in stack {graph.stack!r}"
                              + (f" (did you mean {', '.join(repr(n) for n in near)}?)" if near else "")
                              + "; list them with `gnnstack usage template STACK`", source=source)
        usage.by_name[name] = _checked(USAGE_MODELS[r.type], values, f"resources.{name}", source)
    for rtype, values in sorted(f.types.items()):
        model = USAGE_MODELS.get(rtype)
        if model is None:
            near = closest(rtype, USAGE_MODELS)
            raise ConfigError(f"types.{rtype}: no pricer reads usage for this type"
                              + (f" (did you mean {', '.join(repr(n) for n in near)}?)" if near else "")
                              + f"; types with usage: {', '.join(sorted(USAGE_MODELS))}", source=source)
        usage.by_type[rtype] = _checked(model, values, f"types.{rtype}", source)
    usage.file = source
    return usage


def read_usage(path: Optional[str], usage: UsageSet, graph: ResourceGraph) -> UsageSet:
    """`usage` with the file at `path` applied (unchanged when there is none)."""
    if not path:
        return usage
    return apply_usage_file(usage, load_usage_file(path), graph, str(path))
