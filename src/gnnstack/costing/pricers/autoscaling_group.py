"""Auto Scaling groups: instance hours at the desired or scheduled capacity (base) and at
`max_size` for the whole month (worst), plus the EBS volumes of the instances they launch.

The launch template is found by id, or else as the one template in the group's component (a real
preview does not know ids yet). Scheduled actions (children of the group) give the capacity
pattern: from each scale-up to the next scale-down the group holds its scheduled capacity (an
instance that ends early is replaced until the window closes), so the whole window is priced.
Replication traffic between servers in different AZs is usage (`AutoScalingGroupUsage`), and so
is a commitment (a 1-year Savings Plan): it applies to a group with no schedules and no spot,
whose desired capacity runs all month; capacity above it (the worst case) stays on demand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Hashable, Optional

from ._registry import pricer
from ._compute import Commitment, committed_line, instance_line, scope_of, volume_key, volume_lines
from .schedules import window_hours
from ..lines import MISSING, CostLine, NotPriceable, PricingContext, exact, number, picked
from ..schedule import runs_per_month
from ..usage import Usage, usage_field
from ...graph import Resource

LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
SCHEDULE = "aws:autoscaling/schedule:Schedule"


class AutoScalingGroupUsage(Usage):
    title = "Auto Scaling group"
    inter_az_gb_per_month: Optional[Decimal] = usage_field(
        "GB/month", "Data its instances send each other across AZs a month (replication), billed out and in",
        None, le=10 ** 9, default_text="none (no replication traffic)")
    commitment: Optional[Commitment] = usage_field(
        "", "How the group's always-on capacity is bought: savings-plan-1y (a 1-year Compute Savings Plan, no "
            "upfront) for the desired capacity of a group with no schedules and no spot; none: on demand", None,
        ge=None, default_text="none (on demand)", quiet=True)


def launch_template(r: Resource, ctx: PricingContext) -> Resource:
    mixed = r.inputs.get("mixedInstancesPolicy") or {}
    spec = ((mixed.get("launchTemplate") or {}).get("launchTemplateSpecification")
            or r.inputs.get("launchTemplate") or {})
    ref = spec.get("launchTemplateId") or spec.get("id")
    # The offline preview's ids are "<name>-id"; a real preview's are unknown until deploy.
    if isinstance(ref, str) and ref.endswith("-id"):
        found = ctx.graph.names.get(ref[:-3])
        if found is not None and found.type == LAUNCH_TEMPLATE:
            return found
    mine = ctx.owned(ctx.component(r), LAUNCH_TEMPLATE)
    if len(mine) == 1:
        return mine[0]
    raise NotPriceable("cannot tell which launch template the group uses")


def _base_instance_hours(r: Resource, ctx: PricingContext, desired: Decimal) -> tuple[Decimal, str]:
    schedules = ctx.children(r, SCHEDULE)
    if not schedules:
        return desired * ctx.hours, f"{desired} instances all month"
    ups = [s for s in schedules if number(s.inputs.get("desiredCapacity"), "scheduled capacity") > desired]
    downs = [s for s in schedules if s not in ups]
    total = desired * ctx.hours
    for up in ups:
        peak = number(up.inputs["desiredCapacity"], "scheduled capacity")
        runs = runs_per_month(str(up.inputs.get("recurrence")), ctx.days)
        total += (peak - desired) * window_hours(up, downs) * runs
    return total, "scheduled capacity"


@pricer("aws:autoscaling/group:Group", usage=AutoScalingGroupUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    template = launch_template(r, ctx)
    return ctx.alike(r, _key(r, ctx, template), lambda: _lines(r, ctx, template))


def _key(r: Resource, ctx: PricingContext, template: Resource) -> Hashable:
    """Everything `_lines` reads: the group's sizes and spot share, its launch template's instance
    type and volumes, its scheduled actions, its usage and its component's role."""
    mappings = template.inputs.get("blockDeviceMappings") or []
    return (picked(r.inputs, "maxSize", "desiredCapacity", "minSize"),
            exact((r.inputs.get("mixedInstancesPolicy") or {}).get("instancesDistribution", MISSING)),
            exact(template.inputs.get("instanceType", MISSING)),
            tuple((volume_key(m.get("ebs") or {}), exact(m.get("deviceName", MISSING))) if isinstance(m, dict)
                  else exact(m) for m in mappings) if isinstance(mappings, list) else exact(mappings),
            tuple(picked(s.inputs, "desiredCapacity", "recurrence") for s in ctx.children(r, SCHEDULE)),
            exact(ctx.usage(r, AutoScalingGroupUsage).inter_az_gb_per_month),
            exact(ctx.usage(r, AutoScalingGroupUsage).commitment),
            scope_of(ctx, r))


def _lines(r: Resource, ctx: PricingContext, template: Resource) -> list[CostLine]:
    instance_type = template.inputs.get("instanceType")
    if not isinstance(instance_type, str):
        raise NotPriceable("the launch template sets no instance type")
    max_size = number(r.inputs.get("maxSize"), "maxSize")
    desired = number(r.inputs.get("desiredCapacity", r.inputs.get("minSize", 0)), "desiredCapacity")
    base_hours, basis = _base_instance_hours(r, ctx, desired)
    worst_hours = max_size * ctx.hours
    dist: dict[str, Any] = (r.inputs.get("mixedInstancesPolicy") or {}).get("instancesDistribution") or {}
    on_demand_pct = number(dist.get("onDemandPercentageAboveBaseCapacity", 100), "on-demand percentage")
    if dist.get("onDemandBaseCapacity"):
        raise NotPriceable("on-demand base capacity with spot above it is not priced yet")
    spot_share = (100 - on_demand_pct) / 100
    lines: list[CostLine] = []
    commitment = ctx.usage(r, AutoScalingGroupUsage).commitment
    if commitment is not None and spot_share == 0 and not ctx.children(r, SCHEDULE) and desired > 0:
        lines.append(committed_line(ctx, r, instance_type, commitment, desired * ctx.hours,
                                    note=f"{desired} instances all month, committed"))
        if max_size > desired:
            lines.append(instance_line(ctx, r, instance_type, False, Decimal(0), (max_size - desired) * ctx.hours,
                                       note=f"above the commitment, on demand: worst: max_size {max_size} all month"))
    else:
        for spot, share in ((False, 1 - spot_share), (True, spot_share)):
            if share > 0:
                lines.append(instance_line(ctx, r, instance_type, spot, base_hours * share, worst_hours * share,
                                           note=f"base: {basis}; worst: max_size {max_size} all month"))
    lines += _interaz(r, ctx)
    for mapping in template.inputs.get("blockDeviceMappings") or []:
        ebs = mapping.get("ebs") or {}
        if ebs:
            lines += volume_lines(ctx, r, ebs, mapping.get("deviceName", "volume"), base_hours / ctx.hours,
                                  worst_hours / ctx.hours, note="one per instance, while it runs")
    return lines


def _interaz(r: Resource, ctx: PricingContext) -> list[CostLine]:
    """Replication traffic between servers in different AZs, when its usage says there is some."""
    gb = ctx.usage(r, AutoScalingGroupUsage).inter_az_gb_per_month
    if gb is None:
        return []
    return [ctx.line(r, "Data transfer between AZs (replication)", "GB", gb, None,
                     ctx.price("data-transfer", "inter-az"), note="metered, no cap: billed out and in")]
