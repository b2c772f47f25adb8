"""`gnnstack prices`: the effective price catalog, and audits of override files against it."""

from __future__ import annotations

import json

import click

from gnnstack.costing.catalog import PriceBook, audit, read
from gnnstack.outputs.table import audit_table, prices_table

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
    click.echo(prices_table(entries), nl=False)


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
    click.echo(audit_table(against, len(overrides), diffs), nl=False)
