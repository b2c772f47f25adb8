"""Cost lines and what a pricer works with.

A line is `quantity x unit price` twice: once for the base case (the declared usage) and once
for the worst case (every cap at its maximum). A worst quantity of None means no cap bounds the
line: the worst case is unbounded and is reported so, never as a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, lru_cache
from typing import Any, Callable, Hashable, Optional, TypeVar

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


class NoCharge(Exception):
    """The resource makes no cost line of its own, and the message says why: AWS does not charge
    for it as configured (a gateway VPC endpoint), or its cost is on the lines of what it runs on
    or scales (an ECS service on EC2 instances, an auto-scaling target). A pricer never returns
    an empty list instead: the estimate would show a $0 nobody explained."""


# A cost line's fields after its component, resource and type, in order.
LineContent = tuple[str, str, Decimal, Optional[Decimal], Price, Price, Optional[tuple[Decimal, ...]], str,
                    tuple[Assumption, ...]]


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

    def content(self) -> LineContent:
        """The line without the resource and component it belongs to (`PricingContext.alike`)."""
        return (self.name, self.unit, self.base_quantity, self.worst_quantity, self.price, self.worst_price,
                self.months, self.note, self.assumptions)

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
    # Prices found so far, by (service, item, scope, region): the book does not change while a
    # graph is priced, and tens of thousands of lines look up the same few dozen prices. `region`
    # is the region of the resource being priced (`estimate` sets it per resource when the graph
    # spans regions), so it is part of the key.
    _found: dict[tuple[str, str, Optional[str], str], Optional[Price]] = field(default_factory=dict, init=False,
                                                                                 repr=False)
    # The resource the last line was made for and the name of its component (a pricer makes its
    # lines one resource at a time).
    _owner: tuple[Optional[Resource], str] = field(default=(None, ""), init=False, repr=False)
    # Resources of a type by the name of the component that owns them (see `owned`).
    _owned: dict[str, dict[str, list[Resource]]] = field(default_factory=dict, init=False, repr=False)
    # The usage model each type's pricer reads (the registry, which imports this module).
    _models: dict[str, type[Usage]] = field(default_factory=lambda: _usage_models(), init=False, repr=False)
    # Lines of resources priced alike, by type, region and key (see `alike`), without their resource.
    _alike: dict[tuple[str, str, Hashable], tuple[LineContent, ...]] = field(default_factory=dict, init=False,
                                                                        repr=False)

    @cached_property
    def days(self) -> Decimal:
        # One object for the whole estimate: schedules and storage profiles are cached by it,
        # and hashing a new 28-digit Decimal each time costs more than the lookup saves.
        return self.hours / 24

    def find(self, service: str, item: str, scope: Optional[str] = None) -> Optional[Price]:
        """The price of `item` in this region (see `PriceBook.get`), or None."""
        region = self.region
        key = (service, item, scope, region)
        try:
            return self._found[key]
        except KeyError:
            found = self._found[key] = self.book.get(service, item, region, scope=scope)
            return found

    def price(self, service: str, item: str) -> Price:
        p = self.find(service, item)
        if p is None:
            raise MissingPrice(service, item, self.region)
        return p

    def component(self, r: Resource) -> Optional[Resource]:
        return self.graph.component_of(r)

    def usage(self, r: Resource, model: type[U]) -> U:
        """`r`'s usage as `model`, every field valued (stack file, usage file or default), its
        values recorded as assumptions of the lines being priced. `model` must be the one
        registered for `r`'s type. Raises NeedsUsage when a required field has no value."""
        registered = self._models.get(r.type)
        if registered is not model:
            raise TypeError(f"{r.type} is registered with {registered}, not {model.__name__}")
        resolved, assumptions = self.usage_set.resolve(r.name, r.type, model)
        recorded = self.assumptions
        if recorded:
            # Only an assumption of the same name can be equal to one recorded: the usual case is
            # the resource's stack-file settings, named by their paths, and no usage yet.
            names = {a.name for a in recorded}
            for a in assumptions:
                if a.name not in names or a not in recorded:
                    recorded.append(a)
        else:  # the fields of one model: distinct names
            recorded.extend(assumptions)
        assert isinstance(resolved, model)  # resolve builds the model it is given
        return resolved

    def assume(self, a: Assumption) -> None:
        if a not in self.assumptions:
            self.assumptions.append(a)

    def owned(self, component: Optional[Resource], rtype: str) -> list[Resource]:
        """The resources of type `rtype` that `component` owns: those it is the nearest component
        above. Found for the whole graph the first time a type is asked about."""
        if component is None:
            return []
        index = self._owned.get(rtype)
        if index is None:
            index = self._owned[rtype] = {}
            for x in self.graph.resources:
                if x.type == rtype and x.custom:
                    c = self.graph.component_of(x)
                    if c is not None:
                        index.setdefault(c.name, []).append(x)
        return index.get(component.name, [])

    def children(self, r: Resource, *types: str) -> list[Resource]:
        return [c for c in self.graph.children.get(r.name, ()) if not types or c.type in types]

    def siblings(self, r: Resource, *types: str) -> list[Resource]:
        return [c for c in self.graph.children.get(r.parent, ()) if c is not r and (not types or c.type in types)]

    def _component_name(self, r: Resource) -> str:
        """The name of the component `r`'s lines belong to: its own for a component."""
        owner, component = self._owner
        if owner is not r:
            c = self.graph.component_of(r) if r.custom else r
            component = c.name if c is not None else r.name
            self._owner = (r, component)
        return component

    def line(self, r: Resource, name: str, unit: str, base: Decimal, worst: Optional[Decimal], price: Price,
             worst_price: Optional[Price] = None, months: Optional[tuple[Decimal, ...]] = None,
             note: str = "", assumptions: tuple[Assumption, ...] = ()) -> CostLine:
        if base < ZERO or (worst is not None and worst < ZERO):
            raise NotPriceable(f"negative quantity for {name}")
        if price.usd == ZERO and price.origin != CATALOG:  # never $0 without a word
            note = "; ".join(x for x in (note, f"priced at $0 by {price.origin} ({price.item}): {price.source}") if x)
        return CostLine(self._component_name(r), r.name, r.type, name, unit, quantity(base),
                        None if worst is None else quantity(worst), price, worst_price or price,
                        None if months is None else _months(months), note, assumptions)

    def alike(self, r: Resource, key: Hashable, build: Callable[[], list[CostLine]]) -> list[CostLine]:
        """`r`'s lines, made by `build` for the first resource of its type with this `key` and
        copied for the others. The key holds everything `build` reads besides `r`'s identity:
        the values the pricer took from the resource's inputs, its neighbours and its usage.
        Resources of one type with equal keys have the same lines but for the resource and the
        component they belong to. (A large graph holds many resources alike: the same instance
        types, sizes and schedules; building their lines is most of the cost of an estimate.)

        Usage is read (`ctx.usage`) before, to make the key, so that its assumptions are
        recorded for every resource. A build that raises is not kept. The region the resource is
        priced in is part of every key: resources alike in two regions have different prices."""
        region = self.region
        found = self._alike.get((r.type, region, key))
        if found is None:
            recorded = len(self.assumptions)
            lines = build()
            if len(self.assumptions) != recorded:  # the copies would lack them
                raise RuntimeError(f"the pricer of {r.type} read usage while making lines shared alike; "
                                   "read it before, for the key")
            self._alike[r.type, region, key] = tuple(line.content() for line in lines)
            return lines
        component, name, rtype = self._component_name(r), r.name, r.type
        return [CostLine(component, name, rtype, *content) for content in found]


