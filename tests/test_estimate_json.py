"""`gnnstack estimate FILE`: preview files, stack exports and gnnstack's own preview JSON priced
before and after, each AWS resource in its own region, other providers listed, bad files one line.

Figures are hand-checked from the catalog (us-east-1 and us-west-2 list prices, 730 hours):
t3.medium $0.0416/h, m5.large $0.096/h, gp3 $0.08/GB-month, NAT gateway $0.045/h, Kinesis
$0.015/shard-hour and $0.014/M PUT payload units, Lambda $0.20/M requests and
$0.0000166667/GB-second, S3 Standard $0.023/GB-month."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from gnnstack.cli import main
from gnnstack.costing.catalog import PriceBook
from gnnstack.costing.estimate import money
from gnnstack.errors import ConfigError
from gnnstack.foreign import load, price_plan
from gnnstack.foreign.load import GNNSTACK, PREVIEW, PREVIEW_FLAT, STACK_EXPORT
from gnnstack.graph import SECRET, UNKNOWN

from .conftest import ROOT

DATA = Path(__file__).parent / "data" / "foreign"
PREVIEW_FILE, FLAT_FILE, EXPORT_FILE = DATA / "preview.json", DATA / "preview-flat.json", DATA / "stack-export.json"
USAGE, WEST_PRICES = str(DATA / "usage.yaml"), str(DATA / "west-prices.csv")
D = Decimal

# Hand-checked monthly figures of the preview fixture: resource -> (op, before, after).
WEB_BEFORE = D("730") * D("0.0416") + 20 * D("0.08")            # t3.medium + 20 GB gp3 root = 31.968
WEB_AFTER = D("730") * D("0.096") + 20 * D("0.08")              # m5.large + root = 71.68
CLICKS = 2 * 730 * D("0.015") + D("5256") * D("0.014")           # 2 shards; 2 x 1,000 rec/s x 30.4167 days
RESIZE = D("0.20") + D("1000000") * 1 * D("0.5") * D("0.0000166667")  # 1M requests, 1 s at 512 MB
EXPECTED = {
    "web-server": ("update", WEB_BEFORE, WEB_AFTER),
    "web-data": ("replace", 100 * D("0.08"), 200 * D("0.08")),  # gp3 100 GB -> 200 GB, replaced
    "old-nat": ("delete", 730 * D("0.045"), None),  # hours; no GB processed declared (0 by default)
    "assets": ("same", 100 * D("0.023"), 100 * D("0.023")),  # usage file by name: 100 GB Standard
    "clicks": ("create", None, CLICKS),  # us-west-2 through its provider
    "west-scratch": ("create", None, 200 * D("0.08")),  # us-west-2 through its availability zone
    "resize": ("create", None, RESIZE),  # usage file by type: 1M invocations
}


def cents(x: Decimal) -> str:
    return str(x.quantize(D("0.01")))


def estimate(*args: str):
    return CliRunner().invoke(main, ["estimate", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def book():
    return PriceBook.load()


def _priced(path, book, **kw):
    return price_plan(load(path, region=kw.pop("region", None)), book, usage_file=kw.pop("usage", USAGE), **kw)


@pytest.mark.parametrize("path,shape", [(PREVIEW_FILE, PREVIEW), (FLAT_FILE, PREVIEW_FLAT)])
def test_a_preview_prices_each_resource_before_after_and_the_change(book, path, shape):
    pe = _priced(path, book)
    assert pe.plan.shape == shape and pe.plan.stack == "dev" and pe.plan.project == "shop"
    rows = {r.name: r for r in pe.resources}
    for name, (op, before, after) in EXPECTED.items():
        r = rows[name]
        assert r.op == op, name
        assert (None if r.before is None else cents(r.before.base)) == (None if before is None else cents(before)), name
        assert (None if r.after is None else cents(r.after.base)) == (None if after is None else cents(after)), name
        assert cents(r.base_change) == cents((after or 0) - (before or 0)), name
    before = WEB_BEFORE + 8 + 730 * D("0.045") + D("2.30")
    after = WEB_AFTER + 16 + D("2.30") + CLICKS + 16 + RESIZE
    assert cents(pe.before.base) == cents(before) == "75.12"
    assert cents(pe.after.base) == cents(after) == "210.00"
    assert cents(pe.base_change) == "134.88"
    # The NAT gateway's data and the Lambda's requests have no cap: the worst case is unbounded.
    assert pe.before.worst_case is None and pe.after.worst_case is None and pe.worst_change is None
    # A replacement's three steps are one resource; a read is neither before nor after.
    assert [r.name for r in pe.resources].count("web-data") == 1
    assert "shared-vpc" not in rows and "shared-vpc" not in pe.plan.after.names
    # IAM is free and says so; providers, components and the stack are structure, not rows.
    assert rows["resize-role"].after.free and "web" not in rows and "default_7_10_0" not in rows


def test_the_flattened_variant_prices_as_the_nested_one(book):
    a, b = _priced(PREVIEW_FILE, book).to_json(), _priced(FLAT_FILE, book).to_json()
    for doc in (a, b):
        doc.pop("file"), doc.pop("shape")
    assert a == b


def test_each_resource_is_priced_in_its_own_region(book):
    pe = _priced(PREVIEW_FILE, book)
    regions = {r.name: r.region for r in pe.resources}
    assert regions["clicks"] == "us-west-2"  # provider "west"
    assert regions["west-scratch"] == "us-west-2"  # availabilityZone us-west-2b, though its provider is us-east-1
    assert regions["web-data"] == regions["web-server"] == "us-east-1"
    assert pe.plan.regions_from["clicks"] == "provider west"
    assert pe.plan.regions_from["west-scratch"] == "its availability zone us-west-2b"
    for e in (pe.before, pe.after):
        for line in e.lines:
            assert line.price.region == regions[line.resource], (line.resource, line.name)


def test_alike_resources_in_two_regions_never_share_lines():
    """web-data (us-east-1) and west-scratch (us-west-2) are the same 200 GB gp3 volume; with
    us-west-2 prices that differ (an override file) each gets its own region's price."""
    pe = _priced(PREVIEW_FILE, PriceBook.load(WEST_PRICES), prices=WEST_PRICES)
    rows = {r.name: r for r in pe.resources}
    assert cents(rows["web-data"].after.base) == "16.00"  # 200 x 0.08, us-east-1's catalog price
    assert cents(rows["west-scratch"].after.base) == "20.00"  # 200 x 0.10, the us-west-2 override
    assert cents(rows["clicks"].after.base) == cents(2 * 730 * D("0.02") + D("5256") * D("0.014"))
    scratch = [line for line in pe.after.lines if line.resource == "west-scratch"]
    assert [line.price.region for line in scratch] == ["us-west-2"]


