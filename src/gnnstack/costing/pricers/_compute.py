"""Hourly instance prices and EBS volume lines, shared by the EC2, ASG and EMR pricers.

EBS volumes are billed on what is provisioned, whatever it holds: storage per GiB-month for every
type (the size is in GiB as EC2 reads it, so no conversion), plus provisioned IOPS for io1/io2 and
IOPS and throughput above the gp3 baseline. What is not priced, and said so on the line: magnetic
(`standard`) volumes' I/O requests (usage, per million requests), and io2's lower IOPS tiers (IOPS
above 32,000 are priced at the first tier's rate: an upper bound). A volume with no type is priced
as gp3 and says so.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Hashable, Literal, Optional

from ..catalog import Price, component_role
from ..lines import CostLine, MissingPrice, NotPriceable, PricingContext, derived, exact, number, picked
from ...graph import Resource

GP3_BASE_IOPS = 3000
GP3_BASE_THROUGHPUT = 125
# Every EBS volume type; each has an `ebs <type>/storage` price, io1/io2 also `ebs <type>/iops`.
VOLUME_TYPES = ("gp3", "gp2", "io1", "io2", "st1", "sc1", "standard")
PROVISIONED_IOPS = ("io1", "io2")
IO2_FIRST_TIER_IOPS = 32000
# What `volume_lines` reads of a volume spec, in the spellings it accepts.
VOLUME_INPUTS = ("volumeSize", "size", "volumeType", "type", "iops", "throughput")


def volume_key(ebs: Any) -> Hashable:
    """What `volume_lines` reads of `ebs`, as part of a key (`PricingContext.alike`)."""
    return picked(ebs, *VOLUME_INPUTS) if isinstance(ebs, dict) else exact(ebs)


def scope_of(ctx: PricingContext, r: Resource) -> Optional[str]:
    """The role of `r`'s component: EBS prices for `r` are looked up with it (`_ebs_price`)."""
    component = ctx.component(r)
    return component_role(component.type) if component is not None else None


def ec2_prices(ctx: PricingContext, instance_type: str, spot: bool) -> tuple[Price, Price, str]:
    """(base price, worst-case price, purchase label). Spot's worst case is the on-demand price:
    spot prices are capped there, and capacity that falls back runs on demand."""
    on_demand = ctx.price("ec2", f"on-demand/{instance_type}")
    if not spot:
        return on_demand, on_demand, "on-demand"
    found = ctx.find("ec2", f"spot/{instance_type}")
    if found is not None:
        return found, on_demand, "spot"
    discount = ctx.price("ec2", "spot-discount")
    return derived(on_demand, 1 - discount.usd, f"spot/{instance_type}",
                   f"on-demand x (1 - {discount.usd} typical spot discount)", discount), on_demand, "spot"


# `costing.commitment` values the pricers honour, with how a line names them.
COMMITMENTS = {"savings-plan-1y": "1-year Savings Plan"}
Commitment = Literal["savings-plan-1y"]


def commitment_price(ctx: PricingContext, instance_type: str, commitment: Commitment) -> Price:
    """The hourly price of `instance_type` under `commitment`: the catalog's own row
    (`ec2 savings-plan-1y/<type>`) when it has one, else on demand less the catalog's typical
    discount for the commitment (`ec2 savings-plan-1y-discount`), like spot's."""
    found = ctx.find("ec2", f"{commitment}/{instance_type}")
    if found is not None:
        return found
    on_demand = ctx.price("ec2", f"on-demand/{instance_type}")
    discount = ctx.price("ec2", f"{commitment}-discount")
    return derived(on_demand, 1 - discount.usd, f"{commitment}/{instance_type}",
                   f"on-demand x (1 - {discount.usd} typical {COMMITMENTS[commitment]} discount)", discount)


def committed_line(ctx: PricingContext, r: Resource, instance_type: str, commitment: Commitment,
                   hours: Decimal, note: str = "") -> CostLine:
    """Always-on hours bought under `commitment`: billed whether they run or not, so the worst
    case is the same hours at the same price."""
    price = commitment_price(ctx, instance_type, commitment)
    return ctx.line(r, f"Instance usage ({COMMITMENTS[commitment]}, {instance_type})", "hours", hours, hours,
                    price, price, note=note)


