"""The four options in both environments, captured offline: expected resources, tags, caps,
spot, network exposure and secrets."""

from __future__ import annotations

import base64
import inspect
import keyword
import ipaddress
import json
from functools import lru_cache

import pulumi_aws
import pytest

from gnnstack.capture import OFFLINE_SECRET
from gnnstack.components import EXPIRES_TAG, TAG_KEYS
from gnnstack.graph import SECRET
from gnnstack.options import REGISTRY

from .conftest import CASES

COMMON = {
    "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet",
    "aws:s3/bucket:Bucket", "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:budgets/budget:Budget",
    "aws:sfn/stateMachine:StateMachine", "aws:scheduler/schedule:Schedule",
}
TRAINING = {"aws:sfn/stateMachine:StateMachine", "aws:scheduler/schedule:Schedule"}
EXPECTED = {
    "neptune-sagemaker": {"aws:neptune/cluster:Cluster", "aws:neptune/clusterInstance:ClusterInstance",
                          "aws:appautoscaling/target:Target", "aws:glue/job:Job", "aws:glue/trigger:Trigger"},
    "neo4j-ec2": {"aws:autoscaling/group:Group", "aws:ec2/launchTemplate:LaunchTemplate",
                  "aws:secretsmanager/secret:Secret", "aws:autoscaling/schedule:Schedule", "aws:glue/job:Job"},
    "tigergraph-ec2": {"aws:ec2/instance:Instance", "aws:secretsmanager/secret:Secret",
                       "aws:autoscaling/group:Group", "aws:glue/job:Job"},
    "neptune-analytics": {"aws:neptune/cluster:Cluster", "aws:neptune/clusterInstance:ClusterInstance",
                          "aws:appautoscaling/target:Target", "aws:lambda/function:Function", "aws:glue/job:Job"},
    "emr-spark": {"aws:emr/cluster:Cluster", "aws:emr/instanceFleet:InstanceFleet",
                  "aws:emr/managedScalingPolicy:ManagedScalingPolicy",
                  "aws:emr/securityConfiguration:SecurityConfiguration"},
}


@lru_cache(maxsize=None)
def taggable(type_token: str) -> bool:
    """Whether the pulumi-aws resource class for `type_token` takes a `tags` input."""
    if not type_token.startswith("aws:"):
        return False
    module, cls = type_token.split(":")[1].split("/")[0], type_token.rsplit(":", 1)[1]
    klass = getattr(getattr(pulumi_aws, module + "_" if keyword.iskeyword(module) else module), cls)
    return "tags" in inspect.signature(klass._internal_init).parameters


def tags_of(r) -> dict:
    tags = r.inputs.get("tags")
    if isinstance(tags, list):  # Auto Scaling groups: [{key, value, propagateAtLaunch}]
        return {t["key"]: t["value"] for t in tags}
    return tags or {}


def definitions(graph):
    return [json.loads(r.inputs["definition"]) for r in graph.of_type("aws:sfn/stateMachine:StateMachine")]


def sagemaker_jobs(graph):
    """(kind, job parameters) for each SageMaker job a state machine starts."""
    for d in definitions(graph):
        for state in d["States"].values():
            params = state["Parameters"]
            if "TrainingJobDefinition" in params:
                yield "tuning", params
            else:
                yield "training", params


@pytest.mark.parametrize("env,option", CASES)
def test_expected_resource_types(captures, env, option):
    graph, _ = captures[(env, option)]
    types = {r.type for r in graph}
    # Options that do not train have no training or tuning pipelines (state machines, schedules).
    common = COMMON if REGISTRY[option].trains else COMMON - TRAINING
    missing = (common | EXPECTED[option]) - types
    assert not missing, f"{option}/{env} lacks {sorted(missing)}"


