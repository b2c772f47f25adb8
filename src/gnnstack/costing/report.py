"""Cost reports: a stack's estimate (with the catalog-price estimate next to it when an override
file is in use) and a side-by-side comparison of options, as terminal tables, JSON and markdown.
Rendering only; the numbers come from `estimate`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

import click

from ..graph import ResourceGraph
from ..templating import render
from .catalog import PriceBook
from .estimate import Estimate, cents, estimate, money
from ..clock import iso
from .lifetime import Lifetime, until_expiry
from .lines import CostLine
from .usage import UsageSet

TOP = 5


@dataclass
class CostReport:
    stack: str
    option: str
    estimate: Estimate
    overrides: Optional[str] = None  # the override file in use
    at_catalog: Optional[Estimate] = None  # the same graph at catalog prices, when overrides are in use
    lifetime: Optional[Lifetime] = None  # the cost until the TTL expires; None: no TTL (or not asked)

    def to_json(self) -> dict[str, Any]:
        data = self.estimate.to_json()
        data["lifetime"] = self.lifetime.to_json() if self.lifetime is not None else None
        data["top_cost_drivers"] = [_line_ref(line) for line in self.estimate.top(TOP)]
        data["prices"] = {"catalog": "gnnstack/data/prices", "overrides": self.overrides,
                          "overridden_lines": sum(1 for line in self.estimate.lines if line.price.overridden)}
        if self.at_catalog is not None:
            data["at_catalog_prices"] = {"monthly": self.at_catalog.summary_json(),
                                         "unpriced": [u.to_json() for u in self.at_catalog.unpriced]}
        return data


def price_book(project_root: Path, declared: Optional[str], override: Optional[str]) -> tuple[PriceBook, Optional[str]]:
    """The prices for a stack: the catalog, plus `override` (a path from the command line) or else
    the scenario's `costing.price_overrides` (relative to the project)."""
    if override:
        return PriceBook.load(override, override), override
    if declared:
        return PriceBook.load(project_root / declared, declared), declared
    return PriceBook.load(), None


def cost_report(graph: ResourceGraph, book: PriceBook, overrides: Optional[str],
                usage: Optional[UsageSet] = None, *, expires_at: Optional[datetime] = None,
                now: Optional[datetime] = None) -> CostReport:
    """`expires_at` (the stack's TTL, with `now`): the report also gives the cost until then."""
    est = estimate(graph, book, usage=usage)
    at_catalog = estimate(graph, book.catalog_only(), usage=usage) if book.overrides else None
    life = None
    if expires_at is not None:
        if now is None:
            raise ValueError("cost_report: expires_at needs now")
        life = until_expiry(est, expires_at, now)
    return CostReport(graph.stack, graph.option, est, overrides, at_catalog, life)


def _line_ref(line: CostLine) -> dict[str, Any]:
    return {"component": line.component, "resource": line.resource, "name": line.name,
            "base_monthly": money(line.base_monthly), "worst_case_monthly": money(line.worst_monthly)}


# --------------------------------------------------------------------------- formatting


def usd(value: Optional[Decimal]) -> str:
    return "unbounded" if value is None else f"{cents(value):,}"


def qty(value: Optional[Decimal]) -> str:
    if value is None:
        return "no cap"
    text = f"{value:,.2f}" if value >= 1 or value == 0 else f"{value:.6f}".rstrip("0")
    return text[:-3] if text.endswith(".00") else text


def _worst(worst: Optional[Decimal], bounded: Decimal, uncapped: int) -> str:
    return usd(worst) if worst is not None else f"unbounded ({usd(bounded)} + {uncapped} line(s) with no cap)"


def worst_text(e: Estimate) -> str:
    return _worst(e.worst_case, e.worst_case_bounded, len(e.unbounded))


def lifetime_worst_text(life: Lifetime) -> str:
    return _worst(life.worst_case, life.worst_case_bounded, life.unbounded)


