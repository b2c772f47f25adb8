"""`gnnstack diff`: two `check --format json` files compared. The end-to-end test builds a
throw-away git repository from the project and prices the base and each PR commit each with its
own code, as the PR workflow does."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from gnnstack.cli import main

from .conftest import ROOT

NOW = "2026-11-23T10:30:00Z"
CENT = Decimal("0.01")


def run(*args, env=None):
    return CliRunner().invoke(main, list(args), env={"GNNSTACK_PROJECT": str(ROOT), **(env or {})})


def check_file(tmp_path: Path, name: str, stacks: list[dict], **top) -> Path:
    p = tmp_path / name
    p.write_text(json.dumps({"tool": "gnnstack", "schema": 2, "status": "priced", "commit": name, "passed": True,
                             "stacks": stacks, **top}))
    return p


def line(resource, name, base_q, price, worst_q="10", worst_monthly=None, rtype="aws:ec2/instance:Instance"):
    base_q, price = Decimal(base_q), Decimal(price)
    worst = None if worst_q is None else Decimal(worst_q) * price
    return {"resource": resource, "type": rtype, "name": name, "unit": "hours", "base_quantity": str(base_q),
            "worst_case_quantity": worst_q, "unit_price": str(price), "worst_case_unit_price": str(price),
            "base_monthly": str(base_q * price), "worst_case_monthly": None if worst is None else str(worst)}


def stack(name, lines, option="neo4j-ec2"):
    base = sum((Decimal(x["base_monthly"]) for x in lines), Decimal(0))
    worsts = [x["worst_case_monthly"] for x in lines]
    worst = None if None in worsts else sum((Decimal(w) for w in worsts), Decimal(0))
    return {"stack": name, "option": option, "environment": "experiment", "file": f"stacks/Pulumi.{name}.yaml",
            "monthly": {"base": str(base), "worst_case": None if worst is None else str(worst)},
            "lines": lines, "unpriced_resources": [], "guardrails": {"violations": [], "waived": []}}


# --------------------------------------------------------------------------- the diff itself


def test_added_removed_changed_and_price_only_resources(tmp_path):
    base = check_file(tmp_path, "base", [stack("s", [line("a", "Instance", "10", "1"), line("b", "Instance", "5", "2"),
                                                      line("gone", "Instance", "1", "3")]),
                                         stack("old", [line("x", "Instance", "1", "1")])])
    head = check_file(tmp_path, "head", [stack("s", [line("a", "Instance", "10", "1.5"),
                                                      line("b", "Instance", "6", "2"),
                                                      line("new", "Instance", "2", "4")]),
                                         stack("fresh", [line("y", "Instance", "3", "1")])])
    doc = json.loads(run("diff", str(base), str(head), "--format", "json").output)
    stacks = {s["stack"]: s for s in doc["stacks"]}
    assert {k: v["status"] for k, v in stacks.items()} == {"s": "compared", "old": "removed", "fresh": "added"}
    resources = {r["resource"]: r for r in stacks["s"]["resources"]}
    assert {k: r["status"] for k, r in resources.items()} == {
        "a": "price-only", "b": "changed", "gone": "removed", "new": "added"}
    assert resources["a"]["base"] == {"before": "10.00", "after": "15.00", "change": "5.00", "percent": "50.00"}
    assert resources["gone"]["base"]["change"] == "-3.00" and resources["new"]["base"]["change"] == "8.00"
    # s: 10 + 10 + 3 = 23 -> 15 + 12 + 8 = 35; old 1 -> 0; fresh 0 -> 3: total 24 -> 38.
    assert stacks["s"]["base"] == {"before": "23.00", "after": "35.00", "change": "12.00", "percent": "52.17"}
    assert doc["total"]["base"] == {"before": "24.00", "after": "38.00", "change": "14.00", "percent": "58.33"}
    table = run("diff", str(base), str(head)).output
    # A row per resource (status, resource, change, note), columns as wide as rich lays them out.
    assert re.search(r"^ +price-only +a +\+5\.00 +\(price change only\)$", table, re.M), table
    assert re.search(r"^ +changed +b +\+2\.00$", table, re.M), table
    assert "Total: base 24.00 -> 38.00 (+14.00, +58.3%)" in table


def test_worst_case_moving_between_unbounded_and_bounded_is_said_in_words(tmp_path):
    base = check_file(tmp_path, "base", [stack("s", [line("nat", "Data", "100", "0.045", worst_q=None)])])
    head = check_file(tmp_path, "head", [stack("s", [line("nat", "Data", "100", "0.045", worst_q="500")])])
    doc = json.loads(run("diff", str(base), str(head), "--format", "json").output)
    assert doc["stacks"][0]["worst_case_change"] == "was unbounded, now bounded at 22.50"
    back = json.loads(run("diff", str(head), str(base), "--format", "json").output)
    assert back["stacks"][0]["worst_case_change"] == "was bounded at 22.50, now unbounded"


def test_a_base_that_could_not_be_priced_is_said_so_never_zero(tmp_path):
    base = tmp_path / "base.json"
    base.write_text(json.dumps({"tool": "gnnstack", "schema": 2, "status": "failed", "commit": "abc",
                                "error": "stacks/Pulumi.experiment.yaml: budget: field required", "stacks": []}))
    head = check_file(tmp_path, "head", [stack("s", [line("a", "Instance", "10", "1")])])
    for fmt in ("table", "markdown"):
        out = run("diff", str(base), str(head), "--format", fmt).output
        assert "could not be priced" in out and "budget: field required" in out
        assert "+10.00" not in out  # nothing compared against a zero
    doc = json.loads(run("diff", str(base), str(head), "--format", "json").output)
    assert doc["base"]["error"].endswith("field required") and doc["total"] is None and doc["stacks"] == []


def test_check_records_a_failed_run_that_diff_reads(tmp_path):
    from .conftest import make_project

    proj = make_project(tmp_path, {"environment": "experiment"})  # no option, owner, budget...
    out = tmp_path / "base.json"
    result = CliRunner().invoke(main, ["check", "--format", "json", "--output", str(out)],
                                env={"GNNSTACK_PROJECT": str(proj)})
    assert result.exit_code == 2
    record = json.loads(out.read_text())
    assert record["status"] == "failed" and "demo" in record["error"]
    head = check_file(tmp_path, "head", [stack("s", [line("a", "Instance", "10", "1")])])
    text = " ".join(run("diff", str(out), str(head)).output.split())  # wrapped to the width: compare the words
    assert f"base could not be priced: {record['error'].split()[0]}" in text


@pytest.mark.parametrize("content,message", [
    ("{", "not JSON"),
    ('{"tool": "gnnstack", "stacks": [{"stack": "s"}]}', "has no priced lines"),
    ('{"tool": "other", "schema": 2, "stacks": []}', 'not the output of `gnnstack check --format json` (no "tool"'),
    ('{"tool": "gnnstack", "schema": 2, "stacks": [{"stack": "s"}]}', "stacks.0.option: Field required"),
    # A missing figure is an error, never a zero or an unbounded worst case.
    ('{"tool": "gnnstack", "schema": 2, "stacks": [{"stack": "s", "option": "o", "environment": "e", "lines": [], '
     '"monthly": {"worst_case": null}}]}', "stacks.0.monthly.base: Field required"),
    ('{"tool": "gnnstack", "schema": 2, "stacks": [{"stack": "s", "option": "o", "environment": "e", "lines": [], '
     '"monthly": {"base": "1"}}]}', "stacks.0.monthly.worst_case: Field required"),
])
def test_a_file_that_is_not_a_check_output_is_one_message_exit_2(tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    good = check_file(tmp_path, "head", [])
    result = run("diff", str(bad), str(good))
    assert result.exit_code == 2 and message in result.output and str(bad) in result.output
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- end to end, in git


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A new repository holding the project as it is (tracked and new files), committed once."""
    root = tmp_path_factory.mktemp("repo") / "project"
    listed = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    for name in filter(None, listed.split("\0")):
        src = ROOT / name
        if src.is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, root / name)
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "base")
    return root


