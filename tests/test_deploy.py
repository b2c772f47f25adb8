"""The Automation API layer, as data: what `up` and `down` would hand to Pulumi (backend,
passphrase, policy pack, --local endpoints), and the one message when the Pulumi CLI is missing.
`up` and `down` themselves need the Pulumi CLI, which cannot be installed here: these tests cover
everything up to the call into `pulumi.automation`, not the deployment."""

from __future__ import annotations

import json
from decimal import Decimal

import stat
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from gnnstack.capture import capture
from gnnstack.cli import main
from gnnstack.deploy import LOCAL_ENDPOINT, build_plan, describe_event, pulumi_cli
from gnnstack.errors import GnnstackError
from gnnstack.program import LOCAL_SERVICES, local_provider_args

from .conftest import ROOT


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("GNNSTACK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE", raising=False)
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE_FILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    return tmp_path / "home"


def test_default_plan_uses_local_state_a_passphrase_file_and_the_policy_pack(project, home):
    plan = build_plan(project, "experiment", "experiment")
    assert plan.backend == f"file://{home / 'state'}" and (home / "state").is_dir()
    passphrase = home / "passphrase"
    assert plan.env["PULUMI_CONFIG_PASSPHRASE_FILE"] == str(passphrase)
    assert stat.S_IMODE(passphrase.stat().st_mode) == 0o600 and len(passphrase.read_text().strip()) >= 32
    assert plan.env["PULUMI_BACKEND_URL"] == plan.backend
    assert plan.policy_packs == [str(ROOT / "guardrails")]
    assert plan.policy_pack_configs == [str(ROOT / "guardrails" / "policy-config.experiment.json")]
    assert plan.local_endpoint is None and "GNNSTACK_LOCAL_ENDPOINT" not in plan.env
    again = build_plan(project, "experiment", "experiment")
    assert again.env == plan.env  # the passphrase file is made once and reused


def test_a_given_passphrase_and_backend_are_used_as_is(project, home, monkeypatch):
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "correct horse")
    plan = build_plan(project, "production", "production", backend="s3://team-state/gnnstack")
    assert plan.backend == "s3://team-state/gnnstack"
    assert plan.env["PULUMI_CONFIG_PASSPHRASE"] == "correct horse" and not (home / "passphrase").exists()
    assert plan.describe()["env"]["PULUMI_CONFIG_PASSPHRASE"] == "***"
    assert plan.policy_pack_configs[0].endswith("policy-config.production.json")
    cloud = build_plan(project, "production", "production", backend="https://api.pulumi.com")
    assert "PULUMI_CONFIG_PASSPHRASE" not in cloud.env and "PULUMI_CONFIG_PASSPHRASE_FILE" not in cloud.env


def test_local_points_everything_at_the_emulator_on_this_machine(project, home):
    plan = build_plan(project, "experiment", "experiment", local=True)
    assert plan.local_endpoint == LOCAL_ENDPOINT
    assert plan.env["GNNSTACK_LOCAL_ENDPOINT"] == LOCAL_ENDPOINT == plan.env["AWS_ENDPOINT_URL"]
    assert plan.env["AWS_ACCESS_KEY_ID"] == "test"
    with pytest.raises(GnnstackError, match="not 127.0.0.1/localhost"):
        build_plan(project, "experiment", "experiment", local=True, endpoint="https://ec2.amazonaws.com")


def test_the_program_gives_its_provider_the_emulator_endpoints(project, monkeypatch):
    args = local_provider_args("http://127.0.0.1:5000")
    assert args["skip_credentials_validation"] and args["skip_requesting_account_id"] and args["s3_use_path_style"]
    assert [list(e) for e in args["endpoints"]] == [[s] for s in LOCAL_SERVICES]
    assert local_provider_args(None) == {}
    monkeypatch.setenv("GNNSTACK_LOCAL_ENDPOINT", "http://127.0.0.1:5000")
    graph, _ = capture(project, "experiment")
    provider = next(r for r in graph.resources if r.type == "pulumi:providers:aws")
    endpoints = provider.inputs["endpoints"]
    assert {"s3": "http://127.0.0.1:5000"} in [dict(e) for e in (endpoints if isinstance(endpoints, list) else [])] \
        or "127.0.0.1:5000" in str(endpoints)
    assert str(provider.inputs.get("skipCredentialsValidation")).lower() == "true"


