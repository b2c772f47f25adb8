"""Finding the resource another one refers to, and tiered usage lines, for the pricers of web
and network services (issue 14).

An input that refers to another resource holds its id or ARN: the offline capture writes ids as
`<name>-id` and ARNs ending in `:<name>`; a real preview holds the deployed names (an ECS task
definition's `family:revision`) or an unknown. `referenced` tries each way it can tell and
returns None when it cannot: the caller then says what is missing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional, Sequence

from ..lines import CostLine, PricingContext
from ...graph import Resource


def ref_names(value: Any) -> list[str]:
    """The names `value` (an id or an ARN) may stand for, most specific first."""
    if not isinstance(value, str) or not value or value.startswith("["):
        return []
    out: list[str] = []
    if value.endswith("-id"):
        out.append(value[:-3])
    if value.startswith("arn:"):
        tail = value.split(":", 5)[-1]  # resource part: `name`, `task-definition/family:3`, ...
        last = tail.rsplit("/", 1)[-1]
        out += [last, last.split(":", 1)[0]]
    out.append(value)
    return list(dict.fromkeys(out))


def nearest(found: list[Resource], near: Optional[Resource]) -> Optional[Resource]:
    """The one of `found`, or else the one that shares `near`'s parent (a component holding a
    service and its task definition), or None."""
    if len(found) == 1:
        return found[0]
    if near is not None and near.parent is not None:
        siblings = [r for r in found if r.parent == near.parent]
        if len(siblings) == 1:
            return siblings[0]
    return None


def referenced(ctx: PricingContext, value: Any, rtype: str, name_inputs: Sequence[str] = ("name",),
               near: Optional[Resource] = None) -> Optional[Resource]:
    """The one resource of `rtype` that `value` names: by logical name, then by one of its
    `name_inputs` (a physical name such as an ECS task family), preferring one beside `near`
    when several have that name. None if none or several match."""
    names = ref_names(value)
    if not names:
        return None
    of_type = ctx.graph.of_type(rtype)
    for name in names:
        found = ctx.graph.names.get(name)
        if found is not None and found.type == rtype:
            return found
    for name in names:
        one = nearest([r for r in of_type if any(r.inputs.get(k) == name for k in name_inputs)], near)
        if one is not None:
            return one
    return None


def tier_lines(ctx: PricingContext, r: Resource, label: str, unit: str, quantity: Decimal, service: str,
               tiers: Sequence[tuple[Optional[Decimal], str, str]], note: str = "") -> list[CostLine]:
    """Metered usage billed in tiers: `tiers` is (size of the tier in `unit`, or None for the
    rest; catalog item; tier label). One line per tier the quantity reaches (the first always).
    Usage has no cap: the worst case is unbounded."""
    lines: list[CostLine] = []
    left = quantity
    for size, item, tier in tiers:
        take = left if size is None else min(left, size)
        if take <= 0 and lines:
            break
        lines.append(ctx.line(r, f"{label} ({tier})", unit, take, None, ctx.price(service, item),
                              note=note or "metered, no cap"))
        left -= take
    return lines
