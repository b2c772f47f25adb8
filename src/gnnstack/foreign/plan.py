"""Pricing a foreign plan: the before and after graphs with one price book and one usage, and the
change per resource and in total."""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain
from operator import attrgetter, itemgetter
from json.encoder import encode_basestring_ascii as encode_string
from typing import Any, Callable, Optional

from ..costing.catalog import PriceBook
from ..costing.estimate import CURRENCY, Estimate, Unpriced, estimate, money, no_cycle_collection
from ..costing.lines import ZERO
from ..costing.pricers import FREE, PRICED_WITH, PRICERS, USAGE_MODELS
from ..costing.usage import DEFAULT, Declared, UsageSet, check_values
from ..errors import ConfigError
from ..graph import ResourceGraph
from .load import AWS_PACKAGES, Change, ForeignPlan, NotPriced

NO_PRICER = "no pricer for this resource type"


# Slots, not frozen: a plan has tens of thousands of these, and a frozen dataclass sets each field
# through object.__setattr__. They are not changed once made.
@dataclass(slots=True)
class Side:
    """One resource's monthly cost on one side (before or after): None when it is not there."""

    base: Decimal
    worst: Optional[Decimal]  # None: unbounded
    priced: bool  # False: there, but unpriced or unsupported (its cost is not known)
    # A type that costs nothing itself (FREE), is priced with another (PRICED_WITH), or whose pricer
    # made no line because another resource's lines count its cost.
    free: bool = False


@dataclass(slots=True)
class ResourceChange:
    name: str
    type: str
    op: str
    region: Optional[str]
    before: Optional[Side]
    after: Optional[Side]

    @property
    def base_change(self) -> Decimal:
        return (self.after.base if self.after else ZERO) - (self.before.base if self.before else ZERO)

    @property
    def worst_change(self) -> Optional[Decimal]:
        b = ZERO if self.before is None else self.before.worst
        a = ZERO if self.after is None else self.after.worst
        return None if a is None or b is None else a - b

    def to_json(self) -> dict[str, Any]:
        def side(s: Optional[Side]) -> Optional[dict[str, Any]]:
            if s is None:
                return None
            return {"base": money(s.base), "worst_case": money(s.worst), "priced": s.priced, "free": s.free}

        return {"resource": self.name, "type": self.type, "op": self.op, "region": self.region,
                "before": side(self.before), "after": side(self.after),
                "change": {"base": money(self.base_change), "worst_case": money(self.worst_change)}}


