"""Graph queries served by a Lambda function beside Neptune (the neptune-analytics option): the
function runs in the private subnets, reaches the cluster's Gremlin endpoint with IAM
authentication, and its reserved concurrency caps how many queries run at once, and so the bill."""

from __future__ import annotations

import json
from typing import Optional

import pulumi
import pulumi_aws as aws

from gnnstack.templating import render

from ._base import StackContext, child, policy_document, service_role
from .args import GraphQueriesArgs
from .network import Network

VPC_ACCESS = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"


class GraphQueries(pulumi.ComponentResource):
    def __init__(self, name: str, q: GraphQueriesArgs, ctx: StackContext, network: Network,
                 cluster: aws.neptune.Cluster, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("gnnstack:analytics:GraphQueries", name, {
            "memoryMb": q.memory_mb, "timeoutSeconds": q.timeout_seconds,
            "reservedConcurrency": q.reserved_concurrency}, opts)
        # Neptune's IAM actions name the cluster by its resource id, not its ARN.
        data_arn = pulumi.Output.all(cluster.arn, cluster.cluster_resource_id).apply(
            lambda a: "{}:{}/*".format(a[0].rsplit(":", 2)[0].replace(":rds:", ":neptune-db:"), a[1]))
        role = service_role(
            f"{name}-role", ctx, self, ("lambda.amazonaws.com",),
            policy_document({"Effect": "Allow", "Action": ["neptune-db:connect", "neptune-db:ReadDataViaQuery"],
                             "Resource": data_arn}),
            managed_policy_arns=(VPC_ACCESS,))
        sg = network.security_group(f"{name}-sg", "Graph queries", [], self)
        self.function = aws.lambda_.Function(
            f"{name}-function",
            role=role.arn,
            runtime="python3.12",
            handler="handler.main",
            architectures=["x86_64"],
            memory_size=q.memory_mb,
            timeout=q.timeout_seconds,
            reserved_concurrent_executions=q.reserved_concurrency,
            code=pulumi.AssetArchive({"handler.py": pulumi.StringAsset(render("graph-queries.py.j2"))}),
            vpc_config={"subnet_ids": [s.id for s in network.private_subnets], "security_group_ids": [sg.id]},
            environment={"variables": {"NEPTUNE_ENDPOINT": cluster.endpoint,
                                       "NEPTUNE_PORT": json.dumps(8182), "STACK": ctx.stack}},
            tags=ctx.tags(),
            opts=child(self, depends_on=[role]))
        self.register_outputs({"function": self.function.name})
