"""`gnnstack compare STACK --training`: the stack's training job priced on each candidate instance
type, on demand and on managed spot, by the estimate's own pricer; seed 003's figures with its
prices as an override file."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from gnnstack.cli import main
from gnnstack.costing import PriceBook, cents
from gnnstack.costing.training_choices import Candidate, price_choices, training_job
from gnnstack.errors import ConfigError
from gnnstack.graph import ResourceGraph

from .conftest import ROOT, base_scenario, make_project, priced

SEED = str(ROOT / "prices" / "seed-003-training.csv")
# seeds/003: each instance type's cost of one run, on demand (USD, low-high hours).
SEED_PER_RUN = {
    "ml.g4dn.xlarge": ("1.47", "2.21"),
    "ml.g4dn.2xlarge": ("1.88", "2.82"),
    "ml.p3.2xlarge": ("3.06", "6.12"),
    "ml.g5.xlarge": ("2.11", "3.52"),
    "ml.m5.xlarge": ("2.30", "2.76"),
    "ml.m5.2xlarge": ("3.68", "4.60"),
}


def cli(*args, **env):
    return CliRunner().invoke(main, list(args), env=env or None, catch_exceptions=False)


def per_run(choice, purchase="on_demand"):
    p = choice[purchase]["per_run"]
    return p["low"], p["high"]


def test_seed_prices_reproduce_seed_003_and_catalog_prices_are_shown_beside():
    result = cli("compare", "experiment", "--training", "--prices", SEED, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    seeded = {c["instance_type"]: c for c in data["choices"]}
    assert {t: per_run(c) for t, c in seeded.items()} == SEED_PER_RUN
    catalog = {c["instance_type"]: c for c in data["at_catalog_prices"]}
    assert list(catalog) == list(SEED_PER_RUN)
    # At list prices ml.g4dn.xlarge is 0.7364/hour plus 200 GB of ML storage while it runs.
    assert per_run(catalog["ml.g4dn.xlarge"]) == ("1.55", "2.32")
    assert all(per_run(catalog[t]) != SEED_PER_RUN[t] for t in SEED_PER_RUN)
    assert seeded["ml.m5.xlarge"]["kind"] == "CPU" and seeded["ml.g5.xlarge"]["kind"] == "GPU"
    table = cli("compare", "experiment", "--training", "--prices", SEED).output
    assert "1.47-2.21" in table and "At catalog prices" in table and "1.55-2.32" in table


def test_spot_is_the_catalog_saving_plus_a_named_interruption_overhead():
    data = json.loads(cli("compare", "experiment", "--training", "--prices", SEED, "--format", "json").output)
    g4dn = data["choices"][0]
    assert data["assumptions"] == [{"name": "spot interruption overhead", "value": "0.1",
                                    "unit": "fraction of a run's hours", "source": "default"}]
    assert g4dn["spot"]["hours_per_run"] == {"low": "2.2", "high": "3.3"}
    assert g4dn["spot"]["hourly_price"]["usd"] == str(Decimal("0.736") * Decimal("0.30"))
    # 0.2208/hour x 2.2 and 3.3 hours
    assert per_run(g4dn, "spot") == ("0.49", "0.73")
    # Every day of a 730-hour month: 30.42 runs.
    assert g4dn["on_demand"]["per_month"] == {"low": str(cents(Decimal("1.472") * 730 / 24)),
                                              "high": str(cents(Decimal("2.208") * 730 / 24))}
    assert "spot interruption overhead = 0.1, source: default" in cli("compare", "experiment", "--training").output


def test_without_overhead_spot_matches_the_seeds_upper_spot_figure(captures):
    graph, scenario = captures["experiment", "neptune-sagemaker"]
    book = PriceBook.load(SEED)
    [c] = price_choices(graph, book, [Candidate("ml.g4dn.xlarge", 1, Decimal(2), Decimal(3))], Decimal(0),
                        "us-east-1", Decimal(730))
    # seeds/003: "Instance cost: $0.30 - $0.66" at $0.15-$0.22/hour; 0.22 is the 70% saving.
    assert cents(c.spot.per_run.high) == Decimal("0.66")


def test_a_candidate_like_the_stack_costs_what_the_estimate_says(captures):
    """Same pricer, not a second formula: the stack's own type, spot and hours give the
    estimate's training-job lines to the cent."""
    graph, scenario = captures["experiment", "neptune-sagemaker"]
    t = scenario.training
    assert (t.instance_type, t.spot, t.hours_per_day) == ("ml.p3.2xlarge", True, Decimal(4))
    estimate = priced(graph, scenario)
    job = sum(x.base_monthly for x in estimate.lines
              if x.resource == "experiment-training-pipeline" and x.name.startswith("Training job"))
    [c] = price_choices(graph, PriceBook.load(), [Candidate(t.instance_type, 1, Decimal(4), Decimal(4))],
                        Decimal(0), "us-east-1", scenario.month_hours)
    assert job > 0 and c.spot.per_month.low == job


