"""`gnnstack.reap` against moto's server, started here on 127.0.0.1: discovery, the safety rules
(an allowlist: only what is positively marked as an expired experiment), deletion in order,
failures kept apart, and a second run with nothing left to do."""

from __future__ import annotations

import urllib.request

import boto3
import botocore.client
import pytest
from botocore.exceptions import ClientError

from gnnstack import reap
from gnnstack.reap import Found
from gnnstack.reap.kinds import emr_cluster

from .test_reap_rules import ACCOUNT, AWAY, FUTURE, HOME, NOW, PAST, tags

pytestmark = pytest.mark.slow  # moto's server
ROLE = f"arn:aws:iam::{ACCOUNT}:role/gnnstack-test"


# ---------------------------------------------------------------------------------------------
# The server, and a fresh world per test


@pytest.fixture(scope="module")
def moto_url(tmp_path_factory):
    from moto.server import ThreadedMotoServer

    mp = pytest.MonkeyPatch()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        url = f"http://{host}:{port}"
        empty = tmp_path_factory.mktemp("aws") / "none"
        for key, value in {"AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "testing",
                           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": HOME,
                           "AWS_CONFIG_FILE": str(empty), "AWS_SHARED_CREDENTIALS_FILE": str(empty)}.items():
            mp.setenv(key, value)
        for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION"):
            mp.delenv(key, raising=False)
        yield url
    finally:
        _CLIENTS.clear()
        mp.undo()
        try:  # moto's backends are process-wide: leave nothing behind for other test modules
            reset_moto("http://%s:%d" % server.get_host_and_port())
        finally:
            server.stop()


@pytest.fixture
def world(moto_url):
    """Reset moto, then build the expired stack and its decoys. Returns what should be reaped
    and what must survive, as sets of (region, kind, identifier)."""
    reset_moto(moto_url)
    return build_world()


def reset_moto(url: str) -> None:
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=30).close()


def tag_list(t: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in t.items()]


_CLIENTS: dict[tuple[str, str], object] = {}


def client(service: str, region: str = HOME):
    """The test's own clients (cached for the module's server; reap makes its own)."""
    if (service, region) not in _CLIENTS:
        _CLIENTS[service, region] = boto3.client(service, region_name=region)
    return _CLIENTS[service, region]


_AMIS: dict[str, str] = {}


def ami(region: str = HOME) -> str:
    """Any image moto knows (looked up once: listing moto's images is slow)."""
    if region not in _AMIS:
        _AMIS[region] = client("ec2", region).describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    return _AMIS[region]


def make_instance(region: str, t: dict[str, str] | None) -> str:
    ec2 = client("ec2", region)
    kw = {"TagSpecifications": [{"ResourceType": "instance", "Tags": tag_list(t)}]} if t else {}
    return ec2.run_instances(ImageId=ami(region), MinCount=1, MaxCount=1, InstanceType="t3.micro",
                             **kw)["Instances"][0]["InstanceId"]


def make_volume(region: str, t: dict[str, str] | None) -> str:
    kw = {"TagSpecifications": [{"ResourceType": "volume", "Tags": tag_list(t)}]} if t else {}
    return client("ec2", region).create_volume(AvailabilityZone=f"{region}a", Size=8, **kw)["VolumeId"]


def make_bucket(region: str, name: str, t: dict[str, str] | None, objects: int = 2, versioned: bool = False,
                locked: bool = False) -> str:
    s3 = client("s3", region)
    kw: dict = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=locked, **kw)
    if t:
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tag_list(t)})
    if versioned:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    for i in range(objects):
        extra = {"ObjectLockLegalHoldStatus": "ON"} if locked else {}
        s3.put_object(Bucket=name, Key=f"data/part-{i}.parquet", Body=b"x" * 10, **extra)
    if versioned:  # a second version and a delete marker
        s3.put_object(Bucket=name, Key="data/part-0.parquet", Body=b"y")
        s3.delete_object(Bucket=name, Key="data/part-1.parquet")
    return name


