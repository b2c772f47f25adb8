"""Typed arguments for every component, built from the scenario in one place.

Each component takes an `Args` holding exactly the settings it uses, with every option- and
environment-dependent default already resolved; no component sees the scenario. `option_args`
builds them all for one stack: the shared pieces the same way for every option, the database
by the function registered for the option's database section (`DATABASE_ARGS`). The module is
pulumi-free, so what a stack file turns into can be tested without the Pulumi runtime.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Callable, Mapping, Optional, Sequence, Union

from gnnstack import clock, sizing
from gnnstack import tags as tag
from gnnstack.scenario import Budget, Scenario


@dataclass(frozen=True)
class StackContext:
    """What every component may know about the stack it belongs to: its names, its region, whether
    it is an experiment (torn down whole: no deletion protection, no final snapshots, short
    recovery windows) and its cost-allocation tags. Settings come through each component's Args."""

    project: str
    stack: str
    region: str
    experiment: bool
    base_tags: Mapping[str, str]

    @classmethod
    def for_scenario(cls, scenario: Scenario, stack: str, project: str,
                     expires_at: Optional[datetime]) -> "StackContext":
        s = scenario
        base = {
            tag.PROJECT: project,
            tag.OWNER: s.owner,
            tag.COST_CENTER: s.cost_center,
            tag.ENVIRONMENT: s.environment,
            tag.STACK: stack,
            tag.OPTION: s.option,
        }
        if expires_at is not None:
            base[tag.EXPIRES_AT] = clock.iso(expires_at)
        return cls(project, stack, s.region, s.is_experiment, MappingProxyType(base))

    def tags(self, **extra: str) -> dict[str, str]:
        return {**self.base_tags, **extra}

    def asg_tags(self, **extra: str) -> list[dict[str, Any]]:
        """Auto Scaling groups take tags as a list and copy them to the instances they launch."""
        return [
            {"key": k, "value": v, "propagate_at_launch": True}
            for k, v in self.tags(**extra).items()
        ]

    def launch_tag_specs(self, name: str) -> list[dict[str, Any]]:
        """Tags for what a launch template starts: instances, their volumes and network cards."""
        return [
            {"resource_type": t, "tags": self.tags(Name=name)}
            for t in ("instance", "volume", "network-interface", "spot-instances-request")
        ]


@dataclass(frozen=True)
class NetworkArgs:
    cidr: str
    nat_gateway: bool
    trusted_cidrs: Sequence[str] = ()


@dataclass(frozen=True)
class BudgetArgs:
    monthly_usd: Decimal
    alert_thresholds_percent: tuple[int, ...]
    forecast_alert_percent: Optional[int]
    alert_emails: tuple[str, ...]


@dataclass(frozen=True)
class TrainingArgs:
    """Daily training, on SageMaker or on EC2 GPU capacity (`platform`)."""

    platform: str
    instance_type: str
    instance_count: int
    max_instance_count: int
    days_per_week: int
    start_hour_utc: int
    max_runtime_hours: Decimal
    spot: bool
    volume_gb: int
    image_uri: Optional[str]


@dataclass(frozen=True)
class TuningArgs:
    instance_type: str
    parallel_jobs: int
    max_training_jobs: int
    jobs_per_week: Optional[int]
    jobs_per_month: Optional[int]
    runs: tuple[int, str]
    """(n, "week" | "month"): how often a tuning job starts."""
    max_runtime_hours: Decimal
    spot: bool
    start_hour_utc: int
    image_uri: Optional[str]


@dataclass(frozen=True)
class GlueEtlArgs:
    worker_type: str
    workers: int
    runs_per_day: int
    timeout_minutes: int
    execution_class: str
    node_features: int
    edge_features: int


@dataclass(frozen=True)
class IngestionArgs:
    shards: int
    retention_hours: int


@dataclass(frozen=True)
class NeptuneArgs:
    instance_class: str
    readers: int
    max_readers: int
    target_cpu_percent: int
    backup_retention_days: int
    engine_version: str


@dataclass(frozen=True)
class DataVolumeArgs:
    size_gb: int
    """Given in the stack file, or sized from the graph."""
    iops: int
    throughput_mbps: int


@dataclass(frozen=True)
class Neo4jArgs:
    edition: str
    version: str
    instance_type: str
    servers: int
    min_servers: int
    max_servers: int
    volume: DataVolumeArgs


@dataclass(frozen=True)
class TigerGraphArgs:
    edition: str
    version: str
    instance_type: str
    nodes: int
    replication_factor: int
    volume: DataVolumeArgs
    vpc_cidr: str
    """The nodes get fixed private addresses in the VPC's first /24."""


@dataclass(frozen=True)
class EmrArgs:
    release_label: str
    primary_instance_type: str
    core_instance_type: str
    core_instances: int
    task_instance_type: str
    task_instances: int
    task_spot: bool
    max_units: int
    max_core_units: int
    idle_timeout_minutes: int
    core_volume_gb: int


@dataclass(frozen=True)
class GraphQueriesArgs:
    memory_mb: int
    timeout_seconds: int
    reserved_concurrency: int


@dataclass(frozen=True)
class InferenceArgs:
    """Serverless data-parallel inference: one Lambda function, `world_size` Map workers."""

    world_size: int
    max_concurrency: int
    reserved_concurrency: int
    memory_mb: int
    timeout_seconds: int
    architecture: str
    retries: int
    start_hour_utc: int


DatabaseArgs = Union[NeptuneArgs, Neo4jArgs, TigerGraphArgs, EmrArgs]