def lifetime_text(life: Optional[Lifetime]) -> str:
    """One line: the cost until the stack expires, or that it has no TTL."""
    if life is None:
        return "Until it expires: no TTL, no lifetime cost (priced by the month only)"
    when = f"{life.hours} h, {iso(life.expires_at)}" if life.expires_at else f"{life.hours} h"
    return f"Until it expires ({when}): base {usd(life.base)}; worst case {lifetime_worst_text(life)}"


def text_width() -> int:
    """The width to wrap prose to: the terminal's when stdout is one, else 100."""
    import shutil
    import sys

    try:
        terminal = sys.stdout.isatty()
    except (AttributeError, ValueError):
        terminal = False
    return max(40, shutil.get_terminal_size((100, 24)).columns) if terminal else 100


def wrap(text: str, indent: str = "", hanging: str = "    ", width: Optional[int] = None) -> list[str]:
    """`text` (plain, no styling) wrapped to `width` (default `text_width()`): the first line
    starts with `indent`, the others with `indent + hanging`. Words are never cut, nor is a word
    longer than a line (an ARN, a URL): it gets a line of its own."""
    import textwrap

    return textwrap.wrap(text, width=width or text_width(), initial_indent=indent,
                         subsequent_indent=indent + hanging, break_long_words=False, break_on_hyphens=False) \
        or [indent]


