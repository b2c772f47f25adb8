"""EBS volumes: deleted once the instances they may be attached to have terminated."""

from __future__ import annotations

from botocore.exceptions import ClientError, WaiterError

from ..model import Found
from ..registry import Kind, register


@register
class Volume(Kind):
    """EBS volumes, listed by the tagging API. An attached volume cannot be deleted, so before
    deleting any, reap waits for the instances it terminated in the same region to be gone."""

    name = "ec2:volume"
    service = "ec2"
    arn = ("ec2", "volume")
    after = ("ec2:instance",)

    def delete(self, ctx, items: list[Found]) -> None:
        terminated: dict[str, list[str]] = {}
        for o in ctx.done("ec2:instance"):
            if o.ok and o.action == "terminated":
                terminated.setdefault(o.found.region, []).append(o.found.identifier)
        for region in sorted({f.region for f in items} & set(terminated)):
            ctx.say(f"{region}: waiting for {len(terminated[region])} instance(s) to terminate")
            try:
                ctx.client("ec2", region).get_waiter("instance_terminated").wait(
                    InstanceIds=terminated[region], WaiterConfig=ctx.waiter_config)
            except (WaiterError, ClientError) as e:
                ctx.say(f"{region}: instances still terminating ({e}); deleting volumes anyway")
        super().delete(ctx, items)

    def delete_one(self, ctx, f: Found) -> str:
        ctx.client("ec2", f.region).delete_volume(VolumeId=f.identifier)
        return "deleted"
