"""reap's rules alone, no server (quick): `reapable`, the one safety decision, and `select`,
which applies it; expiry and ARN parsing; and that reap never imports Pulumi. Against moto's
server: test_reap.py."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from gnnstack import reap
from gnnstack.reap import Found

NOW = datetime(2026, 11, 23, 10, 30, tzinfo=timezone.utc)
PAST = "2026-11-01T00:00:00Z"
FUTURE = "2026-12-31T00:00:00Z"
HOME, AWAY = "us-east-1", "eu-west-1"
ACCOUNT = "123456789012"  # moto's default account


def tags(stack: str | None, expires: str | None = PAST, env: str | None = "experiment", **extra: str) -> dict[str, str]:
    t = {"Project": "gnnstack", "Owner": "team", "CostCenter": "cc-1", "gnnstack:option": "neptune-sagemaker", **extra}
    if env is not None:
        t["Environment"] = env
    if stack is not None:
        t["gnnstack:stack"] = stack
    if expires is not None:
        t["gnnstack:expires-at"] = expires
    return t


# ---------------------------------------------------------------------------------------------
# The rules alone (no server)


def found(stack="s", expires: str | None = PAST, env="experiment", region=HOME, arn=None, **tag_extra) -> Found:
    t = tags(stack, expires, env, **tag_extra)
    return Found(stack=stack or "", region=region, service="ec2", kind="ec2:volume", identifier="vol-1",
                 arn=arn or f"arn:aws:ec2:{region}:{ACCOUNT}:volume/vol-1", expires_at=reap.parse_expiry(expires),
                 tags=t, account=ACCOUNT, observed_at=NOW)


def test_selection_rules():
    def pick(*fs, **kw):
        return reap.expired_experiments(fs, NOW, **{"allowed_regions": None, "allowed_accounts": None,
                                                    "account_id": None, **kw})
    assert len(pick(found())) == 1
    assert pick(found(stack=None)) == []
    assert pick(found(env="production")) == [] and pick(found(env="Production")) == []
    assert pick(found(expires=FUTURE)) == []
    assert pick(found(expires=None)) == [] and pick(found(expires="garbage")) == []
    for env in ("prod", "Production", "PROD", "staging", "", "experiments", None):
        assert pick(found(env=env)) == [], env
    for expires in ("", " ", "2026-11-01T10:00", "2026-11-01", "2026-11-01T10:00:00", "2026-13-01T00:00:00Z", "soon"):
        assert pick(found(expires=expires)) == [], expires
    assert pick(found(stack="")) == [] and pick(found(stack="  ")) == []
    for env in ("Experiment", " EXPERIMENT ", "experiment\t"):
        assert len(pick(found(env=env))) == 1, env
    for expires in ("2026-11-23T10:30:00Z", "2026-11-23T11:30:00+01:00", "2026-11-01T00:00:00z", " 2026-11-01T00:00Z "):
        assert len(pick(found(expires=expires))) == 1, expires
    assert pick(found(region=AWAY), allowed_regions=[HOME]) == []
    assert pick(found(), allowed_accounts=["111111111111"]) == []
    # A bucket ARN has no account: the caller's account decides, and an unknown one is refused.
    bucket = Found(stack="s", region=HOME, service="s3", kind="s3:bucket", identifier="b", arn="arn:aws:s3:::b",
                   expires_at=reap.parse_expiry(PAST), tags=tags("s"), account=None, observed_at=NOW)
    assert pick(bucket, allowed_accounts=[ACCOUNT], account_id=ACCOUNT) == [bucket]
    assert pick(bucket, allowed_accounts=[ACCOUNT], account_id=None) == []
    assert reap.group_by_stack([found("b"), found("a"), found("b")]).keys() == {"a", "b"}


def test_reapable_is_the_one_decision_and_says_why():
    assert reap.reapable(tags("s"), NOW) == (True, "expired 2026-11-01T00:00:00Z")
    assert reap.reapable(tags("s", env=" Experiment "), NOW) == (True, "expired 2026-11-01T00:00:00Z")
    assert reap.reapable(tags("s", "2026-11-23T10:30:00Z"), NOW)[0]  # expiring at this very moment
    cases = {
        "no gnnstack:stack tag": [tags(None), tags(""), tags(" "), tags(None, env="production")],
        "no Environment tag": [tags("s", env=None)],
        "Environment is 'prod', not experiment": [tags("s", env="prod")],
        "Environment is 'Production', not experiment": [tags("s", env="Production")],
        "Environment is 'PROD', not experiment": [tags("s", env="PROD")],
        "Environment is 'staging', not experiment": [tags("s", env="staging")],
        "Environment is '', not experiment": [tags("s", env="")],
        "no gnnstack:expires-at tag": [tags("s", None)],
        "gnnstack:expires-at '' is not a date": [tags("s", "")],
        "gnnstack:expires-at 'next tuesday' is not a date": [tags("s", "next tuesday")],
        "gnnstack:expires-at '2026-11-01T10:00' has no time zone": [tags("s", "2026-11-01T10:00")],
        "gnnstack:expires-at '2026-11-01' has no time zone": [tags("s", "2026-11-01")],
        "not expired until 2026-12-31T00:00:00Z": [tags("s", FUTURE), tags("s", "2026-12-31T01:00:00+01:00")],
    }
    for why, tag_sets in cases.items():
        for t in tag_sets:
            assert reap.reapable(t, NOW) == (False, why), t


def test_parse_expiry_and_arns():
    from gnnstack import clock
    from guardrails import context

    assert reap.parse_expiry("2026-11-30T12:00:00Z") == datetime(2026, 11, 30, 12, tzinfo=timezone.utc)
    # No time zone: not well formed (it used to be taken as UTC; reap no longer guesses).
    assert reap.parse_expiry("2026-11-30T12:00:00") is None
    assert reap.parse_expiry("2026-11-30T13:00:00+01:00") == datetime(2026, 11, 30, 12, tzinfo=timezone.utc)
    assert reap.parse_expiry("tomorrow") is None and reap.parse_expiry("") is None
    assert reap.parse_expiry(None) is None and reap.parse_expiry("2026-11-30") is None
    # One parser: reap, the guardrails and GNNSTACK_NOW all go through gnnstack.clock.
    assert reap.parse_expiry is clock.parse_expiry is context.parse_expiry
    assert (clock.parse_timestamp("2026-11-30T12:00:00", assume_utc=True)
            == datetime(2026, 11, 30, 12, tzinfo=timezone.utc))
    with pytest.raises(ValueError, match="has no time zone"):
        clock.parse_timestamp("2026-11-30T12:00:00")
    assert found().expired and not found(expires=FUTURE).expired
    parse = reap.identify
    assert parse("arn:aws:ec2:us-east-1:1:instance/i-1")[:3] == ("ec2", "ec2:instance", "i-1")
    assert parse("arn:aws:s3:::my-bucket")[:3] == ("s3", "s3:bucket", "my-bucket")
    assert parse("arn:aws:rds:us-east-1:1:cluster:g")[:3] == ("rds", "rds:cluster", "g")
    assert (parse("arn:aws:sagemaker:us-east-1:1:notebook-instance/nb")[:3]
            == ("sagemaker", "sagemaker:notebook-instance", "nb"))
    assert parse("arn:aws:autoscaling:us-east-1:1:autoScalingGroup:u-u:autoScalingGroupName/g")[:3] == (
        "autoscaling", "autoscaling:group", "g")
    assert parse("arn:aws:elasticmapreduce:us-east-1:1:cluster/j-1")[:3] == ("emr", "emr:cluster", "j-1")


def test_reap_does_not_import_pulumi():
    import subprocess
    import sys

    code = "import sys, gnnstack.reap; sys.exit(1 if any(m.startswith('pulumi') for m in sys.modules) else 0)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
