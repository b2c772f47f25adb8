"""CloudWatch log groups: data ingested and data stored (usage).

`ingested_gb_per_month` is required. Stored GB is `stored_gb` when the usage sets it; otherwise it
follows from `retentionInDays`: a group that keeps N days holds, once full, N days of ingestion
(ingested a month x N / days in the month). AWS bills stored logs compressed, so this is an upper
bound. A group that never expires logs (no retentionInDays, or 0) holds a month more every month:
the base is the first month's logs and the worst case is unbounded. Ingestion is metered with no
cap: its worst case is unbounded."""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from ._registry import pricer
from ..lines import CostLine, NotPriceable, PricingContext, number, picked, usage_key
from ..usage import Usage, usage_field
from ...graph import Resource


class LogGroupUsage(Usage):
    title = "CloudWatch log group"
    ingested_gb_per_month: Decimal = usage_field("GB/month", "Log data ingested a month (uncompressed)", le=10 ** 9)
    stored_gb: Optional[Decimal] = usage_field(
        "GB", "Log data stored (archived) on average over the month", None, le=10 ** 10,
        default_text="from retentionInDays: ingested x retention days / days in the month")


@pricer("aws:cloudwatch/logGroup:LogGroup", usage=LogGroupUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    usage = ctx.usage(r, LogGroupUsage)
    return ctx.alike(r, (usage_key(usage), picked(r.inputs, "retentionInDays", "logGroupClass")),
                     lambda: _lines(r, ctx, usage))


def _lines(r: Resource, ctx: PricingContext, usage: LogGroupUsage) -> list[CostLine]:
    kind = r.inputs.get("logGroupClass") or "STANDARD"
    if kind != "STANDARD":
        raise NotPriceable(f"log group class {kind!r} is not priced (STANDARD only)")
    ingested = usage.ingested_gb_per_month
    retention = r.inputs.get("retentionInDays")
    days = number(retention, "retentionInDays") if retention is not None else Decimal(0)
    worst: Optional[Decimal]
    if usage.stored_gb is not None:
        stored, worst, note = usage.stored_gb, None, "stored_gb from usage"
    elif days > 0:
        stored = ingested * days / ctx.days
        worst = None
        note = (f"{days} days of ingestion kept (retentionInDays): ingested x {days} / "
                f"{ctx.days.quantize(Decimal('0.01'))} days in the month; billed compressed, so an upper bound")
    else:
        stored, worst = ingested, None
        note = "logs never expire (no retentionInDays): base the first month's logs; grows every month, no bound"
    return [
        ctx.line(r, "Data ingested", "GB", ingested, None, ctx.price("cloudwatch", "logs/ingested-gb"),
                 note="metered, no cap"),
        ctx.line(r, "Data stored", "GB-months", stored, worst, ctx.price("cloudwatch", "logs/stored-gb-month"),
                 note=note),
    ]

