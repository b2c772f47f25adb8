"""The `gnnstack` command. Each command group lives in its own module; this one wires them up,
turns user errors into one message and exit code 2, never a traceback, and honours NO_COLOR."""

from __future__ import annotations

import sys

import click

from gnnstack import __version__
from gnnstack.errors import GnnstackError

from .output import no_color


class _Group(click.Group):
    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        # NO_COLOR (https://no-color.org): color=False makes every click.echo strip styling, even
        # on a terminal; subcommands' contexts inherit it. Without it click strips styling only
        # when the output is not a terminal.
        if no_color():
            extra.setdefault("color", False)
        return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except GnnstackError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(e.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="gnnstack")
def main() -> None:
    """Cost-aware graph-ML stacks on AWS.

    gnnstack runs the project's Pulumi program offline to show what a stack would create,
    before anything is deployed. Stacks are the files stacks/Pulumi.<stack>.yaml.

    \b
    Examples:
      gnnstack preview experiment
      gnnstack compare experiment
      gnnstack prices list --filter p3.2xlarge
    """


def _register() -> None:
    from . import check, compare, deploy, diff, guardrails, preview, prices, reap, usage

    main.add_command(preview.preview)
    main.add_command(compare.compare)
    main.add_command(prices.prices)
    main.add_command(check.check)
    main.add_command(diff.diff)
    main.add_command(guardrails.guardrails)
    main.add_command(deploy.up)
    main.add_command(deploy.down)
    main.add_command(deploy.budgets)
    main.add_command(reap.reap)
    main.add_command(usage.usage)


_register()