def _preview(tmp_path, steps, config=None):
    doc = {"steps": steps, **({"config": config} if config is not None else {})}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc))
    return path


def _step(name, rtype, inputs, provider=None):
    urn = f"urn:pulumi:dev::app::{rtype}::{name}"
    state = {"urn": urn, "type": rtype, "custom": True, "inputs": inputs,
             **({"provider": provider} if provider else {})}
    return {"op": "create", "urn": urn, "newState": state}


PROVIDER = "urn:pulumi:dev::app::pulumi:providers:aws::default"


def test_region_order_own_input_then_zone_then_provider_then_config_then_flag(tmp_path):
    steps = [_step("default", "pulumi:providers:aws", {}),
             _step("own", "aws:ebs/volume:Volume", {"size": 1, "region": "us-west-2", "availabilityZone": "us-east-1a"},
                   f"{PROVIDER}::id"),
             _step("zoned", "aws:ebs/volume:Volume", {"size": 1, "availabilityZone": "us-west-2c"}, f"{PROVIDER}::id"),
             _step("plain", "aws:ebs/volume:Volume", {"size": 1}, f"{PROVIDER}::id")]
    plan = load(_preview(tmp_path, steps, {"aws:region": "us-east-1"}), region="us-west-2")
    got = {r.name: r.region for r in plan.after.resources}
    assert got == {"own": "us-west-2", "zoned": "us-west-2", "plain": "us-east-1"}
    assert plan.regions_from["plain"] == "the stack config aws:region"
    # No config: --region; no --region either: an error that says to pass it.
    plan = load(_preview(tmp_path, steps), region="us-west-2")
    assert {r.name: r.region for r in plan.after.resources}["plain"] == "us-west-2"
    with pytest.raises(ConfigError, match=r"plain \(aws:ebs/volume:Volume\): no AWS region .* pass --region"):
        load(_preview(tmp_path, steps))
    # The provider's region beats the config's.
    steps[0] = _step("default", "pulumi:providers:aws", {"region": "us-west-2"})
    plan = load(_preview(tmp_path, steps, {"aws:region": "us-east-1"}))
    assert {r.name: r.region for r in plan.after.resources}["plain"] == "us-west-2"


