"""`gnnstack actuals`: what a deployed stack really cost, day by day, next to its estimate."""

from __future__ import annotations

import json
from typing import Optional

import click

from gnnstack.project import find_project

from .options import format_option
from .output import progress


@click.command()
@click.argument("stack")
@click.option("--days", type=int, default=14, show_default=True, metavar="N",
              help="How many whole days to show, ending the day before --end.")
@click.option("--end", metavar="YYYY-MM-DD",
              help="The day after the last one shown (Cost Explorer's exclusive end). Default: today (UTC), "
                   "whose cost is not complete yet.")
@format_option("table", "json", details={"json": "every day and service, money to the cent"})
def actuals(stack: str, days: int, end: Optional[str], fmt: str) -> None:
    """STACK's actual daily cost from Cost Explorer next to its estimate.

    Cost Explorer's UnblendedCost for each day, filtered on the cost-allocation tag
    gnnstack:stack=STACK and grouped by AWS service, next to the estimate's monthly base spread
    over the days of its month (730 h / 24 unless the stack file sets costing.month_days): the
    difference per day, in total and per service, and the services that explain most of the gap.
    Days Cost Explorer has not finished (Estimated) are marked ~; a day with no cost under the
    tag is "no data", never $0.

    Needs AWS credentials with ce:GetCostAndUsage and ce:ListCostAllocationTags, and the tag
    gnnstack:stack activated for cost allocation. Each Cost Explorer API request (each page) is
    charged, USD 0.01; a run makes one or a few.

    \b
    Examples:
      gnnstack actuals experiment
      gnnstack actuals production --days 30 --end 2026-11-01
      gnnstack actuals experiment --format json | jq '.explains_most'
    """
    from gnnstack import budgets, clock

    project = find_project()
    with progress(f"{stack}: pricing the estimate and reading Cost Explorer ({days} day(s))"):
        report = budgets.stack_actuals(project, stack, days, end, clock.now().date(), budgets.ce_client())
    if fmt == "json":
        from gnnstack.outputs.json_out import actuals_json

        click.echo(json.dumps(actuals_json(report), indent=2))
        return
    from gnnstack.outputs.table import actuals_table

    click.echo(actuals_table(report), nl=False)
