"""Aurora clusters: the cluster volume (storage GB-months), I/O requests and backup storage.

The instances are priced on their own (`rds_cluster_instance`), Aurora Serverless v2 capacity
(ACU-hours) too: it is billed per `db.serverless` instance. Storage and I/O are the cluster's usage
(`AuroraClusterUsage`, both required): standard Aurora storage bills every I/O request, with no
cap, so the I/O worst case is unbounded.

Not priced (NotPriceable, with the reason): Aurora I/O-Optimized (`storageType` aurora-iopt1),
whose storage and instance rates the catalog does not hold; Aurora Serverless v1
(`engineMode` serverless); Multi-AZ DB clusters of the mysql and postgres engines.
"""

from __future__ import annotations

from decimal import Decimal

from ._aurora import aurora_engine
from ._registry import pricer
from ..lines import CostLine, NotPriceable, PricingContext, picked, usage_key
from ..usage import Usage, usage_field
from ...graph import Resource

MAX_GB = 256 * 1024  # an Aurora cluster volume holds at most 256 TiB


class AuroraClusterUsage(Usage):
    title = "Aurora cluster"
    storage_gb: Decimal = usage_field("GB", "GB the cluster volume holds (billed per GB-month)", le=MAX_GB)
    io_millions_per_month: Decimal = usage_field("1M requests/month", "I/O requests a month, in millions "
                                                 "(standard Aurora storage bills each one)", le=10 ** 8)
    backup_storage_gb: Decimal = usage_field(
        "GB", "Backup storage beyond the free allowance (100% of the cluster volume within the retention "
        "period)", Decimal(0), le=10 * MAX_GB)


@pricer("aws:rds/cluster:Cluster", usage=AuroraClusterUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    usage = ctx.usage(r, AuroraClusterUsage)
    key = (usage_key(usage), picked(r.inputs, "engine", "engineMode", "storageType"))
    return ctx.alike(r, key, lambda: _lines(r, ctx, usage))


def _lines(r: Resource, ctx: PricingContext, usage: AuroraClusterUsage) -> list[CostLine]:
    aurora_engine(r.inputs.get("engine"))
    if r.inputs.get("engineMode") == "serverless":
        raise NotPriceable("Aurora Serverless v1 (engineMode serverless) is not priced; v2 is priced on its "
                           "db.serverless instances")
    if r.inputs.get("storageType") == "aurora-iopt1":
        raise NotPriceable("Aurora I/O-Optimized (storageType aurora-iopt1): its storage and instance rates "
                           "are not in the catalog")
    lines = [
        ctx.line(r, "Storage", "GB-months", usage.storage_gb, usage.storage_gb, ctx.price("rds", "aurora/storage"),
                 note="usage estimate of the cluster volume"),
        ctx.line(r, "I/O requests", "1M requests", usage.io_millions_per_month, None, ctx.price("rds", "aurora/io"),
                 note="usage estimate; standard Aurora storage bills every I/O, no cap"),
    ]
    if usage.backup_storage_gb > 0:
        gb = usage.backup_storage_gb
        lines.append(ctx.line(r, "Backup storage (beyond the free allowance)", "GB-months", gb, gb,
                              ctx.price("rds", "aurora/backup"), note="usage estimate"))
    return lines
