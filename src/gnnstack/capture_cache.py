"""A cache of offline captures, so a repeated preview does not load Pulumi at all.

Running the program under the mocks costs a few seconds, most of it pulumi-aws loading its
service packages. The captured graph depends only on the stack file, the option, the resolved
TTL, the code that builds it and the Pulumi packages' versions, so the key hashes exactly those:
the stack file's bytes, every file of the gnnstack package (engine, components, templates), the
project's `__main__.py` and `Pulumi.yaml`, the expiry timestamp and the package versions. Any
change gives a new key. `GNNSTACK_CACHE=off` disables the cache; `GNNSTACK_CACHE_DIR` moves it.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Callable, ContextManager, Optional, Sequence

from .cachedir import cache_root
from .graph import Resource, ResourceGraph
from .parallel import fork_map, workers_for
from .project import Project, load_stack
from .scenario import Scenario

_VERSION = 1
_SOURCE_SUFFIXES = (".py", ".j2", ".csv", ".yaml")


def cache_dir() -> Optional[Path]:
    root = cache_root()
    return None if root is None else root / "captures"


@lru_cache(maxsize=1)
def _code_digest() -> bytes:
    """Every gnnstack package file's name and bytes, hashed once per process (the code a process
    runs does not change under it; `report` computes a hundred cache keys)."""
    h = hashlib.sha256()
    for path in _package_files():
        h.update(str(path.name).encode() + b"\0")
        h.update(path.read_bytes())
    for name in ("pulumi", "pulumi-aws"):
        h.update(_version(name).encode() + b"\0")
    return h.digest()


def _package_files() -> list[Path]:
    # Located, not imported: importing the components would load Pulumi, which the cache avoids.
    files: list[Path] = []
    for name in ("gnnstack", "gnnstack.components", "gnnstack.templates"):
        spec = importlib.util.find_spec(name)
        for location in (spec.submodule_search_locations or []) if spec else []:
            files += [p for p in Path(location).rglob("*")
                      if p.suffix in _SOURCE_SUFFIXES and "__pycache__" not in p.parts]
    return sorted(set(files))


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "none"


def cache_key(project: Project, stack: str, option: Optional[str], scenario: Scenario) -> str:
    h = hashlib.sha256()
    expires = scenario.expires_at()
    for part in (str(_VERSION), stack, option or "", scenario.option, expires.isoformat() if expires else "",
                 os.environ.get("GNNSTACK_LOCAL_ENDPOINT", "")):
        h.update(part.encode() + b"\0")
    for path in [project.stack_file(stack), project.root / "__main__.py", project.root / "Pulumi.yaml"]:
        h.update(str(path.name).encode() + b"\0")
        h.update(path.read_bytes() if path.exists() else b"")
    h.update(_code_digest())  # the package's files and the Pulumi packages' versions
    return h.hexdigest()[:32]


def _cached(project: Project, stack: str, option: Optional[str]) -> tuple[Scenario, Optional[Path],
                                                                        Optional[ResourceGraph]]:
    """The validated scenario, the cache entry's path and, on a hit, the cached graph."""
    _, scenario = load_stack(project, stack, option)  # validates first: errors before any cache or Pulumi
    folder = cache_dir()
    path = folder / f"{cache_key(project, stack, option, scenario)}.json" if folder else None
    if path is not None and path.exists():
        try:
            data = json.loads(path.read_text())
            return scenario, path, ResourceGraph(data["stack"], data["option"], [
                Resource(r["type"], r["name"], r["parent"], r["inputs"], r["custom"]) for r in data["resources"]
            ])
        except (ValueError, KeyError, TypeError):
            pass  # a damaged entry is rebuilt
    return scenario, path, None


def _store(path: Optional[Path], graph: ResourceGraph) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"stack": graph.stack, "option": graph.option, "resources": [
            {**r.to_json(), "custom": r.custom} for r in graph.resources]}))
        tmp.replace(path)
    except OSError:
        pass  # a read-only cache only costs speed


def capture(project: Project, stack: str, option: Optional[str] = None) -> tuple[ResourceGraph, Scenario]:
    """The stack's graph, from the cache when nothing it depends on has changed."""
    scenario, path, graph = _cached(project, stack, option)
    if graph is not None:
        return graph, scenario
    from .capture import capture as run_capture  # imports Pulumi

    graph, scenario = run_capture(project, stack, option)
    _store(path, graph)
    return graph, scenario


def _run_capture(project: Project, stack: str, option: str) -> ResourceGraph:
    from .capture import capture as run_capture

    return run_capture(project, stack, option)[0]


def capture_all(project: Project, stack: str, options: Sequence[str],
                step: Optional[Callable[[str], ContextManager[object]]] = None
                ) -> list[tuple[ResourceGraph, Scenario]]:
    """`capture` for several options of one stack, in their order. With more than one cache miss
    and more than one CPU, this process first imports what every option's program needs (Pulumi,
    the components, the AWS service packages they use) and then runs the misses in forked
    processes (up to `parallel.jobs()`), each starting with all of it loaded. `step(text)` wraps each
    stage (a progress line). Where fork is unavailable, or with GNNSTACK_JOBS=1, they run one
    after another in this process."""
    step = step or (lambda text: contextlib.nullcontext())
    found = [(option, *_cached(project, stack, option)) for option in options]
    misses = [i for i, (_, _, _, graph) in enumerate(found) if graph is None]
    graphs: dict[int, ResourceGraph] = {i: g for i, (_, _, _, g) in enumerate(found) if g is not None}
    workers = workers_for(len(misses))
    if workers > 1:
        from .capture import preload

        with step(f"{stack}: loading Pulumi and the AWS packages the options use"):
            preload()
        names = ", ".join(options[i] for i in misses)
        with step(f"{stack}: {names}: running their Pulumi programs under mocks in {workers} processes"):
            done = fork_map(lambda option: _run_capture(project, stack, option), [options[i] for i in misses])
            graphs.update(zip(misses, done))
    else:
        for n, i in enumerate(misses, start=1):
            with step(f"{stack}: {options[i]} ({n}/{len(misses)}): running the Pulumi program under mocks"):
                graphs[i] = _run_capture(project, stack, options[i])
    for i in misses:
        _store(found[i][2], graphs[i])
    return [(graphs[i], found[i][1]) for i in range(len(options))]