def _table(rows: list[tuple[str, ...]], right: set[int]) -> list[str]:
    widths = [max(len(click.unstyle(r[i])) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = []
        for i, cell in enumerate(r):
            pad = widths[i] - len(click.unstyle(cell))
            cells.append(" " * pad + cell if i in right else cell + " " * pad)
        out.append("  " + "  ".join(cells).rstrip())
    return out


def footnotes(lines: list[CostLine]) -> dict[tuple, int]:
    """A number per distinct set of assumptions, in line order: lines of one resource share one."""
    notes: dict[tuple, int] = {}
    for line in lines:
        if line.assumptions and line.assumptions not in notes:
            notes[line.assumptions] = len(notes) + 1
    return notes


def assumption_text(assumptions: tuple) -> str:
    return "; ".join(a.text() for a in assumptions)


def defaults_text(e: Estimate) -> list[str]:
    """The documented defaults the estimate rests on, for the end of a report."""
    used = e.defaults_used()
    if not used:
        return ["  Defaults used: none: every usage value comes from the stack file or the usage file."]
    out = [click.style(f"  Defaults used ({len(used)}): set them in the stack file or a usage file "
                       "(gnnstack usage template STACK)", fg="yellow")]
    out += [f"    {resource}: {a.name} = {a.value_text()}" for resource, a in used]
    return out


def cost_table(report: CostReport) -> str:
    e = report.estimate
    title = f"Cost estimate: USD a month ({e.region}, {qty(e.hours_per_month)}-hour month)"
    out = [click.style(title, bold=True)]
    if report.overrides:
        n = sum(1 for line in e.lines if line.price.overridden)
        out.append(f"  prices: catalog with overrides from {report.overrides} ({n} line(s) use them)")
    rows: list[tuple[str, ...]] = [("component / line", "base qty", "worst qty", "unit", "unit price", "base",
                                    "worst case")]
    by_component: dict[str, list[CostLine]] = {}
    for line in e.lines:
        by_component.setdefault(line.component, []).append(line)
    ordered = [line for total in e.by_component()
               for line in sorted(by_component[total.name], key=lambda x: -x.base_monthly)]
    notes = footnotes(ordered)
    for total in e.by_component():
        rows.append((click.style(total.name, fg="cyan", bold=True), "", "", "", "", usd(total.base),
                     usd(total.worst_case)))
        for line in sorted(by_component[total.name], key=lambda x: -x.base_monthly):
            price = f"{line.unit_price}" + (f"/{line.worst_unit_price}" if line.worst_price != line.price else "")
            mark = f" [{notes[line.assumptions]}]" if line.assumptions else ""
            rows.append((f"  {line.name}{mark}", qty(line.base_quantity), qty(line.worst_quantity), line.unit, price,
                         usd(line.base_monthly), usd(line.worst_monthly)))
    rows.append((click.style("Total", bold=True), "", "", "", "", click.style(usd(e.base), bold=True),
                 click.style(usd(e.worst_case), bold=True)))
    out += _table(rows, right={1, 2, 4, 5, 6})
    out.append("")
    out.append(f"  Base {usd(e.base)}; worst case {worst_text(e)}.")
    out.append(f"  {lifetime_text(report.lifetime)}.")
    if notes:
        out.append("  Assumptions [n] (source: stack file, usage-file, default, catalog):")
        out += [f"    [{n}] {assumption_text(a)}" for a, n in notes.items()]
    if e.usage_file:
        out.append(f"  Usage file: {e.usage_file}")
    if report.at_catalog is not None:
        c = report.at_catalog
        out.append(f"  At catalog prices: base {usd(c.base)}; worst case {worst_text(c)}"
                   + (f"; {len(c.unpriced)} unpriced" if c.unpriced else "") + ".")
    if e.unbounded:
        out.append(click.style("  Unbounded (no cap):", fg="yellow"))
        out += [f"    {line.resource}: {line.name}" + (f" ({line.note})" if line.note else "") for line in e.unbounded]
    if e.unpriced:
        out.append(click.style(f"  Unpriced ({len(e.unpriced)}), not counted in the totals:", fg="red"))
        out += [f"    {u.resource} [{u.type}]: {u.reason}" for u in e.unpriced]
    else:
        out.append(f"  Unpriced: none ({e.free} free or priced-with resources).")
    out.append("  Top cost drivers: " + "; ".join(
        f"{line.name} {usd(line.base_monthly)}" for line in e.top(3) if line.base_monthly > 0))
    months = e.months()
    out.append("  Next 12 months, base: " + ", ".join(f"{usd(m)}" for m in months))
    return "\n".join(out) + "\n"


def cost_markdown(report: CostReport, resources: int) -> str:
    return render("reports/estimate.md.j2", r=report, e=report.estimate, usd=usd, qty=qty, worst_text=worst_text,
                  resources=resources, top=report.estimate.top(TOP), notes=footnotes(report.estimate.lines),
                  assumption_text=assumption_text, lifetime_text=lifetime_text)


# --------------------------------------------------------------------------- compare


@dataclass
class Comparison:
    stack: str
    reports: list[CostReport]

    def to_json(self) -> dict[str, Any]:
        return {"stack": self.stack, "currency": "USD", "options": [
            {"option": r.option, "monthly": r.estimate.summary_json(),
             "at_catalog_prices": r.at_catalog.summary_json() if r.at_catalog else None,
             "unbounded": [{"resource": x.resource, "name": x.name} for x in r.estimate.unbounded],
             "unpriced": [u.to_json() for u in r.estimate.unpriced],
             "biggest_lines": [_line_ref(x) for x in r.estimate.top(3)],
             "months": [money(m) for m in r.estimate.months()]}
            for r in self.reports]}


def compare_table(c: Comparison) -> str:
    out = [click.style(f"Stack {c.stack}: the four options on the same scenario (USD a month)", bold=True)]
    rows: list[tuple[str, ...]] = [("option", "base", "worst case", "month 12", "unpriced", "biggest lines")]
    for r in c.reports:
        e = r.estimate
        biggest = "; ".join(f"{x.name} {usd(x.base_monthly)}" for x in e.top(2) if x.base_monthly > 0)
        rows.append((r.option, usd(e.base), worst_text(e), usd(e.months()[-1]), str(len(e.unpriced)), biggest))
    out += _table(rows, right={1, 3, 4})
    if any(r.at_catalog for r in c.reports):
        out.append("")
        out.append("  At catalog prices: " + "; ".join(
            f"{r.option} {usd(r.at_catalog.base)}" for r in c.reports if r.at_catalog))
    unpriced = [(r.option, u) for r in c.reports for u in r.estimate.unpriced]
    if unpriced:
        out.append("")
        out.append(click.style("  Unpriced, not counted:", fg="red"))
        out += [f"    {opt}: {u.resource}: {u.reason}" for opt, u in unpriced]
    return "\n".join(out) + "\n"


def compare_markdown(c: Comparison) -> str:
    return render("reports/compare.md.j2", c=c, usd=usd, worst_text=worst_text)
