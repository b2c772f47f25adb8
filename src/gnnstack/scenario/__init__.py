"""The scenario: everything a stack file says about one gnnstack stack.

A scenario is read from the stack's Pulumi config (`gnnstack:scenario` in
`stacks/Pulumi.<stack>.yaml`), so `pulumi preview` and `gnnstack preview` read the same file.
Every model forbids unknown fields: a typo is an error naming the field, never a silent default.

By concern: `_base` (the strict model and constrained types), `lifecycle` (budget, TTL),
`workload` (graph, training, tuning, ETL, ingestion), `databases` (per-option sizing, network),
`costing` (how the estimate counts) and `model` (the scenario and its resolved views). The
options themselves are listed in `gnnstack.options`.
"""

from ._base import Hours, Model, NonNegativeInt, PositiveDecimal, PositiveInt
from .costing import Costing
from .databases import Emr, GraphQueries, Neo4j, Neptune, Network, SelfManagedDatabase, TigerGraph, Volume
from .lifecycle import Budget, Ttl
from .model import REGIONS, Environment, Option, Scenario
from .workload import Etl, GraphScale, Inference, Ingestion, Training, Tuning, Workload

__all__ = [
    "REGIONS", "Budget", "Costing", "Emr", "Environment", "Etl", "GraphQueries", "GraphScale", "Hours", "Ingestion",
    "Model", "Neo4j", "Neptune", "Network", "NonNegativeInt", "Option", "PositiveDecimal", "PositiveInt",
    "Inference", "Scenario", "SelfManagedDatabase", "TigerGraph", "Training", "Ttl", "Tuning", "Volume", "Workload",
]
