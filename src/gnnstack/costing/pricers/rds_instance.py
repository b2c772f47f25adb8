"""RDS DB instances (not Aurora): instance hours, storage, provisioned IOPS and backup storage.

Catalog items (service `rds`):
- `instance/<engine>/<class>` for postgres, mysql and mariadb; `instance/<engine>/<licence>/<class>`
  for oracle-* and sqlserver-*, the licence being `license-included` or `bring-your-own-license`.
  Only what the catalog holds is priced: another engine, class or licence is a missing price.
- `storage/<type>` (gp2, gp3, io1, io2, standard) per GB-month; `iops/<type>` per IOPS-month for io1
  and io2, and for gp3 above its baseline (for postgres, mysql and mariadb 3,000 IOPS under 400 GB
  and 12,000 from 400 GB: RDS user guide CHAP_Storage, as in terraform-provider-aws issue 28382;
  Oracle's and SQL Server's baselines differ and are not priced); `io-requests/standard` per 1M
  requests for magnetic storage; `backup` per GB-month.

Multi-AZ (`multiAz`): AWS bills the instance hours and the storage (and IOPS) of the primary and of
the standby (docs.aws.amazon.com AmazonRDS USER_OnDemandDBInstances, "Multi-AZ DB instances"), so
the quantities are doubled at the single-AZ prices.

Worst case: storage autoscaling grows the volume up to `maxAllocatedStorage`, which is the worst
case for storage. Throughput above the gp3 baseline (`storageThroughput`) is not priced.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from ._registry import pricer
from ..lines import CostLine, NotPriceable, PricingContext, number, picked, usage_key
from ..usage import NeedsUsage, Usage, usage_field
from ...graph import Resource

TYPE = "aws:rds/instance:Instance"
OPEN_ENGINES = ("postgres", "mysql", "mariadb")
LICENSED_PREFIXES = ("oracle-", "sqlserver-")
LICENCES = ("license-included", "bring-your-own-license")
STORAGE_TYPES = ("gp2", "gp3", "io1", "io2", "standard")
# gp3 on RDS: the IOPS included with the storage, by allocated size (AWS RDS user guide).
GP3_SMALL_BASELINE, GP3_LARGE_BASELINE, GP3_LARGE_FROM_GB = Decimal(3000), Decimal(12000), Decimal(400)
MAX_GB = 64 * 1024  # an RDS volume holds at most 64 TiB


class RdsInstanceUsage(Usage):
    title = "RDS instance"
    backup_storage_gb: Decimal = usage_field(
        "GB", "Backup storage beyond 100% of the allocated storage (automated backups and snapshots up "
        "to the DB's size are free)", Decimal(0), le=10 * MAX_GB)
    io_requests_millions_per_month: Optional[Decimal] = usage_field(
        "1M requests/month", "I/O requests a month, in millions (magnetic `standard` storage only)", None,
        le=10 ** 7, quiet=True, default_text="required for magnetic storage")


def engine_item(engine: object, cls: str, licence: object) -> str:
    """The catalog item of a DB instance's hours, or NotPriceable naming what is missing."""
    if not isinstance(engine, str):
        raise NotPriceable("engine is not set")
    if engine in OPEN_ENGINES:
        return f"instance/{engine}/{cls}"
    if engine.startswith(LICENSED_PREFIXES):
        if licence is None and engine.startswith("sqlserver-"):
            licence = "license-included"  # RDS for SQL Server is sold licence-included only
        if licence not in LICENCES:
            raise NotPriceable(f"licenseModel is {'not set' if licence is None else repr(licence)} for {engine}: "
                               "say license-included or bring-your-own-license")
        return f"instance/{engine}/{licence}/{cls}"
    if engine.startswith("aurora"):
        raise NotPriceable(f"engine {engine}: Aurora instances are priced as aws:rds/clusterInstance")
    raise NotPriceable(f"engine {engine} is not priced (postgres, mysql, mariadb, oracle-*, sqlserver-*)")