def test_other_providers_are_listed_never_priced(book):
    pe = _priced(PREVIEW_FILE, book)
    assert pe.providers == {"gcp": 1, "kubernetes": 1, "random": 1}
    assert {(x.name, x.provider) for x in pe.not_priced} == {("backup", "gcp"), ("apps", "kubernetes"),
                                                             ("db-password", "random")}
    priced = {line.resource for e in (pe.before, pe.after) for line in e.lines}
    assert not priced & {"backup", "apps", "db-password"}
    assert not {u.resource for u in pe.unpriced_after} & {"backup", "apps", "db-password"}
    doc = pe.to_json()
    assert doc["providers"] == {"gcp": 1, "kubernetes": 1, "random": 1}
    assert all(r["resource"] not in ("backup", "apps", "db-password") for r in doc["resources"])


def test_unsupported_aws_types_are_counted_by_type_and_not_priced_at_zero(book):
    pe = _priced(PREVIEW_FILE, book)
    assert pe.unsupported == {"aws:cloudtrail/trail:Trail": ["audit"], "aws:guardduty/detector:Detector": ["threats"]}
    assert pe.unsupported_count == 2 and pe.unpriced_after == []
    rows = {r.name: r for r in pe.resources}
    assert not rows["audit"].after.priced
    out = estimate(str(PREVIEW_FILE), "--usage", USAGE).output
    assert "audit" in out and "unpriced" in out and "Unsupported types (2 resources, 2 types)" in out


def test_without_usage_the_resources_that_need_it_are_unpriced_not_zero(book):
    pe = price_plan(load(PREVIEW_FILE), book)
    reasons = {u.resource: u.reason for u in pe.unpriced_after}
    assert set(reasons) == {"assets", "resize"}
    assert "needs usage: datasets" in reasons["assets"] and "needs usage: invocations_per_month" in reasons["resize"]
    rows = {r.name: r for r in pe.resources}
    assert not rows["assets"].after.priced and not rows["assets"].before.priced


def test_secrets_and_unknowns_become_placeholders():
    plan = load(PREVIEW_FILE)
    web = plan.after.names["web-server"].inputs
    assert web["userData"] == SECRET and web["subnetId"] == UNKNOWN
    assert plan.after.names["resize"].inputs["environment"]["variables"]["API_KEY"] == SECRET
    assert "echo hi" not in json.dumps([r.to_json() for r in plan.after.resources + plan.before.resources])
    export = load(EXPORT_FILE)
    assert export.after.names["api-0"].inputs["userData"] == SECRET


def test_a_stack_export_prices_what_is_deployed(book):
    pe = price_plan(load(EXPORT_FILE), book)
    assert pe.plan.shape == STACK_EXPORT and not pe.plan.has_before and pe.plan.stack == "prod"
    rows = {r.name: r for r in pe.resources}
    assert set(rows) == {"api-0", "egress"}  # egress-old is pending deletion; the Azure group is not AWS
    assert {r.region for r in rows.values()} == {"us-west-2"}  # the default provider's region
    assert cents(rows["api-0"].after.base) == cents(730 * D("0.0416") + 30 * D("0.08")) == "32.77"
    assert cents(rows["egress"].after.base) == "32.85"
    assert cents(pe.after.base) == "65.62" and pe.before.base == 0
    assert pe.providers == {"azure-native": 1}
    doc = pe.to_json()
    assert doc["monthly"]["before"] is None and doc["monthly"]["change"] is None


