"""Training choices: the stack's one SageMaker training job priced on other instance types.

Each candidate is priced by the estimate's own code: the job's state machine is copied with the
candidate's instance type, managed spot on or off and a maximum runtime that covers the run, and
the copy is priced by the Step Functions pricer (`pricers/step_functions.py`) with the run's hours
as its usage. Per run: the copy's schedule fires once a month; per month: the stack's own schedule.
So the instance price, the managed spot saving (a catalog factor) and the ML storage volume are
read exactly as `gnnstack preview` reads them.

A spot run takes longer than an on-demand one: interruptions and restarts from the last checkpoint
add hours. That overhead is a stated assumption (the stack's `spot_interruption_overhead`, default
10%), never folded in silently: spot hours = hours x (1 + overhead).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Optional

from ..errors import ConfigError
from ..graph import Resource, ResourceGraph
from .catalog import Price, PriceBook
from .estimate import estimate
from .pricers.step_functions import SCHEDULE, TRAINING, TUNING, StateMachineUsage
from .schedule import runs_per_month
from .usage import STACK, Assumption, Declared, UsageSet, shown

STATE_MACHINE = "aws:sfn/stateMachine:StateMachine"
# The lines of the job itself (instance hours, ML storage), not the workflow's state transitions.
JOB_LINES = "Training job"
# A schedule that fires once a month: a month of it prices one run.
ONCE_A_MONTH = "cron(0 0 1 * ? *)"


@dataclass(frozen=True)
class Candidate:
    instance_type: str
    gpus: int
    hours_low: Decimal
    hours_high: Decimal


@dataclass(frozen=True)
class Span:
    """A cost for the low and the high hours of a run."""

    low: Decimal
    high: Decimal


@dataclass(frozen=True)
class Purchase:
    """One way to buy a candidate's runs: its hours, what one run and a month of runs cost, and the
    hourly instance price they rest on."""

    hours: Span
    per_run: Span
    per_month: Span
    price: Price


@dataclass(frozen=True)
class Choice:
    candidate: Candidate
    on_demand: Optional[Purchase]
    spot: Optional[Purchase]
    unpriced: str = ""  # why, when the candidate could not be priced
    notes: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return "GPU" if self.candidate.gpus else "CPU"


@dataclass(frozen=True)
class TrainingChoices:
    stack: str
    region: str
    job: str  # the state machine that starts the training job
    instance_count: Decimal
    volume_gb: Optional[Decimal]
    max_runtime_hours: Decimal
    runs_per_month: Decimal
    schedule: str
    spot_overhead: Assumption
    choices: list[Choice]
    overrides: Optional[str] = None  # the override file the prices came from, if any
    at_catalog: Optional[list[Choice]] = None  # the same choices at catalog prices, with an override file


def training_job(graph: ResourceGraph) -> tuple[Resource, dict[str, Any], Resource]:
    """(state machine, training job parameters, schedule) of the graph's one SageMaker training job."""
    found = []
    for r in graph.of_type(STATE_MACHINE):
        text = r.inputs.get("definition")
        try:
            definition = json.loads(text) if isinstance(text, str) else {}
        except ValueError:
            continue
        for state in (definition.get("States") or {}).values():
            resource = str(state.get("Resource", ""))
            if TRAINING in resource and TUNING not in resource:
                found.append((r, state.get("Parameters") or {}))
    if len(found) != 1:
        raise ConfigError(f"stack {graph.stack} ({graph.option}) has {len(found)} SageMaker training jobs; "
                          "compare --training prices one: set workload.training.platform: sagemaker")
    machine, job = found[0]
    schedules = [x for x in graph.children.get(machine.parent, ()) if x.type == SCHEDULE]
    if len(schedules) != 1:
        raise ConfigError(f"{machine.name}: no single schedule beside it says how often the job runs")
    return machine, job, schedules[0]


def _variant(machine: Resource, job: dict[str, Any], instance_type: str, spot: bool, hours: Decimal) -> Resource:
    """The state machine with its job on `instance_type`, spot or not, allowed to run `hours`."""
    max_run = max(math.ceil(hours * 3600), 1)
    stopping = {"MaxRuntimeInSeconds": max_run, **({"MaxWaitTimeInSeconds": 2 * max_run} if spot else {})}
    params = {**job, "ResourceConfig": {**(job.get("ResourceConfig") or {}), "InstanceType": instance_type},
              "StoppingCondition": stopping, "EnableManagedSpotTraining": spot}
    definition = {"StartAt": "Train", "States": {"Train": {
        "Type": "Task", "Resource": f"arn:aws:states:::{TRAINING}.sync", "Parameters": params, "End": True}}}
    return Resource(machine.type, machine.name, machine.parent,
                    {**machine.inputs, "definition": json.dumps(definition, sort_keys=True)})


