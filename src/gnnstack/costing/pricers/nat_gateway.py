"""NAT gateways: hours, and data processed (usage; metered with no cap)."""

from __future__ import annotations

from ._registry import pricer
from decimal import Decimal

from ..lines import CostLine, PricingContext, exact
from ..usage import Usage, usage_field
from ...graph import Resource


class NatGatewayUsage(Usage):
    title = "NAT gateway"
    gb_per_month: Decimal = usage_field("GB/month", "Data the gateway processes a month", Decimal(0), le=10 ** 9)


@pricer("aws:ec2/natGateway:NatGateway", usage=NatGatewayUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    gb = ctx.usage(r, NatGatewayUsage).gb_per_month
    return ctx.alike(r, exact(gb), lambda: _lines(r, ctx, gb))


def _lines(r: Resource, ctx: PricingContext, gb: Decimal) -> list[CostLine]:
    lines = [ctx.line(r, "NAT gateway", "hours", ctx.hours, ctx.hours, ctx.price("vpc", "nat-gateway/hour"))]
    lines.append(ctx.line(r, "Data processed", "GB", gb, None,
                          ctx.price("vpc", "nat-gateway/data"), note="metered, no cap"))
    return lines
