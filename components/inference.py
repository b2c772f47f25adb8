"""Serverless data-parallel inference (seed 004): a daily Step Functions run whose Map state fans
out to `world_size` workers of one Lambda function, each scoring its shard of the day's items.

Both ends of the fan-out are capped, so a run can be priced and cannot run away: the Map runs at
most `max_concurrency` workers at once and the function's reserved concurrency holds it to that
many executions, whatever else invokes it. Data stays in the stack's data bucket under
`inference/`; the worker's role may read only the inputs and write only the outputs and the
intermediate results.
"""

from __future__ import annotations

from typing import Any, Optional

import pulumi
import pulumi_aws as aws

from gnnstack.templating import render

from ._base import StackContext, child, json_output, policy_document, service_role
from .args import InferenceArgs
from .training import _ScheduledStateMachine, scheduler_cron

PREFIX = "inference/"
INPUTS, OUTPUTS, INTERMEDIATE = f"{PREFIX}inputs/", f"{PREFIX}outputs/", f"{PREFIX}intermediate/"
HANDLER = "handler.py"


def worker_code(ctx: StackContext, a: InferenceArgs) -> str:
    return render("inference-handler.py.j2", stack=ctx.stack, world_size=a.world_size, inputs=INPUTS,
                  outputs=OUTPUTS, intermediate=INTERMEDIATE)


def definition(ctx: StackContext, a: InferenceArgs, function_arn: pulumi.Input[str]) -> dict[str, Any]:
    """The state machine: a Pass state lists the shards (0 .. world_size - 1), a Map runs one
    worker per shard, at most `max_concurrency` at a time."""
    worker = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        # A failed worker (throttled, out of memory, a transient S3 error) is retried, a bounded number of times.
        "Parameters": {"FunctionName": function_arn, "Payload.$": "$"},
        "OutputPath": "$.Payload",
        "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException", "Lambda.ServiceException",
                                   "Lambda.SdkClientException", "States.TaskFailed"],
                   "IntervalSeconds": 5, "BackoffRate": 2, "MaxAttempts": a.retries}],
        "TimeoutSeconds": a.timeout_seconds + 60,
        "End": True,
    }
    waves = -(-a.world_size // a.max_concurrency)
    return {
        "Comment": f"gnnstack serverless inference for {ctx.stack}: {a.world_size} workers",
        "StartAt": "Shards",
        # Every wave may use its workers' full timeout, and every retry too.
        "TimeoutSeconds": waves * (a.retries + 1) * (a.timeout_seconds + 60) + 600,
        "States": {
            "Shards": {"Type": "Pass", "Result": {"shards": list(range(a.world_size))}, "Next": "Infer"},
            "Infer": {
                "Type": "Map",
                "ItemsPath": "$.shards",
                "MaxConcurrency": a.max_concurrency,
                "ItemSelector": {"rank.$": "$$.Map.Item.Value", "world_size": a.world_size,
                                 "run.$": "$$.Execution.Name"},
                "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Worker",
                                  "States": {"Worker": worker}},
                "ResultPath": None,
                "End": True,
            },
        },
    }


class ServerlessInference(_ScheduledStateMachine):
    """Daily serverless inference: Lambda workers fanned out by a Step Functions Map."""

    def __init__(self, name: str, a: InferenceArgs, ctx: StackContext, bucket: aws.s3.Bucket,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("gnnstack:inference:ServerlessInference", name, {
            "worldSize": a.world_size, "maxConcurrency": a.max_concurrency,
            "reservedConcurrency": a.reserved_concurrency, "memoryMb": a.memory_mb,
            "timeoutSeconds": a.timeout_seconds, "architecture": a.architecture,
        }, opts)
        role = service_role(f"{name}-worker-role", ctx, self, ("lambda.amazonaws.com",))
        self.function = aws.lambda_.Function(
            f"{name}-worker",
            role=role.arn,
            runtime="python3.12",
            handler="handler.handler",
            architectures=[a.architecture],
            memory_size=a.memory_mb,
            timeout=a.timeout_seconds,
            # Holds the function to the Map's concurrency, and keeps that much free for it.
            reserved_concurrent_executions=a.reserved_concurrency,
            code=pulumi.AssetArchive({HANDLER: pulumi.StringAsset(worker_code(ctx, a))}),
            environment={"variables": {"BUCKET": bucket.bucket}},
            tags=ctx.tags(),
            opts=child(self))
        self._grant_worker(name, role, bucket)
        sfn_policy = policy_document(
            {"Effect": "Allow", "Action": "lambda:InvokeFunction",
             "Resource": [self.function.arn, pulumi.Output.concat(self.function.arn, ":*")]})
        self._schedule(name, ctx, json_output(definition(ctx, a, self.function.arn)), sfn_policy,
                       scheduler_cron(a.start_hour_utc, 7))
        self.register_outputs({"stateMachine": self.state_machine.arn, "function": self.function.arn})

    def _grant_worker(self, name: str, role: aws.iam.Role, bucket: aws.s3.Bucket) -> None:
        """Read the inputs, write outputs and intermediate results, log to its own log group."""
        arn = bucket.arn
        log_group = self.function.name.apply(lambda n: f"arn:aws:logs:*:*:log-group:/aws/lambda/{n}:*")
        aws.iam.RolePolicy(f"{name}-worker-role-policy", role=role.id, policy=policy_document(
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": arn,
             "Condition": {"StringLike": {"s3:prefix": [f"{INPUTS}*"]}}},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": pulumi.Output.concat(arn, f"/{INPUTS}*")},
            {"Effect": "Allow", "Action": "s3:PutObject",
             "Resource": [pulumi.Output.concat(arn, f"/{OUTPUTS}*"), pulumi.Output.concat(arn, f"/{INTERMEDIATE}*")]},
            {"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
             "Resource": log_group},
        ), opts=child(role))
