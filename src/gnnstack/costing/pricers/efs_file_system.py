"""EFS file systems: storage GB-months by storage class, and provisioned throughput.

Storage is usage (`EfsUsage`): GB in the Standard class (required) and in Infrequent Access
(default 0). A file system with `availabilityZoneName` is One Zone and priced at the One Zone
rates. Catalog items (service `efs`): `storage/<standard|standard-ia|one-zone|one-zone-ia>` per
GB-month; `provisioned-throughput` per MiB/s-month. With `throughputMode` provisioned,
`provisionedThroughputInMibps` is billed all month; bursting (the default) costs nothing beyond
storage; elastic throughput bills per GB read and written, which the catalog does not hold
(NotPriceable). Infrequent Access read and write requests and the Archive class are not priced.
"""

from __future__ import annotations

from decimal import Decimal

from ._registry import pricer
from ..lines import CostLine, NotPriceable, PricingContext, number, picked, usage_key
from ..usage import Usage, usage_field
from ...graph import Resource


class EfsUsage(Usage):
    title = "EFS file system"
    storage_standard_gb: Decimal = usage_field("GB", "GB in the Standard (or One Zone) storage class", le=10 ** 9)
    storage_ia_gb: Decimal = usage_field("GB", "GB in the Infrequent Access storage class", Decimal(0), le=10 ** 9)


@pricer("aws:efs/fileSystem:FileSystem", usage=EfsUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    usage = ctx.usage(r, EfsUsage)
    key = (usage_key(usage), picked(r.inputs, "availabilityZoneName", "throughputMode",
                                    "provisionedThroughputInMibps"))
    return ctx.alike(r, key, lambda: _lines(r, ctx, usage))


def _lines(r: Resource, ctx: PricingContext, usage: EfsUsage) -> list[CostLine]:
    one_zone = r.inputs.get("availabilityZoneName") is not None
    cls = "one-zone" if one_zone else "standard"
    label = "One Zone" if one_zone else "Standard"
    mode = r.inputs.get("throughputMode") or "bursting"
    if mode not in ("bursting", "provisioned", "elastic"):
        raise NotPriceable(f"throughputMode {mode!r} is not bursting, provisioned or elastic")
    if mode == "elastic":
        raise NotPriceable("elastic throughput bills per GB read and written, which the catalog does not hold yet")
    lines = [ctx.line(r, f"Storage ({label})", "GB-months", usage.storage_standard_gb, usage.storage_standard_gb,
                      ctx.price("efs", f"storage/{cls}"), note="usage estimate")]
    if usage.storage_ia_gb > 0:
        lines.append(ctx.line(r, f"Storage ({label}, Infrequent Access)", "GB-months", usage.storage_ia_gb,
                              usage.storage_ia_gb, ctx.price("efs", f"storage/{cls}-ia"),
                              note="usage estimate; IA requests not priced"))
    if mode == "provisioned":
        mibps = number(r.inputs.get("provisionedThroughputInMibps"), "provisionedThroughputInMibps")
        lines.append(ctx.line(r, "Provisioned throughput", "MiB/s-months", mibps, mibps,
                              ctx.price("efs", "provisioned-throughput"),
                              note="all of it; the throughput the stored data earns in bursting mode is not "
                                   "subtracted (an upper bound)"))
    return lines
