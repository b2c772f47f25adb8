"""EMR task fleets: EC2 (spot or on-demand) plus the EMR fee. Base: the target capacity for the
cluster's hours a day (the cluster's usage); worst: what managed scaling allows beyond primary and core, all month,
at the on-demand price (spot falls back to on-demand on timeout)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from ._registry import pricer
from ._compute import scope_of
from .emr_cluster import CLUSTER, cluster_hours, group_lines, scaling_limits
from ..lines import CostLine, NotPriceable, PricingContext, exact, number, picked
from ...graph import Resource


@pricer("aws:emr/instanceFleet:InstanceFleet")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    cluster = ctx.graph.names.get(r.parent or "")
    if cluster is None or cluster.type != CLUSTER:
        raise NotPriceable("the fleet's cluster is not in the graph")
    hours, note = cluster_hours(cluster, ctx)  # the fleet runs while its cluster does
    limits = scaling_limits(cluster, ctx)
    key = (exact(hours), note, exact(limits), scope_of(ctx, r),
           picked(r.inputs, "targetSpotCapacity", "targetOnDemandCapacity", "instanceTypeConfigs", "instanceType",
                  "ebsConfigs"))
    return ctx.alike(r, key, lambda: _lines(r, ctx, hours, note, limits))


def _lines(r: Resource, ctx: PricingContext, hours: Decimal, note: str,
           limits: Optional[dict[str, Any]]) -> list[CostLine]:
    spot = number(r.inputs.get("targetSpotCapacity", 0), "targetSpotCapacity")
    on_demand = number(r.inputs.get("targetOnDemandCapacity", 0), "targetOnDemandCapacity")
    if limits is None:
        worst = spot + on_demand
        note += "; no managed scaling: worst is the target capacity"
    else:
        core = number(limits.get("maximumCoreCapacityUnits", limits["maximumCapacityUnits"]), "core max")
        worst = max(number(limits["maximumCapacityUnits"], "maximumCapacityUnits") - core - 1, spot + on_demand)
    if spot and on_demand:
        raise NotPriceable("a task fleet mixing spot and on-demand capacity is not priced yet")
    return group_lines(ctx, r, "task", r.inputs, spot or on_demand, worst, bool(spot) or not on_demand, hours, note)