def test_gnnstack_own_preview_json_prices_as_the_original(tmp_path):
    result = CliRunner().invoke(main, ["preview", "experiment", "--format", "json"],
                                env={"GNNSTACK_PROJECT": str(ROOT)}, catch_exceptions=False)
    original = json.loads(result.output)
    path = tmp_path / "experiment.json"
    path.write_text(result.output)
    out = estimate(str(path), "--format", "json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["shape"] == GNNSTACK and doc["stack"] == "experiment"
    assert doc["monthly"]["after"]["base"] == original["estimate"]["monthly"]["base"]
    assert doc["monthly"]["after"]["worst_case_bounded"] == original["estimate"]["monthly"]["worst_case_bounded"]
    assert doc["unpriced"]["after"] == original["estimate"]["unpriced"]


@pytest.mark.parametrize("text,expected", [
    ('{"steps": [', "not valid JSON: Expecting value at line 1, column 12"),
    ("[1, 2]", "not a file gnnstack can price; accepted: `pulumi preview --json`"),
    ('{"resources": []}', "not a file gnnstack can price"),
    ('{"steps": [{"op": "create", "urn": "bucket"}]}', "is not a Pulumi URN"),
])
def test_bad_files_give_one_line_and_exit_2(tmp_path, text, expected):
    path = tmp_path / "plan.json"
    path.write_text(text)
    result = estimate(str(path))
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and result.output.startswith(f"error: {path}: ")
    assert expected in result.output and "Traceback" not in result.output


def test_a_file_without_any_region_says_to_pass_region(tmp_path):
    path = _preview(tmp_path, [_step("vol", "aws:ebs/volume:Volume", {"size": 10})])
    result = estimate(str(path))
    assert result.exit_code == 2 and "pass --region" in result.output and result.output.count("\n") == 1
    result = estimate(str(path), "--region", "us-west-2", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.output)["monthly"]["after"]["base"] == "0.80"
    result = estimate(str(path), "--region", "mars-1")
    assert result.exit_code == 2 and "not an AWS region" in result.output


def test_json_output_is_deterministic_and_markdown_has_the_totals():
    a = estimate(str(PREVIEW_FILE), "--usage", USAGE, "--format", "json").output
    assert a == estimate(str(PREVIEW_FILE), "--usage", USAGE, "--format", "json").output
    doc = json.loads(a)
    assert doc["monthly"]["change"]["base"] == "134.88" and doc["regions"] == ["us-east-1", "us-west-2"]
    md = estimate(str(PREVIEW_FILE), "--usage", USAGE, "--format", "markdown").output
    assert "| **Change** | **+134.88** |" in md and "| clicks | kinesis:Stream | us-west-2 | create |" in md
    table = estimate(str(PREVIEW_FILE), "--usage", USAGE).output
    assert "Change:  +134.88 USD/month" in table and "provider gcp: 1 (backup)" in table


def test_stack_and_config_are_for_folders_only():
    result = estimate(str(PREVIEW_FILE), "--stack", "dev")
    assert result.exit_code == 2 and "apply to a project folder" in result.output


# What `gnnstack estimate FILE --format json` must not load: it is timed (bench/estimate_json.py,
# under 1 s for 10,000 resources), and these are slow to import and used only by other commands
# or formats (the Pulumi SDK, the markdown templates, the figures, AWS's SDK, the table).
NOT_ON_THE_JSON_PATH = ("pulumi", "pulumi_aws", "pulumi_policy", "jinja2", "matplotlib", "boto3", "botocore", "rich")


def _json_run_imports(args: list[str], watched: tuple[str, ...], setup: str = "") -> tuple[dict, list[str]]:
    """`gnnstack estimate ARGS` in a fresh interpreter: its JSON document, and which of the
    `watched` top-level packages it imported."""
    code = ("import json, sys\n"
            "from gnnstack.cli import main\n"
            + setup
            + f"sys.argv = ['gnnstack', 'estimate', *{args!r}]\n"
            "try:\n"
            "    main()\n"
            "except SystemExit as e:\n"
            "    assert not e.code, e.code\n"
            f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {watched!r})))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    doc, _, loaded = out.stdout.rstrip("\n").rpartition("\n")
    return json.loads(doc), json.loads(loaded)


