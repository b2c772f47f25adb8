"""EMR clusters: found through EMR itself, terminated unless termination protection is on."""

from __future__ import annotations

from ..aws import ReapError, Refused
from ..discovery import Discovery, tag_dict
from ..model import Found
from ..registry import Kind, register

ACTIVE_STATES = ["STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING"]
_ENDED_STATES = ("TERMINATING", "TERMINATED", "TERMINATED_WITH_ERRORS")


@register
class Cluster(Kind):
    """EMR clusters, listed by `list_clusters` (active states only) and `describe_cluster` for
    their tags: moto's tagging API leaves EMR out, and EMR's own listing skips terminated
    clusters, so what the tagging API lists under EMR ARNs is ignored. A cluster with
    termination protection is refused, with the fix."""

    name = "emr:cluster"
    service = "emr"
    arn = ("elasticmapreduce", "cluster")
    before = ("s3:bucket",)  # its steps read from and write to the stack's bucket

    def discover(self, ctx: Discovery, tagged: list[Found]) -> list[Found]:
        out = []
        for region in ctx.regions:
            def run(region: str = region) -> list[Found]:
                emr = ctx.client("emr", region)
                clusters = []
                for page in emr.get_paginator("list_clusters").paginate(ClusterStates=ACTIVE_STATES):
                    for c in page.get("Clusters", []):
                        desc = emr.describe_cluster(ClusterId=c["Id"])["Cluster"]
                        arn = desc.get("ClusterArn") or c.get("ClusterArn")
                        if not arn:
                            raise ReapError(f"EMR in {region} gave no ARN for cluster {c['Id']}; reap needs it "
                                            "for the cluster's account: check the endpoint (AWS_ENDPOINT_URL)")
                        f = ctx.found(arn, tag_dict(desc.get("Tags", [])), identifier=c["Id"])
                        if f is not None:
                            clusters.append(f)
                return clusters

            out.extend(ctx.call("emr list_clusters/describe_cluster", region, run))
        return out

    def delete_one(self, ctx, f: Found) -> str:
        emr = ctx.client("emr", f.region)
        cluster = emr.describe_cluster(ClusterId=f.identifier)["Cluster"]
        if cluster["Status"]["State"] in _ENDED_STATES:
            return "already gone"
        if cluster.get("TerminationProtected"):
            raise Refused("termination protection is on; turn it off to let reap terminate the cluster")
        emr.terminate_job_flows(JobFlowIds=[f.identifier])
        return "terminated"
