"""The rule registry: each guardrail is a function registered under a kebab-case name with a
description, a params schema (pydantic, unknown fields refused), a valid example and a default
enforcement level per environment. Tests walk the registry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Literal

from pydantic import BaseModel, ConfigDict

from gnnstack import tags

Level = Literal["advisory", "mandatory", "disabled"]
LEVELS: tuple[str, ...] = ("advisory", "mandatory", "disabled")
ENVIRONMENTS: tuple[str, ...] = tags.ENVIRONMENTS


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class Finding:
    """One thing a rule found wrong: the resource it is about, and why."""

    resource: str
    message: str


Check = Callable[[Any, Any], Iterable[Finding]]  # (RuleContext, params) -> findings


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    params: type[Params]
    example: dict[str, Any]
    levels: dict[str, Level]  # environment -> default level
    check: Check = field(repr=False)
    # The rule reads only what any Pulumi program's graph has (AWS resource inputs, the estimate),
    # not gnnstack's own components, tags or option: `gnnstack estimate --guardrails` runs it.
    any_program: bool = False


RULES: dict[str, Rule] = {}


def rule(name: str, *, description: str, params: type[Params], example: dict[str, Any],
         experiment: Level = "mandatory", production: Level = "mandatory",
         any_program: bool = False) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        if name in RULES:
            raise ValueError(f"two rules named {name}")
        RULES[name] = Rule(name, description, params, example, {"experiment": experiment, "production": production},
                           fn, any_program)
        return fn

    return register