def make_cluster(name: str, t: dict[str, str]) -> str:
    return client("emr").run_job_flow(
        Name=name, ReleaseLabel="emr-7.2.0", JobFlowRole="EMR_EC2_DefaultRole", ServiceRole="EMR_DefaultRole",
        Instances={"MasterInstanceType": "m5.xlarge", "InstanceCount": 1, "KeepJobFlowAliveWhenNoSteps": True},
        Tags=tag_list(t))["JobFlowId"]


def make_notebook(name: str, t: dict[str, str]) -> str:
    client("sagemaker").create_notebook_instance(NotebookInstanceName=name, InstanceType="ml.t3.medium", RoleArn=ROLE,
                                                 Tags=tag_list(t))
    return name


def make_group(name: str, t: dict[str, str]) -> str:
    """An empty Auto Scaling group (the launch template comes from build_world)."""
    client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName=name, LaunchTemplate={"LaunchTemplateName": "exp-old-lt"}, MinSize=0, MaxSize=2,
        DesiredCapacity=0, AvailabilityZones=[f"{HOME}a"],
        Tags=[{"Key": k, "Value": v, "PropagateAtLaunch": True} for k, v in t.items()])
    return name


NOT_EXPERIMENT = "Environment is {!r}, not experiment"


def build_world() -> dict:
    """The expired experiment stack and its decoys. Returns "doomed" and "spared" (sets of keys),
    "reasons" (decoy key -> why reap skips it) and "allowlisted" (what is reaped only because
    Environment is compared case-insensitively, spaces stripped)."""
    doomed, spared, reasons, allowlisted = set(), set(), {}, set()
    exp = tags("exp-old")
    # -- the expired experiment stack, in HOME
    doomed.add((HOME, "ec2:instance", make_instance(HOME, exp)))
    doomed.add((HOME, "ec2:volume", make_volume(HOME, exp)))
    ec2 = client("ec2")
    ec2.create_launch_template(LaunchTemplateName="exp-old-lt",
                               LaunchTemplateData={"ImageId": ami(), "InstanceType": "t3.micro"})
    client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName="exp-old-workers", LaunchTemplate={"LaunchTemplateName": "exp-old-lt"},
        MinSize=0, MaxSize=2, DesiredCapacity=1, AvailabilityZones=[f"{HOME}a"],
        Tags=[{"Key": k, "Value": v, "PropagateAtLaunch": True} for k, v in exp.items()])
    doomed.add((HOME, "autoscaling:group", "exp-old-workers"))
    # The group's own instance carries the propagated tags, so it is found and terminated too.
    for r in ec2.describe_instances(
            Filters=[{"Name": "tag:aws:autoscaling:groupName", "Values": ["exp-old-workers"]}])["Reservations"]:
        doomed.update((HOME, "ec2:instance", i["InstanceId"]) for i in r["Instances"])
    cluster = client("emr").run_job_flow(
        Name="exp-old-spark", ReleaseLabel="emr-7.2.0", JobFlowRole="EMR_EC2_DefaultRole",
        ServiceRole="EMR_DefaultRole",
        Instances={"MasterInstanceType": "m5.xlarge", "InstanceCount": 1, "KeepJobFlowAliveWhenNoSteps": True},
        Tags=tag_list(exp))["JobFlowId"]
    doomed.add((HOME, "emr:cluster", cluster))
    client("sagemaker").create_notebook_instance(NotebookInstanceName="exp-old-notebook", InstanceType="ml.t3.medium",
                                                 RoleArn=ROLE, Tags=tag_list(exp))
    doomed.add((HOME, "sagemaker:notebook-instance", "exp-old-notebook"))
    neptune = client("neptune")
    neptune.create_db_cluster(DBClusterIdentifier="exp-old-graph", Engine="neptune", Tags=tag_list(exp))
    neptune.create_db_instance(DBInstanceIdentifier="exp-old-graph-1", DBInstanceClass="db.r6g.large", Engine="neptune",
                               DBClusterIdentifier="exp-old-graph", Tags=tag_list(exp))
    doomed |= {(HOME, "neptune:cluster", "exp-old-graph"), (HOME, "neptune:db-instance", "exp-old-graph-1")}
    doomed.add((HOME, "s3:bucket", make_bucket(HOME, "exp-old-features", exp, objects=3, versioned=True)))

    # -- decoys
    spared.add((HOME, "ec2:instance", make_instance(HOME, None)))                            # untagged
    spared.add((HOME, "s3:bucket", make_bucket(HOME, "untagged-bucket", None)))
    spared.add((HOME, "ec2:volume", make_volume(HOME, tags(None))))                          # expired, no stack tag
    spared.add((HOME, "ec2:volume", make_volume(HOME, tags("exp-old", FUTURE))))             # extended: not expired
    unparseable = (HOME, "ec2:volume", make_volume(HOME, tags("exp-old", "next tuesday")))   # unparseable expiry
    no_expiry = (HOME, "ec2:volume", make_volume(HOME, tags("exp-old", None)))               # no expiry at all
    spared |= {unparseable, no_expiry}
    reasons[unparseable] = "gnnstack:expires-at 'next tuesday' is not a date"
    reasons[no_expiry] = "no gnnstack:expires-at tag"
    spared.add((HOME, "ec2:instance", make_instance(HOME, tags("other", FUTURE))))           # another stack, unexpired
    spared.add((HOME, "s3:bucket", make_bucket(HOME, "other-features", tags("other", FUTURE))))
    prod = tags("prod", PAST, env="production")                                              # production, expired tag
    prod_keys = {(HOME, "ec2:instance", make_instance(HOME, prod)),
                 (HOME, "s3:bucket", make_bucket(HOME, "prod-features", prod))}
    neptune.create_db_cluster(DBClusterIdentifier="prod-graph", Engine="neptune", Tags=tag_list(prod))
    prod_keys.add((HOME, "neptune:cluster", "prod-graph"))
    spared |= prod_keys
    reasons.update(dict.fromkeys(prod_keys, NOT_EXPERIMENT.format("production")))
    spared.add((AWAY, "ec2:volume", make_volume(AWAY, exp)))                                 # region not allowed
    spared.add((AWAY, "s3:bucket", make_bucket(AWAY, "exp-old-away", exp)))

    # -- allowlist decoys: expired, stack-tagged, but not positively an experiment; one per kind
    def decoy(k: tuple[str, str, str], why: str) -> None:
        spared.add(k)
        reasons[k] = why

    decoy((HOME, "emr:cluster", make_cluster("decoy-spark", tags("decoy-prod", env="prod"))),
          NOT_EXPERIMENT.format("prod"))
    client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName="decoy-workers", LaunchTemplate={"LaunchTemplateName": "exp-old-lt"},
        MinSize=0, MaxSize=2, DesiredCapacity=0, AvailabilityZones=[f"{HOME}a"],
        Tags=[{"Key": k, "Value": v, "PropagateAtLaunch": True}
              for k, v in tags("decoy-production", env="Production").items()])
    decoy((HOME, "autoscaling:group", "decoy-workers"), NOT_EXPERIMENT.format("Production"))
    client("sagemaker").create_notebook_instance(NotebookInstanceName="decoy-notebook", InstanceType="ml.t3.medium",
                                                 RoleArn=ROLE, Tags=tag_list(tags("decoy-upper", env="PROD")))
    decoy((HOME, "sagemaker:notebook-instance", "decoy-notebook"), NOT_EXPERIMENT.format("PROD"))
    neptune.create_db_cluster(DBClusterIdentifier="decoy-graph", Engine="neptune",
                              Tags=tag_list(tags("decoy-staging", env="staging")))
    decoy((HOME, "neptune:cluster", "decoy-graph"), NOT_EXPERIMENT.format("staging"))
    neptune.create_db_instance(DBInstanceIdentifier="decoy-graph-1", DBInstanceClass="db.r6g.large", Engine="neptune",
                               DBClusterIdentifier="decoy-graph", Tags=tag_list(tags("decoy-staging", env="staging")))
    decoy((HOME, "neptune:db-instance", "decoy-graph-1"), NOT_EXPERIMENT.format("staging"))
    decoy((HOME, "s3:bucket", make_bucket(HOME, "decoy-no-env", tags("decoy-no-env", env=None))), "no Environment tag")
    # experiments whose expiry is not well formed, or with an empty stack tag
    decoy((HOME, "ec2:instance", make_instance(HOME, tags("exp-old", "2026-13-45T00:00:00Z"))),
          "gnnstack:expires-at '2026-13-45T00:00:00Z' is not a date")
    decoy((HOME, "ec2:volume", make_volume(HOME, tags("exp-old", ""))), "gnnstack:expires-at '' is not a date")
    decoy((HOME, "s3:bucket", make_bucket(HOME, "exp-no-zone", tags("exp-no-zone", "2026-11-01T10:00"))),
          "gnnstack:expires-at '2026-11-01T10:00' has no time zone")
    decoy((HOME, "emr:cluster", make_cluster("exp-old-no-zone", tags("exp-old", "2026-11-01T10:00:00"))),
          "gnnstack:expires-at '2026-11-01T10:00:00' has no time zone")
    decoy((HOME, "ec2:volume", make_volume(HOME, tags("", PAST))), "no gnnstack:stack tag")  # empty stack tag

    # -- more allowlist decoys: Environment in other words and cases, and expiries that are not well
    # formed (malformed, empty, without a time zone), spread so that every kind meets several
    title = tags("decoy-title", env="Prod")
    for k, env in (((HOME, "ec2:volume", make_volume(HOME, title)), "Prod"),
                   ((HOME, "sagemaker:notebook-instance", make_notebook("decoy-title", title)), "Prod"),
                   ((HOME, "s3:bucket", make_bucket(HOME, "decoy-plural", tags("decoy-plural", env="EXPERIMENTS"))),
                    "EXPERIMENTS"),
                   ((HOME, "emr:cluster", make_cluster("decoy-plural", tags("decoy-plural", env="EXPERIMENTS"))),
                    "EXPERIMENTS"),
                   ((HOME, "ec2:instance", make_instance(HOME, tags("decoy-dev", env="dev"))), "dev"),
                   ((HOME, "autoscaling:group", make_group("decoy-dev-workers", tags("decoy-dev", env="dev"))), "dev"),
                   ((HOME, "s3:bucket", make_bucket(HOME, "decoy-staging", tags("decoy-staging", env="staging"))),
                    "staging")):
        decoy(k, NOT_EXPERIMENT.format(env))
    neptune.create_db_instance(DBInstanceIdentifier="decoy-graph-2", DBInstanceClass="db.r6g.large", Engine="neptune",
                               DBClusterIdentifier="decoy-graph",
                               Tags=tag_list(tags("decoy-plural", env="EXPERIMENTS")))
    decoy((HOME, "neptune:db-instance", "decoy-graph-2"), NOT_EXPERIMENT.format("EXPERIMENTS"))

    def not_a_date(value: str) -> str:
        return f"gnnstack:expires-at {value!r} is not a date"

    def no_zone(value: str) -> str:
        return f"gnnstack:expires-at {value!r} has no time zone"

    bad, empty = "2026-02-30T00:00:00Z", ""
    decoy((HOME, "autoscaling:group", make_group("exp-old-bad-expiry", tags("exp-old", bad))), not_a_date(bad))
    neptune.create_db_cluster(DBClusterIdentifier="exp-old-bad-expiry", Engine="neptune",
                              Tags=tag_list(tags("exp-old", "yesterday")))
    decoy((HOME, "neptune:cluster", "exp-old-bad-expiry"), not_a_date("yesterday"))
    decoy((HOME, "emr:cluster", make_cluster("exp-old-empty-expiry", tags("exp-old", empty))), not_a_date(empty))
    decoy((HOME, "s3:bucket", make_bucket(HOME, "exp-old-empty-expiry", tags("exp-old", empty))), not_a_date(empty))
    decoy((HOME, "sagemaker:notebook-instance", make_notebook("exp-old-empty-expiry", tags("exp-old", empty))),
          not_a_date(empty))
    decoy((HOME, "ec2:instance", make_instance(HOME, tags("exp-old", "2026-11-01T10:00:00"))),
          no_zone("2026-11-01T10:00:00"))
    neptune.create_db_instance(DBInstanceIdentifier="exp-old-graph-no-zone", DBInstanceClass="db.r6g.large",
                               Engine="neptune", DBClusterIdentifier="exp-old-bad-expiry",  # kept with it
                               Tags=tag_list(tags("exp-old", "2026-11-01")))
    decoy((HOME, "neptune:db-instance", "exp-old-graph-no-zone"), no_zone("2026-11-01"))

    # -- reaped: Environment differs from "experiment" only in case or surrounding spaces
    client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName="exp-old-case", LaunchTemplate={"LaunchTemplateName": "exp-old-lt"},
        MinSize=0, MaxSize=2, DesiredCapacity=0, AvailabilityZones=[f"{HOME}a"],
        Tags=[{"Key": k, "Value": v, "PropagateAtLaunch": True} for k, v in tags("exp-old", env="Experiment").items()])
    spaced = tags("exp-old", env=" Experiment ")
    neptune.create_db_cluster(DBClusterIdentifier="exp-old-spaced", Engine="neptune", Tags=tag_list(spaced))
    for k in ((HOME, "emr:cluster", make_cluster("exp-old-case", tags("exp-old", env="Experiment"))),
              (HOME, "autoscaling:group", "exp-old-case"),
              (HOME, "ec2:volume", make_volume(HOME, tags("exp-old", env=" EXPERIMENT "))),
              (HOME, "ec2:instance", make_instance(HOME, tags("exp-old", env=" EXPERIMENT "))),
              (HOME, "s3:bucket", make_bucket(HOME, "exp-old-spaced", spaced)),
              (HOME, "sagemaker:notebook-instance", make_notebook("exp-old-spaced", spaced)),
              (HOME, "neptune:cluster", "exp-old-spaced")):
        doomed.add(k)
        allowlisted.add(k)
    return {"doomed": doomed, "spared": spared, "reasons": reasons, "allowlisted": allowlisted}