@pytest.mark.parametrize("terminal", [False, True])
def test_the_json_path_never_imports_pulumi_or_the_other_formats_libraries(terminal):
    """Also with stderr on a terminal, where a step that outlasts a second shows a spinner (rich):
    a quick one does not import it."""
    setup = "import gnnstack.cli.output as out\nout.is_terminal = lambda stream: True\n" if terminal else ""
    doc, loaded = _json_run_imports([str(PREVIEW_FILE), "--usage", USAGE, "--format", "json"], NOT_ON_THE_JSON_PATH,
                                    setup)
    assert doc["monthly"]["change"]["base"] == "134.88"
    assert loaded == []


ODD_NAMES = ['web "quoted"', "back\\slash", "donn\u00e9es-\u00e9t\u00e9", "tab\tname", "emoji-\U0001F680",
             "\x00resources 0\x00", "ctl\x01"]


def _odd_plan(tmp_path):
    """A preview of every kind of row (priced, free, unpriced, unsupported, another provider;
    created, deleted, updated, unchanged) under names the JSON encoder must escape."""
    steps = [_step("default", "pulumi:providers:aws", {"region": "us-east-1"})]
    kinds = [("aws:ec2/instance:Instance", {"instanceType": "t3.medium"}),
             ("aws:iam/role:Role", {}), ("aws:s3/bucket:Bucket", {}),
             ("aws:ec2/instance:Instance", {"instanceType": UNKNOWN}), ("aws:foo/bar:Baz", {}),
             ("gcp:storage/bucket:Bucket", {}), ("aws:ebs/volume:Volume", {"size": 10, "type": "gp3"})]
    for i, name in enumerate(ODD_NAMES):
        for j, (rtype, inputs) in enumerate(kinds):
            step = _step(f"{name}-{j}", rtype, inputs, f"{PROVIDER}::id")
            op = ("create", "delete", "update", "same")[(i + j) % 4]
            state = step["newState"]
            if op != "create":
                old_inputs = {**inputs, "instanceType": "m5.large"} if "instanceType" in inputs else inputs
                step["oldState"] = {**state, "inputs": old_inputs}
            if op == "delete":
                del step["newState"]
            step["op"] = op
            steps.append(step)
    return price_plan(load(_preview(tmp_path, steps)), PriceBook.load())


@pytest.mark.parametrize("extra", [None, {"guardrails": {"passed": True, "names": ODD_NAMES}}])
def test_the_json_text_is_exactly_json_dumps_of_the_document(tmp_path, extra):
    """`PlanEstimate.json_text` writes a large plan's rows itself: the same text as the encoder,
    escapes and key order included, compact and indented."""
    pe = _odd_plan(tmp_path)
    assert {r.op for r in pe.resources} == {"create", "delete", "update", "same"}
    assert {(r.after or r.before).free for r in pe.resources} == {True, False}
    assert {(r.after or r.before).priced for r in pe.resources} == {True, False}
    doc = {**pe.to_json(), **(extra or {})}
    assert doc["monthly"] == {"before": pe.before.summary_json(), "after": pe.after.summary_json(),
                              "change": {"base": money(pe.base_change), "worst_case": money(pe.worst_change)}}
    assert pe.json_text(extra) == json.dumps(doc, sort_keys=True)
    assert pe.json_text(extra, indent=2) == json.dumps(doc, indent=2, sort_keys=True)
    real = price_plan(load(PREVIEW_FILE), PriceBook.load(), usage_file=USAGE)
    assert real.json_text() == json.dumps(real.to_json(), sort_keys=True)


def test_resources_and_changes_read_from_a_file_are_the_objects_their_constructors_make():
    """`load` builds them by filling their __dict__ (a frozen dataclass's constructor is slow):
    equal, hashed alike, frozen, every field; and it does so only while the classes keep their shape."""
    import importlib
    from dataclasses import FrozenInstanceError, fields

    from gnnstack.foreign.load import Change
    from gnnstack.graph import Resource

    reader = importlib.import_module("gnnstack.foreign.load")  # `gnnstack.foreign.load` is also the function
    assert reader._resource is reader._fast_resource and reader._change is reader._fast_change
    pairs = [(reader._fast_resource("aws:s3/bucket:Bucket", "b", "p", {"bucket": "x"}, True, "us-east-1"),
              Resource("aws:s3/bucket:Bucket", "b", "p", {"bucket": "x"}, True, "us-east-1")),
             (reader._fast_resource("my:app:C", "c", None, {}, False, None),
              Resource("my:app:C", "c", None, {}, False)),
             (reader._fast_change("b", "aws:s3/bucket:Bucket", "update", True, False),
              Change("b", "aws:s3/bucket:Bucket", "update", True, False))]
    for fast, made in pairs:
        assert fast == made and vars(fast) == vars(made) and repr(fast) == repr(made)
        assert [getattr(fast, f.name) for f in fields(made)] == [getattr(made, f.name) for f in fields(made)]
        with pytest.raises(FrozenInstanceError):
            fast.name = "other"  # type: ignore[misc]
    assert hash(pairs[2][0]) == hash(pairs[2][1])


