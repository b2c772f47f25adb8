"""The price audit's findings (2026-11-24), each pinned: storage counted in GiB on the raw basis,
every EBS volume type priced, Neptune backup storage beyond the free retention, no EBS line priced
at $0 by an override without a word, disputed prices kept as estimates, and override entries that
match no catalog item refused."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from gnnstack import sizing
from gnnstack.capture import capture
from gnnstack.cli import main
from gnnstack.costing import PriceBook, estimate
from gnnstack.costing.catalog import SCOPES, component_role, load_catalog
from gnnstack.costing.pricers._compute import PROVISIONED_IOPS, VOLUME_TYPES
from gnnstack.errors import ConfigError
from gnnstack.graph import Resource, ResourceGraph

from .conftest import ROOT, priced

GIB = 2 ** 30
HEADER = "service,item,region,unit,usd,confidence,as_of,source\n"


# --------------------------------------------------------------------------- 1. GiB, not GB


def _close_to_gib(value: str | Decimal, n_bytes: int | Decimal) -> bool:
    """`value` is `n_bytes` in GiB, to the millionth the sizing keeps."""
    return abs(Decimal(value) - Decimal(n_bytes) / GIB) <= Decimal("0.000001")


def test_the_raw_basis_counts_stored_bytes_in_gib(captures):
    _, s = captures[("experiment", "neptune-sagemaker")]
    assert s.costing.storage_basis == "raw"
    g = s.graph
    features, raw = sizing.bucket_datasets(s)
    assert _close_to_gib(features["initialGb"], sizing.raw_bytes(g))
    assert _close_to_gib(features["growthGbPerDay"], sizing.raw_bytes(g, g.daily_new_nodes, g.daily_new_edges))
    assert _close_to_gib(raw["growthGbPerDay"], sizing.raw_bytes(g, g.daily_new_nodes, g.daily_new_edges))
    initial, daily = sizing.database_gb(s, "neptune")
    assert _close_to_gib(initial, sizing.engine_bytes(g, "neptune"))
    assert _close_to_gib(daily, sizing.engine_bytes(g, "neptune", 1) - sizing.engine_bytes(g, "neptune"))
    # 444e9 bytes are 413.5 GiB (billed), not 444 GB.
    assert Decimal(features["initialGb"]) < Decimal(sizing.raw_bytes(g)) / 10 ** 9


def test_priced_s3_and_neptune_storage_are_in_gib(captures):
    graph, s = captures[("experiment", "neptune-sagemaker")]
    e = priced(graph, s)
    storage = {line.resource: line for line in e.lines if line.name in ("Storage", "Storage (STANDARD)")}
    initial = dict((a.name, a.value) for a in storage["experiment-db-cluster"].assumptions)["storage_initial_gb"]
    assert _close_to_gib(initial, sizing.engine_bytes(s.graph, "neptune"))
    datasets = dict((a.name, a.value) for a in storage["experiment-data-bucket"].assumptions)["datasets"]
    assert f"initial_gb={sizing.bucket_datasets(s)[0]['initialGb']}," in datasets


def test_the_features_basis_keeps_the_seeds_decimal_gb(project):
    _, s = capture(project, "seed-analysis")
    assert s.costing.storage_basis == "features"
    assert sizing.bucket_datasets(s)[0]["initialGb"] == "260"  # 13e9 records x 20 bytes / 10**9
    assert sizing.database_gb(s, "neptune")[0] == 260


# --------------------------------------------------------------------------- 2. every EBS volume type


def test_every_ebs_volume_type_has_catalog_prices_in_both_regions():
    book = PriceBook.load()
    for region in ("us-east-1", "us-west-2"):
        for kind in VOLUME_TYPES:
            p = book.get("ebs", f"{kind}/storage", region)
            assert p is not None and p.usd > 0 and p.source and p.as_of, (kind, region)
        for kind in PROVISIONED_IOPS:
            p = book.get("ebs", f"{kind}/iops", region)
            assert p is not None and p.usd > 0, (kind, region)


def _instance(root: dict) -> ResourceGraph:
    return ResourceGraph("s", "x", [Resource("aws:ec2/instance:Instance", "node", None,
                                             {"instanceType": "r6i.8xlarge", "rootBlockDevice": root})])


def test_an_r6i_8xlarge_with_a_gp2_root_is_priced():
    e = estimate(_instance({"volumeSize": 100, "volumeType": "gp2"}), PriceBook.load(), region="us-east-1")
    assert e.unpriced == []
    by_name = {line.name: line for line in e.lines}
    assert by_name["Instance usage (on-demand, r6i.8xlarge)"].base_monthly == Decimal("1471.680")
    root = by_name["Storage (gp2, root)"]
    assert (root.price.service, root.price.item, root.base_monthly) == ("ebs", "gp2/storage", Decimal("10.00"))


def test_io1_and_io2_bill_provisioned_iops():
    for kind in PROVISIONED_IOPS:
        e = estimate(_instance({"volumeSize": 100, "volumeType": kind, "iops": 4000}), PriceBook.load(),
                     region="us-east-1")
        iops = [line for line in e.lines if line.unit == "IOPS-months"]
        assert [(line.price.item, line.base_quantity) for line in iops] == [(f"{kind}/iops", 4000)]


def test_an_unknown_volume_type_is_unpriced_with_the_reason_never_zero():
    e = estimate(_instance({"volumeSize": 100, "volumeType": "gp9"}), PriceBook.load(), region="us-east-1")
    assert e.lines == [] and len(e.unpriced) == 1
    assert "unknown EBS volume type 'gp9'" in e.unpriced[0].reason


# --------------------------------------------------------------------------- 3. Neptune backup storage


BACKUP = "Backup storage (beyond the free retention)"


def test_production_neptune_bills_backup_beyond_the_free_day_and_the_experiment_does_not(captures):
    lines = {}
    for env in ("experiment", "production"):
        graph, s = captures[(env, "neptune-sagemaker")]
        lines[env] = [line for line in priced(graph, s).lines if line.resource == f"{env}-db-cluster"]
    assert BACKUP not in {line.name for line in lines["experiment"]}  # 1 day: free
    prod = {line.name: line for line in lines["production"]}
    storage, backup = prod["Storage"], prod[BACKUP]
    assert (backup.price.service, backup.price.item) == ("neptune", "backup")
    fraction = Decimal(next(a.value for a in backup.assumptions if a.name == "backup_daily_change_fraction"))
    assert 0 < fraction < 1
    # 7 days kept: 6 days beyond the free one; the worst case rewrites the whole volume every day.
    # (Quantities are kept to a millionth, each from the unrounded size: compare to a few millionths.)
    assert abs(backup.base_quantity - 6 * storage.base_quantity * fraction) <= Decimal("0.00001")
    assert abs(backup.worst_quantity - 6 * storage.worst_quantity) <= Decimal("0.00001")
    assert 0 < backup.base_monthly < backup.worst_monthly


# --------------------------------------------------------------------------- 4. no silent $0 from an override


def test_seed_database_volumes_are_not_priced_at_zero_without_a_word():
    result = CliRunner().invoke(main, ["preview", "seed-analysis", "--option", "neo4j-ec2", "--format", "json"],
                                env={"GNNSTACK_PROJECT": str(ROOT)}, catch_exceptions=False)
    lines = json.loads(result.stdout)["estimate"]["lines"]
    volumes = [line for line in lines if line["price"]["service"] == "ebs"]
    database = [line for line in volumes if line["resource"] == "seed-analysis-db-asg"]
    assert {line["name"] for line in database} == {"Storage (gp3, /dev/sda1)", "Storage (gp3, /dev/sdf)"}
    for line in database:  # the seed prices database volumes at $0.08, the catalog's price
        assert Decimal(line["unit_price"]) == Decimal("0.08") and line["price"]["origin"] == "catalog"
    for line in volumes:
        if Decimal(line["unit_price"]) == 0 and line["price"]["origin"] != "catalog":
            assert "priced at $0 by prices/seed-analysis.csv" in line.get("note", ""), line


def test_the_seeds_zero_gp3_row_still_leaves_out_only_the_training_disks(project):
    graph, s = capture(project, "seed-analysis-high")
    e = priced(graph, s, PriceBook.load(ROOT / "prices" / "seed-analysis.csv", "prices/seed-analysis.csv"))
    training = [line for line in e.lines if line.price.service == "ebs"]
    assert [(line.resource, line.name) for line in training] == [("seed-analysis-high-training-asg",
                                                                   "Storage (gp3, /dev/sda1)")]
    for line in training:
        assert line.unit_price == 0 and line.price.item == "gp3/storage@training"
        assert "priced at $0 by prices/seed-analysis.csv" in line.note


# --------------------------------------------------------------------------- 5. disputed prices


@pytest.mark.parametrize("service,item", [("neptune", "instance/db.r6g.xlarge"),
                                          ("sagemaker", "training/ml.g4dn.2xlarge"),
                                          ("sagemaker", "training/ml.g5.xlarge"),
                                          ("sagemaker", "storage/general-purpose-ssd")])
def test_disputed_prices_stay_estimates_and_say_which_source_won(service, item):
    found = [p for p in load_catalog() if (p.service, p.item) == (service, item)]
    assert {p.region for p in found} == {"us-east-1", "us-west-2"}
    for p in found:
        assert p.confidence == "estimate" and ("wins" in p.source or "kept" in p.source), p


# --------------------------------------------------------------------------- 6. overrides must match the catalog


def test_an_override_for_an_item_the_catalog_lacks_is_an_error(tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "ec2,on-demand/p3.2xlarge,us-east-1,hour,2.50,verified,2026-11-01,our EDP rate\n"
                   "neptune,instance/db.r6g.xlarg,us-east-1,hour,0.5,estimate,2026-11-01,negotiated\n")
    with pytest.raises(ConfigError) as raised:
        PriceBook.load(bad)
    message = str(raised.value)
    assert f"{bad}, line 3: neptune instance/db.r6g.xlarg is not a catalog item" in message
    assert "neptune instance/db.r6g.xlarge" in message  # the closest catalog item


def test_a_bad_override_file_exits_2_through_the_cli(tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "neptune,instance/db.r6g.xlarg,us-east-1,hour,0.5,estimate,2026-11-01,negotiated\n")
    result = CliRunner().invoke(main, ["preview", "experiment", "--prices", str(bad)],
                                env={"GNNSTACK_PROJECT": str(ROOT)})
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert result.output.startswith("error: ")
    for text in (str(bad), "line 2", "instance/db.r6g.xlarg", "closest catalog items", "instance/db.r6g.xlarge"):
        assert text.lower() in result.output.lower(), result.output


def test_scoped_and_new_override_entries(tmp_path: Path):
    f = tmp_path / "o.csv"
    f.write_text(HEADER + "ebs,gp3/storage@trainng,us-east-1,GB-month,0,estimate,2026-11-01,typo in the scope\n")
    with pytest.raises(ConfigError, match=r"line 2: ebs gp3/storage@trainng: '@trainng' is not a component role"):
        PriceBook.load(f)
    f.write_text(HEADER + "sagemaker,storage/general-purpose-ssd@training,us-east-1,GB-month,0,estimate,2026-11-01,x\n")
    with pytest.raises(ConfigError, match="applies only to ebs prices"):
        PriceBook.load(f)
    header = HEADER.strip() + ",status\n"
    f.write_text(header + "ec2,on-demand/mac2.metal,us-east-1,hour,0.1008,estimate,2026-11-01,our quote,new\n")
    assert PriceBook.load(f).get("ec2", "on-demand/mac2.metal", "us-east-1").usd == Decimal("0.1008")
    f.write_text(header + "ec2,on-demand/p3.2xlarge,us-east-1,hour,2.5,estimate,2026-11-01,EDP,new\n")
    with pytest.raises(ConfigError, match="marked 'new' but the catalog has it"):
        PriceBook.load(f)
    f.write_text(header + "ec2,on-demand/p3.2xlarge,us-east-1,hour,2.5,estimate,2026-11-01,EDP,maybe\n")
    with pytest.raises(ConfigError, match="line 2: field 'status' is 'maybe'"):
        PriceBook.load(f)


def test_every_component_role_can_be_a_scope(captures):
    roles = {component_role(r.type) for graph, _ in captures.values() for r in graph.resources if not r.custom}
    assert roles - {None} <= set(SCOPES)


def test_the_seed_price_file_loads():
    book = PriceBook.load(ROOT / "prices" / "seed-analysis.csv")
    assert book.get("stepfunctions", "standard/transitions", "us-east-1").usd == 0
    assert book.get("ebs", "gp3/storage", "us-east-1").usd == Decimal("0.08")
    assert book.get("ebs", "gp3/storage", "us-east-1", scope="training").usd == 0
