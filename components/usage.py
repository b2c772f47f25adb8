"""What each component declares for pricing: usage through the pricers' own models, and the
stack-file settings a resource's price rests on.

The components build resources; this module says, for the same scenario and the same logical
names, what those resources will be used for (hours a day, GB stored, I/O). It is computed from
the stack file each time a stack is priced — by `gnnstack preview`/`check` and by the policy
pack inside `pulumi preview` alike — and never stored in Pulumi state, so a usage-only change is
no resource change. It imports no pulumi: pricing a cached graph stays fast.

A value read from the stack file has source `stack` when the file sets it and `default` when
the scenario model's default applies; either way it is shown with the lines it prices.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Optional

from pydantic import BaseModel

from gnnstack import sizing
from gnnstack.costing.pricers.autoscaling_group import AutoScalingGroupUsage
from gnnstack.costing.pricers.ec2_instance import Ec2InstanceUsage
from gnnstack.costing.pricers.emr_cluster import EmrClusterUsage
from gnnstack.costing.pricers.glue_job import GlueJobUsage
from gnnstack.costing.pricers.kinesis_stream import StreamUsage
from gnnstack.costing.pricers.lambda_function import FunctionUsage
from gnnstack.costing.pricers.licence import LicenceUsage
from gnnstack.costing.pricers.nat_gateway import NatGatewayUsage
from gnnstack.costing.pricers.neptune_cluster import NeptuneClusterUsage
from gnnstack.costing.pricers.s3_bucket import BucketUsage, Dataset
from gnnstack.costing.pricers.step_functions import StateMachineUsage
from gnnstack.costing.usage import DEFAULT, STACK, Assumption, Declared, Usage, UsageSet, check_values, shown
from gnnstack.scenario import Scenario

# What stored sizes are computed from: the graph's scale and how storage is counted.
GRAPH = ("graph", "costing.storage_basis")


def stack_value(s: Scenario, path: str) -> tuple[Any, str]:
    """The value at a dotted stack-file path and whether the file sets it (`stack`) or the
    scenario's default applies (`default`)."""
    node: Any = s
    source = STACK
    for part in path.split("."):
        if isinstance(node, BaseModel) and part not in node.model_fields_set:
            source = DEFAULT
        node = getattr(node, part)
    return node, source


def _config(s: Scenario, *paths: str, resolved: Optional[dict[str, Any]] = None) -> tuple[Assumption, ...]:
    """Stack-file settings as assumptions; `resolved` gives values the scenario derives (a
    default that depends on the option or the environment)."""
    out = []
    for path in paths:
        value, source = stack_value(s, path)
        if resolved and path in resolved:
            value = resolved[path]
        out.append(Assumption(path, shown(value), "", source))
    return tuple(out)


class Declarations:
    """Collects declarations for one stack, checking every field name where it is written."""

    def __init__(self, s: Scenario) -> None:
        self.s = s
        self.set = UsageSet()

    def usage(self, resource: str, model: type[Usage], config: tuple[Assumption, ...] = (),
              **fields: Any) -> None:
        """Declare `model`'s fields for `resource`. A field is a value computed from the stack
        file (source `stack`) or `From(path)` (source from the file: set or default)."""
        unknown = [k for k in fields if k not in model.model_fields]
        if unknown:
            raise ValueError(f"{model.__name__} has no usage field {unknown[0]!r} (declared for {resource}); "
                             f"allowed: {', '.join(model.model_fields)}")
        values, sources = {}, {}
        for k, v in fields.items():
            if isinstance(v, From):
                v, sources[k] = stack_value(self.s, v.path)
            elif isinstance(v, Derived):
                given = [stack_value(self.s, p)[1] for p in v.paths]
                v, sources[k] = v.value, (STACK if STACK in given else DEFAULT)
            elif v is None:
                continue  # not declared: the field's documented default applies, shown as such
            else:
                sources[k] = STACK
            values[k] = v
        # Each value is checked (type, bounds) where it is written; a required field left out is
        # not an error here: the resource is priced as "needs usage: FIELD".
        checked = check_values(model, values)
        self.set.declare(Declared(resource, model.model_construct(_fields_set=set(checked), **checked), config,
                                  sources))

    def config(self, resource: str, *paths: str, resolved: Optional[dict[str, Any]] = None) -> None:
        """Stack-file settings a resource with no usage is priced from."""
        self.set.declare(Declared(resource, None, _config(self.s, *paths, resolved=resolved)))


class From:
    """A usage value read from the stack file at `path`."""

    def __init__(self, path: str) -> None:
        self.path = path


class Derived:
    """A usage value computed from stack-file fields: its source is `stack` when the file sets
    any of them, `default` when every one is the scenario's default."""

    def __init__(self, value: Any, *paths: str) -> None:
        self.value, self.paths = value, paths


