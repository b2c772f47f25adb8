"""`gnnstack actuals`: Cost Explorer's daily cost next to the estimate. Cost Explorer is a real
boto3 client with botocore's Stubber (moto's Cost Explorer returns no real data): pages, several
services, an estimated day, a day with nothing, the tag not activated, no data yet, access denied.
The comparison is checked against figures worked out by hand."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import boto3
import pytest
from botocore.stub import Stubber
from click.testing import CliRunner

from gnnstack import budgets
from gnnstack.cli import main
from gnnstack.costing import PriceBook
from gnnstack.costing.actuals import ActualDay, compare_actuals
from gnnstack.costing.pricers import PRICERS
from gnnstack.costing.services import CE_SERVICES, OUTSIDE_AWS, ce_service, line_service
from gnnstack.errors import GnnstackError
from gnnstack.outputs.json_out import actuals_json
from gnnstack.outputs.table import actuals_table

from .golden_cases import GOLDEN, load_case, run_case

TAG = "gnnstack:stack"
NEPTUNE, EC2, EC2_OTHER, S3 = ("Amazon Neptune", "Amazon Elastic Compute Cloud - Compute", "EC2 - Other",
                               "Amazon Simple Storage Service")
START, END = date(2026, 11, 1), date(2026, 11, 4)  # three days: the 1st, 2nd and 3rd


# --------------------------------------------------------------------------- Cost Explorer, stubbed


def ce():
    return boto3.client("ce", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")


def group(service: str, amount: str) -> dict:
    return {"Keys": [service], "Metrics": {"UnblendedCost": {"Amount": amount, "Unit": "USD"}}}


def day(start: str, end: str, groups: list, estimated: bool = False) -> dict:
    return {"TimePeriod": {"Start": start, "End": end}, "Total": {}, "Groups": groups, "Estimated": estimated}


def request(stack: str = "experiment", start: date = START, end: date = END, token: str | None = None) -> dict:
    r = {"TimePeriod": {"Start": start.isoformat(), "End": end.isoformat()}, "Granularity": "DAILY",
         "Metrics": ["UnblendedCost"], "Filter": {"Tags": {"Key": TAG, "Values": [stack]}},
         "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}]}
    return {**r, "NextPageToken": token} if token else r


# Two pages: the 1st is split over both (Cost Explorer pages by group); the 2nd is still Cost
# Explorer's estimate; the 3rd has nothing under the tag.
PAGE_1 = {"ResultsByTime": [day("2026-11-01", "2026-11-02", [group(NEPTUNE, "25.00"), group(EC2, "10.00")])],
          "NextPageToken": "page-2", "GroupDefinitions": [{"Type": "DIMENSION", "Key": "SERVICE"}]}
PAGE_2 = {"ResultsByTime": [
    day("2026-11-01", "2026-11-02", [group(EC2_OTHER, "3.0000000001"), group(S3, "0.4999999999")]),
    day("2026-11-02", "2026-11-03", [group(NEPTUNE, "22"), group(EC2, "8")], estimated=True),
    day("2026-11-03", "2026-11-04", [])]}


def stubbed(*responses) -> tuple:
    """A client whose calls answer `responses`: (method, response or error code, expected params)."""
    client = ce()
    stub = Stubber(client)
    for method, answer, params in responses:
        if isinstance(answer, str):
            stub.add_client_error(method, service_error_code=answer, service_message=f"{answer} (stubbed)",
                                  http_status_code=400, expected_params=params)
        else:
            stub.add_response(method, answer, params)
    stub.activate()
    return client, stub


def two_pages():
    return stubbed(("get_cost_and_usage", PAGE_1, request()),
                   ("get_cost_and_usage", PAGE_2, request(token="page-2")))


def test_every_page_is_read_and_a_day_split_over_pages_is_put_back_together():
    client, stub = two_pages()
    days = budgets.daily_cost_by_service(client, "experiment", START, END)
    stub.assert_no_pending_responses()
    assert [d.day for d in days] == [date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3)]
    first, second, third = days
    assert first.services == {NEPTUNE: Decimal("25.00"), EC2: Decimal("10.00"), EC2_OTHER: Decimal("3.0000000001"),
                              S3: Decimal("0.4999999999")}
    assert first.total == Decimal("38.5000000000") and not first.estimated  # exact: Decimal from the strings
    assert second.estimated and second.total == Decimal(30)
    assert third.services == {} and third.total is None  # nothing reported: no data, not $0


def test_a_zero_cost_day_is_zero_not_missing():
    zero = {"ResultsByTime": [day("2026-11-01", "2026-11-02", [group(S3, "0")])]}
    client, _ = stubbed(("get_cost_and_usage", zero, request(end=date(2026, 11, 2))))
    [d] = budgets.daily_cost_by_service(client, "experiment", START, date(2026, 11, 2))
    assert d.total == Decimal(0)


# --------------------------------------------------------------------------- the comparison, by hand


def line(service: str, item: str, monthly: str):
    return SimpleNamespace(price=SimpleNamespace(service=service, item=item), base_monthly=Decimal(monthly))


# A 720-hour month: 30 days. Neptune 600 (20 a day), EC2 300 (10), EBS 90 (3), a licence 30 (1):
# 1,020 a month, 34 a day.
ESTIMATE = SimpleNamespace(hours_per_month=Decimal(720), unpriced=[], lines=[
    line("neptune", "instance/db.r6g.xlarge", "600"), line("ec2", "on-demand/r6g.large", "300"),
    line("ebs", "gp3/storage", "90"), line("licence", "tigergraph/enterprise", "30")])
DAYS = [ActualDay(date(2026, 11, 1), {NEPTUNE: Decimal("25"), EC2: Decimal("10"), EC2_OTHER: Decimal("3"),
                                      S3: Decimal("0.50")}),
        ActualDay(date(2026, 11, 2), {NEPTUNE: Decimal("22"), EC2: Decimal("8")}, estimated=True),
        ActualDay(date(2026, 11, 3), {})]


def report():
    return compare_actuals("experiment", (TAG, "experiment"), START, END, DAYS, ESTIMATE, "720 h a month / 24")


def test_the_comparison_against_figures_worked_out_by_hand():
    r = report()
    assert r.days_per_month == 30 and r.per_day == 34
    d1, d2, d3 = r.days
    assert (d1.actual, d1.estimate, d1.difference) == (Decimal("38.50"), 34, Decimal("4.50"))
    assert d1.percent.quantize(Decimal("0.01")) == Decimal("13.24")  # 4.50 / 34
    assert (d2.actual, d2.difference, d2.estimated) == (30, -4, True)
    assert d2.percent.quantize(Decimal("0.01")) == Decimal("-11.76")
    assert d3.actual is None and d3.difference is None and d3.percent is None  # shown, as no data
    # Totals over the two days with cost: 68.50 against 2 x 34.
    assert (r.actual, r.estimate, r.difference) == (Decimal("68.50"), 68, Decimal("0.50"))
    assert r.percent.quantize(Decimal("0.001")) == Decimal("0.735")
    services = {s.service: (s.actual, s.estimate, s.difference) for s in r.services}
    assert services == {
        NEPTUNE: (47, 40, 7), EC2: (18, 20, -2), EC2_OTHER: (3, 6, -3), S3: (Decimal("0.50"), 0, Decimal("0.50")),
        "(outside AWS: licence)": (None, 2, -2)}
    assert sum(s.difference for s in r.services) == r.difference  # the services add up to the gap
    # Biggest difference first, ties by name; 7 + 3 + 2 of 14.5 is the first to reach 80 %.
    assert [s.service for s in r.services] == [NEPTUNE, EC2_OTHER, "(outside AWS: licence)", EC2, S3]
    assert [s.service for s in r.explaining()] == [NEPTUNE, EC2_OTHER, "(outside AWS: licence)"]
    assert r.notes == ["1 of 3 day(s) have no cost under the tag; the totals cover the other days only",
                       "days marked ~ are Cost Explorer's own estimate and may still change"]


def test_the_json_document_is_stable():
    doc = actuals_json(report())
    assert list(doc) == ["schema", "stack", "tag", "currency", "metric", "period", "estimate", "days", "total",
                         "services", "explains_most", "notes"]
    assert doc["schema"] == 1 and doc["period"] == {"start": "2026-11-01", "end_exclusive": "2026-11-04", "days": 3}
    assert doc["estimate"] == {"monthly_base": "1020.00", "days_per_month": "30", "month_basis": "720 h a month / 24",
                               "per_day": "34.00", "unpriced_resources": 0}
    assert doc["days"][0] == {"date": "2026-11-01", "actual": "38.50", "estimate": "34.00", "difference": "4.50",
                              "difference_pct": "13.2", "cost_explorer_estimated": False}
    assert doc["days"][2] == {"date": "2026-11-03", "actual": None, "estimate": "34.00", "difference": None,
                              "difference_pct": None, "cost_explorer_estimated": False}
    assert doc["total"] == {"days_reported": 2, "days_without_data": 1, "actual": "68.50", "estimate": "68.00",
                            "difference": "0.50", "difference_pct": "0.7"}
    assert doc["services"][2] == {"service": "(outside AWS: licence)", "actual": None, "estimate": "2.00",
                                  "difference": "-2.00", "difference_pct": "-100.0",
                                  "note": OUTSIDE_AWS["licence"]}
    assert doc["explains_most"] == [NEPTUNE, EC2_OTHER, "(outside AWS: licence)"]
    assert json.dumps(doc) == json.dumps(actuals_json(report()))  # the same input, the same bytes


def test_the_table_shows_no_data_estimated_days_and_the_lines_behind_the_gap(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    text = actuals_table(report())
    assert "2026-11-02 ~" in text and "no data" in text
    assert "Estimate a day: monthly base 1,020.00 / 30 days (720 h a month / 24) = 34.00" in text
    assert "Most of the gap: Amazon Neptune (+7.00), EC2 - Other (-3.00), (outside AWS: licence) (-2.00)" in text


# --------------------------------------------------------------------------- the tag, and refusals


def test_nothing_under_an_inactive_tag_is_an_error_with_the_fix():
    empty = {"ResultsByTime": [day("2026-11-01", "2026-11-02", []), day("2026-11-02", "2026-11-03", []),
                               day("2026-11-03", "2026-11-04", [])]}
    client, stub = stubbed(("get_cost_and_usage", empty, request()),
                           ("list_cost_allocation_tags", {"CostAllocationTags": [
                               {"TagKey": TAG, "Type": "UserDefined", "Status": "Inactive"}]}, {"TagKeys": [TAG]}))
    with pytest.raises(GnnstackError) as e:
        budgets.actual_versus_estimate(ESTIMATE, "experiment", START, END, "x", client)
    stub.assert_no_pending_responses()
    assert "not activated for cost allocation (status Inactive)" in str(e.value)
    assert "aws ce update-cost-allocation-tags-status" in str(e.value) and "\n" not in str(e.value)


def test_a_tag_aws_has_never_seen_is_an_error_and_an_active_one_a_note():
    empty = {"ResultsByTime": [day("2026-11-01", "2026-11-02", [])]}
    one_day = date(2026, 11, 2)
    client, _ = stubbed(("get_cost_and_usage", empty, request(end=one_day)),
                        ("list_cost_allocation_tags", {"CostAllocationTags": []}, {"TagKeys": [TAG]}))
    with pytest.raises(GnnstackError, match="does not know the tag gnnstack:stack"):
        budgets.actual_versus_estimate(ESTIMATE, "experiment", START, one_day, "x", client)
    client, _ = stubbed(("get_cost_and_usage", empty, request(end=one_day)),
                        ("list_cost_allocation_tags", {"CostAllocationTags": [
                            {"TagKey": TAG, "Type": "UserDefined", "Status": "Active"}]}, {"TagKeys": [TAG]}))
    r = budgets.actual_versus_estimate(ESTIMATE, "experiment", START, one_day, "x", client)
    assert r.days[0].actual is None and "was the stack deployed then?" in r.notes[-1]


@pytest.mark.parametrize("code,words", [
    ("DataUnavailableException", "Cost Explorer has no data for this account yet"),
    ("AccessDeniedException", "access denied to Cost Explorer (ce:GetCostAndUsage): grant ce:GetCostAndUsage and "
                              "ce:ListCostAllocationTags"),
])
def test_cost_explorer_refusals_are_one_line_with_the_fix(code, words):
    client, _ = stubbed(("get_cost_and_usage", code, request()))
    with pytest.raises(GnnstackError) as e:
        budgets.daily_cost_by_service(client, "experiment", START, END)
    assert str(e.value).startswith(words) and "\n" not in str(e.value)


# --------------------------------------------------------------------------- the command, end to end offline


@pytest.fixture
def cli_ce(monkeypatch):
    """`gnnstack actuals` with the stubbed client behind its seam (`budgets.ce_client`)."""
    def use(client):
        monkeypatch.setattr(budgets, "ce_client", lambda session=None: client)
    return use


def run(*args):
    return CliRunner().invoke(main, ["actuals", *args], env={"COLUMNS": "100"})


def test_the_command_end_to_end_with_the_real_estimate(cli_ce, project):
    from gnnstack.assess import assess

    client, stub = two_pages()
    cli_ce(client)
    result = run("experiment", "--days", "3", "--end", "2026-11-04", "--format", "json")
    assert result.exit_code == 0, result.output
    stub.assert_no_pending_responses()
    doc = json.loads(result.stdout)
    estimate = assess(project, "experiment").costs.estimate
    per_day = estimate.base / (estimate.hours_per_month / 24)
    assert doc["estimate"]["per_day"] == str(per_day.quantize(Decimal("0.01")))
    assert doc["estimate"]["month_basis"] == "730 h a month / 24"  # the experiment stack sets no month_days
    assert [d["actual"] for d in doc["days"]] == ["38.50", "30.00", None]
    assert doc["total"]["actual"] == "68.50"
    order = [(-abs(Decimal(s["difference"])), s["service"]) for s in doc["services"]]
    assert order == sorted(order)  # biggest difference first, then by name
    assert {NEPTUNE, EC2, EC2_OTHER, S3} <= {s["service"] for s in doc["services"]}


def test_a_stack_that_sets_its_month_says_so(cli_ce):
    one = {"ResultsByTime": [day("2026-11-01", "2026-11-02", [group(NEPTUNE, "1")])]}
    client, _ = stubbed(("get_cost_and_usage", one, request("seed-analysis", end=date(2026, 11, 2))))
    cli_ce(client)
    result = run("seed-analysis", "--days", "1", "--end", "2026-11-02", "--format", "json")
    assert result.exit_code == 0, result.output
    estimate = json.loads(result.stdout)["estimate"]
    assert (estimate["days_per_month"], estimate["month_basis"]) == ("30", "costing.month_days: 30 in the stack file")


def test_the_command_table(cli_ce):
    client, _ = two_pages()
    cli_ce(client)
    result = run("experiment", "--days", "3", "--end", "2026-11-04")
    assert result.exit_code == 0, result.output
    assert "2026-11-02 ~" in result.output and "no data" in result.output and "Most of the gap:" in result.output


@pytest.mark.parametrize("args,line", [
    (["--end", "2026-13-01"], "error: --end '2026-13-01' is not a date: use YYYY-MM-DD, e.g. 2026-11-23"),
    (["--end", "2026-12-01"], "error: --end 2026-12-01 is after today (2026-11-23): Cost Explorer has no cost "
                              "for days to come"),
    (["--days", "0"], "error: --days 0: give at least 1 day"),
])
def test_bad_input_is_one_line_and_exit_2(cli_ce, args, line):
    cli_ce(ce())  # never called
    result = run("experiment", *args)
    assert result.exit_code == 2 and result.output.splitlines() == [line]


def test_access_denied_through_the_command_is_one_line(cli_ce):
    client, _ = stubbed(("get_cost_and_usage", "AccessDeniedException", None))
    cli_ce(client)
    result = run("experiment", "--days", "3", "--end", "2026-11-04")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.splitlines() == [
        "error: access denied to Cost Explorer (ce:GetCostAndUsage): grant ce:GetCostAndUsage and "
        "ce:ListCostAllocationTags to the role or user of your AWS credentials"]


def test_no_credentials_is_one_line(monkeypatch, tmp_path):
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = run("experiment", "--days", "3", "--end", "2026-11-04")
    assert result.exit_code == 2 and result.output.splitlines() == [f"error: {budgets.NO_CREDENTIALS}"]


# --------------------------------------------------------------------------- the service table


def test_every_catalog_price_maps_to_a_cost_explorer_service_or_is_outside_aws():
    unmapped = sorted({(p.service, p.item) for p in PriceBook.load()
                       if ce_service(p.service, p.item) is None and p.service not in OUTSIDE_AWS})
    assert not unmapped, unmapped
    assert not set(CE_SERVICES) & set(OUTSIDE_AWS)


def test_every_pricers_lines_map_to_a_service():
    """Every pricer's golden case (the cases cover every registered type): each line it prices
    has a Cost Explorer service, or a row that says why Cost Explorer cannot show it."""
    from gnnstack.costing import estimate
    from gnnstack.costing.usage import UsageSet
    from gnnstack.costing.usage_file import UsageFile, apply_usage_file

    seen: dict[str, set[str]] = {}
    for path in sorted(GOLDEN.glob("*.yaml")):
        case, graph = load_case(path)
        usage = apply_usage_file(UsageSet(), UsageFile.model_validate(case.get("usage") or {"version": 1}), graph,
                                 path.name)
        e = estimate(graph, PriceBook.load(), region=case.get("region", "us-east-1"),
                     hours=Decimal(str(case.get("hours", 730))), usage=usage)
        for ln in e.lines:
            if ln.resource in case["price"]:
                seen.setdefault(ln.resource_type, set()).add(line_service(ln)[0])
        for r in graph.resources:  # a case whose target is unpriced still names its type
            if r.name in case["price"]:
                seen.setdefault(r.type, set())
        assert run_case(path)  # the case still runs as its golden file does
    assert set(PRICERS) <= set(seen), sorted(set(PRICERS) - set(seen))
    assert not {t: s for t, s in seen.items() if any(x.startswith("(unmapped") for x in s)}
    assert seen["aws:ec2/natGateway:NatGateway"] == {EC2_OTHER}
    assert seen["aws:neptune/clusterInstance:ClusterInstance"] == {NEPTUNE}


def test_a_price_nobody_mapped_is_shown_as_unmapped_not_folded_into_a_service():
    assert line_service(line("bedrock", "tokens", "1")) == ("(unmapped: bedrock tokens)",
                                                            "no Cost Explorer service is known for this price")
    assert ce_service("vpc", "transit-gateway/hour") is None
