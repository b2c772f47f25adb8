"""`gnnstack solve`: what a budget buys: Lambda requests a day, or a stack's largest settings."""

from __future__ import annotations

import json
import sys
from decimal import Decimal, InvalidOperation
from typing import Optional

import click

from gnnstack.errors import ConfigError
from gnnstack.options import OPTIONS

from .options import format_option
from .output import progress

LAMBDA = "lambda"
# Exit status when nothing fits the budget: the answer is "no", as a failed mandatory guardrail
# is for `preview`/`check` (1); 2 stays for bad input.
EXIT_NOTHING_FITS = 1


def _budget(text: str):
    from gnnstack.costing.inverse import BUDGET_FORMS, parse_budget

    try:
        return parse_budget(text)
    except ValueError as e:
        raise ConfigError(f"--budget: {e}; write {BUDGET_FORMS}") from None


def _positive(option: str, text: str, what: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value <= 0:
        raise ConfigError(f"{option}: {text!r} is not a positive number; write {what}")
    return value


@click.command()
@click.argument("target", metavar="lambda|STACK")
@click.option("--budget", "budget", required=True, metavar="N/day|N/month",
              help="What may be spent, in USD: 7/day, $7/day or 1500/month (a day is 1/30.42 of a 730-hour month).")
@click.option("--gb-seconds", "gb_seconds", multiple=True, metavar="N",
              help="lambda: GB-seconds a request (repeatable). Default: the seed's 1 32 64 96 128 160 192 224 256.")
@click.option("--memory", "memory", metavar="MB",
              help="lambda: memory in MB; with --seconds, one row of MB/1024 x S.")
@click.option("--seconds", "seconds", metavar="S", help="lambda: seconds a request runs (with --memory).")
@click.option("--arch", "arch", type=click.Choice(["x86_64", "arm64"]),
              help="lambda: one architecture. Default: both, side by side.")
@click.option("--free-tier", "free_tier", is_flag=True,
              help="lambda: subtract the monthly free tier (400,000 GB-s and 1M requests, spread over a "
                   "730-hour month).")
@click.option("--price-per-gb-second", "gb_second_price", metavar="USD",
              help="lambda: this duration price instead of the catalog's (0.00001667 gives seed 002's table).")
@click.option("--region", "region", help="lambda: the catalog region. Default: us-east-1.")
@click.option("--option", "option", type=click.Choice(OPTIONS), help="STACK: solve another option on its scenario.")
@click.option("--worst-case", "worst_case", is_flag=True,
              help="STACK: keep the worst case (every cap at its maximum) within the budget, not the base.")
@format_option("table", "json", details={
    "json": "lambda: the prices and requests a day per row; STACK: the changes, base and worst case"})
def solve(target: str, budget: str, gb_seconds: tuple[str, ...], memory: Optional[str], seconds: Optional[str],
          arch: Optional[str], free_tier: bool, gb_second_price: Optional[str], region: Optional[str],
          option: Optional[str], worst_case: bool, fmt: str) -> None:
    """What a budget buys: Lambda requests a day, or a stack's largest settings.

    \b
    gnnstack solve lambda --budget B
      Requests a day that fit B (seed 002):
        requests = B a day / (USD per GB-second x GB-seconds a request + USD per request),
      rounded down to a whole request, for each GB-seconds a request, at the catalog's Lambda
      prices (x86_64 and arm64 side by side; the seed's rounded 0.00001667 beside x86_64).

    \b
    gnnstack solve STACK --budget B
      The largest values of STACK's cost knobs (tuning max_training_jobs, ETL workers,
      training hours_per_day and instance_count, Neptune max_readers/readers, Neo4j
      max_servers/servers, EMR hours_per_day/max_units/core_instances: those the stack
      uses, in this order) that keep its monthly base cost (--worst-case: the worst case,
      unbounded lines left out and named) within B. The search starts from the stack file:
      over budget, it lowers one knob at a time, step by step, until the cost fits or the
      knob reaches its floor, then the next; within budget, it raises one knob at a time
      while the cost still fits. A step the stack file's rules refuse (hours_per_day above
      max_runtime_hours) stops that knob. Each setting is priced as `gnnstack preview`
      prices a stack file with those values. Prints the changes to make (old -> new).
      Exit 0 when it fits; 1 when nothing fits (the floor is shown); 2 on bad input.

    \b
    Examples:
      gnnstack solve lambda --budget 7/day
      gnnstack solve lambda --budget 7/day --price-per-gb-second 0.00001667 --arch x86_64
      gnnstack solve lambda --budget '$200/month' --memory 1024 --seconds 30 --free-tier
      gnnstack solve experiment --budget 1500/month
      gnnstack solve production --budget 20000/month --worst-case --format json
    """
    parsed = _budget(budget)
    lambda_only = {"--gb-seconds": bool(gb_seconds), "--memory": memory is not None, "--seconds": seconds is not None,
                   "--arch": arch is not None, "--free-tier": free_tier,
                   "--price-per-gb-second": gb_second_price is not None, "--region": region is not None}
    stack_only = {"--option": option is not None, "--worst-case": worst_case}
    if target == LAMBDA:
        given = [name for name, on in stack_only.items() if on]
        if given:
            raise ConfigError(f"{given[0]} applies to `gnnstack solve STACK`, not `solve lambda`")
        _lambda(parsed, gb_seconds, memory, seconds, arch, free_tier, gb_second_price, region or "us-east-1", fmt)
    else:
        given = [name for name, on in lambda_only.items() if on]
        if given:
            raise ConfigError(f"{given[0]} applies to `gnnstack solve lambda`, not to a stack ({target!r})")
        _stack(target, parsed, option, worst_case, fmt)


def _lambda(budget, gb_seconds: tuple[str, ...], memory: Optional[str], seconds: Optional[str],
            arch: Optional[str], free_tier: bool, gb_second_price: Optional[str], region: str, fmt: str) -> None:
    from gnnstack.costing import PriceBook
    from gnnstack.costing.inverse import ARCHITECTURES, SEED_GB_SECONDS, MissingLambdaPrice, solve_lambda
    from gnnstack.regions import REGIONS

    if (memory is None) != (seconds is None):
        raise ConfigError("--memory and --seconds go together: GB-seconds a request = memory MB / 1024 x seconds")
    if memory is not None and gb_seconds:
        raise ConfigError("--gb-seconds and --memory/--seconds both give GB-seconds a request: use one")
    if memory is not None and seconds is not None:
        rows = [_positive("--memory", memory, "megabytes like 1024") / 1024 * _positive("--seconds", seconds,
                                                                                          "seconds like 0.5")]
    elif gb_seconds:
        rows = [_positive("--gb-seconds", g, "GB-seconds a request like 128") for g in gb_seconds]
    else:
        rows = list(SEED_GB_SECONDS)
    price = None if gb_second_price is None else _positive("--price-per-gb-second", gb_second_price,
                                                           "USD like 0.00001667")
    if region not in REGIONS:
        raise ConfigError(f"--region: {region!r} is not an AWS region; use one like us-east-1")
    # A duration price given on the command line is one price: one column (x86_64 unless --arch).
    archs = [arch] if arch else (["x86_64"] if price is not None else list(ARCHITECTURES))
    book = PriceBook.load()
    try:
        result = solve_lambda(book, region, budget, rows, archs, free_tier, price)
    except MissingLambdaPrice as e:
        raise ConfigError(f"--region: the catalog has no Lambda price {e.item!r} for {e.region}; "
                          f"regions with prices: {', '.join(book.regions())}") from None
    if fmt == "json":
        from gnnstack.outputs.json_out import solve_lambda_json

        click.echo(json.dumps(solve_lambda_json(result), indent=2))
    else:
        from gnnstack.outputs.table import solve_lambda_table

        click.echo(solve_lambda_table(result), nl=False)


def _stack(stack: str, budget, option: Optional[str], worst_case: bool, fmt: str) -> None:
    from gnnstack.project import find_project
    from gnnstack.solve import solve as solve_stack

    project = find_project()
    known = project.all_stacks()
    if stack not in known:
        from gnnstack.errors import did_you_mean

        raise ConfigError(f"{stack!r} is neither a service solve knows ({LAMBDA}) nor a stack of this project "
                          f"(stacks: {', '.join(known) or 'none'}).{did_you_mean(stack, [LAMBDA, *known])}")
    result = solve_stack(project, stack, budget, option, worst_case, step=progress)
    if fmt == "json":
        from gnnstack.outputs.json_out import solution_json

        click.echo(json.dumps(solution_json(result), indent=2))
    else:
        from gnnstack.outputs.table import solution_text

        click.echo(solution_text(result), nl=False)
    if not result.fits:
        sys.exit(EXIT_NOTHING_FITS)
