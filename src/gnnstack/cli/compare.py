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

    _show(compare_options(find_project(), stack, prices, usage, step=progress), fmt,
          ("comparison_json", "compare_markdown", "compare_table"))


def _training(stack: str, prices: str | None, fmt: str) -> None:
    from gnnstack.assess import training_choices

    _show(training_choices(find_project(), stack, prices), fmt,
          ("training_json", "training_markdown", "training_table"))


def _show(result: object, fmt: str, writers: tuple[str, str, str]) -> None:
    """Print `result` with the writer for `fmt`, named (json, markdown, table) in gnnstack.outputs
    (only that format's module loads: the table's rich stays out of JSON output)."""
    import importlib

    module, writer = {"json": ("json_out", writers[0]), "markdown": ("markdown", writers[1])}.get(
        fmt, ("table", writers[2]))
    text = getattr(importlib.import_module(f"gnnstack.outputs.{module}"), writer)(result)
    if fmt == "json":
        click.echo(json.dumps(text, indent=2))
    else:
        click.echo(text, nl=False)


# The options come from the registry, so the help never lists one that is gone or misses a new one.
compare.help = (compare.help or "").replace("{options}", ", ".join(OPTIONS))
