"""EC2 instances: instance hours (on-demand or spot) and their EBS volumes, all month."""

from __future__ import annotations

from decimal import Decimal
from typing import Hashable

from ._registry import pricer
from ._compute import instance_line, scope_of, volume_key, volume_lines
from ..lines import MISSING, CostLine, NotPriceable, PricingContext, exact, picked
from ...graph import Resource

AMI_ROOT_GB = 8  # an AMI's usual root size, when the instance does not set one


@pricer("aws:ec2/instance:Instance")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    return ctx.alike(r, _key(r, ctx), lambda: _lines(r, ctx))


def _key(r: Resource, ctx: PricingContext) -> Hashable:
    """Everything `_lines` reads."""
    devices = r.inputs.get("ebsBlockDevices") or []
    return (picked(r.inputs, "instanceType", "instanceMarketOptions"),
            volume_key(r.inputs.get("rootBlockDevice") or {}),
            tuple((volume_key(d), exact(d.get("deviceName", MISSING))) if isinstance(d, dict) else exact(d)
                  for d in devices) if isinstance(devices, list) else exact(devices),
            scope_of(ctx, r))


def _lines(r: Resource, ctx: PricingContext) -> list[CostLine]:
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
