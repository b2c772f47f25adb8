"""SageMaker real-time endpoints, priced on their configuration: each production variant's
instances all month."""

from __future__ import annotations

from ._registry import pricer
from ..lines import CostLine, NotPriceable, PricingContext, number, picked
from ...graph import Resource


@pricer("aws:sagemaker/endpointConfiguration:EndpointConfiguration")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    return ctx.alike(r, picked(r.inputs, "productionVariants"), lambda: _lines(r, ctx))


def _lines(r: Resource, ctx: PricingContext) -> list[CostLine]:
    lines = []
    variants = r.inputs.get("productionVariants")
    if not variants or not isinstance(variants, list):
        raise NotPriceable("the configuration names no production variants (AWS requires one)")
    for variant in variants:
        instance_type = variant.get("instanceType")
        if not isinstance(instance_type, str):
            raise NotPriceable("serverless or unknown endpoint variants are not priced")
        count = number(variant.get("initialInstanceCount", 1), "initialInstanceCount")
        lines.append(ctx.line(r, f"Endpoint instances ({instance_type})", "hours", count * ctx.hours,
                              count * ctx.hours, ctx.price("sagemaker", f"hosting/{instance_type}")))
    return lines
