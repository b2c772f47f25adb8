"""OpenSearch (and Elasticsearch) domains: data, dedicated master and UltraWarm nodes, and the EBS
storage of each data node.

From `clusterConfig`: instanceType x instanceCount (default 1) data nodes; with
dedicatedMasterEnabled, dedicatedMasterType x dedicatedMasterCount; with warmEnabled, warmType x
warmCount. From `ebsOptions` (when ebsEnabled): volumeSize GB per data node of volumeType (gp2, gp3,
io1, standard), and for io1 its iops per node. A count or volume type left unset makes the domain
not priceable (no default is assumed). All of it all
month. Catalog items (service `opensearch`): `instance/<type>` per node-hour, `storage/<type>` per
GB-month, `iops/io1` per IOPS-month. Elasticsearch domains name types `<type>.elasticsearch`; AWS
prices them as the `<type>.search` types, which is how they are looked up. IOPS and throughput
above the gp3 baseline are not priced.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ._registry import pricer
from ..lines import CostLine, NotPriceable, PricingContext, number, picked
from ...graph import Resource

VOLUME_TYPES = ("gp2", "gp3", "io1", "standard")


@pricer("aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    return ctx.alike(r, picked(r.inputs, "clusterConfig", "ebsOptions"), lambda: _lines(r, ctx))


def _search_type(kind: Any, what: str) -> str:
    if not isinstance(kind, str):
        raise NotPriceable(f"{what} is not set")
    if kind.endswith(".elasticsearch"):
        return kind[: -len(".elasticsearch")] + ".search"
    return kind


def _lines(r: Resource, ctx: PricingContext) -> list[CostLine]:
    config = r.inputs.get("clusterConfig") or {}
    if not isinstance(config, dict):
        raise NotPriceable("clusterConfig is not known")
    data = _search_type(config.get("instanceType"), "clusterConfig.instanceType")
    count = number(config.get("instanceCount", 1), "clusterConfig.instanceCount")
    lines = [_nodes(r, ctx, "Data nodes", data, count)]
    if config.get("dedicatedMasterEnabled") is True:
        master = _search_type(config.get("dedicatedMasterType"), "clusterConfig.dedicatedMasterType")
        lines.append(_nodes(r, ctx, "Dedicated master nodes", master,
                            number(config.get("dedicatedMasterCount"), "clusterConfig.dedicatedMasterCount")))
    if config.get("warmEnabled") is True:
        warm = _search_type(config.get("warmType"), "clusterConfig.warmType")
        warm_count = number(config.get("warmCount"), "clusterConfig.warmCount")
        lines.append(_nodes(r, ctx, "UltraWarm nodes", warm, warm_count))
    lines += _storage(r, ctx, count)
    return lines


def _nodes(r: Resource, ctx: PricingContext, label: str, kind: str, count: Decimal) -> CostLine:
    hours = count * ctx.hours
    return ctx.line(r, f"{label} ({count} x {kind})", "node-hours", hours, hours,
                    ctx.price("opensearch", f"instance/{kind}"))


def _storage(r: Resource, ctx: PricingContext, nodes: Decimal) -> list[CostLine]:
    ebs = r.inputs.get("ebsOptions") or {}
    if not isinstance(ebs, dict) or ebs.get("ebsEnabled") is not True:
        return []
    kind = ebs.get("volumeType")
    if kind is None:
        raise NotPriceable("ebsOptions.volumeType is not set")
    if kind not in VOLUME_TYPES:
        raise NotPriceable(f"ebsOptions.volumeType {kind!r} is not one of {', '.join(VOLUME_TYPES)}")
    gb = nodes * number(ebs.get("volumeSize"), "ebsOptions.volumeSize")
    lines = [ctx.line(r, f"EBS storage ({kind}, {nodes} data nodes)", "GB-months", gb, gb,
                      ctx.price("opensearch", f"storage/{kind}"))]
    if kind == "io1":
        iops = nodes * number(ebs.get("iops"), "ebsOptions.iops")
        lines.append(ctx.line(r, f"Provisioned IOPS (io1, {nodes} data nodes)", "IOPS-months", iops, iops,
                              ctx.price("opensearch", "iops/io1")))
    return lines