def inventory() -> set[tuple[str, str, str]]:
    """What exists, read straight from each service (not through reap)."""
    have = set()
    for region in (HOME, AWAY):
        ec2 = client("ec2", region)
        for r in ec2.describe_instances()["Reservations"]:
            have.update((region, "ec2:instance", i["InstanceId"]) for i in r["Instances"]
                        if i["State"]["Name"] not in ("terminated", "shutting-down"))
        have.update((region, "ec2:volume", v["VolumeId"]) for v in ec2.describe_volumes()["Volumes"])
        have.update((region, "autoscaling:group", g["AutoScalingGroupName"])
                    for g in client("autoscaling", region).describe_auto_scaling_groups()["AutoScalingGroups"])
        have.update((region, "emr:cluster", c["Id"]) for c in client("emr", region).list_clusters(
            ClusterStates=emr_cluster.ACTIVE_STATES)["Clusters"])
        have.update((region, "sagemaker:notebook-instance", n["NotebookInstanceName"])
                    for n in client("sagemaker", region).list_notebook_instances()["NotebookInstances"])
        neptune = client("neptune", region)
        have.update((region, "neptune:cluster", c["DBClusterIdentifier"])
                    for c in neptune.describe_db_clusters()["DBClusters"])
        have.update((region, "neptune:db-instance", i["DBInstanceIdentifier"])
                    for i in neptune.describe_db_instances()["DBInstances"])
    s3 = client("s3")
    for b in s3.list_buckets()["Buckets"]:
        loc = s3.get_bucket_location(Bucket=b["Name"])["LocationConstraint"] or "us-east-1"
        have.add((loc, "s3:bucket", b["Name"]))
    return have