@dataclass(frozen=True)
class OptionArgs:
    """Everything one option's stack is built from."""

    option: str
    environment: str
    region: str
    hours_per_month: Decimal
    price_overrides: Optional[str]
    network: NetworkArgs
    budget: BudgetArgs
    training: Optional[TrainingArgs]
    """None for an option that does not train (`OptionSpec.trains`)."""
    tuning: Optional[TuningArgs]
    etl: Optional[GlueEtlArgs]
    """None when the ETL is off or the option's own cluster runs it."""
    ingestion: Optional[IngestionArgs]
    database: Optional[DatabaseArgs]
    """None when the stack file turns the database off."""
    queries: Optional[GraphQueriesArgs] = None
    """The Lambda function serving graph queries, for options that serve them (with a database)."""
    inference: Optional[InferenceArgs] = None
    """None unless the stack file sets `workload.inference.kind`."""


def budget_args(b: Budget) -> BudgetArgs:
    return BudgetArgs(b.monthly_usd, tuple(b.alert_thresholds_percent), b.forecast_alert_percent,
                      tuple(b.alert_emails))


def training_args(s: Scenario) -> TrainingArgs:
    t = s.training  # resolved: platform, instance type, max count and spot filled in
    assert t.platform is not None and t.instance_type is not None and t.max_instance_count is not None
    return TrainingArgs(t.platform, t.instance_type, t.instance_count, t.max_instance_count, t.days_per_week,
                        t.start_hour_utc, t.max_runtime_hours, bool(t.spot), t.volume_gb, t.image_uri)


def tuning_args(s: Scenario) -> Optional[TuningArgs]:
    u = s.workload.tuning
    if not u.enabled or not s.spec.trains:
        return None
    per, n = s.tuning_cron_days
    return TuningArgs(s.tuning_instance_type, u.parallel_jobs, u.max_training_jobs, u.jobs_per_week,
                      u.jobs_per_month, (n, per), u.max_runtime_hours, s.tuning_spot,
                      s.training.start_hour_utc, s.training.image_uri)


def etl_args(s: Scenario) -> Optional[GlueEtlArgs]:
    e = s.workload.etl
    if not e.enabled or s.etl_engine != "glue":
        return None
    return GlueEtlArgs(e.worker_type, e.workers, e.runs_per_day, e.timeout_minutes, e.execution_class,
                       s.graph.node_features, s.graph.edge_features)


def ingestion_args(s: Scenario) -> Optional[IngestionArgs]:
    i = s.workload.ingestion
    return IngestionArgs(i.shards, i.retention_hours) if i.mode == "kinesis" else None


def inference_args(s: Scenario) -> Optional[InferenceArgs]:
    i = s.workload.inference
    if not i.enabled:
        return None
    return InferenceArgs(i.world_size, i.concurrency, i.reserved, i.memory_mb, i.timeout_seconds, i.architecture,
                         i.retries, i.start_hour_utc)


def neptune_args(s: Scenario) -> NeptuneArgs:
    n = s.neptune
    return NeptuneArgs(n.instance_class, n.readers, n.max_readers, n.target_cpu_percent, n.backup_retention_days,
                       n.engine_version)


def neo4j_args(s: Scenario) -> Neo4jArgs:
    n = s.neo4j
    size = n.volume.size_gb or sizing.volume_gb(s.graph, "neo4j")
    return Neo4jArgs(n.edition, n.version, n.instance_type, n.servers, n.min_servers, n.max_servers,
                     DataVolumeArgs(size, n.volume.iops, n.volume.throughput_mbps))


def tigergraph_args(s: Scenario) -> TigerGraphArgs:
    t = s.tigergraph
    size = t.volume.size_gb or sizing.volume_gb(s.graph, "tigergraph", shards=t.nodes,
                                                replicas=t.replication_factor)
    return TigerGraphArgs(t.edition, t.version, t.instance_type, t.nodes, t.replication_factor,
                          DataVolumeArgs(size, t.volume.iops, t.volume.throughput_mbps), s.network.cidr)


def emr_args(s: Scenario) -> EmrArgs:
    e = s.emr
    # In experiments the task fleet (everything above the core fleet) runs on spot.
    return EmrArgs(e.release_label, e.primary_instance_type, e.core_instance_type, e.core_instances,
                   e.task_instance_type, e.task_instances, s.is_experiment, e.max_units, e.max_core_units,
                   e.idle_timeout_minutes, e.core_volume_gb)


# One builder per database section of the option registry (`OptionSpec.database`).
DATABASE_ARGS: dict[str, Callable[[Scenario], DatabaseArgs]] = {
    "neptune": neptune_args, "neo4j": neo4j_args, "tigergraph": tigergraph_args, "emr": emr_args,
}


def option_args(s: Scenario) -> OptionArgs:
    """The arguments of every component of `s`'s option."""
    return OptionArgs(
        option=s.option, environment=s.environment, region=s.region, hours_per_month=s.month_hours,
        price_overrides=s.costing.price_overrides,
        network=NetworkArgs(s.network.cidr, s.nat_gateway, tuple(s.network.trusted_cidrs)),
        budget=budget_args(s.budget),
        training=training_args(s) if s.spec.trains else None,
        tuning=tuning_args(s),
        etl=etl_args(s),
        ingestion=ingestion_args(s),
        database=DATABASE_ARGS[s.spec.database](s) if s.database_enabled else None,
        queries=GraphQueriesArgs(s.queries.memory_mb, s.queries.timeout_seconds, s.queries.reserved_concurrency)
        if s.spec.serves_queries and s.database_enabled else None,
        inference=inference_args(s),
    )
