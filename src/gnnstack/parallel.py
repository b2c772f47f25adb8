"""Work spread over forked processes: captures (`capture_all`) and the report's figures.

A forked worker starts with this process's memory, so what it works on (a loaded Pulumi, the
assessments of a report) is neither imported again nor pickled: only each item's index goes to
a worker and only its result comes back. `GNNSTACK_JOBS` caps the processes (default: one per
CPU; 1, or a platform without fork, runs everything in this process, in order)."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Optional, Sequence, TypeVar

from .errors import ConfigError

T = TypeVar("T")
R = TypeVar("R")

# What the workers run: set just before the pool forks, read in the children.
_WORK: Optional[tuple[Callable[[Any], Any], Sequence[Any]]] = None


def jobs() -> int:
    """How many processes work may use: $GNNSTACK_JOBS, else one per CPU."""
    value = os.environ.get("GNNSTACK_JOBS", "").strip()
    if not value:
        return os.cpu_count() or 1
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise ConfigError(f"GNNSTACK_JOBS={value!r} is not a number of processes: set a whole number >= 1 "
                          "(1 runs the work one item after another)")
    return n


def workers_for(count: int) -> int:
    """The processes `fork_map` would use for `count` items (1: this process)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(jobs(), count))


def _run(index: int) -> Any:
    assert _WORK is not None
    fn, items = _WORK
    return fn(items[index])


def fork_map(fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """`[fn(x) for x in items]`, in up to `workers_for(len(items))` forked processes; results in
    the order of `items`. An exception in a worker is raised here."""
    global _WORK
    workers = workers_for(len(items))
    if workers <= 1:
        return [fn(x) for x in items]
    _WORK = (fn, items)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_run, range(len(items))))
    finally:
        _WORK = None
