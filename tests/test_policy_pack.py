"""The CrossGuard pack, driven for real over its gRPC Analyzer API (as `pulumi preview
--policy-pack guardrails` would drive it, but without the Pulumi CLI): the pack in guardrails/
is started as a subprocess, configured with the policy config generated from
guardrails/config.yaml, and fed each captured stack. Its violations must equal the offline
evaluation's, rule for rule and resource for resource."""

from __future__ import annotations

import pytest

from gnnstack import clock
from gnnstack.assess import guardrail_config
from gnnstack.guardrails import RULES, evaluate
from gnnstack.guardrails.pack import policy_config

from .analyzer_client import PolicyPackServer
from .conftest import CASES, ENVIRONMENTS, ROOT, priced


@pytest.fixture(scope="module")
def config(project):
    return guardrail_config(project, None)


@pytest.fixture(scope="module")
def packs(config):
    """One running pack per environment (stack name = environment), configured for it."""
    servers = {}
    try:
        for env in ENVIRONMENTS:
            server = PolicyPackServer(ROOT / "guardrails", stack=env)
            server.start()
            server.configure(policy_config(config, env))
            servers[env] = server
        yield servers
    finally:
        for server in servers.values():
            server.stop()


def as_engine_resources(graph):
    return [{"type": r.type, "name": r.name, "inputs": r.inputs, "parent": r.parent} for r in graph.resources]


def test_the_pack_declares_one_policy_per_rule_plus_the_cost_log(packs):
    policies = packs["experiment"].info()["policies"]
    assert set(policies) == set(RULES) | {"cost-estimate"}
    for name, rule in RULES.items():
        assert policies[name]["description"] == rule.description


@pytest.mark.parametrize("case", CASES, ids=[f"{e}-{o}" for e, o in CASES])
def test_pack_verdicts_equal_the_offline_evaluation(captures, packs, config, case):
    env, _ = case
    graph, scenario = captures[case]
    offline = evaluate(graph, priced(graph, scenario), config, clock.now(), env)
    pack = packs[env]
    found = pack.analyze_stack(as_engine_resources(graph))
    names = {r.name for r in graph.resources}
    pack_violations, matched = set(), []
    for v in found:
        if v["policy"] == "cost-estimate":
            continue
        description, _, text = v["message"].partition("\n")
        resource, _, message = text.partition(": ")
        assert description == RULES[v["policy"]].description
        if resource in names:  # a finding on a resource is reported on that resource's URN
            assert v["urn"].endswith(f"::{resource}"), (v["urn"], resource)
            matched.append(resource)
        pack_violations.add((v["policy"], v["level"], resource, message))
    offline_violations = {(x.rule, x.level, x.resource, x.message) for x in offline.violations}
    assert pack_violations == offline_violations
    assert len(matched) == len([v for v in offline.violations if v.resource in names])


def test_a_failing_case_fails_in_both(captures, packs, config):
    graph, scenario = captures[("experiment", "tigergraph-ec2")]
    offline = evaluate(graph, priced(graph, scenario), config, clock.now(), "experiment")
    assert not offline.passed
    levels = {(v["policy"], v["level"]) for v in packs["experiment"].analyze_stack(as_engine_resources(graph))}
    assert ("monthly-budget", "mandatory") in levels


@pytest.mark.parametrize("option", ["neptune-sagemaker", "emr-spark"])
def test_the_pack_logs_the_projected_cost_priced_with_the_same_usage(captures, packs, option):
    """Usage is not in Pulumi state: the pack reads it from the same stack file, so its figure is
    the offline one to the cent (EMR's base rests on the declared hours a day)."""
    from gnnstack.outputs.figures import usd

    graph, scenario = captures[("production", option)]
    packs["production"].analyze_stack(as_engine_resources(graph))
    base = usd(priced(graph, scenario).base)
    log = packs["production"].wait_for_log(f"gnnstack projected cost for production: base {base} USD")
    assert "USD a month" in log["message"]


def test_per_resource_analyze_reports_nothing_because_every_rule_is_a_stack_policy(captures, packs):
    # Rules need the whole graph (budgets, components, estimates), so each is a stack policy; the
    # engine still calls Analyze per resource, and the pack must answer it cleanly.
    graph, _ = captures[("experiment", "tigergraph-ec2")]
    for r in graph.resources[:10]:
        assert packs["experiment"].analyze({"type": r.type, "name": r.name, "inputs": r.inputs}) == []
