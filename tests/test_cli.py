"""The CLI: JSON and table output, and bad input: one message naming the field, exit 2, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import click
import pytest
from click.testing import CliRunner

from gnnstack.cli import main
from gnnstack.sizing import GB, feature_bytes
from gnnstack.options import OPTIONS
from gnnstack.scenario import GraphScale

from .conftest import ROOT, base_scenario, make_project


def run(args, project_root):
    return CliRunner().invoke(main, args, env={"GNNSTACK_PROJECT": str(project_root)}, catch_exceptions=False)


@pytest.mark.parametrize("option", ["neptune-sagemaker", "neo4j-ec2", "tigergraph-ec2", "emr-spark"])
def test_preview_json_lists_every_resource(option):
    result = run(["preview", "experiment", "--option", option, "--format", "json"], ROOT)
    doc = json.loads(result.output)
    # The exit code follows the guardrails: TigerGraph Enterprise breaks the experiment budget.
    assert result.exit_code == (0 if doc["guardrails"]["passed"] else 1)
    assert doc["guardrails"]["passed"] is (option != "tigergraph-ec2")
    assert doc["stack"] == "experiment" and doc["option"] == option
    assert len(doc["resources"]) > 30
    for r in doc["resources"]:
        assert set(r) == {"type", "name", "parent", "inputs"}
    names = {r["name"] for r in doc["resources"]}
    assert all(r["parent"] in names for r in doc["resources"] if r["parent"])
    types = {r["type"] for r in doc["resources"]}
    assert "aws:ec2/vpc:Vpc" in types and "aws:budgets/budget:Budget" in types


def test_preview_table_groups_by_component():
    result = run(["preview", "production"], ROOT)
    assert result.exit_code == 0, result.output
    assert "option neo4j-ec2 (production" in result.output
    assert "[gnnstack:database:Neo4jServers]" in result.output
    assert "autoscaling:Group" in result.output and "maxSize=5" in result.output


BAD = [
    ("typo in a field", base_scenario(bugdet={"monthly_usd": 1}),
     ["bugdet", "Did you mean 'budget'"]),
    ("typo in a nested field", base_scenario(neo4j={"instance_typ": "r5.large"}),
     ["neo4j.instance_typ", "Did you mean 'instance_type'"]),
    ("unknown option", base_scenario(option="neo5j-ec2"), ["option", "neo4j-ec2"]),
    ("unknown instance type", base_scenario(neo4j={"instance_type": "r6g.9xlarge"}),
     ["neo4j.instance_type", "r6g.8xlarge"]),
    ("unknown training instance", base_scenario(workload={"training": {"instance_type": "p9.2xlarge"}}),
     ["workload.training.instance_type", "unknown ec2 instance type 'p9.2xlarge'"]),
    ("negative size", base_scenario(graph={"nodes": -5}), ["graph.nodes", "greater than 0"]),
    ("zero budget", base_scenario(budget={"monthly_usd": 0, "alert_emails": ["a@b.io"]}),
     ["budget.monthly_usd", "greater than 0"]),
    ("ttl in the past", base_scenario(ttl={"expires_at": "2020-01-01T00:00:00Z"}), ["ttl.expires_at", "in the past"]),
    ("missing field", {k: v for k, v in base_scenario().items() if k != "owner"}, ["owner", "required"]),
    ("experiment without ttl", {k: v for k, v in base_scenario().items() if k != "ttl"}, ["ttl"]),
    ("unknown region", base_scenario(region="us-east-7"), ["region", "us-east-1"]),
    ("cap below size", base_scenario(neo4j={"edition": "enterprise", "servers": 3, "max_servers": 2}),
     ["neo4j", "max_servers"]),
    ("tigergraph on arm", base_scenario(option="tigergraph-ec2", tigergraph={"instance_type": "r6g.8xlarge"}),
     ["tigergraph", "x86_64"]),
    ("database open to the world", base_scenario(network={"trusted_cidrs": ["0.0.0.0/0"]}),
     ["network.trusted_cidrs", "internet"]),
]


@pytest.mark.parametrize("label,scenario,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_input_gives_one_clear_message(tmp_path, label, scenario, expected):
    root = make_project(tmp_path, scenario)
    result = CliRunner().invoke(main, ["preview", "demo"], env={"GNNSTACK_PROJECT": str(root)})
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.output.startswith("error: ")
    for text in expected:
        assert text in result.output, result.output


def test_unknown_stack_and_bad_yaml(tmp_path):
    root = make_project(tmp_path, base_scenario())
    result = CliRunner().invoke(main, ["preview", "dmeo"], env={"GNNSTACK_PROJECT": str(root)})
    assert result.exit_code == 2 and "no stack 'dmeo'" in result.output and "'demo'" in result.output
    (root / "stacks" / "Pulumi.broken.yaml").write_text("config:\n  gnnstack:scenario: [unclosed\n")
    result = CliRunner().invoke(main, ["preview", "broken"], env={"GNNSTACK_PROJECT": str(root)})
    assert result.exit_code == 2 and "not valid YAML" in result.output and "line" in result.output


def test_unknown_option_flag(tmp_path):
    result = CliRunner().invoke(main, ["preview", "experiment", "--option", "janusgraph"])
    assert result.exit_code == 2 and "janusgraph" in result.output


def test_every_command_has_help():
    def walk(group, path):
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            yield [*path, name], command
            if isinstance(command, click.Group):
                yield from walk(command, [*path, name])

    commands = list(walk(main, []))
    assert {"preview", "compare", "prices"} <= {p[0] for p, _ in commands}
    for path, command in commands:
        assert command.help and "Example" in command.help, path
        result = CliRunner().invoke(main, [*path, "--help"])
        assert result.exit_code == 0, path


def test_seed_graph_is_the_default_and_its_feature_bytes_are_260_gb():
    g = GraphScale()
    assert (g.nodes, g.edges, g.node_features, g.daily_new_nodes, g.daily_new_edges) == (
        3_000_000_000, 10_000_000_000, 5, 800_000, 2_000_000)
    assert feature_bytes(g) / GB == 260


# --------------------------------------------------------------------------- costs in the CLI


def cli(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_preview_json_carries_the_estimate():
    result = cli("preview", "seed-analysis", "--format", "json")
    assert result.exit_code == 0, result.output
    est = json.loads(result.output)["estimate"]
    assert est["currency"] == "USD" and est["hours_per_month"] == "720"
    assert est["monthly"] == {"base": "813.22", "worst_case": "1243.64", "worst_case_bounded": "1243.64"}
    assert est["at_catalog_prices"]["monthly"]["base"] != "813.22"
    assert est["unpriced"] == [] and len(est["months"]) == 12
    line = est["lines"][0]
    assert {"component", "resource", "name", "unit", "base_quantity", "worst_case_quantity", "unit_price",
            "base_monthly", "worst_case_monthly", "price"} <= set(line)
    assert line["price"]["source"] and line["price"]["confidence"]


def test_preview_json_reports_an_unbounded_worst_case_as_null():
    est = json.loads(cli("preview", "experiment", "--format", "json").output)["estimate"]
    assert est["monthly"]["worst_case"] is None
    assert est["unbounded"] == [{"resource": "experiment-db-cluster", "name": "I/O requests"}]


def test_preview_table_shows_costs_under_the_resources():
    out = cli("preview", "seed-analysis-high").output
    assert out.index("glue:Job") < out.index("Cost estimate")
    assert "Base 3,548.85" in out and "At catalog prices" in out and "Top cost drivers" in out


def test_preview_table_names_the_resources_with_no_charge_of_their_own_and_why():
    out = " ".join(cli("preview", "experiment").output.split())
    assert ("No charge of their own: experiment-net-s3 (a gateway endpoint (S3, DynamoDB) has no hourly or data "
            "processing charge).") in out


def test_preview_markdown_matches_its_golden_file(request):
    out = cli("preview", "seed-analysis", "--format", "markdown").output
    golden = ROOT / "tests" / "golden" / "reports" / "seed-analysis.md"
    if request.config.getoption("--update-golden"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(out)
    assert out == golden.read_text()


def test_compare_prices_the_four_options_on_one_scenario():
    data = json.loads(cli("compare", "experiment", "--format", "json").output)
    assert [o["option"] for o in data["options"]] == list(OPTIONS)
    for o in data["options"]:
        assert Decimal(o["monthly"]["base"]) > 0 and o["biggest_lines"]
    table = cli("compare", "experiment").output
    assert all(opt in table for opt in OPTIONS)
    md = cli("compare", "experiment", "--format", "markdown").output
    assert md.startswith("## gnnstack compare") and "| neo4j-ec2 |" in md


def test_prices_list_filters_and_shows_sources():
    out = cli("prices", "list", "--filter", "ml.p3.2xlarge").output
    assert "3.825" in out and "us-west-2" in out and "verified" in out
    data = json.loads(cli("prices", "list", "--filter", "glue", "--format", "json").output)
    assert data and all("glue" in p["service"] for p in data)


def test_prices_audit_lists_the_seed_prices_that_differ():
    out = cli("prices", "audit", "--against", str(ROOT / "prices" / "seed-analysis.csv")).output
    assert "on-demand/r6g.8xlarge" in out and "2.72" in out and "1.6128" in out
    data = json.loads(cli("prices", "audit", "--against", str(ROOT / "prices" / "seed-analysis.csv"),
                          "--format", "json").output)
    assert {d["item"] for d in data["differences"]} >= {"training/ml.p3.2xlarge", "put-payload-units"}


def test_a_malformed_override_file_is_one_clear_error(tmp_path):
    bad = tmp_path / "negotiated.csv"
    bad.write_text("service,item,region,unit,usd,confidence,as_of,source\n"
                   "ec2,on-demand/p3.2xlarge,us-east-1,hour,cheap,verified,2026-11-01,our rate\n")
    for args in (["preview", "seed-analysis", "--prices", str(bad)], ["prices", "audit", "--against", str(bad)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2
        assert "negotiated.csv, line 2: field 'usd' is 'cheap'" in result.output
        assert "Traceback" not in result.output
    missing = CliRunner().invoke(main, ["prices", "list", "--prices", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2 and "cannot read price file" in missing.output


def test_negative_usage_is_refused_with_the_field_named(tmp_path, monkeypatch):
    monkeypatch.setenv("GNNSTACK_PROJECT", str(make_project(
        tmp_path, base_scenario(costing={"nat_gb_per_month": -5}))))
    result = CliRunner().invoke(main, ["preview", "demo"])
    assert result.exit_code == 2
    assert "costing.nat_gb_per_month" in result.output and "Traceback" not in result.output


@pytest.mark.slow  # two previews, each in a fresh interpreter
def test_a_repeated_preview_comes_from_the_cache_without_loading_pulumi(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "GNNSTACK_CACHE_DIR": str(tmp_path / "cache")}
    code = ("import sys, json; from click.testing import CliRunner; from gnnstack.cli import main; "
            "r = CliRunner().invoke(main, ['preview', 'seed-analysis', '--format', 'json']); "
            "print(json.dumps({'pulumi': 'pulumi' in sys.modules, 'out': json.loads(r.output)}))")
    first, second = (json.loads(subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                                               capture_output=True, text=True).stdout) for _ in range(2))
    assert first["pulumi"] is True and second["pulumi"] is False
    assert first["out"] == second["out"]
    assert len(list((tmp_path / "cache" / "captures").glob("*.json"))) == 1


def test_the_cache_key_changes_with_the_stack_file_and_the_ttl(tmp_path, monkeypatch):
    from gnnstack.capture_cache import cache_key
    from gnnstack.project import find_project, load_stack

    proj = find_project(make_project(tmp_path, base_scenario()))
    key = cache_key(proj, "demo", None, load_stack(proj, "demo")[1])
    monkeypatch.setenv("GNNSTACK_NOW", "2026-11-23T11:30:00Z")  # an hour later: a new expires-at tag
    assert cache_key(proj, "demo", None, load_stack(proj, "demo")[1]) != key
    monkeypatch.setenv("GNNSTACK_NOW", "2026-11-23T10:30:00Z")
    assert cache_key(proj, "demo", None, load_stack(proj, "demo")[1]) == key
    (tmp_path / "other").mkdir()
    make_project(tmp_path / "other", base_scenario(owner="someone-else"))
    proj.stack_file("demo").write_text((tmp_path / "other" / "stacks" / "Pulumi.demo.yaml").read_text())
    assert cache_key(proj, "demo", None, load_stack(proj, "demo")[1]) != key


def test_commands_load_only_when_they_run():
    """`gnnstack preview` does not load the other commands' modules (reap's boto3 code, the
    price catalog's CLI, rich tables for JSON output)."""
    code = ("import sys\nfrom gnnstack.cli import main\n"
            "print(sorted(m for m in sys.modules if m.startswith(('gnnstack.cli.', 'gnnstack.reap', 'rich'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['gnnstack.cli.output']"
