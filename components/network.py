"""Network: a VPC with private subnets in two zones, optional NAT egress, an S3 gateway endpoint,
and security groups that only ever admit traffic from inside the VPC (or named trusted networks)."""

from __future__ import annotations

import ipaddress
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws

from ._base import StackContext, child
from .args import NetworkArgs


class Network(pulumi.ComponentResource):
    vpc: aws.ec2.Vpc
    private_subnets: list[aws.ec2.Subnet]

    def __init__(self, name: str, args: NetworkArgs, ctx: StackContext,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("gnnstack:network:Network", name,
                         {"cidr": args.cidr, "natGateway": args.nat_gateway},
                         opts)
        self._ctx = ctx
        self._args = args
        net = ipaddress.ip_network(args.cidr, strict=False)
        # /24s carved from the VPC: private subnets first, then the public one for NAT.
        self._blocks = [str(b) for b in list(net.subnets(new_prefix=max(net.prefixlen, 24)))[:3]]
        zones = aws.get_availability_zones_output(state="available", opts=pulumi.InvokeOutputOptions(parent=self))

        self.vpc = aws.ec2.Vpc(f"{name}-vpc", cidr_block=args.cidr, enable_dns_hostnames=True,
                               enable_dns_support=True, tags=ctx.tags(Name=f"{name}-vpc"), opts=child(self))
        self.private_subnets = [
            aws.ec2.Subnet(
                f"{name}-private-{i}", vpc_id=self.vpc.id, cidr_block=self._blocks[i],
                availability_zone=zones.names[i], map_public_ip_on_launch=False,
                tags=ctx.tags(Name=f"{name}-private-{i}", Tier="private"), opts=child(self.vpc),
            )
            for i in range(2)
        ]
        self.private_route_table = aws.ec2.RouteTable(
            f"{name}-private-rt", vpc_id=self.vpc.id, tags=ctx.tags(Name=f"{name}-private"), opts=child(self.vpc))
        for i, subnet in enumerate(self.private_subnets):
            aws.ec2.RouteTableAssociation(f"{name}-private-rta-{i}", subnet_id=subnet.id,
                                          route_table_id=self.private_route_table.id, opts=child(subnet))
        # S3 traffic stays on the AWS network for free instead of paying NAT processing per GB.
        self.s3_endpoint = aws.ec2.VpcEndpoint(
            f"{name}-s3", vpc_id=self.vpc.id, service_name=f"com.amazonaws.{ctx.region}.s3",
            vpc_endpoint_type="Gateway", route_table_ids=[self.private_route_table.id],
            tags=ctx.tags(Name=f"{name}-s3"), opts=child(self.vpc))
        if args.nat_gateway:
            self._create_nat(name, zones.names[0])
        self.register_outputs({"vpcId": self.vpc.id})

    def _create_nat(self, name: str, zone: pulumi.Input[str]) -> None:
        ctx = self._ctx
        igw = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=self.vpc.id, tags=ctx.tags(Name=f"{name}-igw"),
                                      opts=child(self.vpc))
        public = aws.ec2.Subnet(f"{name}-public-0", vpc_id=self.vpc.id, cidr_block=self._blocks[2],
                                availability_zone=zone, map_public_ip_on_launch=False,
                                tags=ctx.tags(Name=f"{name}-public-0", Tier="public"), opts=child(self.vpc))
        public_rt = aws.ec2.RouteTable(
            f"{name}-public-rt", vpc_id=self.vpc.id,
            routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}],
            tags=ctx.tags(Name=f"{name}-public"), opts=child(self.vpc))
        aws.ec2.RouteTableAssociation(f"{name}-public-rta", subnet_id=public.id, route_table_id=public_rt.id,
                                      opts=child(public))
        eip = aws.ec2.Eip(f"{name}-nat-eip", domain="vpc", tags=ctx.tags(Name=f"{name}-nat"), opts=child(self.vpc))
        # One NAT gateway, not one per zone: experiments trade zone redundancy for ~$33/month each.
        nat = aws.ec2.NatGateway(f"{name}-nat", allocation_id=eip.id, subnet_id=public.id,
                                 connectivity_type="public", tags=ctx.tags(Name=f"{name}-nat"),
                                 opts=child(self.vpc, depends_on=[igw]))
        aws.ec2.Route(f"{name}-private-egress", route_table_id=self.private_route_table.id,
                      destination_cidr_block="0.0.0.0/0", nat_gateway_id=nat.id,
                      opts=child(self.private_route_table))

    def security_group(self, name: str, description: str, ports: Sequence[tuple[int, int]],
                       parent: pulumi.Resource, self_ports: Sequence[tuple[int, int]] = ()) -> aws.ec2.SecurityGroup:
        """A group admitting `ports` from the VPC and trusted networks only, `self_ports` from its
        own members (cluster traffic), and all egress."""
        ctx = self._ctx
        sg = aws.ec2.SecurityGroup(name, vpc_id=self.vpc.id, description=description,
                                   tags=ctx.tags(Name=name), opts=child(parent))
        sources = [self._args.cidr, *self._args.trusted_cidrs]
        for lo, hi in ports:
            for j, cidr in enumerate(sources):
                aws.vpc.SecurityGroupIngressRule(
                    f"{name}-in-{lo}-{j}", security_group_id=sg.id, ip_protocol="tcp", from_port=lo, to_port=hi,
                    cidr_ipv4=cidr, description=f"{description}: {lo}-{hi} from {cidr}",
                    tags=ctx.tags(), opts=child(sg))
        for lo, hi in self_ports:
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-self-{lo}", security_group_id=sg.id, ip_protocol="tcp", from_port=lo, to_port=hi,
                referenced_security_group_id=sg.id, description=f"cluster traffic {lo}-{hi}",
                tags=ctx.tags(), opts=child(sg))
        aws.vpc.SecurityGroupEgressRule(f"{name}-out", security_group_id=sg.id, ip_protocol="-1",
                                        cidr_ipv4="0.0.0.0/0", description="all egress",
                                        tags=ctx.tags(), opts=child(sg))
        return sg
