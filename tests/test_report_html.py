"""`gnnstack report`'s report.html: it parses cleanly (html5lib), references nothing outside itself
(a static check of every attribute and the CSS, then a real headless chromium whose NetLog must
show no request the page made), its screenshot is not blank, and the hard cases read as such: a
guardrail FAIL, unpriced resources (never $0), an unbounded worst case, recommendations and
regions present, empty or absent (shapes from /tmp/briefs/contract.md, written here by hand)."""

from __future__ import annotations

import base64
import copy
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner
from PIL import Image

from gnnstack.cli import main
from gnnstack.outputs.report_html import dollars, report_html

from .conftest import ROOT

# --------------------------------------------------------------------------- a document by hand


def _png(colour: tuple[int, int, int]) -> bytes:
    """A small PNG with a block of `colour`: the browser test finds the colour in the screenshot."""
    im = Image.new("RGB", (400, 200), "white")
    im.paste(colour, (20, 20, 380, 180))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


DASH = (31, 95, 168)
COMPARE = (230, 159, 0)
IMAGES = {"demo/cost_dashboard.png": _png(DASH), "demo/cost_comparison.png": _png(COMPARE)}

CARBON = {
    "methodology": "Cloud Carbon Footprint (location-based, operational energy only)", "region": "us-east-1",
    "monthly": {"kwh": "82.216", "kg_co2e": "31.166"},
    "assumptions": {"utilisation": {"value": "0.5", "source": "default (CCF methodology's average server utilisation)"},
                    "pue": {"kind": "pue", "key": "aws", "value": "1.135", "unit": "ratio", "confidence": "derived",
                            "as_of": "2026-12-02", "source": "https://www.cloudcarbonfootprint.org/docs/methodology"},
                    "grid": None},
    "components": [{"name": "demo-db", "kwh": "36.08", "kg_co2e": "13.677"}],
    "lines": [], "not_estimated_count": 1,
    "not_estimated": [{"resource": "demo-db-cluster", "name": "I/O requests", "reason": "billed in 1M requests"}],
}
PRICE = {"service": "neptune", "item": "io", "region": "us-east-1", "unit": "1M requests", "usd": "0.20",
         "confidence": "verified", "as_of": "2026-11-23", "source": "aws.amazon.com/neptune/pricing Standard I/O",
         "origin": "catalog"}
RECOMMENDATION = {
    "id": "spot-training", "title": "Train on spot capacity",
    "changes": [{"path": "workload.training.spot", "from": False, "to": True}],
    "stack_file_change": "workload.training.spot: false → true",
    "base_monthly_before": "1234.56", "base_monthly_after": "1000.00", "saving_monthly": "234.56",
    "worst_case_monthly_after": None, "effort": "low", "risk": "medium",
    "risk_note": "Spot capacity can be reclaimed with 2 minutes' notice; checkpointing needed.",
    "sources": ["catalog: ec2 spot/g4dn.xlarge us-east-1 (verified, 2026-11-23)"],
}
REGIONS = {"option": "neptune-sagemaker", "note": "AWS regions only: other clouds are not compared.",
           "rows": [{"region": "eu-west-1", "current": False, "base_monthly": "1301.10", "worst_case_monthly": None,
                     "kg_co2e": None, "kwh": None, "unpriced": 2},
                    {"region": "us-east-1", "current": True, "base_monthly": "1234.56",
                     "worst_case_monthly": "2345.67", "kg_co2e": "31.2", "kwh": "100.5", "unpriced": 0}]}


def _option(name: str, **over) -> dict:
    o = {
        "option": name,
        "monthly": {"base": "1234.56", "worst_case": None, "worst_case_bounded": "2728.11"},
        "unbounded": [{"resource": "demo-db-cluster", "name": "I/O requests"}],
        "lines": [{"component": "demo-db", "resource": "demo-db-cluster", "name": "I/O requests", "service": "neptune",
                   "base_monthly": "20.00", "worst_case_monthly": None, "price": PRICE,
                   "assumptions": [{"name": "io_millions_per_month", "value": "100", "unit": "1M requests/month",
                                    "source": "default"}]}],
        "assumptions": [{"name": "hours_per_month", "value": "730", "unit": "hours", "source": "default"}],
        "months": [{"month": i, "base": "1234.56"} for i in range(1, 13)],
        "unpriced": [],
        "guardrails": {"passed": True, "environment": "experiment", "violations": [], "expired_waivers": [],
                       "rules": [{"rule": "monthly-budget", "level": "mandatory"}],
                       "waived": [{"rule": "worst-case-ceiling", "level": "mandatory", "resource": "demo-db-cluster",
                                   "message": "'I/O requests' has no cap, so the worst case is unbounded",
                                   "waiver": {"rule": "worst-case-ceiling", "resource": "*-db-cluster", "stack": "*",
                                              "reason": "Neptune I/O has no cap; budget alerts watch it.",
                                              "expires": "2027-03-31"}}]},
        "recommendations": [RECOMMENDATION],
        "carbon": CARBON,
    }
    o.update(over)
    return o


