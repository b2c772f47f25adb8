"""Lambda functions: requests and GB-seconds from the function's usage (`FunctionUsage`).
Reserved concurrency caps the worst case of duration; without it, and for requests, the worst
case is unbounded."""

from __future__ import annotations


from ._registry import pricer
from decimal import Decimal

from ..lines import CostLine, PricingContext, number, picked, usage_key
from ..usage import Usage, usage_field
from ...graph import Resource


class FunctionUsage(Usage):
    title = "Lambda function"
    invocations_per_month: Decimal = usage_field("requests/month", "Invocations a month", le=10 ** 13)
    duration_ms: Decimal = usage_field("ms", "Average duration of an invocation", Decimal(1000), le=900_000)


@pricer("aws:lambda/function:Function", usage=FunctionUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    usage = ctx.usage(r, FunctionUsage)
    key = (usage_key(usage), picked(r.inputs, "memorySize", "reservedConcurrentExecutions"))
    return ctx.alike(r, key, lambda: _lines(r, ctx, usage))


def _lines(r: Resource, ctx: PricingContext, usage: FunctionUsage) -> list[CostLine]:
    invocations, seconds = usage.invocations_per_month, usage.duration_ms / 1000
    memory_gb = number(r.inputs.get("memorySize", 128), "memorySize") / 1024
    reserved = r.inputs.get("reservedConcurrentExecutions")
    worst_gbs = None
    if reserved is not None and number(reserved, "reservedConcurrentExecutions") > 0:
        worst_gbs = number(reserved, "reservedConcurrentExecutions") * memory_gb * ctx.hours * 3600
    return [
        ctx.line(r, "Requests", "1M requests", invocations / 1_000_000, None, ctx.price("lambda", "requests")),
        ctx.line(r, "Duration", "GB-seconds", invocations * seconds * memory_gb, worst_gbs,
                 ctx.price("lambda", "duration"), note="worst: reserved concurrency busy all month"
                 if worst_gbs is not None else "no reserved concurrency: no cap"),
    ]
