"""`gnnstack estimate` on the four fixture programs (tests/data/programs: a web app on ECS Fargate
behind an ALB with RDS PostgreSQL; an EKS cluster with a node group; a serverless API; a data
warehouse on Redshift and Glue), each run under the mocks and priced with its usage file: no
resource of them is an unsupported type or unpriced, and every figure is the golden file's
(tests/golden/estimate/; after a deliberate change `--update-golden`, then read the diff).

Hand-checked (us-east-1 catalog prices):
- Redshift ra3.4xlarge x 4 nodes x 730 h x $3.26 = $9,519.20, + 3,000 GB managed storage x $0.024
  = $72.00: $9,591.20.
- RDS PostgreSQL db.t3.large Multi-AZ: 2 x 730 h x $0.145 = $211.70, + 2 x 50 GB gp2 x $0.115 =
  $11.50: $223.20.
- ECS Fargate: 2 tasks x 730 h x (0.5 vCPU x $0.04048 + 1 GB x $0.004445) = $36.04.
- EKS control plane 730 h x $0.10 = $73.00 (worst: extended support, 730 x $0.60 = $438.00); node
  group 3 x m5.large 730 h x $0.096 = $210.24 + 3 x 50 GB gp2 x $0.10 = $15.00: $225.24 (worst: 6
  nodes, $450.48).
- Glue crawler 15 DPU-hours x $0.44 = $6.60."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from gnnstack.cli import main

from .conftest import ROOT

PROGRAMS = ROOT / "tests" / "data" / "programs"
GOLDEN = ROOT / "tests" / "golden" / "estimate"
CASES = {
    "webapp": ["--config", "shop-web:dbInstanceClass=db.t3.large"],
    "eks": [],
    "serverless": [],
    "warehouse": ["--stack", "prod"],
}
LISTED_TYPES = ("aws:rds/", "aws:lb/", "aws:ecs/service", "aws:eks/", "aws:elasticache/", "aws:dynamodb/",
                "aws:redshift/", "aws:opensearch/", "aws:efs/", "aws:cloudwatch/", "aws:apigateway", "aws:cloudfront/",
                "aws:route53/", "aws:sqs/", "aws:sns/", "aws:ecr/", "aws:ec2transitgateway/")


@pytest.fixture(scope="module")
def estimates():
    out = {}
    for name, args in CASES.items():
        result = CliRunner().invoke(main, ["estimate", str(PROGRAMS / name), "--config", "aws:region=us-east-1",
                                           "--usage", str(PROGRAMS / "usage" / f"{name}.yaml"), *args,
                                           "--format", "json"])
        assert result.exit_code == 0, (name, result.output)
        out[name] = json.loads(result.output)
    return out


@pytest.mark.slow  # four programs run under the mocks, in child processes
@pytest.mark.parametrize("name", sorted(CASES))
def test_nothing_is_unsupported_or_unpriced(estimates, name):
    doc = estimates[name]
    assert doc["unsupported_types"] == [], doc["unsupported_types"]
    assert doc["unpriced"] == {"after": [], "before": None}, doc["unpriced"]
    assert [r for r in doc["resources"] if r["type"].startswith(LISTED_TYPES)], "the program uses a listed type"
    for r in doc["resources"]:
        after = r["after"]
        assert after is not None and (after["free"] or after["priced"]), r


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_figures_are_the_golden_files(estimates, name, request):
    # Paths relative to the checkout, so the golden file holds in any clone.
    got = json.dumps(estimates[name], indent=2, sort_keys=True).replace(str(ROOT) + "/", "") + "\n"
    path = GOLDEN / f"{name}.json"
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got)
    assert path.exists(), f"no golden file {path.name}: run with --update-golden and review it"
    assert got == path.read_text(), f"{path.name} changed: review, then --update-golden"


@pytest.mark.slow
def test_the_hand_checked_figures(estimates):
    def base(name, resource):
        return next(r["after"]["base"] for r in estimates[name]["resources"] if r["resource"] == resource)
    assert base("warehouse", "warehouse [Cluster]") == "9591.20"
    assert base("webapp", "db [Instance]") == "223.20"
    assert base("webapp", "web [Service]") == "36.04"
    assert base("eks", "platform") == "73.00"
    assert base("eks", "platform-general") == "225.24"
    assert base("warehouse", "raw-orders") == "6.60"


GUARDRAILS = ROOT / "tests" / "data" / "foreign" / "guardrails.yaml"


def _webapp(*extra):
    return CliRunner().invoke(main, ["estimate", str(PROGRAMS / "webapp"), "--config", "aws:region=us-east-1",
                                     *CASES["webapp"], "--usage", str(PROGRAMS / "usage" / "webapp.yaml"), *extra])


@pytest.mark.slow
def test_guardrails_for_any_program_fail_a_mandatory_rule_with_exit_1():
    result = _webapp("--guardrails", "production", "--guardrails-config", str(GUARDRAILS), "--format", "json")
    assert result.exit_code == 1, result.output
    v = json.loads(result.output)["guardrails"]
    found = {(x["rule"], x["resource"], x["level"]) for x in v["violations"]}
    assert ("encryption-at-rest", "db [Instance]", "mandatory") in found  # storageEncrypted is not set
    assert ("monthly-budget", "dev", "mandatory") in found  # $307.20 a month over the 250 of the config
    assert not any(x["rule"] == "required-tags" for x in v["violations"])
    assert "required-tags" in v["not_applicable"] and "single-region" not in v["not_applicable"]


@pytest.mark.slow
def test_the_table_shows_the_verdict_and_the_rules_that_do_not_apply():
    result = _webapp("--guardrails", "production", "--guardrails-config", str(GUARDRAILS))
    assert result.exit_code == 1
    assert "Guardrails (production): FAILED" in result.output
    assert "exceeds the budget of 250.00 USD" in result.output
    assert "Not applicable to a program gnnstack did not build: " in result.output


def test_a_guardrails_config_without_an_environment_is_one_line(tmp_path):
    result = CliRunner().invoke(main, ["estimate", str(tmp_path), "--guardrails-config", str(GUARDRAILS)])
    assert result.exit_code == 2 and result.output.startswith("error: --guardrails-config needs --guardrails ENV")


@pytest.mark.slow
def test_a_usage_template_for_a_project_folder_round_trips(tmp_path):
    """`gnnstack usage template PATH` lists the usage fields of the program's resources by the
    names `estimate` uses; loaded unchanged it prices as no usage file does; filled, it prices."""
    import yaml

    folder = str(PROGRAMS / "serverless")
    out = tmp_path / "usage.yaml"
    result = CliRunner().invoke(main, ["usage", "template", folder, "--config", "aws:region=us-east-1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = yaml.safe_load(out.read_text())
    assert {"order-events", "orders [Api]", "orders [Table]", "orders-api"} <= set(doc["resources"])
    assert f"gnnstack estimate {folder} --usage usage.yaml" in out.read_text()

    def total(*usage):
        r = CliRunner().invoke(main, ["estimate", folder, "--config", "aws:region=us-east-1", *usage,
                                      "--format", "json"])
        assert r.exit_code == 0, r.output
        return json.loads(r.output)
    assert total("--usage", str(out))["resources"] == total()["resources"]
    # Filling in a field is uncommenting it, even under a resource with nothing set yet (valid YAML).
    assert "  order-events:  # nothing set yet: uncomment a field below" in out.read_text()
    text = out.read_text().replace("    # requests_per_month: <set me>", "    requests_per_month: 9000000", 1)
    out.write_text(text)
    queue = next(r for r in total("--usage", str(out))["resources"] if r["resource"] == "order-events")
    assert queue["after"]["base"] == "3.60"  # 9M standard requests x $0.40 a million (free tier not deducted)
