"""`gnnstack check`: costs and guardrails of several stacks, for PR pipelines."""

from __future__ import annotations

import json
import os
import sys
import time

import click

from gnnstack.project import find_project

from .options import format_option, guardrails_option, prices_option, usage_option
from .output import progress, write_output


@click.command()
@click.argument("stacks", nargs=-1)
@prices_option
@usage_option
@guardrails_option
@format_option("text", "json", "sarif", "junit", "github", default="text", details={
    "text": "each stack's cost and guardrail verdicts",
    "json": "every priced line per stack, or a failure record when the stacks cannot be priced"})
@click.option("--compare-to", "compare_to", metavar="FILE",
              help="A base `gnnstack check --format json` output (e.g. from the target branch): the github "
                   "summary shows each stack's cost change against it.")
@click.option("--soft-fail", is_flag=True, help="Report violations but exit 0.")
@click.option("--output", "output", metavar="FILE", help="Write the report to FILE instead of stdout.")
def check(stacks: tuple[str, ...], prices: str | None, usage: str | None, guardrails: str | None, fmt: str,
          compare_to: str | None, soft_fail: bool, output: str | None) -> None:
    """Price and guard STACKS (default: every stack under stacks/) for a PR pipeline.

    Exit code 0 when no mandatory guardrail fails, 1 when one does (0 with --soft-fail),
    2 on bad input. Formats: text; json (every priced line, the input of `gnnstack diff`);
    sarif (SARIF 2.1.0, each finding at the stack-file field or component behind it); junit
    (JUnit XML, one case per stack and rule); github (workflow annotations at file and line,
    plus a markdown summary for a PR comment, also appended to $GITHUB_STEP_SUMMARY when set).

    \b
    Examples:
      gnnstack check
      gnnstack check experiment production --format sarif --output gnnstack.sarif
      gnnstack check --format github --compare-to base.json
    """
    from gnnstack.errors import GnnstackError
    from gnnstack.outputs import json_out

    try:
        result, base, commit = _assess_all(stacks, prices, usage, guardrails, compare_to)
    except GnnstackError as e:
        if fmt == "json":  # a record of the failure, so a base-versus-PR diff never reads it as zero
            _write(json.dumps(json_out.failed_json(str(e), _commit(None)), indent=2) + "\n", output)
        raise
    if fmt == "json":
        text = json.dumps(json_out.check_json(result, commit), indent=2) + "\n"
    elif fmt == "sarif":
        from gnnstack.outputs.sarif import check_sarif

        text = json.dumps(check_sarif(result), indent=2) + "\n"
    elif fmt == "junit":
        from gnnstack.outputs.junit import check_junit

        text = check_junit(result)
    elif fmt == "github":
        from gnnstack.outputs.github import check_github
        from gnnstack.outputs.markdown import check_markdown

        text = check_github(result, base)
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            write_output(check_markdown(result, base), summary, append=True)
    else:
        from gnnstack.outputs.table import check_text

        text = check_text(result)
    _write(text, output)
    if not result.passed and not soft_fail:
        sys.exit(1)


def _write(text: str, output: str | None) -> None:
    write_output(text, output)


def _commit(root) -> str | None:
    """The project's git commit, so a report says which code priced it (None outside git)."""
    import subprocess

    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def _assess_all(stacks, prices, usage, guardrails, compare_to):
    from gnnstack.assess import assess, guardrail_config
    from gnnstack.check import CheckResult, load_base

    project = find_project()
    names = list(stacks) or project.all_stacks()
    config = guardrail_config(project, guardrails)
    base = load_base(compare_to)
    others: frozenset[str] = frozenset()
    if usage:  # one usage file may name resources of several stacks
        from gnnstack.capture_cache import capture

        found = set()
        for i, name in enumerate(names, start=1):
            with progress(f"check: {name} ({i}/{len(names)}): running the Pulumi program under mocks"):
                found.update(r.name for r in capture(project, name)[0].resources)
        others = frozenset(found)
    assessments = []
    seconds: dict[str, float] = {}  # each stack's assessment, for JUnit suite times
    for i, name in enumerate(names, start=1):
        with progress(f"check: {name} ({i}/{len(names)}): running the Pulumi program under mocks, pricing, "
                      "guardrails"):
            start = time.perf_counter()
            assessments.append(assess(project, name, None, prices, config=config, usage_file=usage,
                                      usage_others=others))
            seconds[name] = time.perf_counter() - start
    files = {name: os.path.relpath(project.stack_file(name), project.root) for name in names}
    return (CheckResult(assessments, files, root=project.root, seconds=seconds), base,
            _commit(project.root))
