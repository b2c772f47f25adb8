"""Neptune cluster volume: storage as the graph grows, and I/O requests.

Standard storage bills every I/O request with no cap, so the I/O worst case is unbounded. Sizes
and I/O are the cluster's usage (`NeptuneClusterUsage`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from ._registry import pricer
from ..lines import MONTHS, CostLine, PricingContext
from ..usage import Usage, usage_field
from ...graph import Resource

MAX_GB = 128 * 1024  # a Neptune cluster volume holds at most 128 TiB


class NeptuneClusterUsage(Usage):
    title = "Neptune cluster"
    storage_initial_gb: Decimal = usage_field("GB", "GB the cluster volume holds when the priced period starts",
                                              le=MAX_GB)
    storage_growth_gb_per_day: Decimal = usage_field("GB/day", "GB the volume grows a day", Decimal(0), le=MAX_GB)
    priced_at_day: Optional[Decimal] = usage_field(
        "days", "Age of the data, in days of growth, at the end of the first priced month", None, le=36500,
        default_text="the end of the priced month")
    io_millions_per_month: Decimal = usage_field("1M requests/month", "I/O requests a month, in millions "
                                                 "(standard storage bills each one)", le=10 ** 7)


@pricer("aws:neptune/cluster:Cluster", usage=NeptuneClusterUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    usage = ctx.usage(r, NeptuneClusterUsage)
    initial, growth = usage.storage_initial_gb, usage.storage_growth_gb_per_day
    day = ctx.days if usage.priced_at_day is None else usage.priced_at_day
    months = tuple(initial + growth * (day + m * ctx.days) for m in range(MONTHS))
    lines = [ctx.line(r, "Storage", "GB-months", months[0], months[-1], ctx.price("neptune", "storage"),
                      months=months, note="size at the end of each month; worst: after 12 months of growth")]
    if r.inputs.get("storageType") != "iopt1":
        io = usage.io_millions_per_month
        lines.append(ctx.line(r, "I/O requests", "1M requests", io, None, ctx.price("neptune", "io"),
                              note="usage estimate; standard storage bills every I/O, no cap"))
    return lines
