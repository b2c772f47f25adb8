"""EMR clusters: EC2 price plus the EMR fee for the primary and core capacity, with EBS.

Base: the usage's hours a day (required: nothing in the resources says how long a long-lived
cluster runs) at the target capacity; worst: the whole month at the managed-
scaling maximum for core (`maximumCoreCapacityUnits`). Idle auto-termination ends idle clusters
only, so it does not bound a busy one. Instance fleets and instance groups are both read."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from ._registry import pricer
from ._compute import instance_line, scope_of, volume_lines
from ..lines import CostLine, NotPriceable, PricingContext, exact, number, picked
from ..usage import Usage, usage_field
from ...graph import Resource

SCALING = "aws:emr/managedScalingPolicy:ManagedScalingPolicy"
CLUSTER = "aws:emr/cluster:Cluster"


class EmrClusterUsage(Usage):
    title = "EMR cluster"
    hours_per_day: Decimal = usage_field("hours/day", "Hours a day the cluster runs (jobs plus idle time before "
                                         "auto-termination)", le=24)


def scaling_limits(cluster: Resource, ctx: PricingContext) -> Optional[dict[str, Any]]:
    for policy in ctx.children(cluster, SCALING):
        limits = policy.inputs.get("computeLimits") or []
        if limits:
            first: dict[str, Any] = limits[0]
            return first
    return None


def cluster_hours(cluster: Resource, ctx: PricingContext) -> tuple[Decimal, str]:
    hours = ctx.usage(cluster, EmrClusterUsage).hours_per_day
    return hours * ctx.days, f"{hours.normalize():f} hours a day"


def group_lines(ctx: PricingContext, r: Resource, role: str, spec: dict[str, Any], base_count: Decimal,
                worst_count: Decimal, spot: bool, hours: Decimal, note: str) -> list[CostLine]:
    """Lines for one EMR instance group or fleet (first instance type of a fleet)."""
    configs = spec.get("instanceTypeConfigs") or [spec]
    instance_type = configs[0].get("instanceType")
    if not isinstance(instance_type, str):
        raise NotPriceable(f"the {role} instance type is not known")
    base_hours, worst_hours = base_count * hours, worst_count * ctx.hours
    fee = ctx.price("emr", f"fee/{instance_type}")
    lines = [
        instance_line(ctx, r, instance_type, spot, base_hours, worst_hours, note=f"{role}: {note}"),
        ctx.line(r, f"EMR fee ({role}, {instance_type})", "hours", base_hours, worst_hours, fee),
    ]
    for ebs in configs[0].get("ebsConfigs") or []:
        per = number(ebs.get("volumesPerInstance", 1), "volumesPerInstance")
        lines += volume_lines(ctx, r, ebs, f"{role} EBS", per * base_hours / ctx.hours, per * worst_hours / ctx.hours)
    return lines


@pricer(CLUSTER, usage=EmrClusterUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    hours, note = cluster_hours(r, ctx)
    limits = scaling_limits(r, ctx)
    key = (exact(hours), note, exact(limits), scope_of(ctx, r),
           picked(r.inputs, "masterInstanceFleet", "masterInstanceGroup", "coreInstanceFleet", "coreInstanceGroup"))
    return ctx.alike(r, key, lambda: _lines(r, ctx, hours, note, limits or {}))


def _lines(r: Resource, ctx: PricingContext, hours: Decimal, note: str, limits: dict[str, Any]) -> list[CostLine]:
    lines: list[CostLine] = []
    primary = r.inputs.get("masterInstanceFleet") or r.inputs.get("masterInstanceGroup")
    if not primary:
        raise NotPriceable("the cluster declares no primary instance fleet or group")
    lines += group_lines(ctx, r, "primary", primary, Decimal(1), Decimal(1), False, hours, note)
    core = r.inputs.get("coreInstanceFleet") or r.inputs.get("coreInstanceGroup")
    if core:
        on_demand = number(core.get("targetOnDemandCapacity", core.get("instanceCount", 0)), "core capacity")
        spot = number(core.get("targetSpotCapacity", 0), "core spot capacity")
        worst = number(limits.get("maximumCoreCapacityUnits", on_demand + spot), "maximumCoreCapacityUnits")
        if spot:
            raise NotPriceable("spot core capacity is not priced yet")
        lines += group_lines(ctx, r, "core", core, on_demand, max(worst, on_demand), False, hours, note)
    return lines
