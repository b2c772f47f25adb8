"""The `gnnstack` command. Each command group lives in its own module; this one wires them up,
turns user errors into one message and exit code 2, never a traceback, honours NO_COLOR, and
exits quietly with 141 when its stdout is closed early (`gnnstack preview experiment | head -1`)."""

from __future__ import annotations

import importlib
import os
import sys
from typing import NoReturn

import click

from gnnstack import __version__
from gnnstack.errors import GnnstackError

from .output import no_color

# The exit status when stdout is closed before everything is written: 141 = 128 + SIGPIPE, what
# the shell reports for any tool stopped by a closed pipe (`yes | head -1`). Not click's own 1,
# which means a mandatory violation here; not 0, since the output was cut short.
EXIT_BROKEN_PIPE = 141


def _stdout_closed() -> NoReturn:
    """The Python docs' recipe (signal module, "Note on SIGPIPE"): point stdout's descriptor at
    devnull, so the interpreter's final flush of what is still buffered cannot fail again with a
    traceback, and exit without a word."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # a stdout without a descriptor (replaced, as in tests): no pipe to flush into
    sys.exit(EXIT_BROKEN_PIPE)


# Each command, in the order `--help` lists them, by where it is defined: a command's module (and
# what it imports: the scenario models, the price catalog, rich) loads only when that command runs
# or help lists it, so `gnnstack preview` does not pay for `reap` or `prices`.
COMMANDS: dict[str, str] = {
    "preview": "preview:preview", "estimate": "estimate:estimate", "compare": "compare:compare",
    "solve": "solve:solve", "prices": "prices:prices",
    "check": "check:check", "diff": "diff:diff", "guardrails": "guardrails:guardrails", "up": "deploy:up",
    "down": "deploy:down", "budgets": "deploy:budgets", "actuals": "actuals:actuals", "reap": "reap:reap",
    "usage": "usage:usage", "report": "report:report",
}


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, _, attr = COMMANDS[name].partition(":")
        command = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
        if command.name != name:
            raise RuntimeError(f"gnnstack.cli.COMMANDS: {COMMANDS[name]} is the command {command.name!r}, not {name!r}")
        return command

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        # NO_COLOR (https://no-color.org): color=False makes every click.echo strip styling, even
        # on a terminal; subcommands' contexts inherit it. Without it click strips styling only
        # when the output is not a terminal.
        if no_color():
            extra.setdefault("color", False)
        try:  # --help and --version print while the context is made
            return super().make_context(info_name, args, parent=parent, **extra)
        except BrokenPipeError:
            _stdout_closed()

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except GnnstackError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(e.exit_code)
        except BrokenPipeError:  # caught before click's own handler, which would exit 1
            _stdout_closed()


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
