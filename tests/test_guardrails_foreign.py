"""Guardrails on a graph gnnstack did not build (`gnnstack estimate --guardrails ENV`): the rules
that read only AWS inputs and the estimate run, with the environment and region the caller
states; the rules that read gnnstack's own components, tags or option are listed as not
applicable, never run against a graph that cannot satisfy them."""

from __future__ import annotations

import inspect
from datetime import datetime, timezone

import pytest

from gnnstack.costing import PriceBook, estimate
from gnnstack.graph import Resource, ResourceGraph
from gnnstack.guardrails import RULES, evaluate
from gnnstack.guardrails.config import load_config

NOW = datetime(2026, 11, 23, 10, 30, tzinfo=timezone.utc)
ANY_PROGRAM = {"monthly-budget", "worst-case-ceiling", "unpriced-resources", "autoscaling-caps",
               "allowed-instance-types", "emr-auto-termination", "single-region", "s3-lifecycle",
               "no-public-database-ports", "encryption-at-rest"}
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"


def web_app() -> ResourceGraph:
    """A web app as a Pulumi program writes it: configuration resources name their bucket by its
    `bucket` input, not by parent; nothing carries gnnstack's tags or option."""
    stack = Resource("pulumi:pulumi:Stack", "shop-prod", None, {}, custom=False)
    return ResourceGraph("shop-prod", "foreign", [
        stack,
        Resource("pulumi:providers:aws", "west", "shop-prod", {"region": "us-west-2"}),
        Resource("aws:s3/bucketV2:BucketV2", "assets", "shop-prod", {"bucket": "acme-assets"}),
        Resource(SSE, "assets-sse", "shop-prod", {"bucket": "acme-assets", "rules": [
            {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]}),
        Resource(LIFECYCLE, "assets-lifecycle", "shop-prod", {"bucket": "assets", "rules": [
            {"id": "expire", "status": "Enabled", "expiration": {"days": 30}}]}),
        Resource("aws:s3/bucketV2:BucketV2", "logs", "shop-prod", {"bucket": "acme-logs"}),
        Resource("aws:rds/instance:Instance", "db", "shop-prod", {
            "engine": "postgres", "instanceClass": "db.r5.large", "allocatedStorage": 100,
            "storageEncrypted": False}),
        Resource("aws:ec2/securityGroup:SecurityGroup", "db-sg", "shop-prod", {"ingress": [
            {"protocol": "tcp", "fromPort": 5432, "toPort": 5432, "cidrBlocks": ["0.0.0.0/0"]}]}),
        Resource("aws:memorydb/cluster:Cluster", "sessions", "shop-prod", {"nodeType": "db.r6g.large"}),
        Resource("aws:autoscaling/group:Group", "web", "shop-prod", {"maxSize": 50, "minSize": 2,
                                                                    "desiredCapacity": 2}),
    ])


def verdict(environment="production"):
    g = web_app()
    return evaluate(g, estimate(g, PriceBook.load(), region="us-east-1"), load_config(None), NOW,
                    environment, foreign=True, region="us-east-1")


def test_the_rules_marked_for_any_program_are_the_documented_ones():
    assert {name for name, r in RULES.items() if r.any_program} == ANY_PROGRAM


@pytest.mark.parametrize("name", sorted(ANY_PROGRAM))
def test_a_rule_for_any_program_reads_nothing_only_gnnstack_writes(name):
    source = inspect.getsource(RULES[name].check)
    for marker in ("gnnstack:", "tags_of(", "ctx.option", "expires_at", "EXPIRES_TAG", "REQUIRED_TAGS"):
        assert marker not in source, f"{name} reads {marker}"


def test_gnnstack_only_rules_are_listed_not_run():
    v = verdict()
    ran = {name for name, _ in v.rules}
    assert ran <= ANY_PROGRAM and ran, ran
    configured = list(load_config(None).for_environment("production"))
    assert v.not_applicable == [n for n in configured if n not in ANY_PROGRAM], v.not_applicable
    assert set(v.not_applicable) == set(RULES) - ANY_PROGRAM
    assert v.to_json()["not_applicable"] == v.not_applicable
    assert not any(x.rule in v.not_applicable for x in v.violations)


def test_findings_on_a_foreign_web_app():
    found = {(x.rule, x.resource) for x in verdict().violations}
    assert ("no-public-database-ports", "db-sg") in found
    assert ("encryption-at-rest", "db") in found
    assert ("encryption-at-rest", "logs") in found and ("encryption-at-rest", "assets") not in found
    assert ("s3-lifecycle", "logs") in found and ("s3-lifecycle", "assets") not in found
    assert ("autoscaling-caps", "web") in found
    assert ("single-region", "west") in found  # the provider is in us-west-2, the stated region us-east-1
    assert ("unpriced-resources", "sessions") in found  # no MemoryDB pricer: unpriced, mandatory in production
    assert not any(x.rule == "required-tags" for x in verdict().violations)


def test_the_stated_environment_and_region_are_the_ones_used():
    v = verdict("experiment")
    assert v.environment == "experiment"
    single = [x.message for x in v.violations if x.rule == "single-region"]
    assert single == ["provider region us-west-2 is not the stack's us-east-1"]


def test_a_foreign_graph_needs_a_stated_environment():
    g = web_app()
    with pytest.raises(ValueError, match="state it"):
        evaluate(g, estimate(g, PriceBook.load(), region="us-east-1"), load_config(None), NOW, foreign=True)


def test_gnnstack_graphs_list_nothing_as_not_applicable(captures):
    graph, _ = captures[("experiment", "neo4j-ec2")]
    v = evaluate(graph, estimate(graph, PriceBook.load()), load_config(None), NOW)
    assert v.not_applicable == [] and "not_applicable" not in v.to_json()
