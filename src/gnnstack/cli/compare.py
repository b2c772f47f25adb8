"""`gnnstack compare`: every stack option priced side by side on one scenario."""

from __future__ import annotations

import json

import click

from gnnstack.project import find_project
from gnnstack.options import OPTIONS

from .options import format_option, prices_option, usage_option
from .output import progress


@click.command()
@click.argument("stack")
@prices_option
@usage_option
@click.option("--training", is_flag=True,
              help="Instead of the options: price the stack's training job on each instance type in "
                   "workload.training.candidates, on demand and on managed spot, per run and per month.")
@format_option("table", "json", "markdown", details={
    "json": "each option's totals, unpriced resources, biggest lines and next 12 months "
            "(with --training: each candidate's costs and the prices they rest on)"})
def compare(stack: str, prices: str | None, usage: str | None, training: bool, fmt: str) -> None:
    """Price every stack option on STACK's scenario, side by side.

    Builds each option ({options}) offline on the same graph, workload and region, and
    shows each one's base and worst-case monthly cost, its month-12 cost as the graph grows,
    what is unpriced and its biggest lines. Options not in the capture cache run in parallel
    processes after the first: GNNSTACK_JOBS sets how many (default: one per CPU; 1 runs them
    one after another).

    \b
    Examples:
      gnnstack compare experiment
      gnnstack compare production --format markdown > costs.md
      gnnstack compare experiment --usage usage.yaml
      gnnstack compare experiment --training --prices prices/seed-003-training.csv
    """
    if training:
        if usage:
            raise click.UsageError("--training prices each candidate with its own hours a run; drop --usage")
        _training(stack, prices, fmt)
        return
    from gnnstack.assess import compare as compare_options

    result = compare_options(find_project(), stack, prices, usage, step=progress)
    if fmt == "json":
        from gnnstack.outputs.json_out import comparison_json

        click.echo(json.dumps(comparison_json(result), indent=2))
    elif fmt == "markdown":
        from gnnstack.outputs.markdown import compare_markdown

        click.echo(compare_markdown(result), nl=False)
    else:
        from gnnstack.outputs.table import compare_table

        click.echo(compare_table(result), nl=False)


def _training(stack: str, prices: str | None, fmt: str) -> None:
    from gnnstack.assess import training_choices

    result = training_choices(find_project(), stack, prices)
    if fmt == "json":
        from gnnstack.outputs.json_out import training_json

        click.echo(json.dumps(training_json(result), indent=2))
    elif fmt == "markdown":
        from gnnstack.outputs.markdown import training_markdown

        click.echo(training_markdown(result), nl=False)
    else:
        from gnnstack.outputs.table import training_table

        click.echo(training_table(result), nl=False)


# The options come from the registry, so the help never lists one that is gone or misses a new one.
compare.help = (compare.help or "").replace("{options}", ", ".join(OPTIONS))
