"""Actual cost (as Cost Explorer reports it, day by day and service by service) next to the
estimate: the estimate's monthly base spread evenly over the days of its month, the difference
per day, in total and per AWS service, and the services that explain most of the gap.

Data only, no AWS calls: `gnnstack.budgets` reads Cost Explorer into `ActualDay`s,
`gnnstack.outputs` renders the `ActualsReport`.

What Cost Explorer did not report stays unreported: a day with no cost under the tag is
"no data" (actual None), not $0, and is left out of the totals on both sides (the totals say
how many days they cover). A service the estimate prices but Cost Explorer never reported in
the period has actual None; its difference is the estimate it did not see, minus."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Optional

from .services import line_service

ZERO = Decimal(0)
HOURS_PER_DAY = Decimal(24)
# The services named as explaining the gap: the biggest differences that together make up this
# share of all the services' differences (by absolute value).
EXPLAINS = Decimal("0.8")


@dataclass(frozen=True)
class ActualDay:
    """One day of Cost Explorer's answer: UnblendedCost by service (only the services it
    reported), and whether the figures are still Cost Explorer's estimate (`Estimated`)."""
    day: date
    services: dict[str, Decimal]
    estimated: bool = False

    @property
    def total(self) -> Optional[Decimal]:
        """None: Cost Explorer reported nothing under the tag that day."""
        return sum(self.services.values(), ZERO) if self.services else None


def percent(difference: Optional[Decimal], base: Decimal) -> Optional[Decimal]:
    """`difference` as a percentage of `base`; None when base is 0 or a side is missing."""
    if difference is None or base == 0:
        return None
    return difference * 100 / base


@dataclass(frozen=True)
class DayRow:
    day: date
    actual: Optional[Decimal]
    estimate: Decimal
    estimated: bool  # Cost Explorer's figure is not final yet

    @property
    def difference(self) -> Optional[Decimal]:
        return None if self.actual is None else self.actual - self.estimate

    @property
    def percent(self) -> Optional[Decimal]:
        return percent(self.difference, self.estimate)


@dataclass(frozen=True)
class ServiceRow:
    service: str
    actual: Optional[Decimal]  # None: Cost Explorer reported nothing for it in the period
    estimate: Decimal
    note: str = ""

    @property
    def difference(self) -> Decimal:
        return (self.actual or ZERO) - self.estimate

    @property
    def percent(self) -> Optional[Decimal]:
        return percent(self.difference, self.estimate)


@dataclass
class ActualsReport:
    stack: str
    tag: tuple[str, str]
    start: date  # first day
    end: date  # the day after the last (Cost Explorer's exclusive end)
    monthly_base: Decimal
    days_per_month: Decimal
    month_basis: str  # where the month's length comes from, in words
    days: list[DayRow]
    services: list[ServiceRow]  # biggest difference first
    unpriced: int = 0  # resources the estimate could not price: the estimate side lacks them
    notes: list[str] = field(default_factory=list)

    @property
    def per_day(self) -> Decimal:
        return self.monthly_base / self.days_per_month

    @property
    def reported(self) -> list[DayRow]:
        return [d for d in self.days if d.actual is not None]

    @property
    def actual(self) -> Decimal:
        return sum((d.actual for d in self.reported if d.actual is not None), ZERO)

    @property
    def estimate(self) -> Decimal:
        """The estimate over the days Cost Explorer reported."""
        return self.per_day * len(self.reported)

    @property
    def difference(self) -> Decimal:
        return self.actual - self.estimate

    @property
    def percent(self) -> Optional[Decimal]:
        return percent(self.difference, self.estimate)

    def explaining(self) -> list[ServiceRow]:
        """The fewest services, biggest difference first, whose differences make up EXPLAINS of
        all the differences (by absolute value)."""
        whole = sum((abs(s.difference) for s in self.services), ZERO)
        out: list[ServiceRow] = []
        covered = ZERO
        for s in self.services:
            if whole == 0 or covered >= whole * EXPLAINS or s.difference == 0:
                break
            out.append(s)
            covered += abs(s.difference)
        return out


def compare_actuals(stack: str, tag: tuple[str, str], start: date, end: date, days: list[ActualDay],
                    estimate: Any, month_basis: str) -> ActualsReport:
    """Put Cost Explorer's `days` (one per day from `start` to before `end`) next to `estimate`
    (an `Estimate`: its lines' monthly base, its hours a month)."""
    by_day = {d.day: d for d in days}
    expected = [date.fromordinal(n) for n in range(start.toordinal(), end.toordinal())]
    strays = sorted(set(by_day) - set(expected))
    if strays:
        raise ValueError(f"Cost Explorer days outside {start}..{end}: {strays}")
    days_per_month = estimate.hours_per_month / HOURS_PER_DAY
    monthly: dict[str, Decimal] = {}
    notes: dict[str, str] = {}
    for line in estimate.lines:
        service, note = line_service(line)
        monthly[service] = monthly.get(service, ZERO) + line.base_monthly
        if note:
            notes[service] = note
    base = sum(monthly.values(), ZERO)
    rows = [DayRow(d, by_day[d].total if d in by_day else None, base / days_per_month,
                   by_day[d].estimated if d in by_day else False) for d in expected]
    reported = [by_day[d] for d in expected if d in by_day and by_day[d].total is not None]
    actual: dict[str, Decimal] = {}
    for d in reported:
        for service, amount in d.services.items():
            actual[service] = actual.get(service, ZERO) + amount
    n = len(reported)
    services = [ServiceRow(s, actual.get(s), monthly.get(s, ZERO) / days_per_month * n, notes.get(s, ""))
                for s in set(monthly) | set(actual)]
    services.sort(key=lambda s: (-abs(s.difference), s.service))
    report = ActualsReport(stack, tag, start, end, base, days_per_month, month_basis, rows, services,
                           unpriced=len(estimate.unpriced))
    if n < len(expected):
        report.notes.append(f"{len(expected) - n} of {len(expected)} day(s) have no cost under the tag; "
                            "the totals cover the other days only")
    if any(d.estimated for d in rows):
        report.notes.append("days marked ~ are Cost Explorer's own estimate and may still change")
    if report.unpriced:
        report.notes.append(f"{report.unpriced} resource(s) could not be priced: the estimate side lacks them "
                            "(see gnnstack preview)")
    return report
