"""`gnnstack report`: every selected stack assessed on each selected option (the same `assess`
as `preview`, so the figures are preview's), for the cost analysis document and its figures."""

from __future__ import annotations

import tempfile
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, ContextManager, Optional, Sequence

from .assess import Assessment, assess, guardrail_config
from .capture_cache import capture_all
from .errors import ConfigError
from .options import OPTIONS
from .project import Project, load_stack
from .recommend import Recommendation, recommend
from .reprice import Repricer

# Recommendations are measured for every option (True) or only the stack file's own (False).
RECOMMEND_EVERY_OPTION = True


@dataclass
class RegionCost:
    region: str
    current: bool  # the stack file's own region
    assessment: Assessment


@dataclass
class StackReport:
    stack: str
    own_option: str  # the option the stack file chooses
    assessments: list[Assessment]  # one per option, the stack's own first, then registry order
    regions: list[RegionCost] = field(default_factory=list)  # the own option in each catalog region
    # Catalog regions not compared, with the services the stack's lines use that they have no price for.
    regions_skipped: dict[str, list[str]] = field(default_factory=dict)
    # Per option: its recommendations, each measured (gnnstack.recommend); options left out: none computed.
    recommendations: dict[str, list[Recommendation]] = field(default_factory=dict)

    @property
    def own(self) -> Assessment:
        return next((a for a in self.assessments if a.graph.option == self.own_option), self.assessments[0])


def build(project: Project, stacks: Sequence[str] = (), options: Sequence[str] = (), prices: Optional[str] = None,
          usage_file: Optional[str] = None, guardrails: Optional[str] = None,
          step: Optional[Callable[[str], ContextManager[object]]] = None) -> list[StackReport]:
    """Each of `stacks` (default: every stack of the project, sorted) on each of `options`
    (default: every option of the registry)."""
    step = step or (lambda text: nullcontext())
    known = project.stacks()
    chosen = sorted(set(stacks)) if stacks else known
    missing = [s for s in chosen if s not in known]
    if missing:
        raise ConfigError(f"no stack file for {', '.join(missing)} in {project.stack_dir}; stacks: {', '.join(known)}")
    if not chosen:
        raise ConfigError(f"no stacks in {project.stack_dir}: add a Pulumi.<stack>.yaml")
    wanted = [o for o in OPTIONS if o in set(options)] if options else list(OPTIONS)
    config = guardrail_config(project, guardrails)  # a bad config fails before any capture
    reports = []
    for stack in chosen:
        captured = dict(zip(wanted, capture_all(project, stack, wanted, step=step)))  # in parallel
        names = frozenset(r.name for graph, _ in captured.values() for r in graph.resources)
        own = load_stack(project, stack)[1].option  # the file's own: each capture's scenario has its option
        order = sorted(wanted, key=lambda o: (o != own, OPTIONS.index(o)))
        done = []
        recommendations = {}
        for i, option in enumerate(order, start=1):
            with step(f"{stack}: {option} ({i}/{len(order)}): pricing, guardrails"):
                done.append(assess(project, stack, option, prices, config=config, usage_file=usage_file,
                                   usage_others=names, captured=captured[option]))
            if RECOMMEND_EVERY_OPTION or option == own:
                recommendations[option] = recommend(project, stack, done[-1], prices, usage_file, config, names,
                                                    step=step)
        r = StackReport(stack, own, done, recommendations=recommendations)
        r.regions, r.regions_skipped = regions(project, r.own, prices, usage_file, config, names, step)
        reports.append(r)
    return reports


def regions(project: Project, own: Assessment, prices: Optional[str], usage_file: Optional[str], config: object,
            names: frozenset[str], step: Callable[[str], ContextManager[object]]
            ) -> tuple[list[RegionCost], dict[str, list[str]]]:
    """`own` (a stack on its option) in every region of the price catalog: the stack file with
    `region` changed, assessed as `preview` would assess it; and the catalog regions left out,
    each with the services the stack's lines use that the catalog has no price for there (a
    region the catalog covers for a few services only would be mostly unpriced, not cheaper)."""
    from .costing.catalog import catalog_regions, catalog_services

    stack, option, here = own.graph.stack, own.graph.option, own.scenario.region
    needed = {line.price.service for line in own.costs.estimate.lines}
    rows, skipped = [], {}
    with tempfile.TemporaryDirectory(prefix="gnnstack-report-") as folder:
        repricer = Repricer(project, stack, Path(folder), option, prices, usage_file, config, names)
        for region in sorted(set(catalog_regions()) | {here}):
            if region == here:
                rows.append(RegionCost(region, True, own))
                continue
            missing = sorted(needed - catalog_services(region))
            if missing:
                skipped[region] = missing
                continue
            with step(f"{stack}: {option} in {region}: pricing"):
                rows.append(RegionCost(region, False, repricer.assess({"region": region})))
    return rows, skipped
