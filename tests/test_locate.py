"""Where `gnnstack check` places a finding: the stack-file field behind it (or its nearest
section when a default applies), else the component class that builds the resource."""

from __future__ import annotations

import fnmatch

from datetime import datetime, timezone
from pathlib import Path

import pytest

from gnnstack.guardrails import RULES, evaluate
from gnnstack.guardrails.config import CONFIG_VERSION, parse_config
from gnnstack.guardrails.evaluate import Violation
from gnnstack.locate import RULE_CAUSES, SCENARIO, component_sources, locate, scenario_paths
from gnnstack.options import OPTIONS

from .conftest import CASES, ROOT, priced

NOW = datetime(2026, 11, 23, 10, 30, tzinfo=timezone.utc)

STACK = """\
# A stack file with comments, a flow mapping and defaults left out.
config:
  aws:region: us-east-1
  gnnstack:scenario:
    environment: experiment
    option: neptune-sagemaker
    owner: team
    cost_center: cc-1
    ttl:
      hours: 24
    budget: {alert_emails: [team@example.org], monthly_usd: 100}
    workload:
      training:
        instance_type: ml.g5.xlarge
      tuning:
        jobs_per_week: 1
    neptune:
      readers: 1
"""


def line_of(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of the first `needle` in `text`."""
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i, line.index(needle) + 1
    raise AssertionError(f"{needle!r} not in the text")


def at(tmp_path: Path, rule: str, resource: str, message: str = "", text: str = STACK, **kw):
    (tmp_path / "stacks").mkdir(exist_ok=True)
    (tmp_path / "stacks" / "Pulumi.demo.yaml").write_text(text)
    return locate("stacks/Pulumi.demo.yaml", Violation(rule, "mandatory", resource, message), "demo",
                  root=tmp_path, **kw)


def test_every_rule_has_a_location_mapping():
    missing = sorted(set(RULES) - set(RULE_CAUSES))
    assert not missing, f"add to gnnstack.locate.RULE_CAUSES (CODE if no stack field causes them): {missing}"
    assert not set(RULE_CAUSES) - set(RULES), "RULE_CAUSES names rules the registry does not have"


def test_mapped_fields_are_scenario_fields_and_options_exist():
    paths = scenario_paths()
    for rule, causes in RULE_CAUSES.items():
        for c in causes:
            assert c.fields, f"{rule}: an entry with no fields; leave the rule to the code with CODE instead"
            for f in [*c.fields, *([c.default_from] if c.default_from else [])]:
                assert f == SCENARIO or f in paths, f"{rule}: {f} is not a scenario field"
            for pattern in c.options:  # a name, or a pattern that matches at least one option
                assert any(fnmatch.fnmatchcase(o, pattern) for o in OPTIONS), f"{rule}: no option matches {pattern}"


def test_a_set_field_is_placed_at_its_key_even_inside_a_flow_mapping(tmp_path):
    where = at(tmp_path, "monthly-budget", "demo-budget-monthly")
    assert (where.path, where.field, where.default) == ("stacks/Pulumi.demo.yaml", "budget.monthly_usd", False)
    assert (where.line, where.column) == line_of(STACK, "monthly_usd")
    assert where.note == "from budget.monthly_usd"
    ttl = at(tmp_path, "experiment-ttl", "demo-db-writer")
    assert (ttl.line, ttl.column, ttl.field) == (*line_of(STACK, "hours:"), "ttl.hours")


def test_the_resource_decides_the_field(tmp_path):
    writer = at(tmp_path, "allowed-instance-types", "demo-db-writer")
    assert writer.field == "neptune.instance_class" and writer.default
    assert (writer.line, writer.column) == line_of(STACK, "neptune:")  # the section the file has
    training = at(tmp_path, "allowed-instance-types", "demo-training-pipeline")
    assert (training.field, training.default, training.line) == (
        "workload.training.instance_type", False, line_of(STACK, "instance_type: ml.g5")[0])
    replicas = at(tmp_path, "autoscaling-caps", "demo-db-replicas")
    assert replicas.field == "neptune.max_readers"
    spot = at(tmp_path, "spot-for-experiments", "demo-tuning-pipeline")
    assert spot.field == "workload.tuning.spot" and spot.line == line_of(STACK, "tuning:")[0]


def test_a_default_says_so_and_points_at_the_nearest_section_or_the_scenario_key(tmp_path):
    section = at(tmp_path, "training-max-runtime", "demo-etl-job")  # no workload.etl: workload is there
    assert (section.field, section.default, section.at) == ("workload.etl.timeout_minutes", True, "workload")
    assert section.line == line_of(STACK, "workload:")[0]
    assert section.note == "workload.etl.timeout_minutes is not in the stack file: its default applies"
    root = at(tmp_path, "emr-auto-termination", "demo-db-cluster", text=STACK.replace("neptune-sagemaker", "emr-spark"))
    assert (root.field, root.at, root.line, root.column) == ("emr.idle_timeout_minutes", "",
                                                            *line_of(STACK, "gnnstack:scenario:"))
    derived = at(tmp_path, "allowed-instance-types", "demo-tuning-pipeline")  # tuning's type defaults to training's
    assert (derived.field, derived.at) == ("workload.tuning.instance_type", "workload.training.instance_type")
    assert derived.line == line_of(STACK, "instance_type: ml.g5")[0]
    assert "its default comes from workload.training.instance_type" in derived.note


def test_several_fields_are_told_apart_by_the_value_the_message_names(tmp_path, captures):
    graph, scenario = captures["experiment", "emr-spark"]
    text = STACK.replace("neptune-sagemaker", "emr-spark") + "    emr:\n      primary_instance_type: m5.2xlarge\n"
    core = at(tmp_path, "allowed-instance-types", "demo-db-cluster", "instance type r5.4xlarge is not allowed",
              text=text, scenario=scenario)
    assert (core.field, core.default) == ("emr.core_instance_type", True)
    primary = at(tmp_path, "allowed-instance-types", "demo-db-cluster", "instance type m5.2xlarge is not allowed",
                 text=text, scenario=scenario.model_copy(update={"emr": scenario.emr.model_copy(
                     update={"primary_instance_type": "m5.2xlarge"})}))
    assert (primary.field, primary.default, primary.line) == (
        "emr.primary_instance_type", False, line_of(text, "primary_instance_type")[0])


def test_code_findings_point_at_the_class_of_the_component_that_builds_the_resource(captures, tmp_path):
    graph, scenario = captures["experiment", "neptune-sagemaker"]
    v = Violation("encryption-at-rest", "mandatory", "experiment-db-cluster", "Neptune storage is not encrypted")
    where = locate("stacks/Pulumi.experiment.yaml", v, "experiment", graph=graph, scenario=scenario, root=ROOT)
    assert (where.path, where.field, where.component) == ("components/neptune.py", None, "NeptuneCluster")
    source = (ROOT / where.path).read_text().splitlines()
    assert source[where.line - 1].startswith("class NeptuneCluster(") and where.column == 1
    assert where.note == "decided in code: NeptuneCluster"
    # A component resource is its own owner: the option class for the stack itself.
    root = locate("stacks/Pulumi.experiment.yaml", Violation("required-tags", "mandatory", "experiment", ""),
                  "experiment", graph=graph, root=ROOT)
    assert root.path == "components/options.py" and root.component == "NeptuneSageMaker"
    # Outside the project (gnnstack installed as a package) the finding stays on the stack file.
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.experiment.yaml").write_text(STACK)
    away = locate("stacks/Pulumi.experiment.yaml", v, "experiment", graph=graph, root=tmp_path)
    assert (away.path, away.line, away.component) == ("stacks/Pulumi.experiment.yaml",
                                                      line_of(STACK, "gnnstack:scenario:")[0], "NeptuneCluster")


def test_every_component_type_of_every_option_has_its_class(captures):
    sources = component_sources()
    for (env, option), (graph, _) in captures.items():
        for r in graph.resources:
            if r.is_component:
                src = sources.get(r.type)
                assert src is not None, f"{env}/{option}: no class in components/ declares {r.type}"
                line = src.file.read_text().splitlines()[src.line - 1]
                assert line.lstrip().startswith(f"class {src.name}("), (r.type, line)


STRICT = {
    "autoscaling-caps": {"params": {"max_instances": 1, "max_replicas": 0, "max_emr_units": 1,
                                    "max_job_instances": 1, "max_glue_workers": 1}},
    "allowed-instance-types": {"params": {"allowed": ["nothing"]}},
    "training-max-runtime": {"params": {"max_hours": "0.01"}},
    "emr-auto-termination": {"params": {"max_idle_minutes": 1}},
    "monthly-budget": {"params": {"budget_usd": 1}},
    "worst-case-ceiling": {"params": {"ceiling_usd": 1}},
    "cost-to-expiry": {"level": "advisory", "params": {"max_usd": "0.01"}},
    "experiment-ttl": {"params": {"max_hours": 1}},
    "licence-cost": {"level": "advisory"},
    "unpriced-resources": {"params": {"strict": True}},
    "required-tags": {"params": {"tags": ["NoSuchTag"]}},  # code: every taggable resource
}


@pytest.mark.parametrize("env,option", CASES)
def test_every_finding_of_every_option_is_placed(captures, env, option):
    """With every cap at its tightest, each finding of a rule the table maps lands on a stack-file
    key that is the field (or, for a default, its nearest section); the rest on a class line."""
    graph, scenario = captures[env, option]
    config = parse_config({"version": CONFIG_VERSION, "environments": {env: STRICT}}, "strict.yaml")
    verdict = evaluate(graph, priced(graph, scenario), config, NOW, env)
    stack_file = f"stacks/Pulumi.{env}.yaml"
    lines = (ROOT / stack_file).read_text().splitlines()
    mapped = {r for r, causes in RULE_CAUSES.items() if causes}
    seen = set()
    for v in verdict.violations:
        where = locate(stack_file, v, env, graph=graph, scenario=scenario, root=ROOT)
        seen.add(v.rule)
        if v.rule in mapped:
            assert where.field is not None, f"{v.rule} on {v.resource} fell back to the code"
            key = where.at if where.default else where.field
            text = lines[where.line - 1][where.column - 1:]
            assert text.startswith((key.rsplit(".", 1)[-1] + ":") if key else "gnnstack:scenario:"), (v, where)
        else:
            assert where.path.startswith("components/") and where.field is None, (v, where)
            assert Path(ROOT / where.path).read_text().splitlines()[where.line - 1].startswith("class ")
    assert {"allowed-instance-types", "monthly-budget", "worst-case-ceiling", "required-tags"} <= seen
