"""`gnnstack reap` end to end against moto's server on 127.0.0.1: dry run, removal, the Pulumi
state path without the Pulumi CLI, the second run, and the allowlist: whatever is not positively
an expired experiment is listed as skipped, with the reason, and survives."""

from __future__ import annotations

import json

import boto3
import click
import pytest
from click.testing import CliRunner

from gnnstack.cli import main
from gnnstack.deploy import pulumi_cli

pytestmark = pytest.mark.slow  # moto's server
EXPIRED = "2026-11-20T00:00:00Z"  # GNNSTACK_NOW is 2026-11-23T10:30Z in the tests
LATER = "2026-12-20T00:00:00Z"


def tags(stack: str, expires: str, environment: str = "experiment") -> list[dict[str, str]]:
    return [{"Key": "gnnstack:stack", "Value": stack}, {"Key": "gnnstack:expires-at", "Value": expires},
            {"Key": "Environment", "Value": environment}, {"Key": "Project", "Value": "gnnstack"}]


def bucket(name: str, tag_set: list[dict[str, str]]) -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=name)
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tag_set})
    s3.put_object(Bucket=name, Key="features/part-0.parquet", Body=b"x" * 100)


def labelled(stack: str | None = None, expires: str | None = EXPIRED, environment: str | None = "experiment"
             ) -> list[dict[str, str]]:
    """Like `tags`, but any of the three may be left out (None)."""
    t = {"Project": "gnnstack", "gnnstack:stack": stack, "gnnstack:expires-at": expires, "Environment": environment}
    return [{"Key": k, "Value": v} for k, v in t.items() if v is not None]


def volume(tag_set: list[dict[str, str]]) -> str:
    return boto3.client("ec2", region_name="us-east-1").create_volume(
        AvailabilityZone="us-east-1a", Size=8,
        TagSpecifications=[{"ResourceType": "volume", "Tags": tag_set}])["VolumeId"]


def volumes() -> set[str]:
    return {v["VolumeId"] for v in boto3.client("ec2", region_name="us-east-1").describe_volumes()["Volumes"]}


def line_of(output: str, identifier: str) -> str:
    lines = [line for line in output.splitlines() if f" {identifier} " in f"{line} "]
    assert len(lines) == 1, (identifier, output)
    return lines[0]


def buckets() -> set[str]:
    return {b["Name"] for b in boto3.client("s3", region_name="us-east-1").list_buckets()["Buckets"]}


