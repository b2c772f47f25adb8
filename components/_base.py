"""What every component shares: the stack context, cost-allocation tags, IAM and naming helpers.

Tags are applied explicitly on every taggable resource rather than through a stack transform:
Pulumi's mock runtime (the offline preview) does not run transforms, and explicit tags are what
the guardrails and the budget filter read.
"""

from __future__ import annotations

import json
from typing import Any, Optional

import pulumi
import pulumi_aws as aws

from gnnstack import tags as tag

from .args import StackContext  # noqa: F401  (defined with the other arguments, pulumi-free)

TAG_KEYS = tag.REQUIRED
EXPIRES_TAG = tag.EXPIRES_AT
STACK_TAG = tag.STACK


def child(parent: pulumi.Resource, **kwargs: Any) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(parent=parent, **kwargs)


def assume_role_policy(*services: str) -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": list(services) if len(services) > 1 else services[0]},
            "Action": "sts:AssumeRole",
        }],
    })


def policy_document(*statements: dict[str, Any]) -> pulumi.Output[str]:
    """An IAM policy; statements may hold Outputs such as ARNs."""
    return json_output({"Version": "2012-10-17", "Statement": list(statements)})


def service_role(
    name: str,
    ctx: StackContext,
    parent: pulumi.Resource,
    services: tuple[str, ...],
    policy: Optional[pulumi.Input[str]] = None,
    managed_policy_arns: tuple[str, ...] = (),
) -> aws.iam.Role:
    """An IAM role for an AWS service, with an inline least-privilege policy."""
    role = aws.iam.Role(
        name,
        assume_role_policy=assume_role_policy(*services),
        tags=ctx.tags(),
        opts=child(parent),
    )
    if policy is not None:
        aws.iam.RolePolicy(f"{name}-policy", role=role.id, policy=policy, opts=child(role))
    for i, arn in enumerate(managed_policy_arns):
        aws.iam.RolePolicyAttachment(f"{name}-managed-{i}", role=role.name, policy_arn=arn, opts=child(role))
    return role


def bucket_access(bucket_arn: pulumi.Input[str], write: bool = True) -> dict[str, Any]:
    actions = ["s3:GetObject", "s3:ListBucket"] + (["s3:PutObject", "s3:DeleteObject"] if write else [])
    return {"Effect": "Allow", "Action": actions, "Resource": [bucket_arn, pulumi.Output.concat(bucket_arn, "/*")]}


def json_output(value: Any) -> pulumi.Output[str]:
    """json.dumps over a structure that may hold Outputs (ARNs, names)."""
    return pulumi.Output.from_input(value).apply(json.dumps)


SSM_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
