"""`gnnstack budgets` against moto's server, started here on 127.0.0.1."""

from __future__ import annotations

import json

import boto3
import pytest
from click.testing import CliRunner

from gnnstack.cli import main


@pytest.mark.slow  # moto's server
def test_budgets_shows_each_stacks_limit_and_says_what_is_missing(moto_server):
    client = boto3.client("budgets", region_name="us-east-1")
    account = boto3.client("sts", region_name="us-east-1").get_caller_identity()["Account"]
    client.create_budget(AccountId=account, Budget={
        "BudgetName": "gnnstack-gnnstack-experiment", "BudgetLimit": {"Amount": "2500", "Unit": "USD"},
        "TimeUnit": "MONTHLY", "BudgetType": "COST"})
    result = CliRunner().invoke(main, ["budgets", "experiment", "production", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["stack"]: r for r in json.loads(result.output)}
    assert rows["experiment"]["budget"] == "gnnstack-gnnstack-experiment"
    assert rows["experiment"]["limit_usd"] in ("2500", "2500.0")
    assert rows["production"]["limit_usd"] is None and rows["production"]["note"] == "no budget deployed for this stack"
    # moto's Cost Explorer returns no data unless injected: reported, not shown as 0.
    assert rows["experiment"]["cost_by_tag_usd"] is None
    table = CliRunner().invoke(main, ["budgets", "experiment"]).output
    assert "limit 2,500.00 USD" in table


def test_budgets_without_credentials_is_one_clear_error(monkeypatch, tmp_path):
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = CliRunner().invoke(main, ["budgets", "experiment"])
    assert result.exit_code == 2
    assert "no AWS credentials found" in result.output and "Traceback" not in result.output
