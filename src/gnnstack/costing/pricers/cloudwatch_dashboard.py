"""CloudWatch dashboards: one dashboard-month each.

AWS's free tier gives an account 3 dashboards (of up to 50 metrics) a month, shared by every
dashboard in the account, which a stack cannot see: every dashboard is priced, as if the
account's free ones are used elsewhere (the line says so). An upper bound by at most 3 x $3."""

from __future__ import annotations

from decimal import Decimal

from ._registry import pricer
from ..lines import CostLine, PricingContext
from ...graph import Resource


@pricer("aws:cloudwatch/dashboard:Dashboard")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    return ctx.alike(r, (), lambda: [ctx.line(
        r, "Dashboard", "dashboard-months", Decimal(1), Decimal(1), ctx.price("cloudwatch", "dashboard-month"),
        note="the account's 3 free dashboards assumed used elsewhere: every dashboard priced")])
