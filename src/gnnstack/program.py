"""The Pulumi program. `__main__.py` calls `main()`; so do `pulumi preview` (through the CLI) and
`gnnstack preview` (in-process, under the SDK's mocks)."""

from __future__ import annotations

import os

import pulumi
import pulumi_aws as aws

from gnnstack.components import StackContext, option_args

from . import clock, tags
from .project import SCENARIO_KEY, load_scenario


# `gnnstack up --local` sets this for the program: an environment variable, so a rehearsal never
# writes into the stack file.
LOCAL_ENDPOINT_ENV = "GNNSTACK_LOCAL_ENDPOINT"
# Services the components call; `gnnstack up --local` points each at the emulator.
LOCAL_SERVICES = ("appautoscaling", "autoscaling", "budgets", "ec2", "emr", "glue", "iam", "kinesis", "kms",
                  "neptune", "s3", "scheduler", "secretsmanager", "sfn", "sts", "sagemaker")


def local_provider_args(endpoint: str | None) -> dict:
    """Provider settings for a dry rehearsal against a local AWS emulator (moto) at `endpoint`:
    every service at that URL, path-style S3, and no credential or account checks."""
    if not endpoint:
        return {}
    return {
        "endpoints": [{service: endpoint} for service in LOCAL_SERVICES],
        "access_key": "test", "secret_key": "test",
        "skip_credentials_validation": True, "skip_requesting_account_id": True,
        "skip_metadata_api_check": "true", "s3_use_path_style": True,
    }


def main() -> None:
    config = pulumi.Config("gnnstack")
    stack = pulumi.get_stack()
    scenario = load_scenario(
        config.require_object("scenario"), source=f"stack {stack!r} config {SCENARIO_KEY}",
        option=config.get("option"))
    ctx = StackContext.for_scenario(scenario, stack, pulumi.get_project(), scenario.expires_at(clock.now()))
    # One explicit provider pinned to the scenario's region: the stack file is the only place
    # the region is set, so the CLI's estimate and the deployment cannot disagree.
    provider = aws.Provider(f"aws-{scenario.region}", region=scenario.region,
                            **local_provider_args(os.environ.get(LOCAL_ENDPOINT_ENV)))
    secrets = {}
    for key in scenario.spec.secrets:
        value = config.get_secret(key)
        if value is not None:
            secrets[key] = value
    stack_class = scenario.spec.load_stack_class()
    root = stack_class(stack, ctx, option_args(scenario), secrets, pulumi.ResourceOptions(providers=[provider]))
    pulumi.export("option", scenario.option)
    pulumi.export("expiresAt", ctx.tags().get(tags.EXPIRES_AT))
    pulumi.export("dataBucket", root.data.bucket.bucket)

