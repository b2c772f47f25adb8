"""Lifetime cost: an experiment priced until its TTL expires, in every output, and the same figure
in the guardrail context (read from the expiry tags, as the policy pack reads it)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone
from decimal import Decimal
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from gnnstack import clock
from gnnstack.assess import assess
from gnnstack.cli import main
from gnnstack.costing import CostLine, Estimate, cents, money
from gnnstack.costing.catalog import Price
from gnnstack.costing.lifetime import hours_to_expiry, lifetime_cost, until_expiry
from gnnstack.guardrails.context import RuleContext
from gnnstack.guardrails.pack import PackAdapter

from .conftest import ROOT

UTC = timezone.utc
NOW = datetime(2026, 11, 23, 10, 30, tzinfo=UTC)  # the session clock (tests/conftest.py)
EXPIRES = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # ttl: {hours: 168} from 10:xx, set on the hour


def cli(*args):
    return CliRunner().invoke(main, list(args), env={"GNNSTACK_PROJECT": str(ROOT)}, catch_exceptions=False)


def price(item: str, unit: str, usd: str) -> Price:
    return Price("ec2", item, "us-east-1", unit, Decimal(usd), "verified", date(2026, 1, 1), "test")


def line(name: str, unit: str, usd: str, base: str, worst: str | None) -> CostLine:
    p = price(name, unit, usd)
    return CostLine("c", f"c-{name}", "aws:test", name, unit, Decimal(base),
                    None if worst is None else Decimal(worst), p, p)


def hand_estimate(unbounded: bool = False) -> Estimate:
    """An instance all month (730 h at 0.0832, worst 4 of them) and 100 GB of storage (worst 150 GB at
    0.08), optionally NAT data with no cap (10 GB at 0.045)."""
    lines = [line("instance", "hour", "0.0832", "730", "2920"), line("storage", "GB-month", "0.08", "100", "150")]
    if unbounded:
        lines.append(line("nat-data", "GB", "0.045", "10", None))
    return Estimate("us-east-1", Decimal(730), lines)


# --------------------------------------------------------------------------- the function


def test_hours_to_expiry_counts_a_started_hour_and_stops_at_zero():
    assert hours_to_expiry(EXPIRES, NOW) == 168  # 167.5 h left: the TTL's 168 h, set on the hour
    assert hours_to_expiry(EXPIRES, datetime(2026, 11, 23, 10, 0, tzinfo=UTC)) == 168
    assert hours_to_expiry(EXPIRES, datetime(2026, 11, 30, 9, 59, tzinfo=UTC)) == 1
    assert hours_to_expiry(EXPIRES, datetime(2026, 12, 1, tzinfo=UTC)) == 0  # already expired


def test_a_168_hour_lifetime_is_the_month_times_168_over_730_to_the_cent():
    e = hand_estimate()
    assert e.base == Decimal("68.736") and e.worst_case == Decimal("254.944")
    life = lifetime_cost(e, 168, EXPIRES)
    # By hand: 68.736 x 168 / 730 = 11,547.648 / 730 = 15.8187; 254.944 x 168 / 730 = 58.6720.
    assert str(cents(life.base)) == "15.82"
    assert str(cents(life.worst_case)) == "58.67"
    assert cents(life.base) == cents(e.base * 168 / Decimal(730))
    # The instance alone is its hourly price for 168 hours: 0.0832 x 168 = 13.9776.
    instance = lifetime_cost(Estimate("us-east-1", Decimal(730), e.lines[:1]), 168)
    assert instance.base == Decimal("13.9776")
    assert life.to_json() == {"hours": 168, "expires_at": "2026-11-30T10:00:00Z", "base": "15.82",
                              "worst_case": "58.67", "worst_case_bounded": "58.67"}


def test_an_unbounded_line_leaves_the_worst_case_none_and_the_bounded_part_prorated():
    life = lifetime_cost(hand_estimate(unbounded=True), 168, EXPIRES)
    # Base: (68.736 + 0.45) x 168 / 730 = 15.9222; the capped lines' worst case as before.
    assert life.to_json() == {"hours": 168, "expires_at": "2026-11-30T10:00:00Z", "base": "15.92",
                              "worst_case": None, "worst_case_bounded": "58.67"}
    assert life.unbounded == 1


def test_no_expiry_no_lifetime_and_a_ttl_past_a_month_is_pro_rata():
    assert until_expiry(hand_estimate(), None, NOW) is None
    life = lifetime_cost(hand_estimate(), 1460)  # two 730-hour months: twice the monthly figures
    assert life.base == Decimal("137.472") and life.worst_case == Decimal("509.888")


# --------------------------------------------------------------------------- the outputs


@pytest.fixture(scope="module")
def experiment(project):
    return assess(project, "experiment")


def test_the_experiment_report_prorates_its_168_hours(experiment):
    e, life = experiment.costs.estimate, experiment.costs.lifetime
    assert e.hours_per_month == 730
    assert (life.hours, life.expires_at) == (168, EXPIRES)
    assert cents(life.base) == cents(e.base * 168 / 730)
    assert life.worst_case is None and [line.name for line in e.unbounded] == ["I/O requests"]  # no cap
    assert cents(life.worst_case_bounded) == cents(e.worst_case_bounded * 168 / 730)


def test_the_seed_analysis_lifetime_by_hand(project):
    # 813.22 a 720-hour month (tests/test_costing.py): 813.22 x 168 / 720 = 189.7513.
    life = assess(project, "seed-analysis").costs.lifetime
    assert str(cents(life.base)) == "189.75"


def test_preview_json_table_and_markdown_carry_it(experiment):
    life = experiment.costs.lifetime
    data = json.loads(cli("preview", "experiment", "--format", "json").output)
    assert data["estimate"]["lifetime"] == {"hours": 168, "expires_at": "2026-11-30T10:00:00Z",
                                            "base": money(life.base), "worst_case": None,
                                            "worst_case_bounded": money(life.worst_case_bounded)}
    expected = (f"Until it expires (168 h, 2026-11-30T10:00:00Z): base {cents(life.base):,}; worst case "
                f"unbounded ({cents(life.worst_case_bounded):,} + {life.unbounded} line(s) with no cap)")
    # The table's text is wrapped to the width: compare the words.
    assert f" {expected}. " in " ".join(cli("preview", "experiment").output.split())
    markdown = cli("preview", "experiment", "--format", "markdown").output
    assert f"\n{expected} (the monthly figures prorated by the hours left).\n" in markdown


def test_production_has_no_ttl_and_no_lifetime_cost():
    data = json.loads(cli("preview", "production", "--format", "json").output)
    assert data["estimate"]["lifetime"] is None
    assert "  Until it expires: no TTL, no lifetime cost" in cli("preview", "production").output
    assert "\nUntil it expires: no TTL, no lifetime cost" in cli("preview", "production", "--format", "markdown").output


def test_check_json_and_text_carry_it_per_stack(experiment):
    data = json.loads(cli("check", "experiment", "production", "--format", "json").output)
    lifetimes = {s["stack"]: s["lifetime"] for s in data["stacks"]}
    assert lifetimes["production"] is None
    assert lifetimes["experiment"] == experiment.costs.lifetime.to_json()
    # Each stack's cost, then its lifetime cost, then its guardrails; wrapped to the width, so
    # compare the words.
    text = " ".join(cli("check", "experiment", "production").output.split())
    unbounded = r"unbounded \([0-9,.]+ \+ [0-9]+ line\(s\) with no cap\)"
    assert re.search(rf"^experiment \(neptune-sagemaker, experiment\): base [0-9,.]+ USD a month, worst case "
                     rf"{unbounded} Until it expires \(168 h, 2026-11-30T10:00:00Z\): base [0-9,.]+; worst case "
                     rf"{unbounded} Guardrails \(experiment\)", text), text
    assert re.search(rf" production \(neo4j-ec2, production\): base [0-9,.]+ USD a month, worst case {unbounded} "
                     r"Until it expires: no TTL, no lifetime cost \(priced by the month only\) "
                     r"Guardrails \(production\)", text), text


# --------------------------------------------------------------------------- the rules and the pack


@pytest.mark.parametrize("stack", ["experiment", "seed-analysis", "seed-analysis-high", "production"])
def test_the_rule_context_reads_the_same_lifetime_from_the_tags(project, stack):
    a = assess(project, stack)
    ctx = RuleContext(a.graph, a.costs.estimate, clock.now())
    assert ctx.lifetime == a.costs.lifetime
    assert (ctx.expires_at is None) is (stack == "production")


def test_the_pack_logs_the_same_lifetime(experiment):
    graph = experiment.graph
    engine = {}
    for r in graph.resources:
        engine[r.name] = SimpleNamespace(urn=f"urn:pulumi:{graph.stack}::gnnstack::{r.type}::{r.name}",
                                         resource_type=r.type, name=r.name, props=r.inputs, parent=None)
    for r in graph.resources:
        if r.parent:
            engine[r.name].parent = engine[r.parent]
    summary = PackAdapter(ROOT).cost_summary(list(engine.values()))
    life = experiment.costs.lifetime
    assert f"Until it expires (168 h, 2026-11-30T10:00:00Z): base {cents(life.base):,};" in summary
