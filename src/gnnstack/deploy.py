"""Provisioning through Pulumi's Automation API: what `gnnstack up` and `gnnstack down` run.

The plan (backend, secrets passphrase, environment, config, policy pack) is built as plain data,
so it can be checked without the Pulumi CLI; `run_up` / `run_destroy` then hand it to
`pulumi.automation`, which needs the CLI on PATH. Default backend: local files under the gnnstack
home (`~/.gnnstack/state`, or `$GNNSTACK_HOME/state`), no Pulumi Cloud account needed. Secrets use
Pulumi's passphrase provider: `PULUMI_CONFIG_PASSPHRASE` or `PULUMI_CONFIG_PASSPHRASE_FILE` when
set, otherwise a random passphrase kept in `<home>/passphrase` (mode 0600) and passed as
`PULUMI_CONFIG_PASSPHRASE_FILE`, as Pulumi documents for non-interactive use.
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from .errors import GnnstackError
from .project import Project

LOCAL_ENDPOINT = "http://127.0.0.1:5000"


class PulumiMissing(GnnstackError):
    """The Pulumi CLI is not installed: up, down and the Pulumi part of reap cannot run."""


MISSING_MESSAGE = (
    "the Pulumi CLI is not installed (no `pulumi` on PATH), and `gnnstack {command}` drives it "
    "through Pulumi's Automation API. Install it from https://www.pulumi.com/docs/install/ "
    "(for example `curl -fsSL https://get.pulumi.com | sh`), then run `pulumi plugin install "
    "resource aws`. Everything else works without it: `gnnstack preview`, `compare`, `check`, "
    "`prices` and `guardrails`."
)


def pulumi_cli() -> Optional[str]:
    return shutil.which("pulumi")


def require_cli(command: str) -> str:
    found = pulumi_cli()
    if found is None:
        raise PulumiMissing(MISSING_MESSAGE.format(command=command))
    return found


def gnnstack_home() -> Path:
    return Path(os.environ.get("GNNSTACK_HOME") or Path.home() / ".gnnstack")


def default_backend(home: Optional[Path] = None) -> str:
    return f"file://{(home or gnnstack_home()) / 'state'}"


@dataclass
class DeployPlan:
    stack: str
    work_dir: Path
    backend: str
    env: dict[str, str]
    policy_packs: list[str] = field(default_factory=list)
    policy_pack_configs: list[str] = field(default_factory=list)
    local_endpoint: Optional[str] = None

    def describe(self) -> dict[str, Any]:
        """The plan as data, secrets left out."""
        hidden = {"PULUMI_CONFIG_PASSPHRASE", "AWS_SECRET_ACCESS_KEY"}
        return {"stack": self.stack, "work_dir": str(self.work_dir), "backend": self.backend,
                "env": {k: ("***" if k in hidden else v) for k, v in sorted(self.env.items())},
                "policy_packs": self.policy_packs, "policy_pack_configs": self.policy_pack_configs,
                "local_endpoint": self.local_endpoint}


def _passphrase_env(home: Path) -> dict[str, str]:
    if os.environ.get("PULUMI_CONFIG_PASSPHRASE") is not None:
        return {"PULUMI_CONFIG_PASSPHRASE": os.environ["PULUMI_CONFIG_PASSPHRASE"]}
    if os.environ.get("PULUMI_CONFIG_PASSPHRASE_FILE"):
        return {"PULUMI_CONFIG_PASSPHRASE_FILE": os.environ["PULUMI_CONFIG_PASSPHRASE_FILE"]}
    path = home / "passphrase"
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(32) + "\n")
    return {"PULUMI_CONFIG_PASSPHRASE_FILE": str(path)}


def build_plan(project: Project, stack: str, environment: str, *, backend: Optional[str] = None,
               local: bool = False, endpoint: Optional[str] = None, home: Optional[Path] = None) -> DeployPlan:
    """Everything `up`/`down` hand to the Automation API, decided before Pulumi runs."""
    home = home or gnnstack_home()
    backend = backend or default_backend(home)
    if backend.startswith("file://"):
        Path(backend[len("file://"):]).mkdir(parents=True, exist_ok=True)
    env = {"PULUMI_BACKEND_URL": backend, "PULUMI_SKIP_UPDATE_CHECK": "true"}
    if not backend.startswith(("https://", "http://")):  # self-managed backends use the passphrase provider
        env.update(_passphrase_env(home))
    plan = DeployPlan(stack, project.root, backend, env)
    pack = project.root / "guardrails"
    if (pack / "PulumiPolicy.yaml").exists():
        plan.policy_packs.append(str(pack))
        config = pack / f"policy-config.{environment}.json"
        if config.exists():
            plan.policy_pack_configs.append(str(config))
    if local:
        url = endpoint or os.environ.get("AWS_ENDPOINT_URL") or LOCAL_ENDPOINT
        if not url.startswith(("http://127.0.0.1", "http://localhost")):
            raise GnnstackError(f"--local needs an emulator on this machine; {url} is not 127.0.0.1/localhost")
        plan.local_endpoint = url
        plan.env.update({"GNNSTACK_LOCAL_ENDPOINT": url, "AWS_ACCESS_KEY_ID": "test",
                         "AWS_SECRET_ACCESS_KEY": "test", "AWS_ENDPOINT_URL": url})
    return plan


def _stack(plan: DeployPlan):
    from pulumi import automation as auto

    opts = auto.LocalWorkspaceOptions(work_dir=str(plan.work_dir), env_vars=plan.env,
                                      secrets_provider=None if plan.backend.startswith("https://") else "passphrase")
    return auto.create_or_select_stack(plan.stack, work_dir=str(plan.work_dir), opts=opts)


def run_up(plan: DeployPlan, on_event: Callable[[Any], None], on_output: Callable[[str], None]) -> dict[str, Any]:
    require_cli("up")
    result = _stack(plan).up(on_event=on_event, on_output=on_output, policy_packs=plan.policy_packs or None,
                             policy_pack_configs=plan.policy_pack_configs or None)
    return {"summary": result.summary.resource_changes, "outputs": {k: v.value for k, v in result.outputs.items()}}


def run_destroy(plan: DeployPlan, on_event: Callable[[Any], None], on_output: Callable[[str], None],
                remove: bool = True) -> dict[str, Any]:
    require_cli("down")
    stack = _stack(plan)
    result = stack.destroy(on_event=on_event, on_output=on_output)
    if remove:
        stack.workspace.remove_stack(plan.stack)
    return {"summary": result.summary.resource_changes}


def describe_event(event: Any) -> Optional[str]:
    """One progress line per resource step from an Automation API engine event, or None."""
    pre = getattr(event, "resource_pre_event", None)
    if pre is not None:
        m = pre.metadata
        return f"  {m.op.value if hasattr(m.op, 'value') else m.op:>8}  {m.type}  {m.urn.split('::')[-1]}"
    done = getattr(event, "res_outputs_event", None)
    if done is not None:
        m = done.metadata
        return f"  {'done':>8}  {m.type}  {m.urn.split('::')[-1]}"
    failed = getattr(event, "res_op_failed_event", None)
    if failed is not None:
        m = failed.metadata
        return f"  {'FAILED':>8}  {m.type}  {m.urn.split('::')[-1]}"
    diag = getattr(event, "diagnostic_event", None)
    if diag is not None and diag.severity in ("error", "warning"):
        return f"  {diag.severity}: {diag.message.strip()}"
    policy = getattr(event, "policy_event", None)
    if policy is not None:
        return f"  policy {policy.policy_name} ({policy.enforcement_level}): {policy.message.strip()}"
    return None


def leftovers(stack: str, region: str, now):
    """What is still tagged gnnstack:stack=`stack` in `region` (after a destroy, it should be nothing)."""
    from .reap import discover

    return discover([region], now, stacks=[stack])
