"""An EKS control plane and a managed node group in the default VPC's subnets."""

import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
instance_type = config.get("nodeInstanceType") or "t3.medium"
node_count = config.get_int("nodeCount") or 2
identity = aws.get_caller_identity()
vpc = aws.ec2.get_vpc(default=True)
subnets = aws.ec2.get_subnets(filters=[{"name": "vpc-id", "values": [vpc.id]}])


def assume(service: str) -> str:
    return aws.iam.get_policy_document(statements=[{
        "actions": ["sts:AssumeRole"], "principals": [{"type": "Service", "identifiers": [service]}],
    }]).json


cluster_role = aws.iam.Role("eks-cluster", assume_role_policy=assume("eks.amazonaws.com"))
aws.iam.RolePolicyAttachment("eks-cluster-policy", role=cluster_role.name,
                             policy_arn="arn:aws:iam::aws:policy/AmazonEKSClusterPolicy")
node_role = aws.iam.Role("eks-nodes", assume_role_policy=assume("ec2.amazonaws.com"))
for i, policy in enumerate(["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy",
                            "AmazonEC2ContainerRegistryReadOnly"]):
    aws.iam.RolePolicyAttachment(f"eks-nodes-{i}", role=node_role.name,
                                 policy_arn=f"arn:aws:iam::aws:policy/{policy}")

cluster = aws.eks.Cluster("platform", role_arn=cluster_role.arn, version="1.31",
                          vpc_config={"subnet_ids": subnets.ids, "endpoint_public_access": True},
                          enabled_cluster_log_types=["api", "audit"],
                          tags={"owner": identity.account_id})
nodes = aws.eks.NodeGroup("platform-general", cluster_name=cluster.name, node_role_arn=node_role.arn,
                          subnet_ids=subnets.ids, instance_types=[instance_type], capacity_type="ON_DEMAND",
                          disk_size=50,
                          scaling_config={"desired_size": node_count, "min_size": 1, "max_size": node_count * 2})

kubeconfig = pulumi.Output.all(cluster.endpoint, cluster.certificate_authority.data, cluster.name).apply(
    lambda a: json.dumps({"apiVersion": "v1", "clusters": [{"name": a[2], "cluster": {
        "server": a[0], "certificate-authority-data": a[1]}}]}))
pulumi.export("kubeconfig", pulumi.Output.secret(kubeconfig))
