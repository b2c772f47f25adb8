"""`gnnstack up`, `down` and `budgets`: provisioning through the Automation API, and spend."""

from __future__ import annotations

import json
import sys

import click

from gnnstack.project import find_project

from .options import format_option, guardrails_option, prices_option
from .output import progress

backend_option = click.option("--backend", metavar="URL", help="State backend: file://..., s3://bucket/prefix or "
                              "https://api.pulumi.com. Default: local files under ~/.gnnstack/state.")
local_option = click.option("--local", is_flag=True, help="Dry rehearsal against a local AWS emulator (moto) on "
                            "127.0.0.1: endpoint overrides, credential checks skipped.")
endpoint_option = click.option("--endpoint", metavar="URL", help="The emulator for --local "
                               "(default: $AWS_ENDPOINT_URL or http://127.0.0.1:5000).")


def stack_options(fn):
    """STACK, --yes, --backend, --local and --endpoint: what up and down share."""
    for option in reversed((click.argument("stack"),
                            click.option("--yes", is_flag=True, help="Do not ask for confirmation."),
                            backend_option, local_option, endpoint_option)):
        fn = option(fn)
    return fn


def _progress(event) -> None:
    from gnnstack.deploy import describe_event

    line = describe_event(event)
    if line:
        click.echo(line)


@click.command()
@stack_options
@prices_option
@guardrails_option
def up(stack: str, yes: bool, backend: str | None, local: bool, endpoint: str | None, prices: str | None,
       guardrails: str | None) -> None:
    """Deploy STACK after its cost and guardrails pass.

    Runs the same estimate and guardrails as `preview` and refuses on a mandatory violation;
    shows the cost summary and asks for confirmation; then runs `pulumi up` through the
    Automation API with the guardrails policy pack attached, printing each resource step as it
    happens. Needs the Pulumi CLI and (unless --local) AWS credentials.

    \b
    Examples:
      gnnstack up experiment
      gnnstack up experiment --local --yes          # rehearsal against moto on 127.0.0.1:5000
      gnnstack up production --backend s3://team-state/gnnstack
    """
    from gnnstack.assess import assess
    from gnnstack.deploy import build_plan, require_cli, run_up
    from gnnstack.outputs.table import up_summary

    require_cli("up")
    project = find_project()
    with progress(f"{stack}: running the Pulumi program under mocks, pricing, guardrails"):
        a = assess(project, stack, None, prices, guardrails)
    click.echo(up_summary(a), nl=False)
    if not a.verdict.passed:
        click.echo("error: refusing to deploy: mandatory guardrails fail (see above)", err=True)
        sys.exit(1)
    plan = build_plan(project, stack, a.scenario.environment, backend=backend, local=local, endpoint=endpoint)
    click.echo(f"backend {plan.backend}" + (f"; local emulator {plan.local_endpoint}" if local else ""))
    if not yes and not click.confirm(f"Deploy {stack}?", default=False):
        click.echo("nothing deployed")
        return
    result = run_up(plan, _progress, lambda line: None)
    click.echo(f"done: {json.dumps(result['summary'])}")


@click.command()
@stack_options
def down(stack: str, yes: bool, backend: str | None, local: bool, endpoint: str | None) -> None:
    """Destroy STACK, remove it from the backend, then check by tag that nothing is left.

    After `pulumi destroy` (Automation API), every resource still tagged gnnstack:stack=STACK
    in the stack's region is listed; the exit code is 1 if anything is left. Needs the Pulumi
    CLI.

    \b
    Example:
      gnnstack down experiment --yes
    """
    from gnnstack.deploy import require_cli

    require_cli("down")
    from gnnstack import clock
    from gnnstack.deploy import build_plan, leftovers, run_destroy
    from gnnstack.project import load_stack

    project = find_project()
    _, scenario = load_stack(project, stack)
    plan = build_plan(project, stack, scenario.environment, backend=backend, local=local, endpoint=endpoint)
    if not yes and not click.confirm(f"Destroy {stack} ({scenario.option}, {scenario.region})?", default=False):
        click.echo("nothing destroyed")
        return
    result = run_destroy(plan, _progress, lambda line: None)
    click.echo(f"destroyed: {json.dumps(result['summary'])}")
    with progress(f"{stack}: looking for anything still tagged gnnstack:stack={stack} in {scenario.region}"):
        left = leftovers(stack, scenario.region, clock.now())
    if left:
        click.echo(f"{len(left)} resource(s) tagged gnnstack:stack={stack} are still there:", err=True)
        for f in left:
            click.echo(f"  {f.kind} {f.identifier}", err=True)
        sys.exit(1)
    click.echo(f"nothing tagged gnnstack:stack={stack} is left in {scenario.region}")


@click.command()
@click.argument("stacks", nargs=-1)
@format_option("table", "json")
def budgets(stacks: tuple[str, ...], fmt: str) -> None:
    """Each stack's budget: limit, actual and forecast spend, and its cost by tag.

    Reads AWS Budgets (the budget each stack deploys, gnnstack-<project>-<stack>) and, where it
    has data, Cost Explorer filtered on the gnnstack:stack tag. Needs AWS credentials (or
    AWS_ENDPOINT_URL for an emulator), not the Pulumi CLI.

    \b
    Example:
      gnnstack budgets experiment production
    """
    from gnnstack import clock
    from gnnstack.budgets import stack_budgets
    from gnnstack.project import load_stack

    project = find_project()
    names = list(stacks) or project.all_stacks()
    region = load_stack(project, names[0])[1].region
    with progress(f"reading AWS Budgets and Cost Explorer for {len(names)} stack(s)"):
        rows = stack_budgets(project.name, names, region, clock.now().date())
    if fmt == "json":
        click.echo(json.dumps([r.to_json() for r in rows], indent=2))
        return
    from gnnstack.outputs.table import budgets_text

    click.echo(budgets_text(rows), nl=False)
