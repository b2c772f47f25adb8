"""Neptune cluster volume: storage as the graph grows, I/O requests, and backup storage.

Standard storage bills every I/O request with no cap, so the I/O worst case is unbounded. Sizes
and I/O are the cluster's usage (`NeptuneClusterUsage`).

Backup storage: Neptune's automated backups are continuous and incremental. Backup storage up to
100 % of the cluster volume is free, and so is all of it with a 1-day retention; beyond that it
bills per GB-month (`neptune backup`). With `backupRetentionPeriod` N days the backups hold a full
copy plus the changes of N - 1 days, so the billed part is (N - 1) x the volume x the fraction of
it that changes a day: `backup_daily_change_fraction` (usage) in the base case; every day
rewriting the whole volume (fraction 1) after 12 months of growth is the worst case, an upper
bound. Manual snapshots kept beyond the retention are not priced."""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from ._registry import pricer
from ..lines import MONTHS, CostLine, PricingContext, number, picked, usage_key
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
    # 5 % a day: the common default of backup-sizing rules of thumb (1-10 % a day for databases);
    # generous for a graph that mostly appends (the stacks' graphs grow about 0.02 % a day) and
    # is rewritten in bulk only by reloads.
    backup_daily_change_fraction: Decimal = usage_field(
        "fraction/day", "Share of the cluster volume that changes a day, which each extra day of backup "
        "retention keeps (billed beyond the free retention)", Decimal("0.05"), le=1)


@pricer("aws:neptune/cluster:Cluster", usage=NeptuneClusterUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    usage = ctx.usage(r, NeptuneClusterUsage)
    key = (usage_key(usage), picked(r.inputs, "storageType", "backupRetentionPeriod"))
    return ctx.alike(r, key, lambda: _lines(r, ctx, usage))


def _lines(r: Resource, ctx: PricingContext, usage: NeptuneClusterUsage) -> list[CostLine]:
    initial, growth = usage.storage_initial_gb, usage.storage_growth_gb_per_day
    day = ctx.days if usage.priced_at_day is None else usage.priced_at_day
    months = tuple(initial + growth * (day + m * ctx.days) for m in range(MONTHS))
    lines = [ctx.line(r, "Storage", "GB-months", months[0], months[-1], ctx.price("neptune", "storage"),
                      months=months, note="size at the end of each month; worst: after 12 months of growth")]
    if r.inputs.get("storageType") != "iopt1":
        io = usage.io_millions_per_month
        lines.append(ctx.line(r, "I/O requests", "1M requests", io, None, ctx.price("neptune", "io"),
                              note="usage estimate; standard storage bills every I/O, no cap"))
    lines += _backup(r, ctx, months, usage.backup_daily_change_fraction)
    return lines


def _backup(r: Resource, ctx: PricingContext, months: tuple[Decimal, ...], fraction: Decimal) -> list[CostLine]:
    """Backup storage beyond the free retention (see the module docstring); none for 1 day."""
    retention = number(r.inputs.get("backupRetentionPeriod", 1), "backupRetentionPeriod")  # AWS default: 1 day
    extra_days = retention - 1
    if extra_days <= 0:
        return []
    base_months = tuple(extra_days * gb * fraction for gb in months)
    return [ctx.line(r, "Backup storage (beyond the free retention)", "GB-months", base_months[0],
                     extra_days * months[-1], ctx.price("neptune", "backup"), months=base_months,
                     note=f"{retention} days kept: {extra_days} x the volume x the share changed a day "
                          f"(base {fraction}; worst: all of it, after 12 months of growth); the first day "
                          "and up to 100% of the volume are free; manual snapshots not priced")]