@pytest.mark.skipif(pulumi_cli() is not None, reason="the Pulumi CLI is installed here")
@pytest.mark.parametrize("command", [["up", "experiment", "--yes"], ["down", "experiment", "--yes"]])
def test_without_the_pulumi_cli_up_and_down_print_one_message(command):
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "Pulumi CLI is not installed" in lines[0] and "get.pulumi.com" in lines[0]
    assert "`gnnstack preview`, `compare`, `check`" in lines[0]


def test_progress_lines_come_from_engine_events():
    meta = SimpleNamespace(op=SimpleNamespace(value="create"), type="aws:s3/bucket:Bucket",
                           urn="urn:pulumi:experiment::gnnstack::aws:s3/bucket:Bucket::experiment-data-bucket")
    assert describe_event(SimpleNamespace(resource_pre_event=SimpleNamespace(metadata=meta))) == \
        "    create  aws:s3/bucket:Bucket  experiment-data-bucket"
    done = SimpleNamespace(resource_pre_event=None, res_outputs_event=SimpleNamespace(metadata=meta))
    assert "done" in describe_event(done)
    quiet = SimpleNamespace(resource_pre_event=None, res_outputs_event=None, res_op_failed_event=None,
                            diagnostic_event=SimpleNamespace(severity="info", message="x"), policy_event=None)
    assert describe_event(quiet) is None


@pytest.mark.slow  # moto's server
def test_after_a_destroy_leftovers_are_found_by_the_stack_tag(moto_server):
    import boto3

    from gnnstack import clock
    from gnnstack.deploy import leftovers

    s3 = boto3.client("s3", region_name="us-east-1")
    for name, stack in (("experiment-data", "experiment"), ("other-data", "other")):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "gnnstack:stack", "Value": stack}]})
    assert [f.identifier for f in leftovers("experiment", "us-east-1", clock.now())] == ["experiment-data"]
    assert leftovers("gone", "us-east-1", clock.now()) == []


def _pretend_cli(monkeypatch, calls):
    """The Pulumi CLI "installed" and run_up recorded instead of run: the gate and the plan only."""
    import gnnstack.deploy as deploy

    monkeypatch.setattr(deploy, "pulumi_cli", lambda: "/usr/local/bin/pulumi")
    monkeypatch.setattr(deploy, "run_up", lambda plan, on_event, on_output: calls.append(plan) or {
        "summary": {"create": 1}, "outputs": {}})


def test_up_refuses_on_a_mandatory_violation_before_pulumi_runs(tmp_path, monkeypatch, home):
    from .conftest import base_scenario, make_project

    calls = []
    _pretend_cli(monkeypatch, calls)
    (tmp_path / "p").mkdir()
    root = make_project(tmp_path / "p", base_scenario(option="neptune-sagemaker", budget={
        "monthly_usd": 100, "alert_emails": ["team@example.org"]}))
    result = CliRunner().invoke(main, ["up", "demo", "--yes"], env={"GNNSTACK_PROJECT": str(root)})
    assert result.exit_code == 1 and "refusing to deploy" in result.output and "monthly-budget" in result.output
    assert calls == []


def test_up_runs_the_plan_with_the_policy_pack_after_confirmation(monkeypatch, home):
    calls = []
    _pretend_cli(monkeypatch, calls)
    declined = CliRunner().invoke(main, ["up", "experiment"], input="n\n")
    assert declined.exit_code == 0 and "nothing deployed" in declined.output and calls == []
    result = CliRunner().invoke(main, ["up", "experiment", "--local", "--yes"])
    assert result.exit_code == 0, result.output
    preview = json.loads(CliRunner().invoke(main, ["preview", "experiment", "--format", "json"]).output)
    base = f"{Decimal(preview['estimate']['monthly']['base']):,}"
    assert f"base {base} USD a month" in result.output and "Guardrails (experiment): passed" in result.output
    (plan,) = calls
    assert plan.stack == "experiment" and plan.policy_packs == [str(ROOT / "guardrails")]
    assert plan.env["GNNSTACK_LOCAL_ENDPOINT"] == LOCAL_ENDPOINT