def declare(s: Scenario, stack: str) -> UsageSet:
    """Everything the components of `s` (built under the root name `stack`) declare for pricing.
    Names follow the components: `<stack>-data-bucket`, `<stack>-db-cluster`, ..."""
    d = Declarations(s)
    month_value, month_source = stack_value(s, "costing.month_days")
    d.set.assumptions.append(Assumption("hours_per_month", shown(s.month_hours), "hours",
                                        month_source if month_value is not None else DEFAULT))
    _shared(d, s, stack)
    if s.database_enabled:
        DATABASES[s.spec.database](d, s, f"{stack}-db")
        if s.spec.serves_queries:
            _queries(d, s, f"{stack}-db-queries")
    return d.set


def _priced_day(s: Scenario) -> Optional[Decimal]:
    return None if s.costing.storage_after_days is None else Decimal(s.costing.storage_after_days)


def _shared(d: Declarations, s: Scenario, stack: str) -> None:
    puts, gets = _inference_requests(s)
    d.usage(f"{stack}-data-bucket", BucketUsage,
            datasets=Derived(tuple(Dataset(prefix=ds["prefix"], initial_gb=Decimal(ds["initialGb"]),
                                           growth_gb_per_day=Decimal(ds["growthGbPerDay"]))
                                   for ds in sizing.bucket_datasets(s)), *GRAPH),
            priced_at_day=_priced_day(s), put_requests_per_month=puts, get_requests_per_month=gets,
            config=_config(s, "graph.nodes", "graph.edges", "costing.storage_basis"))
    if s.nat_gateway:
        d.usage(f"{stack}-net-nat", NatGatewayUsage, gb_per_month=From("costing.nat_gb_per_month"))
    if s.spec.trains:
        _training(d, s, stack)
    e = s.workload.etl
    if e.enabled and s.etl_engine == "glue":
        d.usage(f"{stack}-etl-job", GlueJobUsage,
                hours_per_run=Derived(e.hours_per_day / e.runs_per_day, "workload.etl.hours_per_day",
                                      "workload.etl.runs_per_day"),
                config=_config(s, "workload.etl.hours_per_day", "workload.etl.runs_per_day",
                               "workload.etl.workers"))
    if s.workload.ingestion.mode == "kinesis":
        d.usage(f"{stack}-ingest-stream", StreamUsage,
                records_per_day=From("workload.ingestion.records_per_day"),
                config=_config(s, "workload.ingestion.shards"))
    if s.workload.inference.enabled:
        _inference(d, s, f"{stack}-inference")


def _training(d: Declarations, s: Scenario, stack: str) -> None:
    t = s.training
    training = _config(s, "workload.training.instance_type", "workload.training.instance_count",
                       "workload.training.days_per_week", "workload.training.spot",
                       resolved={"workload.training.instance_type": t.instance_type,
                                 "workload.training.spot": t.spot})
    if t.platform == "sagemaker":
        d.usage(f"{stack}-training-pipeline", StateMachineUsage,
                hours_per_job=From("workload.training.hours_per_day"), config=training)
    else:
        d.config(f"{stack}-training-asg", *(a.name for a in training),
                 "workload.training.max_runtime_hours",
                 resolved={"workload.training.instance_type": t.instance_type, "workload.training.spot": t.spot})
    if s.workload.tuning.enabled:
        d.usage(f"{stack}-tuning-pipeline", StateMachineUsage, hours_per_job=From("workload.tuning.hours_per_job"),
                config=_config(s, "workload.tuning.max_training_jobs", "workload.tuning.instance_type",
                               resolved={"workload.tuning.instance_type": s.tuning_instance_type}))
INFERENCE = "workload.inference"


def _inference_requests(s: Scenario) -> tuple[Optional[Derived], Optional[Derived]]:
    """S3 requests a month of daily inference: a GET of each item's input and a PUT of its
    intermediate result; per worker a LIST of the inputs and a PUT of its output."""
    i = s.workload.inference
    if not i.enabled:
        return None, None
    paths = (f"{INFERENCE}.items_per_day", f"{INFERENCE}.world_size", "costing.month_days")
    return (Derived((i.items_per_day + 2 * i.world_size) * s.month_days, *paths),
            Derived(i.items_per_day * s.month_days, *paths))


