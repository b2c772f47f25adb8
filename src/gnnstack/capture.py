"""Offline capture: run the real Pulumi program in-process under the SDK's mock runtime and record
every resource it registers. No Pulumi CLI, no cloud, no credentials.

The mocks answer just enough for the program to run: an id, an ARN and echoed inputs for each
resource, availability zones for the region. Secrets are recorded as "[secret]", never in clear.
"""

from __future__ import annotations

import asyncio
import json
import runpy
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Optional

import pulumi
from pulumi.runtime import mocks, rpc, settings
from pulumi.runtime import resource as resource_runtime
from pulumi.runtime.proto import source_pb2
from pulumi.runtime.stack import run_pulumi_func

from .graph import SECRET, UNKNOWN, Resource, ResourceGraph
from .project import OPTION_KEY, SCENARIO_KEY, Project, load_stack
from .scenario import Scenario

_SECRET_SIG = rpc._special_sig_key
_UNKNOWN = rpc.UNKNOWN
OFFLINE_SECRET = "offline-preview-placeholder"  # stands in for secrets the offline preview never needs


def _scrub(value: Any) -> Any:
    """Inputs as the graph stores them: secrets and unknowns replaced by markers."""
    if isinstance(value, dict):
        if value.get(_SECRET_SIG) == rpc._special_secret_sig:
            return SECRET
        return {k: _scrub(v) for k, v in value.items() if k != _SECRET_SIG}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, pulumi.output.Unknown) or value == _UNKNOWN:
        return UNKNOWN
    if isinstance(value, (pulumi.Asset, pulumi.Archive)):
        return _asset(value)
    return value


def _asset(value: Any) -> Any:
    """An asset or archive (Lambda code) as plain data, the shape Pulumi's state gives them."""
    if isinstance(value, pulumi.AssetArchive):
        return {"assets": {k: _asset(v) for k, v in sorted(value.assets.items())}}
    if isinstance(value, pulumi.StringAsset):
        return {"text": value.text}
    if isinstance(value, (pulumi.FileAsset, pulumi.RemoteAsset, pulumi.FileArchive, pulumi.RemoteArchive)):
        return {"path": value.path} if hasattr(value, "path") else {"uri": value.uri}
    raise TypeError(f"cannot record an asset of type {type(value).__name__}")


def _has_secret(value: Any) -> bool:
    if isinstance(value, dict):
        return value.get(_SECRET_SIG) == rpc._special_secret_sig or any(_has_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_secret(v) for v in value)
    return False


class OfflineMocks(pulumi.runtime.Mocks):
    def __init__(self, region: str) -> None:
        self.region = region

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[Optional[str], dict]:
        state = {k: v for k, v in args.inputs.items() if not _has_secret(v)}
        service = args.typ.split(":")[1].split("/")[0] if ":" in args.typ else "resource"
        if args.typ == "aws:neptune/cluster:Cluster":
            # What AWS assigns at creation (Neptune clusters have RDS ARNs); IAM policies and
            # clients name the cluster by them.
            state.setdefault("arn", f"arn:aws:rds:{self.region}:000000000000:cluster:{args.name}")
            state.setdefault("clusterResourceId", f"cluster-{args.name}-offline")
            state.setdefault("endpoint", f"{args.name}.cluster-offline.{self.region}.neptune.amazonaws.com")
        state.setdefault("arn", f"arn:aws:{service}:{self.region}:000000000000:{args.name}")
        state.setdefault("name", args.name)
        if args.typ == "aws:s3/bucket:Bucket":
            state.setdefault("bucket", f"{args.name}-offline")
        if args.typ == "aws:kms/key:Key":
            state.setdefault("keyId", f"{args.name}-key")
        return f"{args.name}-id", state

    def call(self, args: mocks.MockCallArgs) -> dict:
        if args.token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            zones = [f"{self.region}{z}" for z in "abc"]
            return {"names": zones, "zoneIds": [f"{self.region}-az{i}" for i in range(1, 4)], "id": self.region}
        return {}


class CaptureMonitor(mocks.MockMonitor):
    """The SDK's mock monitor, also recording each registration with its parent."""

    def __init__(self, m: pulumi.runtime.Mocks) -> None:
        super().__init__(m)
        self.records: list[tuple[str, str, str, str, bool, dict]] = []

    def RegisterResource(self, request):  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            inputs = _scrub(rpc.deserialize_properties(request.object))
            self.records.append((response.urn, request.parent, request.type, request.name, request.custom, inputs))
        return response


