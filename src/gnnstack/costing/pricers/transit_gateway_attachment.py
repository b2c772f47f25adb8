"""Transit Gateway VPC attachments: attachment hours, and data processed (GB a month sent from
the VPC to the transit gateway; usage, metered with no cap). The transit gateway itself bills
nothing of its own: its attachments do (`free.py`)."""

from __future__ import annotations

from decimal import Decimal

from ._registry import pricer
from ..lines import CostLine, PricingContext, exact
from ..usage import Usage, usage_field
from ...graph import Resource


class AttachmentUsage(Usage):
    title = "Transit Gateway VPC attachment"
    gb_per_month: Decimal = usage_field("GB/month", "Data the VPC sends to the transit gateway a month", le=10 ** 9)


@pricer("aws:ec2transitgateway/vpcAttachment:VpcAttachment", usage=AttachmentUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    gb = ctx.usage(r, AttachmentUsage).gb_per_month
    return ctx.alike(r, exact(gb), lambda: [
        ctx.line(r, "Transit gateway attachment", "hours", ctx.hours, ctx.hours,
                 ctx.price("transitgateway", "attachment-hour")),
        ctx.line(r, "Data processed", "GB", gb, None, ctx.price("transitgateway", "data-processed"),
                 note="metered, no cap")])
