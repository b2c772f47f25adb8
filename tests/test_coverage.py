"""`gnnstack prices coverage` and the type list under it: every pulumi-aws resource type classified,
and every AWS type token the pricers, FREE and PRICED_WITH name is one pulumi-aws has (a misspelt
token would never match a resource and its type would silently stay unsupported)."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from gnnstack.cli import main
from gnnstack.costing.coverage import STATUSES, aws_types, classify, coverage
from gnnstack.costing.pricers import FREE, PRICED_WITH, PRICERS, USAGE_MODELS


def test_every_aws_token_the_engine_names_is_a_pulumi_aws_type():
    _, listed = aws_types()
    named = [t for t in (*PRICERS, *FREE, *PRICED_WITH) if t.startswith("aws:")]
    assert len(listed) > 1500 and named
    assert [t for t in named if t not in set(listed)] == []


def test_usage_based_means_a_usage_field_without_a_default():
    for rtype in PRICERS:
        c = classify(rtype)
        model = USAGE_MODELS.get(rtype)
        required = [n for n, f in (model.model_fields.items() if model else ()) if f.is_required()]
        assert c.status == ("usage-based" if required else "priced"), (rtype, c)
        assert all(n in c.detail for n in required)


def test_free_and_priced_with_carry_their_reason():
    assert classify("aws:iam/role:Role").detail == FREE["aws:iam/role:Role"]
    token = "aws:ec2/launchTemplate:LaunchTemplate"
    assert classify(token).status == "priced-with" and classify(token).detail == PRICED_WITH[token]
    assert classify("aws:memorydb/cluster:Cluster").status == "unsupported"


def test_the_command_counts_every_type_and_lists_by_status():
    result = CliRunner().invoke(main, ["prices", "coverage"])
    assert result.exit_code == 0, result.output
    version, rows = coverage()
    head = result.output.replace("\n    ", " ").splitlines()[0]
    counts = dict((s, int(n)) for n, s in re.findall(r"(\d+) (priced-with|usage-based|priced|free|unsupported)", head))
    assert set(counts) == set(STATUSES) and sum(counts.values()) == len(rows), head
    assert f"pulumi-aws {version}: {len(rows)} AWS resource types" in head
    assert "aws:ec2/instance:Instance — pricer ec2_instance" in result.output
    assert "aws:memorydb/cluster:Cluster" not in result.output  # unsupported types only when asked


def test_unsupported_types_on_request_filtered_and_as_json():
    result = CliRunner().invoke(main, ["prices", "coverage", "--status", "unsupported", "--filter", "MemoryDB",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    types = [t["type"] for t in doc["types"]]
    assert "aws:memorydb/cluster:Cluster" in types and types == sorted(types)
    assert {t["status"] for t in doc["types"]} == {"unsupported"}
