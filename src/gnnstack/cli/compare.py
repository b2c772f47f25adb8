"""`gnnstack compare`: the four stack options priced side by side on one scenario."""

from __future__ import annotations

import json

import click

from gnnstack.costing.report import Comparison, compare_markdown, compare_table, cost_report, price_book
from gnnstack.project import find_project
from gnnstack.scenario import OPTIONS

from .options import format_option, prices_option


@click.command()
@click.argument("stack")
@prices_option
@format_option("table", "json", "markdown")
def compare(stack: str, prices: str | None, fmt: str) -> None:
    """Price all four stack options on STACK's scenario, side by side.

    Builds neptune-sagemaker, neo4j-ec2, tigergraph-ec2 and emr-spark offline on the same graph,
    workload and region, and shows each one's base and worst-case monthly cost, its month-12
    cost as the graph grows, what is unpriced and its biggest lines.

    \b
    Examples:
      gnnstack compare experiment
      gnnstack compare production --format markdown > costs.md
    """
    from gnnstack.capture_cache import capture  # Pulumi is imported only on a cache miss

    project = find_project()
    reports = []
    for option in OPTIONS:
        graph, scenario = capture(project, stack, option)
        book, used = price_book(project.root, scenario.costing.price_overrides, prices)
        reports.append(cost_report(graph, book, used))
    result = Comparison(stack, reports)
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=2))
    elif fmt == "markdown":
        click.echo(compare_markdown(result), nl=False)
    else:
        click.echo(compare_table(result), nl=False)
