"""The neptune-analytics option: Neptune with graph queries served by a Lambda function, no GNN."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from gnnstack.assess import assess
from gnnstack.cli import main
from gnnstack.errors import ConfigError
from gnnstack.project import load_scenario

from .conftest import ROOT, base_scenario

OPTION = "neptune-analytics"


@pytest.mark.parametrize("env", ["experiment", "production"])
def test_it_builds_neptune_and_a_capped_query_function_and_no_training(captures, env):
    graph, scenario = captures[(env, OPTION)]
    types = {r.type for r in graph.resources}
    assert not {t for t in types if t.startswith(("aws:sagemaker", "aws:sfn", "aws:scheduler"))}, "no GNN pipeline"
    assert {"aws:neptune/cluster:Cluster", "aws:neptune/clusterInstance:ClusterInstance"} <= types
    (fn,) = [r for r in graph.resources if r.type == "aws:lambda/function:Function"]
    q = scenario.queries
    assert fn.name == f"{env}-db-queries-function"
    assert (fn.inputs["memorySize"], fn.inputs["timeout"], fn.inputs["reservedConcurrentExecutions"]) == \
        (q.memory_mb, q.timeout_seconds, q.reserved_concurrency)
    assert fn.inputs["architectures"] == ["x86_64"] and fn.inputs["vpcConfig"]["subnetIds"]
    assert "def main(event, context)" in fn.inputs["code"]["assets"]["handler.py"]["text"]
    policy = next(r for r in graph.resources if r.name == f"{env}-db-queries-role-policy")
    statement = json.loads(policy.inputs["policy"])["Statement"][0]
    assert statement["Action"] == ["neptune-db:connect", "neptune-db:ReadDataViaQuery"]
    assert statement["Resource"] == f"arn:aws:neptune-db:us-east-1:000000000000:cluster-{env}-db-cluster-offline/*"


def test_the_query_function_is_priced_from_the_queries_usage(project):
    e = assess(project, "experiment", OPTION).costs.estimate
    lines = {line.name: line for line in e.lines if line.resource == "experiment-db-queries-function"}
    assert set(lines) == {"Requests", "Duration"}
    month_days = Decimal(730) / 24
    requests = (Decimal(200_000) * month_days).quantize(Decimal("0.01"))
    assert abs(lines["Requests"].base_quantity - requests / 1_000_000) < Decimal("0.000001")
    assert abs(lines["Duration"].base_quantity - requests * Decimal("0.3")) < 1  # 300 ms at 1024 MB = 1 GB
    # Reserved concurrency bounds the duration: 20 functions of 1 GB busy all month.
    assert lines["Duration"].worst_quantity == 20 * 1 * 730 * 3600
    assert lines["Requests"].worst_quantity is None, "Lambda bills every request: no cap"


def test_compare_shows_the_fifth_option(monkeypatch):
    monkeypatch.chdir(ROOT)
    data = json.loads(CliRunner().invoke(main, ["compare", "experiment", "--format", "json"]).stdout)
    assert [o["option"] for o in data["options"]][-1] == OPTION


def test_a_query_longer_than_its_timeout_is_refused():
    raw = base_scenario(option=OPTION, queries={"timeout_seconds": 1, "ms_per_request": 1500})
    with pytest.raises(ConfigError, match=r"queries: .*ms_per_request \(1500\) is longer than timeout_seconds \(1\)"):
        load_scenario(raw, source="stack file")
