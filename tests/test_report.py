"""`gnnstack report`: cost_analysis.json valid against its schema and equal to preview's figures,
PNGs that decode, are wide and are not blank, and an unwritable --out as one line."""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from matplotlib import image

from gnnstack.cli import main
from gnnstack.costing.catalog import catalog_regions
from gnnstack.options import OPTIONS

from .conftest import ROOT, make_project

OPTIONS_SHOWN = ("neptune-sagemaker", "tigergraph-ec2")  # tigergraph-ec2 fails its guardrails, has an unpriced resource


def invoke(*args):
    return CliRunner().invoke(main, list(args), env={"GNNSTACK_PROJECT": str(ROOT)})


def schema():
    return json.loads(resources.files("gnnstack.data").joinpath("cost_analysis.schema.json").read_text())


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    where = tmp_path_factory.mktemp("report") / "new" / "folder"
    args = ["report", "experiment", "--out", str(where)]
    for o in OPTIONS_SHOWN:
        args += ["--option", o]
    result = invoke(*args)
    assert result.exit_code == 0, (result.output, result.exception)
    assert result.output.count("\n") == 1 and result.output.startswith("wrote 4 files: "), result.output
    return where


@pytest.mark.slow  # the module's report: about 6 s cold
def test_the_json_validates_against_its_schema(out):
    doc = json.loads((out / "cost_analysis.json").read_text())
    jsonschema.validate(doc, schema())
    assert doc["generated_at"] == "2026-11-23T10:30:00Z"
    [stack] = doc["stacks"]
    assert [o["option"] for o in stack["options"]] == list(OPTIONS_SHOWN)  # the stack file's own first
    for o in stack["options"]:
        assert all(Decimal(r["saving_monthly"]) > 0 for r in o["recommendations"])  # tests/test_recommend.py
        preview = json.loads(invoke("preview", "experiment", "--option", o["option"], "--format", "json").output)
        assert o["carbon"] == preview["carbon"], "the report's carbon is preview's"


@pytest.mark.slow  # the module's report: about 6 s cold
def test_the_json_holds_previews_figures(out):
    doc = json.loads((out / "cost_analysis.json").read_text())
    for o in doc["stacks"][0]["options"]:
        result = invoke("preview", "experiment", "--option", o["option"], "--format", "json")
        est = json.loads(result.output)["estimate"]
        assert o["monthly"] == est["monthly"]
        assert o["months"] == est["months"]
        assert o["unpriced"] == est["unpriced"]
        assert o["assumptions"] == est["assumptions"]
        fields = ("resource", "name", "base_monthly", "worst_case_monthly", "price", "assumptions")
        assert [[x[f] for f in fields] for x in o["lines"]] == [[x[f] for f in fields] for x in est["lines"]]
        assert o["guardrails"] == json.loads(result.output)["guardrails"]


@pytest.mark.slow  # the module's report: about 6 s cold
def test_a_failing_stack_is_reported_with_its_violations_and_unpriced_resources(out):
    doc = json.loads((out / "cost_analysis.json").read_text())
    tiger = next(o for o in doc["stacks"][0]["options"] if o["option"] == "tigergraph-ec2")
    assert tiger["guardrails"]["passed"] is False and tiger["guardrails"]["violations"]
    assert tiger["unpriced"]


@pytest.mark.slow  # the module's report: about 6 s cold
@pytest.mark.parametrize("name", ["cost_dashboard.png", "cost_comparison.png"])
def test_the_pngs_decode_are_wide_and_not_blank(out, name):
    pixels = image.imread(out / "experiment" / name)
    height, width = pixels.shape[:2]
    assert width >= 1600 and height >= 800
    background = (pixels[..., :3] > 0.98).all(axis=-1)  # white
    assert 1 - background.mean() > 0.05, f"{name}: {1 - background.mean():.1%} drawn"


def test_an_unwritable_out_is_one_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = invoke("report", "experiment", "--out", str(blocker / "sub"))
    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [result.output.strip()] and result.output.startswith("error: cannot write ")
    assert "Traceback" not in result.output


def test_an_unknown_stack_is_one_line(tmp_path):
    result = invoke("report", "no-such-stack", "--out", str(tmp_path))
    assert result.exit_code == 2 and result.output.startswith("error: no stack file for no-such-stack")


def test_the_schema_is_itself_valid():
    jsonschema.Draft202012Validator.check_schema(schema())


@pytest.mark.slow
def test_every_stack_on_every_option(tmp_path):
    result = invoke("report", "--out", str(tmp_path))
    assert result.exit_code == 0, (result.output, result.exception)
    doc = json.loads((tmp_path / "cost_analysis.json").read_text())
    jsonschema.validate(doc, schema())
    stacks = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))
    assert [s["stack"] for s in doc["stacks"]] == stacks
    assert all(sorted(o["option"] for o in s["options"]) == sorted(OPTIONS) for s in doc["stacks"])
    # The stack file's own option, not the option of the first capture.
    production = next(s for s in doc["stacks"] if s["stack"] == "production")
    assert production["stack_option"] == production["options"][0]["option"] == "neo4j-ec2"
    for s in stacks:
        assert (tmp_path / s / "cost_dashboard.png").stat().st_size > 0


