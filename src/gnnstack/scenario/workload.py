"""The graph and the work done on it: its size and growth, daily training, tuning, ETL and ingestion.
Usage that no resource can express (hours per day, runs per week, daily graph growth) lives here,
apart from the resource sizing in the per-option sections."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal, Optional

from pydantic import Field, model_validator

from ._base import Hours, Model, NonNegativeInt, PositiveInt


class GraphScale(Model):
    """The graph. Defaults are the seed scenario: 3B nodes, 10B edges, 5 float features each."""

    nodes: PositiveInt = 3_000_000_000
    edges: PositiveInt = 10_000_000_000
    node_features: NonNegativeInt = 5
    edge_features: NonNegativeInt = 5
    bytes_per_feature: PositiveInt = 4
    daily_new_nodes: NonNegativeInt = 800_000
    daily_new_edges: NonNegativeInt = 2_000_000


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
