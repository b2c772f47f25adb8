"""`gnnstack solve`: Lambda requests a day for a budget (seed 002's table), and a stack's largest
cost knobs within a budget, checked against `gnnstack preview` of the stack file it suggests."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import yaml
from click.testing import CliRunner

from gnnstack.cli import main
from gnnstack.costing.inverse import FreeTier, parse_budget, requests_for

from .conftest import ROOT, make_project

# Seed 002: "We fix our Total Cost at $7 and input a range of GB seconds into this formula".
SEED_TABLE = {1: 414937, 32: 13117, 64: 6558, 96: 4373, 128: 3280, 160: 2624, 192: 2186, 224: 1874, 256: 1640}


def invoke(args, env=None):
    return CliRunner().invoke(main, list(args), env=env or {})


def lambda_json(*args):
    result = invoke(["solve", "lambda", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_seed_table_comes_out_of_solve_lambda_at_the_seeds_rounded_price():
    doc = lambda_json("--budget", "7/day", "--price-per-gb-second", "0.00001667")
    got = {int(Decimal(r["gb_seconds"])): r["requests_per_day"]["x86_64"] for r in doc["rows"]}
    assert doc["prices"]["usd_per_request"] == "0.0000002"  # 0.20 per 1M requests, as the seed
    # Eight rows request for request. The ninth, 64 GB-s, is 6,559 by the seed's own formula
    # (7 / (0.00001667 x 64 + 0.0000002) = 6,559.96); the seed prints 6,558, which is its 32 GB-s
    # row halved (13,117 / 2), not the formula: no duration and request price give all nine.
    assert {k: v for k, v in got.items() if k != 64} == {k: v for k, v in SEED_TABLE.items() if k != 64}
    assert got[64] == 6559 and SEED_TABLE[32] // 2 == SEED_TABLE[64]


def test_catalog_prices_give_both_architectures_and_the_seed_price_beside_them():
    doc = lambda_json("--budget", "7/day")
    assert doc["architectures"] == ["x86_64", "arm64"]
    assert doc["prices"]["usd_per_gb_second"] == {"x86_64": "0.0000166667", "arm64": "0.0000133334"}
    first = doc["rows"][0]
    assert first["requests_per_day"] == {"x86_64": 415018, "arm64": 517238}
    assert [r["at_seed_price"] for r in doc["rows"] if r["gb_seconds"] != "64"] == \
        [v for k, v in SEED_TABLE.items() if k != 64]
    assert doc["prices"]["duration"]["arm64"]["confidence"] == "estimate"
    assert lambda_json("--budget", "7/day", "--arch", "arm64")["architectures"] == ["arm64"]


def test_a_monthly_budget_is_the_daily_one_over_a_730_hour_month():
    daily = lambda_json("--budget", "7/day", "--gb-seconds", "128")["rows"][0]["requests_per_day"]
    monthly = lambda_json("--budget", f"{Decimal(7) * 730 / 24}/month", "--gb-seconds", "128")
    assert monthly["rows"][0]["requests_per_day"] == daily
    assert lambda_json("--budget", "$7/day", "--gb-seconds", "128")["rows"][0]["requests_per_day"] == daily


def test_memory_and_seconds_make_the_gb_seconds():
    doc = lambda_json("--budget", "7/day", "--memory", "2048", "--seconds", "64")
    assert [r["gb_seconds"] for r in doc["rows"]] == ["128"]


@pytest.mark.parametrize("gbs", [Decimal(1), Decimal("0.125"), Decimal(32), Decimal(256)])
def test_with_the_free_tier_the_answer_is_the_last_request_that_fits(gbs):
    free = FreeTier.monthly_spread()
    gb_usd, req_usd, budget = Decimal("0.0000166667"), Decimal("0.0000002"), Decimal(7)

    def cost(n):
        return max(Decimal(0), n * gbs - free.gb_seconds_per_day) * gb_usd + \
            max(Decimal(0), n - free.requests_per_day) * req_usd

    n = requests_for(budget, gbs, gb_usd, req_usd, free)
    assert cost(Decimal(n)) <= budget < cost(Decimal(n + 1))
    assert n > requests_for(budget, gbs, gb_usd, req_usd)
    doc = lambda_json("--budget", "7/day", "--gb-seconds", str(gbs), "--free-tier", "--arch", "x86_64")
    assert doc["rows"][0]["requests_per_day"]["x86_64"] == n
    assert doc["free_tier"]["gb_seconds_per_month"] == "400000"


def test_the_table_names_the_formula_prices_and_assumptions():
    out = invoke(["solve", "lambda", "--budget", "7/day", "--free-tier"]).output
    assert "x86_64 req/day" in out and "arm64 req/day" in out and "at seed price" in out
    assert "rounded" in out and "Free tier subtracted" in out and "730-hour month" in out


@pytest.mark.parametrize("budget", ["7/week", "-3/day", "abc", "0/day", "7", "$/day", "1e3/day"])
def test_a_bad_budget_is_one_line_naming_the_option_and_the_forms(budget):
    result = invoke(["solve", "lambda", "--budget", budget])
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --budget: "), result.output
    assert "N/day or N/month" in lines[0] and "Traceback" not in result.output


@pytest.mark.parametrize("args,expected", [
    (["lambda", "--memory", "1024"], "--memory and --seconds go together"),
    (["lambda", "--gb-seconds", "0"], "--gb-seconds: '0' is not a positive number"),
    (["lambda", "--gb-seconds", "x"], "--gb-seconds: 'x' is not a positive number"),
    (["lambda", "--price-per-gb-second", "-1"], "--price-per-gb-second: '-1' is not a positive number"),
    (["lambda", "--region", "mars-1"], "--region: 'mars-1' is not an AWS region"),
    (["lambda", "--region", "eu-west-1"], "--region: the catalog has no Lambda price"),
    (["lambda", "--worst-case"], "--worst-case applies to `gnnstack solve STACK`"),
    (["experiment", "--free-tier"], "--free-tier applies to `gnnstack solve lambda`"),
])
def test_other_bad_input_is_one_line(args, expected):
    result = invoke(["solve", *args, "--budget", "7/day"])
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {expected}"), result.output


def test_budget_parsing():
    assert parse_budget("$1500/month").monthly == Decimal(1500)
    assert parse_budget("7/day").daily == Decimal(7)
    assert parse_budget(" 7.5 / day ").amount == Decimal("7.5")


def test_help_explains_both_uses_with_examples():
    out = invoke(["solve", "--help"]).output
    assert "Examples:" in out and "gnnstack solve lambda --budget 7/day" in out
    assert "gnnstack solve experiment --budget 1500/month" in out
    assert "rounded down" in out and "Exit 0 when it fits; 1 when nothing fits" in out


# --------------------------------------------------------------------------- solve STACK

def _experiment(tmp_path):
    scenario = yaml.safe_load((ROOT / "stacks" / "Pulumi.experiment.yaml").read_text())["config"]["gnnstack:scenario"]
    return make_project(tmp_path, scenario, stack="exp"), scenario


def _set(scenario, path, value):
    node = scenario
    *parents, last = path.split(".")
    for p in parents:
        node = node.setdefault(p, {})
    node[last] = value


def _preview(root, scenario, tmp_path):
    (root / "stacks" / "Pulumi.exp.yaml").write_text(yaml.safe_dump({"config": {"gnnstack:scenario": scenario}}))
    result = invoke(["preview", "exp", "--format", "json"], env={"GNNSTACK_PROJECT": str(root)})
    assert result.exit_code in (0, 1), result.output  # 1: a guardrail, not the price
    return Decimal(json.loads(result.output)["estimate"]["monthly"]["base"])


@pytest.mark.slow
def test_solve_stack_raises_knobs_and_preview_of_the_suggested_file_agrees(tmp_path):
    root, scenario = _experiment(tmp_path)
    result = invoke(["solve", "exp", "--budget", "1500/month", "--format", "json"],
                    env={"GNNSTACK_PROJECT": str(root)})
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["fits"] and doc["direction"] == "raise" and doc["changes"], doc
    first = doc["changes"][0]
    assert "over the budget" in first["stopped_by"]
    suggested = json.loads(json.dumps(scenario))
    for c in doc["changes"]:
        _set(suggested, c["path"], c["new"])
    base = _preview(root, suggested, tmp_path)
    assert base == Decimal(doc["result"]["base"]) and base <= 1500
    _set(suggested, first["path"], first["new"] + 1)  # one more step of the first knob raised
    assert _preview(root, suggested, tmp_path) > 1500


@pytest.mark.slow
def test_solve_stack_over_budget_lowers_knobs_and_nothing_fitting_exits_1(tmp_path):
    root, scenario = _experiment(tmp_path)
    env = {"GNNSTACK_PROJECT": str(root)}
    result = invoke(["solve", "exp", "--budget", "1300/month", "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["direction"] == "lower" and doc["fits"]
    suggested = json.loads(json.dumps(scenario))
    for c in doc["changes"]:
        _set(suggested, c["path"], c["new"])
    assert _preview(root, suggested, tmp_path) == Decimal(doc["result"]["base"]) <= 1300
    result = invoke(["solve", "exp", "--budget", "100/month"], env=env)
    assert result.exit_code == 1, result.output
    assert "Nothing fits" in result.output and "floor" in result.output


@pytest.mark.parametrize("target,hint", [("foo", ""), ("lamda", " Did you mean 'lambda'?")])
def test_an_unknown_target_names_lambda_and_the_stacks(target, hint, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["solve", target, "--budget", "7/day"])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip().startswith(f"error: {target!r} is neither a service solve knows (lambda) nor a stack")
    assert "experiment" in result.stderr and result.stderr.strip().endswith(hint or ").")
