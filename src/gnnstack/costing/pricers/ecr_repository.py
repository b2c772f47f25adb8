"""ECR repositories: images stored, GB-months (usage). Data transfer out of the region is priced
as data transfer, not here. Storage grows with each pushed image unless a lifecycle policy
expires them: the worst case is unbounded."""

from __future__ import annotations

from decimal import Decimal

from ._registry import pricer
from ..lines import CostLine, PricingContext, exact
from ..usage import Usage, usage_field
from ...graph import Resource


class RepositoryUsage(Usage):
    title = "ECR repository"
    storage_gb: Decimal = usage_field("GB", "Image data stored on average over the month", le=10 ** 8)


@pricer("aws:ecr/repository:Repository", usage=RepositoryUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    gb = ctx.usage(r, RepositoryUsage).storage_gb
    return ctx.alike(r, exact(gb), lambda: [ctx.line(r, "Storage", "GB-months", gb, None,
                                                     ctx.price("ecr", "storage"),
                                                     note="grows with pushed images, no cap")])
