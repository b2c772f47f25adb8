"""Neptune clusters: deleted after their instances."""

from __future__ import annotations

from ..discovery import Discovery
from ..model import Found
from ..registry import Kind, register
from ._rds import settle_engine


@register
class DbCluster(Kind):
    """Neptune DB clusters. As for their instances, the ARN (arn:aws:rds:...:cluster:...) cannot
    tell Neptune from other RDS engines: Neptune's listing, filtered to its engine, does, and
    drops clusters already being deleted. Other engines stay rds:cluster (reported, never
    deleted). Deleted without a final snapshot."""

    name = "neptune:cluster"
    service = "neptune"
    arn = ("rds", "cluster")
    after = ("neptune:db-instance",)  # a cluster with live instances cannot be deleted
    before = ("s3:bucket",)  # the bulk loader reads from the stack's bucket, exports write to it

    def from_arn(self, arn) -> tuple[str, str, str]:
        return "rds", "rds:cluster", arn.resource_id

    def discover(self, ctx: Discovery, tagged: list[Found]) -> list[Found]:
        return settle_engine(ctx, tagged, self, "describe_db_clusters", "DBClusters", "DBClusterArn", "Status")

    def delete_one(self, ctx, f: Found) -> str:
        ctx.client("neptune", f.region).delete_db_cluster(DBClusterIdentifier=f.identifier, SkipFinalSnapshot=True)
        return "deleted"
