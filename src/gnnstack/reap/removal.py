"""Removing what `select` chose, stack by stack: what `gnnstack reap --no-dry-run` does.

A stack whose Pulumi state is at hand is destroyed through Pulumi; a destroy takes the whole
stack, so it is held back when any of its resources may not be reaped. Anything else (orphans
with no state) is deleted directly with `delete`, kind by kind, in dependency order."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional

from .deletion import Progress, delete
from .model import Found, Outcome
from .safety import Selection, group_by_stack

PULUMI = "pulumi"  # destroyed through Pulumi (its state is in the backend)
DIRECT = "direct"  # no Pulumi state: each resource deleted with boto3
HELD = "held"  # its state exists but some of its resources may not be reaped: not touched
NEEDS_PULUMI = "needs-pulumi"  # its state exists and the Pulumi CLI is not installed: not touched
ROUTES = (PULUMI, DIRECT, HELD, NEEDS_PULUMI)


@dataclass(frozen=True)
class StackPlan:
    """How one stack's expired resources are to be removed, decided before anything changes."""
    stack: str
    route: str
    items: tuple[Found, ...]
    backend: str
    blocking: tuple[tuple[Found, str], ...] = ()  # HELD: what may not be reaped, with the reason

    @property
    def removes(self) -> bool:
        """Whether carrying it out removes anything (HELD and NEEDS_PULUMI leave the stack alone)."""
        return self.route in (PULUMI, DIRECT)


def search_regions(asked: Iterable[str], configured: Optional[Iterable[str]],
                   stack_regions: Callable[[], Iterable[str]]) -> tuple[list[str], list[str]]:
    """(regions to search, regions reap may act in): the asked-for regions, else the guardrail
    config's `reap: regions`, else the stacks' regions (read only then: `stack_regions()`); it may
    act only in the configured ones when there are any, else wherever it searched."""
    configured = list(configured or ())
    search = list(asked) or configured or sorted(set(stack_regions()))
    return search, configured or search


def state_exists(backend: str, project: str, stack: str) -> Optional[bool]:
    """Whether a self-managed file backend holds the stack's state (None: cannot tell offline)."""
    if not backend.startswith("file://"):
        return None
    root = Path(backend[len("file://"):]) / ".pulumi" / "stacks" / project
    return any((root / f"{stack}{suffix}").exists() for suffix in (".json", ".json.gz"))


def removal_plan(chosen: Selection, *, project_name: str, stack_files: Iterable[str], backend: str) -> list[StackPlan]:
    """One plan per stack with something to reap, sorted by stack."""
    from gnnstack.deploy import pulumi_cli

    files = set(stack_files)
    plans = []
    for stack, items in group_by_stack(chosen.reap).items():
        has_state = state_exists(backend, project_name, stack)
        blocking = tuple(chosen.blocking(stack)) if has_state else ()
        if blocking:
            route = HELD
        elif has_state and pulumi_cli() is None:
            route = NEEDS_PULUMI
        elif has_state and stack in files:
            route = PULUMI
        else:
            route = DIRECT
        plans.append(StackPlan(stack, route, tuple(items), backend, blocking))
    return plans


def remove_stack(plan: StackPlan, project, *, progress: Progress = None) -> list[Outcome]:
    """Carry out a PULUMI or DIRECT plan. Through Pulumi, the engine reports per resource and
    nothing comes back; directly, one Outcome per resource."""
    if plan.route == PULUMI:
        from gnnstack.deploy import build_plan, run_destroy

        run_destroy(build_plan(project, plan.stack, "experiment", backend=plan.backend), lambda event: None,
                    lambda line: None)
        return []
    if plan.route == DIRECT:
        return delete(plan.items, progress=progress)
    raise ValueError(f"stack {plan.stack}: route {plan.route!r} removes nothing; only {PULUMI} and {DIRECT} do")
