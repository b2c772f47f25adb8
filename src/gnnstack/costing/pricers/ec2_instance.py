"""EC2 instances: instance hours (on-demand or spot) and their EBS volumes, all month."""

from __future__ import annotations

from decimal import Decimal

from ._registry import pricer
from ._compute import instance_line, volume_lines
from ..lines import CostLine, NotPriceable, PricingContext
from ...graph import Resource

AMI_ROOT_GB = 8  # an AMI's usual root size, when the instance does not set one


@pricer("aws:ec2/instance:Instance")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    instance_type = r.inputs.get("instanceType")
    if not isinstance(instance_type, str):
        raise NotPriceable("instanceType is not known")
    spot = (r.inputs.get("instanceMarketOptions") or {}).get("marketType") == "spot"
    hours = ctx.hours
    lines = [instance_line(ctx, r, instance_type, spot, hours, hours)]
    root = dict(r.inputs.get("rootBlockDevice") or {})
    note = ""
    if "volumeSize" not in root:
        root["volumeSize"], note = AMI_ROOT_GB, f"root size not set: assumes the AMI's usual {AMI_ROOT_GB} GB"
    lines += volume_lines(ctx, r, root, "root", Decimal(1), Decimal(1), note)
    for device in r.inputs.get("ebsBlockDevices") or []:
        lines += volume_lines(ctx, r, device, device.get("deviceName", "data"), Decimal(1), Decimal(1))
    return lines
