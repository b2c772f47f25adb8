"""`gnnstack guardrails`: the rule registry, and policy config for the CrossGuard pack."""

from __future__ import annotations

import json

import click

from gnnstack.project import find_project

from .options import format_option, guardrails_option


@click.group()
def guardrails() -> None:
    """The guardrail rules, and the policy config the CrossGuard pack reads.

    \b
    Examples:
      gnnstack guardrails list
      gnnstack guardrails policy-config experiment > guardrails/policy-config.experiment.json
    """


@guardrails.command("list")
@format_option("table", "json", details={"json": "with each rule's parameter schema"})
def list_rules(fmt: str) -> None:
    """Every rule: its description, default level per environment, parameters and an example.

    \b
    Example:
      gnnstack guardrails list --format json
    """
    from gnnstack.guardrails import RULES

    if fmt == "json":
        from gnnstack.outputs.json_out import rules_json

        click.echo(json.dumps(rules_json(list(RULES.values())), indent=2, default=str))
        return
    from gnnstack.outputs.table import rules_text

    click.echo(rules_text(RULES.values()), nl=False)


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


@guardrails.command("docs")
@click.option("--out", "out", default="docs/rules", show_default=True, metavar="DIR",
              help="Folder for the pages: one <rule>.md per rule and a README.md index.")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 when a page is missing, stale or differs from the registry.")
def docs(out: str, check_only: bool) -> None:
    """Write a page per rule (description, default levels, parameters and their schema, an
    example, where `check` places its findings): the pages SARIF's helpUri points at.

    \b
    Examples:
      gnnstack guardrails docs
      gnnstack guardrails docs --check
    """
    from pathlib import Path

    from gnnstack.guardrails import RULES
    from gnnstack.outputs.markdown import GENERATED, rule_pages

    folder = Path(out)
    pages = rule_pages(RULES.values())
    stale = sorted(p.name for p in folder.glob("*.md")
                   if p.name not in pages and p.read_text().startswith(GENERATED)) if folder.is_dir() else []
    changed = sorted(name for name, text in pages.items()
                     if not (folder / name).is_file() or (folder / name).read_text() != text)
    if check_only:
        for name in changed:
            click.echo(f"{folder / name}: differs from the registry")
        for name in stale:
            click.echo(f"{folder / name}: no such rule any more")
        if changed or stale:
            raise SystemExit(f"run `gnnstack guardrails docs --out {out}` and commit the pages")
        click.echo(f"{len(pages)} pages in {folder} match the registry")
        return
    folder.mkdir(parents=True, exist_ok=True)
    for name in changed:
        (folder / name).write_text(pages[name])
    for name in stale:
        (folder / name).unlink()
    click.echo(f"{len(pages)} pages in {folder}: {len(changed)} written, {len(stale)} removed")