@pytest.mark.parametrize("env,option", CASES)
def test_every_taggable_resource_has_the_full_tag_set(captures, env, option):
    graph, scenario = captures[(env, option)]
    required = set(TAG_KEYS) | ({EXPIRES_TAG} if env == "experiment" else set())
    checked = 0
    for r in graph.managed():
        if taggable(r.type):
            checked += 1
            missing = required - set(tags_of(r))
            assert not missing, f"{r.type} {r.name} lacks tags {sorted(missing)}"
            tags = tags_of(r)
            assert tags["gnnstack:stack"] == env and tags["gnnstack:option"] == option
            assert tags["Environment"] == scenario.environment
            if env == "production":
                assert EXPIRES_TAG not in tags
    assert checked > 20
    # What launch templates start, and the jobs Step Functions start, are tagged too.
    for lt in graph.of_type("aws:ec2/launchTemplate:LaunchTemplate"):
        for spec in lt.inputs["tagSpecifications"]:
            assert required <= set(spec["tags"]), spec["resourceType"]
    for _, job in sagemaker_jobs(graph):
        assert required <= {t["Key"] for t in job["Tags"]}


def test_expires_at_is_iso8601_utc_and_follows_the_ttl(captures):
    graph, scenario = captures[("experiment", "neo4j-ec2")]
    vpc = graph.of_type("aws:ec2/vpc:Vpc")[0]
    # GNNSTACK_NOW is 10:30Z; the 168-hour TTL counts from the start of that hour.
    assert tags_of(vpc)[EXPIRES_TAG] == "2026-11-30T10:00:00Z"


def test_an_expiry_given_with_an_offset_is_tagged_in_utc(tmp_path):
    """`ttl.expires_at` with an offset: the tag says the same instant in UTC, not the local time
    with a Z (which would move the expiry by the offset)."""
    from gnnstack.capture import capture
    from gnnstack.project import find_project

    from .conftest import base_scenario, make_project

    root = make_project(tmp_path, base_scenario(ttl={"expires_at": "2026-12-01T12:00:00+02:00"}))
    graph, _ = capture(find_project(root), "demo")
    vpc = graph.of_type("aws:ec2/vpc:Vpc")[0]
    assert tags_of(vpc)[EXPIRES_TAG] == "2026-12-01T10:00:00Z"


@pytest.mark.parametrize("env,option", CASES)
def test_every_elastic_resource_has_a_cap(captures, env, option):
    graph, scenario = captures[(env, option)]
    for asg in graph.of_type("aws:autoscaling/group:Group"):
        assert asg.inputs["maxSize"] >= asg.inputs.get("desiredCapacity", 0)
        assert asg.inputs["maxSize"] >= 1
    for target in graph.of_type("aws:appautoscaling/target:Target"):
        assert target.inputs["maxCapacity"] == scenario.neptune.max_readers
    for policy in graph.of_type("aws:emr/managedScalingPolicy:ManagedScalingPolicy"):
        assert policy.inputs["computeLimits"][0]["maximumCapacityUnits"] == scenario.emr.max_units
    for cluster in graph.of_type("aws:emr/cluster:Cluster"):
        assert cluster.inputs["autoTerminationPolicy"]["idleTimeout"] == scenario.emr.idle_timeout_minutes * 60
    for job in graph.of_type("aws:glue/job:Job"):
        assert job.inputs["numberOfWorkers"] == scenario.workload.etl.workers
        assert job.inputs["timeout"] == scenario.workload.etl.timeout_minutes
        assert job.inputs["executionProperty"]["maxConcurrentRuns"] == 1
    jobs = list(sagemaker_jobs(graph))
    trains = REGISTRY[option].trains
    expected = (["training"] if trains and scenario.training.platform == "sagemaker" else []) + \
        (["tuning"] if trains and scenario.workload.tuning.enabled else [])
    assert sorted(kind for kind, _ in jobs) == expected, "each SageMaker job the scenario runs is declared once"
    for kind, job in jobs:
        if kind == "training":
            assert job["ResourceConfig"]["InstanceCount"] == scenario.training.instance_count
            assert job["StoppingCondition"]["MaxRuntimeInSeconds"] > 0
        else:
            limits = job["HyperParameterTuningJobConfig"]["ResourceLimits"]
            assert limits["MaxParallelTrainingJobs"] <= limits["MaxNumberOfTrainingJobs"]
            assert job["TrainingJobDefinition"]["StoppingCondition"]["MaxRuntimeInSeconds"] > 0
    for d in definitions(graph):
        assert d["TimeoutSeconds"] > 0
    if option == "neptune-sagemaker":
        n = scenario.neptune
        assert len(graph.of_type("aws:appautoscaling/target:Target")) == (n.max_readers > n.readers), \
            "replica auto-scaling, with its max, exactly when readers may grow"


