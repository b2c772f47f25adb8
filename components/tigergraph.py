"""TigerGraph on EC2: a fixed-size cluster (TigerGraph partitions data across a known node list,
so it does not auto-scale), gp3 volumes sized from each node's share of the graph, the licence
cost as an input, and credentials in Secrets Manager."""

from __future__ import annotations

import base64
import ipaddress
from typing import Optional

import pulumi
import pulumi_aws as aws

from gnnstack import instances
from gnnstack.templating import render

from ._base import StackContext, child
from .args import TigerGraphArgs
from ._servers import DATA_DIR, server_identity, ubuntu_ami
from .network import Network

REST, GUI = 9000, 14240
CLUSTER_PORTS = [(22, 22), (5000, 5500), (6000, 9999), (14240, 14240), (17797, 17797)]
DOWNLOAD = "https://dl.tigergraph.com/enterprise-edition/tigergraph-{version}-offline.tar.gz"


class TigerGraphCluster(pulumi.ComponentResource):
    def __init__(self, name: str, t: TigerGraphArgs, ctx: StackContext, network: Network, bucket: aws.s3.Bucket,
                 credentials: pulumi.Input[str], opts: Optional[pulumi.ResourceOptions] = None) -> None:
        volume_gb = t.volume.size_gb
        super().__init__("gnnstack:database:TigerGraphCluster", name, {
            "edition": t.edition, "instanceType": t.instance_type, "nodes": t.nodes, "volumeGb": volume_gb,
            "replicationFactor": t.replication_factor,
        }, opts)
        spec = instances.lookup(t.instance_type, "ec2")
        ident = server_identity(name, ctx, self, credentials, bucket)
        sg = network.security_group(f"{name}-sg", "TigerGraph", [(REST, REST), (GUI, GUI)], self,
                                    self_ports=CLUSTER_PORTS)
        # Fixed private addresses so every node's installer config can list the whole cluster.
        subnet_block = ipaddress.ip_network(t.vpc_cidr, strict=False)
        first_subnet = next(subnet_block.subnets(new_prefix=max(subnet_block.prefixlen, 24)))
        ips = [str(first_subnet.network_address + 10 + i) for i in range(t.nodes)]
        self.nodes = []
        for i, ip in enumerate(ips):
            user_data = ident.secret.arn.apply(lambda arn, i=i: render(
                "tigergraph-user-data.sh.j2", stack=ctx.stack, region=ctx.region, index=i, nodes=t.nodes,
                node_ips=ips, replication_factor=t.replication_factor, data_dir=DATA_DIR, volume_gb=volume_gb,
                secret_arn=arn, download_url=DOWNLOAD.format(version=t.version)))
            self.nodes.append(aws.ec2.Instance(
                f"{name}-m{i + 1}",
                ami=ubuntu_ami(spec.arch),
                instance_type=t.instance_type,
                subnet_id=network.private_subnets[0].id,
                private_ip=ip,
                vpc_security_group_ids=[sg.id],
                iam_instance_profile=ident.profile.name,
                metadata_options={"http_tokens": "required", "http_endpoint": "enabled"},
                root_block_device={"volume_size": 50, "volume_type": "gp3", "encrypted": True,
                                   "tags": ctx.tags(Name=f"{name}-m{i + 1}-root")},
                ebs_block_devices=[{
                    "device_name": "/dev/sdf", "volume_size": volume_gb, "volume_type": "gp3",
                    "iops": t.volume.iops, "throughput": t.volume.throughput_mbps, "encrypted": True,
                    "delete_on_termination": ctx.experiment, "tags": ctx.tags(Name=f"{name}-m{i + 1}-data")}],
                user_data_base64=user_data.apply(lambda u: base64.b64encode(u.encode()).decode()),
                tags=ctx.tags(Name=f"{name}-m{i + 1}"),
                opts=child(self)))
        self.register_outputs({"nodes": [n.private_ip for n in self.nodes]})
