"""The scenario: everything a stack file says about one gnnstack stack.

A scenario is read from the stack's Pulumi config (`gnnstack:scenario` in
`stacks/Pulumi.<stack>.yaml`), so `pulumi preview` and `gnnstack preview` read the same file.
Every model forbids unknown fields: a typo is an error naming the field, never a silent default.
Usage that no resource can express (hours per day, runs per week, daily graph growth) lives in
`workload` and `graph`, apart from the resource sizing in the per-option sections.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Annotated, Literal, Optional

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from . import clock, instances
from .regions import REGIONS

Environment = Literal["experiment", "production"]
Option = Literal["neptune-sagemaker", "neo4j-ec2", "tigergraph-ec2", "emr-spark"]
OPTIONS: tuple[str, ...] = ("neptune-sagemaker", "neo4j-ec2", "tigergraph-ec2", "emr-spark")

PositiveInt = Annotated[int, Field(gt=0)]
NonNegativeInt = Annotated[int, Field(ge=0)]
PositiveDecimal = Annotated[Decimal, Field(gt=0)]
Hours = Annotated[Decimal, Field(gt=0, le=24)]
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


def _instance(service: str):
    """A field validator that accepts only instance types `service` offers."""

    def check(value: str) -> str:
        instances.lookup(value, service)  # raises ValueError with the closest names
        return value

    return check


Ec2Type = Annotated[str, AfterValidator(_instance("ec2"))]
EmrType = Annotated[str, AfterValidator(_instance("emr"))]
NeptuneClass = Annotated[str, AfterValidator(_instance("neptune"))]


# --------------------------------------------------------------------------- budget, TTL, graph


class Budget(Model):
    monthly_usd: PositiveDecimal = Field(description="Monthly budget in USD for this stack")
    alert_thresholds_percent: list[Annotated[int, Field(gt=0, le=1000)]] = Field(
        default=[50, 80, 100], min_length=1,
        description="Actual-spend alerts, as percent of the budget",
    )
    forecast_alert_percent: Optional[Annotated[int, Field(gt=0, le=1000)]] = Field(
        default=100, description="Alert when forecast spend passes this percent; null for none"
    )
    alert_emails: list[str] = Field(min_length=1, description="Who receives budget alerts")

    @field_validator("alert_emails")
    @classmethod
    def _emails(cls, v: list[str]) -> list[str]:
        for e in v:
            if not _EMAIL.match(e):
                raise ValueError(f"{e!r} is not an e-mail address (expected name@domain)")
        return v


class Ttl(Model):
    """When an experiment expires. Exactly one of `hours` (from the time of preview/deploy,
    rounded down to the hour so the tag does not churn within an hour) or `expires_at`."""

    hours: Optional[PositiveInt] = Field(default=None, le=24 * 90)
    expires_at: Optional[datetime] = None

    @model_validator(mode="after")
    def _one_of(self) -> "Ttl":
        if (self.hours is None) == (self.expires_at is None):
            raise ValueError("give exactly one of 'hours' (e.g. 168) or 'expires_at' (ISO 8601, UTC)")
        return self

    def resolve(self, now: datetime) -> datetime:
        if self.expires_at is not None:
            at = self.expires_at
            return at if at.tzinfo else at.replace(tzinfo=timezone.utc)
        start = now.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)
        return start + timedelta(hours=self.hours or 0)


class GraphScale(Model):
    """The graph. Defaults are the seed scenario: 3B nodes, 10B edges, 5 float features each."""

    nodes: PositiveInt = 3_000_000_000
    edges: PositiveInt = 10_000_000_000
    node_features: NonNegativeInt = 5
    edge_features: NonNegativeInt = 5
    bytes_per_feature: PositiveInt = 4
    daily_new_nodes: NonNegativeInt = 800_000
    daily_new_edges: NonNegativeInt = 2_000_000


# --------------------------------------------------------------------------- workload


class Training(Model):
    """Daily GNN training. `platform` decides where it runs: SageMaker managed training jobs
    (Step Functions + EventBridge Scheduler) or EC2 GPU capacity in a scheduled Auto Scaling group."""

    platform: Optional[Literal["sagemaker", "ec2"]] = Field(
        default=None, description="Default: sagemaker for neptune-sagemaker and emr-spark, ec2 otherwise"
    )
    instance_type: Optional[str] = Field(
        default=None, description="ml.* for sagemaker, plain EC2 type for ec2. Default: (ml.)p3.2xlarge"
    )
    instance_count: PositiveInt = 1
    max_instance_count: Optional[PositiveInt] = Field(
        default=None, description="Cap for the EC2 training group; default instance_count"
    )
    hours_per_day: Hours = Decimal(4)
    days_per_week: Annotated[int, Field(ge=1, le=7)] = 7
    start_hour_utc: Annotated[int, Field(ge=0, le=23)] = 2
    spot: Optional[bool] = Field(default=None, description="Default: true in experiments")
    max_runtime_hours: Hours = Decimal(6)
    volume_gb: PositiveInt = 200
    image_uri: Optional[str] = Field(
        default=None, description="Training container (SageMaker); default: the AWS PyTorch training image"
    )

    @model_validator(mode="after")
    def _caps(self) -> "Training":
        if self.max_runtime_hours < self.hours_per_day:
            raise ValueError(
                f"max_runtime_hours ({self.max_runtime_hours}) is below hours_per_day "
                f"({self.hours_per_day}); raise max_runtime_hours or lower hours_per_day"
            )
        if self.max_instance_count is not None and self.max_instance_count < self.instance_count:
            raise ValueError("max_instance_count must be >= instance_count")
        return self


class Tuning(Model):
    """SageMaker hyperparameter tuning: `jobs_per_week` (on spread-out weekdays) or
    `jobs_per_month` (on spread-out days of the month) tuning jobs, each running up to
    `max_training_jobs` training jobs, `parallel_jobs` at a time, for `hours_per_job` each."""

    enabled: bool = True
    jobs_per_week: Optional[Annotated[int, Field(ge=1, le=7)]] = Field(
        default=None, description="Tuning jobs a week; default 1 unless jobs_per_month is set")
    jobs_per_month: Optional[Annotated[int, Field(ge=1, le=28)]] = Field(
        default=None, description="Tuning jobs a month, on fixed days of the month (1, 8, 15, 22 for 4)")
    instance_type: Optional[str] = Field(default=None, description="Default: training's ml.* type")
    parallel_jobs: PositiveInt = 4
    max_training_jobs: PositiveInt = 4
    hours_per_job: Hours = Decimal(4)
    max_runtime_hours: Hours = Decimal(6)
    spot: Optional[bool] = None

    @model_validator(mode="after")
    def _caps(self) -> "Tuning":
        if self.jobs_per_week is not None and self.jobs_per_month is not None:
            raise ValueError("give jobs_per_week or jobs_per_month, not both")
        if self.parallel_jobs > self.max_training_jobs:
            raise ValueError("parallel_jobs must be <= max_training_jobs")
        if self.max_runtime_hours < self.hours_per_job:
            raise ValueError("max_runtime_hours must be >= hours_per_job")
        return self


class Etl(Model):
    """Daily feature ETL. Glue for every option but emr-spark, whose cluster runs the ETL."""

    enabled: bool = True
    worker_type: Literal["G.1X", "G.2X", "G.4X", "G.8X"] = "G.1X"
    workers: Annotated[int, Field(ge=2, le=299)] = 4
    hours_per_day: Hours = Decimal(1)
    runs_per_day: Annotated[int, Field(ge=1, le=24)] = 1
    timeout_minutes: Annotated[int, Field(ge=1, le=2880)] = 120
    execution_class: Literal["STANDARD", "FLEX"] = "STANDARD"

    @model_validator(mode="after")
    def _caps(self) -> "Etl":
        if Decimal(self.timeout_minutes) < self.hours_per_day * 60 / self.runs_per_day:
            raise ValueError("timeout_minutes is shorter than one run (hours_per_day / runs_per_day)")
        return self


class Ingestion(Model):
    """Streaming ingestion of new nodes and edges, if any (the seed prices Kinesis)."""

    mode: Literal["none", "kinesis"] = "none"
    shards: PositiveInt = 1
    records_per_day: NonNegativeInt = 2_800_000
    retention_hours: Annotated[int, Field(ge=24, le=8760)] = 24


class Workload(Model):
    training: Training = Training()
    tuning: Tuning = Tuning()
    etl: Etl = Etl()
    ingestion: Ingestion = Ingestion()


# --------------------------------------------------------------------------- per-option sizing


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


# --------------------------------------------------------------------------- costing


class Costing(Model):
    """How the cost estimate counts: usage assumptions that no resource can express."""

    month_days: Optional[Annotated[Decimal, Field(gt=0, le=31)]] = Field(
        default=None, description="Days in a billing month; default 730 hours (365 x 24 / 12)")
    storage_basis: Literal["raw", "features"] = Field(
        default="raw", description="raw: ids, topology and features; features: feature bytes only (the seed)")
    storage_after_days: Optional[NonNegativeInt] = Field(
        default=None, description="Price storage as the graph is after this many days of growth; "
                                  "default: the end of the first month")
    price_overrides: Optional[str] = Field(
        default=None, description="Price override file (CSV, like the catalog), relative to the project")
    usage_file: Optional[str] = Field(
        default=None, description="Usage file (YAML) applied whenever this stack is priced, relative to the "
                                  "project; --usage replaces it")
    nat_gb_per_month: Annotated[Decimal, Field(ge=0)] = Field(
        default=Decimal(100), description="Data through the NAT gateway a month, in GB (usage estimate)")


# --------------------------------------------------------------------------- the scenario


class Scenario(Model):
    environment: Environment
    option: Option
    owner: str = Field(min_length=1)
    cost_center: str = Field(min_length=1)
    region: str = "us-east-1"
    ttl: Optional[Ttl] = None
    budget: Budget
    graph: GraphScale = GraphScale()
    workload: Workload = Workload()
    network: Network = Network()
    neptune: Neptune = Neptune()
    neo4j: Neo4j = Neo4j()
    tigergraph: TigerGraph = TigerGraph()
    emr: Emr = Emr()
    costing: Costing = Costing()

    @field_validator("region")
    @classmethod
    def _region(cls, v: str) -> str:
        if v not in REGIONS:
            from .errors import closest

            near = closest(v, REGIONS)
            raise ValueError(f"unknown AWS region {v!r}" + (f"; closest: {', '.join(near)}" if near else ""))
        return v

    @model_validator(mode="after")
    def _environment_rules(self) -> "Scenario":
        if self.environment == "experiment" and self.ttl is None:
            raise ValueError("experiments need a ttl: add 'ttl: {hours: 168}' or 'ttl: {expires_at: ...}'")
        if self.environment == "production" and self.ttl is not None:
            raise ValueError("ttl applies to experiments only; remove it from a production stack")
        if self.ttl is not None and self.ttl.expires_at is not None:
            if self.ttl.resolve(clock.now()) <= clock.now():
                raise ValueError(f"ttl.expires_at {self.ttl.expires_at.isoformat()} is in the past")
        # Instance types that depend on the training platform are checked here, once it is known.
        t = self.training
        service = "sagemaker" if t.platform == "sagemaker" else "ec2"
        try:
            instances.lookup(t.instance_type, service)
        except ValueError as e:
            raise ValueError(f"workload.training.instance_type: {e}") from None
        if self.workload.tuning.enabled:
            try:
                instances.lookup(self.tuning_instance_type, "sagemaker")
            except ValueError as e:
                raise ValueError(f"workload.tuning.instance_type: {e}") from None
        return self

    # Resolved views: defaults that depend on the option or the environment.

    @property
    def is_experiment(self) -> bool:
        return self.environment == "experiment"

    @property
    def training(self) -> Training:
        t = self.workload.training
        platform = t.platform or ("sagemaker" if self.option in ("neptune-sagemaker", "emr-spark") else "ec2")
        default_type = "ml.p3.2xlarge" if platform == "sagemaker" else "p3.2xlarge"
        return t.model_copy(update={
            "platform": platform,
            "instance_type": t.instance_type or default_type,
            "max_instance_count": t.max_instance_count or t.instance_count,
            "spot": self.is_experiment if t.spot is None else t.spot,
        })

    @property
    def tuning_instance_type(self) -> str:
        tt = self.workload.tuning.instance_type
        if tt:
            return tt
        t = self.training
        return t.instance_type if t.platform == "sagemaker" else f"ml.{t.instance_type}"

    @property
    def tuning_cron_days(self) -> tuple[str, int]:
        """("week", n) or ("month", n): how often tuning runs."""
        u = self.workload.tuning
        if u.jobs_per_month is not None:
            return "month", u.jobs_per_month
        return "week", u.jobs_per_week or 1

    @property
    def month_hours(self) -> Decimal:
        d = self.costing.month_days
        return Decimal(730) if d is None else d * 24

    @property
    def month_days(self) -> Decimal:
        return self.month_hours / 24

    @property
    def tuning_spot(self) -> bool:
        s = self.workload.tuning.spot
        return self.is_experiment if s is None else s

    @property
    def nat_gateway(self) -> bool:
        n = self.network.nat_gateway
        return self.option != "neptune-sagemaker" if n is None else n

    @property
    def database_enabled(self) -> bool:
        return {
            "neptune-sagemaker": self.neptune.enabled,
            "neo4j-ec2": self.neo4j.enabled,
            "tigergraph-ec2": self.tigergraph.enabled,
            "emr-spark": self.emr.enabled,
        }[self.option]

    @property
    def etl_engine(self) -> str:
        return "emr" if self.option == "emr-spark" and self.emr.enabled else "glue"

    def expires_at(self, now: datetime | None = None) -> datetime | None:
        if self.ttl is None:
            return None
        return self.ttl.resolve(now or clock.now())