@pytest.mark.parametrize("env,option", CASES)
def test_experiments_use_spot_and_production_does_not(captures, env, option):
    graph, _ = captures[(env, option)]
    spot = env == "experiment"
    for _, job in sagemaker_jobs(graph):
        body = job.get("TrainingJobDefinition", job)
        assert body["EnableManagedSpotTraining"] is spot
        assert ("MaxWaitTimeInSeconds" in body["StoppingCondition"]) is spot
    for asg in graph.of_type("aws:autoscaling/group:Group"):
        mip = asg.inputs.get("mixedInstancesPolicy")
        if mip:  # GPU training capacity
            assert (mip["instancesDistribution"]["onDemandPercentageAboveBaseCapacity"] == 0) is spot
    for fleet in graph.of_type("aws:emr/instanceFleet:InstanceFleet"):
        assert bool(fleet.inputs.get("launchSpecifications")) is spot
        if spot:
            assert fleet.inputs.get("targetOnDemandCapacity", 0) == 0
        else:
            assert fleet.inputs.get("targetSpotCapacity", 0) == 0


@pytest.mark.parametrize("env,option", CASES)
def test_no_security_group_opens_ports_to_the_world(captures, env, option):
    graph, _ = captures[(env, option)]
    rules = graph.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert rules or option == "emr-spark"
    for rule in rules:
        cidr = rule.inputs.get("cidrIpv4") or rule.inputs.get("cidrIpv6")
        if cidr:
            assert ipaddress.ip_network(cidr).prefixlen > 0, f"{rule.name} is open to {cidr}"
            assert ipaddress.ip_network(cidr).is_private
    for sg in graph.of_type("aws:ec2/securityGroup:SecurityGroup"):
        assert not sg.inputs.get("ingress"), "ingress is declared as separate rules only"


@pytest.mark.parametrize("env,option", CASES)
def test_secrets_never_appear_in_plain_text(captures, env, option):
    graph, _ = captures[(env, option)]
    dump = json.dumps([r.to_json() for r in graph])
    assert OFFLINE_SECRET not in dump
    for lt in graph.of_type("aws:ec2/launchTemplate:LaunchTemplate"):
        assert OFFLINE_SECRET not in base64.b64decode(lt.inputs["userData"]).decode()
    for inst in graph.of_type("aws:ec2/instance:Instance"):
        assert OFFLINE_SECRET not in base64.b64decode(inst.inputs["userDataBase64"]).decode()
    for version in graph.of_type("aws:secretsmanager/secretVersion:SecretVersion"):
        assert version.inputs["secretString"] == SECRET


