"""KMS customer managed keys: one key-month each (requests are billed per call and not estimated)."""

from __future__ import annotations

from decimal import Decimal

from ._registry import pricer
from ..lines import CostLine, PricingContext
from ...graph import Resource


@pricer("aws:kms/key:Key")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    return ctx.alike(r, (), lambda: [ctx.line(r, "Customer managed key", "key-months", Decimal(1), Decimal(1),
                                              ctx.price("kms", "key"),
                                              note="API requests are billed per call, not estimated")])
