"""The estimate: every cost line of a graph, what could not be priced, totals and a 12-month view."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import chain
from operator import attrgetter, itemgetter
from typing import Any, Iterator, Optional

from ..graph import ResourceGraph
from .catalog import PriceBook
from .lines import HOURS_PER_MONTH, MONTHS, ZERO, CostLine, MissingPrice, NoCharge, NotPriceable, PricingContext
from .pricers import FREE, PRICED_WITH, PRICERS, Pricer
from .usage import DEFAULT, Assumption, NeedsUsage, UsageSet

CENT = Decimal("0.01")
CURRENCY = "USD"


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Optional[Decimal]) -> Optional[str]:
    return None if value is None else str(cents(value))


@dataclass(frozen=True)
class Unpriced:
    resource: str
    type: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"resource": self.resource, "type": self.type, "reason": self.reason}


@dataclass(frozen=True)
class ComponentTotal:
    name: str
    type: str
    base: Decimal
    worst_case: Optional[Decimal]


@dataclass
class Estimate:
    region: str
    hours_per_month: Decimal
    lines: list[CostLine] = field(default_factory=list)
    unpriced: list[Unpriced] = field(default_factory=list)
    free: int = 0
    # Resources whose pricer made no line and said why (NoCharge): name -> (type, reason).
    no_charge: dict[str, tuple[str, str]] = field(default_factory=dict)
    components: dict[str, str] = field(default_factory=dict)  # component name -> type
    # Estimate-wide assumptions (the month's length, stack-file defaults that moved money).
    assumptions: list[Assumption] = field(default_factory=list)
    usage_file: Optional[str] = None

    def defaults_used(self) -> list[tuple[str, Assumption]]:
        """(resource, assumption) for every documented default a priced line rests on, once each."""
        seen: dict[tuple[str, Assumption], None] = {}
        for a in self.assumptions:
            if a.source == DEFAULT:
                seen.setdefault(("(stack)", a), None)
        for line in self.lines:
            for a in line.assumptions:
                if a.source == DEFAULT:
                    seen.setdefault((line.resource, a), None)
        return list(seen)

    @property
    def base(self) -> Decimal:
        return sum((line.base_quantity * line.price.usd for line in self.lines), ZERO)

    @property
    def unbounded(self) -> list[CostLine]:
        return [line for line in self.lines if line.unbounded]

    @property
    def worst_case_bounded(self) -> Decimal:
        """The worst case of every line that has one."""
        return sum((line.worst_quantity * line.worst_price.usd for line in self.lines
                    if line.worst_quantity is not None), ZERO)

    @property
    def worst_case(self) -> Optional[Decimal]:
        """None when any line is unbounded."""
        return None if self.unbounded else self.worst_case_bounded

    def by_component(self) -> list[ComponentTotal]:
        base: dict[str, Decimal] = {}
        worst: dict[str, Optional[Decimal]] = {}  # None once a line of the component is unbounded
        for line in self.lines:
            name, line_worst = line.component, line.worst_monthly
            base[name] = base.get(name, ZERO) + line.base_monthly
            so_far = worst.get(name, ZERO)
            worst[name] = None if so_far is None or line_worst is None else so_far + line_worst
        return sorted((ComponentTotal(name, self.components.get(name, ""), b, worst[name]) for name, b in base.items()),
                      key=lambda c: -c.base)

    def months(self) -> list[Decimal]:
        """Base cost in each of the next 12 months, as the graph grows."""
        growing = [line for line in self.lines if line.months]
        steady = self.base - sum((line.base_monthly for line in growing), ZERO)
        totals = [ZERO] * MONTHS  # each month summed line by line, in the lines' order
        for line in growing:
            quantities, usd = line.months or (), line.price.usd
            for m in range(MONTHS):
                totals[m] += quantities[m] * usd
        return [steady + total for total in totals]

    def top(self, n: int = 5) -> list[CostLine]:
        return sorted(self.lines, key=lambda line: -line.base_monthly)[:n]

    def summary_json(self) -> dict[str, Any]:
        return {"base": money(self.base), "worst_case": money(self.worst_case),
                "worst_case_bounded": money(self.worst_case_bounded)}

    def to_json(self) -> dict[str, Any]:
        return {
            "currency": CURRENCY,
            "region": self.region,
            "hours_per_month": str(self.hours_per_month),
            "monthly": self.summary_json(),
            "unbounded": [{"resource": line.resource, "name": line.name} for line in self.unbounded],
            "components": [{"name": c.name, "type": c.type, "base": money(c.base), "worst_case": money(c.worst_case)}
                           for c in self.by_component()],
            "lines": [line.to_json() for line in self.lines],
            "unpriced": [u.to_json() for u in self.unpriced],
            "months": [{"month": i, "base": money(v)} for i, v in enumerate(self.months(), start=1)],
            "assumptions": [a.to_json() for a in self.assumptions],
            "usage_file": self.usage_file,
            "defaults_used": [{"resource": r, **a.to_json()} for r, a in self.defaults_used()],
        }


def _option_usage(graph: ResourceGraph) -> dict[str, Any]:
    for r in graph.resources:
        if r.type.startswith("gnnstack:option:"):
            return r.inputs
    return {}


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused: pricing (and reading and writing a large plan) makes
    hundreds of thousands of small objects and no reference cycles, and each collection walks
    every object still alive, so it only costs time here (a third of a large estimate)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            if not gc.get_freeze_count():
                # What the block made still counts as new: the first allocation after enabling
                # would walk all of it (a tenth of a second over a large plan). Moved to the
                # oldest generation instead, as if it had survived.
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def estimate(graph: ResourceGraph, book: PriceBook, *, region: Optional[str] = None,
             hours: Optional[Decimal] = None, usage: Optional[UsageSet] = None) -> Estimate:
    """Price every resource of the graph with `usage` (stack file, usage file; nothing declared:
    defaults, or "needs usage"). Region and month default to what the option declares. A resource
    with a region of its own (`Resource.region`: a graph that spans regions) is priced there."""
    with no_cycle_collection():
        return _estimate(graph, book, region, hours, usage)


def _estimate(graph: ResourceGraph, book: PriceBook, region: Optional[str], hours: Optional[Decimal],
              usage: Optional[UsageSet]) -> Estimate:
    declared = _option_usage(graph)
    region = region or declared.get("region")
    if not region:
        raise ValueError("the graph declares no region; pass region=")
    if hours is None:
        hours = Decimal(str(declared.get("hoursPerMonth", HOURS_PER_MONTH)))
    usage = usage if usage is not None else UsageSet()
    names = graph.names
    strays = sorted(name for name in usage.declared if name not in names)
    if strays:  # the components and their declarations disagree: a bug, never a silent drop
        raise RuntimeError(f"usage declared for {', '.join(strays)}, which the program does not create")
    ctx = PricingContext(graph, book, region, hours, usage)
    result = Estimate(region, hours, usage_file=usage.file)
    result.assumptions.extend(usage.assumptions)
    unpriced, components, declarations = result.unpriced, result.components, usage.declared
    # Each resource's lines, to be put in order by (component, resource): all lines of one
    # resource share both, so ordering the groups orders the lines as sorting them would.
    groups: list[tuple[str, str, list[CostLine]]] = []
    free = 0
    # What to do with each type, decided once per type rather than once per resource: a graph of
    # 100,000 resources has a few dozen types.
    kinds: dict[str, Pricer | str] = {}
    for r in graph.resources:
        rtype = r.type
        kind = kinds.get(rtype)
        if kind is None:
            kind = kinds[rtype] = _kind(rtype)
        if kind is _FREE and r.custom:  # most of a graph
            free += 1
            continue
        if isinstance(kind, str):
            if kind is _SKIP:
                continue
            if not r.custom:
                components[r.name] = rtype
            else:
                unpriced.append(Unpriced(r.name, rtype, "no pricer for this resource type"))
            continue
        if not r.custom:
            components[r.name] = rtype
        ctx.region = r.region or region
        d = declarations.get(r.name)
        config = d.config if d is not None else ()
        ctx.assumptions = list(config)
        try:
            priced = kind(r, ctx)
        except NeedsUsage as e:
            unpriced.append(Unpriced(r.name, rtype, str(e)))
            continue
        except MissingPrice as e:
            unpriced.append(Unpriced(r.name, rtype, f"{e} (add it to the catalog or an override file)"))
            continue
        except NotPriceable as e:
            unpriced.append(Unpriced(r.name, rtype, str(e)))
            continue
        except NoCharge as e:
            result.no_charge[r.name] = (rtype, str(e))
            continue
        if not priced:  # a pricer that breaks its contract: never a silent $0
            unpriced.append(Unpriced(r.name, rtype, "its pricer made no cost line and gave no reason (a gnnstack "
                                                    "bug: please report it)"))
            continue
        if ctx.assumptions:
            # Nothing recorded beyond the stack-file settings: the declaration's own tuple.
            shared = config if len(ctx.assumptions) == len(config) else tuple(ctx.assumptions)
            for line in priced:  # the lines were made just now, by this loop's pricer
                line.assumptions = shared + line.assumptions
        first = priced[0]
        groups.append((first.component, first.resource, priced))
    result.free = free
    # Capture order follows the program's async registrations; reports need a stable order.
    groups.sort(key=itemgetter(0, 1))
    result.lines = list(chain.from_iterable(lines for _, _, lines in groups))
    unpriced.sort(key=attrgetter("resource"))
    for component, _, lines in groups:
        if component not in components:
            c = names.get(component)
            components[component] = c.type if c is not None else lines[0].resource_type
    return result


# How `estimate` treats a type without a pricer: skipped (provider objects), free or priced with
# another resource, or listed as unpriced (a component: listed among the components).
_SKIP, _FREE, _NO_PRICER = "skip", "free", "no pricer"


def _kind(rtype: str) -> Pricer | str:
    """A type's pricer, or what to do with a type that has none."""
    if rtype.startswith("pulumi:providers:"):
        return _SKIP
    fn = PRICERS.get(rtype)
    if fn is not None:
        return fn
    return _FREE if rtype in FREE or rtype in PRICED_WITH else _NO_PRICER
