"""Route 53 hosted zones: one zone-month each, and standard DNS queries a month (usage, default
0: say how many in a usage file), in AWS's tiers. Queries for alias records pointing at AWS
resources are free, and records themselves cost nothing: they are priced here, with the zone's
queries (`free.py`). Queries answered by latency, geolocation or other routing
policies bill more per query: they are priced at the standard rate (an under-estimate the
usage field's description names). Private zones bill alike."""

from __future__ import annotations

from decimal import Decimal

from ._refs import tier_lines
from ._registry import pricer
from ..lines import CostLine, PricingContext, exact
from ..usage import Usage, usage_field
from ...graph import Resource

MILLION = Decimal(1_000_000)
TIERS = ((Decimal(1000), "queries/standard/tier-1", "first 1B"), (None, "queries/standard/tier-2", "over 1B"))


class ZoneUsage(Usage):
    title = "Route 53 hosted zone"
    queries_per_month: Decimal = usage_field(
        "queries/month", "DNS queries a month to the zone's records, priced at the standard rate (alias queries to AWS "
        "resources are free; latency and geo queries bill more)", Decimal(0), le=10 ** 14,
        default_text="0 (no queries counted: set it to price them)")


@pricer("aws:route53/zone:Zone", usage=ZoneUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    queries = ctx.usage(r, ZoneUsage).queries_per_month
    return ctx.alike(r, exact(queries), lambda: _lines(r, ctx, queries))


def _lines(r: Resource, ctx: PricingContext, queries: Decimal) -> list[CostLine]:
    return [ctx.line(r, "Hosted zone", "zone-months", Decimal(1), Decimal(1), ctx.price("route53", "hosted-zone"),
                     note="the first 25 zones of an account; more bill less")] + \
        tier_lines(ctx, r, "Standard queries", "1M queries", queries / MILLION, "route53", TIERS)
