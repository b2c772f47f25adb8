"""The scenario: everything a stack file says about one gnnstack stack, and the views that resolve
its option- and environment-dependent defaults (from the option registry)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal, Optional

from pydantic import Field, field_validator, model_validator

from .. import clock, instances, tags
from ..regions import REGIONS
from ..options import OPTIONS, OptionSpec, option as option_spec
from .costing import Costing
from .databases import Emr, GraphQueries, Neo4j, Neptune, Network, TigerGraph
from .lifecycle import Budget, Ttl
from ._base import Model
from .workload import GraphScale, Training, Workload

Environment = Literal[tags.ENVIRONMENTS]  # type: ignore[valid-type]  # ("experiment", "production")
Option = Literal[OPTIONS]  # type: ignore[valid-type]  # every name in the option registry



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
    queries: GraphQueries = GraphQueries()
    neo4j: Neo4j = Neo4j()
    tigergraph: TigerGraph = TigerGraph()
    emr: Emr = Emr()
    costing: Costing = Costing()

    @field_validator("region")
    @classmethod
    def _region(cls, v: str) -> str:
        if v not in REGIONS:
            from ..errors import closest

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
    def spec(self) -> OptionSpec:
        """The option's registry entry."""
        return option_spec(self.option)

    @property
    def is_experiment(self) -> bool:
        return self.environment == "experiment"

    @property
    def training(self) -> Training:
        t = self.workload.training
        platform = t.platform or self.spec.training_platform
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
        return self.spec.nat_gateway if n is None else n

    @property
    def database_enabled(self) -> bool:
        return bool(getattr(self, self.spec.database).enabled)

    @property
    def etl_engine(self) -> str:
        return self.spec.database if self.spec.runs_etl and self.database_enabled else "glue"

    def expires_at(self, now: datetime | None = None) -> datetime | None:
        if self.ttl is None:
            return None
        return self.ttl.resolve(now or clock.now())
