"""Neptune DB instances: deleted before their cluster."""

from __future__ import annotations

from ..discovery import Discovery
from ..model import Found
from ..registry import Kind, register
from ._rds import settle_engine


@register
class DbInstance(Kind):
    """Neptune DB instances. Neptune lives behind the RDS APIs and ARNs (arn:aws:rds:...:db:...),
    so the ARN alone says only "an RDS instance"; Neptune's own listing, filtered to its engine,
    settles which are Neptune's and which are already being deleted. Other engines stay rds:*
    (reported, never deleted). Deleted without a final snapshot."""

    name = "neptune:db-instance"
    service = "neptune"
    arn = ("rds", "db")

    def from_arn(self, arn) -> tuple[str, str, str]:
        return "rds", "rds:db-instance", arn.resource_id

    def discover(self, ctx: Discovery, tagged: list[Found]) -> list[Found]:
        return settle_engine(ctx, tagged, self, "describe_db_instances", "DBInstances", "DBInstanceArn",
                             "DBInstanceStatus")

    def delete_one(self, ctx, f: Found) -> str:
        ctx.client("neptune", f.region).delete_db_instance(DBInstanceIdentifier=f.identifier, SkipFinalSnapshot=True)
        return "deleted"
