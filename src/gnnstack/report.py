"""`gnnstack report`: every selected stack assessed on each selected option (the same `assess`
as `preview`, so the figures are preview's), for the cost analysis document and its figures."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from typing import Callable, ContextManager, Optional, Sequence

from .assess import Assessment, assess, guardrail_config
from .capture_cache import capture_all
from .errors import ConfigError
from .options import OPTIONS
from .project import Project


@dataclass
class StackReport:
    stack: str
    own_option: str  # the option the stack file chooses
    assessments: list[Assessment]  # one per option, the stack's own first, then registry order

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
        captured = capture_all(project, stack, wanted, step=step)  # fills the cache, in parallel
        names = frozenset(r.name for graph, _ in captured for r in graph.resources)
        own = captured[0][1].option
        order = sorted(wanted, key=lambda o: (o != own, OPTIONS.index(o)))
        done = []
        for i, option in enumerate(order, start=1):
            with step(f"{stack}: {option} ({i}/{len(order)}): pricing, guardrails"):
                done.append(assess(project, stack, option, prices, config=config, usage_file=usage_file,
                                   usage_others=names))
        reports.append(StackReport(stack, own, done))
    return reports
