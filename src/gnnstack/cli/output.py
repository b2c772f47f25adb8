"""What every command shares about its output: writing a report to a file or stdout, colour
(NO_COLOR), and a progress indicator on stderr for slow steps."""

from __future__ import annotations

import functools
import os
import sys
import threading
from contextlib import contextmanager
from typing import IO, Any, Callable, Iterator, Optional

import click

from gnnstack.errors import GnnstackError

# Show the indicator only for a step still running after this many seconds: a cached capture
# or a small pricing run finishes before it and leaves the terminal untouched.
PROGRESS_DELAY = 1.0


def no_color() -> bool:
    """NO_COLOR set to any non-empty value (https://no-color.org): no styling anywhere."""
    return bool(os.environ.get("NO_COLOR"))


def write_output(text: str, output: Optional[str], *, append: bool = False) -> None:
    """`text` to the file `output` (plain: styling is for terminals only), or to stdout.

    A file that cannot be written (missing folder, no permission, a folder) is a GnnstackError:
    one line naming the file, exit code 2, no traceback."""
    if not output:
        click.echo(text, nl=False)
        return
    try:
        with open(output, "a" if append else "w", encoding="utf-8") as f:
            f.write(click.unstyle(text))
    except OSError as e:
        raise GnnstackError(f"cannot write {output}: {e.strerror or e}") from None


def is_terminal(stream: IO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed stream
        return False


@contextmanager
def progress(message: str, *, console=None, delay: Optional[float] = None) -> Iterator[None]:
    """A transient spinner with `message` on stderr while the block runs longer than `delay`
    seconds (default PROGRESS_DELAY); nothing at all unless stderr is a terminal (never in piped
    output or a log). It never touches stdout, so a JSON, SARIF or JUnit report there stays
    clean. `console`: a rich Console to draw on instead (tests)."""
    delay = PROGRESS_DELAY if delay is None else delay
    if console is None and not is_terminal(sys.stderr):
        yield
        return
    live = None

    def start() -> None:
        # rich is imported and the display built only when the step outlasts the delay: most
        # steps finish before, and `gnnstack estimate plan.json` on a terminal is timed.
        nonlocal live
        from rich.live import Live
        from rich.spinner import Spinner

        if console is None:
            from rich.console import Console

            shown = Console(stderr=True)
        else:
            shown = console
        # redirect_*=False: the live display must never swap sys.stdout/sys.stderr, so nothing a
        # command prints can end up on the other stream.
        live = Live(Spinner("dots", text=message), console=shown, transient=True, refresh_per_second=10,
                    redirect_stdout=False, redirect_stderr=False)
        live.start()

    timer = threading.Timer(delay, start) if delay > 0 else None
    if timer is None:
        start()
    else:
        timer.daemon = True
        timer.start()
    try:
        yield
    finally:
        if timer is not None:
            timer.cancel()
            timer.join()  # a start already under way finishes before the stop below
        if live is not None:
            live.stop()


def collector_paused_on_files(command: Callable[..., Any]) -> Callable[..., Any]:
    """`command` run with Python's cycle collector paused when its PATH argument is a file (a
    plan or state to read and price: many objects, no cycles, and timed), from its first import
    to its output; a folder's Pulumi program runs as usual."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        path = kwargs.get("path")
        if not isinstance(path, str) or os.path.isdir(path):
            return command(*args, **kwargs)
        from gnnstack.costing.estimate import no_cycle_collection

        _freeze_at_exit()
        with no_cycle_collection():
            return command(*args, **kwargs)

    return run


@functools.lru_cache(maxsize=None)
def _freeze_at_exit() -> None:
    """At exit, before the modules are torn down, move every object to the permanent generation
    (gc.freeze): the interpreter's last cycle collections then skip what a large plan's run
    left alive (a twentieth of `gnnstack estimate plan.json`); objects are still freed as
    their references go. Registered once."""
    import atexit
    import gc

    atexit.register(gc.freeze)
