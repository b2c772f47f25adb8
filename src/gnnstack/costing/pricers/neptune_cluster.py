"""Neptune cluster volume: storage as the graph grows, and I/O requests.

Standard storage bills every I/O request with no cap, so the I/O worst case is unbounded. Sizes
come from the component's declared usage (`storageInitialGb`, `storageGrowthGbPerDay`,
`pricedAtDay`, `ioMillionsPerMonth`)."""

from __future__ import annotations

from . import pricer
from ..lines import MONTHS, CostLine, PricingContext, number
from ...graph import Resource


@pricer("aws:neptune/cluster:Cluster")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    usage = ctx.usage(r)
    initial = ctx.declared(r, "storageInitialGb", "no storage size declared for the cluster volume")
    growth = number(usage.get("storageGrowthGbPerDay", 0), "storageGrowthGbPerDay")
    day = number(usage.get("pricedAtDay", ctx.days), "pricedAtDay")
    months = tuple(initial + growth * (day + m * ctx.days) for m in range(MONTHS))
    lines = [ctx.line(r, "Storage", "GB-months", months[0], months[-1], ctx.price("neptune", "storage"),
                      months=months, note="size at the end of each month; worst: after 12 months of growth")]
    if r.inputs.get("storageType") != "iopt1":
        io = number(usage.get("ioMillionsPerMonth", 0), "ioMillionsPerMonth")
        lines.append(ctx.line(r, "I/O requests", "1M requests", io, None, ctx.price("neptune", "io"),
                              note="usage estimate; standard storage bills every I/O, no cap"))
    return lines
