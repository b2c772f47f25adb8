"""`capture_all`: several options of one stack, cache misses after the first in forked processes.
What it returns must not depend on how it ran."""

from __future__ import annotations

import contextlib
import multiprocessing

import pytest

from gnnstack import capture_cache, parallel
from gnnstack.errors import ConfigError
from gnnstack.options import OPTIONS


def _json(captured):
    return [([r.to_json() for r in g.resources], g.option, s.option) for g, s in captured]


@pytest.mark.slow
@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_forked_captures_equal_serial_ones(project, monkeypatch, tmp_path):
    monkeypatch.setenv("GNNSTACK_CACHE", "off")
    steps: list[str] = []

    def step(text):
        steps.append(text)
        return contextlib.nullcontext()

    monkeypatch.setenv("GNNSTACK_JOBS", "1")
    serial = capture_cache.capture_all(project, "experiment", OPTIONS, step=step)
    assert len(steps) == len(OPTIONS) and not any("processes" in s for s in steps)
    steps.clear()
    monkeypatch.setenv("GNNSTACK_JOBS", "3")
    forked = capture_cache.capture_all(project, "experiment", OPTIONS, step=step)
    assert len(steps) == 2 and steps[1].endswith("in 3 processes"), steps
    assert [g.option for g, _ in forked] == list(OPTIONS)
    assert _json(forked) == _json(serial)
    assert all(len(g.resources) > 40 for g, _ in forked)


def test_cache_hits_run_nothing(project, monkeypatch, tmp_path):
    """With every option cached, nothing is captured: no step runs, and the graphs are the ones
    a capture stores."""
    monkeypatch.setenv("GNNSTACK_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("GNNSTACK_JOBS", "1")
    first = capture_cache.capture_all(project, "experiment", OPTIONS[:2])
    steps: list[str] = []
    again = capture_cache.capture_all(project, "experiment", OPTIONS[:2], step=lambda t: steps.append(t))
    assert steps == [] and _json(again) == _json(first)


@pytest.mark.parametrize("value", ["0", "-2", "two"])
def test_a_bad_jobs_setting_is_named(monkeypatch, value):
    monkeypatch.setenv("GNNSTACK_JOBS", value)
    with pytest.raises(ConfigError, match=rf"GNNSTACK_JOBS={value!r} is not a number of processes"):
        parallel.jobs()