def key(f: Found) -> tuple[str, str, str]:
    return (f.region, f.kind, f.identifier)


def plan(**kw):
    found = reap.discover([HOME, AWAY], NOW)
    rules = {"allowed_regions": [HOME], "allowed_accounts": [ACCOUNT], "account_id": ACCOUNT, **kw}
    return found, reap.expired_experiments(found, NOW, **rules)


# ---------------------------------------------------------------------------------------------
# Against the server


def test_dry_run_finds_exactly_the_expired_experiment_and_changes_nothing(world):
    before = inventory()
    assert world["doomed"] | world["spared"] <= before
    found, selected = plan()
    assert inventory() == before
    assert {key(f) for f in selected} == world["doomed"]
    assert {f.stack for f in selected} == {"exp-old"}
    # Discovery sees every stack-tagged resource, decoys included, and nothing untagged.
    keys = {key(f) for f in found}
    assert all("gnnstack:stack" in f.tags for f in found)
    assert (AWAY, "s3:bucket", "exp-old-away") in keys and (HOME, "s3:bucket", "prod-features") in keys
    assert (HOME, "s3:bucket", "untagged-bucket") not in keys
    assert len(keys) == len(found)  # de-duplicated by ARN (moto lists every bucket in every region)
    neptune = {f.kind: f for f in found if f.stack == "exp-old" and f.service == "neptune"}
    assert neptune["neptune:db-instance"].arn.startswith("arn:aws:rds:")
    assert all(f.expired for f in selected)
    assert list(reap.group_by_stack(selected)) == ["exp-old"]
    # Without the region limit, the other region's expired resources would go too.
    _, everywhere = plan(allowed_regions=None)
    assert {key(f) for f in everywhere} - world["doomed"] == {k for k in world["spared"] if k[0] == AWAY}
    # An account that is not allowed gets nothing.
    assert plan(allowed_accounts=["999999999999"])[1] == []


