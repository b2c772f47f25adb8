"""Feature ETL on AWS Glue (fixed workers, per-run timeout, one run at a time) and optional
Kinesis ingestion."""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws

from gnnstack.templating import render

from ._base import StackContext, bucket_access, child, policy_document, service_role
from .args import GlueEtlArgs, IngestionArgs

GLUE_SERVICE = "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole"


class GlueEtl(pulumi.ComponentResource):
    def __init__(self, name: str, e: GlueEtlArgs, ctx: StackContext, bucket: aws.s3.Bucket,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("gnnstack:etl:GlueEtl", name, {
            "workerType": e.worker_type, "workers": e.workers,
            "runsPerDay": e.runs_per_day, "timeoutMinutes": e.timeout_minutes,
            "executionClass": e.execution_class,
        }, opts)
        role = service_role(f"{name}-role", ctx, self, ("glue.amazonaws.com",),
                            policy_document(bucket_access(bucket.arn)), managed_policy_arns=(GLUE_SERVICE,))
        script = aws.s3.BucketObjectv2(
            f"{name}-script", bucket=bucket.id, key="scripts/gnnstack_etl.py",
            content=render("glue-etl.py.j2", stack=ctx.stack, node_features=e.node_features,
                           edge_features=e.edge_features),
            server_side_encryption="aws:kms", tags=ctx.tags(), opts=child(self))
        s3 = bucket.bucket.apply(lambda b: f"s3://{b}")
        self.job = aws.glue.Job(
            f"{name}-job",
            role_arn=role.arn,
            glue_version="4.0",
            worker_type=e.worker_type,
            number_of_workers=e.workers,
            timeout=e.timeout_minutes,
            max_retries=0,
            execution_class=e.execution_class,
            execution_property={"max_concurrent_runs": 1},
            command={"name": "glueetl", "python_version": "3",
                     "script_location": pulumi.Output.concat(s3, "/", script.key)},
            default_arguments={
                "--SOURCE": pulumi.Output.concat(s3, "/raw/"),
                "--TARGET": pulumi.Output.concat(s3, "/features/"),
                "--job-bookmark-option": "job-bookmark-enable",
                "--enable-metrics": "true",
            },
            tags=ctx.tags(),
            opts=child(self))
        hours = ",".join(str((24 // e.runs_per_day) * i) for i in range(e.runs_per_day))
        self.trigger = aws.glue.Trigger(
            f"{name}-schedule", type="SCHEDULED", schedule=f"cron(0 {hours} * * ? *)",
            actions=[{"job_name": self.job.name, "timeout": e.timeout_minutes}],
            start_on_creation=True, tags=ctx.tags(), opts=child(self))
        self.register_outputs({"job": self.job.name})


class IngestionStream(pulumi.ComponentResource):
    def __init__(self, name: str, i: IngestionArgs, ctx: StackContext,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("gnnstack:ingestion:KinesisStream", name,
                         {"shards": i.shards}, opts)
        self.stream = aws.kinesis.Stream(
            f"{name}-stream", shard_count=i.shards, retention_period=i.retention_hours,
            stream_mode_details={"stream_mode": "PROVISIONED"},
            encryption_type="KMS", kms_key_id="alias/aws/kinesis", tags=ctx.tags(), opts=child(self))
        self.register_outputs({"stream": self.stream.name})
