"""Amazon Neptune: encrypted cluster, a writer, readers, and replica auto-scaling with a max."""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws

from ._base import StackContext, child
from .args import NeptuneArgs
from .network import Network

NEPTUNE_PORT = 8182


class NeptuneCluster(pulumi.ComponentResource):
    def __init__(self, name: str, n: NeptuneArgs, ctx: StackContext, network: Network,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("gnnstack:database:NeptuneCluster", name, {
            "instanceClass": n.instance_class, "readers": n.readers, "maxReaders": n.max_readers,
        }, opts)
        exp = ctx.experiment
        subnets = aws.neptune.SubnetGroup(
            f"{name}-subnets", subnet_ids=[s.id for s in network.private_subnets], tags=ctx.tags(), opts=child(self))
        sg = network.security_group(f"{name}-sg", "Neptune", [(NEPTUNE_PORT, NEPTUNE_PORT)], self)
        self.cluster = aws.neptune.Cluster(
            f"{name}-cluster",
            engine="neptune",
            engine_version=n.engine_version,
            neptune_subnet_group_name=subnets.name,
            vpc_security_group_ids=[sg.id],
            storage_encrypted=True,
            iam_database_authentication_enabled=True,
            backup_retention_period=n.backup_retention_days,
            deletion_protection=not exp,
            skip_final_snapshot=exp,
            final_snapshot_identifier=None if exp else f"gnnstack-{ctx.stack}-final",
            apply_immediately=exp,
            tags=ctx.tags(),
            opts=child(self))
        self.writer = aws.neptune.ClusterInstance(
            f"{name}-writer", cluster_identifier=self.cluster.id, instance_class=n.instance_class,
            engine="neptune", promotion_tier=0, tags=ctx.tags(Role="writer"), opts=child(self.cluster))
        readers = [
            aws.neptune.ClusterInstance(
                f"{name}-reader-{i}", cluster_identifier=self.cluster.id, instance_class=n.instance_class,
                engine="neptune", promotion_tier=1, tags=ctx.tags(Role="reader"),
                opts=child(self.cluster, depends_on=[self.writer]))
            for i in range(n.readers)
        ]
        if n.max_readers > n.readers:
            # Replicas beyond `readers` come and go with load, never past `max_readers`.
            target = aws.appautoscaling.Target(
                f"{name}-replicas", service_namespace="neptune",
                resource_id=self.cluster.id.apply(lambda c: f"cluster:{c}"),
                scalable_dimension="neptune:cluster:ReadReplicaCount",
                min_capacity=n.readers, max_capacity=n.max_readers,
                tags=ctx.tags(), opts=child(self.cluster, depends_on=readers))
            aws.appautoscaling.Policy(
                f"{name}-replicas-cpu", policy_type="TargetTrackingScaling",
                service_namespace=target.service_namespace, resource_id=target.resource_id,
                scalable_dimension=target.scalable_dimension,
                target_tracking_scaling_policy_configuration={
                    "target_value": float(n.target_cpu_percent),
                    "predefined_metric_specification": {"predefined_metric_type": "NeptuneReaderAverageCPUUtilization"},
                    "scale_in_cooldown": 600, "scale_out_cooldown": 300},
                opts=child(target))
        self.register_outputs({"endpoint": self.cluster.endpoint})
