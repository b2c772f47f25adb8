"""NAT gateways: hours, and data processed (declared usage; metered with no cap)."""

from __future__ import annotations

from . import pricer
from ..lines import CostLine, PricingContext, number
from ...graph import Resource


@pricer("aws:ec2/natGateway:NatGateway")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    lines = [ctx.line(r, "NAT gateway", "hours", ctx.hours, ctx.hours, ctx.price("vpc", "nat-gateway/hour"))]
    gb = ctx.usage(r).get("natGbPerMonth")
    note = "usage estimate; metered, no cap" if gb is not None else "no usage declared: 0 GB in the base case"
    lines.append(ctx.line(r, "Data processed", "GB", number(gb or 0, "natGbPerMonth"), None,
                          ctx.price("vpc", "nat-gateway/data"), note=note))
    return lines
