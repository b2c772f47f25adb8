"""The cost engine over every captured option, the catalog, and the seed analysis reproduced."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from gnnstack.assess import stack_usage
from gnnstack.capture import capture
from gnnstack.costing import PriceBook, cents, estimate
from gnnstack.costing.catalog import CONFIDENCES, PriceRow, audit, load_catalog, parse, read
from gnnstack.costing.pricers import FREE, PRICED_WITH, PRICERS
from gnnstack.costing.report import cost_report, price_book
from gnnstack.costing.schedule import runs_per_month
from gnnstack.errors import ConfigError
from gnnstack.graph import Resource, ResourceGraph

from .conftest import CASES, ROOT, priced

SEED_PRICES = ROOT / "prices" / "seed-analysis.csv"


@pytest.fixture(scope="module")
def estimates(captures):
    book = PriceBook.load()
    return {case: priced(graph, scenario, book) for case, (graph, scenario) in captures.items()}


# --------------------------------------------------------------------------- invariants


@pytest.mark.parametrize("case", CASES, ids=[f"{e}-{o}" for e, o in CASES])
def test_every_line_is_quantity_times_price_and_base_never_exceeds_worst(estimates, case):
    e = estimates[case]
    # Every option runs instances or a database by the hour and stores data by the GB-month.
    assert {"hours", "GB-months"} <= {line.unit for line in e.lines}
    for line in e.lines:
        assert line.base_monthly == line.base_quantity * line.unit_price, line
        assert line.base_quantity >= 0 and line.unit_price >= 0
        if line.worst_quantity is not None:
            assert line.worst_monthly == line.worst_quantity * line.worst_unit_price, line
            assert line.base_monthly <= line.worst_monthly, line
            assert line.base_quantity <= line.worst_quantity, line


# Resources whose pricer prices them at nothing on purpose: when, and why.
PRICED_AT_NOTHING = {
    "gnnstack:database:Neo4jServers": (lambda r: r.inputs.get("edition") == "community",
                                       "the community edition has no licence fee: a $0 line that says so"),
    "gnnstack:database:TigerGraphCluster": (lambda r: r.inputs.get("edition") == "developer",
                                            "the developer edition has no licence fee: a $0 line that says so"),
}


def costs_something(line) -> bool:
    """A line with a positive price and a positive quantity, in the base case or at worst."""
    return line.unit_price > 0 and (line.base_quantity > 0 or line.worst_quantity is None or line.worst_quantity > 0)


@pytest.mark.parametrize("case", CASES, ids=[f"{e}-{o}" for e, o in CASES])
def test_every_managed_resource_is_priced_free_or_listed_unpriced(captures, estimates, case):
    """Each resource is exactly one of: free (FREE, PRICED_WITH: no line, not unpriced), listed
    unpriced with a reason (and no line), no charge of its own as its pricer says (NoCharge: no
    line, a reason), priced at nothing on purpose (PRICED_AT_NOTHING), or
    priced: a line with a positive price and quantity. A pricer that returns no line, or only $0
    lines, for a resource it should price fails here."""
    graph, _ = captures[case]
    e = estimates[case]
    lines: dict[str, list] = {}
    for line in e.lines:
        lines.setdefault(line.resource, []).append(line)
    unpriced = {u.resource: u.reason for u in e.unpriced}
    checked = [r for r in graph.resources if (r.custom and not r.is_provider) or r.type in PRICERS]
    for r in checked:
        mine = lines.get(r.name, [])
        if r.type in FREE or r.type in PRICED_WITH:
            assert not mine and r.name not in unpriced, r.name
        elif r.name in unpriced:
            assert unpriced[r.name].strip() and not mine, r.name
        elif r.name in e.no_charge:  # its pricer raised NoCharge: no line, and the reason
            assert not mine and e.no_charge[r.name][1].strip(), r.name
        elif r.type in PRICED_AT_NOTHING and PRICED_AT_NOTHING[r.type][0](r):
            assert not any(costs_something(line) for line in mine), r.name
            assert all(line.note for line in mine), r.name  # a $0 line says why
        else:
            assert r.type in PRICERS, f"{r.name}: {r.type} has no pricer and is not free, yet is not unpriced"
            assert any(costs_something(line) for line in mine), f"{r.name} ({r.type}) is priced at nothing"


@pytest.mark.parametrize("case", CASES, ids=[f"{e}-{o}" for e, o in CASES])
def test_totals_add_up_and_the_projection_grows(estimates, case):
    e = estimates[case]
    assert sum((c.base for c in e.by_component()), Decimal(0)) == e.base
    months = e.months()
    assert len(months) == 12 and months[0] == e.base
    assert all(a <= b for a, b in zip(months, months[1:]))
    assert months[-1] > months[0]  # storage grows with the graph


def test_metered_lines_with_no_cap_make_the_worst_case_unbounded(estimates):
    e = estimates[("experiment", "neptune-sagemaker")]
    assert e.worst_case is None
    assert [line.name for line in e.unbounded] == ["I/O requests"]
    assert e.to_json()["monthly"]["worst_case"] is None
    assert Decimal(e.to_json()["monthly"]["worst_case_bounded"]) > e.base


def test_caps_drive_the_worst_case(estimates):
    lines = {line.name: line for line in estimates[("production", "neptune-sagemaker")].lines}
    replicas = lines["Auto-scaled replicas (db.r6g.8xlarge, up to 2 more)"]
    assert (replicas.base_quantity, replicas.worst_quantity) == (0, 2 * 730)
    asg = [line for line in estimates[("production", "neo4j-ec2")].lines
           if line.name.startswith("Instance usage") and line.resource == "production-db-asg"][0]
    assert (asg.base_quantity, asg.worst_quantity) == (3 * 730, 5 * 730)  # desired 3, max_size 5


def test_spot_lines_cost_less_in_the_base_case_and_on_demand_at_worst(estimates):
    spot = [line for line in estimates[("experiment", "neo4j-ec2")].lines if "spot" in line.name]
    assert [(line.resource, line.price.item, line.worst_price.item) for line in spot] == [
        ("experiment-training-asg", "spot/p3.2xlarge", "on-demand/p3.2xlarge"),
        ("experiment-tuning-pipeline", "training-spot/ml.p3.2xlarge", "training/ml.p3.2xlarge")]
    for line in spot:
        assert line.unit_price < line.worst_unit_price
        assert line.worst_price.item.startswith("on-demand/") or line.worst_price.item.startswith("training/")


def test_enterprise_licences_without_a_quote_are_unpriced_not_zero(estimates):
    e = estimates[("production", "tigergraph-ec2")]
    assert [u.resource for u in e.unpriced] == ["production-db"]
    assert "licence_usd_per_month" in e.unpriced[0].reason
    assert not [line for line in e.lines if line.name.startswith("Licence")]


def test_a_region_without_catalog_prices_leaves_resources_unpriced(tmp_path):
    from gnnstack.project import find_project

    from .conftest import base_scenario, make_project

    proj = find_project(make_project(tmp_path, base_scenario(region="eu-west-3")))
    graph, scenario = capture(proj, "demo")
    e = priced(graph, scenario)
    # Only region-independent prices (the free Neo4j Community licence) apply.
    assert [(line.name, line.price.region) for line in e.lines] == [("Licence (Neo4j community)", "*")]
    # Everything else the pricers price is unpriced, saying which regional price is missing.
    regional = {r.name for r in graph.resources if r.type in PRICERS
                and not PRICED_AT_NOTHING.get(r.type, (lambda r: False, ""))[0](r)}
    assert set(e.no_charge) == {"demo-net-s3"}  # the S3 gateway endpoint: no charge in any region
    assert {u.resource for u in e.unpriced} == regional - set(e.no_charge)
    assert all(" in eu-west-3 (add it to the catalog or an override file)" in u.reason for u in e.unpriced)


def test_hours_per_month_is_730_unless_the_scenario_sets_its_month(captures, estimates):
    assert estimates[("experiment", "neptune-sagemaker")].hours_per_month == 730
    writer = [line for line in estimates[("experiment", "neptune-sagemaker")].lines
              if line.name.startswith("Database instance (writer")][0]
    assert writer.base_quantity == 730


# --------------------------------------------------------------------------- the seed analysis


SEED_LOW = {"data": "6.02", "etl": "52.80", "training": "492.00", "tuning": "262.40"}
SEED_HIGH = {"data": "6.45", "etl": "105.60", "training": "1468.80", "tuning": "1968.00"}


@pytest.mark.parametrize("stack,total,parts", [
    ("seed-analysis", "813.22", SEED_LOW),
    ("seed-analysis-high", "3548.85", SEED_HIGH),
])
def test_the_seed_analysis_is_reproduced_with_its_own_prices(project, stack, total, parts):
    graph, scenario = capture(project, stack)
    assert not scenario.database_enabled and scenario.month_hours == 720
    book, used = price_book(project.root, scenario.costing.price_overrides, None)
    report = cost_report(graph, book, used, stack_usage(graph, scenario, project_root=project.root))
    e = report.estimate
    assert e.unpriced == []
    assert str(cents(e.base)) == total
    by_component = {c.name.removeprefix(f"{stack}-"): str(cents(c.base)) for c in e.by_component()}
    assert by_component == parts
    # The same scenario at catalog prices is shown next to it, and differs.
    assert report.at_catalog is not None and cents(report.at_catalog.base) != cents(e.base)


def test_the_seed_storage_is_feature_bytes_after_30_and_365_days(project):
    for stack, gb in (("seed-analysis", Decimal("261.68")), ("seed-analysis-high", Decimal("280.44"))):
        graph, scenario = capture(project, stack)
        e = priced(graph, scenario, PriceBook.load(SEED_PRICES))
        storage = [line for line in e.lines if line.name == "Storage (STANDARD)"]
        assert [line.base_quantity for line in storage] == [gb]


def test_the_audit_lists_where_the_seed_prices_differ_from_list_prices():
    diffs = {(d.override.service, d.override.item): d for d in audit(PriceBook.load(), read(SEED_PRICES))}
    assert diffs[("ec2", "on-demand/r6g.8xlarge")].override.usd == Decimal("2.72")
    assert diffs[("ec2", "on-demand/r6g.8xlarge")].catalog.usd == Decimal("1.6128")
    assert diffs[("sagemaker", "training/ml.p3.2xlarge")].catalog.usd == Decimal("3.825")
    assert diffs[("kinesis", "put-payload-units")].catalog.usd == Decimal("0.014")
    assert diffs[("data-transfer", "inter-region")].catalog.usd == Decimal("0.02")
    assert ("ec2", "on-demand/p3.2xlarge") not in diffs  # the seed got this one right
    assert ("glue", "etl/standard") not in diffs


# --------------------------------------------------------------------------- the catalog


def test_every_catalog_entry_is_sourced_dated_rated_and_unique():
    prices = load_catalog()
    # Both regions price the same items, but for the EC2 types only us-east-1 has (AWS's table of
    # on-demand prices there, read from Karpenter's generated file); the region-independent ones are
    # the free licences.
    items: dict[str, set] = {}
    for p in prices:
        items.setdefault(p.region, set()).add((p.service, p.item))
    east_only = {(p.service, p.item) for p in prices if p.region == "us-east-1" and KARPENTER_TABLE in p.source}
    assert set(items) == {"us-east-1", "us-west-2", "*"}
    assert items["us-east-1"] - east_only == items["us-west-2"]
    assert ("ec2", "on-demand/p3.2xlarge") in items["us-west-2"]
    assert items["*"] == {("licence", "neo4j/community"), ("licence", "tigergraph/developer")}
    keys = [p.key for p in prices]
    assert len(keys) == len(set(keys))
    for p in prices:
        assert p.source and p.unit and p.as_of.year >= 2023 and p.confidence in CONFIDENCES, p
        assert p.usd >= 0


# The source of the us-east-1 EC2 rows transcribed from AWS's on-demand price table (issue 14).
KARPENTER_TABLE = "zz_generated.pricing_aws.go (generated 2026-02-09 from the AWS Price List"
# Instance types real programs use (issue 14 names t2/t3 small and m4 as missing).
COMMON_INSTANCE_TYPES = ("t2.micro", "t2.small", "t3.micro", "t3.small", "t3.medium", "t3a.medium", "t4g.small",
                         "m4.large", "m5.large", "m6i.large", "m7g.large", "c6g.large", "r6i.large")


def test_us_east_1_prices_the_common_instance_types_from_aws_table():
    book = PriceBook.load()
    missing = [t for t in COMMON_INSTANCE_TYPES if book.get("ec2", f"on-demand/{t}", "us-east-1") is None]
    assert not missing, f"us-east-1 has no on-demand price for {missing}"
    assert book.get("ec2", "on-demand/t2.micro", "us-east-1").usd == Decimal("0.0116")
    assert book.get("ec2", "on-demand/m4.large", "us-east-1").usd == Decimal("0.10")
    table = [p for p in load_catalog() if KARPENTER_TABLE in p.source]
    assert len(table) >= 1000
    for p in table:
        assert (p.service, p.region, p.unit) == ("ec2", "us-east-1", "hour"), p
        assert p.item.startswith("on-demand/"), p
        assert (p.confidence, p.as_of.isoformat()) == ("verified", "2026-02-09"), p


def test_the_catalog_covers_a_second_region_for_the_main_items():
    book = PriceBook.load()
    assert {"us-east-1", "us-west-2"} <= set(book.regions())
    for service, item in [("ec2", "on-demand/p3.2xlarge"), ("ec2", "on-demand/r6g.8xlarge"),
                          ("sagemaker", "training/ml.p3.2xlarge"), ("neptune", "instance/db.r6g.8xlarge"),
                          ("neptune", "storage"), ("s3", "storage/STANDARD"), ("ebs", "gp3/storage"),
                          ("glue", "etl/standard"), ("emr", "fee/r5.4xlarge"), ("kinesis", "shard-hour"),
                          ("vpc", "nat-gateway/hour")]:
        for region in ("us-east-1", "us-west-2"):
            assert book.get(service, item, region) is not None, (service, item, region)


HEADER = "service,item,region,unit,usd,confidence,as_of,source\n"
ROW = {"service": "ec2", "item": "on-demand/x", "region": "us-east-1", "unit": "hour", "usd": "1",
       "confidence": "verified", "as_of": "2026-01-01", "source": "src"}


def _row(**changed: str) -> str:
    return ",".join({**ROW, **changed}.values()) + "\n"


@pytest.mark.parametrize("row,message", [
    (_row(usd="abc"), "field 'usd' is 'abc', not a number; write the USD price like 0.0416"),
    (_row(usd="-1"), "field 'usd' must be a non-negative number, got -1"),
    (_row(usd="NaN"), "field 'usd' must be a non-negative number, got NaN"),
    (_row(confidence="sure"), "field 'confidence' is 'sure'; use one of verified, derived, estimate"),
    (_row(as_of="yesterday"), "field 'as_of' is 'yesterday'; use an ISO date like 2026-11-23"),
    (_row(as_of="2026-13-01"), "field 'as_of' is '2026-13-01'; use an ISO date like 2026-11-23"),
    (_row(region="us-east1"), "field 'region' is 'us-east1', not an AWS region (did you mean 'us-east-1', "
                              "'us-west-1', 'us-east-2'?); use one like us-east-1, or '*' for a price that holds "
                              "in every region"),
    (_row(source=""), "field 'source' is empty; every price needs a source"),
    (_row(unit="", usd="abc"), "field 'unit' is empty; every price needs a unit"),  # an empty field first
    (_row(source="a,b"), "expected 8 fields (service,item,region,unit,usd,confidence,as_of,source), found 9 "
                         "(quote a source that contains commas)"),
])
def test_a_malformed_entry_is_one_message_naming_the_file_line_field_and_fix(tmp_path: Path, row, message):
    f = tmp_path / "negotiated.csv"
    f.write_text(HEADER + "# a comment line still counts\n" + row)
    with pytest.raises(ConfigError) as raised:
        read(f)
    assert str(raised.value) == f"{f}, line 3: {message}"


@pytest.mark.parametrize("header,message", [
    ("service,item,region,unit,confidence,as_of,source", "column 'usd' is missing"),
    ("service,item,region,unit,price,confidence,as_of,source",
     "column 'usd' is missing ('price' is not a price file column)"),
    ("service,item,unit,region,usd,confidence,as_of,source", "column 3 is 'unit' where 'region' belongs"),
    ("service,item,region,unit,usd,confidence,as_of,source,statu", "column 'statu' is not a price file column "
                                                                   "(did you mean 'status'?)"),
])
def test_a_header_with_a_column_missing_unknown_or_out_of_place_names_it(tmp_path: Path, header, message):
    f = tmp_path / "negotiated.csv"
    f.write_text(header + "\n" + _row())
    with pytest.raises(ConfigError) as raised:
        read(f)
    assert str(raised.value) == (f"{f}, line 1: {message}; the header must be exactly: {HEADER.strip()} "
                                 "(an override file may add a last column 'status')")


def test_the_catalog_and_override_files_read_rows_through_one_model(tmp_path: Path):
    """A row is read into PriceRow, for the shipped catalog and override files alike: the price
    as written (its digits kept), a region or '*', the as-of date as ISO 8601 reads it."""
    f = tmp_path / "o.csv"
    f.write_text(HEADER.strip() + ",status\n" + _row(usd="0.0800", region="*", as_of="2026-11-01").strip() + ",new\n")
    [p] = read(f)
    assert (p.usd, str(p.usd), p.region, p.as_of, p.new, p.line, p.origin) == (
        Decimal("0.08"), "0.0800", "*", date(2026, 11, 1), True, 2, str(f))
    # Every shipped entry reads back from its own JSON into the same price.
    rows = [{k: v for k, v in p.to_json().items() if k != "origin"} for p in load_catalog()]
    assert [PriceRow.model_validate(row).price(p.origin, p.line) for row, p in zip(rows, load_catalog())] \
        == list(load_catalog())


@pytest.mark.parametrize("changed,message", [
    ({"usd": "-0.5"}, "field 'usd' must be a non-negative number, got -0.5"),
    ({"region": "eu-west-9"}, "field 'region' is 'eu-west-9', not an AWS region"),
])
def test_a_bad_price_file_exits_2_with_one_message(tmp_path: Path, changed, message):
    from click.testing import CliRunner

    from gnnstack.cli import main

    f = tmp_path / "bad.csv"
    f.write_text(HEADER + _row(**changed))
    result = CliRunner().invoke(main, ["preview", "experiment", "--prices", str(f)],
                                env={"GNNSTACK_PROJECT": str(ROOT)})
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"error: {f}, line 2: {message}")
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


def test_duplicates_and_bad_headers_are_refused():
    row = _row()
    with pytest.raises(ConfigError, match="o.csv, line 3: duplicate entry for ec2/on-demand/x/us-east-1"):
        parse(HEADER + row + row, "o.csv")
    with pytest.raises(ConfigError, match="header must be exactly"):
        parse("service,item,usd\n", "o.csv")


def test_overrides_layer_on_top_of_the_catalog(tmp_path: Path):
    f = tmp_path / "negotiated.csv"
    f.write_text(HEADER + "ec2,on-demand/p3.2xlarge,us-east-1,hour,2.50,verified,2026-11-01,our EDP rate\n")
    book = PriceBook.load(f)
    p = book.get("ec2", "on-demand/p3.2xlarge", "us-east-1")
    assert p.usd == Decimal("2.50") and p.overridden and p.origin == str(f)
    assert book.catalog_only().get("ec2", "on-demand/p3.2xlarge", "us-east-1").usd == Decimal("3.06")


# --------------------------------------------------------------------------- schedules


@pytest.mark.parametrize("expression,days,runs", [
    ("cron(0 2 ? * * *)", 30, 30),
    ("cron(0 2 ? * SUN *)", 28, 4),
    ("cron(0 2 ? * SUN,WED *)", 35, 10),
    ("cron(0 2 1,8,15,22 * ? *)", 30, 4),
    ("cron(0 0,12 * * ? *)", 30, 60),
    ("0 2 * * *", 30, 30),
    ("0 2 * * 1-5", 28, 20),
    ("rate(6 hours)", 30, 120),
])
def test_runs_per_month(expression, days, runs):
    assert runs_per_month(expression, Decimal(days)) == runs


def test_a_synthetic_graph_with_an_unknown_type_lists_it_as_unpriced():
    graph = ResourceGraph("s", "x", [
        Resource("gnnstack:option:Synthetic", "s", None, {"region": "us-east-1"}, custom=False),
        Resource("aws:mq/broker:Broker", "broker", "s", {"hostInstanceType": "mq.m5.large"}),
        Resource("aws:iam/role:Role", "role", "s", {}),
    ])
    e = estimate(graph, PriceBook.load())
    assert e.base == 0 and e.lines == []
    assert [(u.resource, u.reason) for u in e.unpriced] == [("broker", "no pricer for this resource type")]
    assert e.free == 1


def test_the_parsed_catalog_is_cached_under_a_digest_of_its_files(tmp_path, monkeypatch):
    """A second process reads the parsed catalog from the cache folder; a changed file is a new
    digest (never the old entry), a broken entry is parsed again, and GNNSTACK_CACHE=off writes nothing."""
    from gnnstack.costing import catalog

    monkeypatch.setenv("GNNSTACK_CACHE_DIR", str(tmp_path))
    folder = tmp_path / "catalog"
    catalog.load_catalog.cache_clear()
    first = catalog.load_catalog()
    [entry] = folder.iterdir()
    catalog.load_catalog.cache_clear()
    monkeypatch.setattr(catalog, "parse", lambda *a, **k: pytest.fail("parsed although the cache has it"))
    assert catalog.load_catalog() == first
    monkeypatch.undo()
    monkeypatch.setenv("GNNSTACK_CACHE_DIR", str(tmp_path))

    files = catalog.catalog_files()
    changed = [(name, text.replace("ec2,on-demand/m5.large,us-east-1,hour,0.096,", "ec2,on-demand/m5.large,us-east-1,"
                                   "hour,0.097,")) for name, text in files]
    assert changed != files
    monkeypatch.setattr(catalog, "catalog_files", lambda: changed)
    catalog.load_catalog.cache_clear()
    edited = catalog.load_catalog()
    assert next(p.usd for p in edited if p.key == ("ec2", "on-demand/m5.large", "us-east-1")) == Decimal("0.097")
    assert len(list(folder.iterdir())) == 2  # its own entry beside the first

    entry.write_bytes(b"not a pickle")
    monkeypatch.setattr(catalog, "catalog_files", lambda: files)
    catalog.load_catalog.cache_clear()
    assert catalog.load_catalog() == first  # parsed again
    catalog.load_catalog.cache_clear()
    monkeypatch.setattr(catalog, "parse", lambda *a, **k: pytest.fail("the broken entry was not rewritten"))
    assert catalog.load_catalog() == first
    monkeypatch.undo()

    monkeypatch.setenv("GNNSTACK_CACHE_DIR", str(tmp_path / "off"))
    monkeypatch.setenv("GNNSTACK_CACHE", "off")
    catalog.load_catalog.cache_clear()
    assert catalog.load_catalog() == first
    assert not (tmp_path / "off").exists()
    catalog.load_catalog.cache_clear()
