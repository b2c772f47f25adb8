"""Glue crawlers: the DPU-hours their runs take a month (usage: a crawler's runs depend on its
schedule and on the data it finds). AWS bills a run per second with a 10-minute minimum; the
usage figure is the billed total. Worst: the crawler's schedule and data have no cap in its
inputs, so unbounded."""

from __future__ import annotations

from decimal import Decimal

from ._registry import pricer
from ..lines import CostLine, PricingContext, exact
from ..usage import Usage, usage_field
from ...graph import Resource


class CrawlerUsage(Usage):
    title = "Glue crawler"
    dpu_hours_per_month: Decimal = usage_field(
        "DPU-hours/month", "DPU-hours the crawler's runs are billed a month (each run at least 10 minutes)",
        le=10 ** 9)


@pricer("aws:glue/crawler:Crawler", usage=CrawlerUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    hours = ctx.usage(r, CrawlerUsage).dpu_hours_per_month
    return ctx.alike(r, (exact(hours),), lambda: [
        ctx.line(r, "Crawler runs", "DPU-hours", hours, None, ctx.price("glue", "crawler"),
                 note="usage estimate; no cap on runs")])
