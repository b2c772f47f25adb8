"""Every guardrail with a passing and a failing case, the registry walk, config and waivers."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from gnnstack.costing import PriceBook, estimate
from gnnstack.errors import ConfigError
from gnnstack.graph import Resource, ResourceGraph
from gnnstack.guardrails import RULES, evaluate
from gnnstack.guardrails.config import CONFIG_VERSION, load_config, parse_config
from gnnstack.guardrails.context import RuleContext
from gnnstack.guardrails.registry import LEVELS

NOW = datetime(2026, 11, 23, 10, 30, tzinfo=timezone.utc)
TAGS = {"Project": "gnnstack", "Owner": "t", "CostCenter": "c", "Environment": "experiment",
        "gnnstack:stack": "s", "gnnstack:option": "neo4j-ec2", "gnnstack:expires-at": "2026-11-30T12:00:00Z"}
BUDGET = Resource("aws:budgets/budget:Budget", "s-budget", "s", {"limitAmount": "1000", "tags": TAGS})


def graph(*resources: Resource, environment: str = "experiment") -> ResourceGraph:
    option = Resource("gnnstack:option:Neo4jEc2", "s", None,
                      {"environment": environment, "region": "us-east-1", "option": "neo4j-ec2"}, custom=False)
    return ResourceGraph("s", "neo4j-ec2", [option, BUDGET, *resources])


def findings(rule: str, g: ResourceGraph, **params) -> list[tuple[str, str]]:
    r = RULES[rule]
    ctx = RuleContext(g, estimate(g, PriceBook.load()), NOW)
    return [(f.resource, f.message) for f in r.check(ctx, r.params(**({**r.example, **params})))]


def instance(name="node", itype="t3.large", **inputs) -> Resource:
    base = {"instanceType": itype, "tags": TAGS, "rootBlockDevice": {"volumeSize": 20, "encrypted": True}}
    return Resource("aws:ec2/instance:Instance", name, "s", {**base, **inputs})


def asg(name="asg", max_size=2, **inputs) -> Resource:
    return Resource("aws:autoscaling/group:Group", name, "s",
                    {"maxSize": max_size, "minSize": 0, "desiredCapacity": 1, "tags": [
                        {"key": k, "value": v, "propagateAtLaunch": True} for k, v in TAGS.items()], **inputs})


def sfn(name="train", spot=True, count=1, max_seconds=3600) -> Resource:
    job = {"ResourceConfig": {"InstanceType": "ml.p3.2xlarge", "InstanceCount": count},
           "StoppingCondition": {"MaxRuntimeInSeconds": max_seconds}, "EnableManagedSpotTraining": spot}
    definition = {"States": {"Train": {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync",
                                       "Parameters": job}}}
    return Resource("aws:sfn/stateMachine:StateMachine", name, "s", {"definition": json.dumps(definition),
                                                                    "tags": TAGS})


def spot_job(name="train", checkpoint="s3://b/checkpoints/", wait=7200, tuning=False) -> Resource:
    """A state machine starting one managed spot training (or tuning) job, runtime 3,600 s."""
    job = {"ResourceConfig": {"InstanceType": "ml.g4dn.xlarge", "InstanceCount": 1},
           "StoppingCondition": {"MaxRuntimeInSeconds": 3600, **({"MaxWaitTimeInSeconds": wait} if wait else {})},
           "EnableManagedSpotTraining": True, **({"CheckpointConfig": {"S3Uri": checkpoint}} if checkpoint else {})}
    state = ({"Resource": "arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync",
              "Parameters": {"TrainingJobDefinition": job}} if tuning else
             {"Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync", "Parameters": job})
    return Resource("aws:sfn/stateMachine:StateMachine", name, "s",
                    {"definition": json.dumps({"States": {"Run": {"Type": "Task", **state}}}), "tags": TAGS})


def bucket(lifecycle=True, sse=True) -> list[Resource]:
    out = [Resource("aws:s3/bucket:Bucket", "b", "s", {"tags": TAGS})]
    if lifecycle:
        out.append(Resource("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "b-lc", "b",
                            {"rules": [{"status": "Enabled", "expiration": {"days": 7}}]}))
    if sse:
        out.append(Resource("aws:s3/bucketServerSideEncryptionConfiguration:"
                            "BucketServerSideEncryptionConfiguration", "b-sse", "b", {}))
    return out


def fan_out(max_concurrency=16, reserved=16) -> tuple[Resource, ...]:
    """A Map state fanning out to a Lambda function in its component (bounded-fan-out)."""
    definition = {"StartAt": "Infer", "States": {"Infer": {
        "Type": "Map", **({} if max_concurrency is None else {"MaxConcurrency": max_concurrency}),
        "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Task", "Resource":
                                                           "arn:aws:states:::lambda:invoke", "End": True}}},
        "End": True}}}
    component = Resource("gnnstack:inference:ServerlessInference", "s-inf", "s", {}, custom=False)
    machine = Resource("aws:sfn/stateMachine:StateMachine", "s-inf-pipeline", "s-inf",
                       {"definition": json.dumps(definition)})
    fn = Resource("aws:lambda/function:Function", "s-inf-worker", "s-inf",
                  {} if reserved is None else {"reservedConcurrentExecutions": reserved})
    return component, machine, fn


CASES = {
    "monthly-budget": (graph(instance()), graph(instance(itype="p3.8xlarge")), {"budget_usd": 1000}),
    "worst-case-ceiling": (graph(instance()), graph(asg(max_size=2), Resource(
        "aws:ec2/launchTemplate:LaunchTemplate", "lt", "s", {"instanceType": "p3.8xlarge", "tags": TAGS})),
        {"ceiling_usd": 5000}),
    # 170 h to the tag (169.5 h from NOW): a t3.large is about 14 USD, a p3.8xlarge about 2,080.
    "cost-to-expiry": (graph(instance()), graph(instance(itype="p3.8xlarge")), {"max_usd": 1000}),
    "unpriced-resources": (graph(instance()), graph(Resource("aws:redshift/cluster:Cluster", "dw", "s", {})),
                           {"strict": True}),
    "licence-cost": (graph(instance()), graph(Resource("gnnstack:database:TigerGraphCluster", "tg", "s",
                                                       {"edition": "enterprise", "licenceUsdPerMonth": "5000"},
                                                       custom=False)), {}),
    "autoscaling-caps": (graph(asg(max_size=3)), graph(asg(max_size=30)), {"max_instances": 10}),
    "spot-for-experiments": (graph(sfn(spot=True)), graph(sfn(spot=False)), {}),
    "allowed-instance-types": (graph(instance(itype="g4dn.xlarge")), graph(instance(itype="p4d.24xlarge")),
                               {"denied": ["p4d.*"]}),
    "training-max-runtime": (graph(sfn(max_seconds=4 * 3600)), graph(sfn(max_seconds=48 * 3600)),
                             {"max_hours": 12}),
    "emr-auto-termination": (
        graph(Resource("aws:emr/cluster:Cluster", "emr", "s", {"autoTerminationPolicy": {"idleTimeout": 1800}})),
        graph(Resource("aws:emr/cluster:Cluster", "emr", "s", {})), {"max_idle_minutes": 60}),
    "required-tags": (graph(instance()), graph(instance(tags={"Owner": "t"})), {}),
    "experiment-ttl": (graph(instance()), graph(instance(tags={**TAGS, "gnnstack:expires-at": "2027-06-01T00:00:00Z"})),
                       {"max_hours": 720}),
    "single-region": (graph(instance(availabilityZone="us-east-1a")), graph(instance(availabilityZone="eu-west-1a")),
                      {}),
    "s3-lifecycle": (graph(*bucket()), graph(*bucket(lifecycle=False)), {}),
    "no-public-database-ports": (
        graph(Resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "in", "s",
                       {"cidrIpv4": "10.0.0.0/16", "fromPort": 7687, "toPort": 7687, "ipProtocol": "tcp"})),
        graph(Resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "in", "s",
                       {"cidrIpv4": "0.0.0.0/0", "fromPort": 7687, "toPort": 7687, "ipProtocol": "tcp"})), {}),
    "encryption-at-rest": (graph(*bucket()), graph(*bucket(sse=False)), {}),
    "spot-training-checkpoints": (graph(spot_job(), sfn(spot=False)), graph(spot_job(checkpoint=None)), {}),
    "bounded-fan-out": (graph(*fan_out()), graph(*fan_out(max_concurrency=None)), {}),
}


def test_spot_training_checkpoints_each_finding():
    rule = "spot-training-checkpoints"
    assert findings(rule, graph(spot_job(wait=1800))) == [
        ("train", "spot training job may wait 1800 s, less than its maximum runtime of 3600 s: "
                  "set MaxWaitTimeInSeconds >= MaxRuntimeInSeconds")]
    assert findings(rule, graph(spot_job(wait=None))) == [
        ("train", "spot training job without StoppingCondition.MaxWaitTimeInSeconds")]
    assert findings(rule, graph(spot_job(checkpoint="", wait=3600))) == [
        ("train", "spot training job without CheckpointConfig.S3Uri: an interrupted run starts over")]
    # A tuning job's trials are checked only when asked.
    assert findings(rule, graph(spot_job(checkpoint=None, tuning=True))) == []
    assert [m for _, m in findings(rule, graph(spot_job(checkpoint=None, tuning=True)), include_tuning=True)] == [
        "spot tuning job without CheckpointConfig.S3Uri: an interrupted run starts over"]


def test_every_rule_has_a_case():
    assert set(CASES) == set(RULES)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_passes_and_fails(rule):
    good, bad, params = CASES[rule]
    assert findings(rule, good, **params) == []
    found = findings(rule, bad, **params)
    assert found and all(resource and message for resource, message in found)


def test_registry_entries_are_described_with_a_schema_and_a_valid_example():
    assert len(RULES) >= 15
    for name, r in RULES.items():
        assert name == name.lower() and " " not in name and "_" not in name
        assert r.description.endswith(".") and len(r.description) > 20
        assert r.params.model_json_schema()["type"] == "object"
        r.params(**r.example)  # the example validates
        assert set(r.levels) == {"experiment", "production"} and set(r.levels.values()) <= set(LEVELS)


def test_an_unbounded_worst_case_fails_the_ceiling():
    nat = Resource("aws:ec2/natGateway:NatGateway", "nat", "s", {"tags": TAGS})
    found = findings("worst-case-ceiling", graph(nat), ceiling_usd=100000)
    assert found == [("nat", "'Data processed' has no cap, so the worst case is unbounded")]


def test_cost_to_expiry_reads_the_tag_prorates_and_skips_stacks_without_a_ttl():
    g = graph(instance(itype="p3.8xlarge"))
    ctx = RuleContext(g, estimate(g, PriceBook.load()), NOW)
    assert ctx.expires_at == datetime(2026, 11, 30, 12, tzinfo=timezone.utc) and ctx.lifetime.hours == 170
    assert ctx.lifetime.base == ctx.estimate.base * 170 / 730
    [(resource, message)] = findings("cost-to-expiry", g, max_usd=1000)
    assert resource == "s" and message.startswith("base cost until it expires (170 h) is 2,0")
    untagged = {k: v for k, v in TAGS.items() if k != "gnnstack:expires-at"}
    option = Resource("gnnstack:option:Neo4jEc2", "s", None, {"environment": "production", "region": "us-east-1",
                                                             "option": "neo4j-ec2"}, custom=False)
    production = ResourceGraph("s", "neo4j-ec2", [option, instance(itype="p3.8xlarge", tags=untagged)])
    assert RuleContext(production, estimate(production, PriceBook.load()), NOW).lifetime is None
    assert findings("cost-to-expiry", production, max_usd=1) == []


def test_cost_to_expiry_on_the_worst_case_holds_the_capped_lines_and_names_the_uncapped():
    nat = Resource("aws:ec2/natGateway:NatGateway", "nat", "s", {"tags": TAGS})
    assert findings("cost-to-expiry", graph(nat), max_usd=1000, case="worst_case") == []
    # One p3.8xlarge desired, two at most: about 2,080 USD to expiry in the base case, 4,160 at worst.
    g = graph(nat, asg(max_size=2), Resource("aws:ec2/launchTemplate:LaunchTemplate", "lt", "s",
                                             {"instanceType": "p3.8xlarge", "tags": TAGS}))
    assert findings("cost-to-expiry", g, max_usd=3000, case="base") == []
    [(_, message)] = findings("cost-to-expiry", g, max_usd=3000, case="worst_case")
    assert message.startswith("worst-case cost (without 1 line(s) that have no cap) until it expires (170 h) is 4,")


# --------------------------------------------------------------------------- config and waivers


DENY_P4D = {"experiment": {"allowed-instance-types": {"params": {"denied": ["p4d.*"]}}}}


def config(**extra):
    return parse_config({"version": CONFIG_VERSION, **extra}, "guardrails.yaml")


def test_waivers_apply_until_they_expire_and_then_say_so():
    bad = graph(instance(itype="p4d.24xlarge"))
    e = estimate(bad, PriceBook.load())
    waiver = {"rule": "allowed-instance-types", "resource": "node", "reason": "benchmarking A100s"}
    live = config(environments=DENY_P4D, waivers=[{**waiver, "expires": "2026-12-31"}])
    v = evaluate(bad, e, live, NOW)
    assert [x.rule for x in v.violations if x.rule == "allowed-instance-types"] == []
    assert [(x.rule, w.reason) for x, w in v.waived] == [("allowed-instance-types", "benchmarking A100s")]
    expired = config(environments=DENY_P4D, waivers=[{**waiver, "expires": "2026-11-01"}])
    v = evaluate(bad, e, expired, NOW)
    assert "allowed-instance-types" in {x.rule for x in v.violations}
    assert [w.expires.isoformat() for w in v.expired_waivers] == ["2026-11-01"]
    assert not v.passed


def test_levels_decide_pass_and_fail():
    bad = graph(instance(itype="p4d.24xlarge"))
    e = estimate(bad, PriceBook.load())
    advisory = config(environments={"experiment": {"allowed-instance-types": {"level": "advisory",
                                                                               "params": {"denied": ["p4d.*"]}},
                                                    "monthly-budget": {"level": "disabled"},
                                                    "worst-case-ceiling": {"level": "disabled"}}})
    v = evaluate(bad, e, advisory, NOW)
    assert v.passed and {x.level for x in v.violations} == {"advisory"}


@pytest.mark.parametrize("data,message", [
    ({"environments": {"experiment": {"monthly-budgte": {}}}},
     "environments.experiment.monthly-budgte: unknown rule. Did you mean 'monthly-budget'?"),
    ({"environments": {"experiment": {"monthly-budget": {"level": "blocking"}}}},
     "environments.experiment.monthly-budget.level: 'blocking' is not a level"),
    ({"environments": {"experiment": {"autoscaling-caps": {"params": {"max_instancs": 3}}}}},
     "environments.experiment.autoscaling-caps.params.max_instancs: unknown parameter"),
    ({"waivers": [{"rule": "spot-for-experiment", "resource": "*", "reason": "x", "expires": "2027-01-01"}]},
     "waivers[0].rule: unknown rule 'spot-for-experiment'. Did you mean 'spot-for-experiments'"),
    ({"waivers": [{"rule": "s3-lifecycle", "resource": "*", "reason": "", "expires": "2027-01-01"}]},
     "waivers[0].reason: a waiver needs a reason"),
    ({"waivers": [{"rule": "s3-lifecycle", "resource": "*", "reason": "r", "expires": "next spring"}]},
     "waivers[0].expires: 'next spring' is not a date; write it as YYYY-MM-DD"),
    ({"environments": {"staging": {}}}, "environments.staging: unknown environment"),
])
def test_bad_config_names_the_file_the_entry_and_the_fix(data, message):
    with pytest.raises(ConfigError) as e:
        config(**data)
    assert str(e.value).startswith("guardrails.yaml: ") and message in str(e.value)


WAIVER = {"rule": "s3-lifecycle", "resource": "*", "reason": "r", "expires": "2027-01-01"}


@pytest.mark.parametrize("data,message", [
    ({"environments": {"experiment": {"monthly_budget": {}}}},
     "environments.experiment.monthly_budget: unknown rule. Did you mean 'monthly-budget'? Rules: "),
    ({"environments": {"production": {"cost-to-expiry": {"params": {"max_usd": 5, "case": "worst"}}}}},
     "environments.production.cost-to-expiry.params.case: Input should be 'base' or 'worst_case' "
     "(parameters of cost-to-expiry: max_usd, case)"),
    ({"environments": {"experiment": {"worst-case-ceiling": {"params": {}}}}},
     "environments.experiment.worst-case-ceiling.params.ceiling_usd: Field required "
     "(parameters of worst-case-ceiling: ceiling_usd)"),
    ({"environments": {"experiment": {"s3-lifecycle": {"levle": "advisory"}}}},
     "environments.experiment.s3-lifecycle.levle: unknown key; a rule's setting has 'level' and/or 'params'"),
    ({"environments": {"experiment": {"s3-lifecycle": {"level": None}}}},
     "environments.experiment.s3-lifecycle.level: None is not a level; use one of advisory, mandatory, disabled"),
    ({"environments": {"experiment": {"s3-lifecycle": "advisory"}}},
     "environments.experiment.s3-lifecycle: expected 'level' and/or 'params'"),
    ({"environments": {"experiment": {"autoscaling-caps": {"params": [3]}}}},
     "environments.experiment.autoscaling-caps.params: params must be a mapping of the rule's parameters"),
    ({"environments": {"experiment": ["s3-lifecycle"]}},
     "environments.experiment: expected a mapping of rule names to settings"),
    ({"waivers": [{k: v for k, v in WAIVER.items() if k != "reason"}]},
     "waivers[0].reason: a waiver needs a reason: say why the rule may be broken"),
    ({"waivers": [WAIVER, {**WAIVER, "reason": "  \n "}]},
     "waivers[1].reason: a waiver needs a reason: say why the rule may be broken"),
    ({"waivers": [{k: v for k, v in WAIVER.items() if k != "expires"}]},
     "waivers[0].expires: a waiver needs an expiry date (YYYY-MM-DD)"),
    ({"waivers": [{**WAIVER, "expires": "31/03/2027"}]},
     "waivers[0].expires: '31/03/2027' is not a date; write it as YYYY-MM-DD"),
    ({"waivers": [{**WAIVER, "resource": None}]},
     "waivers[0].resource: name the resource (a pattern such as '*-db-cluster')"),
    ({"waivers": [{**WAIVER, "resource": ""}]},
     "waivers[0].resource: name the resource (a pattern such as '*-db-cluster')"),
    ({"waivers": [{**WAIVER, "approver": "ana"}]},
     "waivers[0].approver: unknown key (use rule, resource, stack, reason, expires)"),
    ({"waivers": [{**WAIVER, "rule": "no-public-db-ports"}]},
     "waivers[0].rule: unknown rule 'no-public-db-ports'. Did you mean 'no-public-database-ports'"),
    ({"waivers": {"rule": "s3-lifecycle"}},
     "waivers: expected a list of waivers, each with rule, resource, reason and expires"),
    ({"waiver": [WAIVER]}, "waiver: unknown key. Did you mean 'waivers'?"),
    ({"version": 2}, "version: expected version: 1, found 2"),
    ({"reap": {"regions": ["us-est-1"]}}, "reap.regions: unknown AWS region 'us-est-1'. Did you mean "),
    ({"reap": {"regions": "us-east-1"}}, "reap.regions: expected a list of region names"),
    ({"reap": {"zones": ["a"]}}, "reap.zones: unknown key; use 'regions' and/or 'accounts' lists"),
])
def test_each_mistake_is_one_message_naming_the_entry_and_the_fix(data, message):
    with pytest.raises(ConfigError) as e:
        config(**data)
    assert str(e.value).startswith("guardrails.yaml: " + message), str(e.value)


@pytest.mark.parametrize("data", [["version: 1"], "version: 1", 1, None])
def test_a_config_that_is_not_a_mapping_says_what_it_should_be(data):
    with pytest.raises(ConfigError) as e:
        parse_config(data, "g.yaml")
    assert str(e.value) == "g.yaml: expected a mapping with version, environments and waivers"


def test_a_config_file_error_names_its_line_and_yaml_syntax_its_column(tmp_path):
    f = tmp_path / "g.yaml"
    f.write_text("version: 1\nwaivers:\n  - rule: s3-lifecycle\n    resource: '*'\n    reason: r\n"
                 "    expires: next spring\n")
    with pytest.raises(ConfigError) as e:
        load_config(f)
    assert str(e.value) == f"{f}, line 6: waivers[0].expires: 'next spring' is not a date; write it as YYYY-MM-DD"
    f.write_text("version: 1\nenvironments:\n  experiment:\n    monthly-budget: {level: [mandatory}\n")
    with pytest.raises(ConfigError) as e:
        load_config(f)
    assert str(e.value) == f"{f}: not valid YAML: line 4, column 39: expected ',' or ']', but got '}}'"


def test_a_bad_config_exits_2_with_one_line_and_no_traceback(tmp_path):
    from click.testing import CliRunner

    from gnnstack.cli import main

    f = tmp_path / "g.yaml"
    f.write_text("version: 1\nenvironments:\n  experiment:\n    monthly-budget: {level: blocking}\n")
    result = CliRunner().invoke(main, ["guardrails", "policy-config", "experiment", "--guardrails", str(f)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output == (f"error: {f}, line 4: environments.experiment.monthly-budget.level: 'blocking' is not "
                             "a level; use one of advisory, mandatory, disabled\n")


def test_valid_values_keep_their_meaning():
    cfg = config(environments={"experiment": {"cost-to-expiry": None, "s3-lifecycle": {"level": "advisory"}},
                               "production": None},
                 waivers=[{**WAIVER, "reason": "  padded  ", "expires": "2027-01-01", "resource": 2027}],
                 reap={"accounts": [123456789012, "000000000001"]})
    experiment = cfg.for_environment("experiment")
    assert experiment["s3-lifecycle"].level == "advisory"
    assert experiment["cost-to-expiry"].level == RULES["cost-to-expiry"].levels["experiment"]
    assert experiment["worst-case-ceiling"].params == RULES["worst-case-ceiling"].params(
        **RULES["worst-case-ceiling"].example)  # required params and none given: the example
    [w] = cfg.waivers
    assert (w.reason, w.resource, w.stack, w.expires.isoformat()) == ("padded", "2027", "*", "2027-01-01")
    assert cfg.reap_accounts == ("123456789012", "000000000001") and cfg.reap_regions is None


def test_the_shipped_config_loads_and_its_waivers_have_reasons(project):
    cfg = load_config(Path(project.root) / "guardrails" / "config.yaml")
    assert cfg.waivers and all(w.reason and w.expires for w in cfg.waivers)
    assert cfg.for_environment("experiment")["worst-case-ceiling"].level == "mandatory"


# --------------------------------------------------------------------------- one place decides a waiver


def test_a_waiver_covers_its_rule_resource_and_stack_through_its_expiry_day():
    from datetime import date

    from gnnstack.guardrails.waivers import Waivers

    waivers = Waivers.from_json([
        {**WAIVER, "resource": "*-db", "stack": "seed-*", "expires": "2026-11-23", "reason": "last day"},
        {**WAIVER, "resource": "*-db", "expires": "2026-11-01", "reason": "lapsed"},
    ])
    today = date(2026, 11, 23)
    assert waivers.find("s3-lifecycle", "x-db", "seed-1", today).reason == "last day"
    assert waivers.find("s3-lifecycle", "x-db", "seed-1", date(2026, 11, 24)) is None
    assert waivers.find("s3-lifecycle", "x-db", "prod", today) is None  # the stack does not match
    assert waivers.find("s3-lifecycle", "x-bucket", "seed-1", today) is None
    assert waivers.find("encryption-at-rest", "x-db", "seed-1", today) is None
    assert [w.reason for w in waivers.lapsed("s3-lifecycle", "x-db", "prod", today)] == ["lapsed"]


def test_the_pack_and_evaluate_waive_the_same_findings():
    """The CLI's evaluation and the CrossGuard pack (as configured from the same file) leave the
    same findings unwaived: in force, lapsed, the last day, another stack, another resource."""
    from types import SimpleNamespace

    from gnnstack.guardrails.pack import PackAdapter, policy_config

    g = graph(instance("node", itype="p4d.24xlarge"), instance("gpu", itype="p4d.24xlarge"),
              instance("spare", itype="p4d.24xlarge"), sfn("train", spot=False), sfn("tune", spot=False))
    waiver = {"rule": "allowed-instance-types", "reason": "benchmarking"}
    cfg = config(environments=DENY_P4D, waivers=[
        {**waiver, "resource": "node", "expires": "2026-12-31"},
        {**waiver, "resource": "g*", "expires": "2026-11-22"},  # lapsed yesterday
        {**waiver, "resource": "sp*", "expires": "2026-11-23"},  # its last day
        {"rule": "spot-for-experiments", "resource": "*", "stack": "other", "reason": "r", "expires": "2027-01-01"},
        {"rule": "spot-for-experiments", "resource": "tune", "stack": "s*", "reason": "r", "expires": "2027-01-01"},
    ])
    rules = ("allowed-instance-types", "spot-for-experiments")
    v = evaluate(g, estimate(g, PriceBook.load()), cfg, NOW)
    offline = {(x.rule, x.resource) for x in v.violations if x.rule in rules}
    assert offline == {("allowed-instance-types", "gpu"), ("spot-for-experiments", "train")}
    assert {(x.rule, x.resource) for x, _ in v.waived} == {("allowed-instance-types", "node"),
                                                          ("allowed-instance-types", "spare"),
                                                          ("spot-for-experiments", "tune")}

    engine = {r.name: SimpleNamespace(resource_type=r.type, name=r.name, props=r.inputs, parent=None,
                                      urn=f"urn:pulumi:s::gnnstack::{r.type}::{r.name}") for r in g.resources}
    for r in g.resources:
        engine[r.name].parent = engine.get(r.parent) if r.parent else None
    adapter = PackAdapter(project_root=Path(__file__).resolve().parents[1])
    pack_config = policy_config(cfg, "experiment")
    pack = {(name, message.split(": ", 1)[0]) for name in rules
            for _, message in adapter.check(name, list(engine.values()), pack_config[name])}
    assert pack == offline


def test_shipped_stacks_resume_their_spot_training(captures):
    rule = RULES["spot-training-checkpoints"]
    spot_jobs = 0
    for (env, option), (g, _) in captures.items():
        ctx = RuleContext(g, estimate(g, PriceBook.load()), NOW)
        assert list(rule.check(ctx, rule.params())) == [], (env, option)
        spot_jobs += sum(1 for r in g.of_type("aws:sfn/stateMachine:StateMachine")
                         if '"EnableManagedSpotTraining": true' in r.inputs.get("definition", "")
                         and "createTrainingJob" in r.inputs.get("definition", ""))
    assert spot_jobs > 0  # the rule had spot training jobs to look at
