"""The output package: costing and guardrails return data and import no presentation library;
terminal tables fit the width without cutting a name or a figure; no styling reaches a pipe."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal

import click
import pytest
from click.testing import CliRunner

from gnnstack.cli import main
from gnnstack.outputs.figures import usd

from .conftest import ROOT

ANSI = "\x1b["


def test_costing_and_guardrails_import_neither_click_nor_jinja2():
    """Every module of gnnstack.costing and gnnstack.guardrails (the policy pack's adapter too:
    it runs inside `pulumi preview`), imported in a fresh interpreter, leaves click, jinja2 and
    rich unloaded, and reaches into gnnstack.outputs only for its plain figures."""
    code = """
import importlib, json, pkgutil, sys
import gnnstack.costing, gnnstack.guardrails
imported = []
for package in (gnnstack.costing, gnnstack.guardrails):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if info.name == "gnnstack.guardrails.__main__":
            continue  # the pack's entry point: it starts a PolicyPack, which needs the engine
        importlib.import_module(info.name)
        imported.append(info.name)
print(json.dumps({"imported": imported, "modules": sorted(sys.modules)}))
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    # The walk did reach the modules that used to render: the test cannot pass by importing nothing.
    assert {"gnnstack.costing.report", "gnnstack.guardrails.pack", "gnnstack.guardrails.evaluate",
            "gnnstack.costing.pricers.ec2_instance"} <= set(result["imported"])
    modules = set(result["modules"])
    assert not modules & {"click", "jinja2", "rich"}, sorted(modules & {"click", "jinja2", "rich"})
    assert {m for m in modules if m.startswith("gnnstack.outputs")} <= {"gnnstack.outputs", "gnnstack.outputs.figures"}
    assert not any(m.startswith("gnnstack.cli") for m in modules)


def _words(text: str) -> set[str]:
    return set(text.split())


@pytest.fixture(scope="module")
def experiment_json():
    return json.loads(CliRunner().invoke(main, ["preview", "experiment", "--format", "json"]).output)


@pytest.mark.parametrize("columns", [80, 100, 120])
def test_the_preview_table_fits_the_width_and_keeps_every_name_and_figure(experiment_json, columns):
    result = CliRunner().invoke(main, ["preview", "experiment"], env={"COLUMNS": str(columns)}, color=True)
    assert result.exit_code == 0
    text = click.unstyle(result.output)
    too_long = [line for line in text.splitlines() if len(line) > columns]
    assert not too_long, too_long
    words = _words(text)
    managed = [r["name"] for r in experiment_json["resources"] if not r["type"].startswith(("gnnstack:", "pulumi:"))]
    assert managed and not [n for n in managed if n not in words]  # never folded, never cut
    est = experiment_json["estimate"]
    figures = [usd(Decimal(line["base_monthly"])) for line in est["lines"]]
    figures += [usd(Decimal(line["worst_case_monthly"])) for line in est["lines"] if line["worst_case_monthly"]]
    assert not [f for f in figures if f not in words]
    assert usd(Decimal(est["monthly"]["base"])) in words
    # Every word of every line's name, whether the name wraps in its column or has a line of its own.
    assert not [line["name"] for line in est["lines"] if not set(line["name"].split()) <= words]


@pytest.mark.parametrize("columns", [80, 120])
def test_compare_and_prices_fit_the_width(columns):
    audit = ["prices", "audit", "--against", str(ROOT / "prices" / "seed-analysis.csv")]
    for args in (["compare", "experiment"], audit, ["prices", "list", "--filter", "neptune"]):
        result = CliRunner().invoke(main, args, env={"COLUMNS": str(columns)})
        assert result.exit_code == 0, result.output
        too_long = [line for line in result.output.splitlines() if len(line) > columns]
        assert not too_long, (args, too_long)
    data = json.loads(CliRunner().invoke(main, ["compare", "experiment", "--format", "json"]).output)
    text = CliRunner().invoke(main, ["compare", "experiment"], env={"COLUMNS": str(columns)}).output
    for o in data["options"]:
        assert usd(Decimal(o["monthly"]["base"])) in _words(text) and o["option"] in _words(text)
        assert all(set(line["name"].split()) <= _words(text) for line in o["biggest_lines"][:2])


def test_the_long_column_moves_to_its_own_line_when_narrow(monkeypatch):
    """Wide enough: one row per entry. Too narrow for the long column: it goes above its
    figures, which stay aligned on the right."""
    from gnnstack.outputs.table import _Grid, _Page

    def draw(columns: int) -> list[str]:
        monkeypatch.setenv("COLUMNS", str(columns))
        grid = _Grid([("line", "text"), ("base", "figure"), ("worst case", "figure")], wide=0)
        grid.add("Instance usage (on-demand, r6g.8xlarge) [1]", "1,177.34", "unbounded")
        grid.add("Storage [2]", "9.63", "10.31")
        page = _Page()
        grid.draw(page)
        return click.unstyle(page.text()).splitlines()

    wide = draw(120)
    assert len(wide) == 3 and wide[1].split() == ["Instance", "usage", "(on-demand,", "r6g.8xlarge)", "[1]",
                                                 "1,177.34", "unbounded"]
    narrow = draw(50)
    assert narrow[0].strip() == "line" and narrow[2].strip() == "Instance usage (on-demand, r6g.8xlarge) [1]"
    assert narrow[3].split() == ["1,177.34", "unbounded"] and narrow[5].split() == ["9.63", "10.31"]
    assert len({len(line) for line in (narrow[1], narrow[3], narrow[5])}) == 1  # right-aligned together
    assert all(len(line) <= 50 for line in narrow)


@pytest.mark.slow  # a real process and a real pipe
def test_a_pipe_gets_no_styling():
    done = subprocess.run([sys.executable, "-m", "gnnstack", "preview", "experiment"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "COLUMNS": "90"})
    assert done.returncode == 0, done.stderr
    assert "Cost estimate" in done.stdout and ANSI not in done.stdout
    assert max(len(line) for line in done.stdout.splitlines()) <= 90
