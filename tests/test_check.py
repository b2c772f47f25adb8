"""`gnnstack check` for PR pipelines, and guardrails in `preview`."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from click.testing import CliRunner

from gnnstack.cli import main

from .conftest import ROOT, base_scenario, make_project

SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())


def invoke(*args, project=None, env=None):
    env = {**({"GNNSTACK_PROJECT": str(project)} if project else {}), **(env or {})}
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture(scope="module")
def failing_project(tmp_path_factory):
    """One stack over its budget (mandatory) next to one that passes."""
    root = tmp_path_factory.mktemp("proj")
    make_project(root, base_scenario(option="neptune-sagemaker", budget={
        "monthly_usd": 100, "alert_emails": ["team@example.org"]}), stack="over")
    (root / "stacks" / "Pulumi.fine.yaml").write_text((ROOT / "stacks" / "Pulumi.experiment.yaml").read_text())
    (root / "guardrails").mkdir()
    (root / "guardrails" / "config.yaml").write_text((ROOT / "guardrails" / "config.yaml").read_text())
    (root / "prices").mkdir()
    return root


def test_check_passes_on_the_shipped_stacks():
    result = invoke("check", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["passed"] and {s["stack"] for s in data["stacks"]} == {
        "experiment", "production", "seed-analysis", "seed-analysis-high"}
    seed = next(s for s in data["stacks"] if s["stack"] == "seed-analysis")
    assert seed["monthly"]["base"] == "813.22" and seed["file"] == "stacks/Pulumi.seed-analysis.yaml"


def test_check_exits_1_on_a_mandatory_violation_and_0_with_soft_fail(failing_project):
    result = invoke("check", project=failing_project)
    assert result.exit_code == 1
    assert "monthly-budget" in result.output and "check FAILED" in result.output
    assert invoke("check", "--soft-fail", project=failing_project).exit_code == 0
    assert invoke("check", "fine", project=failing_project).exit_code == 0


def test_sarif_validates_against_the_2_1_0_schema(failing_project):
    result = invoke("check", "--format", "sarif", project=failing_project)
    sarif = json.loads(result.output)
    jsonschema.validate(sarif, SCHEMA)
    run = sarif["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    errors = [r for r in run["results"] if r["level"] == "error"]
    assert errors and all(r["ruleId"] in rule_ids for r in run["results"])
    budget = next(r for r in errors if r["ruleId"] == "monthly-budget")
    assert budget["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "stacks/Pulumi.over.yaml"


def test_junit_has_a_failing_case_per_violation(failing_project):
    json_out = json.loads(invoke("check", "--format", "json", project=failing_project).output)
    violations = sum(len(s["guardrails"]["violations"]) for s in json_out["stacks"])
    root = ET.fromstring(invoke("check", "--format", "junit", project=failing_project).output)
    failures = root.findall(".//testcase/failure")
    assert len(failures) == violations > 0
    assert int(root.get("failures")) == violations
    names = [c.get("name") for c in root.iter("testcase") if c.find("failure") is not None]
    assert any(n.startswith("monthly-budget: ") for n in names)


def test_github_format_annotates_and_summarises_with_the_cost_change(failing_project, tmp_path):
    base = tmp_path / "base.json"
    base.write_text(invoke("check", "--format", "json", "--soft-fail", project=failing_project).output)
    data = json.loads(base.read_text())
    data["stacks"][0]["monthly"]["base"] = "1.00"  # the base branch was cheaper
    base.write_text(json.dumps(data))
    summary = tmp_path / "summary.md"
    result = invoke("check", "--format", "github", "--compare-to", str(base), project=failing_project,
                    env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    assert "::error file=stacks/Pulumi.over.yaml,line=1,title=gnnstack monthly-budget::" in result.output
    assert "## gnnstack check" in result.output and "| over |" in result.output
    changed = data["stacks"][0]["stack"]
    row = next(line for line in result.output.splitlines() if line.startswith(f"| {changed} |"))
    cells = [c.strip() for c in row.split("|")]
    assert cells[3] == "1.00" and cells[5].startswith("+")  # base before, change
    assert "| **Total** |" in result.output
    assert summary.read_text().startswith("## gnnstack check")


def test_bad_guardrail_config_and_base_files_exit_2(failing_project, tmp_path):
    bad = tmp_path / "g.yaml"
    bad.write_text("version: 1\nwaivers:\n  - {rule: s3-lifecycle, resource: '*', expires: 2027-01-01}\n")
    result = invoke("check", "--guardrails", str(bad), project=failing_project)
    assert result.exit_code == 2 and "waivers[0].reason: a waiver needs a reason" in result.output
    assert "Traceback" not in result.output
    junk = tmp_path / "base.json"
    junk.write_text("{}")
    result = invoke("check", "--format", "github", "--compare-to", str(junk), project=failing_project)
    assert result.exit_code == 2 and "not the output of `gnnstack check --format json`" in result.output


def test_preview_shows_verdicts_and_exits_1_on_a_mandatory_failure(failing_project):
    result = invoke("preview", "over", project=failing_project)
    assert result.exit_code == 1
    assert "Guardrails (experiment): FAILED" in result.output and "monthly-budget" in result.output
    data = json.loads(invoke("preview", "over", "--format", "json", project=failing_project).output)
    assert data["guardrails"]["passed"] is False
    v = next(v for v in data["guardrails"]["violations"] if v["rule"] == "monthly-budget")
    assert set(v) == {"rule", "level", "resource", "message"} and v["level"] == "mandatory"


def test_policy_config_is_generated_from_the_config_file():
    data = json.loads(invoke("guardrails", "policy-config", "experiment").output)
    assert data["worst-case-ceiling"]["enforcementLevel"] == "mandatory"
    assert data["worst-case-ceiling"]["params"] == {"ceiling_usd": "12000"}
    assert data["worst-case-ceiling"]["waivers"][0]["resource"] == "*-db-cluster"
    shipped = json.loads((ROOT / "guardrails" / "policy-config.experiment.json").read_text())
    assert shipped == data  # the committed file is up to date
