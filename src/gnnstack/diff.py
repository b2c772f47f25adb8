"""Base-versus-PR cost diff: two `gnnstack check --format json` files compared stack by stack,
resource by resource, line by line.

Each side is priced by its own code and catalog (the PR workflow runs the base branch's own
gnnstack in its own worktree), so a change to a price, a pricer, a component or a stack file all
show. A resource is `added`, `removed`, `changed` (its quantities or its lines changed) or
`price-only` (same lines and quantities, other unit prices: a catalog or price-file change). A
side that could not be priced (`status: failed`) is said so with its reason, never read as zero.
Worst cases are `None` when a line has no cap. Data only: gnnstack.outputs renders it (and says
in words when a worst case moves between bounded and unbounded).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, ValidationError

from .costing.estimate import money
from .errors import ConfigError

ZERO = Decimal(0)


# --------------------------------------------------------------------------- the input files


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class LineIn(_Loose):
    resource: str
    type: str
    name: str
    unit: str
    base_quantity: Decimal
    worst_case_quantity: Optional[Decimal]
    unit_price: Decimal
    worst_case_unit_price: Decimal
    base_monthly: Decimal
    worst_case_monthly: Optional[Decimal]


class MonthlyIn(_Loose):
    base: Decimal
    worst_case: Optional[Decimal]  # required, null when a line has no cap: never read as zero


class StackIn(_Loose):
    stack: str
    option: str
    environment: str
    file: Optional[str] = None
    monthly: MonthlyIn
    lines: list[LineIn]
    unpriced_resources: list[dict[str, str]] = []
    guardrails: dict[str, Any] = {}


class CheckFile(_Loose):
    tool: Literal["gnnstack"]
    schema_: int = 0
    status: Literal["priced", "failed"] = "priced"
    error: Optional[str] = None
    commit: Optional[str] = None
    stacks: list[StackIn] = []


def load_check(path: str) -> CheckFile:
    """A `check --format json` file, checked: one message naming the file and the fix otherwise."""
    p = Path(path)
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError(f"cannot read it: {e.strerror}", source=path) from None
    except (ValueError, UnicodeDecodeError) as e:
        raise ConfigError(f"not JSON ({e}); expected the output of `gnnstack check --format json`",
                          source=path) from None
    if not isinstance(raw, dict) or raw.get("tool") != "gnnstack":
        raise ConfigError("not the output of `gnnstack check --format json` (no \"tool\": \"gnnstack\")",
                          source=path)
    schema = raw.get("schema", 1)
    if raw.get("status", "priced") == "priced" and schema < 2:
        raise ConfigError(f"written by a gnnstack whose check JSON (schema {schema}) has no priced lines; "
                          "price it again with this version", source=path)
    try:
        return CheckFile.model_validate({**raw, "schema_": schema})
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(x) for x in err["loc"])
        raise ConfigError(f"not the output of `gnnstack check --format json`: {where}: {err['msg']}",
                          source=path) from None


# --------------------------------------------------------------------------- the diff


@dataclass(frozen=True)
class Money:
    """A monthly figure on each side; `None` on a side means unbounded (no cap)."""

    before: Optional[Decimal]
    after: Optional[Decimal]

    @property
    def change(self) -> Optional[Decimal]:
        return None if self.before is None or self.after is None else self.after - self.before

    @property
    def percent(self) -> Optional[Decimal]:
        c = self.change
        if c is None or not self.before:
            return None
        return c * 100 / self.before

    def to_json(self) -> dict[str, Optional[str]]:
        c, p = self.change, self.percent
        return {"before": money(self.before), "after": money(self.after), "change": money(c),
                "percent": None if p is None else str(p.quantize(Decimal("0.01")))}


@dataclass
class ResourceDiff:
    resource: str
    type: str
    status: Literal["added", "removed", "changed", "price-only"]
    base: Money
    worst_case: Money
    lines: list[dict[str, Any]] = field(default_factory=list)  # the lines that differ


@dataclass
class StackDiff:
    stack: str
    status: Literal["added", "removed", "compared"]
    option: str
    base: Money
    worst_case: Money
    resources: list[ResourceDiff] = field(default_factory=list)
    newly_unpriced: list[dict[str, str]] = field(default_factory=list)
    no_longer_unpriced: list[dict[str, str]] = field(default_factory=list)
    head: Optional[StackIn] = None


@dataclass
class CostDiff:
    base_commit: Optional[str]
    head_commit: Optional[str]
    base_error: Optional[str] = None
    head_error: Optional[str] = None
    stacks: list[StackDiff] = field(default_factory=list)

    @property
    def comparable(self) -> bool:
        return self.base_error is None and self.head_error is None

    @property
    def total(self) -> Money:
        return Money(sum((s.base.before for s in self.stacks), ZERO), sum((s.base.after for s in self.stacks), ZERO))

    @property
    def total_worst(self) -> Money:
        return Money(_sum_bounded(s.worst_case.before for s in self.stacks),
                     _sum_bounded(s.worst_case.after for s in self.stacks))


def diff(base: CheckFile, head: CheckFile) -> CostDiff:
    out = CostDiff(base.commit, head.commit)
    if base.status == "failed":
        out.base_error = base.error or "no reason recorded"
    if head.status == "failed":
        out.head_error = head.error or "no reason recorded"
    if not out.comparable:
        return out
    before = {s.stack: s for s in base.stacks}
    after = {s.stack: s for s in head.stacks}
    for name in sorted(set(before) | set(after)):
        b, h = before.get(name), after.get(name)
        if b is None:
            out.stacks.append(StackDiff(name, "added", h.option, Money(ZERO, h.monthly.base),
                                        Money(ZERO, h.monthly.worst_case), _resources(None, h), head=h))
        elif h is None:
            out.stacks.append(StackDiff(name, "removed", b.option, Money(b.monthly.base, ZERO),
                                        Money(b.monthly.worst_case, ZERO), _resources(b, None)))
        else:
            was = {u["resource"]: u for u in b.unpriced_resources}
            now = {u["resource"]: u for u in h.unpriced_resources}
            out.stacks.append(StackDiff(
                name, "compared", h.option if h.option == b.option else f"{b.option} -> {h.option}",
                Money(b.monthly.base, h.monthly.base), Money(b.monthly.worst_case, h.monthly.worst_case),
                _resources(b, h), [now[k] for k in sorted(set(now) - set(was))],
                [was[k] for k in sorted(set(was) - set(now))], head=h))
    return out


def _resources(b: Optional[StackIn], h: Optional[StackIn]) -> list[ResourceDiff]:
    old = _by_resource(b.lines if b else [])
    new = _by_resource(h.lines if h else [])
    out = []
    for name in sorted(set(old) | set(new)):
        o, n = old.get(name, {}), new.get(name, {})
        if o == n:
            continue
        rtype = next(iter((n or o).values())).type
        if not o:
            status = "added"
        elif not n:
            status = "removed"
        elif set(o) == set(n) and all(_same_quantities(o[k], n[k]) for k in o):
            status = "price-only"
        else:
            status = "changed"
        changed = [_line_change(o.get(k), n.get(k)) for k in sorted(set(o) | set(n)) if o.get(k) != n.get(k)]
        out.append(ResourceDiff(name, rtype, status, Money(_total(o), _total(n)),
                                Money(_total_worst(o), _total_worst(n)), changed))
    # Largest money moves first, then by name: a stable order for reports and golden files.
    out.sort(key=lambda r: (-abs(r.base.change or ZERO), r.resource))
    return out


def _by_resource(lines: list[LineIn]) -> dict[str, dict[str, LineIn]]:
    out: dict[str, dict[str, LineIn]] = {}
    for line in lines:
        out.setdefault(line.resource, {})[line.name] = line
    return out


def _same_quantities(a: LineIn, b: LineIn) -> bool:
    return a.base_quantity == b.base_quantity and a.worst_case_quantity == b.worst_case_quantity


def _line_change(a: Optional[LineIn], b: Optional[LineIn]) -> dict[str, Any]:
    ref = b or a
    return {"name": ref.name, "unit": ref.unit,
            "status": "added" if a is None else "removed" if b is None else
            "price-only" if _same_quantities(a, b) else "changed",
            "base_quantity": {"before": _q(a and a.base_quantity), "after": _q(b and b.base_quantity)},
            "unit_price": {"before": _q(a and a.unit_price), "after": _q(b and b.unit_price)},
            "base": Money(a.base_monthly if a else ZERO, b.base_monthly if b else ZERO).to_json()}


def _total(lines: dict[str, LineIn]) -> Decimal:
    return sum((x.base_monthly for x in lines.values()), ZERO)


def _total_worst(lines: dict[str, LineIn]) -> Optional[Decimal]:
    if any(x.worst_case_monthly is None for x in lines.values()):
        return None
    return sum((x.worst_case_monthly for x in lines.values()), ZERO)  # type: ignore[misc]


def _sum_bounded(values) -> Optional[Decimal]:
    total = ZERO
    for v in values:
        if v is None:
            return None
        total += v
    return total


def _q(value: Optional[Decimal]) -> Optional[str]:
    """A quantity or unit price, as priced."""
    return None if value is None else str(value)