@pricer(TYPE, usage=RdsInstanceUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    usage = ctx.usage(r, RdsInstanceUsage)
    key = (usage_key(usage), picked(r.inputs, "engine", "instanceClass", "licenseModel", "multiAz", "allocatedStorage",
                                    "maxAllocatedStorage", "storageType", "iops", "backupRetentionPeriod",
                                    "replicateSourceDb"))
    return ctx.alike(r, key, lambda: _lines(r, ctx, usage))


def _lines(r: Resource, ctx: PricingContext, usage: RdsInstanceUsage) -> list[CostLine]:
    inputs = r.inputs
    cls = inputs.get("instanceClass")
    if not isinstance(cls, str):
        raise NotPriceable("instanceClass is not set")
    source = inputs.get("replicateSourceDb")
    if source is not None and inputs.get("engine") is None:
        raise NotPriceable(f"a read replica of {source} without engine: it is its source DB's, which is not read")
    item = engine_item(inputs.get("engine"), cls, inputs.get("licenseModel"))
    multi = inputs.get("multiAz", False) is True
    copies = Decimal(2) if multi else Decimal(1)
    az = "Multi-AZ: primary and standby" if multi else "Single-AZ"
    hours = copies * ctx.hours
    lines = [ctx.line(r, f"Database instance ({az}, {cls})", "hours", hours, hours, ctx.price("rds", item))]
    lines += _storage(r, ctx, copies, az, usage)
    no_backups = inputs.get("backupRetentionPeriod") in (0, 0.0)  # 0 turns automated backups off
    if not no_backups and usage.backup_storage_gb > 0:
        gb = usage.backup_storage_gb
        lines.append(ctx.line(r, "Backup storage (beyond 100% of the DB size)", "GB-months", gb, gb,
                              ctx.price("rds", "backup"), note="usage estimate; backups up to the DB's size are free"))
    return lines


def _storage(r: Resource, ctx: PricingContext, copies: Decimal, az: str,
             usage: RdsInstanceUsage) -> list[CostLine]:
    inputs = r.inputs
    if inputs.get("allocatedStorage") is None and inputs.get("replicateSourceDb") is not None:
        raise NotPriceable("a read replica without allocatedStorage: its storage is its source DB's, which is "
                           "not read")
    gb = number(inputs.get("allocatedStorage"), "allocatedStorage")
    most = inputs.get("maxAllocatedStorage")
    worst_gb = max(gb, number(most, "maxAllocatedStorage")) if most not in (None, 0, 0.0) else gb
    iops_in = inputs.get("iops")
    # AWS's default: io1 when IOPS are given, gp2 otherwise (pulumi-aws rds.Instance storageType).
    kind = inputs.get("storageType") or ("io1" if iops_in is not None else "gp2")
    if kind not in STORAGE_TYPES:
        raise NotPriceable(f"storageType {kind!r} is not one of {', '.join(STORAGE_TYPES)}")
    grows = f"; worst: storage autoscaling up to maxAllocatedStorage {worst_gb} GB" if worst_gb > gb else ""
    defaulted = "" if inputs.get("storageType") else f"; storageType not set: {kind} (AWS's default)"
    lines = [ctx.line(r, f"Storage ({kind}, {az})", "GB-months", copies * gb, copies * worst_gb,
                      ctx.price("rds", f"storage/{kind}"), note=f"allocated {gb} GB{grows}{defaulted}")]
    if kind in ("io1", "io2"):
        iops = number(iops_in, "iops")
        lines.append(ctx.line(r, f"Provisioned IOPS ({kind}, {az})", "IOPS-months", copies * iops, copies * iops,
                              ctx.price("rds", f"iops/{kind}")))
    elif kind == "gp3" and iops_in is not None:
        if inputs.get("engine") not in OPEN_ENGINES:
            raise NotPriceable(f"gp3 iops for {inputs.get('engine')}: its gp3 baseline is not in the pricer")
        baseline = GP3_LARGE_BASELINE if gb >= GP3_LARGE_FROM_GB else GP3_SMALL_BASELINE
        extra = number(iops_in, "iops") - baseline
        if extra > 0:
            lines.append(ctx.line(r, f"Provisioned IOPS above the gp3 baseline ({az})", "IOPS-months",
                                  copies * extra, copies * extra, ctx.price("rds", "iops/gp3"),
                                  note=f"{baseline} IOPS are included at {gb} GB"))
    elif kind == "standard":
        io = usage.io_requests_millions_per_month
        if io is None:
            raise NeedsUsage(RdsInstanceUsage, "io_requests_millions_per_month", "magnetic storage bills each I/O")
        lines.append(ctx.line(r, f"I/O requests (magnetic, {az})", "1M requests", copies * io, None,
                              ctx.price("rds", "io-requests/standard"), note="usage estimate; no cap on I/O"))
    return lines