def test_a_resource_whose_cost_others_count_is_shown_so_never_as_priced_at_zero(tmp_path):
    """An ECS service on EC2 instances (its pricer makes no line: the instances are priced) and an
    ECS auto-scaling target: shown free in the table and JSON, not as a priced $0.00."""
    steps = [_step("api", "aws:ecs/service:Service", {"launchType": "EC2", "desiredCount": 2, "taskDefinition": "td"}),
             _step("api-target", "aws:appautoscaling/target:Target",
                   {"serviceNamespace": "ecs", "resourceId": "service/c/api", "maxCapacity": 4, "minCapacity": 1,
                    "scalableDimension": "ecs:service:DesiredCount"})]
    result = estimate(str(_preview(tmp_path, steps, {"aws:region": "us-east-1"})), "--format", "json")
    assert result.exit_code == 0, result.output
    sides = {r["resource"]: r["after"] for r in json.loads(result.output)["resources"]}
    assert sides["api"] == {"base": "0.00", "worst_case": "0.00", "priced": True, "free": True}
    assert sides["api-target"]["free"] is True
    table = estimate(str(_preview(tmp_path, steps, {"aws:region": "us-east-1"}))).output
    rows = [line.split() for line in table.splitlines() if line.strip().startswith("api")]
    assert [(r[0], r[-2]) for r in rows] == [("api", "free"), ("api-target", "free")], table  # After $/mo
    # ... and why, in the JSON and under "Free" in the table: the pricers' own reasons.
    doc = json.loads(result.output)
    assert doc["free"] == [
        {"type": "aws:appautoscaling/target:Target", "count": 1,
         "reason": "no charge of its own: its maxCapacity is the ECS service's worst case (ecs_service)"},
        {"type": "aws:ecs/service:Service", "count": 1,
         "reason": "its tasks run on EC2 or external instances (launch type or capacity providers), which are priced "
                   "as their own resources"}]
    assert "ecs:Service ×1: its tasks run on EC2 or external instances" in " ".join(table.split())
    markdown = estimate(str(_preview(tmp_path, steps, {"aws:region": "us-east-1"})), "--format", "markdown").output
    assert "<details><summary><strong>Free</strong> (2 resources" in markdown  # folded in a PR comment
    assert "- `aws:ecs/service:Service` ×1: its tasks run on EC2" in markdown


def test_a_pricer_that_makes_no_line_without_saying_why_leaves_its_resource_unpriced(monkeypatch):
    """The pricer contract: lines, or NoCharge with the reason. An empty list is never a bare $0."""
    import importlib

    from gnnstack.costing import PriceBook, estimate as price
    from gnnstack.costing.catalog import load_catalog
    from gnnstack.graph import Resource, ResourceGraph

    graph = ResourceGraph("s", "o", [Resource("aws:sqs/queue:Queue", "q", None, {}, True)])
    engine = importlib.import_module("gnnstack.costing.estimate")  # the module, not the function of its name
    monkeypatch.setitem(engine.PRICERS, "aws:sqs/queue:Queue", lambda r, ctx: [])
    result = price(graph, PriceBook(load_catalog()), region="us-east-1")
    assert result.lines == [] and result.no_charge == {}
    assert [(u.resource, u.reason) for u in result.unpriced] == [
        ("q", "its pricer made no cost line and gave no reason (a gnnstack bug: please report it)")]


def test_without_a_usage_file_the_json_path_does_not_import_yaml():
    """YAML is read only for a usage file: a plan priced without one never imports it."""
    doc, loaded = _json_run_imports([str(PREVIEW_FILE), "--format", "json"], ("yaml", *NOT_ON_THE_JSON_PATH))
    assert "monthly" in doc
    assert loaded == []
