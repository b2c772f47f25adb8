"""Step Functions state machines, and the SageMaker training and tuning jobs they start.

The jobs are not Pulumi resources, but the state machine's definition declares them with their
caps: instance type and count, maximum runtime, managed spot, and for tuning the maximum number
of training jobs. The schedule in the same component says how often it runs. Base: the usage's
`hours_per_job` (default: the maximum runtime); worst: every job hits its maximum runtime on every run. Spot's worst
case is the on-demand price.

Standard workflows bill every state transition. A Map state's iterations each pass through its
inner states, so a definition with a Map needs the items it iterates over in a run
(`map_items_per_run`); the worst case has every inner task use all its retries."""

from __future__ import annotations

import json
from functools import lru_cache
from decimal import Decimal
from typing import Any, Optional

from ._registry import pricer
from ..catalog import Price
from ..lines import CostLine, NotPriceable, PricingContext, derived, exact, number
from ..schedule import runs_per_month
from ..usage import CATALOG, Assumption, NeedsUsage, Usage, shown, usage_field
from ...graph import Resource

SCHEDULE = "aws:scheduler/schedule:Schedule"
TRAINING, TUNING = "sagemaker:createTrainingJob", "sagemaker:createHyperParameterTuningJob"


class StateMachineUsage(Usage):
    title = "Step Functions state machine (SageMaker jobs)"
    hours_per_job: Optional[Decimal] = usage_field(
        "hours", "Hours each SageMaker training job it starts runs (for tuning: each of its training jobs)",
        None, le=28 * 24, default_text="the job's maximum runtime")
    map_items_per_run: Optional[Decimal] = usage_field(
        "items/run", "Items each Map state of the definition iterates over in a run (e.g. inference workers)",
        None, le=10 ** 9, default_text="none: required when the definition has a Map state", quiet=True)


def _runs(r: Resource, ctx: PricingContext) -> Decimal:
    # Components hold one schedule and the one thing it starts (see components/training.py).
    schedules = ctx.siblings(r, SCHEDULE)
    if len(schedules) != 1:
        raise NotPriceable("runs on demand: no single schedule in its component says how often")
    return runs_per_month(str(schedules[0].inputs.get("scheduleExpression")), ctx.days)


def _sagemaker_prices(ctx: PricingContext, instance_type: str,
                      spot: bool) -> tuple[Price, str, tuple[Assumption, ...]]:
    """(price, label, catalog assumptions the price rests on)."""
    on_demand = ctx.price("sagemaker", f"training/{instance_type}")
    if not spot:
        return on_demand, "on-demand", ()
    discount = ctx.price("sagemaker", "managed-spot-discount")
    # From the price book: the catalog, or an override file (the line's price says which).
    saving = Assumption("managed spot saving", shown(discount.usd), "fraction of on-demand", CATALOG)
    return derived(on_demand, 1 - discount.usd, f"training-spot/{instance_type}",
                   f"on-demand x (1 - {discount.usd} typical managed spot saving)", discount), "managed spot", (saving,)


