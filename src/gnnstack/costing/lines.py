"""Cost lines and what a pricer works with.

A line is `quantity x unit price` twice: once for the base case (the declared usage) and once
for the worst case (every cap at its maximum). A worst quantity of None means no cap bounds the
line: the worst case is unbounded and is reported so, never as a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, Optional, TypeVar

from ..graph import Resource, ResourceGraph
from .catalog import CATALOG, Price, PriceBook
from .usage import Assumption, Usage, UsageSet

U = TypeVar("U", bound=Usage)
HOURS_PER_MONTH = Decimal(730)
MONTHS = 12
ZERO = Decimal(0)
_CONFIDENCE_ORDER = {"verified": 0, "derived": 1, "estimate": 2}
# Quantities are kept to a millionth of a unit, so that every line's cost is exactly
# quantity x unit price and reads without 28 digits of division noise.
QUANTUM = Decimal("0.000001")


def quantity(q: Decimal) -> Decimal:
    whole = q.to_integral_value()
    if q == whole:
        return whole
    return q.quantize(QUANTUM, rounding=ROUND_HALF_UP).normalize()


@lru_cache(maxsize=4096)
def _months(months: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
    """A 12-month profile, quantized (resources that grow alike share one)."""
    return tuple(quantity(m) for m in months)


class MissingPrice(Exception):
    """The catalog has no price for a line item in this region: the resource is unpriced."""

    def __init__(self, service: str, item: str, region: str) -> None:
        super().__init__(f"no price for {service} {item} in {region}")
        self.key = (service, item, region)


class NotPriceable(Exception):
    """The resource's inputs do not say enough to price it (e.g. an unknown instance type)."""


# Slots, not frozen: a frozen dataclass sets each field through object.__setattr__, six times
# slower to build, and an estimate builds tens of thousands of lines. Lines are not changed once
# `estimate` has attached their assumptions.
@dataclass(slots=True)
class CostLine:
    component: str
    resource: str
    resource_type: str
    name: str
    unit: str
    base_quantity: Decimal
    worst_quantity: Optional[Decimal]  # None: no cap bounds it
    price: Price
    worst_price: Price
    months: Optional[tuple[Decimal, ...]] = None  # quantity in each projected month, when it grows
    note: str = ""
    # What the line rests on: usage values, stack-file settings, catalog factors, with sources.
    assumptions: tuple[Assumption, ...] = ()

    @property
    def unit_price(self) -> Decimal:
        return self.price.usd

    @property
    def worst_unit_price(self) -> Decimal:
        return self.worst_price.usd

    @property
    def base_monthly(self) -> Decimal:
        return self.base_quantity * self.price.usd

    @property
    def worst_monthly(self) -> Optional[Decimal]:
        return None if self.worst_quantity is None else self.worst_quantity * self.worst_price.usd

    @property
    def unbounded(self) -> bool:
        return self.worst_quantity is None

    def monthly_in(self, month: int) -> Decimal:
        """Base cost in projected month `month` (1-based)."""
        q = self.months[month - 1] if self.months else self.base_quantity
        return q * self.price.usd

    def to_json(self) -> dict[str, Any]:
        worst = self.worst_monthly
        return {
            "component": self.component, "resource": self.resource, "type": self.resource_type,
            "name": self.name, "unit": self.unit,
            "base_quantity": str(self.base_quantity),
            "worst_case_quantity": None if self.worst_quantity is None else str(self.worst_quantity),
            "unit_price": str(self.unit_price), "worst_case_unit_price": str(self.worst_unit_price),
            "base_monthly": str(self.base_monthly), "worst_case_monthly": None if worst is None else str(worst),
            "price": self.price.to_json(),
            **({"worst_case_price": self.worst_price.to_json()} if self.worst_price != self.price else {}),
            **({"note": self.note} if self.note else {}),
            "assumptions": [a.to_json() for a in self.assumptions],
        }


