"""Glue jobs: DPU-hours. Base: the usage's hours per run (default: the timeout); worst: every run hits its timeout
(with its retries), on the job's fixed capacity, as often as its trigger fires."""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from ._registry import pricer
from ..lines import CostLine, NotPriceable, PricingContext, exact, number, picked
from ..schedule import runs_per_month
from ..usage import Usage, usage_field
from ...graph import Resource

TRIGGER = "aws:glue/trigger:Trigger"
DPU_PER_WORKER = {"Standard": Decimal(1), "G.025X": Decimal("0.25"), "G.1X": Decimal(1), "G.2X": Decimal(2),
                  "G.4X": Decimal(4), "G.8X": Decimal(8)}
DEFAULT_TIMEOUT_MINUTES = 2880  # Glue's own default for Spark jobs


class GlueJobUsage(Usage):
    title = "Glue job"
    hours_per_run: Optional[Decimal] = usage_field("hours", "Hours each run takes", None, le=48,
                                                   default_text="the job's timeout")


@pricer("aws:glue/job:Job", usage=GlueJobUsage)
def price(r: Resource, ctx: PricingContext) -> list[CostLine]:
    triggers = tuple(picked(t.inputs, "type", "schedule") for t in ctx.siblings(r, TRIGGER))
    key = (picked(r.inputs, "workerType", "numberOfWorkers", "maxCapacity", "timeout", "maxRetries", "executionClass"),
           triggers, exact(ctx.usage(r, GlueJobUsage).hours_per_run))
    return ctx.alike(r, key, lambda: _lines(r, ctx))


def _lines(r: Resource, ctx: PricingContext) -> list[CostLine]:
    worker = r.inputs.get("workerType")
    if worker:
        if worker not in DPU_PER_WORKER:
            raise NotPriceable(f"unknown Glue worker type {worker!r}")
        dpus = DPU_PER_WORKER[worker] * number(r.inputs.get("numberOfWorkers"), "numberOfWorkers")
    else:
        dpus = number(r.inputs.get("maxCapacity"), "maxCapacity")
    triggers = [t for t in ctx.siblings(r, TRIGGER) if t.inputs.get("type") == "SCHEDULED"]
    if len(triggers) != 1:
        raise NotPriceable("runs on demand: no single scheduled trigger in its component says how often")
    runs = runs_per_month(str(triggers[0].inputs.get("schedule")), ctx.days)
    timeout_hours = number(r.inputs.get("timeout", DEFAULT_TIMEOUT_MINUTES), "timeout") / 60
    attempts = 1 + number(r.inputs.get("maxRetries", 0), "maxRetries")
    per_run = ctx.usage(r, GlueJobUsage).hours_per_run
    note = f"{dpus} DPUs x {runs.normalize():f} runs a month"
    if per_run is not None:
        hours = min(per_run, timeout_hours)
    else:
        hours, note = timeout_hours, note + "; base: each run hits the timeout (no hours_per_run)"
    flex = r.inputs.get("executionClass") == "FLEX"
    return [ctx.line(r, f"ETL job ({'flex' if flex else 'standard'}, {worker or 'max capacity'})", "DPU-hours",
                     dpus * hours * runs, dpus * timeout_hours * attempts * runs,
                     ctx.price("glue", "etl/flex" if flex else "etl/standard"), note=note)]
