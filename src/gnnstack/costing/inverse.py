"""Pricing run backwards: what a budget buys.

A budget is an amount per day or per month (`7/day`, `$1500/month`). A day is a 730-hour month
divided by 30.4167 (730 / 24 days), the same month every estimate uses, so `210/month` and
`6.904.../day` are the same budget.

Lambda (seed 002, "How I built a machine learning pipeline on AWS for under $7 a day"): a
request costs `price per GB-second x GB-seconds per request + price per request`, so a budget
buys

    requests = budget / (price_per_gb_second * gb_seconds + price_per_request)

requests, rounded down to a whole request. The seed states its duration price as
0.0000166667 per GB-second but its table was computed with the rounded 0.00001667 and
0.0000002 per request (0.20 per million): with those two eight of its nine rows come out request
for request (`SEED_GB_SECOND_USD`, tests/test_solve.py). Its 64 GB-s row, 6,558, is its 32 GB-s
row halved: the formula gives 6,559, and no pair of prices gives all nine.

The monthly free tier (400,000 GB-seconds and 1M requests, both architectures together) is an
assumption, taken only when asked: spread evenly over the days of a 730-hour month, the first
13,150.68 GB-seconds and 32,876.71 requests of every day cost nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Literal, Optional

from .catalog import Price, PriceBook
from .lines import HOURS_PER_MONTH, ZERO

Per = Literal["day", "month"]
DAYS_PER_MONTH = HOURS_PER_MONTH / 24  # 30.41666...: the 730-hour month, in days

# What `--budget` accepts, for messages.
BUDGET_FORMS = "N/day or N/month, N a positive amount in USD, optionally with a leading $ (7/day, $1500/month)"
_BUDGET = re.compile(r"^\s*\$?\s*(?P<amount>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*/\s*(?P<per>day|month)\s*$")


@dataclass(frozen=True)
class Budget:
    amount: Decimal
    per: Per

    @property
    def daily(self) -> Decimal:
        return self.amount if self.per == "day" else self.amount / DAYS_PER_MONTH

    @property
    def monthly(self) -> Decimal:
        return self.amount if self.per == "month" else self.amount * DAYS_PER_MONTH

    def __str__(self) -> str:
        return f"{self.amount}/{self.per}"

    def to_json(self) -> dict[str, str]:
        return {"amount_usd": str(self.amount), "per": self.per, "usd_per_day": str(self.daily),
                "usd_per_month": str(self.monthly)}


def parse_budget(text: str) -> Budget:
    """`7/day`, `$7/day`, `1500/month` -> Budget. Anything else (another period, a negative or
    zero amount, no period) is a ValueError saying what was wrong; the caller names the option."""
    found = _BUDGET.match(text)
    if not found:
        raise ValueError(f"{text!r} is not a budget")
    amount = Decimal(found["amount"])
    if amount <= 0:
        raise ValueError(f"{text!r} is not a positive amount")
    return Budget(amount, found["per"])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- Lambda

# The catalog item of each architecture's duration price (service `lambda`).
ARCHITECTURES = {"x86_64": "duration", "arm64": "duration/arm64"}
REQUESTS_ITEM = "requests"
# The seed's table: the GB-seconds per request it lists, and the rounded price it used.
SEED_GB_SECONDS = tuple(Decimal(n) for n in (1, 32, 64, 96, 128, 160, 192, 224, 256))
SEED_GB_SECOND_USD = Decimal("0.00001667")
# The monthly free tier (aws.amazon.com/lambda/pricing, "AWS Free Tier"): both architectures together.
FREE_GB_SECONDS_PER_MONTH = Decimal(400_000)
FREE_REQUESTS_PER_MONTH = Decimal(1_000_000)
MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class FreeTier:
    gb_seconds_per_day: Decimal
    requests_per_day: Decimal

    @classmethod
    def monthly_spread(cls) -> "FreeTier":
        return cls(FREE_GB_SECONDS_PER_MONTH / DAYS_PER_MONTH, FREE_REQUESTS_PER_MONTH / DAYS_PER_MONTH)


NO_FREE_TIER = FreeTier(ZERO, ZERO)


def requests_for(budget_per_day: Decimal, gb_seconds: Decimal, gb_second_usd: Decimal, request_usd: Decimal,
                 free: FreeTier = NO_FREE_TIER) -> int:
    """The most whole requests a day whose cost stays within `budget_per_day`.

    Without a free tier: floor(budget / (gb_second_usd * gb_seconds + request_usd)). With one,
    the cost of n requests is max(0, n*gb_seconds - free GB-s) * gb_second_usd +
    max(0, n - free requests) * request_usd: piecewise linear and rising, solved segment by
    segment between the points where each free allowance runs out."""
    if gb_seconds <= 0 or budget_per_day <= 0:
        raise ValueError("gb_seconds and the budget must be positive")

    def cost(n: Decimal) -> Decimal:
        return (max(ZERO, n * gb_seconds - free.gb_seconds_per_day) * gb_second_usd
                + max(ZERO, n - free.requests_per_day) * request_usd)

    ends = sorted({free.gb_seconds_per_day / gb_seconds, free.requests_per_day} - {ZERO})
    start = ZERO
    for end in [*ends, None]:
        slope = (gb_seconds * gb_second_usd if start >= free.gb_seconds_per_day / gb_seconds else ZERO) \
            + (request_usd if start >= free.requests_per_day else ZERO)
        if slope > 0:
            n = start + (budget_per_day - cost(start)) / slope
            if end is None or n <= end:
                return int(n.to_integral_value(rounding=ROUND_FLOOR))
        elif end is None:
            raise ValueError("a request that costs nothing: no budget bounds it")
        start = end
    raise AssertionError("unreachable: the last segment always answers")


@dataclass(frozen=True)
class LambdaRow:
    gb_seconds: Decimal
    requests: dict[str, int]  # architecture -> requests a day
    at_seed_price: Optional[int]  # x86_64 at the seed's rounded duration price, when shown


@dataclass
class LambdaSolve:
    """`gnnstack solve lambda`: requests a day per GB-seconds a request, per architecture."""

    budget: Budget
    region: str
    architectures: list[str]
    duration_usd: dict[str, Decimal]  # architecture -> USD per GB-second used
    duration_prices: dict[str, Optional[Price]]  # the catalog entry, None when given on the command line
    request_price: Price
    free_tier: Optional[FreeTier]
    rows: list[LambdaRow] = field(default_factory=list)

    @property
    def request_usd(self) -> Decimal:
        return self.request_price.usd / MILLION

    @property
    def custom_price(self) -> bool:
        return any(p is None for p in self.duration_prices.values())

    def seed_difference(self) -> Optional[Decimal]:
        """The most more requests (percent, over the rows) the catalog's x86_64 price buys than the
        seed's rounded one; None when that column is not shown."""
        diffs = [(Decimal(row.requests["x86_64"]) - row.at_seed_price) / row.at_seed_price * 100
                 for row in self.rows if row.at_seed_price]
        return max(diffs) if diffs else None


