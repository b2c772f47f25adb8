"""Options several commands share."""

from __future__ import annotations

import click

prices_option = click.option(
    "--prices", "prices", metavar="FILE",
    help="Price override file (CSV, same columns as the catalog) on top of the catalog. "
         "Default: the scenario's costing.price_overrides, if any.")


usage_option = click.option(
    "--usage", "usage", metavar="FILE",
    help="Usage file (YAML): hours, GB, requests per resource or resource type, on top of what the stack "
         "file declares. Write a complete one with `gnnstack usage template STACK`.")


def format_option(*choices: str, default: str = "table"):
    return click.option("--format", "fmt", type=click.Choice(choices), default=default, show_default=True,
                        help="table for people; json for tools; markdown for PR comments and reports.")

guardrails_option = click.option(
    "--guardrails", "guardrails", metavar="FILE",
    help="Guardrail config (levels, thresholds, waivers). Default: guardrails/config.yaml in the project.")
