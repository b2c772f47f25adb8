"""Auto Scaling groups: found through Auto Scaling itself, deleted with their instances."""

from __future__ import annotations

from ..discovery import Discovery, tag_dict
from ..model import Found
from ..registry import Kind, register


@register
class AutoScalingGroup(Kind):
    """Auto Scaling groups, listed by `describe_auto_scaling_groups` in each region: the real
    tagging API does not list them (and moto's leaves them out), so what it does list under
    Auto Scaling ARNs is ignored. A group already being deleted is not reported again. Deleted
    with ForceDelete, which terminates its instances too."""

    name = "autoscaling:group"
    service = "autoscaling"
    arn = ("autoscaling", "autoScalingGroup")
    before = ("ec2:instance",)  # else the group launches a replacement for every instance terminated

    def from_arn(self, arn) -> tuple[str, str, str]:
        # autoScalingGroup:<uuid>:autoScalingGroupName/<name>
        return self.service, self.name, arn.resource.rsplit("autoScalingGroupName/", 1)[-1]

    def discover(self, ctx: Discovery, tagged: list[Found]) -> list[Found]:
        out = []
        for region in ctx.regions:
            def run(region: str = region) -> list[Found]:
                groups = []
                pages = ctx.client("autoscaling", region).get_paginator("describe_auto_scaling_groups")
                for page in pages.paginate():
                    for g in page.get("AutoScalingGroups", []):
                        if g.get("Status") == "Delete in progress":
                            continue
                        f = ctx.found(g["AutoScalingGroupARN"], tag_dict(g.get("Tags", [])),
                                      identifier=g["AutoScalingGroupName"])
                        if f is not None:
                            groups.append(f)
                return groups

            out.extend(ctx.call("autoscaling describe_auto_scaling_groups", region, run))
        return out

    def delete_one(self, ctx, f: Found) -> str:
        ctx.client("autoscaling", f.region).delete_auto_scaling_group(AutoScalingGroupName=f.identifier,
                                                                      ForceDelete=True)
        return "deleted"