def pr_commit(repo: Path, branch: str, path: str, old: str, new: str) -> str:
    git(repo, "checkout", "-q", "-b", branch, "main")
    f = repo / path
    text = f.read_text()
    assert old in text, (path, old)
    f.write_text(text.replace(old, new, 1))
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-am", branch)
    git(repo, "checkout", "-q", "main")
    return git(repo, "rev-parse", branch)


def price_side(repo: Path, commit: str, work: Path) -> Path:
    """`gnnstack check --format json` of `commit`, run by that commit's own code: a worktree whose
    own `src/` comes first on the path (the installed folders components/, templates/ and
    guardrails/ linked into its package, as its own install would map them)."""
    tree = work / f"tree-{commit[:8]}"
    if not tree.exists():
        git(repo, "worktree", "add", "-q", "--detach", str(tree), commit)
        for folder in ("components", "templates", "guardrails"):
            (tree / "src" / "gnnstack" / folder).symlink_to(tree / folder)
    out = work / f"check-{commit[:8]}.json"
    env = {**os.environ, "PYTHONPATH": str(tree / "src"), "GNNSTACK_PROJECT": str(tree), "GNNSTACK_NOW": NOW,
           "GNNSTACK_CACHE_DIR": str(work / f"cache-{commit[:8]}")}
    code = ("import gnnstack, sys; assert gnnstack.__file__.startswith(sys.argv[1]), gnnstack.__file__; "
            "from gnnstack.cli import main; main(sys.argv[2:])")
    done = subprocess.run([sys.executable, "-c", code, str(tree), "check", "experiment", "--format", "json",
                           "--soft-fail", "--output", str(out)], capture_output=True, text=True, env=env, cwd=tree)
    assert done.returncode == 0, done.stderr[-2000:]
    return out


def catalog(item: str) -> Decimal:
    for row in (ROOT / "src/gnnstack/data/prices/us-east-1.csv").read_text().splitlines():
        parts = row.split(",")
        if len(parts) > 4 and parts[1] == item:
            return Decimal(parts[4])
    raise KeyError(item)


