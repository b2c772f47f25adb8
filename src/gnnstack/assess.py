"""Assessing a stack: capture (or cache), price, and evaluate the guardrails, as `preview` and
`check` both do; and pricing every option on one stack's scenario, as `compare` does."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from contextlib import nullcontext
from typing import Callable, ContextManager, Optional

from . import clock
from .capture_cache import capture
from .costing.carbon import Carbon, estimate_carbon
from .costing.report import Comparison, CostReport, cost_report, price_book
from .costing.usage import UsageSet
from .graph import ResourceGraph
from .options import OPTIONS
from .project import Project
from .scenario import Scenario


@dataclass
class Assessment:
    graph: ResourceGraph
    scenario: Scenario
    costs: CostReport
    verdict: object  # gnnstack.guardrails.Verdict

    @cached_property
    def carbon(self) -> Carbon:
        """The estimate's carbon footprint, computed once (the report's JSON and figures share it)."""
        return estimate_carbon(self.costs.estimate)


def guardrail_config(project: Project, path: Optional[str]):
    from gnnstack.guardrails import default_config_path, load_config

    if path:
        return load_config(Path(path))
    default = default_config_path(project.root)
    return load_config(default if default.exists() else None)


def stack_usage(graph: ResourceGraph, scenario: Scenario, usage_file: Optional[str] = None,
                others: frozenset[str] = frozenset(), project_root: Optional[Path] = None) -> UsageSet:
    """The usage a stack is priced with: what its components declare from the stack file, with
    `usage_file` (else the scenario's `costing.usage_file`, relative to the project) on top.
    `others`: resource names of sibling graphs (compare, check) that a usage file may name
    although this graph lacks them."""
    from gnnstack.components.usage import declare
    from gnnstack.costing.usage_file import apply_usage_file, load_usage_file

    usage = declare(scenario, graph.stack)
    path, shown = usage_file, usage_file
    if not path and scenario.costing.usage_file:
        shown = scenario.costing.usage_file
        path = str((project_root or Path.cwd()) / shown)
    if path:
        apply_usage_file(usage, load_usage_file(path), graph, shown or path, others)
    return usage


def assess(project: Project, stack: str, option: Optional[str] = None, prices: Optional[str] = None,
           guardrails: Optional[str] = None, config=None, usage_file: Optional[str] = None,
           usage_others: frozenset[str] = frozenset(),
           captured: Optional[tuple[ResourceGraph, Scenario]] = None) -> Assessment:
    """`captured`: the stack's (graph, scenario) when the caller has just captured them (saves
    reading the capture cache again)."""
    from gnnstack.guardrails import evaluate

    config = config or guardrail_config(project, guardrails)  # bad config fails before any capture
    if usage_file:
        from gnnstack.costing.usage_file import load_usage_file

        load_usage_file(usage_file)  # a malformed file fails before any capture
    graph, scenario = captured or capture(project, stack, option)
    book, used = price_book(project.root, scenario.costing.price_overrides, prices)
    now = clock.now()
    costs = cost_report(graph, book, used, stack_usage(graph, scenario, usage_file, usage_others, project.root),
                        expires_at=scenario.expires_at(now), now=now)
    verdict = evaluate(graph, costs.estimate, config, now, scenario.environment)
    return Assessment(graph, scenario, costs, verdict)


def compare(project: Project, stack: str, prices: Optional[str] = None, usage_file: Optional[str] = None,
            step: Optional[Callable[[str], ContextManager[object]]] = None) -> Comparison:
    """Every option of the registry built and priced on `stack`'s scenario. `step(text)` wraps
    each stage (a progress line)."""
    from .capture_cache import capture_all
    from .costing.usage_file import load_usage_file

    step = step or (lambda text: nullcontext())
    if usage_file:
        load_usage_file(usage_file)  # a malformed file fails before any capture
    captured = capture_all(project, stack, OPTIONS, step=step)
    names = frozenset(r.name for graph, _ in captured for r in graph.resources)
    reports = []
    for i, (graph, scenario) in enumerate(captured, start=1):
        with step(f"{stack}: {graph.option} ({i}/{len(captured)}): pricing"):
            book, used = price_book(project.root, scenario.costing.price_overrides, prices)
            reports.append(cost_report(graph, book, used,
                                       stack_usage(graph, scenario, usage_file, names, project.root)))
    return Comparison(stack, reports)


def training_choices(project: Project, stack: str, prices: Optional[str] = None):
    """`compare --training`: the stack's training job priced on each of its stack file's
    `workload.training.candidates`, on demand and on managed spot (a `TrainingChoices`)."""
    from gnnstack import instances
    from gnnstack.errors import ConfigError

    from .costing.training_choices import Candidate, training_choices as price
    from .costing.usage import DEFAULT, STACK, Assumption, shown

    graph, scenario = capture(project, stack)
    t = scenario.workload.training
    if not t.candidates:
        raise ConfigError(f"{project.stack_file(stack)}: workload.training.candidates is empty; list the instance "
                          "types to compare, e.g. - {instance_type: ml.g4dn.xlarge, hours_per_run: [2, 3]}")
    candidates = [Candidate(c.instance_type, instances.lookup(c.instance_type, "sagemaker").gpus, *c.hours_per_run)
                  for c in t.candidates]
    source = STACK if "spot_interruption_overhead" in t.model_fields_set else DEFAULT
    overhead = Assumption("spot interruption overhead", shown(t.spot_interruption_overhead),
                          "fraction of a run's hours", source)
    book, used = price_book(project.root, scenario.costing.price_overrides, prices)
    return price(stack, graph, book, used, candidates, overhead, scenario.region, scenario.month_hours)
