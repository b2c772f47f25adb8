"""Neptune replica auto-scaling: readers beyond the declared ones, up to the target's maximum.

Base assumes the load needs none; worst runs `max_capacity` readers all month, so the extra
(max - min) replicas are priced at the cluster's instance class."""

from __future__ import annotations

from decimal import Decimal

from ._registry import pricer
from ..lines import CostLine, NotPriceable, PricingContext, exact, number
from ...graph import Resource

INSTANCE = "aws:neptune/clusterInstance:ClusterInstance"


@pricer("aws:appautoscaling/target:Target")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    if r.inputs.get("serviceNamespace") == "dynamodb":
        return []  # its maxCapacity is the worst case of its table's capacity lines (dynamodb_table)
    if r.inputs.get("serviceNamespace") != "neptune":
        raise NotPriceable(f"auto-scaling of {r.inputs.get('serviceNamespace')} is not priced")
    extra = number(r.inputs.get("maxCapacity"), "maxCapacity") - number(r.inputs.get("minCapacity", 0), "minCapacity")
    parent = ctx.graph.names.get(r.parent) if r.parent is not None else None
    instances = ctx.siblings(r, INSTANCE) or ctx.children(parent or r, INSTANCE)
    classes = {i.inputs.get("instanceClass") for i in instances}
    if len(classes) != 1 or not isinstance(next(iter(classes)), str):
        raise NotPriceable("cannot tell the replicas' instance class")
    cls = next(iter(classes))
    return ctx.alike(r, (cls, exact(extra)), lambda: [
        ctx.line(r, f"Auto-scaled replicas ({cls}, up to {extra} more)", "hours", Decimal(0), extra * ctx.hours,
                 ctx.price("neptune", f"instance/{cls}"),
                 note="base: none beyond the declared readers; worst: the replica max all month")])
