"""Recommendations: every saving is what `gnnstack preview` says of the stack file with the change
applied (a real preview, in a copy of the project), never a guess; nothing that saves nothing;
the commitment prices they rest on carry sources; cost_analysis.json still matches its schema."""

from __future__ import annotations

import copy
import json
import shutil
from decimal import Decimal
from importlib import resources

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from gnnstack.assess import assess
from gnnstack.cli import main
from gnnstack.costing.catalog import load_catalog
from gnnstack.options import OPTIONS
from gnnstack.project import load_scenario
from gnnstack.recommend import candidates, recommend

from .conftest import ROOT

STACKS = ("experiment", "production")


def preview(root, stack, option):
    result = CliRunner().invoke(main, ["preview", stack, "--option", option, "--format", "json"],
                                env={"GNNSTACK_PROJECT": str(root)})
    assert result.exit_code in (0, 1), (result.output, result.exception)  # 1: a guardrail fails
    return json.loads(result.output)


def changed_project(tmp_path, stack, changes):
    """A copy of the project whose stack file `stack` has `changes` ({dotted path: value}) applied,
    written as any YAML writer would."""
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    for folder in ("guardrails", "prices"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    config = yaml.safe_load((ROOT / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]
    config = copy.deepcopy(config)
    for path, value in changes.items():
        node = config["gnnstack:scenario"]
        *parents, last = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump({"config": config}, sort_keys=True))
    return tmp_path


@pytest.fixture(scope="module")
def measured(project):
    """(stack, option) -> (assessment, recommendations) for the shipped stacks."""
    out = {}
    for stack in STACKS:
        for option in OPTIONS:
            a = assess(project, stack, option)
            out[stack, option] = a, recommend(project, stack, a)
    return out


@pytest.mark.slow  # every option of two stacks, each candidate assessed: about 30 s cold
def test_each_saving_is_what_preview_says_of_the_changed_stack_file(measured, tmp_path_factory):
    seen = set()
    for (stack, option), (_, recs) in measured.items():
        before = preview(ROOT, stack, option)["estimate"]["monthly"]
        for r in recs:
            doc = r.to_json()
            assert doc["base_monthly_before"] == before["base"]
            where = changed_project(tmp_path_factory.mktemp(f"{stack}-{option}-{r.id}"), stack,
                                    {c.path: c.new for c in r.changes})
            after = preview(where, stack, option)["estimate"]["monthly"]
            assert doc["base_monthly_after"] == after["base"], (stack, option, r.id)
            assert doc["worst_case_monthly_after"] == after["worst_case"], (stack, option, r.id)
            assert Decimal(doc["saving_monthly"]) == Decimal(before["base"]) - Decimal(after["base"]) > 0
            seen.add(r.id)
    # The shipped stacks exercise every kind of recommendation gnnstack makes.
    assert seen == {"spot-training", "spot-tuning", "graviton", "training-window", "savings-plan-1y"}, seen


@pytest.mark.slow
def test_only_positive_savings_sorted_by_saving_then_id(measured):
    for (stack, option), (_, recs) in measured.items():
        assert all(r.saving_monthly > 0 for r in recs), (stack, option)
        assert [r.id for r in recs] == [r.id for r in sorted(recs, key=lambda r: (-r.saving_monthly, r.id))]
        assert len({r.id for r in recs}) == len(recs)
        for r in recs:
            doc = r.to_json()
            shown = lambda v: yaml.safe_dump(v).removesuffix("\n...\n")  # noqa: E731  (as the stack file has it)
            assert doc["stack_file_change"] == "; ".join(f"{c['path']}: {shown(c['from'])} → {shown(c['to'])}"
                                                         for c in doc["changes"])
            assert doc["effort"] in ("low", "medium", "high") and doc["risk"] in ("low", "medium", "high")
            assert doc["risk_note"].endswith(".")


@pytest.mark.slow
def test_a_candidate_that_saves_nothing_is_not_recommended(measured, project, tmp_path):
    # Experiments train and tune on spot already (the default): nothing to recommend there.
    for option in OPTIONS:
        assert not {"spot-training", "spot-tuning"} & {r.id for r in measured["experiment", option][1]}
    # Production with training already on spot: no spot-training, the rest as before.
    where = changed_project(tmp_path, "production", {"workload.training.spot": True})
    from gnnstack.project import find_project

    spotted = find_project(where)
    a = assess(spotted, "production", "neo4j-ec2")
    ids = [r.id for r in recommend(spotted, "production", a)]
    assert "spot-training" not in ids and "spot-tuning" in ids and "savings-plan-1y" in ids
    # A change the pricers do not see in an option saves nothing there and is dropped: the
    # training window is an EC2 group's, and emr-spark trains on SageMaker.
    assert "training-window" not in {r.id for r in measured["production", "emr-spark"][1]}
    assert "savings-plan-1y" not in {r.id for r in measured["production", "neptune-sagemaker"][1]}


def _scenario(stack, option, **changes):
    raw = copy.deepcopy(yaml.safe_load((ROOT / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]
                        ["gnnstack:scenario"])
    for path, value in changes.items():
        node = raw
        *parents, last = path.split("__")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return load_scenario(raw, "test", option)


def test_candidates_follow_the_scenario():
    ids = lambda s: {c.id for c in candidates(s)}  # noqa: E731
    assert ids(_scenario("experiment", "neptune-sagemaker")) == set()  # spot already, Graviton already
    assert ids(_scenario("production", "neptune-sagemaker")) == {"spot-training", "spot-tuning", "savings-plan-1y"}
    # TigerGraph ships x86_64 builds only: never a Graviton candidate.
    assert "graviton" not in ids(_scenario("production", "tigergraph-ec2"))
    # Neptune on r5 has a same-size Graviton class.
    [g] = [c for c in candidates(_scenario("production", "neptune-sagemaker", neptune__instance_class="db.r5.8xlarge"))
           if c.id == "graviton"]
    assert [(x.path, x.old, x.new) for x in g.changes] == [("neptune.instance_class", "db.r5.8xlarge",
                                                            "db.r6g.8xlarge")]
    # A training window already as long as a run leaves nothing to stop.
    assert "training-window" not in ids(_scenario("production", "neo4j-ec2",
                                                  workload__training__max_runtime_hours=4))
    assert "savings-plan-1y" not in ids(_scenario("production", "neo4j-ec2",
                                                  costing__commitment="savings-plan-1y"))


def test_commitment_prices_carry_source_date_and_confidence():
    rows = [p for p in load_catalog() if "savings-plan" in p.item]
    assert {p.region for p in rows} >= {"us-east-1", "us-west-2"}
    for p in rows:
        assert p.source.strip() and p.as_of.year >= 2026
        # Not read from an AWS price page: an estimate, and the source says where it came from.
        assert p.confidence == "estimate" and ("aws" in p.source.lower())


@pytest.mark.slow
def test_the_report_carries_them_and_still_validates(tmp_path, measured):
    result = CliRunner().invoke(main, ["report", "production", "--out", str(tmp_path), "--option", "neo4j-ec2",
                                       "--option", "emr-spark"], env={"GNNSTACK_PROJECT": str(ROOT)})
    assert result.exit_code == 0, (result.output, result.exception)
    doc = json.loads((tmp_path / "cost_analysis.json").read_text())
    schema = json.loads(resources.files("gnnstack.data").joinpath("cost_analysis.schema.json").read_text())
    jsonschema.validate(doc, schema)
    for o in doc["stacks"][0]["options"]:
        assert o["recommendations"] == [r.to_json() for r in measured["production", o["option"]][1]]
        assert o["recommendations"], o["option"]


@pytest.mark.slow
def test_the_dashboard_draws_a_bubble_per_recommendation(measured, tmp_path):
    from matplotlib import image

    from gnnstack.outputs.report_png import RISK_COLOURS, dashboard

    a, recs = measured["production", "neo4j-ec2"]
    assert {r.risk for r in recs} == {"low", "medium"}
    path = tmp_path / "dashboard.png"
    dashboard(a, a.scenario.budget.monthly_usd, path, recs)
    pixels = image.imread(path)[..., :3]
    bottom_right = pixels[pixels.shape[0] // 2:, pixels.shape[1] // 2:]  # the recommendations' panel
    for risk in ("low", "medium"):
        rgb = [int(RISK_COLOURS[risk][i:i + 2], 16) / 255 for i in (1, 3, 5)]
        # Bubbles are drawn at 80 % opacity on white: near the colour, not on it.
        blended = [0.8 * c + 0.2 for c in rgb]
        near = (abs(bottom_right - blended) < 0.03).all(axis=-1)
        assert near.sum() > 500, (risk, near.sum())
