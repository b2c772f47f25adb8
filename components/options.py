"""The four stack options. Each builds the shared pieces (network, data bucket, budget, training,
tuning, ETL, ingestion) and its own database; with the database turned off an option still
trains on the S3 export, which is how the seed's experimentation estimate runs."""

from __future__ import annotations

import json
from typing import Optional

import pulumi

from ._base import StackContext, child
from .budget import StackBudget
from .emr import EmrCluster
from .etl import GlueEtl, IngestionStream
from .neo4j import Neo4jServers
from .neptune import NeptuneCluster
from .network import Network, NetworkArgs
from .storage import DataBucket
from .tigergraph import TigerGraphCluster
from .training import Ec2GpuTraining, SageMakerTraining, SageMakerTuning, sagemaker_execution_role


class OptionStack(pulumi.ComponentResource):
    TYPE = "gnnstack:option:Base"

    def __init__(self, name: str, ctx: StackContext, secrets: Optional[dict[str, pulumi.Output]] = None,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        s = ctx.s
        super().__init__(self.TYPE, name, {
            "option": s.option, "environment": s.environment, "region": s.region,
            "databaseEnabled": s.database_enabled,
            # The month the estimate counts in (730 hours unless the scenario sets its own).
            "hoursPerMonth": str(s.month_hours),
            # The price override file the estimate uses, so the policy pack prices alike.
            "priceOverrides": s.costing.price_overrides}, opts)
        self.ctx = ctx
        self.secrets = secrets or {}
        self.network = Network(f"{name}-net", NetworkArgs(s.network.cidr, s.nat_gateway, s.network.trusted_cidrs),
                               ctx, child(self))
        self.data = DataBucket(f"{name}-data", ctx, child(self))
        self.budget = StackBudget(f"{name}-budget", ctx, child(self))
        if s.database_enabled:
            self._create_database(f"{name}-db")
        self._create_workload(name)
        self.register_outputs({"bucket": self.data.bucket.id, "vpc": self.network.vpc.id})

    def _create_database(self, name: str) -> None:
        raise NotImplementedError

    def _create_workload(self, name: str) -> None:
        s, ctx, bucket = self.ctx.s, self.ctx, self.data.bucket
        t = s.training
        role = None
        if t.platform == "sagemaker" or s.workload.tuning.enabled:
            role = sagemaker_execution_role(f"{name}-sagemaker-role", ctx, self, bucket)
        if t.platform == "sagemaker":
            SageMakerTraining(f"{name}-training", ctx, bucket, role, child(self))
        else:
            sg = self.network.security_group(f"{name}-training-sg", "GPU training", [], self)
            Ec2GpuTraining(f"{name}-training", ctx, bucket, [x.id for x in self.network.private_subnets], sg,
                           child(self))
        if s.workload.tuning.enabled:
            SageMakerTuning(f"{name}-tuning", ctx, bucket, role, child(self))
        if s.workload.etl.enabled and s.etl_engine == "glue":
            GlueEtl(f"{name}-etl", ctx, bucket, child(self))
        if s.workload.ingestion.mode == "kinesis":
            IngestionStream(f"{name}-ingest", ctx, child(self))

    def _secret(self, key: str) -> pulumi.Output:
        try:
            return self.secrets[key]
        except KeyError:
            raise ValueError(
                f"missing secret config 'gnnstack:{key}': run `pulumi config set --secret {key} ...` "
                f"for this stack") from None


class NeptuneSageMaker(OptionStack):
    TYPE = "gnnstack:option:NeptuneSageMaker"

    def _create_database(self, name: str) -> None:
        NeptuneCluster(name, self.ctx, self.network, child(self))


class Neo4jEc2(OptionStack):
    TYPE = "gnnstack:option:Neo4jEc2"

    def _create_database(self, name: str) -> None:
        Neo4jServers(name, self.ctx, self.network, self.data.bucket, self._secret("neo4jPassword"), child(self))


class TigerGraphEc2(OptionStack):
    TYPE = "gnnstack:option:TigerGraphEc2"

    def _create_database(self, name: str) -> None:
        licence = self.secrets.get("tigergraphLicense", pulumi.Output.from_input(""))
        credentials = pulumi.Output.all(self._secret("tigergraphPassword"), licence).apply(
            lambda pw_lic: json.dumps({"password": pw_lic[0], "license": pw_lic[1]}))
        TigerGraphCluster(name, self.ctx, self.network, self.data.bucket, credentials, child(self))


class EmrSpark(OptionStack):
    TYPE = "gnnstack:option:EmrSpark"

    def _create_database(self, name: str) -> None:
        EmrCluster(name, self.ctx, self.network, self.data.bucket, child(self))


OPTIONS: dict[str, type[OptionStack]] = {
    "neptune-sagemaker": NeptuneSageMaker,
    "neo4j-ec2": Neo4jEc2,
    "tigergraph-ec2": TigerGraphEc2,
    "emr-spark": EmrSpark,
}
# Secret config keys each option reads; the offline preview stands in placeholders for them.
SECRET_KEYS: dict[str, tuple[str, ...]] = {
    "neptune-sagemaker": (),
    "neo4j-ec2": ("neo4jPassword",),
    "tigergraph-ec2": ("tigergraphPassword", "tigergraphLicense"),
    "emr-spark": (),
}
