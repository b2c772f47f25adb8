"""What a rule sees: the resource graph, the cost estimate, and facts read from the graph
(environment, region, budget, expiry). Everything comes from the graph, so the offline preview
and the policy pack, which both have the graph, build the same context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from importlib import resources
from typing import Any, Iterator, Optional

from gnnstack import tags
from gnnstack.clock import parse_expiry
from gnnstack.costing import Estimate
from gnnstack.costing.lifetime import Lifetime, until_expiry
from gnnstack.graph import Resource, ResourceGraph

EXPIRES_TAG = tags.EXPIRES_AT
BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
REQUIRED_TAGS = tags.REQUIRED


def taggable_types() -> frozenset[str]:
    text = (resources.files("gnnstack.data") / "taggable_types.txt").read_text()
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


_TAGGABLE: Optional[frozenset[str]] = None


def is_taggable(type_token: str) -> bool:
    global _TAGGABLE
    if _TAGGABLE is None:
        _TAGGABLE = taggable_types()
    return type_token in _TAGGABLE


def tags_of(r: Resource) -> Optional[dict[str, str]]:
    """A resource's tags as a dict (ASGs list them as key/value items), or None if it has none."""
    tags = r.inputs.get("tags")
    if isinstance(tags, dict):
        return {str(k): str(v) for k, v in tags.items()}
    if isinstance(tags, list):
        return {str(t.get("key")): str(t.get("value")) for t in tags if isinstance(t, dict)}
    return None


@dataclass
class RuleContext:
    graph: ResourceGraph
    estimate: Estimate
    now: datetime
    # For a graph gnnstack did not build (`gnnstack estimate`): it has no gnnstack option resource
    # to read the environment and region from, so the caller states them.
    stated_environment: Optional[str] = None
    stated_region: Optional[str] = None

    @cached_property
    def option(self) -> dict[str, Any]:
        for r in self.graph.resources:
            if r.type.startswith("gnnstack:option:"):
                return r.inputs
        return {}

    @property
    def environment(self) -> str:
        return self.stated_environment or str(self.option.get("environment", "production"))

    @property
    def region(self) -> Optional[str]:
        return self.stated_region or self.option.get("region")

    @property
    def stack(self) -> str:
        return self.graph.stack

    @cached_property
    def budget(self) -> Optional[tuple[Resource, Decimal]]:
        for r in self.graph.of_type("aws:budgets/budget:Budget"):
            limit = r.inputs.get("limitAmount")
            if limit is not None:
                return r, Decimal(str(limit))
        return None

    @cached_property
    def expires_at(self) -> Optional[datetime]:
        """When the stack expires, from the `gnnstack:expires-at` tags (the offline preview and the
        policy pack both see them): the latest valid one, since the stack costs money until its
        last resource goes; None when no resource carries one (production)."""
        found = []
        for r in self.graph.managed():
            value = (tags_of(r) or {}).get(EXPIRES_TAG)
            at = parse_expiry(value) if value else None
            if at is not None:
                found.append(at)
        return max(found, default=None)

    @cached_property
    def lifetime(self) -> Optional[Lifetime]:
        """The estimate prorated until the expiry (None without one), as the reports show it."""
        return until_expiry(self.estimate, self.expires_at, self.now)

    def managed(self) -> Iterator[Resource]:
        return iter(self.graph.managed())

    def attached_resources(self, rtype: str, key: str, targets: tuple[str, ...]) -> dict[str, list[Resource]]:
        """Resources of `rtype` by the name of the resource of `targets` they configure: their
        parent (as gnnstack's components build them) or, as other programs write them, the target
        their `key` input names by its logical name or by the target's own `key` input (a
        bucket's name). A reference Pulumi has not resolved yet (unknown in a preview) attaches
        to nothing."""
        by_value: dict[str, str] = {}
        for r in self.of_type(*targets):
            value = r.inputs.get(key)
            if isinstance(value, str):
                by_value.setdefault(value, r.name)
        found: dict[str, list[Resource]] = {}
        for c in self.of_type(rtype):
            target = c.inputs.get(key)
            names = {c.parent} if c.parent else set()
            if isinstance(target, str):
                names |= {n for n in (target if target in self.graph.names else None, by_value.get(target)) if n}
            for name in names:
                found.setdefault(name, []).append(c)
        return found

    def attached(self, rtype: str, key: str, targets: tuple[str, ...]) -> set[str]:
        """Names of the `targets` some resource of `rtype` configures (see `attached_resources`)."""
        return set(self.attached_resources(rtype, key, targets))

    def of_type(self, *types: str) -> list[Resource]:
        return [r for t in types for r in self.graph.by_type.get(t, ())]
