"""Lambda functions: requests and GB-seconds from the function's usage (`FunctionUsage`), at the
price of the function's architecture (arm64 bills less per GB-second than x86_64).

The worst case takes every cap the function has: reserved concurrency busy all month, and, when
whatever starts the function can start it only so often (`max_invocations_per_month`, e.g. Map
workers x scheduled runs x attempts), that many invocations each running to the timeout; the
lower of the two. Without either the worst case of duration is unbounded, and without the
second so is the worst case of requests."""

from __future__ import annotations

from typing import Optional

from ._registry import pricer
from decimal import Decimal

from ..lines import CostLine, NotPriceable, PricingContext, number, picked, usage_key
from ..usage import Usage, usage_field
from ...graph import Resource

# AWS's timeout for a function that sets none.
DEFAULT_TIMEOUT_SECONDS = 3


class FunctionUsage(Usage):
    title = "Lambda function"
    invocations_per_month: Decimal = usage_field("requests/month", "Invocations a month", le=10 ** 13)
    duration_ms: Decimal = usage_field("ms", "Average duration of an invocation", Decimal(1000), le=900_000)
    max_invocations_per_month: Optional[Decimal] = usage_field(
        "requests/month", "Most invocations a month whatever starts the function can make (Map workers x "
        "scheduled runs x attempts)", None, le=10 ** 13, default_text="no bound", quiet=True)


@pricer("aws:lambda/function:Function", usage=FunctionUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    usage = ctx.usage(r, FunctionUsage)
    key = (usage_key(usage), picked(r.inputs, "memorySize", "reservedConcurrentExecutions", "architectures",
                                    "timeout"))
    return ctx.alike(r, key, lambda: _lines(r, ctx, usage))


def _architecture(r: Resource) -> str:
    archs = r.inputs.get("architectures") or ["x86_64"]
    return str(archs[0])


def _lines(r: Resource, ctx: PricingContext, usage: FunctionUsage) -> list[CostLine]:
    invocations, seconds = usage.invocations_per_month, usage.duration_ms / 1000
    memory_gb = number(r.inputs.get("memorySize", 128), "memorySize") / 1024
    reserved = r.inputs.get("reservedConcurrentExecutions")
    caps: list[tuple[Decimal, str]] = []
    if reserved is not None and number(reserved, "reservedConcurrentExecutions") > 0:
        caps.append((number(reserved, "reservedConcurrentExecutions") * memory_gb * ctx.hours * 3600,
                     "reserved concurrency busy all month"))
    most = usage.max_invocations_per_month
    if most is not None:
        timeout = number(r.inputs.get("timeout", DEFAULT_TIMEOUT_SECONDS), "timeout")
        caps.append((most * timeout * memory_gb, f"{most.normalize():f} invocations a month, each to its "
                                                 f"{timeout} s timeout"))
    worst_gbs, why = min(caps, key=lambda c: c[0]) if caps else (None, "")
    arch = _architecture(r)
    if arch == "arm64":
        name, duration = "Duration (arm64)", ctx.price("lambda", "duration/arm64")
    elif arch == "x86_64":
        name, duration = "Duration", ctx.price("lambda", "duration")
    else:
        raise NotPriceable(f"unknown Lambda architecture {arch!r}")
    return [
        ctx.line(r, "Requests", "1M requests", invocations / 1_000_000,
                 None if most is None else most / 1_000_000, ctx.price("lambda", "requests"),
                 note="" if most is None else "worst: the most invocations a month"),
        ctx.line(r, name, "GB-seconds", invocations * seconds * memory_gb, worst_gbs, duration,
                 note=f"worst: {why}" if worst_gbs is not None else "no reserved concurrency: no cap"),
    ]
