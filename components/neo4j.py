"""Neo4j on EC2: servers in an Auto Scaling group with min/max caps, gp3 data volumes sized from
the graph, memory settings derived from the instance, and the password in Secrets Manager."""

from __future__ import annotations

import base64
from typing import Optional

import pulumi
import pulumi_aws as aws

from gnnstack import instances
from gnnstack.templating import render

from ._base import StackContext, child
from .args import Neo4jArgs
from ._servers import DATA_DIR, gp3_mapping, launch_template, server_identity, ubuntu_ami
from .network import Network

BOLT, HTTP, HTTPS = 7687, 7474, 7473
CLUSTER_PORTS = [(5000, 5000), (6000, 6000), (7000, 7000), (7688, 7688)]


def memory_settings(memory_gib: float) -> tuple[int, int]:
    """(heap GB, page cache GB). Heap at a quarter of memory, never above 31 GB (compressed
    pointers); the OS keeps a tenth; the page cache gets the rest to hold the store in memory."""
    heap = max(1, min(31, int(memory_gib * 0.25)))
    reserve = max(1, int(memory_gib * 0.1))
    return heap, max(1, int(memory_gib) - heap - reserve)


class Neo4jServers(pulumi.ComponentResource):
    def __init__(self, name: str, n: Neo4jArgs, ctx: StackContext, network: Network, bucket: aws.s3.Bucket,
                 password: pulumi.Input[str], opts: Optional[pulumi.ResourceOptions] = None) -> None:
        volume_gb = n.volume.size_gb
        super().__init__("gnnstack:database:Neo4jServers", name, {
            "edition": n.edition, "instanceType": n.instance_type, "servers": n.servers,
            "minServers": n.min_servers, "maxServers": n.max_servers, "volumeGb": volume_gb,
        }, opts)
        spec = instances.lookup(n.instance_type, "ec2")
        heap, pagecache = memory_settings(spec.memory_gib)
        ident = server_identity(
            name, ctx, self, password, bucket,
            # Enterprise servers find their peers through the Auto Scaling group at boot.
            extra_actions=("autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeAutoScalingGroups",
                           "ec2:DescribeInstances") if n.edition == "enterprise" else ())
        sg = network.security_group(f"{name}-sg", "Neo4j", [(BOLT, BOLT), (HTTP, HTTP), (HTTPS, HTTPS)], self,
                                    self_ports=CLUSTER_PORTS)
        user_data = ident.secret.arn.apply(lambda arn: base64.b64encode(render(
            "neo4j-user-data.sh.j2", stack=ctx.stack, region=ctx.region, edition=n.edition, version=n.version,
            instance_type=n.instance_type, memory_gib=spec.memory_gib, heap_gb=heap, pagecache_gb=pagecache,
            volume_gb=volume_gb, data_dir=DATA_DIR, servers=n.servers, secret_arn=arn).encode()).decode())
        template = launch_template(
            f"{name}-server", ctx, self, image_id=ubuntu_ami(spec.arch), instance_type=n.instance_type,
            profile=ident.profile, security_group=sg, user_data=user_data,
            volumes=[gp3_mapping("/dev/sda1", 30),
                     gp3_mapping("/dev/sdf", volume_gb, iops=n.volume.iops, throughput=n.volume.throughput_mbps,
                                 delete_on_termination=ctx.experiment)])
        self.group = aws.autoscaling.Group(
            f"{name}-asg",
            min_size=n.min_servers,
            max_size=n.max_servers,
            desired_capacity=n.servers,
            vpc_zone_identifiers=[s.id for s in network.private_subnets],
            launch_template={"id": template.id, "version": "$Latest"},
            health_check_type="EC2",
            tags=ctx.asg_tags(Name=f"{name}-server"),
            opts=child(self))
        self.register_outputs({"group": self.group.name})
