"""tools/refresh_catalog.py: a regional Price List offer file (a fixture written in the documented
JSON shape) becomes verified, dated, sourced catalog rows in the file's generated block; the
hand-sourced rows are never touched and win on a shared key; a second run changes nothing."""

from __future__ import annotations

import importlib.util
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from gnnstack.costing.catalog import parse

from .conftest import ROOT

OFFER = Path(__file__).parent / "data" / "offers" / "AmazonEC2-us-east-2.json"


@pytest.fixture(scope="module")
def tool():
    spec = importlib.util.spec_from_file_location("refresh_catalog", ROOT / "tools" / "refresh_catalog.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_only_current_generation_linux_shared_on_demand_hours_become_rows(tool):
    rows = list(tool.rows_of(json.loads(OFFER.read_text()), tool.SERVICES["ec2"], OFFER.name))
    assert [(r.item, r.usd) for r in rows] == [("on-demand/c7g.medium", Decimal("0.0363")),
                                               ("on-demand/m5.large", Decimal("0.096")),
                                               ("on-demand/t3.micro", Decimal("0.0104"))]
    assert {r.region for r in rows} == {"us-east-2"} and {r.as_of for r in rows} == {"2026-11-20"}
    assert all("AmazonEC2/current/us-east-2/index.json sku " in r.source for r in rows)


def test_a_new_region_file_parses_as_catalog_rows(tool, tmp_path):
    report = tool.refresh(list(tool.rows_of(json.loads(OFFER.read_text()), tool.SERVICES["ec2"], "x")), tmp_path)
    text = (tmp_path / "us-east-2.csv").read_text()
    prices = parse(text, tmp_path / "us-east-2.csv")
    assert {(p.item, p.usd, p.confidence, p.as_of.isoformat()) for p in prices} == {
        ("on-demand/c7g.medium", Decimal("0.0363"), "verified", "2026-11-20"),
        ("on-demand/m5.large", Decimal("0.096"), "verified", "2026-11-20"),
        ("on-demand/t3.micro", Decimal("0.0104"), "verified", "2026-11-20")}
    assert report == ["us-east-2.csv: 3 generated rows (was 0), 0 left to hand-sourced rows"]


def test_hand_rows_win_their_difference_is_reported_and_a_rerun_changes_nothing(tool, tmp_path):
    path = tmp_path / "us-east-2.csv"
    hand = (tool.HEADER.format(region="us-east-2")
            + 'ec2,on-demand/m5.large,us-east-2,hour,0.1,verified,2026-01-01,"a hand-read AWS page"\n')
    path.write_text(hand)
    rows = list(tool.rows_of(json.loads(OFFER.read_text()), tool.SERVICES["ec2"], "x"))
    report = tool.refresh(rows, tmp_path)
    assert "us-east-2: hand-sourced ec2/on-demand/m5.large/us-east-2 is 0.1, the offer says 0.096 (2026-11-20)" \
        in report
    first = path.read_text()
    assert first.startswith(hand) and first.count("on-demand/m5.large") == 1
    assert len(parse(first, path)) == 3  # the hand row and two generated: no duplicate key
    tool.refresh(rows, tmp_path)
    assert path.read_text() == first
    tool.refresh(rows[:1], tmp_path, check=True)
    assert path.read_text() == first, "--check writes nothing"


def test_an_offer_of_another_service_is_refused(tool, tmp_path):
    offer = json.loads(OFFER.read_text()) | {"offerCode": "AmazonS3"}
    bad = tmp_path / "rds.json"
    bad.write_text(json.dumps(offer))
    with pytest.raises(SystemExit, match="offerCode .AmazonS3. is not one of AmazonEC2, AmazonRDS"):
        tool.main(["--offer", str(bad), "--out", str(tmp_path)])


@pytest.mark.parametrize("offer,service,expected", [
    ("AmazonRDS-eu-west-1.json", "rds", [("instance/mysql/db.r6g.large", Decimal("0.24")),
                                         ("instance/postgres/db.t4g.micro", Decimal("0.018"))]),
    ("AmazonElastiCache-eu-west-1.json", "elasticache", [("node/cache.r7g.large", Decimal("0.239")),
                                                         ("node/cache.t4g.micro", Decimal("0.017"))]),
])
def test_rds_single_az_open_engines_and_redis_nodes(tool, offer, service, expected):
    path = OFFER.parent / offer
    rows = list(tool.rows_of(json.loads(path.read_text()), tool.SERVICES[service], offer))
    assert [(r.item, r.usd) for r in rows] == expected
    assert {(r.service, r.region, r.unit) for r in rows} == {(service, "eu-west-1", "hour")}
