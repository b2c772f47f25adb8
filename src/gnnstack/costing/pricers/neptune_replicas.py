"""Neptune replica auto-scaling: readers beyond the declared ones, up to the target's maximum.

Base assumes the load needs none; worst runs `max_capacity` readers all month, so the extra
(max - min) replicas are priced at the cluster's instance class. A target of an ECS service adds no
line: the service's pricer reads its maxCapacity as the service's worst case."""

from __future__ import annotations

from decimal import Decimal

from ._registry import pricer
from ..lines import CostLine, NoCharge, NotPriceable, PricingContext, exact, number
from ...graph import Resource

INSTANCE = "aws:neptune/clusterInstance:ClusterInstance"


# Auto-scaling namespaces whose targets' maxCapacity the scaled resource's own pricer reads.
PRICED_BY_TARGET = {
    "ecs": "the ECS service's worst case (ecs_service)",
    "dynamodb": "the table's capacity lines' worst case (dynamodb_table)",
}


@pricer("aws:appautoscaling/target:Target")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    namespace = r.inputs.get("serviceNamespace")
    if namespace in PRICED_BY_TARGET:
        raise NoCharge(f"no charge of its own: its maxCapacity is {PRICED_BY_TARGET[namespace]}")
    if namespace != "neptune":
        raise NotPriceable(f"auto-scaling of {namespace} is not priced")
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
