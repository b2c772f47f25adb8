"""CloudFront distributions: data transfer out to the internet and HTTP/HTTPS requests (usage).

Edge prices differ by where viewers are; usage does not say, so every GB and request is priced
at the United States, Mexico and Canada edge rate (first 10 TB tier), which every price class
(`priceClass`: PriceClass_100, _200, _All) serves from. Viewers elsewhere bill the same or more
(up to about 0.12/GB): the lines say so. Metered, no cap: the worst case is unbounded."""

from __future__ import annotations

from decimal import Decimal

from ._registry import pricer
from ..lines import CostLine, NotPriceable, PricingContext, picked, usage_key
from ..usage import Usage, usage_field
from ...graph import Resource

PRICE_CLASSES = ("PriceClass_100", "PriceClass_200", "PriceClass_All")
EDGE = "US, Mexico, Canada edge rate"


class DistributionUsage(Usage):
    title = "CloudFront distribution"
    data_transfer_out_gb_per_month: Decimal = usage_field(
        "GB/month", "Data sent from edge locations to viewers a month", le=10 ** 9)
    https_requests_per_month: Decimal = usage_field(
        "requests/month", "HTTPS requests a month", Decimal(0), le=10 ** 14)
    http_requests_per_month: Decimal = usage_field(
        "requests/month", "HTTP (unencrypted) requests a month", Decimal(0), le=10 ** 14)


@pricer("aws:cloudfront/distribution:Distribution", usage=DistributionUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    usage = ctx.usage(r, DistributionUsage)
    return ctx.alike(r, (usage_key(usage), picked(r.inputs, "priceClass")), lambda: _lines(r, ctx, usage))


def _lines(r: Resource, ctx: PricingContext, usage: DistributionUsage) -> list[CostLine]:
    price_class = r.inputs.get("priceClass") or "PriceClass_All"
    if price_class not in PRICE_CLASSES:
        raise NotPriceable(f"unknown priceClass {price_class!r}; one of {', '.join(PRICE_CLASSES)}")
    note = f"{price_class}; all traffic at the {EDGE} (other edges bill the same or more); metered, no cap"
    ten_k = Decimal(10_000)
    lines = [ctx.line(r, "Data transfer out to internet (first 10 TB)", "GB", usage.data_transfer_out_gb_per_month,
                      None, ctx.price("cloudfront", "data-out/us"), note=note)]
    if usage.data_transfer_out_gb_per_month > 10_240:
        lines[0].note += "; above 10 TB a month AWS bills less per GB: an upper bound"
    lines.append(ctx.line(r, "HTTPS requests", "10K requests", usage.https_requests_per_month / ten_k, None,
                          ctx.price("cloudfront", "requests/https/us"), note=note))
    if usage.http_requests_per_month:
        lines.append(ctx.line(r, "HTTP requests", "10K requests", usage.http_requests_per_month / ten_k, None,
                              ctx.price("cloudfront", "requests/http/us"), note=note))
    return lines
