"""Per-option sizing: each option's database (or cluster) and the network around it. The option
registry (`gnnstack.options`) names the section each option reads."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal, Optional

from pydantic import Field, field_validator, model_validator

from .. import instances
from ._base import Ec2Type, EmrType, Hours, Model, NeptuneClass, NonNegativeInt, PositiveInt


class Neptune(Model):
    enabled: bool = True
    instance_class: NeptuneClass = "db.r6g.8xlarge"
    readers: NonNegativeInt = 1
    max_readers: Annotated[int, Field(ge=0, le=15)] = 3
    target_cpu_percent: Annotated[int, Field(ge=10, le=90)] = 70
    backup_retention_days: Annotated[int, Field(ge=1, le=35)] = 1
    io_millions_per_month: Annotated[Decimal, Field(ge=0)] = Field(
        default=Decimal(100), description="Expected storage I/O requests a month, in millions (usage estimate)")
    engine_version: str = "1.3.2.1"

    @model_validator(mode="after")
    def _caps(self) -> "Neptune":
        if self.max_readers < self.readers:
            raise ValueError(f"max_readers ({self.max_readers}) must be >= readers ({self.readers})")
        if self.max_readers > self.readers == 0:
            raise ValueError("Neptune replica auto-scaling needs at least one reader: set readers: 1")
        return self


class Volume(Model):
    size_gb: Optional[PositiveInt] = Field(default=None, description="Default: sized from the graph")
    iops: Annotated[int, Field(ge=3000, le=16000)] = 3000
    throughput_mbps: Annotated[int, Field(ge=125, le=1000)] = 125


class SelfManagedDatabase(Model):
    """What Neo4j and TigerGraph on EC2 share: a data volume and a licence cost line, which is a
    scenario input because neither vendor publishes an Enterprise list price."""

    enabled: bool = True
    volume: Volume = Volume()
    licence_usd_per_month: Optional[Decimal] = Field(
        default=None, ge=0, description="Enterprise only: your negotiated licence cost per month"
    )


class Neo4j(SelfManagedDatabase):
    edition: Literal["community", "enterprise"] = "community"
    version: str = "5.26.0"
    instance_type: Ec2Type = "r6g.8xlarge"
    servers: PositiveInt = 1
    min_servers: NonNegativeInt = 1
    max_servers: PositiveInt = 1

    @model_validator(mode="after")
    def _caps(self) -> "Neo4j":
        if not self.min_servers <= self.servers <= self.max_servers:
            raise ValueError("need min_servers <= servers <= max_servers")
        if self.edition == "community" and self.max_servers > 1:
            raise ValueError("Neo4j Community runs a single server: set max_servers: 1 or edition: enterprise")
        if self.edition == "community" and self.licence_usd_per_month:
            raise ValueError("licence_usd_per_month applies to edition: enterprise only")
        return self


class TigerGraph(SelfManagedDatabase):
    version: str = "3.10.1"
    edition: Literal["developer", "enterprise"] = "enterprise"
    # TigerGraph ships x86_64 builds only, so the default is Intel rather than Graviton.
    instance_type: Ec2Type = "r6i.8xlarge"
    nodes: PositiveInt = 4
    replication_factor: PositiveInt = 1

    @model_validator(mode="after")
    def _check(self) -> "TigerGraph":
        if instances.lookup(self.instance_type, "ec2").arch != "x86_64":
            raise ValueError(f"TigerGraph runs on x86_64 only; {self.instance_type} is arm64 (try r6i or r5)")
        if self.nodes % self.replication_factor:
            raise ValueError("nodes must be a multiple of replication_factor")
        if self.edition == "developer" and self.nodes > 1:
            raise ValueError("the TigerGraph developer licence is single-node: set nodes: 1")
        return self


class Emr(Model):
    enabled: bool = True
    release_label: str = "emr-7.5.0"
    primary_instance_type: EmrType = "m5.xlarge"
    core_instance_type: EmrType = "r5.4xlarge"
    core_instances: PositiveInt = 2
    task_instance_type: EmrType = "r5.4xlarge"
    task_instances: NonNegativeInt = 0
    max_units: PositiveInt = Field(default=8, description="Managed-scaling cap, in instances")
    max_core_units: PositiveInt = 2
    idle_timeout_minutes: Annotated[int, Field(ge=1, le=7 * 24 * 60)] = 60
    hours_per_day: Hours = Field(default=Decimal(2), description="Cluster hours a day, jobs + idle")
    core_volume_gb: PositiveInt = 256

    @model_validator(mode="after")
    def _caps(self) -> "Emr":
        floor = 1 + self.core_instances + self.task_instances
        if self.max_units < floor:
            raise ValueError(f"max_units ({self.max_units}) is below the starting size ({floor} instances)")
        if self.max_core_units < self.core_instances:
            raise ValueError("max_core_units must be >= core_instances")
        return self


class GraphQueries(Model):
    """Graph queries served by a Lambda function next to Neptune (the neptune-analytics option):
    Gremlin over the cluster endpoint, for fraud rules and investigations rather than a GNN.
    `requests_per_day` and `ms_per_request` are usage estimates; the rest sizes the function."""

    memory_mb: Annotated[int, Field(ge=128, le=10240)] = 1024
    timeout_seconds: Annotated[int, Field(ge=1, le=900)] = 30
    reserved_concurrency: Annotated[int, Field(ge=1, le=1000)] = Field(
        default=20, description="Concurrent queries at most: caps the function's worst case")
    requests_per_day: Annotated[int, Field(ge=0, le=10 ** 9)] = Field(
        default=200_000, description="Queries a day (usage estimate)")
    ms_per_request: Annotated[Decimal, Field(gt=0, le=900_000)] = Field(
        default=Decimal(300), description="Average duration of a query in milliseconds (usage estimate)")

    @model_validator(mode="after")
    def _fits(self) -> "GraphQueries":
        if self.ms_per_request > self.timeout_seconds * 1000:
            raise ValueError(f"ms_per_request ({self.ms_per_request}) is longer than timeout_seconds "
                             f"({self.timeout_seconds}); raise the timeout or lower the duration")
        return self


class Network(Model):
    cidr: str = "10.42.0.0/16"
    nat_gateway: Optional[bool] = Field(
        default=None, description="Egress for private subnets. Default: on for the EC2 and EMR options"
    )
    trusted_cidrs: list[str] = Field(
        default_factory=list, description="Extra networks allowed to reach database ports"
    )

    @field_validator("cidr", "trusted_cidrs")
    @classmethod
    def _cidr(cls, v):
        import ipaddress

        for c in [v] if isinstance(v, str) else v:
            net = ipaddress.ip_network(c, strict=False)
            if net.prefixlen == 0:
                raise ValueError(f"{c} opens the database to the whole internet; name a private network")
        return v
