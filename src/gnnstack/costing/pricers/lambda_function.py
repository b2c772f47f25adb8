"""Lambda functions: requests and GB-seconds from the component's declared usage
(`invocationsPerMonth`, `durationMs`). Reserved concurrency caps the worst case of duration;
without it, and for requests, the worst case is unbounded."""

from __future__ import annotations


from . import pricer
from ..lines import CostLine, PricingContext, number
from ...graph import Resource


@pricer("aws:lambda/function:Function")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    invocations = ctx.declared(r, "invocationsPerMonth", "no invocations declared for the function")
    seconds = number(ctx.usage(r).get("durationMs", 1000), "durationMs") / 1000
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