_USAGE_MODELS: Optional[dict[str, type[Usage]]] = None


def _usage_models() -> dict[str, type[Usage]]:
    """The registry of usage models (`pricers` imports this module, so it is looked up on first use)."""
    global _USAGE_MODELS
    if _USAGE_MODELS is None:
        from .pricers import USAGE_MODELS

        _USAGE_MODELS = USAGE_MODELS
    return _USAGE_MODELS


class _Missing:
    """A key's mark for an input that is not set (unlike one set to None: `get(k, default)`)."""

    def __repr__(self) -> str:
        return "<not set>"


MISSING = _Missing()


def exact(value: Any) -> Hashable:
    """An input value as part of a key (`PricingContext.alike`), equal to another only when a
    pricer reads both alike: of the same type and the same text (True is not 1, 1.0 is not 1,
    -0.0 is not 0.0, Decimal 1.5 is not 1.50); dicts and lists as tuples, in their order."""
    kind = value.__class__
    if kind is str or value is None or value is MISSING:
        same: Hashable = value
        return same
    if kind is float:
        return (kind, value) if value else (kind, repr(value))
    if kind is dict:
        return kind, tuple([(k, exact(v)) for k, v in value.items()])
    if kind is list or kind is tuple:
        return kind, tuple([exact(v) for v in value])
    if kind is int or kind is bool:
        return kind, value
    if kind is Decimal:
        return kind, str(value)  # the text keeps the exponent: 1.50, 1E+2, -0
    return kind, repr(value)


def usage_key(usage: Usage) -> tuple[Hashable, ...]:
    """A resolved usage model's values as part of a key (`exact`, in field order)."""
    return tuple(exact(getattr(usage, name)) for name in type(usage).model_fields)


def picked(inputs: Any, *names: str) -> tuple[Hashable, ...]:
    """The named inputs as part of a key: `exact` values, MISSING for those not set."""
    out: list[Hashable] = []
    for name in names:  # `exact`, with its commonest cases inline: most inputs are texts and floats
        value = inputs.get(name, MISSING)
        kind = value.__class__
        if kind is str or value is MISSING or value is None:
            out.append(value)
        elif kind is float and value:
            out.append((float, value))
        else:
            out.append(exact(value))
    return tuple(out)


def number(value: Any, what: str) -> Decimal:
    """A numeric input as Decimal; unknown or missing values make the resource not priceable."""
    # Inputs repeat (sizes, counts, caps) and a graph has many: each number is converted once and
    # the same Decimal returned, whose hash is then computed once too. Keys are exact: the type
    # and the value; not a float zero (0.0 and -0.0 are one key but two texts) nor a Decimal
    # (1.5 and 1.50 are one key but two texts).
    kind = value.__class__
    if kind is float and value or kind is int or kind is str:
        key = (kind, value)
        found = _NUMBERS.get(key)
        if found is None:
            found = _number(value, what)
            if len(_NUMBERS) >= _NUMBERS_KEPT:
                _NUMBERS.clear()
            _NUMBERS[key] = found
        return found
    return _number(value, what)


_NUMBERS: dict[tuple[type, Any], Decimal] = {}
_NUMBERS_KEPT = 1 << 16


def _number(value: Any, what: str) -> Decimal:
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
    whole = d.to_integral_value()
    return whole if d == whole else d
