"""Discovery (read-only): every resource carrying the `gnnstack:stack` tag in the asked-for regions.

The Resource Groups Tagging API lists the candidates; each registered kind then settles its own
against its service (what is already going away, real names, which engine), or lists them from
its own API where the tagging API falls short. Resources of kinds reap does not handle are kept
under their ARN's name, so they are reported (and never deleted)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterable, NamedTuple, Optional

from gnnstack.clock import parse_expiry
from gnnstack.tags import EXPIRES_AT, STACK

from .arns import Arn, parse_arn
from .aws import Clients, ReapError, call
from .model import Found
from .registry import REGISTRY, Kind, Registry


class Identified(NamedTuple):
    service: str
    kind: str
    identifier: str
    region: str
    account: str


def identify(arn: str | Arn, registry: Registry = REGISTRY) -> Identified:
    """What an ARN alone says: (service, kind, identifier, region, account). A kind reap handles
    names it (or, where the ARN cannot tell, e.g. Neptune behind RDS ARNs, what it looks like)."""
    parsed = arn if isinstance(arn, Arn) else parse_arn(arn)
    kind = registry.claiming(parsed)
    service, name, ident = kind.from_arn(parsed) if kind else (parsed.service, parsed.label(), parsed.resource_id)
    return Identified(service, name, ident, parsed.region, parsed.account)


@dataclass
class Discovery:
    """What a kind's `discover` gets: the regions, the time, clients, and how to make a Found."""
    regions: list[str]
    now: datetime
    clients: Clients
    stacks: Optional[frozenset[str]] = None
    registry: Registry = field(default=REGISTRY)

    def client(self, service: str, region: str) -> Any:
        return self.clients(service, region)

    def call(self, what: str, region: str, fn: Callable[[], Any]) -> Any:
        """`fn()`; an AWS failure is a ReapError naming `region` and `what` was asked."""
        return call(what, region, fn)

    def found(self, arn: str | Arn, tags: dict[str, str], **override: Any) -> Optional[Found]:
        """A Found for anything carrying the stack tag key (of a wanted stack, when `stacks` is
        given), else None. An empty stack value is kept (stack "") so that it is reported as
        skipped rather than silently passed over."""
        if STACK not in tags:
            return None
        stack = tags[STACK].strip()
        if self.stacks and stack not in self.stacks:
            return None
        service, kind, ident, region, account = identify(arn, self.registry)
        values = dict(stack=stack, region=region, service=service, kind=kind, identifier=ident, arn=str(arn),
                      expires_at=parse_expiry(tags.get(EXPIRES_AT)), tags=dict(tags), account=account or None,
                      observed_at=self.now)
        values.update(override)
        return Found(**values)


def tag_dict(items: Iterable[dict], key: str = "Key", value: str = "Value") -> dict[str, str]:
    """AWS's [{"Key": k, "Value": v}, ...] as {k: v}."""
    return {str(t[key]): str(t.get(value, "")) for t in items or () if key in t}


def by_region(items: Iterable[Found]) -> dict[str, list[Found]]:
    """`items` grouped by region, regions sorted."""
    groups: dict[str, list[Found]] = {}
    for f in items:
        groups.setdefault(f.region, []).append(f)
    return dict(sorted(groups.items()))


def discover(regions: list[str], now: datetime, *, session: Any = None,
             stacks: Optional[Iterable[str]] = None) -> list[Found]:
    """Every resource in `regions` carrying the `gnnstack:stack` tag (optionally only `stacks`),
    de-duplicated by ARN and sorted by stack, region, deletion order and identifier."""
    if not regions:
        raise ReapError("no regions to search: pass at least one region")
    ctx = Discovery(regions=list(dict.fromkeys(regions)), now=now, clients=Clients(session),
                    stacks=frozenset(stacks) if stacks else None)
    claimed: dict[str, list[Found]] = {kind.name: [] for kind in REGISTRY.kinds()}
    unhandled: list[Found] = []
    for region in ctx.regions:
        for arn, tags in _tagged(ctx, region):
            parsed = parse_arn(arn)
            f = ctx.found(parsed, tags)
            if f is None:
                continue
            kind: Optional[Kind] = REGISTRY.claiming(parsed)
            (claimed[kind.name] if kind else unhandled).append(f)
    found: dict[str, Found] = {}
    for kind in REGISTRY.kinds():
        for f in kind.discover(ctx, claimed[kind.name]):
            found.setdefault(f.arn, f)
    for f in unhandled:
        found.setdefault(f.arn, f)
    position = REGISTRY.position()
    return sorted(found.values(), key=lambda f: (f.stack, f.region, position(f.kind), f.kind, f.identifier))


def _tagged(ctx: Discovery, region: str) -> list[tuple[str, dict[str, str]]]:
    """(ARN, tags) of everything the tagging API lists with the stack tag (of the wanted stacks)."""
    tag_filter: dict[str, Any] = {"Key": STACK}
    if ctx.stacks:
        tag_filter["Values"] = sorted(ctx.stacks)

    def run() -> list[tuple[str, dict[str, str]]]:
        pages = ctx.client("resourcegroupstaggingapi", region).get_paginator("get_resources")
        return [(m["ResourceARN"], tag_dict(m.get("Tags", [])))
                for page in pages.paginate(TagFilters=[tag_filter], ResourcesPerPage=100)
                for m in page.get("ResourceTagMappingList", [])]

    return ctx.call("tagging get_resources", region, run)
