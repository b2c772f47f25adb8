"""EKS managed node groups: instance hours of `instanceTypes[0]` at `scalingConfig.desiredSize`
(base) and `maxSize` (worst), and each node's root volume.

Without `instanceTypes` EKS launches t3.medium (its documented default), and without a launch
template each node has a `diskSize` GiB root volume (default 20), priced as gp2, the type the EKS
default launch template gives it (an assumption the line states). With a launch template (found
by id, or as the one template in the node group's component), its instance type and volumes are
used. `capacityType` SPOT prices the hours at spot (the catalog's spot row, or on demand less the
typical spot discount), with on demand as the worst case, as the EC2 pricers do."""

from __future__ import annotations

from typing import Any, Hashable, Optional

from ._compute import instance_line, scope_of, volume_key, volume_lines
from ._refs import referenced
from ._registry import pricer
from ..lines import MISSING, CostLine, NotPriceable, PricingContext, exact, number, picked
from ...graph import Resource

LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
DEFAULT_INSTANCE_TYPE = "t3.medium"
DEFAULT_DISK_GB = 20
INPUTS = ("instanceTypes", "scalingConfig", "capacityType", "diskSize", "launchTemplate")


def _template(r: Resource, ctx: PricingContext) -> Optional[Resource]:
    spec = r.inputs.get("launchTemplate")
    if not spec:
        return None
    found = referenced(ctx, spec.get("id"), LAUNCH_TEMPLATE) or referenced(ctx, spec.get("name"), LAUNCH_TEMPLATE)
    if found is not None:
        return found
    mine = ctx.owned(ctx.component(r), LAUNCH_TEMPLATE)
    if len(mine) == 1:
        return mine[0]
    raise NotPriceable("cannot find the node group's launch template (launchTemplate.id or name names none here)")


@pricer("aws:eks/nodeGroup:NodeGroup")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    template = _template(r, ctx)
    key: Hashable = (picked(r.inputs, *INPUTS), scope_of(ctx, r),
                     None if template is None else (exact(template.inputs.get("instanceType", MISSING)),
                                                    _mappings_key(template.inputs.get("blockDeviceMappings"))))
    return ctx.alike(r, key, lambda: _lines(r, ctx, template))


def _mappings_key(mappings: Any) -> Hashable:
    if not isinstance(mappings, list):
        return exact(mappings)
    return tuple((volume_key(m.get("ebs") or {}), exact(m.get("deviceName", MISSING))) if isinstance(m, dict)
                 else exact(m) for m in mappings)


def _lines(r: Resource, ctx: PricingContext, template: Optional[Resource]) -> list[CostLine]:
    scaling = r.inputs.get("scalingConfig")
    if not isinstance(scaling, dict):
        raise NotPriceable("the node group sets no scalingConfig (desiredSize, maxSize)")
    desired = number(scaling.get("desiredSize"), "scalingConfig.desiredSize")
    most = number(scaling.get("maxSize"), "scalingConfig.maxSize")
    types = r.inputs.get("instanceTypes") or []
    notes = []
    if types:
        instance_type = str(types[0])
        if len(types) > 1:
            notes.append(f"priced as {instance_type}, the first of {len(types)} instance types")
    elif template is not None and isinstance(template.inputs.get("instanceType"), str):
        instance_type = template.inputs["instanceType"]
    else:
        instance_type = DEFAULT_INSTANCE_TYPE
        notes.append(f"instanceTypes not set: EKS's default {DEFAULT_INSTANCE_TYPE}")
    capacity = r.inputs.get("capacityType") or "ON_DEMAND"
    if capacity not in ("ON_DEMAND", "SPOT"):
        raise NotPriceable(f"unknown capacityType {capacity!r}")
    notes.append(f"base: desiredSize {desired} nodes all month; worst: maxSize {most} all month")
    lines = [instance_line(ctx, r, instance_type, capacity == "SPOT", desired * ctx.hours, most * ctx.hours,
                           note="; ".join(notes))]
    if template is not None:
        for mapping in template.inputs.get("blockDeviceMappings") or []:
            ebs = mapping.get("ebs") or {}
            if ebs:
                lines += volume_lines(ctx, r, ebs, mapping.get("deviceName", "volume"), desired, most,
                                      note="one per node")
        return lines
    disk = number(r.inputs.get("diskSize", DEFAULT_DISK_GB), "diskSize")
    note = "one per node; gp2, the EKS default launch template's root volume (assumed)"
    if r.inputs.get("diskSize") is None:
        note += f"; diskSize not set: EKS's default {DEFAULT_DISK_GB} GiB"
    return lines + volume_lines(ctx, r, {"volumeSize": disk, "volumeType": "gp2"}, "root volume", desired, most,
                                note=note)
