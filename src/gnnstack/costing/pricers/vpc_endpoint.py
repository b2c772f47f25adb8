"""VPC endpoints: gateway endpoints (S3, DynamoDB) are free; interface endpoints bill per AZ-hour."""

from __future__ import annotations

from decimal import Decimal

from ._registry import pricer
from ..lines import CostLine, NoCharge, PricingContext
from ...graph import Resource


@pricer("aws:ec2/vpcEndpoint:VpcEndpoint")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    if r.inputs.get("vpcEndpointType", "Gateway") == "Gateway":
        raise NoCharge("a gateway endpoint (S3, DynamoDB) has no hourly or data processing charge")
    zones = Decimal(max(1, len(r.inputs.get("subnetIds") or [])))
    return ctx.alike(r, zones, lambda: [ctx.line(r, f"Interface endpoint ({zones} AZs)", "hours", zones * ctx.hours,
                                                 zones * ctx.hours, ctx.price("vpc", "interface-endpoint/hour"))])
