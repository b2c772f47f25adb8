"""Options several commands share."""

from __future__ import annotations

from typing import Optional

import click

prices_option = click.option(
    "--prices", "prices", metavar="FILE",
    help="Price override file (CSV, same columns as the catalog) on top of the catalog. "
         "Default: the scenario's costing.price_overrides, if any.")


usage_option = click.option(
    "--usage", "usage", metavar="FILE",
    help="Usage file (YAML): hours, GB, requests per resource or resource type, on top of what the stack "
         "file declares. Write a complete one with `gnnstack usage template STACK` (or PATH, for estimate).")


timeout_option = click.option(
    "--timeout", "timeout", metavar="SECONDS", type=click.FloatRange(min=1),
    help="A project folder only: stop its program if it has not finished after SECONDS under mocks (default "
         "300), and say which line it was on (a program waiting on the network, a lock or input never finishes "
         "offline).")


# What each format name means, the same in every command that offers it.
FORMATS = {
    "table": "for people",
    "text": "for people",
    "json": "for tools",
    "markdown": "a report for PR comments and documents",
    "sarif": "SARIF 2.1.0, for code scanning",
    "junit": "JUnit XML, one failing test case per violation",
    "github": "GitHub workflow commands (annotations), then a summary for the PR, also appended to "
              "$GITHUB_STEP_SUMMARY",
}


def format_help(choices: tuple[str, ...], details: Optional[dict[str, str]] = None) -> str:
    """'table: for people; json: for tools ...': exactly the formats offered, each with its
    meaning and, from `details`, what this command puts in it."""
    details = details or {}
    unknown = set(details) - set(choices)
    if unknown:
        raise ValueError(f"details for formats not offered: {sorted(unknown)}")
    return "; ".join(f"{c}: {FORMATS[c]}" + (f", {details[c]}" if c in details else "") for c in choices) + "."


def format_option(*choices: str, default: str = "table", details: Optional[dict[str, str]] = None):
    """--format with `choices` (all names from FORMATS); `details` adds per command what a
    format holds."""
    if default not in choices or not set(choices) <= set(FORMATS):
        raise ValueError(f"format_option{choices}: default {default!r} or a name is not a known format")
    return click.option("--format", "fmt", type=click.Choice(choices), default=default, show_default=True,
                        help=format_help(choices, details))


guardrails_option = click.option(
    "--guardrails", "guardrails", metavar="FILE",
    help="Guardrail config (levels, thresholds, waivers). Default: guardrails/config.yaml in the project.")
