"""What EC2 servers share: launch templates with encrypted gp3 volumes, and for the self-managed
databases (Neo4j, TigerGraph) a password kept in Secrets Manager with an instance role that may
read it."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from ._base import SSM_CORE, StackContext, bucket_access, child, policy_document, service_role

DATA_DIR = "/data"
UBUNTU_X86 = "resolve:ssm:/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id"
UBUNTU_ARM = "resolve:ssm:/aws/service/canonical/ubuntu/server/22.04/stable/current/arm64/hvm/ebs-gp2/ami-id"


def ubuntu_ami(arch: str) -> str:
    return UBUNTU_ARM if arch == "arm64" else UBUNTU_X86


@dataclass
class ServerIdentity:
    secret: aws.secretsmanager.Secret
    profile: aws.iam.InstanceProfile


def server_identity(name: str, ctx: StackContext, parent: pulumi.Resource, secret_string: pulumi.Input[str],
                    bucket: aws.s3.Bucket, extra_actions: tuple[str, ...] = ()) -> ServerIdentity:
    secret = aws.secretsmanager.Secret(
        f"{name}-secret", description=f"gnnstack {ctx.stack} database credentials",
        recovery_window_in_days=0 if ctx.experiment else 7, tags=ctx.tags(), opts=child(parent))
    aws.secretsmanager.SecretVersion(f"{name}-secret-value", secret_id=secret.id,
                                     secret_string=pulumi.Output.secret(secret_string), opts=child(secret))
    statements = [
        bucket_access(bucket.arn),
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secret.arn},
    ]
    if extra_actions:
        statements.append({"Effect": "Allow", "Action": list(extra_actions), "Resource": "*"})
    role = service_role(f"{name}-role", ctx, parent, ("ec2.amazonaws.com",), policy_document(*statements),
                        managed_policy_arns=(SSM_CORE,))
    profile = aws.iam.InstanceProfile(f"{name}-profile", role=role.name, tags=ctx.tags(), opts=child(role))
    return ServerIdentity(secret, profile)


def gp3_mapping(device: str, size_gb: int, *, iops: int | None = None, throughput: int | None = None,
                delete_on_termination: bool = True) -> dict:
    """An encrypted gp3 block-device mapping in launch-template form (its flags are strings)."""
    ebs = {"volume_size": size_gb, "volume_type": "gp3", "encrypted": "true",
           "delete_on_termination": str(delete_on_termination).lower()}
    if iops is not None:
        ebs.update(iops=iops, throughput=throughput)
    return {"device_name": device, "ebs": ebs}


def launch_template(name: str, ctx: StackContext, parent: pulumi.Resource, *, image_id: str, instance_type: str,
                    profile: aws.iam.InstanceProfile, security_group: aws.ec2.SecurityGroup,
                    volumes: list[dict], user_data: pulumi.Input[str], **extra) -> aws.ec2.LaunchTemplate:
    """A launch template with IMDSv2 only, encrypted gp3 volumes and tags on what it starts."""
    return aws.ec2.LaunchTemplate(
        f"{name}-lt",
        image_id=image_id,
        instance_type=instance_type,
        iam_instance_profile={"arn": profile.arn},
        vpc_security_group_ids=[security_group.id],
        metadata_options={"http_tokens": "required", "http_endpoint": "enabled"},
        block_device_mappings=volumes,
        user_data=user_data,
        tag_specifications=ctx.launch_tag_specs(name),
        tags=ctx.tags(),
        opts=child(parent),
        **extra)
