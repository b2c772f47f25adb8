"""Pairing scheduled scale-up and scale-down actions."""

from __future__ import annotations

from decimal import Decimal

from ..lines import NotPriceable
from ...graph import Resource


def _minute_of_day(recurrence: str) -> int:
    fields = recurrence.split()
    try:
        return int(fields[1]) * 60 + int(fields[0])
    except (IndexError, ValueError):
        raise NotPriceable(f"cannot read the time of day of {recurrence!r}") from None


def window_hours(up: Resource, downs: list[Resource]) -> Decimal:
    """Hours from a scale-up action to the next scale-down; a whole day when none follows."""
    start = _minute_of_day(str(up.inputs.get("recurrence")))
    gaps = [(_minute_of_day(str(d.inputs.get("recurrence"))) - start) % 1440 for d in downs]
    gaps = [g for g in gaps if g > 0]
    return Decimal(min(gaps) if gaps else 1440) / 60