FAILING = _option(
    "tigergraph-ec2", monthly={"base": "6317.53", "worst_case": "7000.00", "worst_case_bounded": "7000.00"},
    unbounded=[], recommendations=[],
    unpriced=[{"resource": "demo-db", "type": "gnnstack:database:TigerGraphCluster",
               "reason": "needs usage: licence_usd_per_month (USD/month)"}],
    guardrails={"passed": False, "environment": "experiment", "waived": [], "expired_waivers": [], "rules": [],
                "violations": [{"rule": "monthly-budget", "level": "mandatory", "resource": "demo-budget-monthly",
                                "message": "base monthly cost 6,317.53 USD exceeds the budget of 2,500.00 USD"},
                               {"rule": "licence-cost", "level": "advisory", "resource": "demo-db",
                                "message": "licence not priced"}]})


def document(**stack_over) -> dict:
    stack = {"stack": "demo", "environment": "experiment", "region": "us-east-1", "stack_option": "neptune-sagemaker",
             "budget_monthly": "2500.00", "options": [_option("neptune-sagemaker"), copy.deepcopy(FAILING)],
             "regions": REGIONS}
    stack.update(stack_over)
    return {"schema": 1, "generator": "gnnstack 0.1.0", "generated_at": "2026-11-23T10:30:00Z", "currency": "USD",
            "stacks": [stack]}


def text_of(page: str) -> str:
    """The page's visible text, tags dropped and whitespace collapsed."""
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    body = tree.find("body")
    return " ".join(" ".join(body.itertext()).split())


# --------------------------------------------------------------------------- static checks

# Attributes through which HTML fetches something (or navigates on its own).
FETCHING = {"src", "href", "srcset", "poster", "data", "action", "formaction", "background", "cite", "longdesc",
            "manifest", "ping", "xlink:href", "icon", "codebase", "archive"}


def external_references(page: str) -> list[str]:
    """Everything in `page` that would make a browser fetch a URL: a <link>, a <script> (none is
    needed), a fetching attribute that is not a data: URI or a #fragment, a meta refresh, and in
    the CSS an @import, a url() that is not data:, or any // (a scheme-relative URL)."""
    found = []
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    css = []
    for el in tree.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("link", "script", "iframe", "object", "embed", "base"):
            found.append(f"<{tag}> {dict(el.attrib)}")
        if tag == "meta" and el.get("http-equiv", "").lower() == "refresh":
            found.append(f"meta refresh {el.get('content')}")
        if tag == "style":
            css.append(el.text or "")
        for name, value in el.attrib.items():
            if name == "style":
                css.append(value)
            elif name.lower() in FETCHING and not value.startswith(("data:", "#")):
                found.append(f"<{tag} {name}={value[:80]!r}>")
    for block in css:
        if "@import" in block:
            found.append("@import in CSS")
        found += [f"url({u[:80]})" for u in re.findall(r"url\(\s*['\"]?([^)'\"]*)", block) if not u.startswith("data:")]
        if "//" in block:
            found.append("// in CSS")
    return found


def test_the_page_parses_cleanly():
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    parser.parse(report_html(document(), IMAGES))  # strict: the first parse error raises
    assert not parser.errors


def test_the_page_references_nothing_outside_itself():
    page = report_html(document(), IMAGES)
    assert external_references(page) == []
    # The two pictures are inline, the bytes given.
    for key in IMAGES:
        assert f'src="data:image/png;base64,{base64.b64encode(IMAGES[key]).decode()}"' in page


@pytest.mark.parametrize("bad", [
    '<link rel="stylesheet" href="https://fonts.example.com/inter.css">',
    '<img src="experiment/cost_dashboard.png" alt="x">',
    '<script src="app.js"></script>',
    "<style>@import 'x.css';</style>",
    "<style>body { background: url(//cdn.example.com/bg.png); }</style>",
    '<a href="https://example.com">x</a>',
])
def test_the_static_check_finds_an_external_reference(bad):
    page = report_html(document(), IMAGES).replace("</main>", bad + "</main>")
    assert external_references(page), bad


def test_the_page_prints_each_stack_from_a_new_page_with_no_dark_background():
    page = report_html(document(), IMAGES)
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    css = "".join(el.text or "" for el in tree.iter("style"))
    printed = css[css.index("@media print"):]
    assert re.search(r"section\.stack \{[^}]*break-before: page", printed)
    assert re.search(r"img \{[^}]*max-width: 100%", printed)
    assert re.search(r"body \{[^}]*background: #fff", printed)
    assert [s.get("id") for s in tree.iter("section") if "stack" in s.get("class", "")] == ["stack-demo"]


