"""The Pulumi program. `__main__.py` calls `main()`; so do `pulumi preview` (through the CLI) and
`gnnstack preview` (in-process, under the SDK's mocks)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from gnnstack.components import OPTIONS, SECRET_KEYS, StackContext

from . import clock
from .project import SCENARIO_KEY, load_scenario


def main() -> None:
    config = pulumi.Config("gnnstack")
    stack = pulumi.get_stack()
    scenario = load_scenario(
        config.require_object("scenario"), source=f"stack {stack!r} config {SCENARIO_KEY}",
        option=config.get("option"))
    ctx = StackContext(scenario, stack, pulumi.get_project(), scenario.expires_at(clock.now()))
    # One explicit provider pinned to the scenario's region: the stack file is the only place
    # the region is set, so the CLI's estimate and the deployment cannot disagree.
    provider = aws.Provider(f"aws-{scenario.region}", region=scenario.region)
    secrets = {}
    for key in SECRET_KEYS[scenario.option]:
        value = config.get_secret(key)
        if value is not None:
            secrets[key] = value
    root = OPTIONS[scenario.option](stack, ctx, secrets, pulumi.ResourceOptions(providers=[provider]))
    pulumi.export("option", scenario.option)
    pulumi.export("expiresAt", ctx.tags().get("gnnstack:expires-at"))
    pulumi.export("dataBucket", root.data.bucket.bucket)