@pytest.mark.slow  # a cold capture per other region
def test_each_region_row_is_a_preview_of_the_stack_file_with_that_region(out, tmp_path):
    doc = json.loads((out / "cost_analysis.json").read_text())
    [stack] = doc["stacks"]
    regions = stack["regions"]
    assert regions["option"] == "neptune-sagemaker" and "AWS regions only" in regions["note"]
    assert [r["region"] for r in regions["rows"]] == sorted(set(catalog_regions()) | {stack["region"]})
    assert [r["region"] for r in regions["rows"] if r["current"]] == [stack["region"]]
    scenario = yaml.safe_load((ROOT / "stacks" / "Pulumi.experiment.yaml").read_text())["config"]["gnnstack:scenario"]
    for row in regions["rows"]:
        (tmp_path / row["region"]).mkdir()
        root = make_project(tmp_path / row["region"], {**scenario, "region": row["region"]}, stack="experiment")
        result = CliRunner().invoke(main, ["preview", "experiment", "--option", regions["option"], "--format",
                                           "json"], env={"GNNSTACK_PROJECT": str(root)})
        assert result.exit_code in (0, 1), result.output  # 1: a guardrail, not the price
        preview = json.loads(result.output)
        assert row["base_monthly"] == preview["estimate"]["monthly"]["base"], row
        assert row["worst_case_monthly"] == preview["estimate"]["monthly"]["worst_case"], row
        assert row["unpriced"] == len(preview["estimate"]["unpriced"])
        assert row["kg_co2e"] == preview["carbon"]["monthly"]["kg_co2e"], row
        assert row["kwh"] == preview["carbon"]["monthly"]["kwh"], row
    kg = {r["region"]: r["kg_co2e"] for r in regions["rows"]}
    assert len(set(kg.values())) == len(kg), f"each region's grid gives its own carbon: {kg}"


@pytest.mark.slow  # a second report of the module's stack
def test_the_same_inputs_give_byte_identical_files(out, tmp_path):
    args = ["report", "experiment", "--out", str(tmp_path)]
    for o in OPTIONS_SHOWN:
        args += ["--option", o]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    first = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    again = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert first == again and len(first) == 4, (first, again)
    for name in first:
        assert (out / name).read_bytes() == (tmp_path / name).read_bytes(), f"{name} differs between two runs"


def test_a_catalog_region_lacking_prices_for_the_stacks_services_is_named_not_compared(monkeypatch):
    """After a catalog refresh a region may have EC2, RDS and storage prices but no Neptune or
    SageMaker ones: pricing the stack there would be mostly unpriced, not cheaper. Such a region
    is left out and the note names it with the services it lacks; the others are compared."""
    from types import SimpleNamespace

    from gnnstack import report
    from gnnstack.costing import catalog
    from gnnstack.outputs.report_json import _regions_json
    from gnnstack.project import find_project

    def line(service):
        return SimpleNamespace(price=SimpleNamespace(service=service))
    estimate = SimpleNamespace(lines=[line("neptune"), line("ec2"), line("sagemaker")], base=Decimal("1"),
                               worst_case=None, unpriced=[])
    own = SimpleNamespace(graph=SimpleNamespace(stack="experiment", option="neptune-sagemaker"),
                          scenario=SimpleNamespace(region="us-east-1"), costs=SimpleNamespace(estimate=estimate),
                          carbon=SimpleNamespace(grid=None))
    monkeypatch.setattr(catalog, "catalog_regions", lambda: ("us-east-1", "eu-west-1", "ap-southeast-1"))
    have = {"eu-west-1": {"ec2", "ebs", "rds"}, "ap-southeast-1": {"ec2", "neptune"}}
    monkeypatch.setattr(catalog, "catalog_services", lambda region: frozenset(have[region]))
    rows, skipped = report.regions(find_project(ROOT), own, None, None, None, frozenset(),
                                   lambda text: pytest.fail(f"priced a region it should skip: {text}"))
    assert [(r.region, r.current) for r in rows] == [("us-east-1", True)]
    assert skipped == {"ap-southeast-1": ["sagemaker"], "eu-west-1": ["neptune", "sagemaker"]}
    stack = SimpleNamespace(regions=rows, regions_skipped=skipped, own=own)
    assert _regions_json(stack)["note"].endswith(
        " Not compared, as the catalog lacks prices there for services the stack uses: ap-southeast-1 (no "
        "sagemaker); eu-west-1 (no neptune, sagemaker).")
