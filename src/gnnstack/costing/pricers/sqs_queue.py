"""SQS queues: requests a month (usage), at the standard or FIFO rate (`fifoQueue`). Every 64 KB
of a payload is one request. The account's first million requests a month are free, shared by
every queue: not deducted (an upper bound by $0.40). Metered, no cap: worst unbounded."""

from __future__ import annotations

from decimal import Decimal

from ._registry import pricer
from ..lines import CostLine, PricingContext, exact, picked
from ..usage import Usage, usage_field
from ...graph import Resource


class QueueUsage(Usage):
    title = "SQS queue"
    requests_per_month: Decimal = usage_field(
        "requests/month", "API requests a month (send, receive, delete, ...; each 64 KB chunk of a payload is one)",
        le=10 ** 14)


@pricer("aws:sqs/queue:Queue", usage=QueueUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    requests = ctx.usage(r, QueueUsage).requests_per_month
    return ctx.alike(r, (exact(requests), picked(r.inputs, "fifoQueue")), lambda: _lines(r, ctx, requests))


def _lines(r: Resource, ctx: PricingContext, requests: Decimal) -> list[CostLine]:
    fifo = r.inputs.get("fifoQueue") is True
    item, label = ("requests/fifo", "Requests (FIFO)") if fifo else ("requests/standard", "Requests")
    return [ctx.line(r, label, "1M requests", requests / 1_000_000, None, ctx.price("sqs", item),
                     note="first 100 billion a month; the account's free million not deducted; metered, no cap")]
