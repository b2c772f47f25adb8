"""`gnnstack guardrails`: the rule registry, and policy config for the CrossGuard pack."""

from __future__ import annotations

import json

import click

from gnnstack.project import find_project

from .options import guardrails_option


@click.group()
def guardrails() -> None:
    """The guardrail rules, and the policy config the CrossGuard pack reads.

    \b
    Examples:
      gnnstack guardrails list
      gnnstack guardrails policy-config experiment > guardrails/policy-config.experiment.json
    """


@guardrails.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table for people, json for tools.")
def list_rules(fmt: str) -> None:
    """Every rule: its description, default level per environment, parameters and an example.

    \b
    Example:
      gnnstack guardrails list --format json
    """
    from gnnstack.guardrails import RULES

    if fmt == "json":
        click.echo(json.dumps([{"name": r.name, "description": r.description, "levels": r.levels,
                                "params": r.params.model_json_schema(), "example": r.example}
                               for r in RULES.values()], indent=2, default=str))
        return
    for r in sorted(RULES.values(), key=lambda r: r.name):
        click.echo(click.style(r.name, bold=True) + f"  (experiment: {r.levels['experiment']}, "
                                                     f"production: {r.levels['production']})")
        click.echo(f"  {r.description}")
        for field, info in r.params.model_fields.items():
            click.echo(f"  - {field}: {info.description or ''} (default {info.get_default(call_default_factory=True)!r})"
                       if not info.is_required() else f"  - {field}: {info.description or ''} (required)")
        click.echo(f"  example params: {json.dumps(r.example)}")


@guardrails.command("policy-config")
@click.argument("environment", type=click.Choice(["experiment", "production"]))
@guardrails_option
def policy_config(environment: str, guardrails: str | None) -> None:
    """Print the CrossGuard policy config for ENVIRONMENT, generated from guardrails/config.yaml.

    \b
    Example:
      gnnstack guardrails policy-config experiment > guardrails/policy-config.experiment.json
      pulumi preview -s experiment --policy-pack guardrails \\
        --policy-pack-config guardrails/policy-config.experiment.json
    """
    from gnnstack.assess import guardrail_config
    from gnnstack.guardrails.pack import policy_config as build

    click.echo(json.dumps(build(guardrail_config(find_project(), guardrails), environment), indent=2))