def invoke(*args, env=None, color=False):
    return CliRunner().invoke(main, list(args), env=env or {}, color=color)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("GNNSTACK_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_reap_lists_then_removes_only_expired_experiments(moto_server, home):
    bucket("old-experiment-data", tags("old-experiment", EXPIRED))
    bucket("live-experiment-data", tags("live-experiment", LATER))
    bucket("prod-data", tags("prod", EXPIRED, environment="production"))
    bucket("untagged-data", [{"Key": "Owner", "Value": "someone"}])
    instance = boto3.client("ec2", region_name="us-east-1").run_instances(
        ImageId="ami-12345678", MinCount=1, MaxCount=1, InstanceType="t3.micro",
        TagSpecifications=[{"ResourceType": "instance", "Tags": tags("old-experiment", EXPIRED)}])["Instances"][0]

    dry = invoke("reap")
    assert dry.exit_code == 0, dry.output
    assert "old-experiment: 2 expired resource(s)" in dry.output and "dry run: nothing changed" in dry.output
    # Listed as skipped (below the removal list), never among what would be removed.
    removal, skipped_header, skipped = dry.output.partition("\nskipped ")
    assert skipped_header and "never touched" in skipped.splitlines()[0]
    assert "live-experiment" not in dry.output and "prod" not in removal.replace("production", "")
    assert line_of(skipped, "prod-data").split() == [
        "us-east-1", "s3:bucket", "prod-data", "[prod]", "Environment", "is", "'production',", "not", "experiment"]
    # Headings are styled on a terminal; NO_COLOR leaves the same text with no styling at all.
    styled, plain = invoke("reap", color=True), invoke("reap", env={"NO_COLOR": "1"}, color=True)
    assert "\x1b[" in styled.output and "\x1b[" not in plain.output
    assert click.unstyle(styled.output) == plain.output == dry.output
    data = json.loads(invoke("reap", "--format", "json").output)
    assert set(data["stacks"]) == {"old-experiment"}
    assert buckets() == {"old-experiment-data", "live-experiment-data", "prod-data", "untagged-data"}

    real = invoke("reap", "--no-dry-run", "--yes")
    assert real.exit_code == 0, real.output
    assert buckets() == {"live-experiment-data", "prod-data", "untagged-data"}
    state = boto3.client("ec2", region_name="us-east-1").describe_instances(
        InstanceIds=[instance["InstanceId"]])["Reservations"][0]["Instances"][0]["State"]["Name"]
    assert state in ("shutting-down", "terminated")

    again = invoke("reap", "--no-dry-run", "--yes")
    assert again.exit_code == 0 and "nothing has expired" in again.output


@pytest.mark.skipif(pulumi_cli() is not None, reason="the Pulumi CLI is installed here")
def test_a_stack_with_pulumi_state_needs_the_cli_and_is_left_alone(moto_server, home):
    state = home / "state" / ".pulumi" / "stacks" / "gnnstack"
    state.mkdir(parents=True)
    (state / "experiment.json").write_text("{}")
    bucket("experiment-data", tags("experiment", EXPIRED))
    bucket("orphan-data", tags("orphan", EXPIRED))
    result = invoke("reap", "--no-dry-run", "--yes")
    assert result.exit_code == 2
    assert "skipped experiment: their Pulumi state exists" in result.output
    assert "Pulumi CLI is not installed" in result.output
    assert buckets() == {"experiment-data"}  # the orphan went; the stack with state was not touched


# Each decoy: expired (unless its expiry is the point) and stack-tagged, but not positively marked
# as an experiment. name -> (tags, the reason reap gives).
DECOY_BUCKETS = {
    "decoy-prod": (labelled("decoy-prod", environment="prod"), "Environment is 'prod', not experiment"),
    "decoy-production": (labelled("decoy-production", environment="Production"),
                         "Environment is 'Production', not experiment"),
    "decoy-prod-upper": (labelled("decoy-prod-upper", environment="PROD"), "Environment is 'PROD', not experiment"),
    "decoy-staging": (labelled("decoy-staging", environment="staging"), "Environment is 'staging', not experiment"),
    "decoy-no-env": (labelled("decoy-no-env", environment=None), "no Environment tag"),
    "decoy-bad-expiry": (labelled("decoy-bad-expiry", expires="2026-11-31T00:00:00Z"),
                         "gnnstack:expires-at '2026-11-31T00:00:00Z' is not a date"),
    "decoy-empty-expiry": (labelled("decoy-empty-expiry", expires=""), "gnnstack:expires-at '' is not a date"),
    "decoy-no-zone": (labelled("decoy-no-zone", expires="2026-11-01T10:00"),
                      "gnnstack:expires-at '2026-11-01T10:00' has no time zone"),
    "decoy-no-stack": (labelled(""), "no gnnstack:stack tag"),
    "decoy-prod-title": (labelled("decoy-prod-title", environment="Prod"), "Environment is 'Prod', not experiment"),
    "decoy-experiments": (labelled("decoy-experiments", environment="EXPERIMENTS"),
                          "Environment is 'EXPERIMENTS', not experiment"),
    "decoy-dev": (labelled("decoy-dev", environment="dev"), "Environment is 'dev', not experiment"),
}
DECOY_VOLUMES = {  # the same rule for another kind
    "prod": (labelled("decoy-vol-prod", environment="PROD"), "Environment is 'PROD', not experiment"),
    "no-zone": (labelled("decoy-vol-no-zone", expires="2026-11-20T00:00:00"),
                "gnnstack:expires-at '2026-11-20T00:00:00' has no time zone"),
    "no-env": (labelled("decoy-vol-no-env", environment=None), "no Environment tag"),
    "dev": (labelled("decoy-vol-dev", environment="dev"), "Environment is 'dev', not experiment"),
    "staging": (labelled("decoy-vol-staging", environment="staging"), "Environment is 'staging', not experiment"),
    "bad-expiry": (labelled("decoy-vol-bad-expiry", expires="2026-11-20T25:00:00Z"),
                   "gnnstack:expires-at '2026-11-20T25:00:00Z' is not a date"),
    "empty-expiry": (labelled("decoy-vol-empty-expiry", expires=""), "gnnstack:expires-at '' is not a date"),
}


def test_reap_touches_only_what_is_positively_an_expired_experiment(moto_server, home):
    for name, (tag_set, _) in DECOY_BUCKETS.items():
        bucket(name, tag_set)
    vols = {volume(tag_set): why for tag_set, why in DECOY_VOLUMES.values()}
    bucket("no-stack-key", labelled(None))  # not a gnnstack resource at all: never even found
    # Positively experiments, whatever the case or surrounding spaces.
    bucket("exp-mixed-case", labelled("exp-case", environment="Experiment"))
    bucket("exp-spaced", labelled("exp-case", environment=" EXPERIMENT "))
    bucket("exp-title-spaced", labelled("exp-case", environment=" Experiment "))
    spaced_volume = volume(labelled("exp-case", environment=" EXPERIMENT "))
    decoy_reasons = {**{name: why for name, (_, why) in DECOY_BUCKETS.items()}, **vols}
    reaped = {"exp-mixed-case", "exp-spaced", "exp-title-spaced"}
    all_buckets = set(DECOY_BUCKETS) | {"no-stack-key"} | reaped

    dry = invoke("reap")
    assert dry.exit_code == 0, dry.output
    removal, _, skipped = dry.output.partition("\nskipped ")
    assert "exp-case: 4 expired resource(s)" in removal
    assert "exp-mixed-case" in removal and "exp-spaced" in removal and spaced_volume in removal
    assert "exp-title-spaced" in removal
    assert skipped.startswith(f"{len(decoy_reasons)} resource(s) not marked as expired experiments (never touched):")
    for identifier, why in decoy_reasons.items():
        assert identifier not in removal
        assert line_of(skipped, identifier).endswith(f"  {why}"), identifier
    assert "no-stack-key" not in dry.output
    assert buckets() == all_buckets and spaced_volume in volumes()

    data = json.loads(invoke("reap", "--format", "json").output)
    assert set(data["stacks"]) == {"exp-case"}
    assert {f["identifier"] for f in data["stacks"]["exp-case"]} == reaped | {spaced_volume}
    assert {f["identifier"]: f["reason"] for f in data["skipped"]} == decoy_reasons
    assert {f["identifier"]: f["stack"] for f in data["skipped"]}["decoy-no-stack"] is None
    assert data["not_expired"] == []

    real = invoke("reap", "--no-dry-run", "--yes")
    assert real.exit_code == 0, real.output
    assert buckets() == all_buckets - reaped
    assert set(vols) <= volumes() and spaced_volume not in volumes()
    for identifier, why in decoy_reasons.items():  # listed with --no-dry-run too, before anything goes
        assert line_of(real.output, identifier).endswith(f"  {why}"), identifier

    again = invoke("reap", "--no-dry-run", "--yes")
    assert again.exit_code == 0 and "nothing has expired" in again.output
    assert buckets() == all_buckets - reaped and set(vols) <= volumes()


def test_a_stack_with_pulumi_state_is_not_destroyed_when_some_of_it_may_not_be_reaped(moto_server, home):
    state = home / "state" / ".pulumi" / "stacks" / "gnnstack"
    state.mkdir(parents=True)
    (state / "experiment.json").write_text("{}")
    bucket("experiment-data", tags("experiment", EXPIRED))
    bucket("experiment-prod-data", tags("experiment", EXPIRED, environment="prod"))  # same stack, not an experiment
    bucket("orphan-data", tags("orphan", EXPIRED))
    result = invoke("reap", "--no-dry-run", "--yes")
    assert result.exit_code == 2, result.output
    assert ("experiment: not destroyed: its Pulumi state exists and 1 of its resource(s) may not be reaped, e.g. "
            "us-east-1 s3:bucket experiment-prod-data: Environment is 'prod', not experiment") in result.output
    assert "skipped experiment: their Pulumi state exists" not in result.output  # refused before needing Pulumi
    assert buckets() == {"experiment-data", "experiment-prod-data"}  # the orphan went; the stack was not touched
