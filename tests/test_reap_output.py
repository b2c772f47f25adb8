"""reap's report and removal plan as functions of plain results (no server): the rich listing
keeps one resource per line whatever its length, styles only headings (click drops the styling
off a terminal or under NO_COLOR), the JSON is the dry run's data, and each stack's route."""

from __future__ import annotations

import json

import click
import pytest

from gnnstack import reap
from gnnstack.outputs import reap as out
from gnnstack.reap import removal

from .test_reap_rules import AWAY, FUTURE, HOME, NOW, PAST, tags

LONG = "Environment is '" + "production-" * 40 + "', not experiment"


def found(stack: str, identifier: str, kind: str = "s3:bucket", expires: str | None = PAST, region: str = HOME,
          **tag_kw) -> reap.Found:
    return reap.Found(stack=stack, region=region, service=kind.split(":")[0], kind=kind, identifier=identifier,
                      arn=f"arn:aws:test:{region}:1:{kind}/{identifier}", expires_at=reap.parse_expiry(expires),
                      tags=tags(stack, expires, **tag_kw), account="1", observed_at=NOW)


def selection() -> reap.Selection:
    return reap.Selection(
        reap=[found("b-stack", "vol-1", "ec2:volume"), found("a-stack", "a-data"),
              found("a-stack", "nb", "sagemaker:notebook-instance")],
        skipped=[(found("prod", "prod-data", env="x"), LONG),
                 (found("", "orphan", region=AWAY), "no gnnstack:stack tag")],
        not_expired=[(found("later", "later-data", expires=FUTURE), "not expired until 2026-12-31T00:00:00Z")])


def test_the_listing_is_one_line_per_resource_with_styled_headings_only():
    text = out.listing([HOME, AWAY], selection())
    assert "\x1b[1m" in text  # headings are bold until click strips it
    plain = click.unstyle(text).splitlines()
    assert plain == [line.rstrip() for line in plain]  # no trailing padding
    assert plain[0] == "a-stack: 2 expired resource(s)" and plain[3] == "b-stack: 1 expired resource(s)"
    assert plain[1].split() == ["us-east-1", "s3:bucket", "a-data", "(expired", "2026-11-01T00:00Z)"]
    assert plain[2].split()[:3] == ["us-east-1", "sagemaker:notebook-instance", "nb"]
    assert plain[1].startswith("  us-east-1  ")  # indented under the heading
    assert plain[5] == "skipped 2 resource(s) not marked as expired experiments (never touched):"
    long_line = next(line for line in plain if " prod-data " in line)
    assert long_line.endswith(f"  {LONG}")
    assert long_line.split()[:4] == ["us-east-1", "s3:bucket", "prod-data", "[prod]"]
    assert next(line for line in plain if " orphan " in line).split()[3:5] == ["[no", "stack]"]
    assert plain[-1] == "1 experiment resource(s) not expired yet"
    assert len(plain) == 9
    # Styling sits on the headings only: unstyled rows are byte for byte what was rendered.
    assert [line for line in text.splitlines() if "\x1b" not in line] == [
        line for line in plain if line not in (plain[0], plain[3], plain[5])]


def test_nothing_expired_says_where_it_looked():
    chosen = reap.Selection(not_expired=[(found("later", "x", expires=FUTURE), "not expired until ...")])
    assert click.unstyle(out.listing([HOME, AWAY], chosen)).splitlines() == [
        "1 experiment resource(s) not expired yet", "nothing has expired in us-east-1, eu-west-1"]


def test_the_json_report_is_the_dry_run_as_data():
    data = json.loads(json.dumps(out.json_report([HOME], selection())))
    assert data["dry_run"] is True and data["regions"] == [HOME]
    assert list(data["stacks"]) == ["a-stack", "b-stack"]
    assert data["stacks"]["a-stack"][0] == {"kind": "s3:bucket", "identifier": "a-data", "region": HOME,
                                            "arn": f"arn:aws:test:{HOME}:1:s3:bucket/a-data",
                                            "expires_at": "2026-11-01T00:00:00+00:00"}
    assert [(s["stack"], s["identifier"], s["reason"]) for s in data["skipped"]] == [
        ("prod", "prod-data", LONG), (None, "orphan", "no gnnstack:stack tag")]
    assert data["not_expired"][0]["expires_at"] == "2026-12-31T00:00:00+00:00"


def test_search_regions():
    def unread():
        raise AssertionError("the stacks are read only when neither --region nor reap: regions is given")

    assert removal.search_regions(["eu-west-1"], ["us-east-1"], unread) == (["eu-west-1"], ["us-east-1"])
    assert removal.search_regions([], ["us-east-1"], unread) == (["us-east-1"], ["us-east-1"])
    assert removal.search_regions([], None, lambda: ["us-west-2", "us-east-1", "us-west-2"]) == (
        ["us-east-1", "us-west-2"], ["us-east-1", "us-west-2"])
    assert removal.search_regions(["eu-west-1"], (), unread) == (["eu-west-1"], ["eu-west-1"])


@pytest.mark.parametrize("pulumi", [None, "/usr/bin/pulumi"])
def test_each_stack_gets_its_route(tmp_path, monkeypatch, pulumi):
    import gnnstack.deploy

    monkeypatch.setattr(gnnstack.deploy, "pulumi_cli", lambda: pulumi)
    state = tmp_path / ".pulumi" / "stacks" / "proj"
    state.mkdir(parents=True)
    for stack in ("held", "managed", "stateful-no-file"):
        (state / f"{stack}.json").write_text("{}")
    chosen = reap.Selection(reap=[found("held", "h"), found("managed", "m"), found("orphan", "o"),
                                  found("stateful-no-file", "s")],
                            skipped=[(found("held", "h-prod", env="prod"), "Environment is 'prod', not experiment")])
    plans = reap.removal_plan(chosen, project_name="proj", stack_files=["managed", "held"], backend=f"file://{tmp_path}")
    routes = {p.stack: p.route for p in plans}
    managed = removal.PULUMI if pulumi else removal.NEEDS_PULUMI
    assert routes == {"held": removal.HELD, "managed": managed, "orphan": removal.DIRECT,
                      "stateful-no-file": managed if not pulumi else removal.DIRECT}
    held = next(p for p in plans if p.route == removal.HELD)
    assert not held.removes and out.announcement(held) == (
        "held: not destroyed: its Pulumi state exists and 1 of its resource(s) may not be reaped, e.g. "
        "us-east-1 s3:bucket h-prod: Environment is 'prod', not experiment", True)
    # A backend that is not a folder cannot be looked into offline: every stack is deleted directly.
    assert {p.route for p in reap.removal_plan(chosen, project_name="proj", stack_files=["managed"],
                                               backend="s3://state")} == {removal.DIRECT}
    with pytest.raises(ValueError, match="removes nothing"):
        reap.remove_stack(held, project=None)
