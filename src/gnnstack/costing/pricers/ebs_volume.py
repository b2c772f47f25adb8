"""Standalone EBS volumes: storage, IOPS and throughput above the gp3 baseline, all month."""

from __future__ import annotations

from decimal import Decimal

from ._registry import pricer
from ._compute import scope_of, volume_key, volume_lines
from ..lines import CostLine, PricingContext
from ...graph import Resource


@pricer("aws:ebs/volume:Volume")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    return ctx.alike(r, (volume_key(r.inputs), scope_of(ctx, r)),
                     lambda: volume_lines(ctx, r, r.inputs, "volume", Decimal(1), Decimal(1)))
