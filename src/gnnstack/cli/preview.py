"""`gnnstack preview`: the resources a stack would create, offline."""

from __future__ import annotations

import json

import click

from gnnstack import render
from gnnstack.project import find_project
from gnnstack.scenario import OPTIONS


@click.command()
@click.argument("stack")
@click.option("--option", "option", type=click.Choice(OPTIONS),
              help="Price and build another stack option on the same scenario.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table for people, json for tools.")
def preview(stack: str, option: str | None, fmt: str) -> None:
    """Show what STACK would create, without AWS or the Pulumi CLI.

    Runs the real Pulumi program in-process under Pulumi's mock runtime and lists every
    resource it registers, grouped by component, with its key sizing inputs (instance types,
    counts, caps, schedules). Secrets are never shown.

    \b
    Examples:
      gnnstack preview experiment
      gnnstack preview production --option emr-spark --format json
    """
    from gnnstack.capture import capture  # imports Pulumi: only when a preview actually runs

    project = find_project()
    graph, scenario = capture(project, stack, option)
    if fmt == "json":
        click.echo(json.dumps(render.preview_json(graph, scenario), indent=2, default=str))
    else:
        click.echo(render.preview_table(graph, scenario))
