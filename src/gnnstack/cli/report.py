"""`gnnstack report`: a cost analysis of stacks for people who do not read tables, as files."""

from __future__ import annotations

import json
import os
from functools import partial
from pathlib import Path
from typing import Callable

import click

from gnnstack.errors import GnnstackError
from gnnstack.options import OPTIONS
from gnnstack.project import find_project

from .options import guardrails_option, prices_option, usage_option
from .output import progress

DEFAULT_OUT = "gnnstack-report"


def _draw(figure: tuple[Callable[[Path], None], Path]) -> None:
    draw, path = figure
    draw(path)


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
    DIR/STACK/cost_comparison.png (the options side by side, and the stack file's option in every
    region the price catalog covers: cost and carbon), then DIR/report.html: one self-contained
    page for every stack (summary, the pictures inline, options, recommendations, regions,
    carbon, cost lines, assumptions, unpriced resources, guardrails, price sources; nothing
    fetched, opens from a file and prints). A stack that fails its guardrails is still reported,
    with its violations; the exit code stays 0.

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
    from gnnstack.parallel import fork_map, workers_for

    written = [where / "cost_analysis.json"]
    figures: list[tuple[Callable[[Path], None], Path]] = []  # (draw given the path, path)
    for r in reports:
        folder = where / r.stack
        budget = r.own.scenario.budget.monthly_usd
        preferred = r.own if not options or r.own_option in options else r.assessments[0]
        figures.append((partial(dashboard, preferred, budget,
                                recommendations=r.recommendations.get(preferred.graph.option, [])),
                        folder / "cost_dashboard.png"))
        figures.append((partial(comparison, r.stack, r.assessments, budget, regions=r.regions),
                        folder / "cost_comparison.png"))
    document = cost_analysis_json(reports, generated_at)
    try:
        written[0].write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        for r in reports:
            (where / r.stack).mkdir(exist_ok=True)
        with progress(f"drawing {len(figures)} figures" + (f" in {workers_for(len(figures))} processes"
                                                           if workers_for(len(figures)) > 1 else "")):
            fork_map(_draw, figures)
        written += [path for _, path in figures]
        # One page for every stack, from the same document as the JSON and the PNGs just written.
        from gnnstack.outputs.report_html import IMAGES, image_key, report_html

        with progress("writing report.html"):
            images = {image_key(r.stack, n): (where / r.stack / n).read_bytes() for r in reports for n in IMAGES}
            (where / "report.html").write_text(report_html(document, images), encoding="utf-8")
        written.append(where / "report.html")
    except OSError as e:
        raise GnnstackError(f"cannot write {e.filename or out}: {e.strerror or e}") from None
    click.echo(f"wrote {len(written)} files: " + ", ".join(str(p) for p in written))
