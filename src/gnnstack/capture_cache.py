"""A cache of offline captures, so a repeated preview does not load Pulumi at all.

Running the program under the mocks costs a few seconds, most of it pulumi-aws loading its
service packages. The captured graph depends only on the stack file, the option, the resolved
TTL, the code that builds it and the Pulumi packages' versions, so the key hashes exactly those:
the stack file's bytes, every file of the gnnstack package (engine, components, templates), the
project's `__main__.py` and `Pulumi.yaml`, the expiry timestamp and the package versions. Any
change gives a new key. `GNNSTACK_CACHE=off` disables the cache; `GNNSTACK_CACHE_DIR` moves it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from importlib import metadata
from pathlib import Path
from typing import Optional

from .graph import Resource, ResourceGraph
from .project import Project, load_stack
from .scenario import Scenario

_VERSION = 1
_SOURCE_SUFFIXES = (".py", ".j2", ".csv", ".yaml")


def cache_dir() -> Optional[Path]:
    if os.environ.get("GNNSTACK_CACHE", "").lower() in ("off", "0", "no", "false"):
        return None
    root = os.environ.get("GNNSTACK_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "gnnstack")
    return Path(root) / "captures"


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
                 _version("pulumi"), _version("pulumi-aws"), os.environ.get("GNNSTACK_LOCAL_ENDPOINT", "")):
        h.update(part.encode() + b"\0")
    for path in [project.stack_file(stack), project.root / "__main__.py", project.root / "Pulumi.yaml",
                 *_package_files()]:
        h.update(str(path.name).encode() + b"\0")
        h.update(path.read_bytes() if path.exists() else b"")
    return h.hexdigest()[:32]


def capture(project: Project, stack: str, option: Optional[str] = None) -> tuple[ResourceGraph, Scenario]:
    """The stack's graph, from the cache when nothing it depends on has changed."""
    _, scenario = load_stack(project, stack, option)  # validates first: errors before any cache or Pulumi
    folder = cache_dir()
    path = folder / f"{cache_key(project, stack, option, scenario)}.json" if folder else None
    if path is not None and path.exists():
        try:
            data = json.loads(path.read_text())
            return ResourceGraph(data["stack"], data["option"], [
                Resource(r["type"], r["name"], r["parent"], r["inputs"], r["custom"]) for r in data["resources"]
            ]), scenario
        except (ValueError, KeyError, TypeError):
            pass  # a damaged entry is rebuilt below
    from .capture import capture as run_capture  # imports Pulumi

    graph, scenario = run_capture(project, stack, option)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"stack": graph.stack, "option": graph.option, "resources": [
                {**r.to_json(), "custom": r.custom} for r in graph.resources]}))
            tmp.replace(path)
        except OSError:
            pass  # a read-only cache only costs speed
    return graph, scenario
