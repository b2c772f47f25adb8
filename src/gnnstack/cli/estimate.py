"""`gnnstack estimate`: price another Pulumi project's plan: a `pulumi preview --json` file, a
`pulumi stack export`, gnnstack's own preview JSON, or a Pulumi Python project folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import click

from gnnstack.errors import ConfigError
from gnnstack.tags import ENVIRONMENTS

from .options import format_option, prices_option, timeout_option, usage_option
from .output import collector_paused_on_files, progress

INDENT_UP_TO = 2000  # resources; beyond, --format json is compact


def _config(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq or not key:
            raise ConfigError(f"--config {pair!r}: expected KEY=VALUE, e.g. --config aws:region=us-west-2")
        out[key] = value
    return out


@click.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=True, file_okay=True))
@click.option("--stack", "stack", metavar="NAME",
              help="Folders only: the stack whose Pulumi.<NAME>.yaml config to use.")
@click.option("--config", "config", metavar="KEY=VALUE", multiple=True,
              help="Folders only: a config value on top of the stack's (repeatable), e.g. aws:region=us-west-2.")
@click.option("--region", "region", metavar="REGION",
              help="The region of AWS resources whose inputs, provider and stack config name none.")
@timeout_option
@usage_option
@prices_option
@click.option("--guardrails", "guardrails", type=click.Choice(ENVIRONMENTS), metavar="ENV",
              help="Also run the guardrails that apply to any program, at ENV's levels (experiment or "
                   "production); exit 1 when a mandatory one fails. The rules that read what only gnnstack's "
                   "own stacks have are listed as not applicable.")
@click.option("--guardrails-config", "guardrails_config", metavar="FILE", type=click.Path(dir_okay=False),
              help="With --guardrails: a guardrail config (levels, thresholds such as budget_usd and "
                   "ceiling_usd, waivers). Default: the built-in levels and thresholds.")
@format_option("table", "json", "markdown", details={
    "table": "each resource's cost before and after, totals, what was not priced",
    "json": "the same per resource, sorted keys (compact beyond 2,000 resources)",
    "markdown": "the totals and the resources for a PR comment"})
@collector_paused_on_files
def estimate(path: str, stack: Optional[str], config: tuple[str, ...], region: Optional[str], timeout: Optional[float],
             usage: Optional[str], prices: Optional[str], guardrails: Optional[str], guardrails_config: Optional[str],
             fmt: str) -> None:
    """Price another Pulumi project offline: what PATH costs a month on AWS, and what a preview changes.

    \b
    PATH is one of:
      - a `pulumi preview --json` file (any language): ops create, update, replace, delete, same
        price the cost before, after and the change, per resource and in total; the flattened
        variant some tools write (steps[] with type and inputs) too;
      - a `pulumi stack export` file: what is deployed;
      - a `gnnstack preview --format json` file;
      - a Pulumi Python project folder (its Pulumi.yaml; --stack, --config), its program run
        offline under Pulumi's mocks with its stack config (secrets as placeholders) and the
        packages of its virtualenv (venv/ or .venv/) or of this environment; priced as what
        it would create. Other languages: price their `pulumi preview --json`.

    \b
    Each AWS resource is priced in its own region, found in this order: its own `region` input,
    its `availabilityZone` (us-west-2a -> us-west-2), its provider resource's `region`, the
    stack config's `aws:region` (a preview file's `config`), then --region. None at all: an error
    asking for --region.

    \b
    Limits: resources of other providers (gcp, azure, kubernetes, random, ...) are listed as
    "not priced: provider X", never as $0; AWS types gnnstack has no pricer for are counted
    as unsupported types; secrets and values unknown until deploy are placeholders (a price
    that needs one is unpriced). No AWS credentials, no Pulumi CLI, no network.

    \b
    Guardrails (--guardrails ENV): budget, worst-case ceiling, unpriced resources, caps on
    elastic resources, instance types, EMR auto-termination, single region (the region most of
    its AWS resources are in), S3 lifecycle, database ports open to the internet, encryption at
    rest. `gnnstack guardrails list` shows each; docs/rules/ says which apply to any program.

    \b
    Examples:
      pulumi preview --json > plan.json && gnnstack estimate plan.json
      gnnstack estimate plan.json --region us-east-1 --usage usage.yaml --format markdown
      pulumi stack export > state.json && gnnstack estimate state.json --format json
      gnnstack estimate ./infra --stack prod --guardrails production
    """
    from gnnstack.costing.report import price_book

    rules = _guardrail_config(guardrails, guardrails_config)  # a bad config fails before any work
    if usage:
        from gnnstack.costing.usage_file import load_usage_file

        load_usage_file(usage)  # a malformed usage file fails before the plan is read or run
    plan = load_plan(path, stack, config, region, timeout)
    with progress(f"{path}: pricing {len(plan.after) + len(plan.before)} resources"):
        from gnnstack.foreign import price_plan

        book, used = price_book(Path.cwd(), None, prices)
        result = price_plan(plan, book, usage_file=usage, prices=used)
    _print(result, fmt, _verdict(result, guardrails, rules))


def load_plan(path: str, stack: Optional[str] = None, config: tuple[str, ...] = (),
              region: Optional[str] = None, timeout: Optional[float] = None) -> Any:
    """PATH as `gnnstack estimate` reads it: a JSON file's plan, or a Python project folder's
    program run under mocks (a plan that creates everything it registers)."""
    target = Path(path)
    if not target.is_dir():
        if stack or config:
            raise ConfigError(f"{path}: --stack and --config apply to a project folder, not a JSON file")
        if timeout is not None:
            raise ConfigError(f"{path}: --timeout applies to a project folder, whose program runs; a JSON file "
                              "is only read")
        from gnnstack.foreign import load

        with progress(f"{path}: reading"):
            return load(target, region=region)
    from gnnstack.foreign import program
    from gnnstack.foreign.load import from_program

    limit = program.DEFAULT_TIMEOUT if timeout is None else timeout
    with progress(f"{target}: running the Pulumi program under mocks (at most {limit:g} s)"):
        graph = program.capture_project(target, stack=stack, config=_config(config), region=region, timeout=limit)
    return from_program(graph, str(target), region=region)


def _guardrail_config(environment: Optional[str], path: Optional[str]) -> object:
    if path and not environment:
        raise ConfigError("--guardrails-config needs --guardrails ENV (experiment or production)")
    if not environment:
        return None
    from gnnstack.guardrails import load_config

    return load_config(Path(path) if path else None)


def _verdict(result: Any, environment: Optional[str], rules: Any) -> Any:
    """The guardrails for any program on the plan's after graph, or None without --guardrails."""
    if environment is None:
        return None
    from collections import Counter

    from gnnstack import clock
    from gnnstack.guardrails import evaluate

    graph = result.plan.after
    regions = Counter(r.region for r in graph.resources if r.region)
    region = min(regions, key=lambda k: (-regions[k], k)) if regions else None
    return evaluate(graph, result.after, rules, clock.now(), environment, foreign=True, region=region)


def _print(result: object, fmt: str, verdict: Any = None) -> None:
    if fmt == "json":
        from gnnstack.outputs.estimate import estimate_json_text

        # Large plans are written on one line: indenting 10,000 resources takes Python's slow encoder.
        extra = {"guardrails": verdict.to_json()} if verdict is not None else None
        click.echo(estimate_json_text(result, extra, INDENT_UP_TO))
    elif fmt == "markdown":
        from gnnstack.outputs.estimate import estimate_markdown

        click.echo(estimate_markdown(result), nl=False)
        if verdict is not None:
            from gnnstack.outputs.markdown import verdict_markdown

            click.echo(verdict_markdown(verdict), nl=False)
    else:
        from gnnstack.outputs.estimate import estimate_table

        click.echo(estimate_table(result), nl=False)
        if verdict is not None:
            from gnnstack.outputs.table import verdict_text

            click.echo()
            click.echo(verdict_text(verdict), nl=False)
            if verdict.not_applicable:
                click.echo(f"Not applicable to a program gnnstack did not build: {', '.join(verdict.not_applicable)}")
    if verdict is not None and not verdict.passed:
        raise SystemExit(1)
