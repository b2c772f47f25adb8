"""Lifetime cost: what an experiment costs until its TTL expires, from the monthly estimate.

An experiment stack carries an expiry (`ttl: {hours: N}` or `ttl: {expires_at: ...}` in the
stack file; the components tag every resource with `gnnstack:expires-at`). The estimate prices a
month; this module prorates it over the hours left until the expiry. Pure functions: the
estimate, the expiry and the current time in, a `Lifetime` out. Production stacks have no TTL
and so no lifetime cost (None).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Optional

from ..clock import iso
from .estimate import Estimate, money

HOUR_SECONDS = 3600


def hours_to_expiry(expires_at: datetime, now: datetime) -> int:
    """Whole hours from `now` until `expires_at`, a started hour counting as a whole one (0 once
    expired). A `ttl: {hours: N}` expiry is set from the start of the current hour, so it gives
    exactly N hours at any minute of that hour."""
    if expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    seconds = (expires_at - now).total_seconds()
    return max(0, math.ceil(seconds / HOUR_SECONDS))


@dataclass(frozen=True)
class Lifetime:
    """The cost until the stack expires. `worst_case` is None when a line has no cap
    (`unbounded` lines); `worst_case_bounded` is then the prorated worst case of the others."""

    hours: int
    expires_at: Optional[datetime]
    hours_per_month: Decimal
    base: Decimal
    worst_case: Optional[Decimal]
    worst_case_bounded: Decimal
    unbounded: int = 0  # lines with no cap

    def to_json(self) -> dict[str, Any]:
        return {"hours": self.hours, "expires_at": iso(self.expires_at) if self.expires_at else None,
                "base": money(self.base), "worst_case": money(self.worst_case),
                "worst_case_bounded": money(self.worst_case_bounded)}


def lifetime_cost(estimate: Estimate, hours: int, expires_at: Optional[datetime] = None) -> Lifetime:
    """The estimate prorated over `hours`: monthly x hours / hours_per_month, base and worst case.

    Kept simple on purpose:
    - every line is prorated by hours, storage-like lines too (a month's GB-month price over the
      hours the stack lives), as are lines that bill by run or by request;
    - the monthly figures are the estimate's base and worst case as they stand (storage's worst
      case is still its 12-month size); a TTL longer than one month uses those same monthly
      figures pro rata, with no month-by-month growth (the 12-month view is not consulted);
    - an unbounded line makes the worst case None, as in the monthly estimate, and
      `worst_case_bounded` prorates the lines that have a cap.
    Money stays Decimal; reports print it in cents."""
    if hours < 0:
        raise ValueError(f"hours must not be negative, got {hours}")
    h = Decimal(hours)
    per_month = estimate.hours_per_month

    def prorate(monthly: Decimal) -> Decimal:
        return monthly * h / per_month

    bounded = prorate(estimate.worst_case_bounded)
    worst = estimate.worst_case
    return Lifetime(hours=hours, expires_at=expires_at,
                    hours_per_month=per_month, base=prorate(estimate.base),
                    worst_case=None if worst is None else bounded, worst_case_bounded=bounded,
                    unbounded=len(estimate.unbounded))


def until_expiry(estimate: Estimate, expires_at: Optional[datetime], now: datetime) -> Optional[Lifetime]:
    """The cost from `now` until `expires_at`; None when the stack has no expiry (no TTL)."""
    if expires_at is None:
        return None
    return lifetime_cost(estimate, hours_to_expiry(expires_at, now), expires_at)
