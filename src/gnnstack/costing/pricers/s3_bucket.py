"""S3 buckets: storage by class, following the bucket's lifecycle transitions as data ages.

What the bucket holds is its usage (`BucketUsage`): datasets by prefix, each an initial load
(as old as the priced day) plus daily growth (spread evenly in age). Data of age `a` sits in the
class of the last transition with `days <= a` under the first rule whose prefix covers it.
Worst case: the size after 12 months of growth (storage has no cap; the horizon bounds it).
Requests, when the usage declares them (inference reads and writes per item), are priced as
declared in both cases: S3 has no request cap, and what issues them bounds them."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any, Optional

from ._registry import pricer
from ..lines import MONTHS, CostLine, PricingContext, number
from ..usage import Usage, usage_field
from ...graph import Resource

LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
STANDARD = "STANDARD"
MAX_GB = 10 ** 9  # an exabyte: anything above is a unit mistake


class Dataset(Usage):
    prefix: str = usage_field("", "Key prefix the data lives under (lifecycle rules match it)", "", ge=None)
    initial_gb: Decimal = usage_field("GB", "GB stored when the priced period starts", le=MAX_GB)
    growth_gb_per_day: Decimal = usage_field("GB/day", "GB added a day", Decimal(0), le=MAX_GB)


class BucketUsage(Usage):
    title = "S3 bucket"
    datasets: tuple[Dataset, ...] = usage_field("GB", "What the bucket holds, by prefix", ge=None)
    priced_at_day: Optional[Decimal] = usage_field(
        "days", "Age of the data, in days of growth, at the end of the first priced month", None, le=36500,
        default_text="the end of the priced month")
    put_requests_per_month: Optional[Decimal] = usage_field(
        "requests/month", "PUT, COPY, POST and LIST requests a month", None, le=10 ** 13,
        default_text="none declared", quiet=True)
    get_requests_per_month: Optional[Decimal] = usage_field(
        "requests/month", "GET and SELECT requests a month", None, le=10 ** 13, default_text="none declared",
        quiet=True)


def transitions_for(prefix: str, rules: list[dict[str, Any]]) -> list[tuple[Decimal, str]]:
    for rule in rules:
        rule_prefix = ((rule.get("filter") or {}).get("prefix")) or rule.get("prefix") or ""
        if rule.get("status") == "Enabled" and rule.get("transitions") and prefix.startswith(rule_prefix):
            return sorted((number(t.get("days", 0), "transition days"), t["storageClass"])
                          for t in rule["transitions"])
    return []


def by_class(initial: Decimal, growth: Decimal, day: Decimal,
             transitions: list[tuple[Decimal, str]]) -> dict[str, Decimal]:
    """GB per storage class on `day`."""
    bounds = [(Decimal(0), STANDARD)] + transitions
    out: dict[str, Decimal] = {}
    for i, (start, cls) in enumerate(bounds):
        end = bounds[i + 1][0] if i + 1 < len(bounds) else None
        overlap = (min(end, day) if end is not None else day) - start
        if overlap > 0:
            out[cls] = out.get(cls, Decimal(0)) + growth * overlap
        if start <= day and (end is None or day < end):
            out[cls] = out.get(cls, Decimal(0)) + initial
    return out


@lru_cache(maxsize=4096)
def _months(initial: Decimal, growth: Decimal, day0: Decimal, days: Decimal,
            transitions: tuple[tuple[Decimal, str], ...]) -> dict[str, tuple[Decimal, ...]]:
    """GB per class in each of the 12 projected months (buckets declared alike share it)."""
    out: dict[str, list[Decimal]] = {}
    for m in range(MONTHS):
        for cls, gb in by_class(initial, growth, day0 + m * days, list(transitions)).items():
            out.setdefault(cls, [Decimal(0)] * MONTHS)[m] += gb
    return {cls: tuple(v) for cls, v in out.items()}


# A dataset as its storage profile depends on it: initial GB, GB a day, lifecycle transitions.
DatasetKey = tuple[Decimal, Decimal, tuple[tuple[Decimal, str], ...]]


@lru_cache(maxsize=4096)
def _bucket_months(datasets: tuple[DatasetKey, ...], day0: Decimal,
                   days: Decimal) -> tuple[tuple[str, tuple[Decimal, ...]], ...]:
    """GB per class in each projected month for datasets (initial GB, growth a day, transitions),
    STANDARD first (buckets declared alike share it)."""
    per_class: dict[str, list[Decimal]] = {}
    for initial, growth, transitions in datasets:
        for cls, months in _months(initial, growth, day0, days, transitions).items():
            totals = per_class.setdefault(cls, [Decimal(0)] * MONTHS)
            for m, gb in enumerate(months):
                totals[m] += gb
    return tuple((cls, tuple(months)) for cls, months in sorted(per_class.items(), key=lambda kv: kv[0] != STANDARD))


@pricer("aws:s3/bucket:Bucket", usage=BucketUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    usage = ctx.usage(r, BucketUsage)
    rules: list[dict[str, Any]] = []
    for lc in ctx.children(r, LIFECYCLE):
        rules.extend(lc.inputs.get("rules") or [])
    day0 = ctx.days if usage.priced_at_day is None else usage.priced_at_day
    datasets = tuple((ds.initial_gb, ds.growth_gb_per_day, tuple(transitions_for(ds.prefix, rules)))
                     for ds in usage.datasets)
    # Sizes are summed and quantized, so equal numbers make equal lines whatever their digits.
    requests = (usage.put_requests_per_month, usage.get_requests_per_month)
    return ctx.alike(r, (datasets, day0, requests), lambda: _lines(r, ctx, datasets, day0, requests))


def _lines(r: Resource, ctx: PricingContext, datasets: tuple[DatasetKey, ...], day0: Decimal,
           requests: tuple[Optional[Decimal], Optional[Decimal]]) -> list[CostLine]:
    lines = [ctx.line(r, f"Storage ({cls})", "GB-months", months[0], max(months), ctx.price("s3", f"storage/{cls}"),
                      months=months, note="size at the end of each month; worst: the largest in 12 months")
             for cls, months in _bucket_months(datasets, day0, ctx.days)]
    for count, name, item in zip(requests, ("Requests (PUT, COPY, POST, LIST)", "Requests (GET, SELECT)"),
                                 ("requests/put", "requests/get")):
        if count is not None:
            lines.append(ctx.line(r, name, "1K requests", count / 1000, count / 1000, ctx.price("s3", item),
                                  note="as declared: S3 has no request cap"))
    return lines
