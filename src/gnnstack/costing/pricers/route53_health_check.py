"""Route 53 health checks: one health check-month each, plus one optional-feature-month for each
of HTTPS, string matching (`*_STR_MATCH` types), latency measurement (`measureLatency`) and the
10-second interval (`requestInterval` 10) it uses.

AWS bills a check of an AWS endpoint (an EC2 instance, a load balancer, ...) less than one of an
endpoint outside AWS; the inputs (an IP address or a domain name) do not say which. Usage
`endpoint_in_aws` does; left unset, the base case is the AWS-endpoint rate and the worst case the
outside-AWS rate. Calculated, CloudWatch-metric and recovery-control checks are not priced."""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from ._registry import pricer
from ..lines import CostLine, NotPriceable, PricingContext, exact, number, picked
from ..usage import Usage, usage_field
from ...graph import Resource

ENDPOINT_TYPES = ("HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP")


class HealthCheckUsage(Usage):
    title = "Route 53 health check"
    endpoint_in_aws: Optional[bool] = usage_field(
        "", "Whether the checked endpoint runs in AWS (billed less than one outside AWS)", None, ge=None,
        default_text="unknown: base at the AWS-endpoint rate, worst at the outside-AWS rate")


@pricer("aws:route53/healthCheck:HealthCheck", usage=HealthCheckUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    inside = ctx.usage(r, HealthCheckUsage).endpoint_in_aws
    return ctx.alike(r, (exact(inside), picked(r.inputs, "type", "measureLatency", "requestInterval")),
                     lambda: _lines(r, ctx, inside))


def _features(r: Resource) -> list[str]:
    kind = str(r.inputs.get("type"))
    out = []
    if kind.startswith("HTTPS"):
        out.append("HTTPS")
    if kind.endswith("_STR_MATCH"):
        out.append("string matching")
    if r.inputs.get("measureLatency") is True:
        out.append("latency measurement")
    interval = r.inputs.get("requestInterval")
    if interval is not None and number(interval, "requestInterval") == 10:
        out.append("10-second interval")
    return out


def _lines(r: Resource, ctx: PricingContext, inside: Optional[bool]) -> list[CostLine]:
    kind = r.inputs.get("type")
    if kind not in ENDPOINT_TYPES:
        raise NotPriceable(f"health checks of type {kind!r} are not priced (endpoint checks only: "
                           f"{', '.join(ENDPOINT_TYPES)})")
    aws_check, other_check = ctx.price("route53", "health-check/aws"), ctx.price("route53", "health-check/non-aws")
    aws_feature = ctx.price("route53", "health-check-feature/aws")
    other_feature = ctx.price("route53", "health-check-feature/non-aws")
    if inside is None:
        base_check, worst_check, base_feature, worst_feature = aws_check, other_check, aws_feature, other_feature
        note = "endpoint_in_aws not set: base an AWS endpoint, worst one outside AWS"
    elif inside:
        base_check = worst_check = aws_check
        base_feature = worst_feature = aws_feature
        note = "an AWS endpoint"
    else:
        base_check = worst_check = other_check
        base_feature = worst_feature = other_feature
        note = "an endpoint outside AWS"
    one = Decimal(1)
    lines = [ctx.line(r, "Health check", "check-months", one, one, base_check, worst_check, note=note)]
    features = _features(r)
    if features:
        n = Decimal(len(features))
        lines.append(ctx.line(r, f"Optional features ({', '.join(features)})", "feature-months", n, n,
                              base_feature, worst_feature, note=note))
    return lines
