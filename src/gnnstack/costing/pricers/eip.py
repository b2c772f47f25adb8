"""Elastic IPs: every public IPv4 address is billed by the hour, attached or not."""

from __future__ import annotations

from ._registry import pricer
from ..lines import CostLine, PricingContext
from ...graph import Resource


@pricer("aws:ec2/eip:Eip")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    return ctx.alike(r, (), lambda: [ctx.line(r, "Public IPv4 address", "hours", ctx.hours, ctx.hours,
                                              ctx.price("vpc", "public-ipv4"))])
