"""SNS topics (standard): publishes (API requests, each 64 KB chunk one) and deliveries by
protocol, a month (usage). Deliveries to SQS queues and Lambda functions are not billed as
deliveries, so they have no field; SMS is billed by destination country and is not priced. The
account's free tier (first million publishes, 100,000 HTTP and 1,000 email deliveries) is shared
by every topic and not deducted: an upper bound. Metered, no cap: worst unbounded."""

from __future__ import annotations

from decimal import Decimal

from ._registry import pricer
from ..lines import CostLine, NotPriceable, PricingContext, usage_key
from ..usage import Usage, usage_field
from ...graph import Resource

# usage field -> (line label, unit, units per priced unit, catalog item)
DELIVERIES = {
    "http_deliveries_per_month": ("HTTP/HTTPS deliveries", "100K notifications", Decimal(100_000), "deliveries/http"),
    "email_deliveries_per_month": ("Email/Email-JSON deliveries", "100K notifications", Decimal(100_000),
                                   "deliveries/email"),
    "firehose_deliveries_per_month": ("Kinesis Data Firehose deliveries", "1M notifications", Decimal(1_000_000),
                                      "deliveries/firehose"),
    "mobile_push_deliveries_per_month": ("Mobile push deliveries", "1M notifications", Decimal(1_000_000),
                                         "deliveries/mobile-push"),
}


def _deliveries(what: str) -> Decimal:
    out: Decimal = usage_field("notifications/month", f"{what} a month", Decimal(0), le=10 ** 14)
    return out


class TopicUsage(Usage):
    title = "SNS topic"
    publishes_per_month: Decimal = usage_field(
        "requests/month", "Publish API requests a month (each 64 KB chunk of a message is one)", le=10 ** 14)
    http_deliveries_per_month: Decimal = _deliveries("Deliveries to HTTP/HTTPS endpoints")
    email_deliveries_per_month: Decimal = _deliveries("Deliveries to email and email-JSON")
    firehose_deliveries_per_month: Decimal = _deliveries("Deliveries to Kinesis Data Firehose")
    mobile_push_deliveries_per_month: Decimal = _deliveries("Deliveries to mobile push endpoints")


@pricer("aws:sns/topic:Topic", usage=TopicUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    usage = ctx.usage(r, TopicUsage)
    fifo = r.inputs.get("fifoTopic")
    return ctx.alike(r, (usage_key(usage), fifo is True), lambda: _lines(r, ctx, usage, fifo is True))


def _lines(r: Resource, ctx: PricingContext, usage: TopicUsage, fifo: bool) -> list[CostLine]:
    if fifo:
        raise NotPriceable("FIFO topics (fifoTopic) are not priced yet")
    note = "the account's free tier not deducted; metered, no cap"
    lines = [ctx.line(r, "Publishes", "1M requests", usage.publishes_per_month / 1_000_000, None,
                      ctx.price("sns", "publishes"), note=note)]
    for field, (label, unit, per, item) in DELIVERIES.items():
        count: Decimal = getattr(usage, field)
        if count:
            lines.append(ctx.line(r, label, unit, count / per, None, ctx.price("sns", item), note=note))
    return lines
