"""Aurora cluster instances: instance hours all month, or Aurora Serverless v2 capacity.

A provisioned instance is `instance/<engine>/<class>` hours (service `rds`). An instance of class
`db.serverless` runs between its cluster's `serverlessv2ScalingConfiguration` minCapacity and
maxCapacity ACUs: the base case holds the minimum all month, the worst case the maximum
(`aurora/acu`, per ACU-hour). Its cluster is found as the instance's parent, else its one sibling
cluster, else the one cluster whose `clusterIdentifier` is the instance's; otherwise the instance is
not priceable, with the reason.
"""

from __future__ import annotations

from typing import Any, Optional

from ._aurora import aurora_engine
from ._registry import pricer
from ..lines import CostLine, NotPriceable, PricingContext, exact, number
from ...graph import Resource

CLUSTER = "aws:rds/cluster:Cluster"
SERVERLESS = "db.serverless"


@pricer("aws:rds/clusterInstance:ClusterInstance")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    cls = r.inputs.get("instanceClass")
    if not isinstance(cls, str):
        raise NotPriceable("instanceClass is not set")
    engine = aurora_engine(r.inputs.get("engine"))
    if cls != SERVERLESS:
        return ctx.alike(r, (engine, cls), lambda: [
            ctx.line(r, f"Database instance ({cls})", "hours", ctx.hours, ctx.hours,
                     ctx.price("rds", f"instance/{engine}/{cls}"))])
    cluster = _cluster(r, ctx)
    if cluster is None:
        raise NotPriceable("a db.serverless instance whose cluster (and its serverlessv2ScalingConfiguration) "
                           "cannot be found in the graph")
    scaling = cluster.inputs.get("serverlessv2ScalingConfiguration")
    return ctx.alike(r, (engine, cls, exact(scaling)), lambda: _serverless(r, ctx, scaling))


def _serverless(r: Resource, ctx: PricingContext, scaling: Any) -> list[CostLine]:
    if not isinstance(scaling, dict):
        raise NotPriceable("its cluster has no serverlessv2ScalingConfiguration")
    low = number(scaling.get("minCapacity"), "serverlessv2ScalingConfiguration.minCapacity")
    high = number(scaling.get("maxCapacity"), "serverlessv2ScalingConfiguration.maxCapacity")
    if high < low:
        raise NotPriceable(f"serverlessv2ScalingConfiguration maxCapacity {high} is below minCapacity {low}")
    return [ctx.line(r, f"Aurora Serverless v2 capacity ({low}-{high} ACUs)", "ACU-hours", low * ctx.hours,
                     high * ctx.hours, ctx.price("rds", "aurora/acu"),
                     note="base: minCapacity all month; worst: maxCapacity all month")]


def _cluster(r: Resource, ctx: PricingContext) -> Optional[Resource]:
    parent = ctx.graph.names.get(r.parent) if r.parent is not None else None
    if parent is not None and parent.type == CLUSTER:
        return parent
    siblings = ctx.siblings(r, CLUSTER)
    if len(siblings) == 1:
        return siblings[0]
    ident = r.inputs.get("clusterIdentifier")
    named = [c for c in ctx.graph.of_type(CLUSTER) if ident is not None and c.inputs.get("clusterIdentifier") == ident]
    return named[0] if len(named) == 1 else None
