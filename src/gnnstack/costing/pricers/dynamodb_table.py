"""DynamoDB tables: provisioned capacity or on-demand requests, and storage.

- `billingMode` PROVISIONED (the default): read and write capacity units of the table and of each
  global secondary index, all month (`rcu-hour`, `wcu-hour`). An auto-scaling target in the graph
  for the table or an index (`aws:appautoscaling/target:Target`, namespace dynamodb, resourceId
  `table/<name>` or `table/<name>/index/<index>`) makes its maxCapacity the worst case.
- PAY_PER_REQUEST: read and write request units a month are usage, required (`read-request-units`,
  `write-request-units`, per million). The worst case is unbounded unless `onDemandThroughput`
  caps the requests a second, then it is that cap all month.
- Storage (GB-months) is usage, required.

Not priced (NotPriceable): the STANDARD_INFREQUENT_ACCESS table class and global-table replicas,
whose rates the catalog does not hold. Backups, streams and restores are not priced.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from ._registry import pricer
from ..lines import CostLine, NotPriceable, PricingContext, exact, number, picked, usage_key
from ..usage import NeedsUsage, Usage, usage_field
from ...graph import UNKNOWN, Resource

TARGET = "aws:appautoscaling/target:Target"
UNRESOLVED = "?"  # a key of _targets: some DynamoDB target may scale this table, which one is not known
SECONDS_PER_HOUR = 3600
MILLION = Decimal(1_000_000)


class DynamoDbTableUsage(Usage):
    title = "DynamoDB table"
    storage_gb: Decimal = usage_field("GB", "GB the table and its indexes hold (billed per GB-month)", le=10 ** 9)
    read_request_units_millions: Optional[Decimal] = usage_field(
        "1M RRUs/month", "Read request units a month, in millions (on-demand tables only)", None, le=10 ** 9,
        quiet=True, default_text="required for on-demand tables")
    write_request_units_millions: Optional[Decimal] = usage_field(
        "1M WRUs/month", "Write request units a month, in millions (on-demand tables only)", None, le=10 ** 9,
        quiet=True, default_text="required for on-demand tables")


@pricer("aws:dynamodb/table:Table", usage=DynamoDbTableUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    usage = ctx.usage(r, DynamoDbTableUsage)
    targets = _targets(r, ctx)
    key = (usage_key(usage), exact(targets),
           picked(r.inputs, "billingMode", "readCapacity", "writeCapacity", "globalSecondaryIndexes", "tableClass",
                  "replicas", "onDemandThroughput"))
    return ctx.alike(r, key, lambda: _lines(r, ctx, usage, targets))


def _targets(r: Resource, ctx: PricingContext) -> dict[str, Any]:
    """maxCapacity of the auto-scaling targets of this table, by '<index or table>:<read|write>';
    UNRESOLVED (True) when a DynamoDB target's resourceId (or this table's name) is not known, so
    that it may scale this table: its capacity then has no known maximum."""
    name = r.inputs.get("name")
    prefix = f"table/{name}" if isinstance(name, str) and name != UNKNOWN else None
    found: dict[str, Any] = {}
    for t in ctx.graph.by_type.get(TARGET, ()):
        ti = t.inputs
        rid = ti.get("resourceId")
        if ti.get("serviceNamespace") != "dynamodb":
            continue
        if prefix is None or not isinstance(rid, str) or UNKNOWN in rid or not rid.startswith("table/"):
            found[UNRESOLVED] = True
            continue
        if rid == prefix:
            scope = ""
        elif rid.startswith(prefix + "/index/"):
            scope = rid[len(prefix) + len("/index/"):]
        else:
            continue
        dim = str(ti.get("scalableDimension", ""))
        kind = "read" if dim.endswith("ReadCapacityUnits") else "write" if dim.endswith("WriteCapacityUnits") else ""
        if kind:
            found[f"{scope}:{kind}"] = ti.get("maxCapacity")
    return dict(sorted(found.items()))


def _lines(r: Resource, ctx: PricingContext, usage: DynamoDbTableUsage, targets: dict[str, Any]) -> list[CostLine]:
    inputs = r.inputs
    if inputs.get("tableClass") not in (None, "STANDARD"):
        raise NotPriceable(f"table class {inputs.get('tableClass')}: its rates are not in the catalog")
    if inputs.get("replicas"):
        raise NotPriceable("global-table replicas (replicas) are not priced yet")
    mode = inputs.get("billingMode") or "PROVISIONED"
    if mode == "PROVISIONED":
        lines = _provisioned(r, ctx, targets)
    elif mode == "PAY_PER_REQUEST":
        lines = _on_demand(r, ctx, usage)
    else:
        raise NotPriceable(f"billingMode {mode!r} is not PROVISIONED or PAY_PER_REQUEST")
    gb = usage.storage_gb
    lines.append(ctx.line(r, "Data storage", "GB-months", gb, gb, ctx.price("dynamodb", "storage"),
                          note="usage estimate"))
    return lines


def _provisioned(r: Resource, ctx: PricingContext, targets: dict[str, Any]) -> list[CostLine]:
    scopes: list[tuple[str, str, Any]] = [("", "table", r.inputs)]
    for gsi in r.inputs.get("globalSecondaryIndexes") or []:
        if not isinstance(gsi, dict):
            raise NotPriceable("a global secondary index is not known")
        scopes.append((str(gsi.get("name")), f"index {gsi.get('name')}", gsi))
    lines = []
    for scope, label, where in scopes:
        for kind, field, item, unit in (("write", "writeCapacity", "wcu-hour", "WCU"),
                                        ("read", "readCapacity", "rcu-hour", "RCU")):
            units = number(where.get(field), f"{label} {field}")
            most = targets.get(f"{scope}:{kind}")
            worst_units: Optional[Decimal] = max(units, number(most, f"auto-scaling maxCapacity of {label} {kind}")) \
                if most is not None else units
            note = f"worst: auto-scaling up to {worst_units} {unit}" if most is not None else ""
            if most is None and targets.get(UNRESOLVED):
                worst_units = None
                note = "worst: unbounded, an auto-scaling target whose resourceId is not known may scale it"
            lines.append(ctx.line(r, f"{'Write' if kind == 'write' else 'Read'} capacity ({label})", f"{unit}-hours",
                                  units * ctx.hours, None if worst_units is None else worst_units * ctx.hours,
                                  ctx.price("dynamodb", item), note=note))
    return lines


def _on_demand(r: Resource, ctx: PricingContext, usage: DynamoDbTableUsage) -> list[CostLine]:
    caps = r.inputs.get("onDemandThroughput") or {}
    lines = []
    for kind, value, cap_name, item in (
            ("write", usage.write_request_units_millions, "maxWriteRequestUnits", "write-request-units"),
            ("read", usage.read_request_units_millions, "maxReadRequestUnits", "read-request-units")):
        if value is None:
            raise NeedsUsage(DynamoDbTableUsage, f"{kind}_request_units_millions", "on-demand tables bill each request")
        cap = caps.get(cap_name) if isinstance(caps, dict) else None
        worst: Optional[Decimal] = None
        note = "usage estimate; no cap (onDemandThroughput not set)"
        if cap is not None and cap != -1:  # -1: no maximum
            worst = max(value, number(cap, f"onDemandThroughput.{cap_name}") * SECONDS_PER_HOUR * ctx.hours / MILLION)
            note = f"usage estimate; worst: {cap} request units a second all month"
        lines.append(ctx.line(r, f"{kind.capitalize()} request units", "1M request units", value, worst,
                              ctx.price("dynamodb", item), note=note))
    return lines

