"""`gnnstack report`: a cost analysis of stacks for people who do not read tables, as files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from gnnstack.errors import GnnstackError
from gnnstack.options import OPTIONS
from gnnstack.project import find_project

from .options import guardrails_option, prices_option, usage_option
from .output import progress

DEFAULT_OUT = "gnnstack-report"


def _out_dir(out: str) -> Path:
    path = Path(out)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise GnnstackError(f"cannot write {out}: {e.strerror or e}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise GnnstackError(f"cannot write {out}: Permission denied")
    return path


@click.command()
@click.argument("stacks", nargs=-1, metavar="[STACK ...]")
@click.option("--out", "out", default=DEFAULT_OUT, show_default=True, metavar="DIR",
              help="Folder for the files (created if missing).")
@click.option("--option", "options", multiple=True, type=click.Choice(OPTIONS),
              help="Only this stack option (repeat for several). Default: every option.")
@prices_option
@usage_option
@guardrails_option
def report(stacks: tuple[str, ...], out: str, options: tuple[str, ...], prices: str | None, usage: str | None,
           guardrails: str | None) -> None:
    """Write a cost analysis of each STACK (default: every stack) to DIR.

    Each stack is assessed on each option as `preview` does it (same figures, same guardrails).
    Written: DIR/cost_analysis.json (every stack and option; its JSON Schema is
    gnnstack/data/cost_analysis.schema.json), and per stack DIR/STACK/cost_dashboard.png (the
    stack file's option, or the first --option: by component, by AWS service, 12 months against
    the budget, top cost drivers, carbon by component, the recommendations (saving vs effort, each
    saving measured by re-pricing the changed stack file), guardrails and unpriced resources) and
    DIR/STACK/cost_comparison.png (the options side by side). A stack that fails its guardrails
    is still reported, with its violations; the exit code stays 0.

    \b
    Examples:
      gnnstack report
      gnnstack report experiment --out reports/
      gnnstack report production --option neo4j-ec2 --option emr-spark
    """
    from gnnstack import clock
    from gnnstack.report import build

    project = find_project()
    generated_at = clock.now()  # a bad GNNSTACK_NOW fails before any capture
    where = _out_dir(out)
    reports = build(project, stacks, options, prices, usage, guardrails, step=progress)

    from gnnstack.outputs.report_json import cost_analysis_json
    from gnnstack.outputs.report_png import comparison, dashboard

    written = [where / "cost_analysis.json"]
    try:
        written[0].write_text(json.dumps(cost_analysis_json(reports, generated_at), indent=2, sort_keys=True) + "\n",
                              encoding="utf-8")
        for r in reports:
            folder = where / r.stack
            folder.mkdir(exist_ok=True)
            budget = r.own.scenario.budget.monthly_usd
            with progress(f"{r.stack}: drawing the dashboard and the comparison"):
                preferred = r.own if not options or r.own_option in options else r.assessments[0]
                dashboard(preferred, budget, folder / "cost_dashboard.png",
                          r.recommendations.get(preferred.graph.option, []))
                comparison(r.stack, r.assessments, budget, folder / "cost_comparison.png")
            written += [folder / "cost_dashboard.png", folder / "cost_comparison.png"]
    except OSError as e:
        raise GnnstackError(f"cannot write {e.filename or out}: {e.strerror or e}") from None
    click.echo(f"wrote {len(written)} files: " + ", ".join(str(p) for p in written))