class MissingLambdaPrice(LookupError):
    def __init__(self, service: str, item: str, region: str) -> None:
        super().__init__(f"{service} {item} in {region}")
        self.service, self.item, self.region = service, item, region


def solve_lambda(book: PriceBook, region: str, budget: Budget, gb_seconds: list[Decimal],
                 architectures: list[str], free_tier: bool = False,
                 gb_second_usd: Optional[Decimal] = None) -> LambdaSolve:
    """Requests a day that fit `budget` for each GB-seconds a request in `gb_seconds`, at the
    catalog's prices for `region` (the duration price `gb_second_usd` instead, when given). The
    x86_64 column comes with the seed's rounded price beside it when catalog prices are used."""
    def lookup(item: str) -> Price:
        found = book.get("lambda", item, region)
        if found is None:
            raise MissingLambdaPrice("lambda", item, region)
        return found

    request_price = lookup(REQUESTS_ITEM)
    prices: dict[str, Optional[Price]] = {}
    usd: dict[str, Decimal] = {}
    for arch in architectures:
        prices[arch] = None if gb_second_usd is not None else lookup(ARCHITECTURES[arch])
        usd[arch] = gb_second_usd if gb_second_usd is not None else lookup(ARCHITECTURES[arch]).usd
    free = FreeTier.monthly_spread() if free_tier else NO_FREE_TIER
    result = LambdaSolve(budget, region, list(architectures), usd, prices, request_price,
                         free if free_tier else None)
    seed_column = gb_second_usd is None and "x86_64" in architectures
    for gbs in gb_seconds:
        result.rows.append(LambdaRow(
            gbs, {arch: requests_for(budget.daily, gbs, usd[arch], result.request_usd, free) for arch in architectures},
            requests_for(budget.daily, gbs, SEED_GB_SECOND_USD, result.request_usd, free) if seed_column else None))
    return result
