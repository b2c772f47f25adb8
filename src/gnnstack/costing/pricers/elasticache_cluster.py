"""ElastiCache node-based clusters: nodeType x numCacheNodes, node hours all month.

Catalog item `node/<nodeType>` (service `elasticache`, per node-hour; the same for the Redis OSS,
Valkey and Memcached engines in the catalog's sources). ElastiCache Serverless caches bill data
stored (GB-hours) and ElastiCache Processing Units, which the catalog does not hold: they are not
priceable, with that reason. Backup storage is not priced.
"""

from __future__ import annotations

from ._registry import pricer
from ..lines import CostLine, NotPriceable, PricingContext, number, picked
from ...graph import Resource


@pricer("aws:elasticache/cluster:Cluster")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    return ctx.alike(r, picked(r.inputs, "nodeType", "numCacheNodes", "replicationGroupId"), lambda: _lines(r, ctx))


def _lines(r: Resource, ctx: PricingContext) -> list[CostLine]:
    node = r.inputs.get("nodeType")
    if not isinstance(node, str):
        group = r.inputs.get("replicationGroupId")
        raise NotPriceable(f"nodeType is not set (a member of replication group {group}: its nodes are priced "
                           "with the group)" if group else "nodeType is not set")
    given = r.inputs.get("numCacheNodes")
    count = number(1 if given is None else given, "numCacheNodes")
    hours = count * ctx.hours
    return [ctx.line(r, f"Cache nodes ({count} x {node})", "node-hours", hours, hours,
                     ctx.price("elasticache", f"node/{node}"),
                     note="numCacheNodes not set: 1 node (a Redis cluster has one)" if given is None else "")]


@pricer("aws:elasticache/serverlessCache:ServerlessCache")
def price_serverless(r: Resource, ctx: PricingContext) -> list[CostLine]:
    raise NotPriceable("ElastiCache Serverless bills data stored (GB-hours) and ECPUs, which the catalog does "
                       "not hold yet")
