"""`gnnstack diff`: the cost change between two `gnnstack check --format json` files."""

from __future__ import annotations

import json
import os

import click

from .options import format_option
from .output import write_output


@click.command("diff")
@click.argument("base", metavar="BASE.json")
@click.argument("head", metavar="HEAD.json")
@format_option("table", "json", "markdown", "github",
               details={"github": "one notice per stack whose cost moves"})
def diff(base: str, head: str, fmt: str) -> None:
    """Compare the costs in BASE.json and HEAD.json (both from `gnnstack check --format json`).

    Per stack: resources added, removed, changed, or changed in price only (same quantities,
    other prices: a catalog or price-file change), the base and worst-case change in USD and %,
    stacks added or removed, and the total. A side that could not be priced is said so with
    its reason, never read as zero. Price each side with its own code (its own checkout and
    environment), as the PR workflow does, so price, pricer and component changes all show.

    \b
    Examples:
      gnnstack check --format json --soft-fail --output head.json
      gnnstack diff base.json head.json
      gnnstack diff base.json head.json --format markdown > comment.md
    """
    from gnnstack.diff import diff as compute, load_check
    from gnnstack.outputs.github import diff_github
    from gnnstack.outputs.json_out import diff_json
    from gnnstack.outputs.markdown import diff_markdown
    from gnnstack.outputs.table import diff_table

    d = compute(load_check(base), load_check(head))
    if fmt == "json":
        click.echo(json.dumps(diff_json(d), indent=2))
    elif fmt == "markdown":
        click.echo(diff_markdown(d), nl=False)
    elif fmt == "github":
        click.echo(diff_github(d), nl=False)
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            write_output(diff_markdown(d), summary, append=True)
    else:
        click.echo(diff_table(d), nl=False)
