"""`gnnstack reap`: find experiments whose time-to-live has passed, and tear them down."""

from __future__ import annotations

import json
import sys

import click

from gnnstack.errors import GnnstackError
from gnnstack.project import find_project

from .deploy import backend_option
from .options import format_option, guardrails_option
from .output import progress


@click.command()
@click.option("--region", "regions", multiple=True, metavar="REGION",
              help="Region to search (repeatable). Default: reap.regions in the guardrail config, else the "
                   "stacks' regions.")
@click.option("--dry-run/--no-dry-run", default=True, show_default=True,
              help="List what would go and change nothing, or delete it.")
@click.option("--yes", is_flag=True, help="With --no-dry-run: do not ask for confirmation.")
@format_option("table", "json", details={"json": "what a dry run would remove (not with --no-dry-run)"})
@backend_option
@guardrails_option
def reap(regions: tuple[str, ...], dry_run: bool, yes: bool, fmt: str, backend: str | None,
         guardrails: str | None) -> None:
    """Find expired experiments (gnnstack:expires-at in the past) and, with --no-dry-run, remove them.

    Looks through the Resource Groups Tagging API, EMR and Auto Scaling in the allowed regions
    and groups what it finds by stack. Touches only what is positively marked as an expired
    experiment: a non-empty gnnstack:stack tag, Environment=experiment (any case) and a
    gnnstack:expires-at with a time zone in the past, in the allowed regions and accounts
    (reap: in guardrails/config.yaml). Everything else it found is listed as skipped, with the
    reason. With --no-dry-run, a stack whose Pulumi state is available is destroyed through
    Pulumi, unless some of its resources may not be reaped; anything else is deleted with boto3
    in dependency order, each failure reported while the rest goes on.

    \b
    Examples:
      gnnstack reap                       # dry run: what would go
      gnnstack reap --no-dry-run --yes
    """
    from gnnstack import clock, reap as lib
    from gnnstack.assess import guardrail_config
    from gnnstack.deploy import MISSING_MESSAGE, default_backend
    from gnnstack.outputs import reap as out
    from gnnstack.project import load_stack
    from gnnstack.reap.removal import HELD, NEEDS_PULUMI

    if fmt == "json" and not dry_run:
        raise GnnstackError("--format json lists what a dry run would remove; with --no-dry-run the report is "
                            "the table (drop --format json)")
    project = find_project()
    config = guardrail_config(project, guardrails)
    search, allowed = lib.search_regions(
        regions, config.reap_regions, lambda: [load_stack(project, s)[1].region for s in project.all_stacks()])
    now = clock.now()
    with progress(f"looking for expired experiments in {', '.join(search)}"):
        account = lib.caller_account()
        discovered = lib.discover(search, now)
    chosen = lib.select(discovered, now, allowed_regions=allowed,
                        allowed_accounts=list(config.reap_accounts) if config.reap_accounts else None,
                        account_id=account)
    if fmt == "json":
        click.echo(json.dumps(out.json_report(search, chosen), indent=2))
        return
    click.echo(out.listing(search, chosen), nl=False)
    if not chosen.reap:
        return
    if dry_run:
        click.echo("dry run: nothing changed (use --no-dry-run to remove them)")
        return
    stacks = {f.stack for f in chosen.reap}
    if not yes and not click.confirm(f"Remove {len(chosen.reap)} resource(s) in {len(stacks)} stack(s)?",
                                     default=False):
        click.echo("nothing removed")
        return
    plans = lib.removal_plan(chosen, project_name=project.name, stack_files=project.stacks(),
                             backend=backend or default_backend())
    failures = 0
    for plan in plans:
        said = out.announcement(plan)
        if said:
            click.echo(said[0], err=said[1])
        if plan.removes:
            for outcome in lib.remove_stack(plan, project, progress=lambda msg: click.echo(f"  {msg}")):
                if not outcome.ok:
                    failures += 1
                    click.echo(f"  {out.failure(outcome)}", err=True)
    needs_pulumi = [p.stack for p in plans if p.route == NEEDS_PULUMI]
    if needs_pulumi:
        click.echo(f"skipped {', '.join(needs_pulumi)}: their Pulumi state exists, and " +
                   MISSING_MESSAGE.format(command="reap"), err=True)
    if needs_pulumi or any(p.route == HELD for p in plans):
        sys.exit(2)
    if failures:
        click.echo(f"{failures} resource(s) could not be removed (see above)", err=True)
        sys.exit(1)
    click.echo("done")