def test_only_what_is_positively_an_expired_experiment_goes_and_every_decoy_is_skipped_with_its_reason(world):
    found = reap.discover([HOME, AWAY], NOW)
    chosen = reap.select(found, NOW, allowed_regions=[HOME], allowed_accounts=[ACCOUNT], account_id=ACCOUNT)
    assert {key(f) for f in chosen.reap} == world["doomed"]
    assert world["allowlisted"] <= {key(f) for f in chosen.reap}
    skipped = {key(f): why for f, why in chosen.skipped}
    assert {k: skipped.get(k) for k in world["reasons"]} == world["reasons"]
    assert {k for k in skipped if k[0] == AWAY} == {k for k in world["spared"] if k[0] == AWAY}
    assert all(why == f"region {AWAY} is not allowed (reap: regions)" for k, why in skipped.items() if k[0] == AWAY)
    # Well-formed experiments that have not expired yet are kept apart, with their expiry.
    waiting = {key(f): why for f, why in chosen.not_expired}
    assert set(waiting.values()) == {"not expired until 2026-12-31T00:00:00Z"} and len(waiting) == 3
    assert set(skipped) | set(waiting) | {key(f) for f in chosen.reap} == {key(f) for f in found}

    outcomes = reap.delete(chosen.reap)
    assert [(key(o.found), o.error) for o in outcomes if not o.ok] == []
    after = inventory()
    assert after & world["doomed"] == set()
    assert world["spared"] <= after

    # Handed to delete directly, every tag decoy is refused with the same reason and survives.
    decoys = [f for f in found if key(f) in world["reasons"]]
    assert len(decoys) == len(world["reasons"])
    again = reap.delete(decoys)
    assert {key(o.found): (o.ok, o.action, o.error) for o in again} == {
        k: (False, "refused", why) for k, why in world["reasons"].items()}
    assert set(world["reasons"]) <= inventory()


