"""Carbon (issue 13, item 6): the coefficients file, a hand-computed line, the region without a
grid factor, every shipped stack, and a golden file of the experiment stack's carbon per option."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from gnnstack.capture import capture
from gnnstack.costing.carbon import (DEFAULT_UTILISATION, GB_MONTHS, HOURS, estimate_carbon, instance_type,
                                     load_coefficients, parse)
from gnnstack.costing.catalog import Price
from gnnstack.costing.estimate import Estimate
from gnnstack.costing.lines import HOURS_PER_MONTH, CostLine
from gnnstack.errors import ConfigError

from .conftest import CASES, ROOT, priced

GOLDEN = ROOT / "tests" / "golden" / "carbon"
SEEDS = [("seed-analysis", None), ("seed-analysis-high", None), ("inference", None)]
HEADER = "kind,key,value,unit,confidence,as_of,source\n"
GOOD = """cpu_min_watts,aws,0.74,W per vCPU,derived,2026-12-02,ccf
cpu_max_watts,aws,3.5,W per vCPU,derived,2026-12-02,ccf
memory,aws,0.000392,kWh per GB-hour,derived,2026-12-02,ccf
storage_ssd,aws,1.2,Wh per TB-hour,derived,2026-12-02,ccf
storage_hdd,aws,0.65,Wh per TB-hour,derived,2026-12-02,ccf
pue,aws,1.135,ratio,derived,2026-12-02,ccf
"""


def line(name: str, unit: str, qty: str, resource_type: str = "aws:ec2/instance:Instance") -> CostLine:
    price = Price("ec2", name, "us-east-1", unit, Decimal("0.1"), "verified", date(2026, 11, 23), "test")
    return CostLine("comp", "res", resource_type, name, unit, Decimal(qty), Decimal(qty), price, price)


def estimate_of(region: str, *lines: CostLine) -> Estimate:
    return Estimate(region=region, hours_per_month=HOURS_PER_MONTH, lines=list(lines))


# --------------------------------------------------------------------------- the coefficients file


def test_the_shipped_coefficients_load_with_a_source_and_date_on_every_row():
    c = load_coefficients()
    assert c[("pue", "aws")].value == Decimal("1.135")
    for row in c.rows.values():
        assert row.source.startswith("https://"), row
        assert row.confidence in ("verified", "derived", "estimate")
    # every region the price catalog covers has a grid factor
    from gnnstack.costing.catalog import PriceBook
    for region in PriceBook.load().regions():
        assert c.get("grid", region) is not None, region


def test_a_good_file_parses():
    assert parse(HEADER + GOOD, "c.csv")[("memory", "aws")].value == Decimal("0.000392")


@pytest.mark.parametrize("row,message", [
    ("pue,aws,lots,ratio,derived,2026-12-02,ccf", "c.csv, line 8: field 'value' is 'lots'"),
    ("pue,aws,-1,ratio,derived,2026-12-02,ccf", "c.csv, line 8: field 'value' is '-1'"),
    ("watts,aws,1,W,derived,2026-12-02,ccf", "c.csv, line 8: field 'kind' is 'watts'; use one of"),
    ("grid,eu-west-1,0.1,t,sure,2026-12-02,ccf", "c.csv, line 8: field 'confidence' is 'sure'"),
    ("grid,eu-west-1,0.1,t,derived,02/12/2026,ccf", "c.csv, line 8: field 'as_of' is '02/12/2026'"),
    ("grid,eu-west-1,0.1,t,derived,2026-12-02,", "c.csv, line 8: field 'source' is empty"),
    ("grid,eu-west-1,0.1,t,derived", "c.csv, line 8: expected 7 fields"),
    ("pue,aws,1.2,ratio,derived,2026-12-02,ccf", "c.csv, line 8: duplicate entry for pue/aws (first on line 7)"),
])
def test_a_bad_row_names_the_file_line_and_field(row, message):
    with pytest.raises(ConfigError) as e:
        parse(HEADER + GOOD + row + "\n", "c.csv")
    assert message in str(e.value)


def test_a_missing_required_coefficient_and_a_bad_header_are_errors():
    with pytest.raises(ConfigError, match="no entry for pue/aws"):
        parse(HEADER + GOOD.replace("pue,aws,1.135,ratio,derived,2026-12-02,ccf\n", ""), "c.csv")
    with pytest.raises(ConfigError, match="c.csv, line 1: the header must be exactly"):
        parse(HEADER.replace("key", "name") + GOOD, "c.csv")


# --------------------------------------------------------------------------- the arithmetic


def test_one_r6g_xlarge_month_matches_the_hand_computation():
    got = estimate_carbon(estimate_of("us-east-1", line("Instance usage (on-demand, r6g.xlarge)", HOURS, "730")))
    # r6g.xlarge: 4 vCPU, 32 GiB. CPU: 4 x (0.74 + 0.5 x (3.5 - 0.74)) = 8.48 W; 8.48 x 730 / 1000 = 6.1904 kWh.
    # Memory: 32 x 730 x 0.000392 = 9.15712 kWh. IT 15.34752 kWh x PUE 1.135 = 17.4194352 kWh.
    # x 0.379069 t/kWh (us-east-1) x 1000 = 6.6031678818288 kg CO2e.
    assert not got.not_estimated
    (only,) = got.lines
    assert only.kwh == Decimal("17.4194352")
    assert only.kg_co2e == Decimal("6.6031678818288")
    assert got.kwh == only.kwh and got.kg_co2e == only.kg_co2e
    assert got.utilisation == DEFAULT_UTILISATION == Decimal("0.5")
    assert "r6g.xlarge: 4 vCPU x 2.12 W" in only.basis
    assert got.to_json()["monthly"] == {"kwh": "17.419", "kg_co2e": "6.603"}


def test_a_gpu_line_and_a_storage_line():
    got = estimate_carbon(estimate_of(
        "us-west-2",
        line("Training job (managed spot, ml.p3.2xlarge)", HOURS, "10"),
        line("Storage (gp3, /dev/sdf)", GB_MONTHS, "1000"),
        line("Storage (STANDARD)", GB_MONTHS, "1000", "aws:s3/bucketV2:BucketV2")))
    gpu, ssd, hdd = got.lines
    # 8 x 2.12 W + 1 V100 x (35 + 0.5 x 271) = 16.96 + 170.5 W; x 10 h / 1000 + 61 x 10 x 0.000392
    assert gpu.kwh == (Decimal("187.46") * 10 / 1000 + Decimal("0.23912")) * Decimal("1.135")
    # 1 TB x 730 h x 1.2 Wh / 1000 x PUE; HDD 0.65 Wh
    assert ssd.kwh == Decimal("0.876") * Decimal("1.135")
    assert hdd.kwh == Decimal("0.4745") * Decimal("1.135")
    assert gpu.kg_co2e == gpu.kwh * Decimal("0.000322167") * 1000  # us-west-2, t per kWh


def test_a_region_without_a_grid_factor_is_not_estimated_with_the_reason():
    got = estimate_carbon(estimate_of("eu-south-2", line("Instance usage (on-demand, r6g.xlarge)", HOURS, "730")))
    assert got.lines == [] and got.grid is None
    assert [n.reason for n in got.not_estimated] == ["no grid emissions factor for region eu-south-2 in carbon.csv"]
    assert "not estimated" in got.summary()
    assert got.to_json()["not_estimated_count"] == 1


def test_fees_and_other_units_are_not_estimated_never_zero():
    got = estimate_carbon(estimate_of(
        "us-east-1",
        line("EMR fee (core, r5.4xlarge)", HOURS, "100"),
        line("NAT gateway", HOURS, "730"),
        line("Requests", "1M requests", "5")))
    assert got.lines == []
    reasons = {n.name: n.reason for n in got.not_estimated}
    assert "service fee on r5.4xlarge" in reasons["EMR fee (core, r5.4xlarge)"]
    assert "no instance type" in reasons["NAT gateway"]
    assert "billed in 1M requests" in reasons["Requests"]


# --------------------------------------------------------------------------- shipped stacks


def _carbon(captures, project, stack, option):
    graph, scenario = captures[(stack, option)] if option else capture(project, stack)
    estimate = priced(graph, scenario)
    return estimate, estimate_carbon(estimate)


@pytest.mark.parametrize("stack,option", list(CASES) + SEEDS, ids=lambda v: str(v))
def test_every_shipped_stack_has_carbon_and_leaves_out_only_other_lines(captures, project, stack, option):
    estimate, got = _carbon(captures, project, stack, option)
    assert got.kg_co2e > 0 and got.kwh > 0
    estimated = {(c.resource, c.name) for c in got.lines}
    for cost in estimate.lines:
        compute = cost.unit == HOURS and instance_type(cost) is not None and "fee" not in cost.name.lower()
        if compute or cost.unit == GB_MONTHS:
            assert (cost.resource, cost.name) in estimated, cost.name
    named = {(c.resource, c.name): c for c in estimate.lines}
    for n in got.not_estimated:
        cost = named.get((n.resource, n.name))
        assert cost is None or cost.unit != GB_MONTHS, n
        assert cost is None or cost.unit != HOURS or instance_type(cost) is None or "fee" in n.reason, n


@pytest.mark.parametrize("option", [opt for env, opt in CASES if env == "experiment"])
def test_experiment_carbon_matches_its_golden_file(request, captures, project, option):
    """The golden previews hold only the estimate; the carbon of the experiment stack has its own."""
    _, got = _carbon(captures, project, "experiment", option)
    text = json.dumps(got.to_json(), indent=1) + "\n"
    path = GOLDEN / f"experiment-{option}.json"
    if request.config.getoption("--update-golden"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"no golden file {path.name}: run with --update-golden and review it"
    assert text == path.read_text(), f"{path.name} changed: review, then --update-golden"


def test_preview_json_and_table_carry_the_carbon():
    from click.testing import CliRunner

    from gnnstack.cli import main

    result = CliRunner().invoke(main, ["preview", "experiment", "--format", "json"])
    doc = json.loads(result.output)
    carbon = doc["carbon"]
    assert Decimal(carbon["monthly"]["kg_co2e"]) > 0
    assert carbon["assumptions"]["utilisation"]["value"] == "0.5"
    assert carbon["assumptions"]["utilisation"]["source"].startswith("default")
    assert carbon["assumptions"]["grid"]["key"] == doc["region"]
    assert carbon["not_estimated_count"] == len(carbon["not_estimated"])
    text = CliRunner().invoke(main, ["preview", "experiment"], env={"COLUMNS": "200"}).output
    monthly = carbon["monthly"]
    assert f"Carbon: {monthly['kg_co2e']} kg CO2e a month ({monthly['kwh']} kWh; utilisation 50%" in text
