"""The graph and the work done on it: its size and growth, daily training, tuning, ETL and ingestion.
Usage that no resource can express (hours per day, runs per week, daily graph growth) lives here,
apart from the resource sizing in the per-option sections."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal, Optional

from pydantic import BeforeValidator, Field, model_validator

from ._base import Hours, Model, NonNegativeInt, PositiveInt, SageMakerType


class GraphScale(Model):
    """The graph. Defaults are the seed scenario: 3B nodes, 10B edges, 5 float features each."""

    nodes: PositiveInt = 3_000_000_000
    edges: PositiveInt = 10_000_000_000
    node_features: NonNegativeInt = 5
    edge_features: NonNegativeInt = 5
    bytes_per_feature: PositiveInt = 4
    daily_new_nodes: NonNegativeInt = 800_000
    daily_new_edges: NonNegativeInt = 2_000_000


# One SageMaker job runs at most 28 days (its MaxRuntimeInSeconds limit).
RunHours = Annotated[Decimal, Field(gt=0, le=28 * 24)]
# The spot interruption overhead when the stack file sets none: a stated assumption, not a price.
SPOT_INTERRUPTION_OVERHEAD = Decimal("0.10")


def _hours_range(value: object) -> object:
    """A number of hours is the range [n, n]; a list must be [low, high]."""
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise ValueError(f"hours_per_run is {list(value)!r}; write a number of hours (2.5) or a range "
                             "[low, high] ([2, 3])")
        return value
    return (value, value)


class TrainingCandidate(Model):
    """An instance type the training job could run on, and how long one run takes on it:
    `gnnstack compare STACK --training` prices each one, on demand and on managed spot."""

    instance_type: SageMakerType
    hours_per_run: Annotated[tuple[RunHours, RunHours], BeforeValidator(_hours_range)] = Field(
        description="Hours one run takes: a number, or a range [low, high]")

    @model_validator(mode="after")
    def _range(self) -> "TrainingCandidate":
        low, high = self.hours_per_run
        if low > high:
            raise ValueError(f"hours_per_run [{low}, {high}]: the low end is above the high end; write [low, high]")
        return self


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
    candidates: tuple[TrainingCandidate, ...] = Field(
        default=(), description="Instance types `gnnstack compare STACK --training` prices for this job")
    spot_interruption_overhead: Annotated[Decimal, Field(ge=0, le=1)] = Field(
        default=SPOT_INTERRUPTION_OVERHEAD,
        description="Extra hours a managed spot run takes for interruptions and restarts from checkpoints, "
                    "as a fraction of its hours (0.10: 10% more); used by `compare --training`")

    @model_validator(mode="after")
    def _caps(self) -> "Training":
        if self.max_runtime_hours < self.hours_per_day:
            raise ValueError(
                f"max_runtime_hours ({self.max_runtime_hours}) is below hours_per_day "
                f"({self.hours_per_day}); raise max_runtime_hours or lower hours_per_day"
            )
        if self.max_instance_count is not None and self.max_instance_count < self.instance_count:
            raise ValueError("max_instance_count must be >= instance_count")
        types = [c.instance_type for c in self.candidates]
        twice = sorted({t for t in types if types.count(t) > 1})
        if twice:
            raise ValueError(f"candidates: {', '.join(twice)} listed twice; give each instance type once")
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


# Lambda's default concurrency quota per account and region; AWS keeps 100 of it unreserved.
LAMBDA_ACCOUNT_CONCURRENCY = 1000
LAMBDA_UNRESERVED_MINIMUM = 100
# A Lambda invocation runs at most 15 minutes.
LAMBDA_MAX_TIMEOUT_SECONDS = 900
# Step Functions' inline Map state runs at most 40 iterations at once.
INLINE_MAP_MAX_CONCURRENCY = 40


class Inference(Model):
    """Daily serverless data-parallel inference (seed 004): a Step Functions Map fans out to
    `world_size` workers of one Lambda function, each scoring its shard of the day's items from
    S3. `kind: none` (the default) turns it off."""

    kind: Literal["none", "serverless"] = "none"
    world_size: Annotated[int, Field(ge=1, le=10_000)] = 8
    memory_mb: Annotated[int, Field(ge=128, le=10_240)] = 2048
    seconds_per_item: Annotated[Decimal, Field(gt=0, le=900)] = Decimal("0.01")
    items_per_day: Annotated[int, Field(ge=1, le=10 ** 10)] = 100_000
    max_concurrency: Optional[Annotated[int, Field(ge=1, le=INLINE_MAP_MAX_CONCURRENCY)]] = Field(
        default=None, description="Workers running at once (the Map's MaxConcurrency); default: world_size, "
                                  f"at most {INLINE_MAP_MAX_CONCURRENCY} (inline Map)")
    reserved_concurrency: Optional[PositiveInt] = Field(
        default=None, description="The function's reserved concurrent executions; default: max_concurrency")
    architecture: Literal["arm64", "x86_64"] = "arm64"
    retries: Annotated[int, Field(ge=0, le=5)] = Field(
        default=2, description="Times the Map retries a failed or throttled worker")
    start_hour_utc: Annotated[int, Field(ge=0, le=23)] = 3
    concurrency_limit_raised: bool = Field(
        default=False, description=f"The account's Lambda concurrency quota is above the default "
                                    f"{LAMBDA_ACCOUNT_CONCURRENCY} (a granted quota increase)")

    @property
    def enabled(self) -> bool:
        return self.kind != "none"

    @property
    def concurrency(self) -> int:
        """Workers that run at once: max_concurrency, or every worker."""
        return self.max_concurrency if self.max_concurrency is not None else self.world_size

    @property
    def reserved(self) -> int:
        return self.reserved_concurrency if self.reserved_concurrency is not None else self.concurrency

    @property
    def items_per_worker(self) -> int:
        return -(-self.items_per_day // self.world_size)

    @property
    def timeout_seconds(self) -> int:
        """A worker's timeout: twice its shard's expected time (cold start, slow items), at least
        30 s, at most Lambda's 900 s."""
        work = self.seconds_per_item * self.items_per_worker
        return min(LAMBDA_MAX_TIMEOUT_SECONDS, max(30, int(-(-(2 * work) // 1))))

    @model_validator(mode="after")
    def _caps(self) -> "Inference":
        if not self.enabled:
            return self
        quota = LAMBDA_ACCOUNT_CONCURRENCY
        if not self.concurrency_limit_raised:
            if self.world_size > quota:
                raise ValueError(
                    f"world_size {self.world_size} is above the account's default Lambda concurrency ({quota}); "
                    f"lower world_size, or request a quota increase and set concurrency_limit_raised: true")
            if self.reserved > quota - LAMBDA_UNRESERVED_MINIMUM:
                raise ValueError(
                    f"reserved_concurrency {self.reserved} leaves less than the {LAMBDA_UNRESERVED_MINIMUM} "
                    f"unreserved executions AWS requires of the default {quota}; lower it, or request a quota "
                    f"increase and set concurrency_limit_raised: true")
        if self.max_concurrency is not None and self.max_concurrency > self.world_size:
            raise ValueError(f"max_concurrency ({self.max_concurrency}) must be <= world_size ({self.world_size})")
        if self.concurrency > INLINE_MAP_MAX_CONCURRENCY:
            raise ValueError(
                f"{self.concurrency} workers at once is above the inline Map's {INLINE_MAP_MAX_CONCURRENCY}; "
                f"set max_concurrency to {INLINE_MAP_MAX_CONCURRENCY} or less")
        if self.reserved < self.concurrency:
            raise ValueError(
                f"reserved_concurrency ({self.reserved}) is below max_concurrency ({self.concurrency}): the Map "
                f"would be throttled; raise reserved_concurrency or lower max_concurrency")
        work = self.seconds_per_item * self.items_per_worker
        if work > LAMBDA_MAX_TIMEOUT_SECONDS:
            raise ValueError(
                f"a worker's shard ({self.items_per_worker} items x {self.seconds_per_item} s = {work} s) is "
                f"over Lambda's {LAMBDA_MAX_TIMEOUT_SECONDS} s limit; raise world_size or lower items_per_day")
        return self


class Workload(Model):
    training: Training = Training()
    tuning: Tuning = Tuning()
    etl: Etl = Etl()
    ingestion: Ingestion = Ingestion()
    inference: Inference = Inference()
