"""`gnnstack compare`: the four stack options priced side by side on one scenario."""

from __future__ import annotations

import json

import click

from gnnstack.costing.report import Comparison, cost_report, price_book
from gnnstack.project import find_project
from gnnstack.options import OPTIONS

from .options import format_option, prices_option, usage_option
from .output import progress


@click.command()
@click.argument("stack")
@prices_option
@usage_option
@format_option("table", "json", "markdown", details={
    "json": "each option's totals, unpriced resources, biggest lines and next 12 months"})
def compare(stack: str, prices: str | None, usage: str | None, fmt: str) -> None:
    """Price all four stack options on STACK's scenario, side by side.

    Builds neptune-sagemaker, neo4j-ec2, tigergraph-ec2 and emr-spark offline on the same graph,
    workload and region, and shows each one's base and worst-case monthly cost, its month-12
    cost as the graph grows, what is unpriced and its biggest lines. Options not in the capture
    cache run in parallel processes after the first: GNNSTACK_JOBS sets how many (default: one
    per CPU; 1 runs them one after another).

    \b
    Examples:
      gnnstack compare experiment
      gnnstack compare production --format markdown > costs.md
      gnnstack compare experiment --usage usage.yaml
    """
    from gnnstack.capture_cache import capture_all  # Pulumi is imported only on a cache miss

    from gnnstack.assess import stack_usage
    from gnnstack.costing.usage_file import load_usage_file

    project = find_project()
    if usage:
        load_usage_file(usage)  # a malformed file fails before any capture
    captured = capture_all(project, stack, OPTIONS, step=progress)
    names = frozenset(r.name for graph, _ in captured for r in graph.resources)
    reports = []
    for i, (graph, scenario) in enumerate(captured, start=1):
        with progress(f"{stack}: {graph.option} ({i}/{len(captured)}): pricing"):
            book, used = price_book(project.root, scenario.costing.price_overrides, prices)
            reports.append(cost_report(graph, book, used, stack_usage(graph, scenario, usage, names, project.root)))
    result = Comparison(stack, reports)
    if fmt == "json":
        from gnnstack.outputs.json_out import comparison_json

        click.echo(json.dumps(comparison_json(result), indent=2))
    elif fmt == "markdown":
        from gnnstack.outputs.markdown import compare_markdown

        click.echo(compare_markdown(result), nl=False)
    else:
        from gnnstack.outputs.table import compare_table

        click.echo(compare_table(result), nl=False)
