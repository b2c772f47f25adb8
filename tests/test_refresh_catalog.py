"""tools/refresh_catalog.py: regional Price List offer files (hand-written fixtures in the documented
JSON shape, with decoys the filters must skip) become verified, dated, sourced catalog rows in the
file's generated block: instance hours, EBS, S3 and data transfer, in the units and under the items
the pricers read; a hand-sourced row wins on a shared key unless it is older than the offer and
the offer corrects or confirms it; a second run changes nothing; `--check` writes nothing."""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from gnnstack.costing import PriceBook, estimate
from gnnstack.costing.catalog import parse
from gnnstack.costing.usage import UsageSet
from gnnstack.costing.usage_file import UsageFile, apply_usage_file
from gnnstack.graph import Resource, ResourceGraph

from .conftest import ROOT

OFFERS = Path(__file__).parent / "data" / "offers"
OFFER = OFFERS / "AmazonEC2-us-east-2.json"
OHIO = ["AmazonEC2-us-east-2.json", "AmazonS3-us-east-2.json", "AmazonS3GlacierDeepArchive-us-east-2.json",
        "AWSDataTransfer-us-east-2.json"]


@pytest.fixture(scope="module")
def tool():
    spec = importlib.util.spec_from_file_location("refresh_catalog", ROOT / "tools" / "refresh_catalog.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def load(name: str) -> dict[str, Any]:
    return json.loads((OFFERS / name).read_text())


def rows(tool, name: str, service: str, offer: dict[str, Any] | None = None):
    return list(tool.rows_of(offer or load(name), tool.SERVICES[service], name))


def by_item(found) -> dict[str, tuple[str, Decimal]]:
    return {r.item: (r.unit, r.usd) for r in found}


def test_only_current_generation_linux_shared_on_demand_hours_become_rows(tool):
    found = rows(tool, OFFER.name, "ec2")
    assert [(r.item, r.usd) for r in found] == [("on-demand/c7g.medium", Decimal("0.0363")),
                                                ("on-demand/m5.large", Decimal("0.096")),
                                                ("on-demand/t3.micro", Decimal("0.0104"))]
    assert {r.region for r in found} == {"us-east-2"} and {r.as_of for r in found} == {"2026-11-20"}
    assert all("AmazonEC2/current/us-east-2/index.json sku " in r.source for r in found)


def test_ebs_every_volume_type_its_iops_and_gp3_throughput_in_the_pricers_units(tool):
    found = rows(tool, OFFER.name, "ebs")
    assert by_item(found) == {
        "gp2/storage": ("GB-month", Decimal("0.1")), "gp3/storage": ("GB-month", Decimal("0.08")),
        "io1/storage": ("GB-month", Decimal("0.125")), "io2/storage": ("GB-month", Decimal("0.125")),
        "st1/storage": ("GB-month", Decimal("0.045")), "sc1/storage": ("GB-month", Decimal("0.015")),
        "standard/storage": ("GB-month", Decimal("0.05")),
        "gp3/iops": ("IOPS-month", Decimal("0.005")), "io1/iops": ("IOPS-month", Decimal("0.065")),
        "io2/iops": ("IOPS-month", Decimal("0.065")),
        # 40.96 a GiBps-month is 0.04 a MB/s-month, exactly
        "gp3/throughput": ("MBps-month", Decimal("0.04")),
    }
    skus = {r.item: r.sku for r in found}
    # the Local Zone's gp3 and io1, io2's second and third tiers and magnetic I/O requests are skipped
    assert not {"EBS07LZG", "EBS13I2B", "EBS14I2C", "EBS15MIO", "EBS16LZI"} & set(skus.values())
    assert skus["io2/iops"] == "EBS12I2A"
    io2 = next(r for r in found if r.item == "io2/iops")
    assert "first tier, up to 32,000 IOPS" in io2.source and "not in the catalog" in io2.source
    assert {r.service for r in found} == {"ebs"} and {r.as_of for r in found} == {"2026-11-20"}


def test_s3_storage_classes_first_tier_and_requests_per_thousand(tool):
    found = rows(tool, "AmazonS3-us-east-2.json", "s3") + rows(tool, "AmazonS3GlacierDeepArchive-us-east-2.json", "s3")
    assert by_item(found) == {
        "storage/STANDARD": ("GB-month", Decimal("0.023")), "storage/STANDARD_IA": ("GB-month", Decimal("0.0125")),
        "storage/ONEZONE_IA": ("GB-month", Decimal("0.01")), "storage/GLACIER_IR": ("GB-month", Decimal("0.004")),
        "storage/GLACIER": ("GB-month", Decimal("0.0036")),
        "storage/INTELLIGENT_TIERING": ("GB-month", Decimal("0.023")),
        "storage/DEEP_ARCHIVE": ("GB-month", Decimal("0.00099")),
        # 0.0000050000 and 0.0000004000 a request, times 1,000 in Decimal
        "requests/put": ("1K requests", Decimal("0.005")), "requests/get": ("1K requests", Decimal("0.0004")),
    }
    skus = {r.sku for r in found}
    # Intelligent-Tiering's object overhead (STANDARD's usage type), its infrequent tier, Standard-IA's
    # PUT requests, Deep Archive's staging storage and its requests are skipped
    assert not {"S3OVH002", "S3INT008", "S3REQ012", "GDA00002", "GDA00003"} & skus
    standard = next(r for r in found if r.item == "storage/STANDARD")
    assert standard.source.endswith("sku S3STD001; first tier (0-51200 GB a month) of 3, applied to all")
    deep = next(r for r in found if r.item == "storage/DEEP_ARCHIVE")
    assert "/AmazonS3GlacierDeepArchive/current/us-east-2/" in deep.source and deep.as_of == "2026-11-18"
    assert "monitoring fee" in next(r for r in found if r.item == "storage/INTELLIGENT_TIERING").source


def test_data_transfer_inter_az_highest_inter_region_and_first_paid_internet_tier(tool):
    found = rows(tool, "AWSDataTransfer-us-east-2.json", "data-transfer")
    assert by_item(found) == {"inter-az": ("GB", Decimal("0.01")), "inter-region": ("GB", Decimal("0.02")),
                              "internet-egress": ("GB", Decimal("0.09"))}
    source = {r.item: r.source for r in found}
    # four destination regions; the Local Zone, Multi-Region Access Point routing and inbound are not among them
    assert source["inter-region"].endswith("the highest rate to 4 destination regions; lower to us-east-1 0.01")
    assert source["internet-egress"].endswith(
        "sku DT000020; to the internet; first paid tier (1-10240 GB a month; the tier before it, 0-1 GB, is free)")
    assert "sku DT000001; charged in each direction" in source["inter-az"]
    assert {r.sku for r in found} == {"DT000001", "DT000011", "DT000020"}


def test_internet_egress_without_a_free_tier_takes_the_first(tool):
    offer = load("AWSDataTransfer-us-east-2.json")
    term = next(iter(offer["terms"]["OnDemand"]["DT000020"].values()))
    dims = term["priceDimensions"]
    free = next(k for k, d in dims.items() if d["pricePerUnit"]["USD"] == "0.0000000000")
    del dims[free]
    next(d for d in dims.values() if d["beginRange"] == "1")["beginRange"] = "0"
    egress = next(r for r in rows(tool, "dt.json", "data-transfer", offer) if r.item == "internet-egress")
    assert egress.usd == Decimal("0.09")
    assert egress.source.endswith("to the internet; first tier (0-10240 GB a month) of 4, applied to all")


def _dims(offer: dict[str, Any], sku: str) -> list[dict[str, Any]]:
    return [d for term in offer["terms"]["OnDemand"][sku].values() for d in term["priceDimensions"].values()]


def test_an_unknown_unit_is_an_error_naming_the_sku(tool):
    offer = load("AmazonS3-us-east-2.json")
    for d in _dims(offer, "S3STD001"):
        d["unit"] = "GB-Hrs"
    with pytest.raises(SystemExit, match="s3.json: sku S3STD001: unit 'GB-Hrs' is not one the tool knows"):
        rows(tool, "s3.json", "s3", offer)


def test_a_known_unit_that_is_not_the_items_is_an_error_naming_the_sku(tool):
    offer = load(OFFER.name)
    _dims(offer, "EBS01GP3")[0]["unit"] = "IOPS-Mo"
    with pytest.raises(SystemExit, match="sku EBS01GP3 gives gp3/storage in 'IOPS-Mo', not GB-month"):
        rows(tool, "ec2.json", "ebs", offer)


def test_an_item_the_offer_does_not_give_is_an_error(tool):
    offer = load(OFFER.name)
    del offer["products"]["EBS11I1I"]
    with pytest.raises(SystemExit, match=r"ec2.json: no ebs price for io1/iops in us-east-2: the offer changed"):
        rows(tool, "ec2.json", "ebs", offer)
    offer = load("AWSDataTransfer-us-east-2.json")
    for sku in ("DT000010", "DT000011", "DT000012", "DT000013"):
        del offer["products"][sku]
    with pytest.raises(SystemExit, match="no data-transfer price for inter-region in us-east-2"):
        rows(tool, "dt.json", "data-transfer", offer)


def test_a_new_region_file_parses_as_catalog_rows(tool, tmp_path):
    report = tool.refresh(rows(tool, OFFER.name, "ec2"), tmp_path)
    text = (tmp_path / "us-east-2.csv").read_text()
    assert text.startswith(tool.HEADER.format(region="us-east-2"))
    prices = parse(text, tmp_path / "us-east-2.csv")
    assert {(p.item, p.usd, p.confidence, p.as_of.isoformat()) for p in prices} == {
        ("on-demand/c7g.medium", Decimal("0.0363"), "verified", "2026-11-20"),
        ("on-demand/m5.large", Decimal("0.096"), "verified", "2026-11-20"),
        ("on-demand/t3.micro", Decimal("0.0104"), "verified", "2026-11-20")}
    assert report == ["us-east-2.csv: 3 generated rows for ec2 (was 0), 0 left to hand-sourced rows"]


def _price(book: PriceBook, region: str):
    """An io2 volume, a gp3 volume above its baselines and an S3 bucket with declared usage."""
    graph = ResourceGraph("refresh", "test", [
        Resource("aws:ebs/volume:Volume", "data", None,
                 {"availabilityZone": f"{region}a", "size": 500, "type": "gp3", "iops": 6000, "throughput": 250}),
        Resource("aws:ebs/volume:Volume", "fast", None,
                 {"availabilityZone": f"{region}a", "size": 100, "type": "io2", "iops": 1000}),
        Resource("aws:s3/bucket:Bucket", "bucket", None, {}),
    ])
    usage = apply_usage_file(UsageSet(), UsageFile.model_validate({"version": 1, "resources": {"bucket": {
        "datasets": [{"prefix": "", "initial_gb": 1000, "growth_gb_per_day": 0}],
        "put_requests_per_month": 2000000, "get_requests_per_month": 10000000}}}), graph, "usage.yaml")
    return estimate(graph, book, region=region, hours=Decimal(730), usage=usage)


def test_the_written_file_loads_through_the_catalog_and_prices_ebs_and_s3(tool, tmp_path):
    assert tool.main([*(a for name in OHIO for a in ("--offer", str(OFFERS / name))), "--out", str(tmp_path)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["us-east-2.csv"]
    prices = parse((tmp_path / "us-east-2.csv").read_text(), "us-east-2.csv")
    assert {p.service for p in prices} == {"ec2", "ebs", "s3", "data-transfer"} and len(prices) == 26
    result = _price(PriceBook(prices), "us-east-2")
    assert result.unpriced == []
    got = {(line.resource, f"{line.price.service} {line.price.item}"): line.base_monthly for line in result.lines}
    assert got == {
        ("data", "ebs gp3/storage"): Decimal("40.00"), ("data", "ebs gp3/iops"): Decimal("15.000"),
        ("data", "ebs gp3/throughput"): Decimal("5.00"),
        ("fast", "ebs io2/storage"): Decimal("12.500"), ("fast", "ebs io2/iops"): Decimal("65.000"),
        ("bucket", "s3 storage/STANDARD"): Decimal("23.000"),
        ("bucket", "s3 requests/put"): Decimal("10.000"), ("bucket", "s3 requests/get"): Decimal("4.0000"),
    }
    assert all(line.price.origin == "catalog" and line.price.region == "us-east-2" for line in result.lines)


def test_check_writes_nothing(tool, tmp_path, capsys):
    tool.main(["--offer", str(OFFER), "--out", str(tmp_path), "--check"])
    assert list(tmp_path.iterdir()) == []
    assert "us-east-2.csv: 14 generated rows for ebs, ec2 (was 0)" in capsys.readouterr().out


def test_hand_rows_newer_than_the_offer_win_their_difference_is_reported_and_a_rerun_changes_nothing(tool, tmp_path):
    path = tmp_path / "us-east-2.csv"
    hand = (tool.HEADER.format(region="us-east-2")
            + 'ec2,on-demand/m5.large,us-east-2,hour,0.1,verified,2026-12-01,"a hand-read AWS page"\n'
            + 'ebs,gp3/storage,us-east-2,GB-month,0.08,estimate,2026-12-01,"assumed equal to us-east-1"\n'
            + 's3,storage/STANDARD,us-east-2,GB-month,0.025,estimate,2026-12-01,"second-hand"\n')
    path.write_text(hand)
    found = rows(tool, OFFER.name, "ec2") + rows(tool, OFFER.name, "ebs") + rows(tool, "AmazonS3-us-east-2.json", "s3")
    report = tool.refresh(found, tmp_path)
    assert [line for line in report if line.startswith("us-east-2: ")] == [
        "us-east-2: hand-sourced ec2/on-demand/m5.large/us-east-2 is 0.1 (2026-12-01), the offer says 0.096 "
        "(2026-11-20); kept, as it is not older than the offer",
        "us-east-2: hand-sourced ebs/gp3/storage/us-east-2 (estimate) agrees with the offer (2026-11-20); delete "
        "the hand row to have the offer's verified one",
        "us-east-2: hand-sourced s3/storage/STANDARD/us-east-2 is 0.025 (2026-12-01), the offer says 0.023 "
        "(2026-11-18); kept, as it is not older than the offer"]
    first = path.read_text()
    assert first.startswith(hand)
    assert first.count("on-demand/m5.large") == first.count("gp3/storage") == first.count("storage/STANDARD,") == 1
    assert len(parse(first, path)) == len(found)  # no duplicate key: the three hand rows stand for three generated
    tool.refresh(found, tmp_path)
    assert path.read_text() == first
    tool.refresh(found[:1], tmp_path, check=True)
    assert path.read_text() == first, "--check writes nothing"


def test_hand_rows_older_than_the_offer_give_way_when_it_corrects_or_confirms_them(tool, tmp_path):
    """Newer AWS data wins: an older hand row with another price, or an older hand estimate the
    offer confirms, is replaced by the offer's row; an older verified hand row that agrees stays."""
    path = tmp_path / "us-east-2.csv"
    path.write_text(tool.HEADER.format(region="us-east-2")
                    + "# EC2 rows read by hand\n"
                    + 'ec2,on-demand/m5.large,us-east-2,hour,0.1,verified,2026-01-01,"a hand-read AWS page"\n'
                    + 'ebs,gp3/storage,us-east-2,GB-month,0.08,estimate,2026-01-01,"assumed equal to us-east-1"\n'
                    + 'ebs,gp2/storage,us-east-2,GB-month,0.10,verified,2026-01-01,"a hand-read AWS page"\n'
                    + 'sqs,standard/requests,us-east-2,1M requests,0.40,verified,2026-01-01,"not refreshed"\n')
    found = rows(tool, OFFER.name, "ec2") + rows(tool, OFFER.name, "ebs")
    report = tool.refresh(found, tmp_path)
    assert [line for line in report if line.startswith("us-east-2: ")] == [
        "us-east-2: replaced hand-sourced ec2/on-demand/m5.large/us-east-2 (0.1, verified, 2026-01-01) by the "
        "offer's 0.096 (2026-11-20)",
        "us-east-2: replaced hand-sourced ebs/gp3/storage/us-east-2 (0.08, estimate, 2026-01-01) by the "
        "offer's 0.08 (2026-11-20)"]
    text = path.read_text()
    head, block = text.split(tool.BEGIN)
    assert "on-demand/m5.large" not in head and "gp3/storage" not in head
    assert "# EC2 rows read by hand" in head and "ebs,gp2/storage" in head and "sqs,standard/requests" in head
    assert "ec2,on-demand/m5.large,us-east-2,hour,0.096,verified,2026-11-20," in block
    assert "ebs,gp3/storage,us-east-2,GB-month,0.08,verified,2026-11-20," in block
    assert "gp2/storage" not in block  # the older verified hand row that agrees stays the one row
    assert len(parse(text, path)) == len(found) + 1  # + the sqs row: no key twice
    tool.refresh(found, tmp_path)
    assert path.read_text() == text  # a rerun finds nothing older to replace


def test_refreshing_one_service_keeps_the_other_services_rows(tool, tmp_path):
    tool.main([*(a for name in OHIO for a in ("--offer", str(OFFERS / name))), "--out", str(tmp_path)])
    before = (tmp_path / "us-east-2.csv").read_text()
    offer = load(OFFER.name)
    _dims(offer, "EBS00GP2")[0]["pricePerUnit"]["USD"] = "0.1100000000"
    _dims(offer, "AAAA1111")[0]["pricePerUnit"]["USD"] = "0.5000000000"  # ec2: not refreshed below
    changed = tmp_path / "ec2.json"
    changed.write_text(json.dumps(offer))
    report = tool.main(["--offer", str(changed), "--service", "ebs", "--out", str(tmp_path)])
    assert report == 0
    after = (tmp_path / "us-east-2.csv").read_text()
    assert after.replace("gp2/storage,us-east-2,GB-month,0.11,", "gp2/storage,us-east-2,GB-month,0.1,") == before
    # and the S3 rows of one of its two offers stay when only the other is read
    tool.main(["--offer", str(OFFERS / "AmazonS3-us-east-2.json"), "--out", str(tmp_path)])
    assert "storage/DEEP_ARCHIVE" in (tmp_path / "us-east-2.csv").read_text()


def test_an_offer_of_another_service_is_refused(tool, tmp_path):
    offer = json.loads(OFFER.read_text()) | {"offerCode": "AmazonDynamoDB"}
    bad = tmp_path / "ddb.json"
    bad.write_text(json.dumps(offer))
    with pytest.raises(SystemExit, match="offerCode .AmazonDynamoDB. is not one of AWSDataTransfer, AmazonEC2"):
        tool.main(["--offer", str(bad), "--out", str(tmp_path)])


def test_a_local_zone_product_is_not_its_regions_price(tool):
    offer = load(OFFER.name)
    lz = copy.deepcopy(offer["products"]["AAAA1111"])
    lz["sku"] = "LZ000001"
    lz["attributes"]["locationType"] = "AWS Local Zone"
    offer["products"]["LZ000001"] = lz
    offer["terms"]["OnDemand"]["LZ000001"] = {"LZ000001.JRTCKXETXF": {"priceDimensions": {"LZ000001.x": {
        "unit": "Hrs", "beginRange": "0", "endRange": "Inf", "pricePerUnit": {"USD": "0.1150000000"}}}}}
    assert ("on-demand/m5.large", Decimal("0.096")) in [(r.item, r.usd) for r in rows(tool, "ec2.json", "ec2", offer)]


@pytest.mark.parametrize("offer,service,expected", [
    ("AmazonRDS-eu-west-1.json", "rds", [("instance/mysql/db.r6g.large", Decimal("0.24")),
                                         ("instance/postgres/db.t4g.micro", Decimal("0.018"))]),
    ("AmazonElastiCache-eu-west-1.json", "elasticache", [("node/cache.r7g.large", Decimal("0.239")),
                                                         ("node/cache.t4g.micro", Decimal("0.017"))]),
])
def test_rds_single_az_open_engines_and_redis_nodes(tool, offer, service, expected):
    found = rows(tool, offer, service)
    assert [(r.item, r.usd) for r in found] == expected
    assert {(r.service, r.region, r.unit) for r in found} == {(service, "eu-west-1", "hour")}
