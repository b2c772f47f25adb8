"""How often a schedule fires in a month, read from its expression.

Supports EventBridge / Glue `cron(min hour day-of-month month day-of-week year)`, `rate(n unit)`,
and the five-field Unix cron of Auto Scaling scheduled actions. Lists (`1,8,15`), ranges (`1-5`)
and steps (`*/6`) are counted; months and years must be `*`, since one month is being priced.
"""

from __future__ import annotations

from functools import lru_cache

from decimal import Decimal

from .lines import NotPriceable

_DOW_NAMES = {"SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6}


def _count(field: str, low: int, high: int, names: dict[str, int] | None = None) -> int:
    """How many values a cron field matches in [low, high]."""
    if field in ("*", "?"):
        return high - low + 1
    values: set[int] = set()
    for part in field.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
        if part in ("*", "?"):
            start, end = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            start, end = _value(a, names), _value(b, names)
        else:
            start = _value(part, names)
            end = high if step > 1 else start
        values.update(range(start, end + 1, step))
    return len(values)


def _value(text: str, names: dict[str, int] | None) -> int:
    text = text.strip().upper()
    if names and text[:3] in names:
        return names[text[:3]]
    if "#" in text or "L" in text or "W" in text:
        raise NotPriceable(f"cron value {text!r} is not supported for pricing")
    return int(text)


@lru_cache(maxsize=1024)
def runs_per_month(expression: str, days: Decimal) -> Decimal:
    """Expected runs in a month of `days` days (a pure function of its text: cached)."""
    expr = expression.strip()
    try:
        if expr.startswith("rate(") and expr.endswith(")"):
            amount, unit = expr[5:-1].split()
            per_day = {"minute": 1440, "minutes": 1440, "hour": 24, "hours": 24, "day": 1, "days": 1}[unit]
            return days * per_day / Decimal(amount)
        if expr.startswith("cron(") and expr.endswith(")"):
            fields = expr[5:-1].split()
            if len(fields) != 6:
                raise ValueError
            minute, hour, dom, month, dow, year = fields
            if year not in ("*", "?"):
                raise NotPriceable(f"schedule {expression!r} runs in given years only")
        else:
            fields = expr.split()
            if len(fields) != 5:
                raise ValueError
            minute, hour, dom, month, dow = fields
        if month not in ("*", "?"):
            raise NotPriceable(f"schedule {expression!r} runs in given months only")
        per_day = _count(minute, 0, 59) * _count(hour, 0, 23)
        if dom not in ("*", "?"):
            return Decimal(per_day * _count(dom, 1, 31))
        if dow not in ("*", "?"):
            names = _DOW_NAMES
            # EventBridge numbers weekdays 1-7 from Sunday; Unix cron 0-6. Names are the same in both.
            low, high = (1, 7) if expr.startswith("cron(") else (0, 6)
            weekdays = _count(dow, low, high, {k: v + low for k, v in names.items()})
            return per_day * days * weekdays / 7
        return per_day * days
    except NotPriceable:
        raise
    except (ValueError, KeyError):
        raise NotPriceable(f"cannot read the schedule {expression!r}") from None
