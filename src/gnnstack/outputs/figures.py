"""How figures and short phrases read, the same in every format: money, quantities, worst cases
that may be unbounded, the cost until a stack expires, changes and percentages, footnotes.

Plain strings, no styling and no third-party imports: the policy pack (which runs inside
`pulumi preview`) logs its cost summary with these too."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from ..clock import iso
from ..costing.estimate import cents

# How many lines a report names as its top cost drivers.
TOP = 5


def usd(value: Optional[Decimal]) -> str:
    """USD to the cent with thousands separators; None (no cap) is "unbounded"."""
    return "unbounded" if value is None else f"{cents(value):,}"


def qty(value: Optional[Decimal]) -> str:
    if value is None:
        return "no cap"
    text = f"{value:,.2f}" if value >= 1 or value == 0 else f"{value:.6f}".rstrip("0")
    return text[:-3] if text.endswith(".00") else text


def _worst(worst: Optional[Decimal], bounded: Decimal, uncapped: int) -> str:
    return usd(worst) if worst is not None else f"unbounded ({usd(bounded)} + {uncapped} line(s) with no cap)"


def worst_text(e: Any) -> str:
    """An estimate's worst case; unbounded ones say what the capped lines add up to."""
    return _worst(e.worst_case, e.worst_case_bounded, len(e.unbounded))


def lifetime_worst_text(life: Any) -> str:
    return _worst(life.worst_case, life.worst_case_bounded, life.unbounded)


def lifetime_text(life: Any) -> str:
    """One line: the cost until the stack expires (a `Lifetime`), or that it has no TTL (None)."""
    if life is None:
        return "Until it expires: no TTL, no lifetime cost (priced by the month only)"
    when = f"{life.hours} h, {iso(life.expires_at)}" if life.expires_at else f"{life.hours} h"
    return f"Until it expires ({when}): base {usd(life.base)}; worst case {lifetime_worst_text(life)}"


def footnotes(lines: list) -> dict[tuple, int]:
    """A number per distinct set of assumptions, in line order: lines of one resource share one."""
    notes: dict[tuple, int] = {}
    for line in lines:
        if line.assumptions and line.assumptions not in notes:
            notes[line.assumptions] = len(notes) + 1
    return notes


def assumption_text(assumptions: tuple) -> str:
    return "; ".join(a.text() for a in assumptions)


# --------------------------------------------------------------------------- changes (diff)


def signed(value: Optional[Decimal]) -> str:
    """A change in USD with its sign; "±0.00" for none, "n/a" when a side is unbounded."""
    if value is None:
        return "n/a"
    v = cents(value)
    return "±0.00" if v == 0 else f"{v:+,}"


def percent_text(m: Any) -> str:
    """A `gnnstack.diff.Money`'s change in percent, to a tenth; "new" from nothing."""
    p = m.percent
    if p is None:
        return "new" if not m.before and m.after else "n/a"
    p = p.quantize(Decimal("0.1"))
    return "±0.0%" if p == 0 else f"{p:+}%"


def moved_words(m: Any) -> str:
    """How a worst case (a `gnnstack.diff.Money`, None on a side: unbounded) moved, in words."""
    if m.before is None and m.after is None:
        return "unbounded on both sides"
    if m.before is None:
        return f"was unbounded, now bounded at {usd(m.after)}"
    if m.after is None:
        return f"was bounded at {usd(m.before)}, now unbounded"
    return signed(m.change)


def short_commit(commit: Optional[str]) -> str:
    return commit[:12] if commit else "(commit unknown)"


# --------------------------------------------------------------------------- findings (check)


def waiver_until(w: Any) -> str:
    """A waiver's reason and expiry: "REASON (until DATE)"."""
    return f"{w.reason} (until {w.expires})"


def finding_text(f: Any) -> str:
    """A `gnnstack.check.Finding` in one sentence: stack, resource, message, where it comes from,
    and any waiver for it that has expired."""
    v = f.violation
    text = f"{f.stack}: {v.resource}: {v.message} ({f.location.note})"
    for w in f.expired:
        text += f"; the waiver for it expired on {w.expires} ({w.reason})"
    return text


# --------------------------------------------------------------------------- training choices


def span_text(low: Decimal, high: Decimal, money: bool = True) -> str:
    """"1.47-2.21": a range of dollars (to the cent) or hours; one figure when both ends agree."""
    show = usd if money else (lambda v: f"{v.normalize():f}")
    a, b = show(low), show(high)
    return a if a == b else f"{a}-{b}"


TRAINING_HEAD = ("instance type", "kind", "hours/run", "on-demand $/run", "spot $/run", "on-demand $/month",
                 "spot $/month")


def training_cells(c: Any) -> tuple[str, ...]:
    """One `Choice` as the cells of TRAINING_HEAD, in every format."""
    hours = span_text(c.candidate.hours_low, c.candidate.hours_high, money=False)
    if c.unpriced:
        return (c.candidate.instance_type, c.kind, hours, "unpriced", "unpriced", "unpriced", "unpriced")
    od, spot = c.on_demand, c.spot
    return (c.candidate.instance_type, c.kind, hours, span_text(od.per_run.low, od.per_run.high),
            span_text(spot.per_run.low, spot.per_run.high), span_text(od.per_month.low, od.per_month.high),
            span_text(spot.per_month.low, spot.per_month.high))


def training_facts(t: Any) -> list[str]:
    """What every figure of a `TrainingChoices` rests on, as sentences."""
    storage = f" + {t.volume_gb.normalize():f} GB ML storage while it runs" if t.volume_gb else ""
    o = t.spot_overhead
    rate = Decimal(o.value)
    facts = [
        f"Job {t.job} in {t.region}: {t.instance_count.normalize():f} instance(s); a run is instance hours"
        f"{storage} (not S3, not the state machine's transitions).",
        f"Runs a month: {qty(t.runs_per_month)} (schedule {t.schedule}).",
        f"Spot runs take {(rate * 100).normalize():f}% more hours (spot interruption overhead = {o.value}, "
        f"source: {o.source}; set workload.training.spot_interruption_overhead in the stack file).",
    ]
    priced = [c for c in t.choices if not c.unpriced]
    if priced:
        p = priced[0].spot.price
        facts.append(f"Spot price: {p.source} ({p.confidence}, {p.origin}).")
    if t.overrides:
        facts.append(f"Prices: catalog with overrides from {t.overrides}.")
    return facts


def training_notes(choices: list) -> list[str]:
    return [f"{c.candidate.instance_type}: {text}" for c in choices
            for text in ((f"unpriced: {c.unpriced}",) if c.unpriced else ()) + c.notes]