def test_values_are_escaped():
    doc = document()
    doc["stacks"][0]["options"][1]["unpriced"][0]["reason"] = "<script>alert(1)</script>"
    page = report_html(doc, IMAGES)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --------------------------------------------------------------------------- what the page says


def test_the_summary_comes_first_and_names_option_cost_worst_case_budget_and_first_step():
    page = report_html(document(), IMAGES)
    text = text_of(page)
    summary = text[text.index("Summary"):text.index("environment experiment")]
    assert "neptune-sagemaker" in summary and "$1,234.56" in summary and "unbounded" in summary
    assert "$2,500.00" in summary and "pass" in summary
    assert "Train on spot capacity" in summary and "workload.training.spot: false → true" in summary
    assert "$234.56" in summary
    # The order of the sections.
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    headings = [" ".join("".join(h.itertext()).split()) for h in tree.iter() if h.tag in ("h1", "h2", "h3")]
    assert headings == ["Cost report", "Summary", "demo", "Options side by side",
                        "Recommendations for neptune-sagemaker", "Regions", "Carbon of neptune-sagemaker",
                        "Cost lines of neptune-sagemaker", "Assumptions of neptune-sagemaker", "Unpriced resources",
                        "Guardrails", "Price sources and dates", "Carbon coefficients"]


def test_a_failing_option_and_unpriced_resources_read_as_such():
    text = text_of(report_html(document(), IMAGES))
    assert "FAIL (1 mandatory, 1 advisory)" in text
    assert "mandatory monthly-budget demo-budget-monthly base monthly cost 6,317.53 USD exceeds" in text
    assert "advisory licence-cost demo-db licence not priced" in text
    row = "tigergraph-ec2 demo-db gnnstack:database:TigerGraphCluster needs usage: licence_usd_per_month " \
          "(USD/month) unpriced"
    assert row in text
    assert "$0.00" not in text, "nothing on this page costs $0"
    assert "$6,317.53 over budget" in text


def test_an_unbounded_worst_case_says_unbounded_never_zero():
    text = text_of(report_html(document(), IMAGES))
    # The line with no cap, the option's total and the summary.
    assert "demo-db demo-db-cluster I/O requests neptune $20.00 unbounded" in text
    assert "worst case unbounded ($2,728.11 + 1 line with no cap)" in text
    assert dollars(None) == "unbounded"


def test_recommendations_regions_waivers_and_sources_are_shown():
    text = text_of(report_html(document(), IMAGES))
    assert ("Train on spot capacity workload.training.spot: false → true $234.56 $1,000.00 low medium "
            "Spot capacity can be reclaimed") in text
    assert "eu-west-1 $1,301.10 unbounded 2 not estimated not estimated" in text
    assert "us-east-1 (stack file) $1,234.56 $2,345.67 0 31.2 100.5" in text
    assert "AWS regions only: other clouds are not compared." in text
    assert "worst-case-ceiling demo-db-cluster" in text and "until" in text.lower() and "2027-03-31" in text
    assert "2026-11-23 verified aws.amazon.com/neptune/pricing Standard I/O 2 neptune io (us-east-1)" in text
    assert "io_millions_per_month 100 1M requests/month default demo-db-cluster" in text
    assert "hours_per_month 730 hours default (the whole stack)" in text
    assert "31.166 kg CO2e" in text and "1 line not estimated" in text


@pytest.mark.parametrize("recs,regions,rec_text,region_text", [
    ([], REGIONS, "No recommendation saves money on this option.", "AWS regions only"),
    (None, None, "Recommendations not computed.", "Region comparison not computed."),
])
def test_empty_or_absent_recommendations_and_regions_say_so(recs, regions, rec_text, region_text):
    doc = document()
    stack = doc["stacks"][0]
    if recs is None:
        del stack["options"][0]["recommendations"]
    else:
        stack["options"][0]["recommendations"] = recs
    if regions is None:
        del stack["regions"]
    text = text_of(report_html(doc, IMAGES))
    assert text.count(rec_text) == 2  # in the summary and in the stack's section
    assert region_text in text


def test_a_missing_image_is_an_error_not_a_blank():
    with pytest.raises(ValueError, match="no image demo/cost_comparison.png"):
        report_html(document(), {"demo/cost_dashboard.png": IMAGES["demo/cost_dashboard.png"]})


# --------------------------------------------------------------------------- a real browser

