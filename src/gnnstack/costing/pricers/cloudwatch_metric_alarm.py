"""CloudWatch metric alarms: one alarm-month per metric the alarm evaluates, at the standard or
the high-resolution rate (a period under 60 seconds). An alarm on a metric math expression bills
each metric the expression reads (its `metricQueries` that name a metric). Anomaly-detection
alarms (three metrics per band) and composite alarms are not priced here."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ._registry import pricer
from ..lines import CostLine, NotPriceable, PricingContext, number, picked
from ...graph import Resource


@pricer("aws:cloudwatch/metricAlarm:MetricAlarm")
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    return ctx.alike(r, picked(r.inputs, "period", "metricQueries"), lambda: _lines(r, ctx))


def _period(value: Any) -> Decimal:
    return number(value, "period") if value is not None else Decimal(60)


def _lines(r: Resource, ctx: PricingContext) -> list[CostLine]:
    queries = r.inputs.get("metricQueries") or []
    periods = [_period(r.inputs.get("period"))] if r.inputs.get("period") is not None else []
    if queries:
        metrics = 0
        for q in queries:
            if "ANOMALY_DETECTION_BAND" in str(q.get("expression") or ""):
                raise NotPriceable("anomaly-detection alarms are not priced yet")
            if q.get("metric"):
                metrics += 1
                period = (q.get("metric") or {}).get("period")
                if period is not None:
                    periods.append(_period(period))
        count = Decimal(metrics)
    else:
        count = Decimal(1)
    high = any(p < 60 for p in periods)
    item, label = ("alarm/high-resolution", "High-resolution alarm") if high else ("alarm/standard", "Standard alarm")
    note = f"{count} metric{'s' if count != 1 else ''}" + ("; a period under 60 s" if high else "")
    return [ctx.line(r, label, "alarm metric-months", count, count, ctx.price("cloudwatch", item), note=note)]


