"""How much disk a graph needs, per engine.

Raw size counts ids, topology and feature bytes; each engine multiplies it by its own storage
layout. `features_only` reproduces the seed analysis, which counted 20 feature bytes per node
and edge and nothing else (3B x 20 + 10B x 20 = 260 GB).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from .scenario import GraphScale

GB = Decimal(10) ** 9
ID_BYTES = 8  # 64-bit ids; an edge stores two of them


@dataclass(frozen=True)
class EngineLayout:
    """Per-record sizes or an overhead factor, with where the number comes from."""

    name: str
    node_record: int
    edge_record: int
    property_record: int  # bytes per block of `properties_per_record` properties
    properties_per_record: int
    overhead: Decimal  # multiplier on top of the records (indexes, free space, logs)
    source: str


# Neo4j's record sizes are documented (node 15 B, relationship 34 B, property 41 B holding up to
# 4 property blocks); the 1.3x covers the schema indexes and transaction logs (assumption).
NEO4J = EngineLayout("neo4j", 15, 34, 41, 4, Decimal("1.3"),
                     "Neo4j Operations Manual, disk sizing (record sizes); 1.3x indexes/logs: assumption")
# Neptune and TigerGraph publish no record sizes: stated as assumptions on the raw size.
NEPTUNE = EngineLayout("neptune", 0, 0, 0, 1, Decimal("3.0"),
                       "assumption: 3x raw for Neptune's three quad indexes")
TIGERGRAPH = EngineLayout("tigergraph", 0, 0, 0, 1, Decimal("1.0"),
                          "assumption: TigerGraph's compressed store is about the raw size")
ENGINES = {e.name: e for e in (NEO4J, NEPTUNE, TIGERGRAPH)}


def feature_bytes(g: GraphScale, nodes: int | None = None, edges: int | None = None) -> int:
    n = g.nodes if nodes is None else nodes
    e = g.edges if edges is None else edges
    return (n * g.node_features + e * g.edge_features) * g.bytes_per_feature


def raw_bytes(g: GraphScale, nodes: int | None = None, edges: int | None = None) -> int:
    """Ids, topology (two ids per edge) and features."""
    n = g.nodes if nodes is None else nodes
    e = g.edges if edges is None else edges
    return n * ID_BYTES + e * 2 * ID_BYTES + feature_bytes(g, n, e)


def engine_bytes(g: GraphScale, engine: str, days_of_growth: int = 0) -> Decimal:
    layout = ENGINES[engine]
    n = g.nodes + g.daily_new_nodes * days_of_growth
    e = g.edges + g.daily_new_edges * days_of_growth
    if layout.node_record:
        node_props = math.ceil(g.node_features / layout.properties_per_record)
        edge_props = math.ceil(g.edge_features / layout.properties_per_record)
        records = n * (layout.node_record + node_props * layout.property_record) + e * (
            layout.edge_record + edge_props * layout.property_record
        )
        return Decimal(records) * layout.overhead
    return Decimal(raw_bytes(g, n, e)) * layout.overhead


def volume_gb(g: GraphScale, engine: str, *, shards: int = 1, replicas: int = 1,
              headroom: Decimal = Decimal("1.5"), days_of_growth: int = 365) -> int:
    """gp3 size per server: the engine's share after a year of growth, with headroom."""
    per_server = engine_bytes(g, engine, days_of_growth) * replicas / shards * headroom
    return max(20, math.ceil(per_server / GB))


# --------------------------------------------------------------------------- stored data, for pricing


def _gb(n_bytes: int | Decimal) -> Decimal:
    return Decimal(n_bytes) / GB


def priced_day(s) -> Decimal:
    """The graph's age, in days of growth, at the end of the priced month."""
    after = s.costing.storage_after_days
    return s.month_days if after is None else Decimal(after)


def bucket_datasets(s) -> list[dict[str, str]]:
    """What the data bucket holds, by prefix: an initial load and daily growth, in GB.

    `features` basis (the seed): the feature bytes of the graph, nothing else. `raw` basis: the
    training export (ids, topology and features) plus each day's raw events under `raw/`, which
    the lifecycle rules move to colder classes as they age."""
    g = s.graph
    if s.costing.storage_basis == "features":
        initial, daily = feature_bytes(g), feature_bytes(g, g.daily_new_nodes, g.daily_new_edges)
        return [{"prefix": "features/", "initialGb": str(_gb(initial)), "growthGbPerDay": str(_gb(daily))}]
    initial, daily = raw_bytes(g), raw_bytes(g, g.daily_new_nodes, g.daily_new_edges)
    return [
        {"prefix": "features/", "initialGb": str(_gb(initial)), "growthGbPerDay": str(_gb(daily))},
        {"prefix": "raw/", "initialGb": "0", "growthGbPerDay": str(_gb(daily))},
    ]


def database_gb(s, engine: str) -> tuple[Decimal, Decimal]:
    """(initial GB, GB added a day) a database stores; feature bytes only in the seed's basis."""
    g = s.graph
    if s.costing.storage_basis == "features":
        return (_gb(feature_bytes(g)), _gb(feature_bytes(g, g.daily_new_nodes, g.daily_new_edges)))
    initial = engine_bytes(g, engine)
    return _gb(initial), _gb(engine_bytes(g, engine, 1) - initial)
