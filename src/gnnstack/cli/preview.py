"""`gnnstack preview`: the resources a stack would create and what they cost, offline."""

from __future__ import annotations

import json
import sys

import click

from gnnstack.project import find_project
from gnnstack.options import OPTIONS

from .options import format_option, guardrails_option, prices_option, usage_option
from .output import progress


@click.command()
@click.argument("stack")
@click.option("--option", "option", type=click.Choice(OPTIONS),
              help="Price and build another stack option on the same scenario.")
@prices_option
@usage_option
@guardrails_option
@format_option("table", "json", "markdown", details={
    "table": "the resources by component, the cost estimate and the guardrail verdicts",
    "json": "the resources, the estimate and the guardrail verdicts",
    "markdown": "the cost estimate"})
def preview(stack: str, option: str | None, prices: str | None, usage: str | None, guardrails: str | None,
            fmt: str) -> None:
    """Show what STACK would create and cost, without AWS or the Pulumi CLI.

    Runs the real Pulumi program in-process under Pulumi's mock runtime, lists every resource
    it registers (grouped by component, with instance types, counts, caps and schedules), then
    prices each one from the catalog: a base case from the usage (the stack file, a --usage file,
    or a documented default, each shown with the lines it prices) and a worst case with every
    cap at its maximum. Lines with no cap are reported as unbounded; resources with
    no price are listed as unpriced, never counted as $0. Last come the guardrail verdicts
    (guardrails/config.yaml); the exit code is 1 when a mandatory rule fails. Secrets are never
    shown.

    \b
    Examples:
      gnnstack preview experiment
      gnnstack preview seed-analysis                 # the seed's prices, with catalog prices next to them
      gnnstack preview production --option emr-spark --format json
      gnnstack preview experiment --prices negotiated.csv --format markdown
      gnnstack preview experiment --usage usage.yaml  # after `gnnstack usage template experiment`
    """
    from gnnstack.assess import assess

    project = find_project()
    with progress(f"{stack}: running the Pulumi program under mocks, pricing, guardrails"):
        a = assess(project, stack, option, prices, guardrails, usage_file=usage)
    if fmt == "json":
        from gnnstack.outputs.json_out import preview_json

        click.echo(json.dumps(preview_json(a.graph, a.scenario, a.costs, a.verdict), indent=2, default=str))
    elif fmt == "markdown":
        from gnnstack.outputs.markdown import cost_markdown

        click.echo(cost_markdown(a.costs, len(a.graph.managed())), nl=False)
    else:
        from gnnstack.outputs.table import preview_table

        click.echo(preview_table(a.graph, a.scenario, a.costs, a.verdict), nl=False)
    if not a.verdict.passed:
        sys.exit(1)
