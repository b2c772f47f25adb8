"""`gnnstack diff`: the cost change between two `gnnstack check --format json` files."""

from __future__ import annotations

import json
import os

import click


@click.command("diff")
@click.argument("base", metavar="BASE.json")
@click.argument("head", metavar="HEAD.json")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown", "github"]), default="table",
              show_default=True, help="table for people; json for tools; markdown for a PR comment; github: "
                                      "workflow notices, with the markdown appended to $GITHUB_STEP_SUMMARY.")
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
    from gnnstack.diff import diff as compute, diff_github, diff_markdown, diff_table, load_check

    d = compute(load_check(base), load_check(head))
    if fmt == "json":
        click.echo(json.dumps(d.to_json(), indent=2))
    elif fmt == "markdown":
        click.echo(diff_markdown(d), nl=False)
    elif fmt == "github":
        click.echo(diff_github(d), nl=False)
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with open(summary, "a", encoding="utf-8") as f:
                f.write(diff_markdown(d))
    else:
        click.echo(diff_table(d), nl=False)
