"""EC2 instances: terminated, once what would replace or still use them has gone."""

from __future__ import annotations

from gnnstack.tags import STACK

from ..discovery import Discovery, by_region
from ..model import Found
from ..registry import Kind, register

_GONE_STATES = {"shutting-down", "terminated"}


@register
class Instance(Kind):
    """EC2 instances, listed by the tagging API and checked against EC2, which the tagging API keeps
    listing for a while after termination: one terminated or shutting down is not reported again.
    Deleting is terminating."""

    name = "ec2:instance"
    service = "ec2"
    arn = ("ec2", "instance")
    # An Auto Scaling group would launch a replacement; an EMR cluster's own instances carry the
    # cluster's tags, and EMR would replace them too.
    after = ("autoscaling:group", "emr:cluster")
    before = ("s3:bucket",)  # training and loading jobs on it may still write to the stack's bucket

    def discover(self, ctx: Discovery, tagged: list[Found]) -> list[Found]:
        out = []
        for region, items in by_region(tagged).items():
            def states(region: str = region) -> dict[str, str]:
                pages = ctx.client("ec2", region).get_paginator("describe_instances")
                return {i["InstanceId"]: i["State"]["Name"]
                        for page in pages.paginate(Filters=[{"Name": "tag-key", "Values": [STACK]}])
                        for r in page["Reservations"] for i in r["Instances"]}

            state = ctx.call("ec2 describe_instances", region, states)
            out.extend(f for f in items if state.get(f.identifier, "terminated") not in _GONE_STATES)
        return out

    def delete_one(self, ctx, f: Found) -> str:
        ctx.client("ec2", f.region).terminate_instances(InstanceIds=[f.identifier])
        return "terminated"
