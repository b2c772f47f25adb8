"""`gnnstack prices`: the effective price catalog, and audits of override files against it."""

from __future__ import annotations

import json

import click

from gnnstack.costing.catalog import PriceBook, audit, read
from gnnstack.costing.report import _table

from .options import format_option, prices_option


@click.group()
def prices() -> None:
    """The price catalog: every price with its unit, source, date and confidence.

    The catalog ships with gnnstack (gnnstack/data/prices/<region>.csv). An override file with
    the same columns (service,item,region,unit,usd,confidence,as_of,source) layers on top, for
    negotiated rates or to reproduce a document's assumptions.

    \b
    Examples:
      gnnstack prices list --filter neptune
      gnnstack prices audit --against prices/seed-analysis.csv
    """


@prices.command("list")
@click.option("--filter", "text", metavar="TEXT", help="Only entries whose service, item, region or source "
                                                        "contains TEXT (case-insensitive).")
@prices_option
@format_option("table", "json", details={"table": "sources shortened", "json": "full sources"})
def list_prices(text: str | None, prices: str | None, fmt: str) -> None:
    """Show the effective catalog: shipped prices, with an override file on top if given.

    \b
    Examples:
      gnnstack prices list --filter p3.2xlarge
      gnnstack prices list --filter us-west-2 --format json
      gnnstack prices list --prices prices/seed-analysis.csv --filter sagemaker
    """
    book = PriceBook.load(prices)
    needle = (text or "").lower()
    entries = [p for p in book if not needle or needle in " ".join(
        (p.service, p.item, p.region, p.source, p.confidence)).lower()]
    if fmt == "json":
        click.echo(json.dumps([p.to_json() for p in entries], indent=2))
        return
    if not entries:
        click.echo(f"no prices match {text!r}")
        return
    rows = [("region", "service", "item", "usd", "unit", "confidence", "as of", "source")]
    rows += [(p.region, p.service, p.item, str(p.usd), p.unit, p.confidence, p.as_of.isoformat(),
              _short(p.source)
              + ("" if not p.overridden else f" [override: {p.origin}]")) for p in entries]
    click.echo("\n".join(_table(rows, right={3})))
    click.echo(f"\n  {len(entries)} price(s); --format json gives full sources.")


@prices.command("audit")
@click.option("--against", "against", required=True, metavar="FILE",
              help="The override file to compare with the catalog.")
@format_option("table", "json", details={"table": "catalog sources shortened", "json": "full sources"})
def audit_prices(against: str, fmt: str) -> None:
    """List every price in an override file that differs from the catalog, with both values
    and the catalog's source.

    \b
    Example:
      gnnstack prices audit --against prices/seed-analysis.csv
    """
    overrides = read(against)
    diffs = audit(PriceBook.load(), overrides)
    if fmt == "json":
        click.echo(json.dumps({"file": against, "entries": len(overrides),
                               "differences": [d.to_json() for d in diffs]}, indent=2))
        return
    click.echo(f"{against}: {len(overrides)} entries, {len(diffs)} differ from the catalog")
    if not diffs:
        return
    rows = [("region", "service", "item", "override", "catalog", "change", "catalog source")]
    for d in diffs:
        pct = d.change_percent
        rows.append((d.override.region, d.override.service, d.override.item, f"{d.override.usd} /{d.override.unit}",
                     "not in catalog" if d.catalog is None else f"{d.catalog.usd} ({d.catalog.confidence})",
                     "" if pct is None else f"{pct:+.1f}%",
                     "" if d.catalog is None else _short(d.catalog.source)))
    click.echo("\n".join(_table(rows, right={5})))
    if any(d.catalog is not None and _short(d.catalog.source) != d.catalog.source for d in diffs):
        click.echo("\n  Sources ending in ... are shortened; --format json gives them in full.")


def _short(source: str, width: int = 70) -> str:
    """A source for a table cell: shortened visibly ("..."), never cut silently."""
    return source if len(source) <= width else source[:width - 3] + "..."
