"""The PR workflow (.github/workflows/gnnstack-check.yml): linted by zizmor and actionlint, the
hardening rules the linters do not check, and the failure paths of its own shell steps.

zizmor runs offline (`--offline`: no GitHub API audits) with the pedantic persona; actionlint
runs with shellcheck when shellcheck is on PATH. Both come with the test extra
(`pip install -e '.[test]'`). Each linter is also run once on a deliberately broken copy, so a
linter that silently checks nothing cannot pass this file.
"""

from __future__ import annotations

import errno
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
WORKFLOW = WORKFLOWS / "gnnstack-check.yml"
ALL_WORKFLOWS = sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])

# What can change a price or a verdict, and the workflow itself: a PR touching any of it is priced.
PRICE_PATHS = ["stacks/**", "components/**", "guardrails/**", "prices/**", "src/**", "templates/**",
               "pyproject.toml", "Pulumi.yaml", "__main__.py", ".github/workflows/gnnstack-check.yml"]

SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"#\s*v?\d+(\.\d+)*\b")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>[^\s#]+)(?P<rest>.*)$")


# --------------------------------------------------------------------------- helpers


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _on(wf: dict) -> dict:
    """The `on:` block (YAML 1.1 reads the bare key `on` as True)."""
    on = wf.get("on", wf.get(True))
    return {on: None} if isinstance(on, str) else dict.fromkeys(on) if isinstance(on, list) else on


def _steps(wf: dict):
    for job_id, job in wf["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


def _step(wf: dict, step_id: str) -> dict:
    found = [s for _, s in _steps(wf) if s.get("id") == step_id]
    assert len(found) == 1, f"the workflow has no single step with id {step_id!r}"
    return found[0]


def _tool(name: str) -> str:
    """The linter next to this interpreter (the venv), else on PATH; failing, say how to get it."""
    here = Path(sys.executable).parent / name
    if here.is_file():
        return str(here)
    found = shutil.which(name)
    if found:
        return found
    pytest.fail(f"`{name}` is not installed for {sys.executable} nor on PATH; it comes with the test extra: "
                f"pip install -e '.[test]'")


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)
    except OSError as e:
        if e.errno == errno.ENOEXEC:  # the wheel's binary is for another platform
            pytest.skip(f"{cmd[0]} cannot run on this platform ({platform.system()} {platform.machine()}): {e}")
        raise


def _zizmor(*inputs: Path) -> subprocess.CompletedProcess:
    return _run([_tool("zizmor"), "--offline", "--persona", "pedantic", "--no-progress", "--color", "never",
                 *map(str, inputs)], cwd=ROOT)


def _actionlint(*files: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return _run([_tool("actionlint"), "-no-color", "-oneline", *map(str, files)], cwd=cwd)


def _broken_copy(tmp_path: Path) -> Path:
    """The workflow with its checkout pinned to a moving tag and without persist-credentials."""
    text = WORKFLOW.read_text(encoding="utf-8")
    broken = re.sub(r"actions/checkout@[0-9a-f]{40}", "actions/checkout@v6", text)
    broken = re.sub(r"\n *persist-credentials: false", "", broken)
    assert broken != text
    path = tmp_path / ".github" / "workflows" / "broken.yml"
    path.parent.mkdir(parents=True)
    path.write_text(broken, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- linters


def test_zizmor_finds_nothing():
    done = _zizmor(WORKFLOWS)
    assert done.returncode == 0, f"zizmor (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
    assert "No findings" in done.stdout, done.stdout


def test_zizmor_does_flag_a_broken_copy(tmp_path):
    done = _zizmor(_broken_copy(tmp_path))
    assert done.returncode != 0, done.stdout
    assert "unpinned-uses" in done.stdout and "artipacked" in done.stdout, done.stdout


def test_actionlint_finds_nothing():
    assert ALL_WORKFLOWS, f"no workflow under {WORKFLOWS}"
    done = _actionlint(*ALL_WORKFLOWS)
    assert done.returncode == 0, f"actionlint (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
    assert done.stdout.strip() == "", done.stdout


def test_actionlint_does_flag_a_broken_copy(tmp_path):
    path = _broken_copy(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if re.match(r"\s+timeout-minutes: \d+$", line))
    lines[n] = re.sub(r"\d+$", "soon", lines[n])  # a number is expected
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = _actionlint(path, cwd=tmp_path)
    assert done.returncode != 0, done.stdout
    assert f"broken.yml:{n + 1}:" in done.stdout and "[syntax-check]" in done.stdout, done.stdout


# --------------------------------------------------------------------------- rules the linters do not check


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version_in_a_comment(path):
    lines = [(n, m) for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if (m := USES_LINE.match(line))]
    wf = _load(path)
    parsed = [s["uses"] for _, s in _steps(wf) if "uses" in s] + \
        [j["uses"] for j in wf["jobs"].values() if "uses" in j]
    assert sorted(m["ref"].strip("'\"") for _, m in lines) == sorted(parsed), \
        "every `uses:` must be on its own line (no flow style), so its comment can be checked"
    for n, m in lines:
        ref = m["ref"].strip("'\"")
        if ref.startswith("./"):
            continue  # an action in this repository: pinned by the checkout itself
        assert SHA_PIN.match(ref), f"{path.name}:{n}: {ref} is not pinned to a full 40-hex commit SHA"
        assert VERSION_COMMENT.search(m["rest"]), f"{path.name}:{n}: {ref} has no `# vX.Y.Z` comment"


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_every_checkout_drops_its_credentials(path):
    checkouts = [(j, s) for j, s in _steps(_load(path)) if s.get("uses", "").startswith("actions/checkout@")]
    for job, step in checkouts:
        value = (step.get("with") or {}).get("persist-credentials")
        assert value is False or value == "false", (
            f"{path.name}: job {job}: checkout without persist-credentials: false")


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_no_expression_inside_a_run_script(path):
    for job, step in _steps(_load(path)):
        assert "${{" not in step.get("run", ""), \
            f"{path.name}: job {job}, step {step.get('name')!r}: pass `${{{{ }}}}` values through env:, not run:"


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_no_permissions_at_the_top_and_each_job_names_its_own(path):
    wf = _load(path)
    assert wf.get("permissions") == {}, f"{path.name}: the top level must be `permissions: {{}}`"
    for job_id, job in wf["jobs"].items():
        assert isinstance(job.get("permissions"), dict), f"{path.name}: job {job_id} must set its own permissions"


def test_write_tokens_only_where_needed_and_never_with_repository_code():
    wf = _load(WORKFLOW)
    writes = {}
    for job_id, job in wf["jobs"].items():
        for scope, level in job["permissions"].items():
            if level == "write":
                writes.setdefault(scope, []).append(job_id)
    uses = {job_id: [s.get("uses", "").split("@")[0] for s in job.get("steps", [])]
            for job_id, job in wf["jobs"].items()}
    assert set(writes) == {"security-events", "pull-requests"}, writes
    for scope, action in (("security-events", "github/codeql-action/upload-sarif"),
                          ("pull-requests", "marocchino/sticky-pull-request-comment")):
        assert len(writes[scope]) == 1 and action in uses[writes[scope][0]], (scope, writes[scope])
    for job_id in {j for jobs in writes.values() for j in jobs}:
        job = wf["jobs"][job_id]
        assert not any("run" in s for s in job["steps"]), f"job {job_id} has a write token and runs a script"
        assert "actions/checkout" not in uses[job_id], f"job {job_id} has a write token and checks out code"
    price = wf["jobs"]["price"]
    assert set(price["permissions"].values()) == {"read"}, "the job running the PR's code must be read-only"


def test_runs_on_pull_requests_only_for_what_changes_a_price():
    wf = _load(WORKFLOW)
    on = _on(wf)
    assert set(on) == {"pull_request"}, f"triggers {set(on)}: pull_request only (never pull_request_target)"
    paths = on["pull_request"]["paths"]
    missing = [p for p in PRICE_PATHS if p not in paths]
    assert not missing, f"the paths filter misses {missing}"
    assert not [p for p in paths if p.startswith("!")], "no negated paths: they would hide price changes"
    # Every folder that installs as part of gnnstack is covered (a new one must be added to the filter).
    import tomllib

    package_dirs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"].values()
    for d in package_dirs:
        assert any(_glob_matches(p, f"{d}/__init__.py") for p in paths), f"{d}/ is not in the paths filter"


def _glob_matches(pattern: str, path: str) -> bool:
    """GitHub's path filter glob: `**` crosses folders, `*` does not."""
    rx = re.escape(pattern).replace(r"\*\*", "\0").replace(r"\*", "[^/]*").replace("\0", ".*")
    return re.fullmatch(rx, path) is not None


def test_one_run_per_pr_at_a_time():
    concurrency = _load(WORKFLOW)["concurrency"]
    assert "github.event.pull_request.number" in concurrency["group"]
    assert concurrency["cancel-in-progress"] is True


def test_each_side_is_priced_by_its_own_code_and_the_job_ends_with_the_gate():
    wf = _load(WORKFLOW)
    base, head, diff = _step(wf, "base")["run"], _step(wf, "head")["run"], _step(wf, "diff")["run"]
    assert "git worktree add" in base and "python -m venv" in base and 'pip" install --quiet -e "$wt"' in base
    assert 'GNNSTACK_PROJECT="$wt"' in base
    assert "check --format json --soft-fail --output" in base
    assert "python -m venv" in head and "check --format json --soft-fail --output" in head
    assert "--format sarif" in head and "--format github" in head
    assert "diff" in diff and "--format markdown" in diff
    steps = wf["jobs"]["price"]["steps"]
    gate = steps[-1]["run"]
    assert '"$gnnstack" check' in gate and "--soft-fail" not in gate, "the last step must fail on a violation"


# --------------------------------------------------------------------------- the workflow's own scripts


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}).stdout.strip()


def _run_step(script: str, cwd: Path, runner_temp: Path, **env: str) -> tuple[subprocess.CompletedProcess, dict]:
    """A `run:` script as GitHub runs it (bash -eo pipefail), with this interpreter as `python`."""
    output = runner_temp / "github_output"
    output.write_text("")
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PATH": path, "RUNNER_TEMP": str(runner_temp),
                               "GITHUB_OUTPUT": str(output), "GITHUB_WORKSPACE": str(cwd), **env})
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return done, outputs