def _inference(d: Declarations, s: Scenario, name: str) -> None:
    """One daily run: `world_size` invocations, each scoring its shard; at most every worker
    retried `retries` times."""
    i, p = s.workload.inference, INFERENCE
    runs = s.month_days  # a run a day
    d.usage(f"{name}-worker", FunctionUsage,
            invocations_per_month=Derived(i.world_size * runs, f"{p}.world_size", "costing.month_days"),
            duration_ms=Derived(i.seconds_per_item * i.items_per_worker * 1000, f"{p}.seconds_per_item",
                                f"{p}.items_per_day", f"{p}.world_size"),
            max_invocations_per_month=Derived(i.world_size * runs * (1 + i.retries), f"{p}.world_size",
                                              f"{p}.retries", "costing.month_days"),
            config=_config(s, f"{p}.memory_mb", f"{p}.architecture", f"{p}.max_concurrency",
                           f"{p}.reserved_concurrency",
                           resolved={f"{p}.max_concurrency": i.concurrency, f"{p}.reserved_concurrency": i.reserved}))
    d.usage(f"{name}-pipeline", StateMachineUsage, map_items_per_run=From(f"{p}.world_size"),
            config=_config(s, f"{p}.max_concurrency", resolved={f"{p}.max_concurrency": i.concurrency}))


def _neptune(d: Declarations, s: Scenario, name: str) -> None:
    initial_gb, growth_gb = sizing.database_gb(s, "neptune")
    d.usage(f"{name}-cluster", NeptuneClusterUsage, storage_initial_gb=Derived(initial_gb, *GRAPH),
            storage_growth_gb_per_day=Derived(growth_gb, *GRAPH), priced_at_day=_priced_day(s),
            io_millions_per_month=From("neptune.io_millions_per_month"))
    instance = ("neptune.instance_class",)
    d.config(f"{name}-writer", *instance)
    for i in range(s.neptune.readers):
        d.config(f"{name}-reader-{i}", *instance, "neptune.readers")
    if s.neptune.max_readers > s.neptune.readers:
        d.config(f"{name}-replicas", *instance, "neptune.max_readers")


def _replication_gb(s: Scenario, servers: int) -> Decimal:
    """GB a month crossing AZs: the day's new data, sent to each other server, billed out and in."""
    _, daily_gb = sizing.database_gb(s, "neo4j")
    return (daily_gb * s.month_days * (servers - 1) * 2).quantize(Decimal("0.001"))


def _commitment(s: Scenario) -> Optional[From]:
    """`costing.commitment` for always-on instances, when the stack file buys them under one."""
    return From("costing.commitment") if s.costing.commitment != "none" else None


def _neo4j(d: Declarations, s: Scenario, name: str) -> None:
    n = s.neo4j
    d.usage(f"{name}-asg", AutoScalingGroupUsage,
            inter_az_gb_per_month=Derived(_replication_gb(s, n.servers), *GRAPH, "neo4j.servers",
                                          "costing.month_days") if n.servers > 1 else None,
            commitment=_commitment(s),
            config=_config(s, "neo4j.instance_type", "neo4j.servers", "neo4j.max_servers"))
    _licence(d, s, name, "neo4j")


def _licence(d: Declarations, s: Scenario, name: str, product: str) -> None:
    """Enterprise editions are priced at the quoted licence (usage); free editions read none."""
    if getattr(s, product).edition == "enterprise":
        d.usage(name, LicenceUsage, licence_usd_per_month=From(f"{product}.licence_usd_per_month"),
                config=_config(s, f"{product}.edition"))
    else:
        d.config(name, f"{product}.edition")


def _tigergraph(d: Declarations, s: Scenario, name: str) -> None:
    _licence(d, s, name, "tigergraph")
    for i in range(s.tigergraph.nodes):
        if s.costing.commitment != "none":
            d.usage(f"{name}-m{i + 1}", Ec2InstanceUsage, commitment=_commitment(s),
                    config=_config(s, "tigergraph.instance_type", "tigergraph.nodes"))
        else:
            d.config(f"{name}-m{i + 1}", "tigergraph.instance_type", "tigergraph.nodes")


def _emr(d: Declarations, s: Scenario, name: str) -> None:
    d.usage(f"{name}-cluster", EmrClusterUsage, hours_per_day=From("emr.hours_per_day"),
            config=_config(s, "emr.core_instance_type", "emr.core_instances", "emr.max_units"))


def _queries(d: Declarations, s: Scenario, name: str) -> None:
    q = s.queries
    d.usage(f"{name}-function", FunctionUsage,
            invocations_per_month=Derived((q.requests_per_day * s.month_days).quantize(Decimal("0.01")),
                                          "queries.requests_per_day",
                                          "costing.month_days"),
            duration_ms=From("queries.ms_per_request"),
            config=_config(s, "queries.memory_mb", "queries.reserved_concurrency"))


DATABASES: dict[str, Callable[[Declarations, Scenario, str], None]] = {
    "neptune": _neptune, "neo4j": _neo4j, "tigergraph": _tigergraph, "emr": _emr,
}
