"""A VPC spread over the region's first two availability zones."""

import pulumi
import pulumi_aws as aws


class Network(pulumi.ComponentResource):
    def __init__(self, name: str, cidr: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("shop:network:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # The VPC carries the component's own name, as many programs do.
        self.vpc = aws.ec2.Vpc(name, cidr_block=cidr, enable_dns_hostnames=True,
                               tags={"Name": name}, opts=child)
        igw = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=self.vpc.id, opts=child)
        routes = aws.ec2.RouteTable(f"{name}-public", vpc_id=self.vpc.id,
                                    routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}], opts=child)
        zones = aws.get_availability_zones(state="available")
        self.public_subnets = []
        self.private_subnets = []
        for i, zone in enumerate(zones.names[:2]):
            public = aws.ec2.Subnet(f"{name}-public-{i}", vpc_id=self.vpc.id, availability_zone=zone,
                                    cidr_block=f"10.0.{i}.0/24", map_public_ip_on_launch=True, opts=child)
            aws.ec2.RouteTableAssociation(f"{name}-public-{i}", subnet_id=public.id,
                                          route_table_id=routes.id, opts=child)
            private = aws.ec2.Subnet(f"{name}-private-{i}", vpc_id=self.vpc.id, availability_zone=zone,
                                     cidr_block=f"10.0.{10 + i}.0/24", opts=child)
            self.public_subnets.append(public)
            self.private_subnets.append(private)
        self.register_outputs({"vpcId": self.vpc.id})
