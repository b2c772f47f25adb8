"""The option registry: the one place that lists gnnstack's stack options and what sets each apart.

An option is a way to run the same graph-ML workload on AWS. Everything that differs between
options is declared here, once: the stack-file section that sizes its database, the Pulumi
component that builds it, the secrets it reads, and the defaults that depend on it (where
training runs, whether private subnets need NAT egress, whether its cluster runs the ETL).
The scenario's validation, `compare`, the CLI's `--option` choices, the usage declarations and
the tests all read this registry. It imports neither pulumi nor the components: the component
class is named by import path and loaded only by the program.

Adding an option: one entry below and its component class (components/options.py); a new kind
of database also needs its stack-file section, its Args builder (components/args.py) and its
usage declarations (components/usage.py), each keyed by `database`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Literal

from .errors import ConfigError, did_you_mean


@dataclass(frozen=True)
class OptionSpec:
    name: str
    title: str
    summary: str
    database: str
    """The stack-file section that sizes the option's database (`neptune`, `neo4j`, ...); its
    `enabled` field turns the database off."""
    stack_class: str
    """`module:Class` of the Pulumi component that builds the option (loaded by the program)."""
    secrets: tuple[str, ...] = ()
    """Secret config keys (`gnnstack:<key>`) the option reads; the offline preview stands in
    placeholders for them."""
    training_platform: Literal["sagemaker", "ec2"] = "ec2"
    """Where daily training runs unless the stack file says (`workload.training.platform`)."""
    nat_gateway: bool = True
    """Whether private subnets get NAT egress unless the stack file says (`network.nat_gateway`)."""
    runs_etl: bool = False
    """Whether the option's database (a Spark cluster) runs the feature ETL instead of Glue."""
    trains: bool = True
    """Whether the option trains a GNN (daily training and tuning). An analytics-only option
    builds neither, whatever `workload.training` and `workload.tuning` say."""
    serves_queries: bool = False
    """Whether graph queries are served by a Lambda function next to the database (`queries`)."""

    def load_stack_class(self) -> Any:
        module, _, name = self.stack_class.partition(":")
        return getattr(importlib.import_module(module), name)


_SPECS = (
    OptionSpec(
        "neptune-sagemaker", "Neptune + SageMaker",
        "Amazon Neptune for the graph, SageMaker training jobs for the GNN",
        database="neptune", stack_class="gnnstack.components.options:NeptuneSageMaker",
        training_platform="sagemaker", nat_gateway=False),
    OptionSpec(
        "neo4j-ec2", "Neo4j on EC2",
        "Neo4j servers in an Auto Scaling group, GNN training on EC2 GPU capacity",
        database="neo4j", stack_class="gnnstack.components.options:Neo4jEc2",
        secrets=("neo4jPassword",)),
    OptionSpec(
        "tigergraph-ec2", "TigerGraph on EC2",
        "A fixed TigerGraph cluster on EC2 instances, GNN training on EC2 GPU capacity",
        database="tigergraph", stack_class="gnnstack.components.options:TigerGraphEc2",
        secrets=("tigergraphPassword", "tigergraphLicense")),
    OptionSpec(
        "emr-spark", "Spark on EMR",
        "A Spark cluster on EMR for graph analytics and the ETL, SageMaker training jobs for the GNN",
        database="emr", stack_class="gnnstack.components.options:EmrSpark",
        training_platform="sagemaker", runs_etl=True),
    OptionSpec(
        "neptune-analytics", "Neptune analytics",
        "Amazon Neptune for graph queries and rules, served by a Lambda function; no GNN training",
        database="neptune", stack_class="gnnstack.components.options:NeptuneAnalytics",
        nat_gateway=False, trains=False, serves_queries=True),
)

REGISTRY: dict[str, OptionSpec] = {s.name: s for s in _SPECS}
OPTIONS: tuple[str, ...] = tuple(REGISTRY)
if len(REGISTRY) != len(_SPECS):
    raise ValueError("two options share a name")


def option(name: str) -> OptionSpec:
    """The option called `name`, or a ConfigError listing the options and the closest name."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ConfigError(f"unknown option {name!r}; allowed: {', '.join(OPTIONS)}.{did_you_mean(name, OPTIONS)}") \
            from None