@dataclass
class PlanEstimate:
    """The priced plan: both estimates, per-resource changes, and what was not priced."""

    plan: ForeignPlan
    before: Estimate
    after: Estimate
    resources: list[ResourceChange] = field(default_factory=list)
    # Unpriced resources of a supported type (needs usage, missing price, inputs unknown), per side.
    unpriced_before: list[Unpriced] = field(default_factory=list)
    unpriced_after: list[Unpriced] = field(default_factory=list)
    # AWS types with no pricer (and not free): type -> resource names.
    unsupported: dict[str, list[str]] = field(default_factory=dict)
    prices: Optional[str] = None

    @property
    def not_priced(self) -> list[NotPriced]:
        return self.plan.not_priced

    @property
    def free(self) -> list[tuple[str, str, int]]:
        """(type, why, how many) of the resources shown as free, by type and reason: a type AWS
        does not charge for, one priced with another resource, or a resource whose pricer said
        why it has no line of its own (NoCharge). Never a $0 nobody explained."""
        counts: Counter[tuple[str, str]] = Counter()
        for r in self.resources:
            side = r.after or r.before
            if side is None or not side.free:
                continue
            why = FREE.get(r.type) or PRICED_WITH.get(r.type)
            if why is None:
                _, why = (self.after.no_charge.get(r.name) if r.after is not None else None) \
                    or self.before.no_charge[r.name]
            counts[r.type, why] += 1
        return [(rtype, why, n) for (rtype, why), n in sorted(counts.items())]

    @property
    def providers(self) -> dict[str, int]:
        """Other providers' resources, counted by provider."""
        return dict(sorted(Counter(x.provider for x in self.plan.not_priced).items()))

    @property
    def base_change(self) -> Decimal:
        return self.after.base - self.before.base

    @property
    def worst_change(self) -> Optional[Decimal]:
        a, b = self.after.worst_case, self.before.worst_case
        return None if a is None or b is None else a - b

    @property
    def unsupported_count(self) -> int:
        return sum(len(v) for v in self.unsupported.values())

    def to_json(self) -> dict[str, Any]:
        with no_cycle_collection():
            return self._to_json(_resources_json(self.resources))

    def json_text(self, extra: Optional[dict[str, Any]] = None, indent: Optional[int] = None) -> str:
        """`json.dumps({**self.to_json(), **extra}, indent=indent, sort_keys=True)`: the same text.
        Compact (indent None, the large plans), the resource rows are written here, each from a
        few memoized pieces, rather than built as dicts and walked again by the encoder: that was a
        sixth of `gnnstack estimate plan.json --format json` on 10,000 resources."""
        if indent is not None:
            doc = self.to_json()
            doc.update(extra or {})
            return json.dumps(doc, indent=indent, sort_keys=True)
        with no_cycle_collection():
            # The rows go where a placeholder no other value can equal is written.
            placeholder = f"\x00resources {os.urandom(16).hex()}\x00"
            doc = self._to_json(placeholder)
            doc.update(extra or {})
            text = json.dumps(doc, sort_keys=True)
            written = json.dumps(placeholder)
            assert text.count(written) == 1
            return text.replace(written, _resources_text(self.resources), 1)

    def _to_json(self, resources: Any) -> dict[str, Any]:
        p = self.plan
        # Each total summed once: an Estimate's properties sum its lines on every read.
        before, before_worst, before_json = _totals(self.before)
        after, after_worst, after_json = _totals(self.after)
        return {
            "file": p.path, "shape": p.shape, "stack": p.stack, "project": p.project, "currency": CURRENCY,
            "hours_per_month": str(self.after.hours_per_month),
            "regions": sorted({r.region for r in chain(p.after.resources, p.before.resources) if r.region}),
            "monthly": {"before": before_json if p.has_before else None,
                        "after": after_json,
                        "change": {"base": money(after - before),  # base_change
                                   "worst_case": money(None if after_worst is None or before_worst is None
                                                       else after_worst - before_worst)}  # worst_change
                        if p.has_before else None},
            "changes": dict(sorted(Counter(map(_op, p.changes)).items())),
            "resources": resources,
            "unpriced": {"before": [u.to_json() for u in self.unpriced_before] if p.has_before else None,
                         "after": [u.to_json() for u in self.unpriced_after]},
            "unsupported_types": [{"type": t, "count": len(n), "resources": n} for t, n in self.unsupported.items()],
            "not_priced": [{"resource": x.name, "type": x.type, "provider": x.provider, "op": x.op}
                           for x in p.not_priced],
            "free": [{"type": t, "reason": why, "count": n} for t, why, n in self.free],
            "providers": self.providers,
            # Per resource, not per line: a 10,000-resource plan's lines would be most of the document
            # and of its time. Lines and their prices: `gnnstack preview --format json` on gnnstack's
            # own stacks; here, the resource's figures with its region and the defaults below.
            "prices": {"catalog": "gnnstack/data/prices", "overrides": self.prices},
            "usage_file": self.after.usage_file,
            "defaults_used": [{"resource": r, **a.to_json()} for r, a in self.after.defaults_used()],
        }


def _totals(e: Estimate) -> tuple[Decimal, Optional[Decimal], dict[str, Any]]:
    """`e.base`, `e.worst_case` and `e.summary_json()`, each line summed once."""
    base, bounded = e.base, e.worst_case_bounded
    worst = None if e.unbounded else bounded  # Estimate.worst_case
    return base, worst, {"base": money(base), "worst_case": money(worst), "worst_case_bounded": money(bounded)}


_op = attrgetter("op")


def _money_memo() -> Callable[[Optional[Decimal]], Optional[str]]:
    """`money`, once per distinct amount: a large plan's rows repeat a few hundred amounts (alike
    resources cost alike). Zero is told apart by sign (0 and -0 are equal and hash alike, but
    `money` writes "0.00" and "-0.00"); every other amount equal to another rounds alike."""
    memo: dict[Decimal, Optional[str]] = {}
    zero, signed_zero = money(ZERO), money(ZERO.copy_negate())

    def cached(value: Optional[Decimal]) -> Optional[str]:
        if value is None:
            return None
        if not value:
            return signed_zero if value.is_signed() else zero
        text = memo.get(value)
        if text is None:
            text = memo[value] = money(value)
        return text

    return cached


def _resources_json(resources: list[ResourceChange]) -> list[dict[str, Any]]:
    """`[r.to_json() for r in resources]`, the same dicts built with one memo of amounts."""
    m = _money_memo()

    def side(s: Optional[Side]) -> Optional[dict[str, Any]]:
        if s is None:
            return None
        return {"base": m(s.base), "worst_case": m(s.worst), "priced": s.priced, "free": s.free}

    out = []
    for r in resources:
        before, after = r.before, r.after
        b = before.base if before is not None else ZERO
        a = after.base if after is not None else ZERO
        wb = ZERO if before is None else before.worst
        wa = ZERO if after is None else after.worst
        out.append({"resource": r.name, "type": r.type, "op": r.op, "region": r.region,
                    "before": side(before), "after": side(after),
                    "change": {"base": m(a - b),
                               "worst_case": None if wa is None or wb is None else m(wa - wb)}})
    return out


