"""How much disk a graph needs, per engine.

Raw size counts ids, topology and feature bytes; each engine multiplies it by its own storage
layout. The `features` storage basis reproduces the seed analysis, which counted 20 feature bytes
per node and edge and nothing else (3B x 20 + 10B x 20 = 260 GB).

Units. AWS bills S3, Neptune and EBS storage per "GB" that is 2**30 bytes (a GiB). So the `raw`
storage basis, which every real stack uses, turns bytes into GiB (`GIB`): those are the
quantities the GB-month prices apply to (and the database's daily growth that Neo4j replicates
across AZs, priced per GB of transfer, is counted the same way). The `features` basis (the seed
analysis's own convention, `costing.storage_basis: features`) keeps the seed's decimal GB
(10**9 bytes, `GB`), so that the seed stacks reproduce the seed's totals (813.22 and 3,548.85
USD a month); it is 7.37 % more GB than the same bytes in GiB.

EBS volumes (`volume_gb`) are a different quantity: the provisioned size, which EC2 reads as GiB
and EBS bills per provisioned GiB-month whatever the volume holds, so the pricers use the size as
set, with no conversion. `volume_gb` sizes it from bytes / 10**9: a volume is 7.37 % larger than
the bytes need in GiB, extra headroom on top of the stated 1.5x (kept: it changes what is
deployed, not how it is priced).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from .scenario import GraphScale

GB = Decimal(10) ** 9  # decimal GB: the seed analysis's unit (`features` basis)
GIB = Decimal(2) ** 30  # what AWS bills as a "GB" of storage or transfer (`raw` basis)
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
    """gp3 size per server, in GiB as EC2 reads it: the engine's share after a year of growth, with
    headroom. Bytes are divided by 10**9 (not 2**30), which leaves 7.37 % more room than the bytes
    need; the size is what EBS bills, so pricing needs no conversion."""
    per_server = engine_bytes(g, engine, days_of_growth) * replicas / shards * headroom
    return max(20, math.ceil(per_server / GB))


# --------------------------------------------------------------------------- stored data, for pricing


def _gb(n_bytes: int | Decimal) -> Decimal:
    """Decimal GB (10**9 bytes): the seed analysis's unit, for the `features` basis only."""
    return Decimal(n_bytes) / GB


_MILLIONTH = Decimal("0.000001")


def _gib(n_bytes: int | Decimal) -> Decimal:
    """GiB (2**30 bytes), the unit AWS bills storage in, to a millionth (about a KiB)."""
    q = (Decimal(n_bytes) / GIB).quantize(_MILLIONTH)
    return q.to_integral_value() if q == q.to_integral_value() else q.normalize()


def priced_day(s) -> Decimal:
    """The graph's age, in days of growth, at the end of the priced month."""
    after = s.costing.storage_after_days
    return s.month_days if after is None else Decimal(after)


def bucket_datasets(s) -> list[dict[str, str]]:
    """What the data bucket holds, by prefix: an initial load and daily growth, in billed GB
    (GiB on the `raw` basis, decimal GB on the seed's `features` basis; see the module docstring).

    `features` basis (the seed): the feature bytes of the graph, nothing else. `raw` basis: the
    training export (ids, topology and features) plus each day's raw events under `raw/`, which
    the lifecycle rules move to colder classes as they age."""
    g = s.graph
    if s.costing.storage_basis == "features":
        initial, daily = feature_bytes(g), feature_bytes(g, g.daily_new_nodes, g.daily_new_edges)
        return [{"prefix": "features/", "initialGb": str(_gb(initial)), "growthGbPerDay": str(_gb(daily))}]
    initial, daily = raw_bytes(g), raw_bytes(g, g.daily_new_nodes, g.daily_new_edges)
    return [
        {"prefix": "features/", "initialGb": str(_gib(initial)), "growthGbPerDay": str(_gib(daily))},
        {"prefix": "raw/", "initialGb": "0", "growthGbPerDay": str(_gib(daily))},
    ]


def database_gb(s, engine: str) -> tuple[Decimal, Decimal]:
    """(initial GB, GB added a day) a database stores, in billed GB: GiB on the `raw` basis; the
    seed's decimal GB of feature bytes only on the `features` basis."""
    g = s.graph
    if s.costing.storage_basis == "features":
        return (_gb(feature_bytes(g)), _gb(feature_bytes(g, g.daily_new_nodes, g.daily_new_edges)))
    initial = engine_bytes(g, engine)
    return _gib(initial), _gib(engine_bytes(g, engine, 1) - initial)