def _priced(graph: ResourceGraph, machine: Resource, job: dict[str, Any], schedule: Resource,
            expression: str, book: PriceBook, region: str, month_hours: Decimal, instance_type: str, spot: bool,
            hours: Decimal) -> tuple[Decimal, Price]:
    """(cost of the job's lines in a month of `expression`, the hourly instance price used)."""
    around = [r for r in graph.resources if not r.custom and r.name in _ancestors(graph, machine)]
    mini = ResourceGraph(graph.stack, graph.option, around + [
        _variant(machine, job, instance_type, spot, hours),
        Resource(schedule.type, schedule.name, schedule.parent, {**schedule.inputs, "scheduleExpression": expression}),
    ])
    usage = UsageSet()
    usage.declare(Declared(machine.name, StateMachineUsage(hours_per_job=hours), sources={"hours_per_job": STACK}))
    e = estimate(mini, book, region=region, hours=month_hours, usage=usage)
    if e.unpriced:
        raise _Unpriced(e.unpriced[0].reason)
    lines = [x for x in e.lines if x.resource == machine.name and x.name.startswith(JOB_LINES)]
    if not lines:
        raise RuntimeError(f"the Step Functions pricer made no '{JOB_LINES}' line for {machine.name}")
    return sum((x.base_monthly for x in lines), Decimal(0)), lines[0].price


def _ancestors(graph: ResourceGraph, r: Resource) -> set[str]:
    names, parent = set(), r.parent
    while parent is not None:
        names.add(parent)
        above = graph.names.get(parent)
        parent = above.parent if above is not None else None
    return names


class _Unpriced(Exception):
    pass


def price_choices(graph: ResourceGraph, book: PriceBook, candidates: list[Candidate], overhead: Decimal,
                  region: str, month_hours: Decimal) -> list[Choice]:
    """Each candidate on demand and on managed spot, per run and per month, in the order given."""
    machine, job, schedule = training_job(graph)
    expression = str(schedule.inputs.get("scheduleExpression"))
    cap = _max_runtime_hours(job)
    out = []
    for c in candidates:
        notes = []
        if c.hours_high > cap:
            notes.append(f"a run may take {shown(c.hours_high)} h, over the job's maximum runtime of {shown(cap)} h: "
                         "raise workload.training.max_runtime_hours to run it on this type")
        try:
            purchases = []
            for spot in (False, True):
                factor = 1 + overhead if spot else Decimal(1)
                hours = Span(c.hours_low * factor, c.hours_high * factor)
                low, price = _priced(graph, machine, job, schedule, ONCE_A_MONTH, book, region, month_hours,
                                     c.instance_type, spot, hours.low)
                high, _ = _priced(graph, machine, job, schedule, ONCE_A_MONTH, book, region, month_hours,
                                  c.instance_type, spot, hours.high)
                month_low, _ = _priced(graph, machine, job, schedule, expression, book, region, month_hours,
                                       c.instance_type, spot, hours.low)
                month_high, _ = _priced(graph, machine, job, schedule, expression, book, region, month_hours,
                                        c.instance_type, spot, hours.high)
                purchases.append(Purchase(hours, Span(low, high), Span(month_low, month_high), price))
        except _Unpriced as e:
            out.append(Choice(c, None, None, str(e), tuple(notes)))
            continue
        out.append(Choice(c, purchases[0], purchases[1], "", tuple(notes)))
    return out


def _max_runtime_hours(job: dict[str, Any]) -> Decimal:
    seconds = (job.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds")
    return Decimal(str(seconds)) / 3600 if seconds is not None else Decimal(0)


def training_choices(stack: str, graph: ResourceGraph, book: PriceBook, overrides: Optional[str],
                     candidates: list[Candidate], overhead: Assumption, region: str,
                     month_hours: Decimal) -> TrainingChoices:
    """The candidates priced with `book`, and with an override file also at catalog prices."""
    machine, job, schedule = training_job(graph)
    expression = str(schedule.inputs.get("scheduleExpression"))
    config = job.get("ResourceConfig") or {}
    volume = config.get("VolumeSizeInGB")
    rate = Decimal(overhead.value)
    choices = price_choices(graph, book, candidates, rate, region, month_hours)
    at_catalog = (price_choices(graph, book.catalog_only(), candidates, rate, region, month_hours)
                  if book.overrides else None)
    return TrainingChoices(
        stack, region, machine.name, Decimal(str(config.get("InstanceCount", 1))),
        None if volume is None else Decimal(str(volume)), _max_runtime_hours(job),
        runs_per_month(expression, month_hours / 24), expression, overhead, choices, overrides, at_catalog)