def test_bucket_regions_fall_back_to_get_bucket_location_when_the_listing_filter_is_ignored(world, monkeypatch):
    real = botocore.client.BaseClient._make_api_call
    calls: list[str] = []

    def ignore_filter(self, operation, params):
        calls.append(operation)
        if operation == "ListBuckets":
            params = {k: v for k, v in params.items() if k != "BucketRegion"}
        return real(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", ignore_filter)
    found, selected = plan()
    assert {key(f) for f in selected} == world["doomed"]
    assert {key(f) for f in found if f.kind == "s3:bucket" and f.stack == "exp-old"} == {
        (HOME, "s3:bucket", "exp-old-features"), (AWAY, "s3:bucket", "exp-old-away"),
        (HOME, "s3:bucket", "exp-old-spaced"), (HOME, "s3:bucket", "exp-old-empty-expiry")}
    assert calls.count("GetBucketLocation") >= 4  # every tagged bucket located one by one


def test_delete_removes_the_expired_experiment_spares_every_decoy_and_a_second_run_is_a_no_op(world):
    _, selected = plan()
    messages: list[str] = []
    outcomes = reap.delete(selected, progress=messages.append)
    assert [o for o in outcomes if not o.ok] == []
    assert {key(o.found) for o in outcomes} == world["doomed"]
    after = inventory()
    assert after & world["doomed"] == set()
    assert world["spared"] <= after
    actions = {o.found.kind: o.action for o in outcomes}
    assert actions["sagemaker:notebook-instance"] == "stopped and deleted"
    assert actions["s3:bucket"].startswith("emptied")
    assert any("exp-old-features" in m for m in messages)
    # Dependency order: notebooks, EMR, Neptune instances before their cluster, ASGs, instances, volumes, buckets.
    order = [o.found.kind for o in outcomes]
    assert order.index("neptune:db-instance") < order.index("neptune:cluster")
    assert (order.index("autoscaling:group") < order.index("ec2:instance") < order.index("ec2:volume")
            < order.index("s3:bucket"))
    assert order.index("sagemaker:notebook-instance") < order.index("emr:cluster")

    # Second run: nothing left to select, and re-deleting the old plan only finds things gone.
    assert plan()[1] == []
    again = reap.delete(selected)
    assert all(o.ok for o in again), [(key(o.found), o.error) for o in again if not o.ok]
    assert inventory() == after


def test_a_resource_that_refuses_deletion_is_reported_and_the_rest_goes_on(world, monkeypatch):
    # A bucket nobody can empty: object lock with a legal hold on its objects.
    exp = tags("exp-old")
    locked = make_bucket(HOME, "exp-old-locked", exp, objects=1, locked=True)
    stuck_volume = sorted(k[2] for k in world["doomed"] if k[1] == "ec2:volume")[0]
    real = botocore.client.BaseClient._make_api_call

    def flaky(self, operation, params):
        if operation == "DeleteVolume" and params.get("VolumeId") == stuck_volume:
            raise ClientError({"Error": {"Code": "UnauthorizedOperation", "Message": "injected"}}, operation)
        return real(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", flaky)
    _, selected = plan()
    outcomes = reap.delete(selected)
    failed = {key(o.found): o for o in outcomes if not o.ok}
    assert set(failed) == {(HOME, "s3:bucket", locked), (HOME, "ec2:volume", stuck_volume)}
    assert "could not empty" in failed[(HOME, "s3:bucket", locked)].error
    assert "injected" in failed[(HOME, "ec2:volume", stuck_volume)].error
    after = inventory()
    assert after & world["doomed"] == {(HOME, "ec2:volume", stuck_volume)}
    assert (HOME, "s3:bucket", locked) in after
    assert world["spared"] <= after
    # The next run offers exactly what is left.
    assert {key(f) for f in plan()[1]} == set(failed)


def test_delete_refuses_what_the_safety_rules_forbid_even_if_asked(world):
    found, _ = plan()
    prod = [f for f in found if f.stack == "prod"]
    assert prod
    outcomes = reap.delete(prod)
    assert all(not o.ok and o.action == "refused" for o in outcomes)
    assert {key(f) for f in prod} <= inventory()


def test_aws_client_uses_the_endpoint_from_the_environment_and_adaptive_retries(moto_url):
    c = reap.aws_client("ec2", "eu-west-1")
    assert c.meta.endpoint_url == moto_url
    assert c.meta.region_name == "eu-west-1"
    assert c.meta.config.retries["mode"] == "adaptive"
    assert c.meta.config.retries["total_max_attempts"] == 9  # max_attempts=8 retries after the first call
    assert reap.caller_account() == ACCOUNT
