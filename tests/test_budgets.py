"""`gnnstack budgets` against moto's server, started here on 127.0.0.1."""

from __future__ import annotations

import json

import boto3
import pytest
from click.testing import CliRunner

from gnnstack.cli import main


@pytest.fixture
def moto_server(monkeypatch):
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        url = f"http://{host}:{port}"
        for key, value in {"AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "testing",
                           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}.items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv("AWS_PROFILE", raising=False)
        yield url
    finally:
        server.stop()


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