@pytest.mark.slow  # prices a base and three PR commits, each in its own checkout
def test_each_kind_of_pr_change_shows_with_its_sign_and_amount(repo, tmp_path):
    base_commit = git(repo, "rev-parse", "main")
    # (a) a catalog price: Neptune db.r6g.xlarge 0.626 -> 0.700 an hour.
    a = pr_commit(repo, "price", "src/gnnstack/data/prices/us-east-1.csv",
                  "neptune,instance/db.r6g.xlarge,us-east-1,hour,0.626,",
                  "neptune,instance/db.r6g.xlarge,us-east-1,hour,0.700,")
    # (b) a component: the tuning jobs' instance type fixed in code to ml.p3.8xlarge.
    b = pr_commit(repo, "component", "components/training.py",
                  "instance_type, spot = u.instance_type, u.spot", 'instance_type, spot = "ml.p3.8xlarge", u.spot')
    # (c) the stack file: the training volume from 200 (the default) to 400 GB.
    c = pr_commit(repo, "stack", "stacks/Pulumi.experiment.yaml",
                  "        max_runtime_hours: 6\n", "        max_runtime_hours: 6\n        volume_gb: 400\n")
    base = price_side(repo, base_commit, tmp_path)
    heads = {kind: price_side(repo, commit, tmp_path) for kind, commit in (("a", a), ("b", b), ("c", c))}
    docs = {kind: json.loads(run("diff", str(base), str(path), "--format", "json").output)
            for kind, path in heads.items()}
    changes = {kind: {r["resource"]: r for r in d["stacks"][0]["resources"]} for kind, d in docs.items()}
    days = Decimal(730) / 24

    # (a) 730 hours each for the writer and the reader, 0.074 more an hour: +54.02 each, price only.
    assert {k: r["status"] for k, r in changes["a"].items() if r["base"]["change"] != "0.00"} == {
        "experiment-db-writer": "price-only", "experiment-db-reader-0": "price-only"}
    assert changes["a"]["experiment-db-writer"]["base"]["change"] == "54.02"
    assert docs["a"]["total"]["base"]["change"] == "108.04"

    # (b) tuning: 4 jobs x 4 h, once a week (730/24/7 runs), managed spot (x 0.3), at the new price.
    hours = (4 * 4 * days / 7).quantize(Decimal("0.000001"))
    spot = 1 - catalog("managed-spot-discount")
    expected_b = hours * (catalog("training/ml.p3.8xlarge") - catalog("training/ml.p3.2xlarge")) * spot
    tuning = changes["b"]["experiment-tuning-pipeline"]
    assert tuning["status"] == "changed"  # the line itself is another: ml.p3.2xlarge -> ml.p3.8xlarge
    assert Decimal(tuning["base"]["change"]) == expected_b.quantize(CENT) > 0
    assert set(changes["b"]) == {"experiment-tuning-pipeline"}

    # (c) 200 GB more for each training run's 4 hours: 200 x 4 x days / 730 GB-months at 0.14.
    storage = (200 * 4 * days / 730).quantize(Decimal("0.000001")) * catalog("storage/general-purpose-ssd")
    training = changes["c"]["experiment-training-pipeline"]
    assert training["status"] == "changed" and set(changes["c"]) == {"experiment-training-pipeline"}
    assert Decimal(training["base"]["change"]) == storage.quantize(CENT) == Decimal("4.67")

    # Each side says which commit priced it, and the markdown comment carries both.
    assert docs["a"]["base"]["commit"] == base_commit and docs["a"]["head"]["commit"] == a
    comment = run("diff", str(base), str(heads["a"]), "--format", "markdown").output
    assert base_commit[:12] in comment and a[:12] in comment and "| **Total** |" in comment
    assert "+108.04" in comment and "price only" in comment


def test_github_format_notices_each_moving_stack_and_appends_the_markdown_to_the_summary(tmp_path):
    base = check_file(tmp_path, "base", [stack("s", [line("a", "Instance", "10", "1")]),
                                         stack("same", [line("x", "Instance", "1", "1")])])
    head = check_file(tmp_path, "head", [stack("s", [line("a", "Instance", "12", "1")]),
                                         stack("same", [line("x", "Instance", "1", "1")])])
    summary = tmp_path / "summary.md"
    result = run("diff", str(base), str(head), "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 0
    notices = [x for x in result.output.splitlines() if x.startswith("::")]
    # One notice, for the stack that moved only; the message is escaped ('%' -> '%25').
    assert notices == ["::notice file=stacks/Pulumi.s.yaml,title=gnnstack cost s::s: base 10.00 -> 12.00 USD a "
                       "month (+2.00, +20.0%25); worst case ±0.00"]
    assert "## gnnstack cost change" in result.output and summary.read_text().startswith("## gnnstack cost change")
    failed = tmp_path / "failed.json"
    failed.write_text(json.dumps({"tool": "gnnstack", "schema": 2, "status": "failed", "error": "50% broken\nhere",
                                  "stacks": []}))
    out = run("diff", str(failed), str(head), "--format", "github").output
    assert out.splitlines()[0] == "::warning title=gnnstack diff::base could not be priced: 50%25 broken%0Ahere"
