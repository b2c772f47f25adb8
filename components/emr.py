"""Spark on EMR: primary, core and task fleets (task on spot in experiments), managed scaling
with a maximum, idle auto-termination, and encryption at rest for S3 and local disks."""

from __future__ import annotations

import json
from typing import Optional

import pulumi
import pulumi_aws as aws

from ._base import StackContext, bucket_access, child, policy_document, service_role
from .args import EmrArgs
from .network import Network

EMR_SERVICE = "arn:aws:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2"


class EmrCluster(pulumi.ComponentResource):
    def __init__(self, name: str, e: EmrArgs, ctx: StackContext, network: Network, bucket: aws.s3.Bucket,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        spot = e.task_spot
        super().__init__("gnnstack:analytics:EmrCluster", name, {
            "primaryInstanceType": e.primary_instance_type, "coreInstanceType": e.core_instance_type,
            "coreInstances": e.core_instances, "taskInstanceType": e.task_instance_type,
            "taskInstances": e.task_instances, "maxUnits": e.max_units,
            "idleTimeoutMinutes": e.idle_timeout_minutes, "taskSpot": spot,
        }, opts)
        service = service_role(f"{name}-service-role", ctx, self, ("elasticmapreduce.amazonaws.com",),
                               managed_policy_arns=(EMR_SERVICE,))
        node_role = service_role(
            f"{name}-node-role", ctx, self, ("ec2.amazonaws.com",),
            policy_document(bucket_access(bucket.arn),
                            {"Effect": "Allow", "Action": ["ec2:DescribeInstances", "elasticmapreduce:Describe*",
                                                           "elasticmapreduce:ListInstances"], "Resource": "*"}))
        profile = aws.iam.InstanceProfile(f"{name}-node-profile", role=node_role.name, tags=ctx.tags(),
                                          opts=child(node_role))
        key = aws.kms.Key(f"{name}-disk-key", description=f"gnnstack {ctx.stack} EMR local disk encryption",
                          enable_key_rotation=True, deletion_window_in_days=7, tags=ctx.tags(), opts=child(self))
        aws.kms.Grant(f"{name}-disk-key-nodes", key_id=key.key_id, grantee_principal=node_role.arn,
                      operations=["Encrypt", "Decrypt", "GenerateDataKey", "ReEncryptFrom", "ReEncryptTo",
                                  "DescribeKey"], opts=child(key))
        security = aws.emr.SecurityConfiguration(
            f"{name}-encryption",
            configuration=key.arn.apply(lambda arn: json.dumps({"EncryptionConfiguration": {
                "EnableInTransitEncryption": False,
                "EnableAtRestEncryption": True,
                "AtRestEncryptionConfiguration": {
                    "S3EncryptionConfiguration": {"EncryptionMode": "SSE-S3"},
                    "LocalDiskEncryptionConfiguration": {"EncryptionKeyProviderType": "AwsKms",
                                                         "AwsKmsKey": arn, "EnableEbsEncryption": True},
                }}})),
            opts=child(self))
        # EMR manages the rules of these groups itself; none opens a port to the internet.
        primary_sg = network.security_group(f"{name}-primary-sg", "EMR primary", [], self)
        worker_sg = network.security_group(f"{name}-worker-sg", "EMR workers", [], self)
        service_sg = network.security_group(f"{name}-service-sg", "EMR service access", [(9443, 9443)], self)
        ebs = [{"size": e.core_volume_gb, "type": "gp3", "volumes_per_instance": 1}]
        self.cluster = aws.emr.Cluster(
            f"{name}-cluster",
            release_label=e.release_label,
            applications=["Spark", "Hadoop"],
            service_role=service.arn,
            security_configuration=security.name,
            log_uri=bucket.bucket.apply(lambda b: f"s3://{b}/emr-logs/"),
            ec2_attributes={
                "subnet_ids": [s.id for s in network.private_subnets],
                "instance_profile": profile.arn,
                "emr_managed_master_security_group": primary_sg.id,
                "emr_managed_slave_security_group": worker_sg.id,
                "service_access_security_group": service_sg.id,
            },
            master_instance_fleet={"name": "primary", "target_on_demand_capacity": 1,
                                   "instance_type_configs": [{"instance_type": e.primary_instance_type}]},
            core_instance_fleet={"name": "core", "target_on_demand_capacity": e.core_instances,
                                 "instance_type_configs": [{"instance_type": e.core_instance_type,
                                                            "ebs_configs": ebs}]},
            keep_job_flow_alive_when_no_steps=True,
            # An idle cluster terminates itself; experiments are never left running overnight.
            auto_termination_policy={"idle_timeout": e.idle_timeout_minutes * 60},
            termination_protection=False,
            tags=ctx.tags(),
            opts=child(self))
        aws.emr.InstanceFleet(
            f"{name}-task",
            cluster_id=self.cluster.id,
            name="task",
            target_spot_capacity=e.task_instances if spot else 0,
            target_on_demand_capacity=0 if spot else e.task_instances,
            instance_type_configs=[{"instance_type": e.task_instance_type, "ebs_configs": ebs,
                                    "bid_price_as_percentage_of_on_demand_price": 100}],
            launch_specifications={"spot_specifications": [{
                "allocation_strategy": "capacity-optimized", "timeout_action": "SWITCH_TO_ON_DEMAND",
                "timeout_duration_minutes": 10}]} if spot else None,
            opts=child(self.cluster))
        aws.emr.ManagedScalingPolicy(
            f"{name}-scaling",
            cluster_id=self.cluster.id,
            compute_limits=[{
                "unit_type": "InstanceFleetUnits",
                "minimum_capacity_units": 1 + e.core_instances,
                "maximum_capacity_units": e.max_units,
                "maximum_core_capacity_units": e.max_core_units,
                # In experiments everything above the core fleet is spot.
                "maximum_ondemand_capacity_units": (1 + e.max_core_units) if spot else e.max_units,
            }],
            opts=child(self.cluster))
        self.register_outputs({"cluster": self.cluster.id})