def _resources_text(resources: list[ResourceChange]) -> str:
    """`json.dumps(_resources_json(resources), sort_keys=True)`, written directly: keys in sorted
    order, the encoder's separators (", " and ": ") and its string escaping (ASCII). Resources
    alike (type, op, region and both sides' figures) share one text but for their names."""
    m = _money_memo()
    strings: dict[Optional[str], str] = {None: "null"}

    def text(value: Optional[str]) -> str:  # a string (or None) as JSON, as json.dumps writes it
        found = strings.get(value)
        if found is None:  # a string not seen yet (None is in `strings` from the start)
            found = strings[value] = encode_string(str(value))
        return found

    def side(s: Optional[Side]) -> str:
        if s is None:
            return "null"
        return (f'{{"base": {text(m(s.base))}, "free": {"true" if s.free else "false"}, '
                f'"priced": {"true" if s.priced else "false"}, "worst_case": {text(m(s.worst))}}}')

    # Everything before the name, by what it is written from. Equal amounts write alike (the
    # sides' sums start from ZERO, so none is a -0 that would equal 0 but write "-0.00").
    heads: dict[tuple[Any, ...], str] = {}
    rows = []
    for r in resources:
        before, after = r.before, r.after
        key = (r.type, r.op, r.region,
               None if before is None else (before.base, before.worst, before.priced, before.free),
               None if after is None else (after.base, after.worst, after.priced, after.free))
        head = heads.get(key)
        if head is None:
            b = before.base if before is not None else ZERO
            a = after.base if after is not None else ZERO
            wb = ZERO if before is None else before.worst
            wa = ZERO if after is None else after.worst
            worst = None if wa is None or wb is None else m(wa - wb)
            head = heads[key] = (f'{{"after": {side(after)}, "before": {side(before)}, "change": '
                                 f'{{"base": {text(m(a - b))}, "worst_case": {text(worst)}}}, "op": {text(r.op)}, '
                                 f'"region": {text(r.region)}, "resource": ')
        rows.append(f'{head}{encode_string(r.name)}, "type": {text(r.type)}}}')
    return "[" + ", ".join(rows) + "]"


def _kind(rtype: str) -> str:
    if rtype in PRICERS:
        return "priced"
    if rtype in FREE or rtype in PRICED_WITH:
        return "free"
    return "unsupported"


def declared_usage(plan: ForeignPlan, graph: ResourceGraph) -> UsageSet:
    """gnnstack's own JSON: the usage its lines rested on (stack file, usage file, scenario
    defaults), declared again so the same resources price the same. Values the model would
    default to anyway are left to it."""
    usage = UsageSet()
    values: dict[str, dict[str, tuple[str, str]]] = {}
    types: dict[str, str] = {}
    names = graph.names
    for resource, rtype, name, value, source in plan.declared_usage:
        model = USAGE_MODELS.get(rtype)
        if model is None or resource not in names or name not in model.model_fields:
            continue
        if source == DEFAULT and value == model.default_text(name):
            continue
        values.setdefault(resource, {})[name] = (value, source)
        types[resource] = rtype
    for resource, fields in sorted(values.items()):
        model = USAGE_MODELS[types[resource]]
        try:
            checked = check_values(model, {k: _parsed(model, k, v) for k, (v, _) in fields.items()})
        except Exception as e:  # a value the report wrote that does not read back: say which
            raise ConfigError(f"estimate.lines: usage of {resource} does not read back ({e})", source=plan.path) \
                from None
        usage.declare(Declared(resource, model.model_construct(**checked),
                               sources={k: s for k, (_, s) in fields.items()}))
    return usage


def _parsed(model: Any, name: str, text: str) -> Any:
    """A usage value as `shown` wrote it: "none", numbers, or structures ("k=v, k=v; k=v")."""
    if text == "none":
        return None
    annotation = str(model.model_fields[name].annotation)
    if "tuple" in annotation or "list" in annotation:
        items = [] if not text else text.split("; ")
        if items and "=" in items[0]:
            return [dict(kv.split("=", 1) for kv in item.split(", ")) for item in items]
        return items
    return text


def price_plan(plan: ForeignPlan, book: PriceBook, *, usage_file: Optional[str] = None,
               prices: Optional[str] = None, hours: Optional[Decimal] = None) -> PlanEstimate:
    """Both graphs priced with `book` and `usage_file` (by type and logical name)."""
    with no_cycle_collection():
        return _price_plan(plan, book, usage_file, prices, hours)


