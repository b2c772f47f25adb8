"""A cold preview ends without noise on stderr: no "Exception ignored in: <function
BaseEventLoop.__del__ ...>" from the event loops the Pulumi SDK opens under its mocks, and no
BrokenPipeError traceback when the reader closes stdout early (`gnnstack preview ... | head -1`).

Each runs the real command in a subprocess, since both show only at interpreter exit. Python
normally hides ResourceWarning, and an event loop left open only prints "Invalid file descriptor"
when the interpreter happens to collect it after its sockets; `-W error::ResourceWarning` makes
every loop left open print "Exception ignored in: <function BaseEventLoop.__del__ ...>" with a
traceback on every run, so a leak fails these tests deterministically."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from gnnstack.cli import EXIT_BROKEN_PIPE

from .conftest import ROOT

NOISE = ("Exception ignored", "Traceback")


def command(*args: str) -> list[str]:
    return [sys.executable, "-W", "error::ResourceWarning", "-c", "from gnnstack.cli import main; main()", *args]


def environment() -> dict[str, str]:
    env = {**os.environ, "GNNSTACK_CACHE": "off", "GNNSTACK_NOW": "2026-11-23T10:30:00Z",
           "GNNSTACK_PROJECT": str(ROOT)}
    env.pop("NO_COLOR", None)
    return env


def assert_quiet(stderr: str) -> None:
    for noise in NOISE:
        assert noise not in stderr, f"{noise!r} on stderr:\n{stderr}"


@pytest.mark.slow  # the Pulumi program, cold, in a fresh interpreter
def test_cold_preview_exits_cleanly(tmp_path):
    done = subprocess.run(command("preview", "experiment"), cwd=tmp_path, env=environment(),
                          capture_output=True, text=True, timeout=300)
    assert_quiet(done.stderr)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Stack experiment:")


@pytest.mark.slow  # the Pulumi program, cold, in a fresh interpreter
def test_cold_preview_with_stdout_closed_after_one_line(tmp_path):
    proc = subprocess.Popen(command("preview", "experiment"), cwd=tmp_path, env=environment(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        proc.stdout.close()  # as `| head -1` does
        _, stderr = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert first.startswith("Stack experiment:")
    assert_quiet(stderr)
    # 141 when the preview still had lines to write; 0 if all of it was in the pipe already.
    assert proc.returncode in (0, EXIT_BROKEN_PIPE), stderr


def test_stdout_closed_before_any_output_exits_141_quietly(tmp_path):
    """No Pulumi here (the price catalog only): the broken-pipe handling on its own."""
    read, write = os.pipe()
    os.close(read)  # every write to the pipe fails with EPIPE
    try:
        proc = subprocess.run(command("prices", "list"), cwd=tmp_path, env=environment(), stdout=write,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write)
    assert_quiet(proc.stderr)
    assert proc.stderr == ""
    assert proc.returncode == EXIT_BROKEN_PIPE
