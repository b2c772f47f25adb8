"""Elastic Load Balancing (application, network, gateway): hours the load balancer runs, and
capacity units (LCU, NLCU, GLCU) from usage.

A capacity unit is the most-used of new connections, active connections, processed bytes (and
rule evaluations for an ALB) in an hour; no input says how many, so the usage field
`capacity_units_per_hour` does, with a documented default of 1 (the output names it as a
default). Capacity grows with traffic and nothing caps it: the worst case is unbounded.
`loadBalancerType` defaults to `application`, as AWS's does. Listeners, rules, target groups
and attachments cost nothing of their own (`free.py`)."""

from __future__ import annotations

from decimal import Decimal

from ._registry import pricer
from ..lines import CostLine, NotPriceable, PricingContext, exact, picked
from ..usage import Usage, usage_field
from ...graph import Resource

# loadBalancerType -> (line label, capacity unit name)
KINDS = {
    "application": ("Application load balancer", "LCU"),
    "network": ("Network load balancer", "NLCU"),
    "gateway": ("Gateway load balancer", "GLCU"),
}


class LoadBalancerUsage(Usage):
    title = "Load balancer"
    capacity_units_per_hour: Decimal = usage_field(
        "capacity units/hour", "Average capacity units (LCU for an ALB, NLCU for an NLB, GLCU for a GWLB) billed "
        "an hour: the highest of its new connections, active connections and processed bytes dimensions",
        Decimal(1), le=10 ** 6, default_text="1 (one capacity unit every hour)")


@pricer("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer", usage=LoadBalancerUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    units = ctx.usage(r, LoadBalancerUsage).capacity_units_per_hour
    return ctx.alike(r, (picked(r.inputs, "loadBalancerType"), exact(units)), lambda: _lines(r, ctx, units))


def _lines(r: Resource, ctx: PricingContext, units: Decimal) -> list[CostLine]:
    kind = r.inputs.get("loadBalancerType") or "application"
    if kind not in KINDS:
        raise NotPriceable(f"unknown loadBalancerType {kind!r}; one of {', '.join(KINDS)}")
    label, unit = KINDS[kind]
    return [
        ctx.line(r, label, "hours", ctx.hours, ctx.hours, ctx.price("elb", f"{kind}/hour")),
        ctx.line(r, f"Capacity units ({unit})", f"{unit}-hours", units * ctx.hours, None,
                 ctx.price("elb", f"{kind}/capacity-unit-hour"),
                 note=f"{units.normalize():f} {unit} an hour; grows with traffic, no cap"),
    ]
