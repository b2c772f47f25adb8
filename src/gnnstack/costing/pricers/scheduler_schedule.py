"""EventBridge Scheduler schedules: invocations a month from the schedule expression."""

from __future__ import annotations

from ._registry import pricer
from ..lines import CostLine, PricingContext, picked
from ..schedule import runs_per_month
from ...graph import Resource


@pricer("aws:scheduler/schedule:Schedule")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    return ctx.alike(r, picked(r.inputs, "scheduleExpression"), lambda: _lines(r, ctx))


def _lines(r: Resource, ctx: PricingContext) -> list[CostLine]:
    runs = runs_per_month(str(r.inputs.get("scheduleExpression")), ctx.days) / 1_000_000
    return [ctx.line(r, "Invocations", "1M invocations", runs, runs, ctx.price("scheduler", "invocations"),
                     note="before the account-wide free tier")]