@pytest.mark.parametrize("env,option", CASES)
def test_storage_is_encrypted_and_private(captures, env, option):
    graph, _ = captures[(env, option)]
    for pab in graph.of_type("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"):
        assert all(pab.inputs[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                           "restrictPublicBuckets"))
    sse = graph.of_type("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
    assert len(sse) == len(graph.of_type("aws:s3/bucket:Bucket")) == 1
    assert sse[0].inputs["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    for lt in graph.of_type("aws:ec2/launchTemplate:LaunchTemplate"):
        for bdm in lt.inputs["blockDeviceMappings"]:
            assert bdm["ebs"]["encrypted"] == "true" and bdm["ebs"]["volumeType"] == "gp3"
    for inst in graph.of_type("aws:ec2/instance:Instance"):
        assert inst.inputs["rootBlockDevice"]["encrypted"]
        assert all(d["encrypted"] for d in inst.inputs["ebsBlockDevices"])
    for c in graph.of_type("aws:neptune/cluster:Cluster"):
        assert c.inputs["storageEncrypted"] is True
    lifecycle = graph.of_type("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")[0]
    rules = {r["id"]: r for r in lifecycle.inputs["rules"]}
    assert [(x["days"], x["storageClass"]) for x in rules["raw-to-cold"]["transitions"]] == \
        [(30, "STANDARD_IA"), (90, "GLACIER_IR")]
    assert rules["expire-scratch"]["expiration"]["days"] == (7 if env == "experiment" else 30)


def test_budget_is_filtered_by_the_stack_tag_with_the_configured_thresholds(captures):
    graph, scenario = captures[("experiment", "neptune-sagemaker")]
    (budget,) = graph.of_type("aws:budgets/budget:Budget")
    assert budget.inputs["costFilters"] == [{"name": "TagKeyValue", "values": ["user:gnnstack:stack$experiment"]}]
    actual = sorted(n["threshold"] for n in budget.inputs["notifications"] if n["notificationType"] == "ACTUAL")
    assert actual == sorted(scenario.budget.alert_thresholds_percent)
    assert budget.inputs["limitAmount"] == str(scenario.budget.monthly_usd)


def test_neo4j_boots_from_a_rendered_template_with_memory_from_the_instance(captures):
    graph, scenario = captures[("experiment", "neo4j-ec2")]
    lt = next(r for r in graph.of_type("aws:ec2/launchTemplate:LaunchTemplate") if "db" in r.name)
    script = base64.b64decode(lt.inputs["userData"]).decode()
    assert scenario.neo4j.instance_type == "r6g.8xlarge"  # 256 GiB
    assert "server.memory.heap.max_size=31g" in script
    assert "server.memory.pagecache.size=200g" in script
    assert "secretsmanager get-secret-value" in script and "{{" not in script
    assert lt.inputs["imageId"].endswith("/arm64/hvm/ebs-gp2/ami-id"), "Graviton needs an arm64 image"
    data = lt.inputs["blockDeviceMappings"][1]["ebs"]
    assert data["volumeSize"] > 1000, "sized from the 3B-node graph"


def test_tigergraph_nodes_list_the_whole_cluster(captures):
    graph, scenario = captures[("production", "tigergraph-ec2")]
    nodes = sorted(graph.of_type("aws:ec2/instance:Instance"), key=lambda r: r.name)
    assert len(nodes) == scenario.tigergraph.nodes
    first = base64.b64decode(nodes[0].inputs["userDataBase64"]).decode()
    assert "./install.sh -n" in first
    for n in nodes:
        assert f'"m{nodes.index(n) + 1}: {n.inputs["privateIp"]}"' in first
    assert "./install.sh" not in base64.b64decode(nodes[1].inputs["userDataBase64"]).decode()


def test_database_off_keeps_the_workload(project, tmp_path):
    from gnnstack.capture import capture
    from gnnstack.project import find_project

    from .conftest import base_scenario, make_project

    root = make_project(tmp_path, base_scenario(option="neptune-sagemaker", neptune={"enabled": False}))
    graph, scenario = capture(find_project(root), "demo")
    assert not scenario.database_enabled
    assert not graph.of_type("aws:neptune/cluster:Cluster")
    # Training and tuning still run (on SageMaker), and so does the ETL (on Glue).
    assert len(graph.of_type("aws:sfn/stateMachine:StateMachine")) == 2
    assert len(graph.of_type("aws:glue/job:Job")) == 1


@pytest.mark.slow  # three cold captures
def test_the_captured_graph_is_in_the_same_order_every_run(project):
    """The program registers resources asynchronously, in an order that changes from run to run;
    the capture puts them in one fixed order (parents first, siblings by name), so the same
    inputs give byte-identical reports."""
    from gnnstack.capture import capture

    runs = [[(r.type, r.name, r.parent) for r in capture(project, "production", "neo4j-ec2")[0].resources]
            for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]
    seen: set[str] = set()
    for _, name, parent in runs[0]:
        assert parent is None or parent in seen, f"{name} comes before its parent {parent}"
        seen.add(name)


def test_tree_order_keeps_resources_whose_parents_loop():
    from gnnstack.graph import Resource, ResourceGraph

    g = ResourceGraph("s", "o", [Resource("t", "b", "a", {}), Resource("t", "a", "b", {}),
                                 Resource("t", "r", None, {})])
    assert [r.name for r in g.in_tree_order().resources] == ["r", "a", "b"]
