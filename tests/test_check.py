"""`gnnstack check` for PR pipelines, and guardrails in `preview`."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import yaml
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


@pytest.mark.slow  # prices and guards every shipped stack
def test_check_passes_on_the_shipped_stacks():
    result = invoke("check", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["passed"] and {s["stack"] for s in data["stacks"]} == {
        "experiment", "production", "seed-analysis", "seed-analysis-high", "inference"}
    seed = next(s for s in data["stacks"] if s["stack"] == "seed-analysis")
    assert seed["monthly"]["base"] == "813.22" and seed["file"] == "stacks/Pulumi.seed-analysis.yaml"


def test_check_exits_1_on_a_mandatory_violation_and_0_with_soft_fail(failing_project):
    result = invoke("check", project=failing_project)
    assert result.exit_code == 1
    assert "monthly-budget" in result.output and "check FAILED" in result.output
    assert invoke("check", "--soft-fail", project=failing_project).exit_code == 0
    assert invoke("check", "fine", project=failing_project).exit_code == 0


def line_of(path, needle: str) -> tuple[int, int]:
    """1-based line and column of the first `needle` in the file."""
    for i, line in enumerate(Path(path).read_text().splitlines(), 1):
        if needle in line:
            return i, line.index(needle) + 1
    raise AssertionError(f"{needle!r} not in {path}")


def sarif_results(project, *stacks, guardrails=None):
    args = ["check", *stacks, "--format", "sarif", *(["--guardrails", str(guardrails)] if guardrails else [])]
    sarif = json.loads(invoke(*args, project=project).output)
    jsonschema.validate(sarif, SCHEMA)
    return sarif, sarif["runs"][0]["results"]


def test_sarif_validates_against_the_2_1_0_schema(failing_project):
    sarif, results = sarif_results(failing_project)
    run = sarif["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    errors = [r for r in results if r["level"] == "error"]
    assert errors and all(r["ruleId"] in rule_ids for r in results)
    budget = next(r for r in errors if r["ruleId"] == "monthly-budget")
    where = budget["locations"][0]["physicalLocation"]
    assert where["artifactLocation"]["uri"] == "stacks/Pulumi.over.yaml"
    line, column = line_of(failing_project / "stacks" / "Pulumi.over.yaml", "monthly_usd")
    assert where["region"] == {"startLine": line, "startColumn": column}
    assert budget["message"]["text"].endswith("(from budget.monthly_usd)")
    fingerprints = [r["partialFingerprints"]["gnnstackFinding/v1"] for r in results]
    assert len(set(fingerprints)) == len(results) and all(len(f) == 32 for f in fingerprints)


def test_sarif_rules_link_to_their_generated_pages():
    from gnnstack.outputs.sarif import RULE_DOCS_URL
    from gnnstack.guardrails import RULES

    sarif, _ = sarif_results(None, "experiment")
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(RULES)
    for r in rules:
        assert r["helpUri"] == f"{RULE_DOCS_URL}{r['id']}.md"
        page = ROOT / "docs" / "rules" / f"{r['id']}.md"
        assert page.is_file() and f"# `{r['id']}`" in page.read_text()


def test_the_committed_rule_pages_are_generated_from_the_registry(tmp_path):
    out = tmp_path / "rules"
    result = invoke("guardrails", "docs", "--out", str(out))
    assert result.exit_code == 0, result.output
    generated = {p.name: p.read_text() for p in out.glob("*.md")}
    committed = {p.name: p.read_text() for p in (ROOT / "docs" / "rules").glob("*.md")}
    assert committed == generated, "run `gnnstack guardrails docs` and commit docs/rules/"
    assert invoke("guardrails", "docs", "--out", str(out), "--check").exit_code == 0
    (out / "monthly-budget.md").write_text("stale\n")
    stale = invoke("guardrails", "docs", "--out", str(out), "--check")
    assert stale.exit_code == 1 and "monthly-budget.md: differs from the registry" in stale.output


def test_sarif_fingerprints_stay_when_lines_move(failing_project, tmp_path):
    shutil.copytree(failing_project, tmp_path / "proj")
    project = tmp_path / "proj"
    stack = project / "stacks" / "Pulumi.over.yaml"
    _, before = sarif_results(project, "over")
    stack.write_text("# moved\n# by three\n# lines\n" + stack.read_text())
    _, after = sarif_results(project, "over")

    def by_print(results):
        return {r["partialFingerprints"]["gnnstackFinding/v1"]: r["locations"][0]["physicalLocation"]["region"]
                ["startLine"] for r in results}

    old, new = by_print(before), by_print(after)
    assert old.keys() == new.keys() and len(old) == len(before)
    assert all(new[f] == old[f] + 3 for f in old)
    from gnnstack.check import fingerprint

    budget = next(r for r in after if r["ruleId"] == "monthly-budget")
    assert budget["partialFingerprints"]["gnnstackFinding/v1"] == fingerprint("over", "monthly-budget",
                                                                              "over-budget-monthly")


def test_sarif_waived_findings_are_suppressed_and_expired_waivers_named(failing_project, tmp_path):
    _, results = sarif_results(failing_project, "fine")
    waived = [r for r in results if "suppressions" in r]
    assert [r["ruleId"] for r in waived] == ["worst-case-ceiling"]
    (s,) = waived[0]["suppressions"]
    assert s["kind"] == "external" and s["status"] == "accepted"
    assert s["justification"].startswith("Neptune standard storage") and s["justification"].endswith(
        "(until 2027-03-31)")
    config = tmp_path / "g.yaml"
    data = yaml.safe_load((ROOT / "guardrails" / "config.yaml").read_text())
    data["waivers"].append({"rule": "monthly-budget", "resource": "over-*", "reason": "old promise",
                            "expires": "2026-01-01"})
    config.write_text(yaml.safe_dump(data))
    _, results = sarif_results(failing_project, "over", guardrails=config)
    budget = next(r for r in results if r["ruleId"] == "monthly-budget")
    assert "suppressions" not in budget and budget["level"] == "error"
    assert "the waiver for it expired on 2026-01-01 (old promise)" in budget["message"]["text"]


def junit(project, *args):
    from junitparser import JUnitXml

    result = invoke("check", *args, "--format", "junit", project=project)
    return result.exit_code, JUnitXml.fromstring(result.output)


def outcome(case) -> str:
    from junitparser import Failure, Skipped

    kinds = {type(x) for x in case.result}
    return "failure" if Failure in kinds else "skipped" if Skipped in kinds else "pass"


def test_junit_has_one_case_per_stack_and_rule_whatever_the_verdict(failing_project, tmp_path):
    from gnnstack.guardrails import RULES

    config = tmp_path / "g.yaml"
    data = yaml.safe_load((ROOT / "guardrails" / "config.yaml").read_text())
    data["environments"]["experiment"]["autoscaling-caps"] = {"level": "advisory", "params": {"max_replicas": 0}}
    data["environments"]["experiment"]["training-max-runtime"] = {"level": "disabled"}
    data["environments"]["experiment"]["experiment-ttl"] = {"params": {"max_hours": 1}}  # fails every resource
    config.write_text(yaml.safe_dump(data))
    code, xml = junit(failing_project, "--guardrails", str(config))
    assert code == 1
    suites = {s.name: s for s in xml}
    assert set(suites) == {"over", "fine"}
    for name, suite in suites.items():
        cases = list(suite)
        assert [c.classname for c in cases] == [name] * len(RULES)
        assert sorted(c.name for c in cases) == sorted(RULES)  # stable names, failing or not
        assert all(c.time == 0 for c in cases)
        kinds = [outcome(c) for c in cases]
        assert (suite.tests, suite.failures, suite.skipped, suite.errors) == (
            len(cases), kinds.count("failure"), kinds.count("skipped"), 0)
    assert xml.tests == 2 * len(RULES)
    assert xml.failures == sum(s.failures for s in suites.values()) and xml.skipped == sum(
        s.skipped for s in suites.values()) and xml.errors == 0
    over = {c.name: c for c in suites["over"]}
    fine = {c.name: c for c in suites["fine"]}
    assert outcome(over["monthly-budget"]) == "failure" and outcome(over["worst-case-ceiling"]) == "failure"
    (failure,) = over["worst-case-ceiling"].result
    assert (failure.type, failure.message) == ("mandatory", "1 mandatory violation(s) of worst-case-ceiling")
    assert "exceeds the ceiling" in failure.text and "waived until 2027-03-31" in over["worst-case-ceiling"].system_out
    report = json.loads(invoke("check", "over", "--format", "json", "--guardrails", str(config),
                               project=failing_project).output)
    ttl = [v for v in report["stacks"][0]["guardrails"]["violations"] if v["rule"] == "experiment-ttl"]
    (failure,) = over["experiment-ttl"].result
    lines = failure.text.splitlines()
    assert len(ttl) > 10 and len(lines) == len(ttl)  # every violation of the rule, one line each
    assert {v["resource"] for v in ttl} == {x.split(": ")[1] for x in lines}
    assert outcome(fine["autoscaling-caps"]) == "pass"
    advisory = fine["autoscaling-caps"].system_out
    assert "fine-db-replicas: auto-scaling max_capacity 2.0 is above the cap of 0" in advisory
    (skipped,) = fine["worst-case-ceiling"].result
    assert skipped.message.startswith("waived: Neptune standard storage") and skipped.message.endswith(
        "(until 2027-03-31)")
    assert [x.message for x in fine["training-max-runtime"].result] == ["disabled"]
    assert [c.name for c in suites["fine"] if outcome(c) == "failure"] == ["experiment-ttl"]


def test_junit_failures_iff_the_exit_code_is_1(failing_project):
    code, xml = junit(failing_project, "fine")
    assert code == 0 and xml.failures == 0
    code, xml = junit(failing_project)
    assert code == 1 and xml.failures > 0
    code, xml = junit(failing_project, "--soft-fail")
    assert code == 0 and xml.failures > 0  # --soft-fail changes the exit code, not the report


def test_junit_suite_time_is_the_stacks_assessment_time(failing_project):
    from junitparser import JUnitXml

    from gnnstack.assess import assess
    from gnnstack.check import CheckResult
    from gnnstack.outputs.junit import check_junit
    from gnnstack.project import find_project

    project = find_project(failing_project)
    result = CheckResult([assess(project, "fine"), assess(project, "over")],
                         {"fine": "stacks/Pulumi.fine.yaml", "over": "stacks/Pulumi.over.yaml"},
                         root=failing_project, seconds={"fine": 1.25, "over": 0.5})
    xml = JUnitXml.fromstring(check_junit(result))
    assert [s.time for s in xml] == [1.25, 0.5] and xml.time == 1.75
    result.seconds = {"fine": 1.25}  # not measured: no time rather than a made-up one
    root = ET.fromstring(check_junit(result))
    assert [s.get("time") for s in root] == ["1.250", None] and root.get("time") is None


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
    line, column = line_of(failing_project / "stacks" / "Pulumi.over.yaml", "monthly_usd")
    assert (f"::error file=stacks/Pulumi.over.yaml,line={line},col={column},title=gnnstack monthly-budget::"
            "over: over-budget-monthly: base monthly cost ") in result.output
    # A waived finding is a notice at most, never an error; '%' in its reason is escaped.
    waived = [x for x in result.output.splitlines() if "fine-db-cluster" in x and x.startswith("::")]
    assert len(waived) == 1 and waived[0].startswith("::notice file=stacks/Pulumi.fine.yaml,line=")
    assert "title=gnnstack worst-case-ceiling::waived: " in waived[0] and "50/80/100%25 watch it" in waived[0]
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


def test_github_annotation_escaping():
    from gnnstack.outputs.github import escape, escape_property

    assert escape("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("stacks/a,b:c%.yaml") == "stacks/a%2Cb%3Ac%25.yaml"
