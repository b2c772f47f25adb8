"""EC2 instances: instance hours (on-demand, spot, or under a commitment such as a 1-year Savings
Plan when the usage says so) and their EBS volumes, all month."""

from __future__ import annotations

from decimal import Decimal
from typing import Hashable, Optional

from ._registry import pricer
from ._compute import Commitment, committed_line, instance_line, scope_of, volume_key, volume_lines
from ..lines import MISSING, CostLine, NotPriceable, PricingContext, exact, picked
from ..usage import Usage, usage_field
from ...graph import Resource

AMI_ROOT_GB = 8  # an AMI's usual root size, when the instance does not set one


class Ec2InstanceUsage(Usage):
    title = "EC2 instance"
    commitment: Optional[Commitment] = usage_field(
        "", "How the instance's hours are bought when not on spot: savings-plan-1y (a 1-year Compute Savings Plan, "
            "no upfront); none: on demand", None, ge=None, default_text="none (on demand)", quiet=True)


@pricer("aws:ec2/instance:Instance", usage=Ec2InstanceUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    return ctx.alike(r, _key(r, ctx), lambda: _lines(r, ctx))


def _key(r: Resource, ctx: PricingContext) -> Hashable:
    """Everything `_lines` reads."""
    devices = r.inputs.get("ebsBlockDevices") or []
    return (picked(r.inputs, "instanceType", "instanceMarketOptions"),
            volume_key(r.inputs.get("rootBlockDevice") or {}),
            tuple((volume_key(d), exact(d.get("deviceName", MISSING))) if isinstance(d, dict) else exact(d)
                  for d in devices) if isinstance(devices, list) else exact(devices),
            scope_of(ctx, r), exact(ctx.usage(r, Ec2InstanceUsage).commitment))


def _lines(r: Resource, ctx: PricingContext) -> list[CostLine]:
    instance_type = r.inputs.get("instanceType")
    if not isinstance(instance_type, str):
        raise NotPriceable("instanceType is not known")
    spot = (r.inputs.get("instanceMarketOptions") or {}).get("marketType") == "spot"
    hours = ctx.hours
    commitment = ctx.usage(r, Ec2InstanceUsage).commitment
    if commitment is not None and not spot:
        lines = [committed_line(ctx, r, instance_type, commitment, hours, note="all month, committed")]
    else:
        lines = [instance_line(ctx, r, instance_type, spot, hours, hours)]
    root = dict(r.inputs.get("rootBlockDevice") or {})
    note = ""
    if "volumeSize" not in root:
        root["volumeSize"], note = AMI_ROOT_GB, f"root size not set: assumes the AMI's usual {AMI_ROOT_GB} GB"
    lines += volume_lines(ctx, r, root, "root", Decimal(1), Decimal(1), note)
    for device in r.inputs.get("ebsBlockDevices") or []:
        lines += volume_lines(ctx, r, device, device.get("deviceName", "data"), Decimal(1), Decimal(1))
    return lines
