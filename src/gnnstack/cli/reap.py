"""`gnnstack reap`: find experiments whose time-to-live has passed, and tear them down."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import click

from gnnstack.errors import GnnstackError
from gnnstack.project import find_project

from .deploy import backend_option
from .options import format_option, guardrails_option
from .output import progress


def state_exists(backend: str, project: str, stack: str) -> Optional[bool]:
    """Whether a self-managed file backend holds the stack's state (None: cannot tell offline)."""
    if not backend.startswith("file://"):
        return None
    root = Path(backend[len("file://"):]) / ".pulumi" / "stacks" / project
    return any((root / f"{stack}{suffix}").exists() for suffix in (".json", ".json.gz"))


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
    from gnnstack import clock
    from gnnstack.assess import guardrail_config
    from gnnstack.deploy import MISSING_MESSAGE, build_plan, default_backend, pulumi_cli, run_destroy
    from gnnstack.project import load_stack
    from gnnstack.reap import caller_account, delete, discover, group_by_stack, select

    if fmt == "json" and not dry_run:
        raise GnnstackError("--format json lists what a dry run would remove; with --no-dry-run the report is "
                            "the table (drop --format json)")
    project = find_project()
    config = guardrail_config(project, guardrails)
    search = list(regions) or list(config.reap_regions or ()) or sorted(
        {load_stack(project, s)[1].region for s in project.all_stacks()})
    allowed = list(config.reap_regions) if config.reap_regions else search
    now = clock.now()
    with progress(f"looking for expired experiments in {', '.join(search)}"):
        account = caller_account()
        discovered = discover(search, now)
    chosen = select(discovered, now, allowed_regions=allowed,
                    allowed_accounts=list(config.reap_accounts) if config.reap_accounts else None,
                    account_id=account)
    found = chosen.reap
    groups = group_by_stack(found)
    if fmt == "json" and dry_run:
        click.echo(json.dumps({"dry_run": True, "regions": search, "stacks": {
            stack: [{"kind": f.kind, "identifier": f.identifier, "region": f.region, "arn": f.arn,
                     "expires_at": f.expires_at.isoformat() if f.expires_at else None} for f in items]
            for stack, items in groups.items()},
            "skipped": [{"stack": f.stack or None, "kind": f.kind, "identifier": f.identifier, "region": f.region,
                         "arn": f.arn, "reason": why} for f, why in chosen.skipped],
            "not_expired": [{"stack": f.stack, "kind": f.kind, "identifier": f.identifier, "region": f.region,
                             "arn": f.arn, "expires_at": f.expires_at.isoformat() if f.expires_at else None}
                            for f, _ in chosen.not_expired]}, indent=2))
        return
    for stack, items in groups.items():
        click.echo(click.style(f"{stack}: {len(items)} expired resource(s)", bold=True))
        for f in items:
            click.echo(f"  {f.region}  {f.kind:<28} {f.identifier}  (expired {f.expires_at:%Y-%m-%dT%H:%MZ})")
    if chosen.skipped:
        click.echo(click.style(f"skipped {len(chosen.skipped)} resource(s) not marked as expired experiments "
                               "(never touched):", bold=True))
        for f, why in chosen.skipped:
            click.echo(f"  {f.region}  {f.kind:<28} {f.identifier}  [{f.stack or 'no stack'}]  {why}")
    if chosen.not_expired:
        click.echo(f"{len(chosen.not_expired)} experiment resource(s) not expired yet")
    if not groups:
        click.echo(f"nothing has expired in {', '.join(search)}")
        return
    if dry_run:
        click.echo("dry run: nothing changed (use --no-dry-run to remove them)")
        return
    if not yes and not click.confirm(f"Remove {len(found)} resource(s) in {len(groups)} stack(s)?", default=False):
        click.echo("nothing removed")
        return
    backend_url = backend or default_backend()
    failures, skipped, held = 0, [], []
    for stack, items in groups.items():
        has_state = state_exists(backend_url, project.name, stack)
        blocking = chosen.blocking(stack) if has_state else []
        if blocking:  # a Pulumi destroy takes the whole stack, so every resource of it must be reapable
            f, why = blocking[0]
            click.echo(f"{stack}: not destroyed: its Pulumi state exists and {len(blocking)} of its resource(s) "
                       f"may not be reaped, e.g. {f.label()}: {why}", err=True)
            held.append(stack)
            continue
        if has_state and pulumi_cli() is None:
            skipped.append(stack)
            continue
        if has_state and stack in project.stacks():
            click.echo(f"{stack}: destroying through Pulumi (state in {backend_url})")
            plan = build_plan(project, stack, "experiment", backend=backend_url)
            run_destroy(plan, lambda event: None, lambda line: None)
            continue
        click.echo(f"{stack}: no Pulumi state; deleting the orphans directly")
        for outcome in delete(items, progress=lambda msg: click.echo(f"  {msg}")):
            if not outcome.ok:
                failures += 1
                click.echo(f"  FAILED {outcome.found.label()}: {outcome.error}", err=True)
    if skipped:
        click.echo(f"skipped {', '.join(skipped)}: their Pulumi state exists, and " +
                   MISSING_MESSAGE.format(command="reap"), err=True)
    if skipped or held:
        sys.exit(2)
    if failures:
        click.echo(f"{failures} resource(s) could not be removed (see above)", err=True)
        sys.exit(1)
    click.echo("done")
