"""API Gateway REST APIs: requests a month (usage), in AWS's tiers, and the cache of each stage
that enables one (`cacheClusterEnabled`, `cacheClusterSize` GB, default 0.5), billed by the hour.

Stages are found by their `restApi` input (the API's id or ARN naming it). Requests are metered
with no cap (worst: unbounded); a cache runs all month (worst = base)."""

from __future__ import annotations

from decimal import Decimal

from ._refs import referenced, tier_lines
from ._registry import pricer
from ..lines import CostLine, PricingContext, exact, picked
from ..usage import Usage, usage_field
from ...graph import Resource

STAGE = "aws:apigateway/stage:Stage"
MILLION = Decimal(1_000_000)
# (tier size in millions of requests, catalog item, label)
TIERS = ((Decimal(333), "rest/requests/tier-1", "first 333M"), (Decimal(667), "rest/requests/tier-2", "next 667M"),
         (Decimal(19_000), "rest/requests/tier-3", "next 19B"), (None, "rest/requests/tier-4", "over 20B"))
DEFAULT_CACHE_GB = "0.5"


class RestApiUsage(Usage):
    title = "API Gateway REST API"
    requests_per_month: Decimal = usage_field("requests/month", "API calls a month, all stages", le=10 ** 13)


def stages(r: Resource, ctx: PricingContext) -> list[Resource]:
    return [s for s in ctx.graph.of_type(STAGE) if referenced(ctx, s.inputs.get("restApi"), r.type) is r]


@pricer("aws:apigateway/restApi:RestApi", usage=RestApiUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    requests = ctx.usage(r, RestApiUsage).requests_per_month
    mine = stages(r, ctx)
    key = (exact(requests), tuple(picked(s.inputs, "cacheClusterEnabled", "cacheClusterSize", "stageName")
                                  for s in mine))
    return ctx.alike(r, key, lambda: _lines(r, ctx, requests, mine))


def _lines(r: Resource, ctx: PricingContext, requests: Decimal, mine: list[Resource]) -> list[CostLine]:
    lines = tier_lines(ctx, r, "Requests", "1M requests", requests / MILLION, "apigateway", TIERS)
    for s in mine:
        if s.inputs.get("cacheClusterEnabled") is True:
            size = str(s.inputs.get("cacheClusterSize") or DEFAULT_CACHE_GB)
            note = f"stage {s.inputs.get('stageName', s.name)}" + (
                "" if s.inputs.get("cacheClusterSize") else f"; cacheClusterSize not set: AWS's default {size} GB")
            lines.append(ctx.line(r, f"Cache memory ({size} GB)", "hours", ctx.hours, ctx.hours,
                                  ctx.price("apigateway", f"cache/{size}gb"), note=note))
    return lines
