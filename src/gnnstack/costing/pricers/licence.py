"""Licence lines for the self-managed databases, priced on their components.

Community and developer editions cost nothing and the line says so. Neither Neo4j nor TigerGraph
publishes an Enterprise list price, so the Enterprise line is the scenario's
`licence_usd_per_month` (usage: from the stack file or a usage file); without it the licence is
unpriced."""

from __future__ import annotations

from decimal import Decimal

from ._registry import pricer
from ... import clock
from ..catalog import Price
from typing import Optional

from ..lines import CostLine, PricingContext, exact
from ..usage import NeedsUsage, Usage, usage_field
from ...graph import Resource

FREE_EDITIONS = {"neo4j": "community", "tigergraph": "developer"}
PRODUCT = {"gnnstack:database:Neo4jServers": ("neo4j", "Neo4j"),
           "gnnstack:database:TigerGraphCluster": ("tigergraph", "TigerGraph")}


class LicenceUsage(Usage):
    title = "database licence"
    licence_usd_per_month: Optional[Decimal] = usage_field(
        "USD/month", "Your quoted Enterprise licence price a month", None, le=10 ** 7,
        default_text="none (Enterprise has no list price)")


@pricer(*PRODUCT, usage=LicenceUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    key, product = PRODUCT[r.type]
    edition = r.inputs.get("edition", "enterprise")
    one = Decimal(1)
    if edition == FREE_EDITIONS[key]:
        return ctx.alike(r, edition, lambda: [ctx.line(r, f"Licence ({product} {edition})", "months", one, one,
                                                       ctx.price("licence", f"{key}/{edition}"),
                                                       note=f"{product} {edition} edition: no licence fee")])
    amount = ctx.usage(r, LicenceUsage).licence_usd_per_month
    if amount is None:
        raise NeedsUsage(LicenceUsage, "licence_usd_per_month",
                         f"{product} {edition} has no public list price (or set {key}.licence_usd_per_month "
                         "in the stack file to your quoted price)")
    today = clock.now().date()
    quoted = Price("licence", f"{key}/{edition}", ctx.region, "month", amount,
                   "estimate", today, f"scenario input: {key}.licence_usd_per_month", "scenario")
    return ctx.alike(r, (exact(edition), exact(amount), today),
                     lambda: [ctx.line(r, f"Licence ({product} {edition})", "months", one, one, quoted,
                                       note="your quoted price (scenario input)")])
