"""ElastiCache replication groups: nodeType x the group's nodes, node hours all month.

The nodes are `numCacheClusters` (cluster mode disabled: a primary and its replicas) or
`numNodeGroups` x (1 + `replicasPerNodeGroup`) (cluster mode enabled: shards of a primary and its
replicas; `replicasPerNodeGroup` defaults to 0). Either must be set. Catalog item `node/<nodeType>`
(service `elasticache`). Backup storage is not priced.
"""

from __future__ import annotations

from ._registry import pricer
from ..lines import CostLine, NotPriceable, PricingContext, number, picked
from ...graph import Resource


@pricer("aws:elasticache/replicationGroup:ReplicationGroup")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    key = picked(r.inputs, "nodeType", "numCacheClusters", "numNodeGroups", "replicasPerNodeGroup")
    return ctx.alike(r, key, lambda: _lines(r, ctx))


def _lines(r: Resource, ctx: PricingContext) -> list[CostLine]:
    node = r.inputs.get("nodeType")
    if not isinstance(node, str):
        raise NotPriceable("nodeType is not set")
    inputs = r.inputs
    if inputs.get("numCacheClusters") is not None:
        nodes = number(inputs["numCacheClusters"], "numCacheClusters")
        shape = f"{nodes} cache clusters"
    elif inputs.get("numNodeGroups") is not None:
        groups = number(inputs["numNodeGroups"], "numNodeGroups")
        replicas = number(inputs.get("replicasPerNodeGroup", 0), "replicasPerNodeGroup")
        nodes = groups * (1 + replicas)
        shape = f"{groups} shards x (1 primary + {replicas} replicas)"
    else:
        raise NotPriceable("neither numCacheClusters nor numNodeGroups is set: cannot count the nodes")
    hours = nodes * ctx.hours
    return [ctx.line(r, f"Cache nodes ({nodes} x {node})", "node-hours", hours, hours,
                     ctx.price("elasticache", f"node/{node}"), note=shape)]