def test_overhead_set_in_the_stack_file_is_used_and_named(tmp_path):
    root = make_project(tmp_path, base_scenario(option="neptune-sagemaker", workload={"training": {
        "spot_interruption_overhead": 0.25,
        "candidates": [{"instance_type": "ml.g4dn.xlarge", "hours_per_run": 2}]}}))
    data = json.loads(cli("compare", "demo", "--training", "--format", "json", GNNSTACK_PROJECT=str(root)).output)
    assert data["assumptions"][0]["value"] == "0.25" and data["assumptions"][0]["source"] == "stack"
    assert data["choices"][0]["spot"]["hours_per_run"] == {"low": "2.5", "high": "2.5"}
    assert data["at_catalog_prices"] is None


BAD = [
    ("unknown type", {"candidates": [{"instance_type": "ml.g4dn.xlarg", "hours_per_run": 2}]},
     "workload.training.candidates.0.instance_type: unknown sagemaker instance type 'ml.g4dn.xlarg'"),
    ("plain EC2 name", {"candidates": [{"instance_type": "g4dn.xlarge", "hours_per_run": 2}]},
     "closest known: ml.g4dn.xlarge"),
    ("range upside down", {"candidates": [{"instance_type": "ml.g4dn.xlarge", "hours_per_run": [3, 2]}]},
     "the low end is above the high end"),
    ("three numbers", {"candidates": [{"instance_type": "ml.g4dn.xlarge", "hours_per_run": [1, 2, 3]}]},
     "write a number of hours (2.5) or a range [low, high]"),
    ("unknown field", {"candidates": [{"instance_type": "ml.g4dn.xlarge", "hours": 2}]},
     "unknown field 'hours'. Did you mean 'hours_per_run'?"),
    ("twice", {"candidates": [{"instance_type": "ml.g4dn.xlarge", "hours_per_run": 2}] * 2},
     "ml.g4dn.xlarge listed twice"),
    ("overhead above 1", {"spot_interruption_overhead": 2}, "spot_interruption_overhead"),
    ("no candidates", {}, "workload.training.candidates is empty"),
]


@pytest.mark.parametrize("label,training,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_candidates_are_one_clear_error(tmp_path, label, training, expected):
    root = make_project(tmp_path, base_scenario(option="neptune-sagemaker", workload={"training": training}))
    result = CliRunner().invoke(main, ["compare", "demo", "--training"], env={"GNNSTACK_PROJECT": str(root)})
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.output.startswith("error: ")
    assert expected in result.output, result.output


def test_a_graph_without_a_sagemaker_training_job_is_refused():
    with pytest.raises(ConfigError, match="0 SageMaker training jobs; .*platform: sagemaker"):
        training_job(ResourceGraph("demo", "neo4j-ec2"))


def test_training_refuses_a_usage_file():
    result = cli("compare", "experiment", "--training", "--usage", "u.yaml")
    assert result.exit_code == 2 and "drop --usage" in result.output


def test_markdown_lists_every_candidate():
    md = cli("compare", "experiment", "--training", "--format", "markdown").output
    assert md.startswith("## gnnstack compare --training")
    assert all(f"| {t} |" in md for t in SEED_PER_RUN)
