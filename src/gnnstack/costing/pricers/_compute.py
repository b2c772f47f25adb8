"""Hourly instance prices and EBS volume lines, shared by the EC2, ASG and EMR pricers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from ..catalog import Price
from ..lines import CostLine, PricingContext, derived, number
from ...graph import Resource

GP3_BASE_IOPS = 3000
GP3_BASE_THROUGHPUT = 125


def ec2_prices(ctx: PricingContext, instance_type: str, spot: bool) -> tuple[Price, Price, str]:
    """(base price, worst-case price, purchase label). Spot's worst case is the on-demand price:
    spot prices are capped there, and capacity that falls back runs on demand."""
    on_demand = ctx.price("ec2", f"on-demand/{instance_type}")
    if not spot:
        return on_demand, on_demand, "on-demand"
    found = ctx.book.get("ec2", f"spot/{instance_type}", ctx.region)
    if found is not None:
        return found, on_demand, "spot"
    discount = ctx.price("ec2", "spot-discount")
    return derived(on_demand, 1 - discount.usd, f"spot/{instance_type}",
                   f"on-demand x (1 - {discount.usd} typical spot discount)", discount), on_demand, "spot"


def instance_line(ctx: PricingContext, r: Resource, instance_type: str, spot: bool, base_hours: Decimal,
                  worst_hours: Optional[Decimal], note: str = "") -> CostLine:
    base_price, worst_price, label = ec2_prices(ctx, instance_type, spot)
    return ctx.line(r, f"Instance usage ({label}, {instance_type})", "hours", base_hours, worst_hours,
                    base_price, worst_price, note=note)


def volume_lines(ctx: PricingContext, r: Resource, ebs: dict[str, Any], label: str, base_share: Decimal,
                 worst_share: Optional[Decimal], note: str = "") -> list[CostLine]:
    """Lines for one EBS volume spec held for `share` volume-months (count x fraction of the month).

    Accepts launch-template (`volumeSize`), instance (`volumeSize`) and volume (`size`) spellings."""
    size = number(ebs.get("volumeSize", ebs.get("size")), f"{label} size")
    kind = ebs.get("volumeType", ebs.get("type")) or "gp3"
    lines = [ctx.line(r, f"Storage ({kind}, {label})", "GB-months", size * base_share,
                      None if worst_share is None else size * worst_share, ctx.price("ebs", f"{kind}/storage"),
                      note=note)]
    if kind == "gp3":
        iops = number(ebs.get("iops") or GP3_BASE_IOPS, f"{label} iops") - GP3_BASE_IOPS
        if iops > 0:
            lines.append(ctx.line(r, f"Provisioned IOPS above 3,000 ({label})", "IOPS-months", iops * base_share,
                                  None if worst_share is None else iops * worst_share, ctx.price("ebs", "gp3/iops")))
        mbps = number(ebs.get("throughput") or GP3_BASE_THROUGHPUT, f"{label} throughput") - GP3_BASE_THROUGHPUT
        if mbps > 0:
            lines.append(ctx.line(r, f"Throughput above 125 MB/s ({label})", "MBps-months", mbps * base_share,
                                  None if worst_share is None else mbps * worst_share,
                                  ctx.price("ebs", "gp3/throughput")))
    return lines
