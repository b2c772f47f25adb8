"""Secrets Manager secrets: one secret-month each."""

from __future__ import annotations

from decimal import Decimal

from ._registry import pricer
from ..lines import CostLine, PricingContext
from ...graph import Resource


@pricer("aws:secretsmanager/secret:Secret")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    return ctx.alike(r, (), lambda: [ctx.line(r, "Secret", "secret-months", Decimal(1), Decimal(1),
                                              ctx.price("secretsmanager", "secret"))])
