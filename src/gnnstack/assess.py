"""Assessing a stack: capture (or cache), price, and evaluate the guardrails, as `preview` and
`check` both do."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from . import clock
from .capture_cache import capture
from .costing.report import CostReport, cost_report, price_book
from .graph import ResourceGraph
from .project import Project
from .scenario import Scenario


@dataclass
class Assessment:
    graph: ResourceGraph
    scenario: Scenario
    costs: CostReport
    verdict: object  # gnnstack.guardrails.Verdict


def guardrail_config(project: Project, path: Optional[str]):
    from gnnstack.guardrails import default_config_path, load_config

    if path:
        return load_config(Path(path))
    default = default_config_path(project.root)
    return load_config(default if default.exists() else None)


def assess(project: Project, stack: str, option: Optional[str] = None, prices: Optional[str] = None,
           guardrails: Optional[str] = None, config=None) -> Assessment:
    from gnnstack.guardrails import evaluate

    config = config or guardrail_config(project, guardrails)  # bad config fails before any capture
    graph, scenario = capture(project, stack, option)
    book, used = price_book(project.root, scenario.costing.price_overrides, prices)
    costs = cost_report(graph, book, used)
    verdict = evaluate(graph, costs.estimate, config, clock.now(), scenario.environment)
    return Assessment(graph, scenario, costs, verdict)
