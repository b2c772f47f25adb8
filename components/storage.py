"""The data lake bucket: encrypted, never public, with lifecycle rules that move cold data to
cheaper classes and expire what experiments leave behind."""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws


from ._base import StackContext, child


class DataBucket(pulumi.ComponentResource):
    bucket: aws.s3.Bucket

    def __init__(self, name: str, ctx: StackContext, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        # What the bucket will hold is usage, declared for pricing in components/usage.py.
        super().__init__("gnnstack:storage:DataBucket", name, {}, opts)
        exp = ctx.experiment
        self.bucket = aws.s3.Bucket(
            f"{name}-bucket",
            # Experiments must tear down cleanly even with objects inside; production keeps data.
            force_destroy=exp,
            tags=ctx.tags(),
            opts=child(self),
        )
        aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access", bucket=self.bucket.id, block_public_acls=True, block_public_policy=True,
            ignore_public_acls=True, restrict_public_buckets=True, opts=child(self.bucket))
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption", bucket=self.bucket.id,
            rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms"},
                    "bucket_key_enabled": True}],
            opts=child(self.bucket))
        aws.s3.BucketVersioning(
            f"{name}-versioning", bucket=self.bucket.id,
            versioning_configuration={"status": "Suspended" if exp else "Enabled"}, opts=child(self.bucket))
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle", bucket=self.bucket.id, rules=self._rules(exp), opts=child(self.bucket))
        self.register_outputs({"bucket": self.bucket.id})

    @staticmethod
    def _rules(experiment: bool) -> list[dict]:
        rules = [
            {   # Raw event history is read rarely once the features are built.
                "id": "raw-to-cold", "status": "Enabled", "filter": {"prefix": "raw/"},
                "transitions": [{"days": 30, "storage_class": "STANDARD_IA"},
                                {"days": 90, "storage_class": "GLACIER_IR"}],
            },
            {   # Old training runs' models and checkpoints.
                "id": "artifacts-to-ia", "status": "Enabled", "filter": {"prefix": "artifacts/"},
                "transitions": [{"days": 30, "storage_class": "STANDARD_IA"}],
            },
            {
                "id": "abort-multipart", "status": "Enabled", "filter": {"prefix": ""},
                "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
            },
            {
                "id": "expire-scratch", "status": "Enabled", "filter": {"prefix": "scratch/"},
                "expiration": {"days": 7 if experiment else 30},
            },
        ]
        if not experiment:
            rules.append({"id": "noncurrent-versions", "status": "Enabled", "filter": {"prefix": ""},
                          "noncurrent_version_expiration": {"noncurrent_days": 90}})
        return rules