def instance_line(ctx: PricingContext, r: Resource, instance_type: str, spot: bool, base_hours: Decimal,
                  worst_hours: Optional[Decimal], note: str = "") -> CostLine:
    base_price, worst_price, label = ec2_prices(ctx, instance_type, spot)
    return ctx.line(r, f"Instance usage ({label}, {instance_type})", "hours", base_hours, worst_hours,
                    base_price, worst_price, note=note)


def volume_lines(ctx: PricingContext, r: Resource, ebs: dict[str, Any], label: str, base_share: Decimal,
                 worst_share: Optional[Decimal], note: str = "") -> list[CostLine]:
    """Lines for one EBS volume spec held for `share` volume-months (count x fraction of the month).

    Accepts launch-template (`volumeSize`), instance (`volumeSize`) and volume (`size`) spellings.
    An unknown volume type makes the resource unpriced, never $0."""
    size = number(ebs.get("volumeSize", ebs.get("size")), f"{label} size")
    kind = ebs.get("volumeType", ebs.get("type")) or "gp3"
    if kind not in VOLUME_TYPES:
        raise NotPriceable(f"unknown EBS volume type {kind!r} ({label}); EBS types are {', '.join(VOLUME_TYPES)}")
    notes = [note] if note else []
    if not ebs.get("volumeType", ebs.get("type")):
        notes.append("volume type not set: priced as gp3")
    if kind == "standard":
        notes.append("magnetic volumes also bill I/O requests, per million: usage, not priced")

    def worst(q: Decimal) -> Optional[Decimal]:
        return None if worst_share is None else q * worst_share

    storage = _ebs_price(ctx, r, f"{kind}/storage")
    lines = [ctx.line(r, f"Storage ({kind}, {label})", "GB-months", size * base_share, worst(size), storage,
                      note="; ".join(notes))]
    if kind in PROVISIONED_IOPS:
        if ebs.get("iops") is None:
            raise NotPriceable(f"the {kind} {label} sets no iops ({kind} volumes must provision IOPS)")
        iops = number(ebs.get("iops"), f"{label} iops")
        price = _ebs_price(ctx, r, f"{kind}/iops")
        iops_notes = []
        if kind == "io2" and iops > IO2_FIRST_TIER_IOPS:
            iops_notes.append(f"IOPS above {IO2_FIRST_TIER_IOPS:,} bill at lower io2 tiers; all priced at the "
                              "first tier's rate (an upper bound)")
        lines.append(ctx.line(r, f"Provisioned IOPS ({kind}, {label})", "IOPS-months", iops * base_share,
                              worst(iops), price, note="; ".join(iops_notes)))
    if kind == "gp3":
        iops = number(ebs.get("iops") or GP3_BASE_IOPS, f"{label} iops") - GP3_BASE_IOPS
        if iops > 0:
            price = _ebs_price(ctx, r, "gp3/iops")
            lines.append(ctx.line(r, f"Provisioned IOPS above 3,000 ({label})", "IOPS-months", iops * base_share,
                                  worst(iops), price))
        mbps = number(ebs.get("throughput") or GP3_BASE_THROUGHPUT, f"{label} throughput") - GP3_BASE_THROUGHPUT
        if mbps > 0:
            price = _ebs_price(ctx, r, "gp3/throughput")
            lines.append(ctx.line(r, f"Throughput above 125 MB/s ({label})", "MBps-months", mbps * base_share,
                                  worst(mbps), price))
    return lines


def _ebs_price(ctx: PricingContext, r: Resource, item: str) -> Price:
    """An EBS price for `r`'s volumes: an override scoped to the role of `r`'s component
    (`ebs gp3/storage@training`) first, then the regional price."""
    found = ctx.find("ebs", item, scope_of(ctx, r))
    if found is None:
        raise MissingPrice("ebs", item, ctx.region)
    return found

