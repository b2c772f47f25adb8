"""API Gateway HTTP and WebSocket APIs (`protocolType`): HTTP APIs bill requests (usage), in
tiers; WebSocket APIs bill messages and connection minutes (usage). Metered, no cap: the worst
case is unbounded."""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from ._refs import tier_lines
from ._registry import pricer
from ..lines import CostLine, NotPriceable, PricingContext, picked, usage_key
from ..usage import NeedsUsage, Usage, usage_field
from ...graph import Resource

MILLION = Decimal(1_000_000)
HTTP_TIERS = ((Decimal(300), "http/requests/tier-1", "first 300M"), (None, "http/requests/tier-2", "over 300M"))
MESSAGE_TIERS = ((Decimal(1000), "websocket/messages/tier-1", "first 1B"),
                 (None, "websocket/messages/tier-2", "over 1B"))


class ApiV2Usage(Usage):
    title = "API Gateway HTTP/WebSocket API"
    requests_per_month: Optional[Decimal] = usage_field(
        "requests/month", "HTTP API: requests a month (each 512 KB or part of it)", None, le=10 ** 13,
        default_text="required for an HTTP API", quiet=True)
    messages_per_month: Optional[Decimal] = usage_field(
        "messages/month", "WebSocket API: messages a month (each 32 KB or part of it)", None, le=10 ** 13,
        default_text="required for a WebSocket API", quiet=True)
    connection_minutes_per_month: Optional[Decimal] = usage_field(
        "minutes/month", "WebSocket API: connection minutes a month, all clients", None, le=10 ** 14,
        default_text="required for a WebSocket API", quiet=True)


@pricer("aws:apigatewayv2/api:Api", usage=ApiV2Usage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    usage = ctx.usage(r, ApiV2Usage)
    return ctx.alike(r, (usage_key(usage), picked(r.inputs, "protocolType")), lambda: _lines(r, ctx, usage))


def _lines(r: Resource, ctx: PricingContext, usage: ApiV2Usage) -> list[CostLine]:
    protocol = r.inputs.get("protocolType")
    if protocol == "HTTP":
        if usage.requests_per_month is None:
            raise NeedsUsage(ApiV2Usage, "requests_per_month", "an HTTP API")
        return tier_lines(ctx, r, "Requests", "1M requests", usage.requests_per_month / MILLION, "apigateway",
                          HTTP_TIERS)
    if protocol == "WEBSOCKET":
        for name in ("messages_per_month", "connection_minutes_per_month"):
            if getattr(usage, name) is None:
                raise NeedsUsage(ApiV2Usage, name, "a WebSocket API")
        assert usage.messages_per_month is not None and usage.connection_minutes_per_month is not None
        return tier_lines(ctx, r, "Messages", "1M messages", usage.messages_per_month / MILLION, "apigateway",
                          MESSAGE_TIERS) + [
            ctx.line(r, "Connection minutes", "1M minutes", usage.connection_minutes_per_month / MILLION, None,
                     ctx.price("apigateway", "websocket/connection-minutes"), note="metered, no cap")]
    raise NotPriceable(f"protocolType is {protocol!r}: HTTP or WEBSOCKET")