CHROMIUM = "chromium"
# --disable-features: Chromium's own background requests that flags can stop (network time, the
# omnibox's AI-mode check). --host-resolver-rules: the ones no flag stops (the account check,
# accounts.google.com/ListAccounts, on every profile start) never leave the machine.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-features=NetworkTimeServiceQuerying,AimEnabled", "--host-resolver-rules=MAP * ~NOTFOUND",
         "--window-size=1400,2400"]


def chromium_run(page: Path, where: Path) -> tuple[Path, list[dict]]:
    """Open `page` by its file:// URL in headless chromium: the screenshot and the requests of its
    NetLog (URL_REQUEST_START_JOB events: every URL the network stack was asked for)."""
    binary = shutil.which(CHROMIUM)
    if binary is None:
        pytest.fail("chromium is not installed: apt-get install chromium (Debian's package; .ci/run installs it)")
    where.mkdir(parents=True, exist_ok=True)
    shot, net = where / "shot.png", where / "net.json"
    run = subprocess.run([binary, *FLAGS, f"--user-data-dir={where / 'profile'}", f"--screenshot={shot}",
                          f"--log-net-log={net}", page.as_uri()], capture_output=True, text=True, timeout=90)
    assert run.returncode == 0, run.stderr[-2000:]
    log = json.loads(net.read_text())
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return shot, [e["params"] for e in log["events"] if e["type"] == start and "url" in e.get("params", {})]


def made_by_the_page(requests: list[dict]) -> list[str]:
    """The URLs other than file: and data: that the page asked for. Chromium's own requests (no
    initiator: "not an origin", and not keyed to the file:// page) are the browser's, not the page's."""
    return [r["url"] for r in requests if not r["url"].startswith(("file:", "data:"))
            and (r.get("initiator") != "not an origin" or "file://" in r.get("network_isolation_key", ""))]


def screenshot_facts(shot: Path) -> tuple[tuple[int, int], float, int, dict]:
    im = Image.open(shot).convert("RGB")
    colours = im.getcolors(maxcolors=1 << 24)
    white = sum(n for n, c in colours if min(c) >= 250)
    return im.size, 1 - white / (im.size[0] * im.size[1]), len(colours), {c: n for n, c in colours}


@pytest.mark.slow  # two chromium starts, about 3 s
def test_a_browser_shows_the_page_without_a_single_network_request(tmp_path):
    page = tmp_path / "report.html"
    page.write_text(report_html(document(), IMAGES), encoding="utf-8")
    shot, requests = chromium_run(page, tmp_path / "page")
    assert made_by_the_page(requests) == []
    size, drawn, distinct, colours = screenshot_facts(shot)
    assert size == (1400, 2400)
    assert drawn > 0.02, f"{drawn:.1%} of the screenshot is not white"
    assert distinct > 50, f"{distinct} colours"
    # Both inline pictures are drawn (their colour blocks), not broken-image icons.
    assert colours.get(DASH, 0) > 5000 and colours.get(COMPARE, 0) > 5000

    # The NetLog does not list file: loads (they bypass Chromium's network stack), so that the
    # check above cannot pass by reading nothing: the same page with one external image must be
    # caught, by the same parser and the same rule.
    probe = "http://127.0.0.1:9/probe.png"
    control = tmp_path / "control.html"
    control.write_text(page.read_text().replace("</main>", f'<img src="{probe}" alt="probe"></main>'))
    _, requests = chromium_run(control, tmp_path / "control")
    assert made_by_the_page(requests) == [probe]


# --------------------------------------------------------------------------- through the CLI


@pytest.mark.slow  # a report of one stack on two options: about 6 s cold, plus chromium
def test_gnnstack_report_writes_the_page_with_previews_figures(tmp_path):
    env = {"GNNSTACK_PROJECT": str(ROOT)}
    result = CliRunner().invoke(main, ["report", "experiment", "--option", "neptune-sagemaker", "--option",
                                       "tigergraph-ec2", "--out", str(tmp_path)], env=env)
    assert result.exit_code == 0, (result.output, result.exception)
    page = tmp_path / "report.html"
    assert result.output.startswith("wrote 4 files: ") and result.output.rstrip().endswith(str(page))
    html = page.read_text(encoding="utf-8")
    assert external_references(html) == []
    text = text_of(html)
    for option in ("neptune-sagemaker", "tigergraph-ec2"):
        preview = json.loads(CliRunner().invoke(main, ["preview", "experiment", "--option", option, "--format",
                                                       "json"], env=env).output)
        assert dollars(preview["estimate"]["monthly"]["base"]) in text
    assert "tigergraph-ec2 FAIL" in text and "unpriced" in text
    shot, requests = chromium_run(page, tmp_path / "browser")
    assert made_by_the_page(requests) == []
    _, drawn, distinct, _ = screenshot_facts(shot)
    assert drawn > 0.02 and distinct > 50
