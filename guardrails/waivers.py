"""Waivers: a rule may be broken by some resources (of some stacks), for a reason, until a date.
`Waivers.find` is the one place that decides whether a finding is waived: `gnnstack preview` and
`check` (evaluate) and the CrossGuard pack (pack) both ask it."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Optional

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from gnnstack.errors import did_you_mean

from .registry import RULES

# What to write when a waiver lacks a field or leaves it empty.
NEEDS = {
    "rule": "name the rule it waives (see `gnnstack guardrails list`)",
    "resource": "name the resource (a pattern such as '*-db-cluster')",
    "reason": "a waiver needs a reason: say why the rule may be broken",
    "expires": "a waiver needs an expiry date (YYYY-MM-DD)",
}


class Waiver(BaseModel):
    """Rule `rule` may be broken by the resources, in the stacks, that the patterns match, for
    `reason`, up to and including `expires`."""

    # A resource or stack written as a bare number in YAML is still a name.
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)
    rule: str
    resource: str = Field(min_length=1)  # fnmatch pattern on the resource name
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    expires: date
    stack: str = "*"  # fnmatch pattern on the stack name

    @field_validator("rule")
    @classmethod
    def _known_rule(cls, name: str) -> str:
        if name not in RULES:
            raise ValueError(f"unknown rule {name!r}.{did_you_mean(name, RULES)} See `gnnstack guardrails list`")
        return name

    @field_validator("expires", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> date:
        # YAML reads an unquoted 2027-03-31 as a date; a string must be one in ISO form (pydantic's
        # own parsing would also take a number as a Unix timestamp).
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise ValueError(f"{value!r} is not a date; write it as YYYY-MM-DD") from None

    def matches(self, rule: str, resource: str, stack: str) -> bool:
        return (rule == self.rule and fnmatch.fnmatch(resource, self.resource)
                and fnmatch.fnmatch(stack, self.stack))

    def expired(self, today: date) -> bool:
        return today > self.expires

    def to_json(self) -> dict[str, str]:
        return {"rule": self.rule, "resource": self.resource, "stack": self.stack, "reason": self.reason,
                "expires": self.expires.isoformat()}


@dataclass(frozen=True)
class Waivers:
    """The waivers of one config, in the file's order."""

    items: tuple[Waiver, ...] = ()

    @classmethod
    def from_json(cls, entries: list[dict[str, Any]]) -> Waivers:
        """Waivers as `Waiver.to_json` writes them (the policy pack's config)."""
        return cls(tuple(Waiver.model_validate(w) for w in entries))

    def __iter__(self) -> Iterator[Waiver]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def find(self, rule: str, resource: str, stack: str, today: date) -> Optional[Waiver]:
        """The first waiver in force on `today` that covers this finding, or None."""
        return next((w for w in self.items if not w.expired(today) and w.matches(rule, resource, stack)), None)

    def lapsed(self, rule: str, resource: str, stack: str, today: date) -> list[Waiver]:
        """The expired waivers that would cover this finding (the reports name them)."""
        return [w for w in self.items if w.expired(today) and w.matches(rule, resource, stack)]

    def for_rule(self, rule: str) -> list[Waiver]:
        return [w for w in self.items if w.rule == rule]
