"""`gnnstack reap` end to end against moto's server on 127.0.0.1: dry run, removal, the Pulumi
state path without the Pulumi CLI, and the second run."""

from __future__ import annotations

import json

import boto3
import pytest
from click.testing import CliRunner

from gnnstack.cli import main
from gnnstack.deploy import pulumi_cli

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


def buckets() -> set[str]:
    return {b["Name"] for b in boto3.client("s3", region_name="us-east-1").list_buckets()["Buckets"]}


def invoke(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env or {})


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
    assert "live-experiment" not in dry.output and "prod" not in dry.output.replace("production", "")
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