@pytest.fixture
def repo_without_gnnstack(tmp_path):
    """A git repository whose base commit has no Python project at all, and a PR commit on top."""
    if shutil.which("git") is None or shutil.which("bash") is None:
        pytest.skip("needs git and bash")
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "README.md").write_text("before gnnstack\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    base = _git(repo, "rev-parse", "HEAD")
    (repo / "README.md").write_text("the PR\n")
    _git(repo, "commit", "-qam", "pr")
    head = _git(repo, "rev-parse", "HEAD")
    runner = tmp_path / "runner"
    runner.mkdir()
    return repo, base, head, runner


def test_a_base_without_gnnstack_gets_a_failure_record_not_an_empty_report(repo_without_gnnstack):
    from gnnstack.diff import load_check

    repo, base, head, runner = repo_without_gnnstack
    done, outputs = _run_step(_step(_load(WORKFLOW), "base")["run"], repo, runner,
                              BASE_SHA=base, HEAD_SHA=head, BASE_REF="main")
    assert done.returncode == 0, done.stderr
    assert outputs["commit"] == base
    record = json.loads((runner / "gnnstack" / "base.json").read_text())
    assert record == {"tool": "gnnstack", "schema": 2, "status": "failed",
                      "error": "the base commit has no gnnstack (no pyproject.toml or setup.py to install)",
                      "commit": base, "passed": False, "stacks": []}
    assert load_check(str(runner / "gnnstack" / "base.json")).status == "failed"  # what `gnnstack diff` reads


def test_the_comment_names_both_commits_and_says_why_a_side_was_not_priced(repo_without_gnnstack):
    repo, base, head, runner = repo_without_gnnstack
    out = runner / "gnnstack"
    out.mkdir()
    for name, sha, reason in (("base", base, "the base commit has no gnnstack"),
                              ("head", head, "the PR could not be installed")):
        (out / f"{name}.json").write_text(json.dumps({"tool": "gnnstack", "schema": 2, "status": "failed",
                                                      "error": reason, "commit": sha, "passed": False,
                                                      "stacks": []}))
    script = _step(_load(WORKFLOW), "diff")["run"]
    env = dict(BASE_COMMIT=base, HEAD_SHA=head, BASE_REF="main")

    # No gnnstack on either side: the workflow's own fallback still says why.
    done, outputs = _run_step(script, repo, runner, **env)
    assert done.returncode == 0, done.stderr
    comment = (out / "comment.md").read_text()
    assert outputs["comment"] == "true"
    assert base in comment.splitlines()[0] and head in comment.splitlines()[0]
    assert "- Base: could not be priced: the base commit has no gnnstack" in comment
    assert "- PR: could not be priced: the PR could not be installed" in comment

    # With the PR's gnnstack: its `gnnstack diff --format markdown`, under the same header line.
    gnnstack = Path(sys.executable).parent / "gnnstack"
    if not gnnstack.is_file():
        pytest.skip(f"no gnnstack command next to {sys.executable}")
    (runner / "venv-head" / "bin").mkdir(parents=True)
    (runner / "venv-head" / "bin" / "gnnstack").symlink_to(gnnstack)
    done, _ = _run_step(script, repo, runner, **env)
    assert done.returncode == 0, done.stderr
    comment = (out / "comment.md").read_text()
    assert base in comment.splitlines()[0] and head in comment.splitlines()[0]
    assert "No `gnnstack diff`" not in comment, comment
    assert "the base commit has no gnnstack" in comment and "the PR could not be installed" in comment


@pytest.mark.parametrize("written, rc, expected", [
    ({"tool": "gnnstack", "schema": 2, "status": "priced", "stacks": []}, 0, "ok"),
    ({"tool": "gnnstack", "schema": 2, "status": "failed", "error": "bad stack file", "stacks": []}, 2, "ok"),
    ({"tool": "gnnstack", "version": "0.1.0", "passed": True, "stacks": []}, 0,
     "the gnnstack of the base is too old to compare: its check JSON (schema 1) has no priced lines"),
    ({"tool": "gnnstack", "schema": 2, "status": "priced", "stacks": []}, 2, "gnnstack check on the base exited 2"),
    (None, 2, "gnnstack check on the base exited 2 without writing a report"),
    ("not json", 0, "gnnstack check on the base exited 0 and wrote no gnnstack check report"),
    ({"stacks": []}, 0, "gnnstack check on the base exited 0 and wrote no gnnstack check report"),
], ids=["priced", "own-failure-record", "schema-1", "priced-but-exit-2", "nothing", "garbage", "not-gnnstack"])
def test_what_the_base_wrote_is_kept_or_replaced_by_a_failure_record(tmp_path, written, rc, expected):
    """The base step's check of the base's own output (run alone: the rest needs a pip install)."""
    script = _step(_load(WORKFLOW), "base")["run"]
    snippet = re.search(r'^reason=\$\(.*?"\$out/base\.json"\)$', script, re.S | re.M)
    assert snippet, "the base step no longer checks what the base wrote with `reason=$(...)`"
    if written is not None:
        (tmp_path / "base.json").write_text(written if isinstance(written, str) else json.dumps(written))
    done, _ = _run_step(f'out="{tmp_path}"; rc={rc}\n{snippet.group(0)}\nprintf "%s" "$reason"',
                        tmp_path, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected
