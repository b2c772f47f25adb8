"""The stack options' components. Each builds the shared pieces (network, data bucket, budget,
training, tuning, ETL, ingestion) and its own database from its `OptionArgs`; with the database
turned off an option still trains on the S3 export, which is how the seed's experimentation
estimate runs. The options are listed, with what sets each apart, in `gnnstack.options`."""

from __future__ import annotations

import json
from typing import Any, Optional

import pulumi

from ._base import StackContext, child
from .args import EmrArgs, Neo4jArgs, NeptuneArgs, OptionArgs, TigerGraphArgs
from .budget import StackBudget
from .emr import EmrCluster
from .etl import GlueEtl, IngestionStream
from .inference import ServerlessInference
from .neo4j import Neo4jServers
from .neptune import NeptuneCluster
from .queries import GraphQueries
from .network import Network
from .storage import DataBucket
from .tigergraph import TigerGraphCluster
from .training import Ec2GpuTraining, SageMakerTraining, SageMakerTuning, sagemaker_execution_role


class OptionStack(pulumi.ComponentResource):
    TYPE = "gnnstack:option:Base"

    def __init__(self, name: str, ctx: StackContext, args: OptionArgs,
                 secrets: Optional[dict[str, pulumi.Output]] = None,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(self.TYPE, name, {
            "option": args.option, "environment": args.environment, "region": args.region,
            "databaseEnabled": args.database is not None,
            # The month the estimate counts in (730 hours unless the scenario sets its own).
            "hoursPerMonth": str(args.hours_per_month),
            # The price override file the estimate uses, so the policy pack prices alike.
            "priceOverrides": args.price_overrides}, opts)
        self.ctx = ctx
        self.args = args
        self.secrets = secrets or {}
        self.network = Network(f"{name}-net", args.network, ctx, child(self))
        self.data = DataBucket(f"{name}-data", ctx, child(self))
        self.budget = StackBudget(f"{name}-budget", args.budget, ctx, child(self))
        if args.database is not None:
            self._create_database(f"{name}-db", args.database)
        self._create_workload(name, args)
        self.register_outputs({"bucket": self.data.bucket.id, "vpc": self.network.vpc.id})

    def _create_database(self, name: str, args: Any) -> None:
        raise NotImplementedError

    def _create_workload(self, name: str, args: OptionArgs) -> None:
        ctx, bucket, t = self.ctx, self.data.bucket, args.training
        role = None
        if (t is not None and t.platform == "sagemaker") or args.tuning is not None:
            role = sagemaker_execution_role(f"{name}-sagemaker-role", ctx, self, bucket)
        if t is None:
            pass  # an option that does not train (OptionSpec.trains)
        elif t.platform == "sagemaker":
            SageMakerTraining(f"{name}-training", t, ctx, bucket, role, child(self))
        else:
            sg = self.network.security_group(f"{name}-training-sg", "GPU training", [], self)
            Ec2GpuTraining(f"{name}-training", t, ctx, bucket, [x.id for x in self.network.private_subnets], sg,
                           child(self))
        if args.tuning is not None:
            SageMakerTuning(f"{name}-tuning", args.tuning, ctx, bucket, role, child(self))
        if args.etl is not None:
            GlueEtl(f"{name}-etl", args.etl, ctx, bucket, child(self))
        if args.ingestion is not None:
            IngestionStream(f"{name}-ingest", args.ingestion, ctx, child(self))
        if args.inference is not None:
            ServerlessInference(f"{name}-inference", args.inference, ctx, bucket, child(self))

    def _secret(self, key: str) -> pulumi.Output:
        try:
            return self.secrets[key]
        except KeyError:
            raise ValueError(
                f"missing secret config 'gnnstack:{key}': run `pulumi config set --secret {key} ...` "
                f"for this stack") from None


class NeptuneSageMaker(OptionStack):
    TYPE = "gnnstack:option:NeptuneSageMaker"

    def _create_database(self, name: str, args: NeptuneArgs) -> None:
        NeptuneCluster(name, args, self.ctx, self.network, child(self))


class NeptuneAnalytics(OptionStack):
    TYPE = "gnnstack:option:NeptuneAnalytics"

    def _create_database(self, name: str, args: NeptuneArgs) -> None:
        db = NeptuneCluster(name, args, self.ctx, self.network, child(self))
        if self.args.queries is not None:
            GraphQueries(f"{name}-queries", self.args.queries, self.ctx, self.network, db.cluster, child(self))


class Neo4jEc2(OptionStack):
    TYPE = "gnnstack:option:Neo4jEc2"

    def _create_database(self, name: str, args: Neo4jArgs) -> None:
        Neo4jServers(name, args, self.ctx, self.network, self.data.bucket, self._secret("neo4jPassword"),
                     child(self))


class TigerGraphEc2(OptionStack):
    TYPE = "gnnstack:option:TigerGraphEc2"

    def _create_database(self, name: str, args: TigerGraphArgs) -> None:
        licence = self.secrets.get("tigergraphLicense", pulumi.Output.from_input(""))
        credentials = pulumi.Output.all(self._secret("tigergraphPassword"), licence).apply(
            lambda pw_lic: json.dumps({"password": pw_lic[0], "license": pw_lic[1]}))
        TigerGraphCluster(name, args, self.ctx, self.network, self.data.bucket, credentials, child(self))


class EmrSpark(OptionStack):
    TYPE = "gnnstack:option:EmrSpark"

    def _create_database(self, name: str, args: EmrArgs) -> None:
        EmrCluster(name, args, self.ctx, self.network, self.data.bucket, child(self))