@contextmanager
def _event_loops() -> Iterator[asyncio.AbstractEventLoop]:
    """The event loops one capture runs on, every one closed when it ends.

    The SDK runs the program on this thread's current loop and serves each registration on a
    worker thread of that loop's default executor, where the mock monitor's `_ensure_event_loop()`
    opens one more loop per thread and never closes it. Left open, the interpreter collects them
    at shutdown in no fixed order: a loop finalized after its self-pipe sockets prints "Exception
    ignored in: <function BaseEventLoop.__del__ ...> ... Invalid file descriptor" on stderr. So the
    capture brings its own: a fresh loop for this thread, and an executor whose threads each start
    with a loop of ours (`_ensure_event_loop()` then finds it instead of opening one). On the way
    out the executor's threads are joined, pending tasks cancelled, and all the loops closed; this
    thread is left with no current loop, and the next capture starts from nothing."""
    workers: list[asyncio.AbstractEventLoop] = []
    lock = threading.Lock()

    def worker_loop() -> None:  # runs first on each executor thread
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        with lock:
            workers.append(loop)

    loop = asyncio.new_event_loop()
    executor = ThreadPoolExecutor(thread_name_prefix="gnnstack-capture", initializer=worker_loop)
    loop.set_default_executor(executor)
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        try:
            executor.shutdown(wait=True)  # no worker is running its loop past this point
            for each in [loop, *workers]:
                _finish(each)
        finally:
            asyncio.set_event_loop(None)
            for each in [loop, *workers]:
                each.close()


@contextmanager
def _no_source_positions() -> Iterator[None]:
    """Registering a resource makes the SDK walk the Python stack and turn every frame into a
    file URI, for the engine's source positions. Nothing reads them offline (gnnstack finds
    program lines itself, in `locate`), and they cost about a fifth of a capture; for the
    capture's duration each resource gets an empty trace instead."""
    original = resource_runtime._get_stack_trace
    resource_runtime._get_stack_trace = source_pb2.StackTrace
    try:
        yield
    finally:
        resource_runtime._get_stack_trace = original


def _finish(loop: asyncio.AbstractEventLoop) -> None:
    """What `asyncio.run` does before closing its loop: cancel what is left, let it unwind."""
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())


def preload() -> None:
    """Import what any option's program needs, before `capture_all` forks: the program, every
    component module and the pulumi-aws resources they use (read from the components' source,
    `aws.<service>.<Resource>`), so no forked capture imports them again. Only speed
    depends on it: a package missed here is imported by the capture that needs it."""
    import ast
    import importlib

    import gnnstack.components.options  # noqa: F401  (every component module)
    import gnnstack.program  # noqa: F401

    folder = Path(gnnstack.components.options.__file__).parent
    used: set[tuple[str, str]] = set()
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute) \
                    and isinstance(node.value.value, ast.Name) and node.value.value.id == "aws":
                used.add((node.value.attr, node.attr))
    for service, name in sorted(used):
        # A service package loads its resource modules on first attribute access.
        getattr(importlib.import_module(f"pulumi_aws.{service}"), name, None)


def capture(project: Project, stack: str, option: Optional[str] = None) -> tuple[ResourceGraph, Scenario]:
    """Run the stack's program offline; the resource graph and the validated scenario."""
    config, scenario = load_stack(project, stack, option)  # validates first: errors before Pulumi runs
    values = {SCENARIO_KEY: json.dumps(config[SCENARIO_KEY], default=str), OPTION_KEY: scenario.option}
    secret_keys = [f"gnnstack:{k}" for k in scenario.spec.secrets]
    values.update({k: OFFLINE_SECRET for k in secret_keys})
    for key, value in config.items():
        if key not in values and not (isinstance(value, dict) and "secure" in value):
            values[key] = value if isinstance(value, str) else json.dumps(value)

    main = Path(project.root) / "__main__.py"
    with _event_loops() as loop, _no_source_positions():  # set_mocks needs a loop: it registers the stack
        settings.ROOT.set(None)
        monitor = CaptureMonitor(OfflineMocks(scenario.region))
        pulumi.runtime.set_all_config(values, secret_keys)
        pulumi.runtime.set_mocks(monitor.mocks, project=project.name, stack=stack, preview=True, monitor=monitor)
        settings.SETTINGS.rpc_manager.clear()
        settings.SETTINGS.outputs.clear()
        loop.run_until_complete(run_pulumi_func(lambda: runpy.run_path(str(main), run_name="__main__")))

    names = {urn: name for urn, _, _, name, _, _ in monitor.records}
    graph = ResourceGraph(stack, scenario.option, [
        Resource(type=t, name=n, parent=names.get(parent), inputs=inputs, custom=custom)
        for _urn, parent, t, n, custom, inputs in monitor.records
    ]).in_tree_order()
    return graph, scenario