def _price_plan(plan: ForeignPlan, book: PriceBook, usage_file: Optional[str], prices: Optional[str],
                hours: Optional[Decimal]) -> PlanEstimate:
    parsed = None
    if usage_file:  # the usage file's module (and YAML) only when there is one: the JSON path stays light
        from ..costing.usage_file import apply_usage_file, load_usage_file

        parsed = load_usage_file(usage_file)
    if hours is None and plan.hours_per_month:
        hours = Decimal(plan.hours_per_month)
    estimates = []
    for graph, other in ((plan.before, plan.after), (plan.after, plan.before)):
        usage = declared_usage(plan, graph) if plan.declared_usage else UsageSet()
        if parsed is not None and usage_file:
            apply_usage_file(usage, parsed, graph, usage_file, frozenset(other.names))
        regions = sorted({r.region for r in graph.resources if r.region})
        default = regions[0] if len(regions) == 1 else ("multiple" if regions else "none")
        estimates.append(estimate(graph, book, region=default, hours=hours, usage=usage))
    before, after = estimates
    out = PlanEstimate(plan, before, after, prices=prices)
    unsupported: dict[str, list[str]] = {}
    for e, target in ((before, out.unpriced_before), (after, out.unpriced_after)):
        for u in e.unpriced:
            if u.reason == NO_PRICER and u.type.partition(":")[0] in AWS_PACKAGES:
                if e is after or u.resource not in plan.after.names:
                    unsupported.setdefault(u.type, []).append(u.resource)
            else:
                target.append(u)
    out.unsupported = {t: sorted(set(n)) for t, n in sorted(unsupported.items())}
    out.resources = _per_resource(plan, before, after)
    return out


def _per_resource(plan: ForeignPlan, before: Estimate, after: Estimate) -> list[ResourceChange]:
    kinds: dict[str, str] = {}
    # Free and not-known sides are alike: one object each (a Side is not changed once made).
    free, unknown = Side(ZERO, ZERO, True, free=True), Side(ZERO, ZERO, False)
    # Per side: each priced resource's Side and region, by name.
    sides: list[dict[str, tuple[Side, Optional[str]]]] = []
    for e, graph in ((before, plan.before), (after, plan.after)):
        sums: dict[str, list[Any]] = {}
        for line in e.lines:
            s: Optional[list[Any]] = sums.get(line.resource)
            if s is None:
                s = sums[line.resource] = [ZERO, ZERO]
            s[0] += line.base_quantity * line.price.usd  # line.base_monthly, without the property's call
            w = s[1]
            if w is not None:
                q = line.worst_quantity
                s[1] = None if q is None else w + q * line.worst_price.usd
        unpriced = {u.resource for u in e.unpriced}
        found: dict[str, tuple[Side, Optional[str]]] = {}
        for r in graph.names.values():  # by name: the resource `names` keeps of any two alike
            if not r.custom:  # providers never reach the graphs
                continue
            name, rtype = r.name, r.type
            kind = kinds.get(rtype)
            if kind is None:
                kind = kinds[rtype] = _kind(rtype)
            if kind == "free":
                found[name] = (free, r.region)
                continue
            total = sums.get(name)
            if total is None:
                # No line: free when its pricer said why (NoCharge: an ECS service on EC2
                # instances, an auto-scaling target), else not known (unpriced): never a bare $0.
                found[name] = (free if name in e.no_charge else unknown, r.region)
            else:
                found[name] = (Side(total[0], total[1], name not in unpriced), r.region)
        sides.append(found)
    before_sides, after_sides = sides
    keyed: list[tuple[Decimal, str, ResourceChange]] = []
    for c in plan.changes:
        name = c.name
        b_found, a_found = before_sides.get(name), after_sides.get(name)
        if a_found is not None:
            a, region = a_found
            if b_found is not None:
                b = b_found[0]
                region = region or b_found[1]
                change = a.base - b.base
            else:
                b, change = None, a.base - ZERO
        elif b_found is not None:
            a, (b, region) = None, b_found
            change = ZERO - b.base
        else:
            continue
        keyed.append((abs(change), name, ResourceChange(name, c.type, c.op, region, b, a)))
    # Largest change first, then by name: sorted by name (the changes already are: no work), then
    # stably by the amount, largest first (a reverse sort keeps equal items in their order).
    keyed.sort(key=itemgetter(1))
    keyed.sort(key=itemgetter(0), reverse=True)
    return [x for _, _, x in keyed]


__all__ = ["Change", "PlanEstimate", "ResourceChange", "Side", "price_plan"]
