"""Kinesis Data Streams (provisioned): shard-hours, and PUT payload units (25 KB each) for the
declared records a day. Worst: every shard at its 1,000 records a second all month."""

from __future__ import annotations


from ._registry import pricer
from decimal import Decimal
from typing import Optional

from ..lines import CostLine, NotPriceable, PricingContext, exact, number, picked
from ..usage import Usage, usage_field
from ...graph import Resource

RECORDS_PER_SHARD_SECOND = 1000


class StreamUsage(Usage):
    title = "Kinesis stream"
    records_per_day: Optional[Decimal] = usage_field(
        "records/day", "Records of 25 KB or less written a day", None, le=10 ** 13,
        default_text="every shard at 1,000 records a second")


@pricer("aws:kinesis/stream:Stream", usage=StreamUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    key = (picked(r.inputs, "streamModeDetails", "retentionPeriod", "shardCount"),
           exact(ctx.usage(r, StreamUsage).records_per_day))
    return ctx.alike(r, key, lambda: _lines(r, ctx))


def _lines(r: Resource, ctx: PricingContext) -> list[CostLine]:
    mode = (r.inputs.get("streamModeDetails") or {}).get("streamMode", "PROVISIONED")
    if mode != "PROVISIONED":
        raise NotPriceable("on-demand streams are not priced yet (and have no cap)")
    if number(r.inputs.get("retentionPeriod", 24), "retentionPeriod") > 24:
        raise NotPriceable("extended retention (over 24 hours) is not priced yet")
    shards = number(r.inputs.get("shardCount"), "shardCount")
    records = ctx.usage(r, StreamUsage).records_per_day
    worst_units = shards * RECORDS_PER_SHARD_SECOND * 3600 * ctx.hours / 1_000_000
    if records is None:
        base_units, note = worst_units, "base: every shard full (no records_per_day)"
    else:
        base_units, note = records * ctx.days / 1_000_000, "records of 25 KB or less"
    return [
        ctx.line(r, "Shard hours", "shard-hours", shards * ctx.hours, shards * ctx.hours,
                 ctx.price("kinesis", "shard-hour")),
        ctx.line(r, "PUT payload units", "1M units", base_units, worst_units,
                 ctx.price("kinesis", "put-payload-units"), note=note),
    ]
