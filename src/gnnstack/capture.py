"""Offline capture: run the real Pulumi program in-process under the SDK's mock runtime and record
every resource it registers. No Pulumi CLI, no cloud, no credentials.

The mocks answer just enough for the program to run: an id, an ARN and echoed inputs for each
resource, availability zones for the region. Secrets are recorded as "[secret]", never in clear.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import runpy
from pathlib import Path
from typing import Any, Optional

import pulumi
from pulumi.runtime import mocks, rpc, settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

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
    if value == _UNKNOWN:
        return UNKNOWN
    return value


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


_LOOPS: set[asyncio.AbstractEventLoop] = set()


def _close_loops() -> None:
    for loop in _LOOPS:
        if not loop.is_running() and not loop.is_closed():
            loop.close()


def _close_at_exit(loop: asyncio.AbstractEventLoop) -> None:
    """The SDK leaves its event loop open; left for the interpreter's shutdown to collect, it
    complains on stderr. Close it at exit instead (later captures in this process reuse it)."""
    if not _LOOPS:
        atexit.register(_close_loops)
    _LOOPS.add(loop)


def capture(project: Project, stack: str, option: Optional[str] = None) -> tuple[ResourceGraph, Scenario]:
    """Run the stack's program offline; the resource graph and the validated scenario."""
    config, scenario = load_stack(project, stack, option)  # validates first: errors before Pulumi runs
    from gnnstack.components import SECRET_KEYS

    values = {SCENARIO_KEY: json.dumps(config[SCENARIO_KEY], default=str), OPTION_KEY: scenario.option}
    secret_keys = [f"gnnstack:{k}" for k in SECRET_KEYS[scenario.option]]
    values.update({k: OFFLINE_SECRET for k in secret_keys})
    for key, value in config.items():
        if key not in values and not (isinstance(value, dict) and "secure" in value):
            values[key] = value if isinstance(value, str) else json.dumps(value)

    settings.ROOT.set(None)
    monitor = CaptureMonitor(OfflineMocks(scenario.region))
    pulumi.runtime.set_all_config(values, secret_keys)
    pulumi.runtime.set_mocks(monitor.mocks, project=project.name, stack=stack, preview=True, monitor=monitor)
    settings.SETTINGS.rpc_manager.clear()
    settings.SETTINGS.outputs.clear()
    main = Path(project.root) / "__main__.py"
    _sync_await(run_pulumi_func(lambda: runpy.run_path(str(main), run_name="__main__")))
    _close_at_exit(asyncio.get_event_loop())

    names = {urn: name for urn, _, _, name, _, _ in monitor.records}
    graph = ResourceGraph(stack, scenario.option, [
        Resource(type=t, name=n, parent=names.get(parent), inputs=inputs, custom=custom)
        for _urn, parent, t, n, custom, inputs in monitor.records
    ])
    return graph, scenario
