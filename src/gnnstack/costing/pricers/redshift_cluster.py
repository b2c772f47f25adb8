"""Redshift provisioned clusters: nodeType x numberOfNodes, node hours all month, and RA3 managed
storage.

Catalog items (service `redshift`): `node/<nodeType>` per node-hour; `managed-storage` per GB-month,
for RA3 nodes, whose data lives in Redshift Managed Storage: how much is usage, required for RA3.
`numberOfNodes` defaults to 1 (a single-node cluster). Concurrency scaling, Spectrum and backup
storage are not priced.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from ._registry import pricer
from ..lines import CostLine, NotPriceable, PricingContext, number, picked, usage_key
from ..usage import NeedsUsage, Usage, usage_field
from ...graph import Resource


class RedshiftClusterUsage(Usage):
    title = "Redshift cluster"
    managed_storage_gb: Optional[Decimal] = usage_field(
        "GB", "GB held in Redshift Managed Storage (RA3 node types only)", None, le=10 ** 9, quiet=True,
        default_text="required for RA3 nodes")


@pricer("aws:redshift/cluster:Cluster", usage=RedshiftClusterUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    usage = ctx.usage(r, RedshiftClusterUsage)
    key = (usage_key(usage), picked(r.inputs, "nodeType", "numberOfNodes"))
    return ctx.alike(r, key, lambda: _lines(r, ctx, usage))


def _lines(r: Resource, ctx: PricingContext, usage: RedshiftClusterUsage) -> list[CostLine]:
    node = r.inputs.get("nodeType")
    if not isinstance(node, str):
        raise NotPriceable("nodeType is not set")
    given = r.inputs.get("numberOfNodes")
    nodes = number(1 if given is None else given, "numberOfNodes")
    hours = nodes * ctx.hours
    lines = [ctx.line(r, f"Cluster nodes ({nodes} x {node})", "node-hours", hours, hours,
                      ctx.price("redshift", f"node/{node}"),
                      note="numberOfNodes not set: 1 (pulumi-aws's default, a single-node cluster)" if given is None
                      else "")]
    if node.startswith("ra3."):
        gb = usage.managed_storage_gb
        if gb is None:
            raise NeedsUsage(RedshiftClusterUsage, "managed_storage_gb", "RA3 nodes bill their managed storage")
        lines.append(ctx.line(r, "Managed storage (RA3)", "GB-months", gb, gb, ctx.price("redshift", "managed-storage"),
                              note="usage estimate"))
    return lines