def _job_lines(r: Resource, ctx: PricingContext, job: dict[str, Any], runs: Decimal, jobs_per_run: Decimal,
               declared_hours: Optional[Decimal], what: str) -> list[CostLine]:
    config = job.get("ResourceConfig") or {}
    instance_type = config.get("InstanceType")
    if not isinstance(instance_type, str):
        raise NotPriceable(f"the {what} job's instance type is not known")
    count = number(config.get("InstanceCount", 1), "InstanceCount")
    max_hours = number((job.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds"), "MaxRuntimeInSeconds") / 3600
    spot = bool(job.get("EnableManagedSpotTraining"))
    note = f"{runs.normalize():f} runs a month x {jobs_per_run} job(s) x {count} instance(s)"
    if declared_hours is None:
        hours, note = max_hours, note + "; base: every job runs its maximum runtime (no hours_per_job)"
    else:
        hours = min(declared_hours, max_hours)
    price, label, assumed = _sagemaker_prices(ctx, instance_type, spot)
    on_demand = ctx.price("sagemaker", f"training/{instance_type}")
    per_run = jobs_per_run * count
    lines = [ctx.line(r, f"{what} ({label}, {instance_type})", "hours", per_run * hours * runs,
                      per_run * max_hours * runs, price, on_demand, note=note, assumptions=assumed)]
    volume = config.get("VolumeSizeInGB")
    if volume:
        storage = ctx.price("sagemaker", "storage/general-purpose-ssd")
        gb = number(volume, "VolumeSizeInGB")
        lines.append(ctx.line(r, f"{what} ML storage ({gb} GB per instance)", "GB-months",
                              gb * per_run * hours * runs / ctx.hours, gb * per_run * max_hours * runs / ctx.hours,
                              storage, note="billed while the instances run"))
    return lines


@lru_cache(maxsize=1024)
def _definition(text: Any) -> dict[str, Any]:
    """The parsed definition (read only; machines with the same text share it)."""
    try:
        definition: dict[str, Any] = json.loads(text or "")
        return definition
    except (TypeError, ValueError):
        raise NotPriceable("the state machine definition is not known") from None


@pricer("aws:sfn/stateMachine:StateMachine", usage=StateMachineUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    text = r.inputs.get("definition")
    definition = _definition(text if isinstance(text, str) else None)
    if r.inputs.get("type", "STANDARD") != "STANDARD":
        raise NotPriceable("Express workflows are not priced")
    runs = _runs(r, ctx)
    usage = ctx.usage(r, StateMachineUsage)
    # The lines follow from the definition, the runs a month and the usage alone.
    key = (text, exact(runs), exact(usage.hours_per_job), exact(usage.map_items_per_run))
    return ctx.alike(r, key, lambda: _lines(r, ctx, definition, runs, usage))


def _lines(r: Resource, ctx: PricingContext, definition: dict[str, Any], runs: Decimal,
           usage: StateMachineUsage) -> list[CostLine]:
    states = definition.get("States") or {}
    lines: list[CostLine] = []
    for state in states.values():
        resource, params = str(state.get("Resource", "")), state.get("Parameters") or {}
        if TUNING in resource:
            limits = (params.get("HyperParameterTuningJobConfig") or {}).get("ResourceLimits") or {}
            jobs = number(limits.get("MaxNumberOfTrainingJobs"), "MaxNumberOfTrainingJobs")
            lines += _job_lines(r, ctx, params.get("TrainingJobDefinition") or {}, runs, jobs,
                                usage.hours_per_job, "Tuning training jobs")
        elif TRAINING in resource:
            lines += _job_lines(r, ctx, params, runs, Decimal(1), usage.hours_per_job, "Training job")
    # A run enters each state once and ends: one transition per state plus the start.
    transitions = Decimal(len(states) + 1) * runs / 1000
    worst = transitions
    note = ""
    maps = [state for state in states.values() if state.get("Type") == "Map"]
    if maps:
        if usage.map_items_per_run is None:
            raise NeedsUsage(StateMachineUsage, "map_items_per_run", "the definition has a Map state")
        items = usage.map_items_per_run
        for state in maps:
            once, most = _iteration_transitions(state)
            transitions += items * once * runs / 1000
            worst += items * most * runs / 1000
        note = (f"{runs.normalize():f} runs a month; each Map iteration of {items.normalize():f} items enters its "
                f"inner states once; worst: every inner task retried to its MaxAttempts")
    lines.append(ctx.line(r, "State transitions", "1K transitions", transitions, worst,
                          ctx.price("stepfunctions", "standard/transitions"), note=note))
    return lines


def _iteration_transitions(state: dict[str, Any]) -> tuple[Decimal, Decimal]:
    """Transitions one Map iteration makes: entering each inner state once, and at most (each
    task retried to the largest MaxAttempts of its retriers)."""
    inner = ((state.get("ItemProcessor") or state.get("Iterator") or {}).get("States")) or {}
    once = Decimal(len(inner))
    most = Decimal(0)
    for s in inner.values():
        retries = [number(r.get("MaxAttempts", 3), "MaxAttempts") for r in s.get("Retry") or []]
        most += 1 + (max(retries) if retries else 0)
    return once, most
