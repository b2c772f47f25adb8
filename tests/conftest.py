"""Shared fixtures: offline captures of every option in both environments, and throwaway
projects for bad-input tests. Captures run the real Pulumi program under the SDK's mocks."""

from __future__ import annotations

import shutil
import urllib.request
from pathlib import Path

import pytest
import yaml

from gnnstack.capture import capture
from gnnstack.project import find_project
from gnnstack.options import OPTIONS

ROOT = Path(__file__).resolve().parents[1]
ENVIRONMENTS = ("experiment", "production")
CASES = [(env, opt) for env in ENVIRONMENTS for opt in OPTIONS]


@pytest.fixture(scope="session", autouse=True)
def fixed_clock(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("GNNSTACK_NOW", "2026-11-23T10:30:00Z")
    # The capture cache lives in the session's temp folder, never in the user's cache.
    mp.setenv("GNNSTACK_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    mp.delenv("GNNSTACK_CACHE", raising=False)
    mp.delenv("GNNSTACK_PROJECT", raising=False)
    yield
    mp.undo()


@pytest.fixture(scope="session")
def project():
    return find_project(ROOT)


@pytest.fixture(scope="session")
def captures(project):
    """(environment, option) -> (graph, scenario), captured once per session."""
    return {(env, opt): capture(project, env, opt) for env, opt in CASES}


def priced(graph, scenario, book=None, usage_file=None):
    """The estimate `gnnstack preview` gives: the graph priced with its stack's declared usage."""
    from gnnstack.assess import stack_usage
    from gnnstack.costing import PriceBook, estimate

    return estimate(graph, book or PriceBook.load(), usage=stack_usage(graph, scenario, usage_file,
                                                                      project_root=ROOT))


def make_project(tmp_path: Path, scenario: dict, stack: str = "demo", extra_config: dict | None = None) -> Path:
    """A copy of the real project whose only stack is `stack` with `scenario`."""
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copy(ROOT / "__main__.py", tmp_path / "__main__.py")
    (tmp_path / "stacks").mkdir()
    config = {"gnnstack:scenario": scenario, **(extra_config or {})}
    (tmp_path / "stacks" / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump({"config": config}))
    return tmp_path


def base_scenario(**overrides) -> dict:
    s = {
        "environment": "experiment", "option": "neo4j-ec2", "owner": "team", "cost_center": "cc-1",
        "region": "us-east-1", "ttl": {"hours": 24},
        "budget": {"monthly_usd": 1000, "alert_emails": ["team@example.org"]},
    }
    s.update(overrides)
    return s


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="Rewrite golden files (pricer breakdowns, rendered reports) from the current code.")


@pytest.fixture
def moto_server(monkeypatch):
    """moto's server on 127.0.0.1 (a free port), started and stopped here; boto3 pointed at it."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        url = f"http://{host}:{port}"
        # moto keeps its state per process, not per server: start each test from nothing.
        urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST")).close()
        for key, value in {"AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "testing",
                           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}.items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv("AWS_PROFILE", raising=False)
        yield url
    finally:
        server.stop()