def derived(base: Price, factor: Decimal, item: str, rule: str, *others: Price) -> Price:
    """A price computed from others: its confidence is the weakest of theirs, at best 'derived'."""
    inputs = (base, *others)
    worst = max(inputs, key=lambda p: _CONFIDENCE_ORDER[p.confidence])
    confidence = worst.confidence if worst.confidence != "verified" else "derived"
    origin = next((p.origin for p in inputs if p.origin != CATALOG), CATALOG)
    return Price(base.service, item, base.region, base.unit, base.usd * factor, confidence,
                 min(p.as_of for p in inputs), rule, origin)


@dataclass
class PricingContext:
    """What a pricer may read: the graph around the resource, the prices, the month, and usage
    through the typed contract (`usage`)."""

    graph: ResourceGraph
    book: PriceBook
    region: str
    hours: Decimal = HOURS_PER_MONTH
    usage_set: UsageSet = field(default_factory=UsageSet)
    # Assumptions recorded while the current resource is priced; `estimate` attaches them.
    assumptions: list[Assumption] = field(default_factory=list)

    @property
    def days(self) -> Decimal:
        return self.hours / 24

    def price(self, service: str, item: str) -> Price:
        p = self.book.get(service, item, self.region)
        if p is None:
            raise MissingPrice(service, item, self.region)
        return p

    def component(self, r: Resource) -> Optional[Resource]:
        return self.graph.component_of(r)

    def usage(self, r: Resource, model: type[U]) -> U:
        """`r`'s usage as `model`, every field valued (stack file, usage file or default), its
        values recorded as assumptions of the lines being priced. `model` must be the one
        registered for `r`'s type. Raises NeedsUsage when a required field has no value."""
        from .pricers import USAGE_MODELS

        if USAGE_MODELS.get(r.type) is not model:
            raise TypeError(f"{r.type} is registered with {USAGE_MODELS.get(r.type)}, not {model.__name__}")
        resolved, assumptions = self.usage_set.resolve(r.name, r.type, model)
        for a in assumptions:
            self.assume(a)
        return resolved  # type: ignore[return-value]

    def assume(self, a: Assumption) -> None:
        if a not in self.assumptions:
            self.assumptions.append(a)

    def children(self, r: Resource, *types: str) -> list[Resource]:
        return [c for c in self.graph.children.get(r.name, ()) if not types or c.type in types]

    def siblings(self, r: Resource, *types: str) -> list[Resource]:
        return [c for c in self.graph.children.get(r.parent, ()) if c is not r and (not types or c.type in types)]

    def line(self, r: Resource, name: str, unit: str, base: Decimal, worst: Optional[Decimal], price: Price,
             worst_price: Optional[Price] = None, months: Optional[tuple[Decimal, ...]] = None,
             note: str = "", assumptions: tuple[Assumption, ...] = ()) -> CostLine:
        if base < 0 or (worst is not None and worst < 0):
            raise NotPriceable(f"negative quantity for {name}")
        c = r if not r.custom else self.graph.component_of(r)  # a component prices its own lines
        if price.usd == 0 and price.overridden:  # never $0 without a word
            note = "; ".join(x for x in (note, f"priced at $0 by {price.origin} ({price.item}): {price.source}") if x)
        return CostLine(c.name if c is not None else r.name, r.name, r.type, name, unit, quantity(base),
                        None if worst is None else quantity(worst), price, worst_price or price,
                        None if months is None else _months(months), note, assumptions)


def number(value: Any, what: str) -> Decimal:
    """A numeric input as Decimal; unknown or missing values make the resource not priceable."""
    if isinstance(value, bool) or value is None:
        raise NotPriceable(f"{what} is not set")
    try:
        d = Decimal(str(value))
    except Exception:
        raise NotPriceable(f"{what} is {value!r}, not a number (unknown until deploy?)") from None
    if not d.is_finite():
        raise NotPriceable(f"{what} is {value!r}")
    if d < 0:
        raise NotPriceable(f"{what} is negative ({value})")
    return d.to_integral_value() if d == d.to_integral_value() else d
